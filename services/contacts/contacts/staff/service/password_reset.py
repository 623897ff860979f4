"""Password reset by mail: a signed one-hour link that works once, then all sessions end.

The link's payload carries a fingerprint of the password hash it was made for: setting a new
password changes the hash, so the same link (or any older one) stops working.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from contacts.audit.domain import Actor
from contacts.snapshots import SOURCE
from contacts.staff.domain import StaffMember, check_password_policy
from contacts.staff.service.passwords import hasher as _hasher
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id
from shared.tokens import TokenError, TokenKeys, sign, verify

PURPOSE = "password-reset"
MAX_AGE_S = 60 * 60
ResetUrl = Callable[[str], str]


class ResetLinkUsed(TokenError):
    """The link was valid once, but the password has changed since (or the user is gone)."""


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:24]


def make_token(keys: TokenKeys, member: StaffMember) -> str:
    return sign(keys, PURPOSE, {"u": str(member.id), "f": fingerprint(member.password_hash)})


async def request_reset(
    uow: ContactsUnitOfWork, *, email: str, language: str, reset_url: ResetUrl, keys: TokenKeys
) -> None:
    """Queue the reset mail for an active staff member; for any other address do nothing."""
    async with uow:
        member = await uow.staff.by_email(email.strip())
        if member is None or not member.active:
            return
        queue_reset_mail(uow, member, language=language, reset_url=reset_url, keys=keys)
        await uow.audit.record(
            Actor(id=str(member.id), role=member.role),
            "staff.password_reset_requested",
            target_type="staff",
            target_id=str(member.id),
        )
        await uow.commit()


def queue_reset_mail(
    uow: ContactsUnitOfWork,
    member: StaffMember,
    *,
    language: str,
    reset_url: ResetUrl,
    keys: TokenKeys,
) -> None:
    """The mail with a link for `member`'s current password, through the outbox."""
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
            source=SOURCE, data=mail, subject=str(member.id), correlation_id=correlation_id.get()
        ),
    )


def _staff_id(token: str, keys: TokenKeys) -> tuple[uuid.UUID, str]:
    payload = verify(keys, PURPOSE, token, max_age_s=MAX_AGE_S)
    try:
        return uuid.UUID(str(payload["u"])), str(payload["f"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenError("the link carries no valid id") from exc


async def _member_for(uow: ContactsUnitOfWork, token: str, keys: TokenKeys) -> StaffMember:
    staff_id, given = _staff_id(token, keys)
    member = await uow.staff.get(staff_id)
    if member is None or not member.active or fingerprint(member.password_hash) != given:
        raise ResetLinkUsed("the link has been used already")
    return member


async def check_token(uow: ContactsUnitOfWork, *, token: str, keys: TokenKeys) -> StaffMember:
    """The staff member a link is for; TokenError (TokenExpired, ResetLinkUsed) otherwise."""
    async with uow:
        return await _member_for(uow, token, keys)


async def reset_password(
    uow: ContactsUnitOfWork, *, token: str, password: str, keys: TokenKeys
) -> StaffMember:
    """Set the new password (policy checked), end every session, unlock the account."""
    async with uow:
        member = await _member_for(uow, token, keys)
        check_password_policy(password)
        # Compare-and-set on the old hash: of two concurrent uses of one link only one wins.
        if not await uow.staff.replace_password(member, _hasher.hash(password)):
            raise ResetLinkUsed("the link has been used already")
        await uow.staff.end_sessions(member.id)
        await uow.audit.record(
            Actor(id=str(member.id), role=member.role),
            "staff.password_reset",
            target_type="staff",
            target_id=str(member.id),
        )
        await uow.commit()
    return member
