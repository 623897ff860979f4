"""A Kafka of a test's own (one node or a KRaft cluster of three), started by the project's
deploy/bin/kafka.sh in a state folder and on ports of its own, so a test may stop, kill
and restart brokers without touching the suite's Kafka."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KAFKA_SH = REPO / "deploy" / "bin" / "kafka.sh"


class KafkaCluster:
    def __init__(self, nodes: int, port_offset: int) -> None:
        base = int(os.environ.get("KAFKA_PORT", "19092")) + port_offset
        self.nodes = nodes
        self.state_dir = Path(tempfile.mkdtemp(prefix="kafka-own-", dir=_state_root()))
        self.env = {
            **os.environ,
            "DIGITUKI_ENV": "test",
            "STATE_DIR": str(self.state_dir),
            "KAFKA_PORT": str(base),
            "KAFKA_CONTROLLER_PORT": str(base + 1),
            "KAFKA_NODES": str(nodes),
        }
        self.ports = [base + 100 * i for i in range(nodes)]
        self.bootstrap = ",".join(f"127.0.0.1:{p}" for p in self.ports)

    async def _run(self, *args: str) -> None:
        proc = await asyncio.create_subprocess_exec(
            "bash",
            str(KAFKA_SH),
            "test",
            *args,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"kafka.sh {' '.join(args)} failed:\n{out.decode()[-3000:]}")

    def node_name(self, node: int) -> str:
        return "kafka" if self.nodes == 1 else f"kafka-{node}"

    def pid(self, node: int) -> int:
        return int((self.state_dir / "pids" / f"{self.node_name(node)}.pid").read_text())

    async def start(self) -> None:
        await self._run("start")

    def kill(self, node: int) -> None:
        """SIGKILL the node's JVM: no controlled shutdown, no leader hand-over."""
        pid = self.pid(node)
        os.killpg(pid, signal.SIGKILL)

    async def stop_node(self, node: int) -> None:
        await self._run("stop-node", str(node))

    async def start_node(self, node: int) -> None:
        await self._run("start-node", str(node))

    async def destroy(self) -> None:
        """SIGKILL every node and delete their data: nothing of it is kept anyway."""
        for node in range(1, self.nodes + 1):
            with contextlib.suppress(OSError, ValueError):
                os.killpg(self.pid(node), signal.SIGKILL)
        shutil.rmtree(self.state_dir, ignore_errors=True)


def _state_root() -> Path:
    root = Path(os.environ.get("STATE_DIR", str(REPO / ".run" / "test")))
    root.mkdir(parents=True, exist_ok=True)
    return root


@asynccontextmanager
async def own_kafka(nodes: int, *, port_offset: int) -> AsyncIterator[KafkaCluster]:
    cluster = KafkaCluster(nodes, port_offset)
    try:
        await cluster.start()
        yield cluster
    finally:
        await cluster.destroy()
