"""Signup with double opt-in: nothing but the confirmation mail before the address confirms."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from contacts.consents.domain import Purpose, entries, truncate_ip
from contacts.errors import Conflict, NotFound
from contacts.memberships.domain import Membership, transition
from contacts.organisations.domain.organisation import Organisation
from contacts.people.domain.person import Person
from contacts.signup.domain import SignupForm, confirmation_mail_due
from contacts.snapshots import SOURCE
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.envelope import CloudEvent, new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id

ConfirmUrl = Callable[[uuid.UUID], str]


class Outbox(Protocol):
    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None: ...


async def sign_up(
    uow: ContactsUnitOfWork,
    *,
    form: SignupForm,
    ip: str | None,
    confirm_url: ConfirmUrl,
    wording_version: str,
    at: datetime | None = None,
) -> uuid.UUID | None:
    """Record the signup and request the confirmation mail; the same for known addresses.

    A known person is not changed now: what the form asks for is applied at confirmation,
    so nobody can alter someone else's data by typing their address. An address that signed
    up within the last CONFIRMATION_MAIL_INTERVAL gets no second signup and no second mail
    (None): the form answers the same, and the first mail's link still confirms.
    """
    at = at or datetime.now(UTC)
    signup_id = uuid.uuid4()
    async with uow:
        person = await uow.people.find_by_email(form.email, for_update=True)
        if person is not None and not confirmation_mail_due(
            await uow.consents.last_signup_at(person.id), at
        ):
            return None
        if person is None:
            person = Person.new(
                email=form.email,
                first_name=form.first_name,
                last_name=form.last_name,
                language=form.language,
            )
            try:
                await uow.people.add(person)
            except Conflict:  # the same address signed up at this very moment
                person = await uow.people.find_by_email(form.email, for_update=True)
                if person is None:
                    raise
            else:
                await uow.events.publish_snapshot(person)
        await uow.events.record_activity(person.id, "signed_up", {"signup_id": str(signup_id)})
        await uow.consents.add_signup(
            signup_id=signup_id,
            person_id=person.id,
            details=form.details(),
            wording_version=wording_version,
            ip=truncate_ip(ip),
        )
        request_confirmation_mail(
            uow, person, signup_id, confirm_url, key=f"signup-confirmation:{signup_id}"
        )
        await uow.commit()
    return signup_id


def request_confirmation_mail(
    uow: Outbox,
    person: Person,
    signup_id: uuid.UUID,
    confirm_url: ConfirmUrl,
    *,
    key: str,
) -> None:
    """The double opt-in mail, requested through the outbox (the newsletter sends it)."""
    mail = MailRequestedV1(
        idempotency_key=key,
        template_key="signup_confirmation",
        language=person.language,
        to_email=person.email,
        to_name=f"{person.first_name} {person.last_name}".strip(),
        contact_id=person.id,
        variables={"first_name": person.first_name, "confirm_url": confirm_url(signup_id)},
        origin="transactional",
        origin_id=str(signup_id),
    )
    uow.publish(
        MAIL_REQUESTED.name,
        str(person.id),
        new_event(
            source=SOURCE, data=mail, subject=str(person.id), correlation_id=correlation_id.get()
        ),
    )


async def signup_language(uow: ContactsUnitOfWork, *, signup_id: uuid.UUID) -> str | None:
    """The language the confirmation mail went out in (the person's), for its link's page."""
    async with uow:
        signup = await uow.consents.signup(signup_id)
        person = None if signup is None else await uow.people.get(signup["person_id"])
    return None if person is None else person.language


async def confirm_signup(
    uow: ContactsUnitOfWork, *, signup_id: uuid.UUID, at: datetime | None = None
) -> Literal["confirmed", "already"]:
    """Apply the signup and subscribe; a second click changes nothing."""
    at = at or datetime.now(UTC)
    async with uow:
        signup = await uow.consents.signup(signup_id, for_update=True)
        if signup is None:
            raise NotFound("This signup does not exist (any more).")
        if signup["confirmed_at"] is not None:
            return "already"
        person = await uow.people.get(signup["person_id"], for_update=True)
        if person is None:  # pragma: no cover - signups cascade with their person
            raise NotFound("This signup does not exist (any more).")
        details: dict[str, Any] = signup["details"]
        was_subscribed = person.subscription_state == "subscribed"
        person = await _apply_details(uow, person, details, at=at)
        purposes: tuple[Purpose, ...] = (
            ("newsletter", "surveys") if details.get("surveys") else ("newsletter",)
        )
        person = person.confirmed(at=at, newsletter=True, surveys="surveys" in purposes)
        await uow.people.save(person)
        await uow.consents.append(
            entries(
                person.id,
                purposes,
                given=True,
                method="signup",
                at=at,
                wording_version=signup["wording_version"],
                ip=signup["ip"],
            ),
        )
        await uow.consents.mark_confirmed(signup_id, at)
        if details.get("apply_membership"):
            await _apply_for_membership(uow, person.id, at)
        await uow.events.publish_snapshot(person)
        await uow.events.record_activity(
            person.id, "confirmed", {"signup_id": str(signup_id)}, at=at
        )
        if not was_subscribed:
            await uow.events.record_activity(
                person.id, "subscribed", {"purposes": list(purposes)}, at=at
            )
        await uow.commit()
    return "confirmed"


async def _apply_details(
    uow: ContactsUnitOfWork, person: Person, details: dict[str, Any], *, at: datetime
) -> Person:
    known = {t.key for t in await uow.topics.all_topics()}
    chosen = [t for t in details.get("topics", []) if t in known]
    changes: dict[str, object] = {
        "topics": tuple(sorted({*person.topics, *chosen})),
    }
    if details.get("municipality"):
        changes["municipality"] = details["municipality"]
    if not person.first_name and details.get("first_name"):
        changes["first_name"] = details["first_name"]
    if not person.last_name and details.get("last_name"):
        changes["last_name"] = details["last_name"]
    name = str(details.get("organisation") or "")
    if name:
        org = await uow.organisations.by_name(name)
        if org is None:  # a new name waits for staff review
            org = Organisation.new(
                name=name,
                type=str(details.get("organisation_type") or "other"),
                municipality_code=details.get("municipality") or None,
                status="pending_review",
            )
            await uow.organisations.add(org)
        links = await uow.organisations.links_of(person.id)
        if not any(
            link["organisation_id"] == org.id and link["end_date"] is None for link in links
        ):
            await uow.organisations.link(
                person_id=person.id, organisation_id=org.id, start=at.date()
            )
    return person.changed(**changes)


async def _apply_for_membership(
    uow: ContactsUnitOfWork, person_id: uuid.UUID, at: datetime
) -> None:
    held = await uow.memberships.get(person_id, for_update=True)
    if held is None:
        membership = Membership.application(person_id, at=at)
    elif held.state in ("left", "declined"):
        membership = held.apply("apply", at=at)
    else:
        return  # already pending, active or paused
    await uow.memberships.put(membership)
    await uow.memberships.record(transition(held, membership, action="apply", at=at, by=None))
    await uow.events.record_activity(person_id, "membership_changed", {"state": "pending"}, at=at)
