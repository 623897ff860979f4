"""Benchmark: what tracing costs the outbox relay and a consumer, per record, off and on.

No Kafka or PostgreSQL: times exactly the code tracing adds to the relay's loop (the
producer span and its headers) and to `Consumption.one` (the consumer span), per record,
with tracing off (no provider: the default) and on (an SDK provider, every trace sampled,
spans batched to an in-memory exporter), beside an empty context manager (`baseline_us`,
the floor of this machine at this moment). `.venv/bin/python bench/tracing.py`. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared import tracing

HEADERS = [
    ("ce_id", b"0b7d3c5e-4a4b-4f0e-9a39-0f7d1c0b8a11"),
    ("ce_source", b"/contacts"),
    ("ce_type", b"fi.digituki.contacts.contact.v1"),
    ("ce_traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
]


@contextmanager
def nothing(headers: list[tuple[str, bytes]]) -> Iterator[list[tuple[str, bytes]]]:
    yield headers


def baseline_us(records: int) -> float:
    """An empty context manager around the same header copy: the floor on this machine."""
    start = time.perf_counter()
    for _ in range(records):
        with nothing(list(HEADERS)):
            pass
    return (time.perf_counter() - start) / records * 1e6


def per_record_us(records: int) -> dict[str, float]:
    start = time.perf_counter()
    sent: list[tuple[str, bytes]] = []
    for _ in range(records):
        with tracing.publish_span("contacts.contact.v1", list(HEADERS), service="c") as headers:
            sent = headers
    relay = time.perf_counter() - start
    start = time.perf_counter()
    for offset in range(records):
        with tracing.consume_span("contacts.contact.v1", sent, consumer="g", offset=offset):
            tracing.note_outcome("applied")
    consumer = time.perf_counter() - start
    return {"relay_us": relay / records * 1e6, "consumer_us": consumer / records * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    args = parser.parse_args()
    floor = baseline_us(args.records)
    off = per_record_us(args.records)
    provider = tracing.new_provider("bench", InMemorySpanExporter())
    tracing.install_provider(provider)
    try:
        on = per_record_us(args.records)
    finally:
        tracing.install_provider(None)
        provider.shutdown()
    result = {"records": args.records, "baseline_us": floor, "off": off, "on": on}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
