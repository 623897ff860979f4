"""`python -m contacts.main impact-recount YYYY-MM [...]`: count months' impact figures again."""

from __future__ import annotations

import argparse
from datetime import date

from contacts.impact import service as impact
from contacts.settings import ContactsSettings
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.db import make_engine
from shared.entrypoints import Command


def _args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("months", nargs="+", help="months to count again, as YYYY-MM")


async def _recount(settings: ContactsSettings, args: argparse.Namespace) -> int:
    try:
        months = [date.fromisoformat(f"{m}-01") for m in args.months]
    except ValueError:
        print("Give each month as YYYY-MM.")
        return 2
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        for month in months:
            figures = await impact.recompute_month(SqlContactsUnitOfWork(engine), month)
            print(f"{month:%Y-%m}: {len(figures)} figures counted")
    finally:
        await engine.dispose()
    return 0


COMMANDS = {"impact-recount": Command("count months' impact figures again", _args, _recount)}
