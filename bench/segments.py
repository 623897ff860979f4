"""Benchmark: segment count latency on 1,000,000 people in contacts' projection.

Fills `contact_snapshot` with one INSERT ... SELECT from generate_series (regions, types,
languages and topics spread like a national network), VACUUM ANALYZEs, then times
`shared.segments.compiler.count_matching` for a rule over organisation type, region, topics and
language, --runs times. Prints one JSON line (p50/p95/max in ms, and the count).
  deploy/bin/with-test-env.sh .venv/bin/python bench/segments.py --people 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contacts.tables import contact_snapshot
from sqlalchemy import text

from shared.db import make_engine
from shared.entrypoints import migrate
from shared.segments import parse_rule
from shared.segments.compiler import count_matching
from tests.conftest import migrations_dir, truncate_all

RULE = {
    "all": [
        {"field": "organisation_type", "op": "in", "value": ["library", "municipality"]},
        {"field": "region", "op": "in", "value": ["06", "13", "17"]},
        {"field": "topics", "op": "contains", "value": "webinaarit"},
        {"field": "language", "op": "eq", "value": "fi"},
    ]
}

FILL = """
INSERT INTO contact_snapshot (contact_id, version, email, first_name, language,
    organisation_type, region, topics, subscription_state, newsletter_consent, email_status)
SELECT gen_random_uuid(), 1, 'p' || i || '@bench.example', 'P' || i,
    (ARRAY['fi','fi','fi','fi','sv','en'])[1 + i % 6],
    (ARRAY['library','municipality','ngo','authority','service_point','wellbeing_county',
           'citizen_advice','education','company','other'])[1 + (i / 7) % 10],
    (ARRAY['01','02','04','05','06','07','08','09','10','11','12','13','14','15','16','17',
           '18','19','21'])[1 + (i / 3) % 19],
    (ARRAY[ARRAY['webinaarit','koulutukset'], ARRAY['digitaitoviikko','webinaarit'],
           ARRAY['digiturvallisuus','osaamismerkit'], ARRAY['teemavuosi','koulutukset']])
        [1 + (i / 11) % 4][1:2],
    'subscribed', true, 'ok'
FROM generate_series(1, :n) AS i
"""


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    url = os.environ["CONTACTS_DATABASE_URL"]
    await asyncio.to_thread(migrate, migrations_dir("contacts"), url)
    engine = make_engine(url, pool_size=2)
    try:
        await truncate_all(engine)
        t0 = time.monotonic()
        async with engine.begin() as conn:
            await conn.execute(text(FILL), {"n": args.people})
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            # VACUUM sets the visibility map (autovacuum does so after a bulk insert in
            # production), so the count can be an index-only scan.
            await conn.execute(text("VACUUM ANALYZE contact_snapshot"))
        fill_s = time.monotonic() - t0
        rule = parse_rule(RULE)
        now = datetime.now(UTC)
        timings: list[float] = []
        count = 0
        async with engine.connect() as conn:
            for _ in range(args.runs):
                start = time.perf_counter()
                count = await count_matching(conn, contact_snapshot, rule, now)
                timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        print(
            json.dumps(
                {
                    "people": args.people,
                    "fill_s": round(fill_s, 1),
                    "count": count,
                    "runs": args.runs,
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                    "max_ms": round(timings[-1], 1),
                }
            )
        )
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
