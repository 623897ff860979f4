"""The staff pages on a national-scale network, measured from a second process.

A PostgreSQL cluster of its own (BENCH_PG_CLUSTER, default `digituki_bench`, on 127.0.0.1:
BENCH_PG_PORT, default 5439, made and started with deploy/bin/postgres.sh; data under
/var/lib/postgresql/<version>/<cluster>) holds the database `contacts_staff_bench`, filled by
bench/staff_fill.py with --people people (1,000,000) in --organisations organisations (20,000)
and everything the pages read: links, memberships, onboarding, consents, signups, timelines,
notes, visit requests and a year of campaign and survey figures (about 5 GB). Filling takes a
while (13 minutes on the shared 2-core machine), so `--reuse` keeps a filled database of the
same size (migrations still run, so new indexes are built on it). The contacts web app runs
as its own uvicorn process with a proxy secret; this process sends what nginx would
(X-Proxy-Secret and a viewer's X-Staff-* headers) with an httpx async client, --concurrency
requests at a time, --requests per page:

- the people list filtered by region and membership, sorted by last name, and unfiltered;
- the search box: a surname fragment, and a fragment of an address;
- a person's page (a sample of people); an organisation's page (the largest organisations);
- the dashboard.

Prints p50 / p95 / max and requests/s per page (`--pages dashboard,search` measures only those;
`--warmup` requests per page are not counted). The cluster is stopped at the end unless
--keep-running; delete it with `pg_dropcluster --stop <version> <cluster>`.

    .venv/bin/python bench/staff_pages.py                 # fill (or refill) and measure
    .venv/bin/python bench/staff_pages.py --reuse         # measure again on the kept data
    BENCH_PG_PORT=27432 BENCH_PG_CLUSTER=mine_bench .venv/bin/python bench/staff_pages.py --reuse
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from staff_fill import fill
from web_process import REPO, start_web, stop, wait_ready

from shared.entrypoints import migrate
from tests.support.databases import drop_database, server

DATABASE = "contacts_staff_bench"
MIGRATIONS = REPO / "services" / "contacts" / "migrations"
NAME_FRAGMENTS = ["virtan", "korhon", "mäkin", "lindq", "heikkil", "salmin", "nurmi", "kallio"]
REGIONS = ["01", "02", "06", "11", "13", "17", "19"]


def postgres(action: str, cluster: str, port: int) -> None:
    """deploy/bin/postgres.sh on the bench cluster (its own name, port and state folder)."""
    env = {
        **os.environ,
        "DIGITUKI_ENV": "test",
        "PG_CLUSTER": cluster,
        "PG_PORT": str(port),
        "STATE_DIR": str(REPO / ".run" / "bench"),
        # Measured as production runs: fsync on (the test cluster turns it off).
        "PG_DURABILITY": "full",
    }
    subprocess.run([str(REPO / "deploy/bin/postgres.sh"), "test", action], env=env, check=True)


def data_dir(cluster: str) -> str:
    """Where Debian keeps the cluster's data (pg_lsclusters' data directory column)."""
    listed = subprocess.run(
        ["pg_lsclusters", "-h"], check=False, capture_output=True, text=True
    ).stdout
    found = [line.split() for line in listed.splitlines() if line.split()[1:2] == [cluster]]
    return found[0][5] if found else "?"


async def prepare(root: str, *, people: int, orgs: int, reuse: bool) -> str:
    """The bench database, filled (or kept when --reuse finds one of this size), migrated."""
    wanted = f"people={people} organisations={orgs}"
    admin = create_async_engine(f"{root}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        held = (
            await conn.execute(
                text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = :d"
                ),
                {"d": DATABASE},
            )
        ).first()
        keep = reuse and held is not None and held[0] == wanted
    await admin.dispose()
    if not keep:
        await drop_database(root, DATABASE)
        async with server(root) as conn:
            await conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    url = f"{root}/{DATABASE}"
    await asyncio.to_thread(migrate, MIGRATIONS, url)
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            if keep:
                print(f"reusing {DATABASE} ({wanted})", flush=True)
            else:
                print(f"filling {DATABASE}: {people:,} people, {orgs:,} organisations", flush=True)
                started = time.monotonic()
                await fill(conn, people=people, orgs=orgs)
                print(f"  filled in {time.monotonic() - started:.0f} s", flush=True)
            started = time.monotonic()
            # VACUUM sets the visibility map (autovacuum does so in production after the rows
            # arrived), so counts can be index-only; ANALYZE gives the planner the statistics.
            await conn.execute(text("VACUUM ANALYZE"))
            print(f"  vacuum analyze: {time.monotonic() - started:.0f} s", flush=True)
            if not keep:
                await conn.execute(text(f"COMMENT ON DATABASE \"{DATABASE}\" IS '{wanted}'"))
    finally:
        await engine.dispose()
    return url


@dataclass
class Targets:
    staff_id: str
    staff_email: str
    people: list[str]
    organisations: list[tuple[str, int]]
    email_fragments: list[str]


async def targets(engine: AsyncEngine) -> Targets:
    async with engine.connect() as conn:
        staff = (
            await conn.execute(
                text("SELECT id, email FROM staff_users WHERE role = 'viewer' ORDER BY email")
            )
        ).first()
        assert staff is not None, "the bench database has no staff users"
        sample = (
            await conn.execute(
                text(
                    "SELECT contact_id, email FROM contact_snapshot TABLESAMPLE SYSTEM (0.5) "
                    "REPEATABLE (7) WHERE NOT erased LIMIT 300"
                )
            )
        ).all()
        largest = (
            await conn.execute(
                text(
                    "SELECT organisation_id, count(*) FROM contact_snapshot "
                    "WHERE organisation_id IS NOT NULL AND NOT erased "
                    "GROUP BY organisation_id ORDER BY count(*) DESC LIMIT 10"
                )
            )
        ).all()
    # "tti.korhonen4" of "matti.korhonen41234@gmail.com": what someone half remembers.
    fragments = [email.split("@")[0][2:-3] for _, email in sample[:40]]
    return Targets(
        staff_id=str(staff[0]),
        staff_email=staff[1],
        people=[str(pid) for pid, _ in sample],
        organisations=[(str(oid), n) for oid, n in largest],
        email_fragments=fragments,
    )


def pages(t: Targets) -> list[tuple[str, Callable[[int], str]]]:
    return [
        (
            "people: region + membership, by last name",
            lambda i: (
                f"/staff/people?region={REGIONS[i % len(REGIONS)]}&membership=active&sort=name"
            ),
        ),
        ("people: no filter, by last name", lambda i: "/staff/people"),
        ("search: a surname fragment", lambda i: f"/staff/people?q={NAME_FRAGMENTS[i % 8]}"),
        (
            "search: an address fragment",
            lambda i: f"/staff/people?q={t.email_fragments[i % len(t.email_fragments)]}",
        ),
        ("person page", lambda i: f"/staff/people/{t.people[i % len(t.people)]}"),
        (
            "organisation page (largest)",
            lambda i: f"/staff/organisations/{t.organisations[i % len(t.organisations)][0]}",
        ),
        ("dashboard", lambda i: "/staff/"),
    ]


@dataclass
class Result:
    name: str
    timings: list[float]
    failed: int
    elapsed: float


async def measure(
    client: httpx.AsyncClient,
    name: str,
    path: Callable[[int], str],
    n: int,
    concurrency: int,
    warmup: int,
) -> Result:
    for i in range(warmup):  # warm the templates, the pool and the caches this page uses
        await client.get(path(i))
    order = list(range(n))
    random.Random(n).shuffle(order)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in order:
        queue.put_nowait(i)
    timings: list[float] = []
    failed = 0

    async def worker() -> None:
        nonlocal failed
        while not queue.empty():
            i = queue.get_nowait()
            started = time.perf_counter()
            response = await client.get(path(i))
            timings.append(time.perf_counter() - started)
            if response.status_code != 200:
                failed += 1
                if failed == 1:
                    print(f"  {name}: {path(i)} answered {response.status_code}", flush=True)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(name, timings, failed, time.perf_counter() - started)


def percentile_ms(values: list[float], p: int) -> float:
    """Inclusive: never beyond the slowest request, even for a handful of requests."""
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def table(results: list[Result]) -> str:
    head = (
        f"{'page':<44} {'n':>5} {'fail':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'req/s':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.name:<44} {len(r.timings):>5} {r.failed:>4} {percentile_ms(r.timings, 50):>7.0f} "
            f"{percentile_ms(r.timings, 95):>7.0f} {max(r.timings) * 1000:>7.0f} "
            f"{len(r.timings) / r.elapsed:>6.1f}"
        )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--reuse", action="store_true", help="keep a filled database")
    parser.add_argument("--requests", type=int, default=100, help="per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=3, help="requests per page not counted")
    parser.add_argument("--port", type=int, default=48111, help="the web process's port")
    parser.add_argument("--keep-running", action="store_true", help="leave the cluster up")
    parser.add_argument(
        "--pages", default="", help="only the pages whose name holds one of these (comma-separated)"
    )
    args = parser.parse_args()
    cluster = os.environ.get("BENCH_PG_CLUSTER", "digituki_bench")
    pg_port = int(os.environ.get("BENCH_PG_PORT", "5439"))
    postgres("start", cluster, pg_port)
    web = None
    try:
        root = f"postgresql+asyncpg://digituki:digituki@127.0.0.1:{pg_port}"
        url = await prepare(root, people=args.people, orgs=args.organisations, reuse=args.reuse)
        engine = create_async_engine(url)
        found = await targets(engine)
        await engine.dispose()
        sizes = ", ".join(f"{n:,}" for _, n in found.organisations[:5])
        print(f"largest organisations (people): {sizes} ...")
        proxy_secret = secrets.token_hex(32)
        web = start_web(
            "contacts",
            url,
            args.port,
            {"PROXY_SECRET": proxy_secret, "DIGITUKI_ENV": "test", "LOG_JSON": "false"},
        )
        headers = {
            "X-Proxy-Secret": proxy_secret,
            "X-Staff-Id": found.staff_id,
            "X-Staff-Role": "viewer",
            "X-Staff-Email": found.staff_email,
            "Accept-Language": "fi",
        }
        limits = httpx.Limits(max_connections=args.concurrency)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{args.port}", headers=headers, limits=limits, timeout=120
        ) as client:
            await wait_ready(client)
            results = [
                await measure(client, name, path, args.requests, args.concurrency, args.warmup)
                for name, path in pages(found)
                if not args.pages or any(w in name for w in args.pages.split(","))
            ]
        print()
        print(
            f"{args.people:,} people, {args.organisations:,} organisations; "
            f"{args.requests} requests per page, {args.concurrency} at a time, "
            f"{os.cpu_count()} CPUs"
        )
        print(table(results))
        print(f"\ndatabase {DATABASE}, cluster {cluster} (port {pg_port}): {data_dir(cluster)}")
    finally:
        if web is not None:
            stop(web)
        if not args.keep_running:
            postgres("stop", cluster, pg_port)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
