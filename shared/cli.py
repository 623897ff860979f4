"""`digituki`: operator commands that span services (topics, dead-letter queues).

Service-specific commands live with each service: `python -m contacts.main first-admin`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

from shared.dead_letters import ParkedMessage, read_parked, replay
from shared.events.topics import TOPICS
from shared.kafka import ensure_topics


def _bootstrap() -> str:
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


def _prefix() -> str:
    return os.environ.get("KAFKA_TOPIC_PREFIX", "")


def _dlq_name(topic: str) -> str:
    base = topic.removesuffix(".dlq")
    if base not in TOPICS:
        raise SystemExit(f"unknown topic {topic!r}; known: {', '.join(sorted(TOPICS))}")
    return f"{_prefix()}{base}.dlq"


def _describe(m: ParkedMessage) -> dict[str, object]:
    return {
        "offset": m.offset,
        "key": m.key.decode(errors="replace") if m.key else None,
        "original_topic": m.original_topic,
        "consumer": m.headers.get("dlq_consumer"),
        "error": m.headers.get("dlq_error"),
        "failed_at": m.headers.get("dlq_failed_at"),
        "attempts": m.headers.get("dlq_attempts"),
    }


async def _run(args: argparse.Namespace) -> int:
    if args.command == "topics":
        created = await ensure_topics(_bootstrap(), _prefix())
        print(f"created {len(created)} topics" + (f": {', '.join(created)}" if created else ""))
        return 0
    parked = await read_parked(_bootstrap(), _dlq_name(args.topic), limit=args.limit)
    if args.dlq_command == "list":
        for m in parked:
            print(json.dumps(_describe(m), ensure_ascii=False))
        print(f"{len(parked)} parked message(s) on {_dlq_name(args.topic)}", file=sys.stderr)
        return 0
    chosen = [m for m in parked if args.offset is None or m.offset in args.offset]
    count = await replay(_bootstrap(), chosen)
    print(f"replayed {count} message(s) to their original topic")
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="digituki", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("topics", help="create every topic (and DLQ) that is missing")
    dlq = sub.add_parser("dlq", help="list or replay parked (dead-letter) messages")
    dlq_sub = dlq.add_subparsers(dest="dlq_command", required=True)
    for name in ("list", "replay"):
        p = dlq_sub.add_parser(name)
        p.add_argument("topic", help="the consumed topic, e.g. contacts.contact.v1")
        p.add_argument("--limit", type=int, default=1000)
        if name == "replay":
            p.add_argument(
                "--offset",
                type=int,
                action="append",
                help="only these DLQ offsets (repeatable); default all",
            )
    raise SystemExit(asyncio.run(_run(parser.parse_args(argv))))


if __name__ == "__main__":
    main()
