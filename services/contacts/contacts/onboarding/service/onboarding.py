"""Onboarding into the Facebook group: invite with a join code, match pasted requests, decide,
remind, and count the funnel. Every state change republishes the person's snapshot.

The use cases take contacts' unit of work (`uow.onboarding` with the people, event and audit
repositories), so their rules run on the in-memory fake; `invite_in` and `invite_new_member`
are steps inside a unit of work the caller holds open.
"""

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

from contacts.audit.domain import Actor
from contacts.errors import Conflict, NotFound
from contacts.onboarding.domain import onboarding as domain
from contacts.onboarding.domain.onboarding import Decision, JoinCode, Onboarding
from contacts.people.domain.person import Person
from contacts.snapshots import SOURCE
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id

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
    uow: ContactsUnitOfWork, person: Person, kind: str, details: dict[str, Any], at: datetime
) -> None:
    """Bump the person's version so replicas take the new snapshot, and tell the timeline."""
    person = person.changed()
    await uow.people.save(person)
    await uow.events.publish_snapshot(person)
    await uow.events.record_activity(person.id, kind, details, at=at)


def _request_mail(
    uow: ContactsUnitOfWork, person: Person, settings: OnboardingSettings, code: str, key: str
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
    uow: ContactsUnitOfWork,
    person: Person,
    *,
    settings: OnboardingSettings | None = None,
    at: datetime | None = None,
    actor: Actor | None = None,
) -> str:
    """Issue a fresh join code, mail it, and mark the person invited (inside the caller's uow)."""
    settings = settings or OnboardingSettings()
    at = at or datetime.now(UTC)
    record = await uow.onboarding.get(person.id, for_update=True) or Onboarding(person.id)
    record = record.invited(at=at)
    expires = at + timedelta(days=settings.code_valid_days)
    while True:
        code = domain.new_join_code()
        if await uow.onboarding.add_code(JoinCode(code, person.id, expires), issued_at=at):
            break
    await uow.onboarding.put(record)
    _request_mail(uow, person, settings, code, f"onboarding-invitation:{code}")
    await _changed(uow, person, "onboarding_invited", {"expires_at": expires.isoformat()}, at)
    if actor is not None:  # an automatic invitation is part of the audited membership approval
        await uow.audit.record(
            actor, "onboarding.invited", target_type="person", target_id=str(person.id)
        )
    return code


async def invite_new_member(uow: ContactsUnitOfWork, person: Person, *, at: datetime) -> None:
    """Called when a membership becomes active: invite once, never again after a decision."""
    record = await uow.onboarding.get(person.id)
    if record is None or record.state == "not_invited":
        await invite_in(uow, person, at=at)


async def invite(
    uow: ContactsUnitOfWork,
    person_id: uuid.UUID,
    *,
    settings: OnboardingSettings,
    actor: Actor | None,
    at: datetime | None = None,
) -> str:
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        code = await invite_in(uow, person, settings=settings, at=at, actor=actor)
        await uow.commit()
    return code


async def match_in(
    uow: ContactsUnitOfWork, lines: Sequence[str], *, at: datetime
) -> list[domain.LineMatch]:
    """The matcher over what the registry knows (inside the caller's unit of work)."""
    return domain.match_lines(
        lines,
        codes=await uow.onboarding.codes({c for line in lines for c in domain.codes_in(line)}),
        emails=await uow.onboarding.people_by_email(
            {e for line in lines for e in domain.emails_in(line)}
        ),
        candidates=await uow.onboarding.name_candidates(),
        now=at,
    )


async def match(
    uow: ContactsUnitOfWork, text: str, *, actor: Actor | None, at: datetime | None = None
) -> list[dict[str, Any]]:
    """Match every pasted line: a look-up only. Nothing changes until staff decide; an
    ambiguous line carries everyone it fits (`choices`) and picks nobody."""
    at = at or datetime.now(UTC)
    lines = text.splitlines()[:MAX_PASTE_LINES]
    async with uow:
        found = await match_in(uow, lines, at=at)
        ids = {m.person_id for m in found if m.person_id}
        ids |= {c for m in found for c in m.candidates}
        about = await uow.onboarding.details(ids)
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
    uow: ContactsUnitOfWork,
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
    async with uow:
        for person_id in dict.fromkeys(person_ids):
            person = await uow.people.get(person_id, for_update=True)
            if person is None:
                refused.append(str(person_id))
                report.append(outcome(person_id, None, "refused", "No such person"))
                continue
            record = await uow.onboarding.get(person_id, for_update=True) or Onboarding(person_id)
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
                    await uow.onboarding.put(record.requested(at=at))
                    await uow.events.record_activity(person_id, "onboarding_requested", {}, at=at)
                await uow.onboarding.put(after)
                await uow.onboarding.spend_codes(person_id, at=at)
                kind = f"onboarding_{after.state}"
                await _changed(uow, person, kind, {"by": after.decided_by}, at)
                await uow.audit.record(
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
    uow: ContactsUnitOfWork,
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
    async with uow:
        for person_id in dict.fromkeys(person_ids):
            person = await uow.people.get(person_id, for_update=True)
            record = await uow.onboarding.get(person_id, for_update=True)
            if person is None or record is None or record.state == "not_invited":
                refused.append(str(person_id))
                why = "No such person" if person is None else "Not invited yet"
                report.append(outcome(person_id, person, "refused", why))
                continue
            if record.state != "invited":
                report.append(outcome(person_id, person, "unchanged", "Past the request already"))
                done.append(str(person_id))
                continue
            await uow.onboarding.put(record.requested(at=at))
            await _changed(uow, person, "onboarding_requested", {}, at)
            await uow.audit.record(
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


async def remind_in(
    uow: ContactsUnitOfWork,
    person: Person,
    record: Onboarding,
    code: JoinCode,
    *,
    settings: OnboardingSettings,
    at: datetime,
) -> Onboarding:
    """Mail the person their current join code again (inside the caller's unit of work)."""
    record = record.reminded(at=at)
    await uow.onboarding.put(record)
    key = f"onboarding-reminder:{person.id}:{record.reminders_sent}"
    _request_mail(uow, person, settings, code.code, key)
    await uow.events.record_activity(
        person.id, "onboarding_reminded", {"n": record.reminders_sent}, at=at
    )
    return record


async def send_reminders(
    uow: ContactsUnitOfWork, *, settings: OnboardingSettings, now: datetime | None = None
) -> int:
    """Remind invited people silent for N days, at most M times, with their current code.

    The repository narrows the candidates; the rule (`Onboarding.due_for_reminder`) decides
    on each row under its lock, so a round running at the same time never reminds twice."""
    now = now or datetime.now(UTC)
    after = timedelta(days=settings.remind_after_days)
    sent = 0
    async with uow:
        due = await uow.onboarding.invited_before(now - after, at_most=settings.max_reminders)
        for person_id in due:
            record = await uow.onboarding.get(person_id, for_update=True)
            person = await uow.people.get(person_id)
            if record is None or person is None:
                continue
            if not record.due_for_reminder(now=now, after=after, at_most=settings.max_reminders):
                continue
            code = await uow.onboarding.current_code(person_id)
            if code is None or code.used_at is not None:
                continue
            await remind_in(uow, person, record, code, settings=settings, at=now)
            sent += 1
        await uow.commit()
    return sent


async def funnel(uow: ContactsUnitOfWork, *, start: datetime, end: datetime) -> dict[str, Any]:
    """Counts and median hours per step for invitations in [start, end), overall and by group."""
    async with uow:
        rows = await uow.onboarding.funnel_rows(start=start, end=end)

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
    new_uow: Callable[[], ContactsUnitOfWork], settings: OnboardingSettings
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The reminders as a worker loop: a failed round is logged and tried at the next tick.
    `new_uow` gives a fresh unit of work per round (the worker builds the SQL one)."""

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await send_reminders(new_uow(), settings=settings)
                if sent:
                    log.info("onboarding reminders requested", extra={"count": sent})
            except Exception:  # the database may be away for a while; the next tick retries
                log.exception("onboarding reminders failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.reminder_interval_s)

    return loop
