"""Entry points of the contacts service: `python -m contacts.main web|worker|migrate`."""

from __future__ import annotations

from pathlib import Path

from contacts.cli import COMMANDS
from contacts.settings import ContactsSettings
from contacts.worker import run
from shared.entrypoints import service_main

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def main(argv: list[str] | None = None) -> None:
    service_main(
        settings_factory=ContactsSettings,
        app_factory="contacts.app:create_app",
        worker=run,
        migrations_dir=MIGRATIONS,
        commands=COMMANDS,
        argv=argv,
    )


if __name__ == "__main__":
    main()
