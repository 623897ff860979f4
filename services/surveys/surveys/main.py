"""Entry points of the surveys service: `python -m surveys.main web|worker|migrate`."""

from __future__ import annotations

from pathlib import Path

from shared.entrypoints import service_main
from surveys.cli import COMMANDS
from surveys.settings import SurveysSettings
from surveys.worker import run

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def main(argv: list[str] | None = None) -> None:
    service_main(
        settings_factory=SurveysSettings,
        app_factory="surveys.app:create_app",
        worker=run,
        migrations_dir=MIGRATIONS,
        commands=COMMANDS,
        argv=argv,
    )


if __name__ == "__main__":
    main()
