"""`make up`'s supervision with the real scripts: a supervisord of the test's own (its own
state folder), newsletter's web and worker as its programs. A SIGKILLed worker is started
again, /readyz says not ready until the new one's heartbeat and consumers are back; a
program that keeps dying at start-up is retried with backoff and then given up; stopping
supervisord leaves nothing running."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from shared.kafka import ensure_topics
from tests.support.infra import Infra
from tests.support.own_db import own_database
from tests.support.polling import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.supervision]

REPO = Path(__file__).resolve().parents[2]
WEB_PORT = int(os.environ.get("NEWSLETTER_WEB_PORT", "18102")) + 500


class Supervisor:
    """deploy/bin/supervise.sh and lib.sh's start_bg, with STATE_DIR in a folder of its own."""

    def __init__(self, state_dir: Path, env: dict[str, str]) -> None:
        self.state_dir = state_dir
        self.env = {**os.environ, **env, "DIGITUKI_ENV": "up", "STATE_DIR": str(state_dir)}

    def script(self, snippet: str) -> str:
        done = subprocess.run(
            ["bash", "-c", f"source deploy/bin/lib.sh && load_env up && {snippet}"],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    def stop(self) -> None:
        subprocess.run(
            ["deploy/bin/supervise.sh", "up", "stop"], cwd=REPO, env=self.env, check=True
        )

    def start_program(self, name: str, *command: str) -> None:
        self.script(f"start_bg {name} " + " ".join(command))

    def state_and_pid(self, name: str) -> tuple[str, int]:
        out = self.script(f"supervisorctl_ status {name} || true").split()
        pid = int(out[3].rstrip(",")) if len(out) > 3 and out[2] == "pid" else 0
        return out[1], pid


@pytest.fixture
def state_root() -> Iterator[Path]:
    """A short folder: supervisord's Unix socket path must stay under 108 bytes, which
    pytest's tmp_path (deeper still under xdist) does not."""
    folder = Path(tempfile.mkdtemp(prefix="dt-sv-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def supervisors(state_root: Path) -> Iterator[Callable[[dict[str, str]], Supervisor]]:
    """Starts supervisord with an environment (its programs inherit it, as under make up)."""
    started: list[Supervisor] = []

    def start(env: dict[str, str]) -> Supervisor:
        supervisor = Supervisor(state_root / "up", env)
        subprocess.run(
            ["deploy/bin/supervise.sh", "up", "start"], cwd=REPO, env=supervisor.env, check=True
        )
        started.append(supervisor)
        return supervisor

    yield start
    for supervisor in started:
        supervisor.stop()


@pytest.fixture
async def newsletter_db(infra: Infra) -> AsyncIterator[str]:
    async with own_database(infra, "newsletter") as url:
        yield url


async def readiness(client: httpx.AsyncClient) -> int:
    try:
        return (await client.get(f"http://127.0.0.1:{WEB_PORT}/readyz")).status_code
    except httpx.HTTPError:
        return 0


async def test_a_killed_worker_is_restarted_and_readiness_says_so_meanwhile(
    infra: Infra,
    service_env: dict[str, str],
    supervisors: Callable[[dict[str, str]], Supervisor],
    newsletter_db: str,
    tmp_path: Path,
) -> None:
    # A web left on this port by an earlier, killed run would answer in place of this one.
    with socket.socket() as probe:
        taken = probe.connect_ex(("127.0.0.1", WEB_PORT)) == 0
    assert not taken, f"port {WEB_PORT} is taken: a leftover web process of an earlier run?"
    prefix = f"sv{uuid.uuid4().hex[:4]}."
    await ensure_topics(infra.kafka, prefix)
    supervisor = supervisors(
        service_env
        | {
            "NEWSLETTER_DATABASE_URL": newsletter_db,
            "KAFKA_TOPIC_PREFIX": prefix,
            "NEWSLETTER_WEB_PORT": str(WEB_PORT),
            "HEARTBEAT_DIR": str(tmp_path / "heartbeats"),
            "WORKERS": "1",
        }
    )
    # As up.sh does: the scripts' DIGITUKI_ENV is "up", the services' another.
    python = ["env", "DIGITUKI_ENV=test", str(REPO / ".venv" / "bin" / "python")]
    supervisor.start_program("newsletter-web", *python, "-m", "newsletter.main", "web")
    supervisor.start_program("newsletter-worker-1", *python, "-m", "newsletter.main", "worker")
    async with httpx.AsyncClient(timeout=3) as client:
        await eventually(lambda: readiness(client), lambda s: s == 200, timeout=120, what="ready")
        # supervisord says STARTING (no pid) for its first startsecs; os.kill(0, ...) would
        # signal this test's own process group, pytest and make included.
        _, old_pid = await eventually(
            lambda: asyncio.to_thread(supervisor.state_and_pid, "newsletter-worker-1"),
            lambda sp: sp[0] == "RUNNING" and sp[1] > 0,
            timeout=30,
            what="the worker running with a pid",
        )
        assert old_pid > 1
        os.kill(old_pid, signal.SIGKILL)
        killed = time.monotonic()
        # Not ready while the worker is down or its successor's consumers have not polled.
        await eventually(lambda: readiness(client), lambda s: s == 503, what="not ready")
        state, new_pid = await eventually(
            lambda: asyncio.to_thread(supervisor.state_and_pid, "newsletter-worker-1"),
            lambda sp: sp[1] not in (0, old_pid),
            timeout=15,
            what="a new worker process",
        )
        print(f"\nworker back as pid {new_pid} ({state}) {time.monotonic() - killed:.1f} s after")
        await eventually(
            lambda: readiness(client), lambda s: s == 200, timeout=120, what="ready again"
        )
    status = supervisor.script(f'"$(venv_python)" deploy/bin/status.py "{supervisor.state_dir}"')
    assert "newsletter-worker-1" in status and "ok (heartbeat)" in status, status
    assert status.split("newsletter-worker-1")[1].split()[3] == "1", status  # one restart


async def test_a_program_that_keeps_dying_at_start_up_is_retried_with_backoff_then_given_up(
    supervisors: Callable[[dict[str, str]], Supervisor],
) -> None:
    supervisor = supervisors({"SUPERVISE_STARTRETRIES": "2"})
    supervisor.start_program("crasher", "python3", "-c", "'raise SystemExit(3)'")
    await eventually(
        lambda: asyncio.to_thread(supervisor.state_and_pid, "crasher"),
        lambda sp: sp[0] == "FATAL",
        timeout=30,
        what="given up",
    )
    log = (supervisor.state_dir / "logs" / "supervisord.log").read_text()
    assert log.count("spawned: 'crasher'") == 3, log  # the start and two retries
    assert "gave up: crasher entered FATAL state" in log


async def test_stopping_supervisord_leaves_nothing_running(
    supervisors: Callable[[dict[str, str]], Supervisor], state_root: Path
) -> None:
    supervisor = supervisors({})
    supervisor.start_program("sleeper", "sleep", "600")
    _, pid = await eventually(
        lambda: asyncio.to_thread(supervisor.state_and_pid, "sleeper"),
        lambda sp: sp[0] == "RUNNING",
        what="sleeper running",
    )
    await asyncio.to_thread(supervisor.stop)
    assert not await asyncio.to_thread(Path(f"/proc/{pid}").exists)
    assert not await asyncio.to_thread((state_root / "up/supervisor/supervisor.sock").exists)
