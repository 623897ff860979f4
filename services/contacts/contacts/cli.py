"""Contacts' operator commands (`python -m contacts.main <command>`)."""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path

from contacts.cli_demo import COMMANDS as DEMO_COMMANDS
from contacts.cli_impact import COMMANDS as IMPACT_COMMANDS
from contacts.cli_import import COMMANDS as IMPORT_COMMANDS
from contacts.cli_retention import COMMANDS as RETENTION_COMMANDS
from contacts.cli_users import COMMANDS as USER_COMMANDS
from contacts.errors import DomainError
from contacts.settings import ContactsSettings
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.db import make_engine
from shared.entrypoints import Command


def _first_admin_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--email", default="admin@digituki.example")
    parser.add_argument(
        "--write-to",
        type=Path,
        default=None,
        help="also write 'email / password' to this file (mode 600)",
    )
    parser.add_argument("--quiet-if-exists", action="store_true")


async def _first_admin(settings: ContactsSettings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        created = await staff_service.ensure_first_admin(
            SqlContactsUnitOfWork(engine), email=args.email
        )
    finally:
        await engine.dispose()
    if created is None:
        if not args.quiet_if_exists:
            print("An admin exists already; nothing created.")
        return 0
    line = f"{created[0]} / {created[1]}"
    print(f"First admin created: {line}")
    if args.write_to:
        args.write_to.parent.mkdir(parents=True, exist_ok=True)
        args.write_to.write_text(line + "\n")
        os.chmod(args.write_to, 0o600)
    return 0


def _create_staff_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--email", required=True)
    parser.add_argument("--name", default="")
    parser.add_argument("--role", choices=["viewer", "editor", "admin"], default="editor")
    parser.add_argument(
        "--password-env",
        default=None,
        help="read the password from this environment variable, not a prompt",
    )


async def _create_staff(settings: ContactsSettings, args: argparse.Namespace) -> int:
    password = (
        os.environ.get(args.password_env, "")
        if args.password_env
        else getpass.getpass("Password: ")
    )
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        member = await staff_service.create_staff(
            SqlContactsUnitOfWork(engine),
            email=args.email,
            name=args.name,
            role=args.role,
            password=password,
        )
    except DomainError as error:
        print(f"error: {error.message}")
        return 2
    finally:
        await engine.dispose()
    print(f"Created {member.role} {member.email} ({member.id})")
    return 0


COMMANDS = {
    "first-admin": Command(
        "create the first admin if none exists", _first_admin_args, _first_admin
    ),
    "create-staff": Command("create a staff user", _create_staff_args, _create_staff),
    **IMPORT_COMMANDS,
    **USER_COMMANDS,
    **DEMO_COMMANDS,
    **RETENTION_COMMANDS,
    **IMPACT_COMMANDS,
}
