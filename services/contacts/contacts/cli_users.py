"""`python -m contacts.main users list|invite|set-role|deactivate|reactivate`."""

from __future__ import annotations

import argparse

from contacts.audit.domain import Actor
from contacts.errors import DomainError
from contacts.settings import ContactsSettings
from contacts.staff.domain import ROLES
from contacts.staff.service import users as staff_users
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.db import make_engine
from shared.entrypoints import Command

# Operators act from a shell, not a session: the audit log names the command line.
CLI_ACTOR = Actor(id="cli", role="admin")


def _args(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="users_command", required=True)
    sub.add_parser("list", help="every staff user with role and status")
    invite = sub.add_parser("invite", help="create a user and mail a link to choose a password")
    invite.add_argument("email")
    invite.add_argument("--name", default="")
    invite.add_argument("--role", choices=ROLES, default="editor")
    invite.add_argument("--language", choices=["fi", "en"], default="fi")
    role = sub.add_parser("set-role", help="change a user's role")
    role.add_argument("email")
    role.add_argument("role", choices=ROLES)
    sub.add_parser("deactivate", help="deactivate a user (sessions end at once)").add_argument(
        "email"
    )
    sub.add_parser("reactivate", help="let a deactivated user sign in again").add_argument("email")


async def _run(settings: ContactsSettings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url, pool_size=1)
    uow = SqlContactsUnitOfWork(engine)
    try:
        members = {m.email: m for m in await staff_users.list_staff(uow)}
        if args.users_command == "list":
            for m in members.values():
                status = "active" if m.active else "deactivated"
                print(f"{m.email:40} {m.role:7} {status:11} {m.name}")
            return 0
        if args.users_command == "invite":
            member = await staff_users.invite(
                uow,
                email=args.email,
                name=args.name,
                role=args.role,
                actor=CLI_ACTOR,
                language=args.language,
                reset_url=lambda t: f"{settings.public_base_url.rstrip('/')}/login/reset/{t}",
                keys=settings.token_keys(),
            )
            print(f"Invited {member.role} {member.email}; the link is valid for an hour.")
            return 0
        target = members.get(args.email.strip().lower())
        if target is None:
            print(f"error: no staff user {args.email}")
            return 2
        changed = await staff_users.change_access(
            uow,
            target.id,
            role=args.role if args.users_command == "set-role" else None,
            active={"deactivate": False, "reactivate": True}.get(args.users_command),
            actor=CLI_ACTOR,
        )
        print(f"{changed.email}: {changed.role}, {'active' if changed.active else 'deactivated'}")
        return 0
    except DomainError as error:
        print(f"error: {error.message}")
        return 2
    finally:
        await engine.dispose()


COMMANDS = {"users": Command("list and manage staff users", _args, _run)}
