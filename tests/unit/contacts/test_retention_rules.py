"""Contacts' retention job on the in-memory unit of work: the dry run lists exactly what the
real run removes and changes nothing; the real run erases only leftover pending people (with a
tombstone and an audit entry each), removes the rest and audits the counts once."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from contacts.enquiries.domain import Enquiry, EnquiryForm
from contacts.people.domain.person import Person
from contacts.retention import service
from contacts.settings import ContactsSettings

from tests.unit.fakes.contacts import FakeContactsUnitOfWork
from tests.unit.fakes.contacts_retention import FakeJob, FakeSignup

NOW = datetime(2026, 6, 1, 3, tzinfo=UTC)
SETTINGS = ContactsSettings(environment="development")
OLD = NOW - timedelta(days=SETTINGS.retention_unconfirmed_signup_days + 1)
LATE_JOB = NOW - timedelta(days=SETTINGS.retention_job_days + 1)


def person(name: str, **changes: object) -> Person:
    return replace(Person.new(email=f"{name}@example.fi", first_name=name), **changes)  # type: ignore[arg-type]


def sid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


async def filled() -> tuple[FakeContactsUnitOfWork, dict[str, Person]]:
    uow = FakeContactsUnitOfWork()
    people = {
        "leftover": person("leftover"),
        "linked": person("linked"),
        "confirmed": person("confirmed", confirmed_at=OLD, subscription_state="subscribed"),
        "recent": person("recent"),
        "twice": person("twice"),
    }
    for p in people.values():
        await uow.people.add(p)
    kept = uow.retention
    kept.signups = {
        sid(1): FakeSignup(people["leftover"].id, OLD),
        sid(2): FakeSignup(people["linked"].id, OLD),
        sid(3): FakeSignup(people["confirmed"].id, OLD),
        sid(4): FakeSignup(people["recent"].id, NOW - timedelta(hours=1)),
        sid(5): FakeSignup(people["twice"].id, OLD),
        sid(6): FakeSignup(people["twice"].id, NOW - timedelta(hours=2)),
        sid(7): FakeSignup(people["confirmed"].id, OLD, confirmed=True),
    }
    kept.referred = {people["linked"].id}
    kept.jobs = {
        sid(10): FakeJob("done", LATE_JOB, items=3),
        sid(11): FakeJob("running", LATE_JOB, items=5),
        sid(12): FakeJob("failed", NOW, items=1),
    }
    kept.uploads = {sid(20): NOW - timedelta(days=2), sid(21): NOW - timedelta(hours=1)}
    form = EnquiryForm("Aino", "aino@example.fi", "", "question", "Hei", "fi")
    months = SETTINGS.retention_closed_enquiry_months
    for n, state, closed_at in (
        (30, "closed", NOW - timedelta(days=31 * months + 1)),
        (31, "closed", NOW - timedelta(days=1)),
        (32, "open", None),
    ):
        enquiry = Enquiry(sid(n), form, NOW - timedelta(days=999), state, closed_at)  # type: ignore[arg-type]
        await uow.enquiries.add(enquiry)
    await uow.commit()
    return uow, people


async def test_the_dry_run_lists_what_is_due_and_changes_nothing() -> None:
    uow, people = await filled()
    published, commits = len(uow.published), uow.commits
    report = await service.run_retention(uow, SETTINGS, dry_run=True, now=NOW)
    assert report.dry_run
    assert report.signup_ids == [sid(1), sid(2), sid(3), sid(5)]
    assert report.person_ids == [people["leftover"].id]
    assert (report.job_ids, report.job_item_count) == ([sid(10)], 3)
    assert report.upload_ids == [sid(20)] and report.enquiry_ids == [sid(30)]
    assert report.counts() == {
        "unconfirmed_signups": 4,
        "pending_people": 1,
        "jobs": 1,
        "job_items": 3,
        "import_uploads": 1,
        "closed_enquiries": 1,
    }
    assert f"person {people['leftover'].id}" in report.listed()
    assert len(uow.retention.signups) == 7 and len(uow.people.rows) == 5
    assert sid(30) in uow.enquiries.rows
    assert (len(uow.published), uow.commits, uow.audit.entries) == (published, commits, [])


async def test_the_real_run_removes_what_the_dry_run_listed_and_audits_once() -> None:
    uow, people = await filled()
    dry = await service.run_retention(uow, SETTINGS, dry_run=True, now=NOW)
    real = await service.run_retention(uow, SETTINGS, dry_run=False, now=NOW)
    assert real.listed() == dry.listed() and not real.dry_run
    leftover = people["leftover"].id
    assert leftover not in uow.people.rows
    assert set(uow.people.rows) == {p.id for k, p in people.items() if k != "leftover"}
    assert sorted(uow.retention.signups) == [sid(4), sid(6), sid(7)]
    assert sorted(uow.retention.jobs) == [sid(11), sid(12)]
    assert list(uow.retention.uploads) == [sid(21)]
    assert sorted(uow.enquiries.rows) == [sid(31), sid(32)]
    assert [t.subject for t in uow.tombstones()] == [str(leftover)]
    erased, run = uow.audit.entries
    assert (erased.actor, erased.action, erased.target_id) == (
        service.RETENTION,
        "person.erased",
        str(leftover),
    )
    assert erased.details == {"erased_by": "system:retention", "path": "retention"}
    assert (run.actor and run.actor.id, run.action, run.target_id) == (
        "system:retention",
        "retention.run",
        "contacts",
    )
    assert {k: run.details[k] for k in real.counts()} == real.counts()
    assert run.details["cutoff"] == real.cutoff.isoformat()
    again = await service.run_retention(uow, SETTINGS, dry_run=True, now=NOW)
    assert again.listed() == []


async def test_inactive_people_are_only_listed_never_removed() -> None:
    uow = FakeContactsUnitOfWork()
    long_ago = NOW - timedelta(days=365 * SETTINGS.retention_inactive_review_years + 10)
    idle = person("idle", created_at=long_ago)
    engaged = person("engaged", created_at=long_ago, last_engaged_on=date(2026, 5, 1))
    new = person("new", created_at=NOW)
    for p in (idle, engaged, new):
        await uow.people.add(p)
    found = await service.inactive_people(uow, SETTINGS, now=NOW, limit=10)
    assert [row["id"] for row in found] == [idle.id]
    assert len(uow.people.rows) == 3 and uow.published == [] and uow.audit.entries == []
