"""`digituki`: the operator's command line.

Kafka-wide commands (topics, dead-letter queues) live here; the rest are shortcuts to each
service's own commands (`python -m contacts.main users ...`), so there is one name to
remember. This is the one module that knows every service, and it imports a service only
when one of its commands runs.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
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
    try:
        count = await replay(_bootstrap(), chosen)
    except ValueError as error:
        raise SystemExit(str(error)) from error
    print(f"replayed {count} message(s), each to the consumer group that parked it")
    return 0


# digituki <shortcut> ... == python -m <service>.main <command> ...
SHORTCUTS = {
    "users": ("contacts", "users", "staff users: list, invite, set-role, deactivate, reactivate"),
    "import": ("contacts", "import-people", "import people from CSV/XLSX (with a progress bar)"),
    "demo-data": ("contacts", "demo-data", "create a demo network to try the system out"),
}
SERVICES = ("contacts", "newsletter", "surveys", "events")


def _forward(service: str, argv: list[str]) -> None:
    module = importlib.import_module(f"{service}.main")
    module.main(argv)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SHORTCUTS:
        service, command, _ = SHORTCUTS[argv[0]]
        _forward(service, [command, *argv[1:]])
        return
    if argv and argv[0] in SERVICES:
        _forward(argv[0], argv[1:])
        return
    parser = argparse.ArgumentParser(
        prog="digituki",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (service, command, help_text) in SHORTCUTS.items():
        sub.add_parser(name, help=f"{help_text} (= python -m {service}.main {command})")
    for service in SERVICES:
        sub.add_parser(service, help=f"any command of {service} (= python -m {service}.main)")
    sub.add_parser("topics", help="create every topic (and DLQ) that is missing")
    dlq = sub.add_parser(
        "dlq",
        help="list parked (dead-letter) messages, or replay them to the consumer that parked them",
    )
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
