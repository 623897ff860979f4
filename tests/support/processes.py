"""Service processes started by the tests (real `python -m <service>.main ...`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from tests.support.polling import eventually

REPO = Path(__file__).resolve().parents[2]
LOG_DIR = Path(os.environ.get("STATE_DIR", str(REPO / ".run" / "test"))) / "logs"


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
            try:
                described = await admin.describe_consumer_groups([group])
            except KafkaError as error:  # the coordinator is still being elected
                return repr(error)
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


async def wait_until_consumed(
    bootstrap: str, group: str, topic: str, *, timeout: float = 30.0, partitions: int = 6
) -> None:
    """Until `group` has committed offsets up to the end of every partition of `topic`.

    A barrier that says "everything published so far has been processed and committed".
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in range(partitions)]

        async def lag() -> int:
            ends = await consumer.end_offsets(parts)
            committed = await admin.list_consumer_group_offsets(group, partitions=parts)
            total = 0
            for tp in parts:
                meta = committed.get(tp)
                done = meta.offset if meta is not None and meta.offset >= 0 else 0
                total += max(0, ends[tp] - done)
            return total

        await eventually(lag, lambda n: n == 0, timeout=timeout, what=f"{group} caught up")
    finally:
        await consumer.stop()
        await admin.close()
