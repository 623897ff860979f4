"""Signing staff in and out, and creating staff users."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.errors import InvalidInput
from contacts.staff import repository as store
from contacts.staff.domain import Role, StaffMember, check_password_policy

SESSION_LIFETIME = timedelta(hours=10)
_hasher = PasswordHasher()
# Verifying against a dummy hash keeps unknown and known addresses equally slow.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class SignInRefused(InvalidInput):
    """Wrong address or password, or a locked account: the message never says which."""


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


async def create_staff(
    engine: AsyncEngine, *, email: str, name: str, role: str, password: str
) -> StaffMember:
    check_password_policy(password)
    member = StaffMember.new(
        email=email, name=name, role=role, password_hash=_hasher.hash(password)
    )
    async with engine.begin() as conn:
        await store.add(conn, member)
        await store.record_action(
            conn,
            service="contacts",
            actor_id=None,
            action="staff.created",
            target_type="staff",
            target_id=str(member.id),
            details={"role": member.role},
        )
    return member


async def ensure_first_admin(engine: AsyncEngine, *, email: str) -> tuple[str, str] | None:
    """Create the first admin with a random password; None when an admin exists already."""
    async with engine.connect() as conn:
        if await store.any_admin(conn):
            return None
    password = secrets.token_urlsafe(15)
    await create_staff(engine, email=email, name="Administrator", role="admin", password=password)
    return email, password


async def sign_in(
    engine: AsyncEngine, *, email: str, password: str, now: datetime | None = None
) -> SignedIn:
    now = now or datetime.now(UTC)
    refused = SignInRefused(
        "The email address or password is wrong, or the account is "
        "locked for a while after repeated failures."
    )
    async with engine.begin() as conn:
        member = await store.by_email(conn, email.strip())
        if member is None or not member.active:
            _password_matches(_DUMMY_HASH, password)
            raise refused
        if member.is_locked(now):
            raise refused
        if not _password_matches(member.password_hash, password):
            # Committed on purpose: the failure must count even though sign-in is refused.
            await store.save_sign_in_state(conn, member.after_failure(now))
            await store.record_action(
                conn,
                service="contacts",
                actor_id=str(member.id),
                action="staff.sign_in_failed",
                target_type="staff",
                target_id=str(member.id),
            )
            signed_in = None
        else:
            signed_in = await _open_session(conn, member.after_success(), now, "password")
    if signed_in is None:
        raise refused
    return signed_in


async def sign_in_federated(
    engine: AsyncEngine,
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
    async with engine.begin() as conn:
        member = await store.by_email(conn, email.strip())
        if provider_grants_roles and provider_role is None:
            member = None  # no group of theirs gives access (any more)
        elif member is None and create_with_role is not None:
            member = StaffMember.new(
                email=email,
                name=name or email,
                role=create_with_role,
                password_hash=_hasher.hash(secrets.token_urlsafe(32)),
            )
            await store.add(conn, member)
            await store.record_action(
                conn,
                service="contacts",
                actor_id=None,
                action="staff.created",
                target_type="staff",
                target_id=str(member.id),
                details={"role": member.role, "method": "oidc"},
            )
        elif member is not None and member.active and provider_role not in (None, member.role):
            member = replace(member, role=provider_role)
            await store.save_access(conn, member)
            await store.record_action(
                conn,
                service="contacts",
                actor_id=None,
                action="staff.access_changed",
                target_type="staff",
                target_id=str(member.id),
                details={"role": member.role, "active": member.active, "method": "oidc groups"},
            )
        if member is None or not member.active:
            raise SignInRefused("This account has no access to Digituki CRM. Ask an administrator.")
        return await _open_session(conn, member, now, "oidc")


async def _open_session(
    conn: AsyncConnection, member: StaffMember, now: datetime, method: str
) -> SignedIn:
    await store.save_sign_in_state(conn, member)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    await store.add_session(
        conn,
        token_hash=token_hash(token),
        staff_id=member.id,
        csrf=csrf,
        expires=now + SESSION_LIFETIME,
    )
    await store.record_action(
        conn,
        service="contacts",
        actor_id=str(member.id),
        actor_role=member.role,
        action="staff.signed_in",
        details={"method": method},
    )
    return SignedIn(member=member, token=token, csrf=csrf)


async def session(engine: AsyncEngine, token: str) -> tuple[StaffMember, str] | None:
    async with engine.connect() as conn:
        return await store.session_member(conn, token_hash(token), datetime.now(UTC))


async def sign_out(engine: AsyncEngine, token: str) -> None:
    async with engine.begin() as conn:
        await store.remove_session(conn, token_hash(token))
