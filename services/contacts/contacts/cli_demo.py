"""`python -m contacts.main demo-data [--people N]`: a demo network to try the system."""

from __future__ import annotations

import argparse
import sys

from contacts import demo_data
from contacts.errors import DomainError
from contacts.settings import ContactsSettings
from shared.db import make_engine
from shared.entrypoints import Command


def _args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=int, default=120, help="how many people (default 120)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    parser.add_argument(
        "--send-mail",
        action="store_true",
        help="also request the mails the steps cause (group invitations); off by default",
    )


async def _run(settings: ContactsSettings, args: argparse.Namespace) -> int:
    if settings.environment == "production":
        print("error: demo data is refused in production (DIGITUKI_ENV=production)")
        return 2
    engine = make_engine(settings.database_url, pool_size=2)
    try:
        summary = await demo_data.seed(
            engine,
            people=max(1, args.people),
            seed_value=args.seed,
            say=lambda step: print(f"… {step}", file=sys.stderr),
            send_mail=args.send_mail,
        )
    except DomainError as error:
        print(f"error: {error.message}")
        return 2
    finally:
        await engine.dispose()
    print(
        f"Demo network: {summary.organisations} organisations, {summary.people} people, "
        f"{summary.members} members, {summary.pending_applications} pending applications."
    )
    if args.send_mail:
        print("The mails these steps cause were requested (see the mail catcher).")
    else:
        print("No mail was sent or requested (add --send-mail to send the group invitations).")
    return 0


COMMANDS = {"demo-data": Command("create a demo network (not in production)", _args, _run)}
