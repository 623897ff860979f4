"""Wait until a Kafka broker answers a metadata request.

usage: kafka_ready.py BOOTSTRAP TIMEOUT_SECONDS [--pid PID]

Exits 0 as soon as the broker lists its topics, 1 on timeout, 2 when the process given by
--pid has exited (a crash at start-up should not cost the whole timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import time
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient


def process_alive(pid: int) -> bool:
    """True unless the process is gone or a zombie (dead, not yet reaped by its parent)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state letter follows the parenthesised command name.
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


async def metadata_answered(bootstrap: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await admin.start()
        await admin.list_topics()
    except Exception:  # any failure means: not ready yet
        return False
    finally:
        # Closing a half-started client may fail too; irrelevant here.
        with contextlib.suppress(Exception):
            await admin.close()
    return True


async def wait_ready(bootstrap: str, seconds: float, pid: int | None) -> int:
    deadline = time.monotonic() + seconds
    while True:
        if await metadata_answered(bootstrap):
            return 0
        if pid is not None and not process_alive(pid):
            print(f"kafka process {pid} exited before it was ready", file=sys.stderr)
            return 2
        if time.monotonic() >= deadline:
            print(f"kafka at {bootstrap} not ready within {seconds:g} s", file=sys.stderr)
            return 1
        await asyncio.sleep(0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bootstrap", help="host:port of the broker")
    parser.add_argument("timeout", type=float, help="seconds to wait at most")
    parser.add_argument("--pid", type=int, help="give up when this process exits")
    args = parser.parse_args()
    # aiokafka logs every refused connection at ERROR while the broker starts: expected here.
    logging.basicConfig(level=logging.CRITICAL)
    return asyncio.run(wait_ready(args.bootstrap, args.timeout, args.pid))


if __name__ == "__main__":
    sys.exit(main())
