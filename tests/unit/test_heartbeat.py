"""Worker heartbeats as the web process reads them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from shared.heartbeat import HeartbeatWriter, worker_health


def consumer(idle: float) -> object:
    return SimpleNamespace(_subscription=SimpleNamespace(fetcher_idle_time=idle))


def write(folder: Path, name: str, consumers: dict[str, object]) -> HeartbeatWriter:
    os.environ["SUPERVISOR_PROCESS_NAME"] = name
    try:
        writer = HeartbeatWriter(folder, "newsletter", lambda: list(consumers.items()))
        writer.beat()
    finally:
        del os.environ["SUPERVISOR_PROCESS_NAME"]
    return writer


def test_a_worker_whose_consumers_poll_is_healthy(tmp_path: Path) -> None:
    write(tmp_path, "newsletter-worker-1", {"replica": consumer(0.0)})
    assert worker_health(tmp_path, "newsletter", expected=1) == (True, {"newsletter-worker-1": []})


def test_fewer_healthy_workers_than_expected_is_not_ready(tmp_path: Path) -> None:
    write(tmp_path, "newsletter-worker-1", {"replica": consumer(0.0)})
    ready, _ = worker_health(tmp_path, "newsletter", expected=2)
    assert not ready
    assert worker_health(tmp_path, "surveys", expected=1)[0] is False


def test_a_consumer_that_stopped_polling_makes_its_worker_unhealthy(tmp_path: Path) -> None:
    write(tmp_path, "newsletter-worker-1", {"replica": consumer(0.0), "requests": consumer(600)})
    ready, problems = worker_health(tmp_path, "newsletter", expected=1)
    assert not ready
    assert problems["newsletter-worker-1"] == ["consumer requests has not polled for 600 s"]


def test_a_worker_process_that_died_is_unhealthy_at_once(tmp_path: Path) -> None:
    writer = write(tmp_path, "newsletter-worker-1", {})
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    text = writer.path.read_text().replace(f'"pid": {os.getpid()}', f'"pid": {dead.stdout.strip()}')
    writer.path.write_text(text)
    ready, problems = worker_health(tmp_path, "newsletter", expected=1)
    assert not ready
    assert "is gone" in problems["newsletter-worker-1"][0]


def test_a_heartbeat_that_stopped_is_stale(tmp_path: Path) -> None:
    write(tmp_path, "newsletter-worker-1", {})
    ready, problems = worker_health(tmp_path, "newsletter", expected=1, now=time.time() + 60)
    assert not ready
    assert problems["newsletter-worker-1"][0].startswith("no heartbeat for")
