"""Signing staff in and out, and creating staff users, on contacts' unit of work (`uow.staff`)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError

from contacts.audit.domain import Actor
from contacts.errors import InvalidInput
from contacts.staff.domain import Role, StaffMember, check_password_policy
from contacts.staff.service.passwords import hasher as _hasher
from contacts.unit_of_work import ContactsUnitOfWork

SESSION_LIFETIME = timedelta(hours=10)
# Verifying against a dummy hash keeps unknown and known addresses equally slow.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


REFUSAL = (
    "The email address or password is wrong, or there were too many attempts: "
    "wait a moment and try again."
)


class SignInRefused(InvalidInput):
    """Wrong address or password, an account still waiting after failures, or too many
    attempts from one address: the message never says which."""


@dataclass(frozen=True)
class SignedIn:
    member: StaffMember
    token: str
    csrf: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _as(member: StaffMember) -> Actor:
    return Actor(id=str(member.id), role=member.role)


async def create_staff(
    uow: ContactsUnitOfWork, *, email: str, name: str, role: str, password: str
) -> StaffMember:
    """A member with a password of their own (the command line; admins invite instead)."""
    check_password_policy(password)
    member = StaffMember.new(
        email=email, name=name, role=role, password_hash=_hasher.hash(password)
    )
    async with uow:
        await _add(uow, member, method=None)
        await uow.commit()
    return member


async def _add(uow: ContactsUnitOfWork, member: StaffMember, *, method: str | None) -> None:
    await uow.staff.add(member)
    details: dict[str, str] = {"role": member.role}
    if method:
        details["method"] = method
    await uow.audit.record(
        None, "staff.created", target_type="staff", target_id=str(member.id), details=details
    )


async def ensure_first_admin(uow: ContactsUnitOfWork, *, email: str) -> tuple[str, str] | None:
    """Create the first admin with a random password; None when an admin exists already."""
    password = secrets.token_urlsafe(15)
    member = StaffMember.new(
        email=email, name="Administrator", role="admin", password_hash=_hasher.hash(password)
    )
    async with uow:
        if await uow.staff.any_admin():
            return None
        await _add(uow, member, method=None)
        await uow.commit()
    return email, password


async def sign_in(
    uow: ContactsUnitOfWork, *, email: str, password: str, now: datetime | None = None
) -> SignedIn:
    """A session for the right password of an active member who is not waiting after
    failures; every refusal says the same (`REFUSAL`), and a failure counts even so."""
    now = now or datetime.now(UTC)
    refused = SignInRefused(REFUSAL)
    async with uow:
        # Locked: concurrent wrong guesses each count.
        member = await uow.staff.by_email(email.strip(), for_update=True)
        if member is None or not member.active:
            _password_matches(_DUMMY_HASH, password)
            raise refused
        if member.is_locked(now):
            raise refused
        if not _password_matches(member.password_hash, password):
            # Committed on purpose: the failure must count even though sign-in is refused.
            await uow.staff.save_sign_in_state(member.after_failure(now))
            await uow.audit.record(
                _as(member), "staff.sign_in_failed", target_type="staff", target_id=str(member.id)
            )
            await uow.commit()
            raise refused
        signed_in = await _open_session(uow, member.after_success(), now, "password")
        await uow.commit()
    return signed_in


async def sign_in_federated(
    uow: ContactsUnitOfWork,
    *,
    email: str,
    name: str,
    create_with_role: str | None,
    provider_role: Role | None = None,
    provider_grants_roles: bool = False,
    now: datetime | None = None,
) -> SignedIn:
    """Open a session for an address the identity provider vouched for.

    The provider proves who the person is. Whether they are staff, and in which role, is this
    system's decision (unknown addresses are refused unless the installation chose a role for
    first-time federated users), unless the installation lets the provider's groups decide
    (`provider_grants_roles`): then the role follows the groups at every sign-in, and a person
    in no mapped group is refused. A member deactivated here stays out either way.
    """
    now = now or datetime.now(UTC)
    if provider_grants_roles:
        create_with_role = provider_role
    async with uow:
        member = await uow.staff.by_email(email.strip(), for_update=True)
        if provider_grants_roles and provider_role is None:
            member = None  # no group of theirs gives access (any more)
        elif member is None and create_with_role is not None:
            member = StaffMember.new(
                email=email,
                name=name or email,
                role=create_with_role,
                password_hash=_hasher.hash(secrets.token_urlsafe(32)),
            )
            await _add(uow, member, method="oidc")
        elif member is not None and member.active and provider_role not in (None, member.role):
            member = replace(member, role=provider_role)
            await uow.staff.save_access(member)
            await uow.audit.record(
                None,
                "staff.access_changed",
                target_type="staff",
                target_id=str(member.id),
                details={"role": member.role, "active": member.active, "method": "oidc groups"},
            )
        if member is None or not member.active:
            raise SignInRefused("This account has no access to Digituki CRM. Ask an administrator.")
        signed_in = await _open_session(uow, member, now, "oidc")
        await uow.commit()
    return signed_in


async def _open_session(
    uow: ContactsUnitOfWork, member: StaffMember, now: datetime, method: str
) -> SignedIn:
    await uow.staff.save_sign_in_state(member)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    await uow.staff.add_session(
        token_hash=token_hash(token),
        staff_id=member.id,
        csrf=csrf,
        expires=now + SESSION_LIFETIME,
    )
    await uow.audit.record(
        _as(member),
        "staff.signed_in",
        target_type="staff",
        target_id=str(member.id),
        details={"method": method},
    )
    return SignedIn(member=member, token=token, csrf=csrf)


async def session(
    uow: ContactsUnitOfWork, token: str, *, now: datetime | None = None
) -> tuple[StaffMember, str] | None:
    """The member and CSRF token of a session still open; None for any other token."""
    async with uow:
        found = await uow.staff.session(token_hash(token))
    if found is None or not found.open_at(now or datetime.now(UTC)):
        return None
    return found.member, found.csrf


async def sign_out(uow: ContactsUnitOfWork, token: str) -> None:
    async with uow:
        await uow.staff.remove_session(token_hash(token))
        await uow.commit()
