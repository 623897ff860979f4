"""Benchmark: 100,000 contact changes from commit to both replicas.

Runs the three service workers as real processes against the stack in the environment
(use `deploy/bin/with-test-env.sh .venv/bin/python bench/outbox.py`), commits person changes
in batches of --batch through contacts' tables, projection and outbox, and measures:
  - throughput: changes / (last replica apply - first commit), per replica and for both;
  - lag per change: replica row updated_at - the committing transaction's time (p50/p95/max).
Prints one JSON line with the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers

from contacts.persistence.tables import contact_snapshot, outbox, people
from contacts.snapshots import SOURCE
from sqlalchemy import insert, text

from shared.db import make_engine
from shared.events.contacts import ContactSnapshotV1
from shared.events.envelope import new_event
from shared.events.topics import CONTACT_SNAPSHOTS
from shared.kafka import ensure_topics
from shared.outbox import add_to_outbox
from shared.snapshot import snapshot_row, upsert_snapshots
from tests.conftest import truncate_all
from tests.support.processes import ServiceProcess, wait_for_group


def env() -> dict[str, str]:
    import os

    return dict(os.environ)


async def write_batch(engine, start: int, size: int, run: str) -> None:  # type: ignore[no-untyped-def]
    rows, snaps = [], []
    for i in range(start, start + size):
        pid = uuid.uuid4()
        rows.append(
            {
                "id": pid,
                "email": f"b{i}.{run}@bench.example",
                "first_name": f"B{i}",
                "last_name": "Bench",
                "language": "fi",
                "version": 1,
            }
        )
        snaps.append(
            ContactSnapshotV1(
                contact_id=pid,
                version=1,
                email=rows[-1]["email"],
                first_name=f"B{i}",
                last_name="Bench",
            )
        )
    async with engine.begin() as conn:
        await conn.execute(insert(people), rows)
        await upsert_snapshots(conn, contact_snapshot, [snapshot_row(s) for s in snaps])
        await add_to_outbox(
            conn,
            outbox,
            service="contacts",
            messages=[
                (
                    CONTACT_SNAPSHOTS.name,
                    str(s.contact_id),
                    new_event(source=SOURCE, data=s, subject=str(s.contact_id), version=1),
                )
                for s in snaps
            ],
        )


async def replica_count(engine) -> int:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM contact_snapshot"))).scalar())


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    environment = env()
    run = uuid.uuid4().hex[:6]
    prefix = f"bench{run}."
    environment.update(
        KAFKA_TOPIC_PREFIX=prefix,
        DIGITUKI_ENV="test",
        LINK_SECRET="x" * 40,
        LOG_LEVEL="WARNING",
        CONTACTS_SECRET_KEY="x" * 40,
        NEWSLETTER_SECRET_KEY="x" * 40,
        SURVEYS_SECRET_KEY="x" * 40,
    )
    from shared.entrypoints import migrate
    from tests.conftest import migrations_dir

    urls = {
        s: environment[f"{s.upper()}_DATABASE_URL"] for s in ("contacts", "newsletter", "surveys")
    }
    for s, url in urls.items():
        await asyncio.to_thread(migrate, migrations_dir(s), url)
    engines = {s: make_engine(u, pool_size=4) for s, u in urls.items()}
    for e in engines.values():
        await truncate_all(e)
    await ensure_topics(environment["KAFKA_BOOTSTRAP_SERVERS"], prefix)

    workers = [ServiceProcess(s, "worker", environment) for s in urls]
    for w in workers:
        w.start()
    try:
        for s in ("newsletter", "surveys"):
            await wait_for_group(
                environment["KAFKA_BOOTSTRAP_SERVERS"], f"{prefix}{s}.contact-replica", timeout=60
            )
        t0 = time.monotonic()
        for start in range(0, args.changes, args.batch):
            await write_batch(
                engines["contacts"], start, min(args.batch, args.changes - start), run
            )
        t_written = time.monotonic()
        done: dict[str, float] = {}
        while len(done) < 2:
            for s in ("newsletter", "surveys"):
                if s not in done and await replica_count(engines[s]) >= args.changes:
                    done[s] = time.monotonic()
            if time.monotonic() - t0 > 900:
                raise SystemExit(f"not converged after 900 s: {done}")
            await asyncio.sleep(0.05)
        lags: dict[str, list[float]] = {}
        for s in ("newsletter", "surveys"):
            async with engines["contacts"].connect() as c:
                committed = dict((await c.execute(text("SELECT id, updated_at FROM people"))).all())
            async with engines[s].connect() as c:
                applied = dict(
                    (
                        await c.execute(text("SELECT contact_id, updated_at FROM contact_snapshot"))
                    ).all()
                )
            lags[s] = sorted((applied[k] - v).total_seconds() for k, v in committed.items())
        result = {
            "changes": args.changes,
            "batch": args.batch,
            "write_s": round(t_written - t0, 2),
            "both_replicas_s": round(max(done.values()) - t0, 2),
            "events_per_s_both": round(args.changes / (max(done.values()) - t0)),
            **{f"{s}_events_per_s": round(args.changes / (done[s] - t0)) for s in done},
            **{f"{s}_lag_p50_s": round(statistics.median(v), 3) for s, v in lags.items()},
            **{f"{s}_lag_p95_s": round(v[int(len(v) * 0.95) - 1], 3) for s, v in lags.items()},
            **{f"{s}_lag_max_s": round(v[-1], 3) for s, v in lags.items()},
        }
        print(json.dumps(result))
    finally:
        for w in workers:
            w.stop()
        for e in engines.values():
            await e.dispose()


if __name__ == "__main__":
    asyncio.run(main())
