"""The command line every service has: `web`, `worker`, `migrate`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from alembic import command
from alembic.config import Config

from shared.logs import configure_logging
from shared.settings import ServiceSettings
from shared.tracing import configure_tracing


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def migrate(
    migrations_dir: Path, database_url: str, *, target: str = "heads", down: bool = False
) -> None:
    config = alembic_config(migrations_dir, database_url)
    if down:
        command.downgrade(config, target)
    else:
        command.upgrade(config, target)


@dataclass(frozen=True)
class Command:
    """A service-specific command: how to read its arguments and what to run."""

    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Any, argparse.Namespace], Coroutine[Any, Any, int]]


def service_main(
    *,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: str,
    worker: Callable[[Any], Coroutine[Any, Any, None]],
    migrations_dir: Path,
    commands: Mapping[str, Command] | None = None,
    argv: list[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    for name, extra in (commands or {}).items():
        extra.configure(sub.add_parser(name, help=extra.help))
    sub.add_parser("web", help="serve HTTP on 127.0.0.1")
    sub.add_parser("worker", help="Kafka consumers, outbox relay, schedulers")
    m = sub.add_parser("migrate", help="apply (or with --down, revert) Alembic migrations")
    m.add_argument("target", nargs="?", default=None)
    m.add_argument("--down", action="store_true")
    args = parser.parse_args(argv)

    settings = settings_factory()
    configure_logging(settings.service_name, level=settings.log_level, json_logs=settings.log_json)
    configure_tracing(settings)  # before any app, engine or broker exists
    if args.command == "web":
        uvicorn.run(
            app_factory,
            factory=True,
            host=settings.web_host,
            port=settings.web_port,
            workers=settings.web_workers,
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
            access_log=False,
            log_config=None,
        )
    elif args.command == "worker":
        asyncio.run(worker(settings))
    elif commands and args.command in commands:
        raise SystemExit(asyncio.run(commands[args.command].run(settings, args)))
    else:
        target = args.target or ("base" if args.down else "heads")
        migrate(migrations_dir, settings.database_url, target=target, down=args.down)
