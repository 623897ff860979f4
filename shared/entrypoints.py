"""The command line every service has: `web`, `worker`, `migrate`."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
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


_APP_VAR = "DIGITUKI_WEB_APP_FACTORY"
_SETTINGS_VAR = "DIGITUKI_WEB_SETTINGS_FACTORY"


def _imported(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def spawned_web_app() -> Any:
    """The app of one of several uvicorn workers (`web_workers` > 1), in its own process."""
    settings = _imported(os.environ[_SETTINGS_VAR])()
    configure_logging(settings.service_name, level=settings.log_level, json_logs=settings.log_json)
    configure_tracing(settings)
    return _imported(os.environ[_APP_VAR])()


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
        if settings.web_workers > 1:
            # Spawned workers start a fresh interpreter: they learn from the environment what
            # to build, and set up logging and tracing again themselves (spawned_web_app).
            os.environ[_APP_VAR] = app_factory
            os.environ[_SETTINGS_VAR] = (
                f"{settings_factory.__module__}:{settings_factory.__qualname__}"
            )
        uvicorn.run(
            app_factory if settings.web_workers == 1 else "shared.entrypoints:spawned_web_app",
            factory=True,
            host=settings.web_host,
            port=settings.web_port,
            workers=settings.web_workers,
            # A worker must answer the supervisor's ping within this; importing the service
            # takes seconds on a busy machine, and a late answer gets the worker killed.
            timeout_worker_healthcheck=60,
            # Longer than nginx keeps an idle upstream connection (60 s): if uvicorn closed it
            # first (its default is 5 s), a POST nginx sent on it just then is reset and the
            # visitor gets a 502 (nginx retries only idempotent requests). Seen under load.
            timeout_keep_alive=75,
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
