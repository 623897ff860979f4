"""Service processes started by the tests (real `python -m <service>.main ...`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from tests.support.polling import eventually

REPO = Path(__file__).resolve().parents[2]
LOG_DIR = REPO / ".run" / "test" / "logs"


class ServiceProcess:
    def __init__(self, service: str, command: str, env: dict[str, str]) -> None:
        self.service = service
        self.command = command
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"pytest-{service}-{command}.log"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", f"{self.service}.main", self.command],
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL: no chance to flush, commit or say goodbye."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


async def wait_for_group(bootstrap: str, group: str, *, timeout: float = 30.0) -> None:
    """Until the consumer group is Stable with at least one member holding partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:

        async def describe() -> str:
            described = await admin.describe_consumer_groups([group])
            groups = described[0].groups if described else []
            if not groups:
                return "unknown"
            state = groups[0][2]
            members = groups[0][5]
            return f"{state}:{len(members)}"

        await eventually(
            describe,
            lambda s: s.startswith("Stable:") and not s.endswith(":0"),
            timeout=timeout,
            what=f"consumer group {group} stable",
        )
    finally:
        await admin.close()
