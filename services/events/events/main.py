"""Entry points of the events service: `python -m events.main web|worker|migrate`."""

from __future__ import annotations

from pathlib import Path

from events.cli import COMMANDS
from events.settings import EventsSettings
from events.worker import run
from shared.entrypoints import service_main

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def main(argv: list[str] | None = None) -> None:
    service_main(
        settings_factory=EventsSettings,
        app_factory="events.app:create_app",
        worker=run,
        migrations_dir=MIGRATIONS,
        commands=COMMANDS,
        argv=argv,
    )


if __name__ == "__main__":
    main()
