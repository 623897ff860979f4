"""Benchmark: 100,000 contact changes from commit to both replicas.

Runs the three service workers as real processes against the stack in the environment
(use `deploy/bin/with-test-env.sh .venv/bin/python bench/outbox.py`), commits person changes
in batches of --batch through contacts' tables, projection and outbox (--versions per
person: a creation, then changes of everyone in turn), and measures:
  - throughput: changes / (every replica row at its final version - first commit), per
    replica and for both; with --backlog from the relay's start (the process start, imports
    included), and `events_per_s_from_first_publish` from the first outbox row gone;
  - lag per change: replica row updated_at - the committing transaction's time (p50/p95/max).
Checks that every replica row holds the person's latest version, and prints one JSON line.
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

from sqlalchemy import text

from shared.db import make_engine
from shared.kafka import ensure_topics
from tests.conftest import truncate_all
from tests.support.bulk import change_people, create_people
from tests.support.processes import ServiceProcess, wait_for_group


def env() -> dict[str, str]:
    import os

    return dict(os.environ)


async def replica_count(engine, version: int) -> int:  # type: ignore[no-untyped-def]
    """Replica rows at (or past) the final version."""
    async with engine.connect() as conn:
        query = text("SELECT count(*) FROM contact_snapshot WHERE version >= :v")
        return int((await conn.execute(query, {"v": version})).scalar())


async def outbox_count(engine) -> int:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM outbox"))).scalar())


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument(
        "--versions",
        type=int,
        default=1,
        help="versions per person (changes / versions people): order per key is then tested",
    )
    parser.add_argument(
        "--backlog",
        action="store_true",
        help="commit every change before the relay starts: measures the pipeline alone "
        "(throughput from relay start; lags then include the wait and mean nothing)",
    )
    parser.add_argument(
        "--instances",
        type=int,
        default=1,
        help="processes of every worker (WORKERS): replica consumers share the partitions, "
        "one outbox relay per service is active (advisory lock), the other stands by",
    )
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

    people = args.changes // args.versions
    if people * args.versions != args.changes:
        raise SystemExit("--changes must be a multiple of --versions")

    async def write_all() -> None:
        crowds = []
        for start in range(0, people, args.batch):
            crowds.append(
                await create_people(
                    engines["contacts"], min(args.batch, people - start), tag=f"{run}.{start}"
                )
            )
        for _ in range(1, args.versions):
            crowds = [await change_people(engines["contacts"], crowd) for crowd in crowds]

    workers = [
        ServiceProcess(s, "worker", environment | {"SUPERVISOR_PROCESS_NAME": f"{s}-worker-{i}"})
        for s in urls
        for i in range(1, args.instances + 1)
    ]
    relay_workers = [w for w in workers if w.service == "contacts"]
    replica_workers = [w for w in workers if w.service != "contacts"]
    for w in replica_workers if args.backlog else workers:
        w.start()
    try:
        for s in ("newsletter", "surveys"):
            await wait_for_group(
                environment["KAFKA_BOOTSTRAP_SERVERS"], f"{prefix}{s}.contact-replica", timeout=60
            )
        if args.backlog:
            await write_all()
            t0 = time.monotonic()
            for w in relay_workers:
                w.start()
        else:
            t0 = time.monotonic()
            await write_all()
        t_written = time.monotonic()
        done: dict[str, float] = {}
        first_publish: float | None = None
        while len(done) < 2:
            if (
                args.backlog
                and first_publish is None
                and await outbox_count(engines["contacts"]) < args.changes
            ):
                first_publish = time.monotonic()
            for s in ("newsletter", "surveys"):
                if s not in done and await replica_count(engines[s], args.versions) >= people:
                    done[s] = time.monotonic()
            if time.monotonic() - t0 > 900:
                raise SystemExit(f"not converged after 900 s: {done}")
            await asyncio.sleep(0.1)
        lags: dict[str, list[float]] = {}
        async with engines["contacts"].connect() as c:
            committed = {
                k: (at, version)
                for k, at, version in (
                    await c.execute(text("SELECT id, updated_at, version FROM people"))
                ).all()
            }
        for s in ("newsletter", "surveys"):
            async with engines[s].connect() as c:
                applied = {
                    k: (at, version)
                    for k, at, version in (
                        await c.execute(
                            text("SELECT contact_id, updated_at, version FROM contact_snapshot")
                        )
                    ).all()
                }
            behind = [k for k, (_, v) in committed.items() if applied.get(k, (None, 0))[1] != v]
            if behind or len(applied) != len(committed):
                raise SystemExit(f"{s}: {len(behind)} replica rows not at the latest version")
            lags[s] = sorted(
                (applied[k][0] - at).total_seconds() for k, (at, _) in committed.items()
            )
        result = {
            "changes": args.changes,
            "batch": args.batch,
            "versions": args.versions,
            "mode": "backlog" if args.backlog else "live",
            "instances": args.instances,
            "write_s": round(t_written - t0, 2),
            "both_replicas_s": round(max(done.values()) - t0, 2),
            "events_per_s_both": round(args.changes / (max(done.values()) - t0)),
            **{f"{s}_events_per_s": round(args.changes / (done[s] - t0)) for s in done},
            "first_publish_s": round((first_publish or t0) - t0, 2),
            "events_per_s_from_first_publish": round(
                args.changes / (max(done.values()) - (first_publish or t0))
            ),
            "checked": "every replica row at its person's latest version",
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
