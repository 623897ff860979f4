"""Onboarding into the Facebook group: invite with a join code, match pasted requests, decide,
remind, and count the funnel. Every state change republishes the person's snapshot."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.errors import Conflict, NotFound
from contacts.onboarding.domain import onboarding as domain
from contacts.onboarding.domain.onboarding import Decision, JoinCode, Onboarding
from contacts.onboarding.repository import onboarding as store
from contacts.people import repository as people
from contacts.people.domain.person import Person
from contacts.snapshots import SOURCE, publish_snapshot, record_activity
from contacts.unit_of_work import unit_of_work
from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id
from shared.outbox.unit_of_work import UnitOfWork

GROUP = "Digitukijat"
GROUP_URL = "https://www.facebook.com/groups/digitukijat"
MAX_PASTE_LINES = 1000
log = logging.getLogger(__name__)


class OnboardingSettings(BaseSettings):
    """The group as each language presents it, and the code and reminder rules."""

    model_config = SettingsConfigDict(env_prefix="CONTACTS_ONBOARDING_", extra="ignore")

    group_name: dict[str, str] = {"fi": GROUP, "sv": GROUP, "en": GROUP}
    group_url: dict[str, str] = {"fi": GROUP_URL, "sv": GROUP_URL, "en": GROUP_URL}
    membership_question: dict[str, str] = {
        "fi": "Liity koodilla: kirjoita sähköpostista saamasi liittymiskoodi.",
        "sv": "Anslutningskod: skriv anslutningskoden från e-postmeddelandet.",
        "en": "Join code: type the join code from your invitation email.",
    }
    rules_url: dict[str, str] = {
        "fi": "https://digituki.fi/digitukijat/saannot",
        "sv": "https://digituki.fi/sv/digitukijat/regler",
        "en": "https://digituki.fi/en/digitukijat/rules",
    }
    code_valid_days: int = 60
    remind_after_days: int = 7
    max_reminders: int = 2
    reminder_interval_s: float = 3600.0

    def variables(self, language: str, code: str) -> dict[str, Any]:
        def pick(values: dict[str, str]) -> str:
            return values.get(language) or values.get("fi") or next(iter(values.values()))

        return {
            "group_name": pick(self.group_name),
            "group_url": pick(self.group_url),
            "join_code": code,
            "rules_url": pick(self.rules_url),
            "membership_question": pick(self.membership_question),
        }


async def _changed(
    uow: UnitOfWork, person: Person, kind: str, details: dict[str, Any], at: datetime
) -> None:
    """Bump the person's version so replicas take the new snapshot, and tell the timeline."""
    person = person.changed()
    await people.save(uow.conn, person)
    await publish_snapshot(uow, person)
    await record_activity(uow, person.id, kind, details, at=at)


def _request_mail(
    uow: UnitOfWork, person: Person, settings: OnboardingSettings, code: str, key: str
) -> None:
    mail = MailRequestedV1(
        idempotency_key=key,
        template_key="onboarding_invitation",
        language=person.language,
        to_email=person.email,
        to_name=f"{person.first_name} {person.last_name}".strip(),
        contact_id=person.id,
        variables=settings.variables(person.language, code),
        origin="transactional",
        origin_id=key,
    )
    uow.publish(
        MAIL_REQUESTED.name,
        str(person.id),
        new_event(
            source=SOURCE, data=mail, subject=str(person.id), correlation_id=correlation_id.get()
        ),
    )


async def invite_in(
    uow: UnitOfWork,
    person: Person,
    *,
    settings: OnboardingSettings | None = None,
    at: datetime | None = None,
    actor: Actor | None = None,
) -> str:
    """Issue a fresh join code, mail it, and mark the person invited (inside the caller's uow)."""
    settings = settings or OnboardingSettings()
    at = at or datetime.now(UTC)
    record = await store.get(uow.conn, person.id, for_update=True) or Onboarding(person.id)
    record = record.invited(at=at)
    expires = at + timedelta(days=settings.code_valid_days)
    while True:
        code = domain.new_join_code()
        if await store.add_code(uow.conn, JoinCode(code, person.id, expires), issued_at=at):
            break
    await store.put(uow.conn, record)
    _request_mail(uow, person, settings, code, f"onboarding-invitation:{code}")
    await _changed(uow, person, "onboarding_invited", {"expires_at": expires.isoformat()}, at)
    if actor is not None:  # an automatic invitation is part of the audited membership approval
        await audit(
            uow.conn, actor, "onboarding.invited", target_type="person", target_id=str(person.id)
        )
    return code


async def invite_new_member(uow: UnitOfWork, person: Person, *, at: datetime) -> None:
    """Called when a membership becomes active: invite once, never again after a decision."""
    record = await store.get(uow.conn, person.id)
    if record is None or record.state == "not_invited":
        await invite_in(uow, person, at=at)


async def invite(
    engine: AsyncEngine,
    person_id: uuid.UUID,
    *,
    settings: OnboardingSettings,
    actor: Actor | None,
    at: datetime | None = None,
) -> str:
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        code = await invite_in(uow, person, settings=settings, at=at, actor=actor)
        await uow.commit()
    return code


async def match(
    engine: AsyncEngine, text: str, *, actor: Actor | None, at: datetime | None = None
) -> list[dict[str, Any]]:
    """Match every pasted line: a look-up only. Nothing changes until staff decide; an
    ambiguous line carries everyone it fits (`choices`) and picks nobody."""
    at = at or datetime.now(UTC)
    lines = text.splitlines()[:MAX_PASTE_LINES]
    async with engine.connect() as conn:
        wanted_codes = {c for line in lines for c in domain.codes_in(line)}
        wanted_emails = {e for line in lines for e in domain.emails_in(line)}
        found = domain.match_lines(
            lines,
            codes=await store.codes(conn, wanted_codes),
            emails=await store.people_by_email(conn, wanted_emails),
            candidates=await store.name_candidates(conn),
            now=at,
        )
        ids = {m.person_id for m in found if m.person_id}
        ids |= {c for m in found for c in m.candidates}
        about = await store.details(conn, ids)
    rows = []
    for m in found:
        row: dict[str, Any] = asdict(m)
        row["person"] = about.get(m.person_id) if m.person_id else None
        row["choices"] = [about[c] | {"id": c} for c in m.candidates if c in about]
        rows.append(row)
    return rows


# Why a decision changed nothing for a person, in words the page translates.
UNCHANGED = {
    "approved": "Already approved",
    "declined": "Already declined",
    "left": "Already marked as left the group",
}


async def decide(
    engine: AsyncEngine,
    person_ids: Sequence[uuid.UUID],
    decision: Decision,
    *,
    actor: Actor | None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Approve or decline each person; one refused transition does not stop the others.

    `report` says per person what was done or skipped and why. A person still `invited` was
    seen in the group's queue by the staff member who decides: the request is recorded first,
    so the timeline reads invited → requested → approved.
    """
    at = at or datetime.now(UTC)
    done: list[str] = []
    refused: list[str] = []
    report: list[dict[str, Any]] = []
    async with unit_of_work(engine) as uow:
        for person_id in dict.fromkeys(person_ids):
            person = await people.get(uow.conn, person_id, for_update=True)
            if person is None:
                refused.append(str(person_id))
                report.append(outcome(person_id, None, "refused", "No such person"))
                continue
            record = await store.get(uow.conn, person_id, for_update=True) or Onboarding(person_id)
            try:
                after = record.decided(decision, at=at, by=actor.id if actor else None)
            except Conflict:
                refused.append(str(person_id))
                why = domain_refusal(record.state)
                report.append(outcome(person_id, person, "refused", why))
                continue
            if after == record:
                report.append(outcome(person_id, person, "unchanged", UNCHANGED[record.state]))
            else:
                if record.state == "invited":
                    await store.put(uow.conn, record.requested(at=at))
                    await record_activity(uow, person_id, "onboarding_requested", {}, at=at)
                await store.put(uow.conn, after)
                await store.spend_codes(uow.conn, person_id, at=at)
                kind = f"onboarding_{after.state}"
                await _changed(uow, person, kind, {"by": after.decided_by}, at)
                await audit(
                    uow.conn,
                    actor,
                    f"onboarding.{decision}",
                    target_type="person",
                    target_id=str(person_id),
                )
                report.append(outcome(person_id, person, "changed", ""))
            done.append(str(person_id))
        await uow.commit()
    return {"decided": done, "refused": refused, "report": report}


async def mark_requested(
    engine: AsyncEngine,
    person_ids: Sequence[uuid.UUID],
    *,
    actor: Actor | None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Staff confirm that these invited people are in the group's queue of requests (seen
    there, not yet decided): `invited → requested`, with a per-person report."""
    at = at or datetime.now(UTC)
    done: list[str] = []
    refused: list[str] = []
    report: list[dict[str, Any]] = []
    async with unit_of_work(engine) as uow:
        for person_id in dict.fromkeys(person_ids):
            person = await people.get(uow.conn, person_id, for_update=True)
            record = await store.get(uow.conn, person_id, for_update=True)
            if person is None or record is None or record.state == "not_invited":
                refused.append(str(person_id))
                why = "No such person" if person is None else "Not invited yet"
                report.append(outcome(person_id, person, "refused", why))
                continue
            if record.state != "invited":
                report.append(outcome(person_id, person, "unchanged", "Past the request already"))
                done.append(str(person_id))
                continue
            await store.put(uow.conn, record.requested(at=at))
            await _changed(uow, person, "onboarding_requested", {}, at)
            await audit(
                uow.conn,
                actor,
                "onboarding.request",
                target_type="person",
                target_id=str(person_id),
            )
            report.append(outcome(person_id, person, "changed", ""))
            done.append(str(person_id))
        await uow.commit()
    return {"decided": done, "refused": refused, "report": report}


def domain_refusal(state: str) -> str:
    """Why a decision is refused for a person in `state` (a decision is final)."""
    return {
        "approved": "Approved already: a decision is final",
        "declined": "Declined already: a decision is final",
        "left": "Left the group: invite them again first",
    }.get(state, "Not possible in this state")


def outcome(
    person_id: uuid.UUID, person: Person | None, outcome: str, reason: str
) -> dict[str, Any]:
    name = f"{person.first_name} {person.last_name}".strip() if person else ""
    return {
        "person_id": str(person_id),
        "name": name or (person.email if person else ""),
        "outcome": outcome,
        "reason": reason,
    }


async def send_reminders(
    engine: AsyncEngine, *, settings: OnboardingSettings, now: datetime | None = None
) -> int:
    """Remind invited people silent for N days, at most M times, with their current code."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=settings.remind_after_days)
    sent = 0
    async with unit_of_work(engine) as uow:
        due = await store.invited_before(uow.conn, cutoff, at_most=settings.max_reminders)
        for person_id in due:
            record = await store.get(uow.conn, person_id, for_update=True)
            person = await people.get(uow.conn, person_id)
            if record is None or person is None:
                continue
            code = await store.current_code(uow.conn, person_id)
            if code is None or code.used_at is not None:
                continue
            record = record.reminded(at=now)
            await store.put(uow.conn, record)
            key = f"onboarding-reminder:{person_id}:{record.reminders_sent}"
            _request_mail(uow, person, settings, code.code, key)
            await record_activity(
                uow, person_id, "onboarding_reminded", {"n": record.reminders_sent}, at=now
            )
            sent += 1
        await uow.commit()
    return sent


async def funnel(engine: AsyncEngine, *, start: datetime, end: datetime) -> dict[str, Any]:
    """Counts and median hours per step for invitations in [start, end), overall and by group."""
    async with engine.connect() as conn:
        rows = await store.funnel_rows(conn, start=start, end=end)

    def grouped(index: int) -> list[dict[str, Any]]:
        keyed = [(str(r[index] or ""), r[0]) for r in rows]
        return [
            {"key": key or None, **asdict(domain.funnel_of([o for k, o in keyed if k == key]))}
            for key in sorted({k for k, _ in keyed})
        ]

    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "total": asdict(domain.funnel_of([r[0] for r in rows])),
        "by_region": grouped(1),
        "by_organisation_type": grouped(2),
    }


def reminder_loop(
    engine: AsyncEngine, settings: OnboardingSettings
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The reminders as a worker loop: a failed round is logged and tried at the next tick."""

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await send_reminders(engine, settings=settings)
                if sent:
                    log.info("onboarding reminders requested", extra={"count": sent})
            except Exception:  # the database may be away for a while; the next tick retries
                log.exception("onboarding reminders failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.reminder_interval_s)

    return loop
