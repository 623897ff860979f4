"""Staff accounts' security rules on the fake unit of work: sign-in and its growing waits,
sessions, invitations, password reset links (one hour, single use) and access changes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from contacts.audit.domain import Actor
from contacts.errors import Conflict, InvalidInput, NotFound
from contacts.staff.domain import FREE_FAILURES, MAX_DELAY, StaffMember
from contacts.staff.service import password_reset, sign_in, users
from contacts.staff.service.sign_in import REFUSAL, SignInRefused

from shared.tokens import TokenError, TokenExpired, TokenKeys
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
PASSWORD = "oikein-hyvä-salasana"
OTHER = "toinen-hyvä-salasana"
KEYS = TokenKeys.single("unit-test-secret")


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same hashing with the smallest cost: the rules, not argon2's work, are tested."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    for module in (sign_in, users, password_reset):
        monkeypatch.setattr(module, "_hasher", cheap)


def link(token: str) -> str:
    return f"https://crm.example/login/reset/{token}"


def token_of_mail(uow: FakeContactsUnitOfWork, n: int = -1) -> str:
    url = str(uow.mail_requests()[n].variables["reset_url"])
    return url.rsplit("/", 1)[1]


def actions(uow: FakeContactsUnitOfWork) -> list[str]:
    return [e.action for e in uow.audit.entries]


async def member(
    uow: FakeContactsUnitOfWork, email: str = "eeva@digituki.fi", role: str = "editor"
) -> StaffMember:
    return await sign_in.create_staff(uow, email=email, name="Eeva", role=role, password=PASSWORD)


# -- creating staff


async def test_a_created_member_has_a_normalised_address_and_is_audited() -> None:
    uow = FakeContactsUnitOfWork()
    created = await member(uow, email="  Eeva@Digituki.FI ")
    assert (await uow.staff.get(created.id)) == created
    assert created.email == "eeva@digituki.fi" and created.password_hash != PASSWORD
    (entry,) = uow.audit.entries
    assert (entry.action, entry.target_id, entry.details) == (
        "staff.created",
        str(created.id),
        {"role": "editor"},
    )


async def test_an_address_is_taken_in_any_case_and_a_short_password_refused() -> None:
    uow = FakeContactsUnitOfWork()
    await member(uow)
    with pytest.raises(Conflict):
        await member(uow, email="EEVA@digituki.fi")
    with pytest.raises(InvalidInput):
        await sign_in.create_staff(
            uow, email="x@digituki.fi", name="X", role="viewer", password="lyhyt"
        )
    assert len(uow.staff.rows) == 1 and actions(uow) == ["staff.created"]


async def test_the_first_admin_is_created_once() -> None:
    uow = FakeContactsUnitOfWork()
    created = await sign_in.ensure_first_admin(uow, email="admin@digituki.fi")
    assert created is not None and created[0] == "admin@digituki.fi"
    assert await sign_in.ensure_first_admin(uow, email="toinen@digituki.fi") is None
    (admin,) = uow.staff.rows.values()
    assert admin.role == "admin"
    # The printed password is the one that signs in.
    signed = await sign_in.sign_in(uow, email=created[0], password=created[1], now=NOW)
    assert signed.member.id == admin.id


# -- signing in


async def test_the_right_password_opens_a_session_that_is_heard_until_it_expires() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    signed = await sign_in.sign_in(uow, email=" EEVA@digituki.fi", password=PASSWORD, now=NOW)
    assert signed.member.id == eeva.id and signed.token and signed.csrf
    assert "staff.signed_in" in actions(uow)
    found = await sign_in.session(uow, signed.token, now=NOW + timedelta(hours=1))
    assert found is not None and found[0].id == eeva.id and found[1] == signed.csrf
    end = NOW + sign_in.SESSION_LIFETIME
    assert await sign_in.session(uow, signed.token, now=end - timedelta(seconds=1)) is not None
    assert await sign_in.session(uow, signed.token, now=end) is None
    assert await sign_in.session(uow, "made-up-token", now=NOW) is None


async def test_signing_out_ends_the_session() -> None:
    uow = FakeContactsUnitOfWork()
    await member(uow)
    signed = await sign_in.sign_in(uow, email="eeva@digituki.fi", password=PASSWORD, now=NOW)
    await sign_in.sign_out(uow, signed.token)
    assert await sign_in.session(uow, signed.token, now=NOW) is None


async def test_a_wrong_password_is_refused_but_counted_and_audited() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    with pytest.raises(SignInRefused) as refused:
        await sign_in.sign_in(uow, email="eeva@digituki.fi", password=OTHER, now=NOW)
    assert refused.value.message == REFUSAL
    stored = await uow.staff.get(eeva.id)
    assert stored is not None and stored.failed_attempts == 1
    assert actions(uow)[-1] == "staff.sign_in_failed" and not uow.staff.sessions


async def test_unknown_and_deactivated_addresses_get_the_same_refusal() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    await member(uow, email="admin@digituki.fi", role="admin")
    await users.change_access(uow, eeva.id, active=False, actor=None)
    for email in ("nobody@digituki.fi", "eeva@digituki.fi"):
        with pytest.raises(SignInRefused) as refused:
            await sign_in.sign_in(uow, email=email, password=PASSWORD, now=NOW)
        assert refused.value.message == REFUSAL
    assert not uow.staff.sessions
    assert "staff.signed_in" not in actions(uow)


async def test_after_the_free_failures_even_the_right_password_waits() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    for n in range(FREE_FAILURES + 1):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in(uow, email="eeva@digituki.fi", password=OTHER, now=NOW)
        if n < FREE_FAILURES:
            # The free failures leave the door open: still no wait.
            stored = await uow.staff.get(eeva.id)
            assert stored is not None and not stored.is_locked(NOW)
    with pytest.raises(SignInRefused):
        await sign_in.sign_in(uow, email="eeva@digituki.fi", password=PASSWORD, now=NOW)
    assert not uow.staff.sessions
    # A refusal while waiting does not count as another failure.
    stored = await uow.staff.get(eeva.id)
    assert stored is not None and stored.failed_attempts == FREE_FAILURES + 1
    later = NOW + MAX_DELAY
    signed = await sign_in.sign_in(uow, email="eeva@digituki.fi", password=PASSWORD, now=later)
    assert signed.member.failed_attempts == 0 and signed.member.locked_until is None
    stored = await uow.staff.get(eeva.id)
    assert stored is not None and stored.failed_attempts == 0


async def test_deactivating_a_member_ends_their_open_sessions() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    await member(uow, email="admin@digituki.fi", role="admin")
    signed = await sign_in.sign_in(uow, email="eeva@digituki.fi", password=PASSWORD, now=NOW)
    await users.change_access(uow, eeva.id, active=False, actor=None)
    assert await sign_in.session(uow, signed.token, now=NOW) is None
    await users.change_access(uow, eeva.id, active=True, actor=None)
    assert await sign_in.session(uow, signed.token, now=NOW) is not None


# -- federated sign-in


async def test_an_unknown_federated_address_is_refused_unless_a_role_is_chosen() -> None:
    uow = FakeContactsUnitOfWork()
    with pytest.raises(SignInRefused):
        await sign_in.sign_in_federated(
            uow, email="uusi@digituki.fi", name="Uusi", create_with_role=None, now=NOW
        )
    assert not uow.staff.rows and not uow.audit.entries
    signed = await sign_in.sign_in_federated(
        uow, email="uusi@digituki.fi", name="Uusi", create_with_role="viewer", now=NOW
    )
    assert signed.member.role == "viewer"
    assert uow.audit.entries[0].details == {"role": "viewer", "method": "oidc"}
    assert uow.audit.entries[-1].details == {"method": "oidc"}


async def test_provider_groups_set_the_role_and_no_group_means_no_access() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow, role="viewer")
    signed = await sign_in.sign_in_federated(
        uow,
        email="eeva@digituki.fi",
        name="Eeva",
        create_with_role=None,
        provider_role="admin",
        provider_grants_roles=True,
        now=NOW,
    )
    assert signed.member.role == "admin"
    stored = await uow.staff.get(eeva.id)
    assert stored is not None and stored.role == "admin"
    assert "staff.access_changed" in actions(uow)
    before = len(uow.staff.sessions)
    with pytest.raises(SignInRefused):
        await sign_in.sign_in_federated(
            uow,
            email="eeva@digituki.fi",
            name="Eeva",
            create_with_role="viewer",
            provider_role=None,
            provider_grants_roles=True,
            now=NOW,
        )
    assert len(uow.staff.sessions) == before


async def test_a_deactivated_member_stays_out_whatever_the_provider_says() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    await member(uow, email="admin@digituki.fi", role="admin")
    await users.change_access(uow, eeva.id, active=False, actor=None)
    with pytest.raises(SignInRefused):
        await sign_in.sign_in_federated(
            uow,
            email="eeva@digituki.fi",
            name="Eeva",
            create_with_role="editor",
            provider_role="admin",
            provider_grants_roles=True,
            now=NOW,
        )
    stored = await uow.staff.get(eeva.id)
    assert stored is not None and stored.role == "editor" and not stored.active
    assert not uow.staff.sessions


# -- password reset


async def test_a_reset_request_mails_a_link_for_active_members_only() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    await password_reset.request_reset(
        uow, email=" Eeva@digituki.fi ", language="en", reset_url=link, keys=KEYS
    )
    (mail,) = uow.mail_requests()
    assert (mail.to_email, mail.language, mail.template_key) == (
        "eeva@digituki.fi",
        "en",
        "password_reset",
    )
    assert actions(uow)[-1] == "staff.password_reset_requested"
    assert (await password_reset.check_token(uow, token=token_of_mail(uow), keys=KEYS)).id == (
        eeva.id
    )
    await member(uow, email="admin@digituki.fi", role="admin")
    await users.change_access(uow, eeva.id, active=False, actor=None)
    for email in ("eeva@digituki.fi", "nobody@digituki.fi"):
        await password_reset.request_reset(
            uow, email=email, language="fi", reset_url=link, keys=KEYS
        )
    assert len(uow.mail_requests()) == 1


async def test_a_reset_link_sets_the_password_once_ends_sessions_and_unlocks() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    signed = await sign_in.sign_in(uow, email="eeva@digituki.fi", password=PASSWORD, now=NOW)
    for _ in range(FREE_FAILURES + 2):
        with pytest.raises(SignInRefused):
            await sign_in.sign_in(uow, email="eeva@digituki.fi", password=OTHER, now=NOW)
    await password_reset.request_reset(
        uow, email="eeva@digituki.fi", language="fi", reset_url=link, keys=KEYS
    )
    token = token_of_mail(uow)
    changed = await password_reset.reset_password(uow, token=token, password=OTHER, keys=KEYS)
    assert changed.id == eeva.id and actions(uow)[-1] == "staff.password_reset"
    assert await sign_in.session(uow, signed.token, now=NOW) is None
    # Unlocked at once, with the new password only.
    again = await sign_in.sign_in(uow, email="eeva@digituki.fi", password=OTHER, now=NOW)
    assert again.member.id == eeva.id
    with pytest.raises(password_reset.ResetLinkUsed):
        await password_reset.check_token(uow, token=token, keys=KEYS)
    with pytest.raises(password_reset.ResetLinkUsed):
        await password_reset.reset_password(uow, token=token, password=PASSWORD, keys=KEYS)
    with pytest.raises(SignInRefused):
        await sign_in.sign_in(uow, email="eeva@digituki.fi", password=PASSWORD, now=NOW)


async def test_an_older_link_dies_with_the_password_it_was_made_for() -> None:
    uow = FakeContactsUnitOfWork()
    await member(uow)
    for _ in range(2):
        await password_reset.request_reset(
            uow, email="eeva@digituki.fi", language="fi", reset_url=link, keys=KEYS
        )
    first, second = token_of_mail(uow, 0), token_of_mail(uow, 1)
    await password_reset.reset_password(uow, token=second, password=OTHER, keys=KEYS)
    with pytest.raises(password_reset.ResetLinkUsed):
        await password_reset.reset_password(uow, token=first, password=PASSWORD, keys=KEYS)


async def test_a_short_password_changes_nothing_and_the_link_still_works() -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    await password_reset.request_reset(
        uow, email="eeva@digituki.fi", language="fi", reset_url=link, keys=KEYS
    )
    token = token_of_mail(uow)
    audited = len(uow.audit.entries)
    with pytest.raises(InvalidInput):
        await password_reset.reset_password(uow, token=token, password="lyhyt", keys=KEYS)
    assert (await uow.staff.get(eeva.id)) == eeva and len(uow.audit.entries) == audited
    await password_reset.reset_password(uow, token=token, password=OTHER, keys=KEYS)


async def test_expired_forged_and_deactivated_links_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uow = FakeContactsUnitOfWork()
    eeva = await member(uow)
    await member(uow, email="admin@digituki.fi", role="admin")
    token = password_reset.make_token(KEYS, eeva)
    with pytest.raises(TokenError):
        await password_reset.check_token(uow, token=token + "x", keys=KEYS)
    with pytest.raises(TokenError):
        await password_reset.check_token(uow, token=token, keys=TokenKeys.single("another"))
    max_age = password_reset.MAX_AGE_S
    monkeypatch.setattr(password_reset, "MAX_AGE_S", -1)
    with pytest.raises(TokenExpired):
        await password_reset.reset_password(uow, token=token, password=OTHER, keys=KEYS)
    monkeypatch.setattr(password_reset, "MAX_AGE_S", max_age)
    await users.change_access(uow, eeva.id, active=False, actor=None)
    with pytest.raises(password_reset.ResetLinkUsed):
        await password_reset.reset_password(uow, token=token, password=OTHER, keys=KEYS)
    assert (await uow.staff.get(eeva.id)) == eeva.with_access(active=False)


# -- invitations and access


ADMIN = Actor(id="admin-id", role="admin")


async def test_an_invitation_creates_an_account_nobody_can_sign_in_to_until_the_link() -> None:
    uow = FakeContactsUnitOfWork()
    invited = await users.invite(
        uow,
        email="Uusi@Digituki.fi",
        name="Uusi",
        role="viewer",
        actor=ADMIN,
        language="fi",
        reset_url=link,
        keys=KEYS,
    )
    assert (await uow.staff.get(invited.id)) == invited
    (mail,) = uow.mail_requests()
    assert mail.to_email == "uusi@digituki.fi"
    created = uow.audit.entries[0]
    assert (created.actor, created.details) == (ADMIN, {"role": "viewer", "method": "invitation"})
    token = token_of_mail(uow)
    await password_reset.reset_password(uow, token=token, password=PASSWORD, keys=KEYS)
    signed = await sign_in.sign_in(uow, email="uusi@digituki.fi", password=PASSWORD, now=NOW)
    assert signed.member.id == invited.id
    with pytest.raises(password_reset.ResetLinkUsed):
        await password_reset.reset_password(uow, token=token, password=OTHER, keys=KEYS)


async def test_inviting_a_taken_address_sends_no_mail_and_writes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    await member(uow)
    entries = len(uow.audit.entries)
    with pytest.raises(Conflict):
        await users.invite(
            uow,
            email="eeva@digituki.fi",
            name="Eeva",
            role="admin",
            actor=ADMIN,
            language="fi",
            reset_url=link,
            keys=KEYS,
        )
    assert not uow.mail_requests() and len(uow.audit.entries) == entries
    assert len(uow.staff.rows) == 1


async def test_access_changes_are_audited_and_never_remove_the_last_admin() -> None:
    uow = FakeContactsUnitOfWork()
    admin = await member(uow, email="admin@digituki.fi", role="admin")
    eeva = await member(uow)
    me = Actor(id=str(admin.id), role="admin")
    changed = await users.change_access(uow, eeva.id, role="admin", actor=me)
    assert changed.role == "admin" and actions(uow)[-1] == "staff.access_changed"
    assert uow.audit.entries[-1].details == {"role": "admin", "active": True}
    await users.change_access(uow, eeva.id, role="admin", actor=me)  # no change: no entry
    assert actions(uow).count("staff.access_changed") == 1
    with pytest.raises(InvalidInput):
        await users.change_access(uow, admin.id, role="viewer", actor=me)
    await users.change_access(uow, eeva.id, role="viewer", actor=me)
    with pytest.raises(Conflict):
        await users.change_access(uow, admin.id, active=False, actor=Actor(id="cli", role="admin"))
    stored = await uow.staff.get(admin.id)
    assert stored is not None and stored.active and stored.role == "admin"
    with pytest.raises(NotFound):
        await users.change_access(uow, uuid.UUID(int=7), role="viewer", actor=me)
    listed = await users.list_staff(uow)
    assert [m.email for m in listed] == ["admin@digituki.fi", "eeva@digituki.fi"]


async def test_pages_and_timelines_name_staff_by_name_or_address() -> None:
    from contacts import labels

    uow = FakeContactsUnitOfWork()
    named = await member(uow)
    nameless = await sign_in.create_staff(
        uow, email="anon@digituki.fi", name="", role="viewer", password=PASSWORD
    )
    names = await labels.staff_names(uow)
    assert names[str(named.id)] == "Eeva" and names[str(nameless.id)] == "anon@digituki.fi"
    assert names["cli"] == labels.NOT_STAFF["cli"]
    # One rule for every page and timeline (contacts.labels; activity has no copy of it).
    from contacts.activity import labels as activity_labels

    assert not hasattr(activity_labels, "staff_names")
