"""Entry points of the newsletter service: `python -m newsletter.main web|worker|migrate`."""

from __future__ import annotations

from pathlib import Path

from newsletter.cli import COMMANDS
from newsletter.settings import NewsletterSettings
from newsletter.worker import run
from shared.entrypoints import service_main

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def main(argv: list[str] | None = None) -> None:
    service_main(
        settings_factory=NewsletterSettings,
        app_factory="newsletter.app:create_app",
        worker=run,
        migrations_dir=MIGRATIONS,
        commands=COMMANDS,
        argv=argv,
    )


if __name__ == "__main__":
    main()
