"""Benchmark: send and outbox throughput with one versus two instances of the workers.

Runs against the test stack in the environment and Postfix's smtp-sink, e.g.
    deploy/bin/smtp-sink.sh test start
    deploy/bin/with-test-env.sh .venv/bin/python bench/workers.py --recipients 5000 --changes 5000
For 1 and 2 instances it runs
  - send:   bench/send.py's pipeline (a campaign to --recipients through `newsletter.main
            sender` processes: claim leases, compose, SMTP, record) -> mails/s;
  - outbox: bench/outbox.py (--changes person changes committed with their outbox rows,
            through the relay and Kafka into both replicas) with --instances of every worker
            -> events/s into both replicas.
and prints one JSON line per measurement plus a summary. The machine's cores bound what a
second instance can add (see docs/infrastructure.md for measured numbers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import send  # noqa: E402  (bench/send.py, beside this file)


async def send_throughput(recipients: int, processes: int, sink_port: int) -> dict[str, Any]:
    os.environ.setdefault("LINK_SECRET", send.BENCH_SECRET)
    os.environ.setdefault("NEWSLETTER_SECRET_KEY", send.BENCH_SECRET)
    url = await send.prepare_database(os.environ["NEWSLETTER_DATABASE_URL"], recipients)
    args = argparse.Namespace(
        processes=processes, connections=8, claim_batch=500, sink_port=sink_port
    )
    return await send.pipeline(args, url)


def outbox_throughput(changes: int, instances: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            str(BENCH / "outbox.py"),
            "--changes",
            str(changes),
            "--batch",
            "500",
            "--backlog",
            "--instances",
            str(instances),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--sink-port", type=int, default=int(os.environ.get("SMTP_SINK_PORT", "0")))
    args = parser.parse_args()
    summary: dict[str, Any] = {"cores": os.cpu_count(), "load_1min": os.getloadavg()[0]}
    for instances in (1, 2):
        sent = await send_throughput(args.recipients, instances, args.sink_port)
        print(json.dumps({"send": sent}), flush=True)
        summary[f"send_mails_per_s_{instances}"] = sent["mails_per_s"]
    for instances in (1, 2):
        relayed = outbox_throughput(args.changes, instances)
        print(json.dumps({"outbox": relayed}), flush=True)
        summary[f"outbox_events_per_s_{instances}"] = relayed["events_per_s_both"]
    print(json.dumps({"summary": summary}))


if __name__ == "__main__":
    asyncio.run(main())
