"""Password reset by mail: a signed one-hour link that works once, then all sessions end.

The link's payload carries a fingerprint of the password hash it was made for: setting a new
password changes the hash, so the same link (or any older one) stops working.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from argon2 import PasswordHasher
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.snapshots import SOURCE
from contacts.staff import repository as store
from contacts.staff.domain import StaffMember, check_password_policy
from contacts.tables import staff_sessions, staff_users
from contacts.unit_of_work import unit_of_work
from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id
from shared.tokens import TokenError, TokenKeys, sign, verify

PURPOSE = "password-reset"
MAX_AGE_S = 60 * 60
_hasher = PasswordHasher()
ResetUrl = Callable[[str], str]


class ResetLinkUsed(TokenError):
    """The link was valid once, but the password has changed since (or the user is gone)."""


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:24]


def make_token(keys: TokenKeys, member: StaffMember) -> str:
    return sign(keys, PURPOSE, {"u": str(member.id), "f": fingerprint(member.password_hash)})


async def request_reset(
    engine: AsyncEngine, *, email: str, language: str, reset_url: ResetUrl, keys: TokenKeys
) -> None:
    """Queue the reset mail for an active staff member; for any other address do nothing."""
    async with unit_of_work(engine) as uow:
        member = await store.by_email(uow.conn, email.strip())
        if member is None or not member.active:
            return
        request_id = uuid.uuid4()
        mail = MailRequestedV1(
            idempotency_key=f"password-reset:{request_id}",
            template_key="password_reset",
            language="en" if language == "en" else "fi",
            to_email=member.email,
            to_name=member.name,
            variables={"name": member.name, "reset_url": reset_url(make_token(keys, member))},
            origin="transactional",
            origin_id=str(request_id),
        )
        uow.publish(
            MAIL_REQUESTED.name,
            str(member.id),
            new_event(
                source=SOURCE,
                data=mail,
                subject=str(member.id),
                correlation_id=correlation_id.get(),
            ),
        )
        await store.record_action(
            uow.conn,
            service="contacts",
            actor_id=str(member.id),
            action="staff.password_reset_requested",
            target_type="staff",
            target_id=str(member.id),
        )
        await uow.commit()


async def check_token(engine: AsyncEngine, *, token: str, keys: TokenKeys) -> StaffMember:
    """The staff member a link is for; TokenError (TokenExpired, ResetLinkUsed) otherwise."""
    payload = verify(keys, PURPOSE, token, max_age_s=MAX_AGE_S)
    try:
        staff_id, given = uuid.UUID(str(payload["u"])), str(payload["f"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenError("the link carries no valid id") from exc
    async with engine.connect() as conn:
        member = await store.by_id(conn, staff_id)
    if member is None or not member.active or fingerprint(member.password_hash) != given:
        raise ResetLinkUsed("the link has been used already")
    return member


async def reset_password(
    engine: AsyncEngine, *, token: str, password: str, keys: TokenKeys
) -> StaffMember:
    """Set the new password (policy checked), end every session, unlock the account."""
    member = await check_token(engine, token=token, keys=keys)
    check_password_policy(password)
    new_hash = _hasher.hash(password)
    async with engine.begin() as conn:
        # Compare-and-set on the old hash: of two concurrent uses of one link only one wins.
        changed = await conn.execute(
            update(staff_users)
            .where(staff_users.c.id == member.id)
            .where(staff_users.c.password_hash == member.password_hash)
            .values(password_hash=new_hash, failed_attempts=0, locked_until=None)
        )
        if changed.rowcount != 1:
            raise ResetLinkUsed("the link has been used already")
        await conn.execute(delete(staff_sessions).where(staff_sessions.c.staff_id == member.id))
        await store.record_action(
            conn,
            service="contacts",
            actor_id=str(member.id),
            actor_role=member.role,
            action="staff.password_reset",
            target_type="staff",
            target_id=str(member.id),
        )
    return member
