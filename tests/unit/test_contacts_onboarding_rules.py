"""The rules of the onboarding use cases (invite, match, decide, request, remind, the lists'
bulk actions, leaving, the member-list import, the funnel) on the in-memory unit of work."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.memberships.domain import Membership
from contacts.onboarding.domain.onboarding import JoinCode, Onboarding
from contacts.onboarding.repository.lists import ListFilters
from contacts.onboarding.service import group_members, lists
from contacts.onboarding.service import onboarding as service
from contacts.onboarding.service.onboarding import OnboardingSettings
from contacts.people.domain.person import Person

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
STAFF = Actor(id="staff-1", role="editor")
GROUP = OnboardingSettings(remind_after_days=7, max_reminders=2)


def add_person(
    uow: FakeContactsUnitOfWork,
    first: str,
    last: str,
    *,
    member: bool = True,
    **changes: Any,
) -> Person:
    person = Person.new(
        email=f"{first.lower()}.{last.lower()}@kirjasto.example", first_name=first, last_name=last
    )
    if changes:
        from dataclasses import replace

        person = replace(person, **changes)
    uow.people.rows[person.id] = person
    if member:
        uow.memberships.rows[person.id] = Membership(
            person.id, "active", applied_at=T0 - timedelta(days=30), started_at=T0
        )
    return person


async def snapshot(uow: FakeContactsUnitOfWork, *people: Person) -> None:
    """The people's snapshots as the lists read them (region from the organisation)."""
    async with uow:
        for person in people:
            await uow.events.publish_snapshot(person)
        await uow.commit()


def mails(uow: FakeContactsUnitOfWork) -> list[Any]:
    return uow.mail_requests()


def actions(uow: FakeContactsUnitOfWork) -> list[tuple[str, str]]:
    return [(e.action, e.target_id) for e in uow.audit.entries]


# -- invite


async def test_an_invitation_issues_a_code_mails_it_and_marks_the_person_invited() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    code = await service.invite(uow, aino.id, settings=GROUP, actor=STAFF, at=T0)

    record = uow.onboarding.rows[aino.id]
    assert (record.state, record.invited_at) == ("invited", T0)
    issued = uow.onboarding.issued[code].code
    assert issued.person_id == aino.id and issued.expires_at == T0 + timedelta(days=60)
    [mail] = mails(uow)
    assert mail.template_key == "onboarding_invitation" and mail.to_email == aino.email
    assert mail.variables["join_code"] == code
    assert mail.idempotency_key == f"onboarding-invitation:{code}"
    assert uow.people.rows[aino.id].version == aino.version + 1  # replicas take the change
    assert uow.activity_kinds() == ["onboarding_invited"]
    assert actions(uow) == [("onboarding.invited", str(aino.id))]
    assert uow.commits == 1


async def test_an_invitation_of_nobody_is_refused_and_writes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    with pytest.raises(NotFound):
        await service.invite(uow, uuid.UUID(int=1), settings=GROUP, actor=STAFF, at=T0)
    assert (uow.onboarding.rows, uow.onboarding.issued, uow.published) == ({}, {}, [])


async def test_inviting_again_after_an_approval_is_refused_and_writes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    uow.onboarding.rows[aino.id] = Onboarding(aino.id, "approved", invited_at=T0)
    with pytest.raises(Exception, match="approved"):
        await service.invite(uow, aino.id, settings=GROUP, actor=STAFF, at=T0)
    assert uow.onboarding.rows[aino.id].state == "approved"
    assert (uow.onboarding.issued, uow.published, uow.audit.entries) == ({}, [], [])


async def test_a_new_member_is_invited_once_and_never_after_a_decision() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    bertil = add_person(uow, "Bertil", "Berg")
    uow.onboarding.rows[bertil.id] = Onboarding(bertil.id, "declined")
    async with uow:
        await service.invite_new_member(uow, aino, at=T0)
        await service.invite_new_member(uow, bertil, at=T0)
        await uow.commit()
    async with uow:  # a second activation (paused and resumed) invites nobody again
        await service.invite_new_member(uow, uow.people.rows[aino.id], at=T0 + timedelta(days=1))
        await uow.commit()
    assert uow.onboarding.rows[aino.id].invited_at == T0
    assert uow.onboarding.rows[bertil.id].state == "declined"
    assert [m.to_email for m in mails(uow)] == [aino.email]
    assert uow.audit.entries == []  # automatic: part of the audited membership approval


# -- match


async def test_matching_finds_by_code_email_and_name_and_changes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    bertil = add_person(uow, "Bertil", "Berg")
    cecilia = add_person(uow, "Cecilia", "Carlsson")
    code = await service.invite(uow, aino.id, settings=GROUP, actor=None, at=T0)
    published, commits = len(uow.published), uow.commits

    rows = await service.match(
        uow,
        f"Someone {code.replace('-', '')}\n{bertil.email}\nCecilia Carlsson\nNobody Known\n",
        actor=STAFF,
        at=T0 + timedelta(hours=1),
    )
    found = [(r["person_id"], r["method"]) for r in rows]
    assert found == [(aino.id, "code"), (bertil.id, "email"), (cecilia.id, "name"), (None, None)]
    assert rows[0]["person"]["onboarding_state"] == "invited"
    assert rows[3]["reason"] == "unknown"
    assert (len(uow.published), uow.commits) == (published, commits)
    assert uow.onboarding.rows[aino.id].state == "invited"


async def test_an_expired_code_is_reported_and_two_namesakes_are_never_guessed() -> None:
    uow = FakeContactsUnitOfWork()
    one = add_person(uow, "Aino", "Aalto")
    two = add_person(uow, "Aino", "Aalto", email="aino2@kirjasto.example")
    await uow.onboarding.add_code(
        JoinCode("ABC2-3DEF", one.id, T0 - timedelta(days=1)), issued_at=T0 - timedelta(days=61)
    )
    rows = await service.match(uow, "Jemand ABC2-3DEF\nAino Aalto", actor=None, at=T0)
    assert rows[0]["reason"] == "expired_code" and rows[0]["person_id"] is None
    assert rows[1]["reason"] == "ambiguous" and rows[1]["person_id"] is None
    assert {c["id"] for c in rows[1]["choices"]} == {one.id, two.id}


# -- decide and request


async def test_approving_an_invited_person_records_the_request_first_and_spends_codes() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    code = await service.invite(uow, aino.id, settings=GROUP, actor=None, at=T0)
    at = T0 + timedelta(days=2)
    result = await service.decide(uow, [aino.id], "approve", actor=STAFF, at=at)

    assert result["decided"] == [str(aino.id)] and result["refused"] == []
    assert result["report"][0]["outcome"] == "changed"
    record = uow.onboarding.rows[aino.id]
    assert (record.state, record.requested_at, record.decided_at) == ("approved", at, at)
    assert record.decided_by == STAFF.id
    assert uow.onboarding.issued[code].code.used_at == at
    assert uow.activity_kinds()[-2:] == ["onboarding_requested", "onboarding_approved"]
    assert actions(uow)[-1] == ("onboarding.approve", str(aino.id))


async def test_one_refused_decision_does_not_stop_the_others() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    bertil = add_person(uow, "Bertil", "Berg")
    cecilia = add_person(uow, "Cecilia", "Carlsson")
    uow.onboarding.rows[bertil.id] = Onboarding(bertil.id, "left")
    uow.onboarding.rows[cecilia.id] = Onboarding(cecilia.id, "approved")
    nobody = uuid.UUID(int=7)
    result = await service.decide(
        uow, [nobody, bertil.id, cecilia.id, aino.id, aino.id], "approve", actor=STAFF, at=T0
    )
    assert [(r["person_id"], r["outcome"], r["reason"]) for r in result["report"]] == [
        (str(nobody), "refused", "No such person"),
        (str(bertil.id), "refused", "Left the group: invite them again first"),
        (str(cecilia.id), "unchanged", "Already approved"),
        (str(aino.id), "changed", ""),  # once, though listed twice
    ]
    assert result["refused"] == [str(nobody), str(bertil.id)]
    assert uow.onboarding.rows[aino.id].state == "approved"
    assert uow.onboarding.rows[bertil.id].state == "left"
    assert actions(uow) == [("onboarding.approve", str(aino.id))]


async def test_a_failing_decision_keeps_nothing_of_the_others() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    bertil = add_person(uow, "Bertil", "Berg")

    async def broken(*args: Any, **kwargs: Any) -> None:
        if kwargs.get("target_id") == str(bertil.id):
            raise RuntimeError("the database went away")

    uow.audit.record = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await service.decide(uow, [aino.id, bertil.id], "decline", actor=STAFF, at=T0)
    assert uow.onboarding.rows == {} and uow.published == [] and uow.commits == 0
    assert uow.people.rows[aino.id].version == aino.version


async def test_marking_requested_moves_only_invited_people() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    bertil = add_person(uow, "Bertil", "Berg")
    cecilia = add_person(uow, "Cecilia", "Carlsson")
    await service.invite(uow, aino.id, settings=GROUP, actor=None, at=T0)
    uow.onboarding.rows[cecilia.id] = Onboarding(cecilia.id, "approved")
    at = T0 + timedelta(hours=5)
    result = await service.mark_requested(uow, [aino.id, bertil.id, cecilia.id], actor=STAFF, at=at)
    assert [(r["outcome"], r["reason"]) for r in result["report"]] == [
        ("changed", ""),
        ("refused", "Not invited yet"),
        ("unchanged", "Past the request already"),
    ]
    assert uow.onboarding.rows[aino.id].requested_at == at
    assert bertil.id not in uow.onboarding.rows
    assert actions(uow) == [("onboarding.request", str(aino.id))]


# -- reminders


async def test_reminders_go_after_the_wait_with_the_current_code_up_to_the_cap() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    gone = add_person(uow, "Bertil", "Berg", subscription_state="unsubscribed")
    code = await service.invite(uow, aino.id, settings=GROUP, actor=None, at=T0)
    await service.invite(uow, gone.id, settings=GROUP, actor=None, at=T0)

    assert await service.send_reminders(uow, settings=GROUP, now=T0 + timedelta(days=6)) == 0
    sent = [
        await service.send_reminders(uow, settings=GROUP, now=T0 + timedelta(days=d))
        for d in (7, 8, 14, 21, 40)
    ]
    assert sent == [1, 0, 1, 0, 0]  # the 2nd a week after the 1st; never a 3rd
    reminders = [m for m in mails(uow) if m.idempotency_key.startswith("onboarding-reminder")]
    assert [m.idempotency_key for m in reminders] == [
        f"onboarding-reminder:{aino.id}:1",
        f"onboarding-reminder:{aino.id}:2",
    ]
    assert {m.variables["join_code"] for m in reminders} == {code}
    assert uow.onboarding.rows[aino.id].reminders_sent == 2
    assert uow.onboarding.rows[gone.id].reminders_sent == 0


async def test_a_reminder_needs_an_unspent_code_and_the_rule_decides_under_the_lock() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    bertil = add_person(uow, "Bertil", "Berg")
    await service.invite(uow, aino.id, settings=GROUP, actor=None, at=T0)
    await service.invite(uow, bertil.id, settings=GROUP, actor=None, at=T0)
    await uow.onboarding.spend_codes(aino.id, at=T0)

    async def everyone(cutoff: datetime, *, at_most: int) -> list[uuid.UUID]:
        return list(uow.onboarding.rows)  # a stale read: not everyone is due any more

    uow.onboarding.invited_before = everyone  # type: ignore[method-assign]
    assert await service.send_reminders(uow, settings=GROUP, now=T0 + timedelta(days=1)) == 0
    assert await service.send_reminders(uow, settings=GROUP, now=T0 + timedelta(days=7)) == 1
    assert uow.onboarding.rows[aino.id].reminders_sent == 0  # its code is spent
    assert uow.onboarding.rows[bertil.id].reminders_sent == 1


# -- the lists and their bulk actions


async def test_bulk_invite_invites_members_and_says_why_it_skips_the_others() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    outsider = add_person(uow, "Bertil", "Berg", member=False)
    bounced = add_person(uow, "Cecilia", "Carlsson", email_status="bounced")
    invited = add_person(uow, "Daniel", "Dahl")
    await service.invite(uow, invited.id, settings=GROUP, actor=None, at=T0)
    ids = [aino.id, outsider.id, bounced.id, invited.id]
    result = await lists.bulk(uow, ids, "invite", actor=STAFF, settings=GROUP, at=T0)
    assert [(r["outcome"], r["reason"]) for r in result["report"]] == [
        ("changed", ""),
        ("refused", "Not a member"),
        ("refused", "The email address does not work"),
        ("unchanged", "Already invited"),
    ]
    assert result["refused"] == [str(outsider.id), str(bounced.id)]
    assert set(uow.onboarding.rows) == {aino.id, invited.id}
    assert actions(uow) == [("onboarding.invited", str(aino.id))]


async def test_bulk_remind_mails_the_code_once_a_day_and_is_audited() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    bertil = add_person(uow, "Bertil", "Berg")
    await service.invite(uow, aino.id, settings=GROUP, actor=None, at=T0)
    first = await lists.bulk(
        uow, [aino.id, bertil.id], "remind", actor=STAFF, settings=GROUP, at=T0
    )
    again = await lists.bulk(
        uow, [aino.id], "remind", actor=STAFF, settings=GROUP, at=T0 + timedelta(hours=2)
    )
    assert [(r["outcome"], r["reason"]) for r in first["report"]] == [
        ("changed", ""),
        ("refused", "Not invited yet"),
    ]
    assert again["report"][0]["reason"] == "Reminded less than a day ago"
    assert uow.onboarding.rows[aino.id].reminders_sent == 1
    assert actions(uow) == [("onboarding.reminded", str(aino.id))]
    assert uow.activity_kinds().count("onboarding_reminded") == 1


async def test_bulk_remind_refuses_an_expired_code() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    await service.invite(uow, aino.id, settings=GROUP, actor=None, at=T0)
    late = T0 + timedelta(days=61)
    result = await lists.bulk(uow, [aino.id], "remind", actor=STAFF, settings=GROUP, at=late)
    assert result["report"][0]["reason"] == "The join code has expired: invite them again"
    assert uow.onboarding.rows[aino.id].reminders_sent == 0


async def test_leaving_is_for_approved_members_only() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    bertil = add_person(uow, "Bertil", "Berg")
    cecilia = add_person(uow, "Cecilia", "Carlsson")
    uow.onboarding.rows[aino.id] = Onboarding(aino.id, "approved")
    uow.onboarding.rows[cecilia.id] = Onboarding(cecilia.id, "invited")
    result = await lists.bulk(
        uow, [aino.id, bertil.id, cecilia.id], "left", actor=STAFF, settings=GROUP, at=T0
    )
    assert [(r["outcome"], r["reason"]) for r in result["report"]] == [
        ("changed", ""),
        ("refused", "Never in the group"),
        ("refused", "Not a member of the group"),
    ]
    again = await group_members.mark_left(uow, [aino.id], actor=STAFF, at=T0)
    assert again["report"][0]["outcome"] == "unchanged"
    assert (uow.onboarding.rows[aino.id].state, uow.onboarding.rows[aino.id].left_at) == (
        "left",
        T0,
    )
    assert actions(uow) == [("onboarding.left", str(aino.id))]


async def test_the_lists_page_and_count_each_state_under_the_filters() -> None:
    uow = FakeContactsUnitOfWork()
    people = [add_person(uow, name, "Aalto") for name in ("Aino", "Bertil", "Cecilia", "Daniel")]
    await snapshot(uow, *people)
    for i, p in enumerate(people[:3]):
        await service.invite(uow, p.id, settings=GROUP, actor=None, at=T0 + timedelta(hours=i))
    await lists.bulk(uow, [people[0].id], "remind", actor=None, settings=GROUP, at=T0)

    found = await lists.people_list(uow, "invited", ListFilters(), lang="fi", page=5, per_page=2)
    assert (found["page"], found["pages"]) == (2, 2)  # past the end: the last page
    assert [r["first_name"] for r in found["rows"]] == ["Aino"]  # newest invitation first
    counts = {k: v.value for k, v in found["counts"].items()}
    assert counts == {
        "not_invited": 1,
        "invited": 3,
        "reminded": 1,
        "requested": 0,
        "approved": 0,
        "left": 0,
        "declined": 0,
    }
    nobody = await lists.people_list(
        uow, "not_invited", ListFilters(region="99"), lang="fi", page=1, per_page=2
    )
    assert nobody["rows"] == [] and nobody["pages"] == 1


# -- the member list and the funnel


async def test_a_member_list_marks_the_matched_approved_and_keeps_the_unknown() -> None:
    uow = FakeContactsUnitOfWork()
    aino = add_person(uow, "Aino", "Aalto")
    bertil = add_person(uow, "Bertil", "Berg")
    await service.invite(uow, aino.id, settings=GROUP, actor=None, at=T0)
    uow.onboarding.rows[bertil.id] = Onboarding(bertil.id, "approved")
    text = f"name,email\nAino Aalto,\n,{bertil.email}\n=Mallory,\n"
    result = await group_members.import_member_list(uow, text, actor=STAFF, at=T0)

    assert result["marked"] == 1  # Bertil was in already
    assert [m["person_id"] for m in result["matched"]] == [aino.id, bertil.id]
    assert [u["name"] for u in result["unknown"]] == ["=Mallory"]
    assert uow.onboarding.rows[aino.id].state == "approved"
    assert all(i.code.used_at == T0 for i in uow.onboarding.issued.values())
    kept = uow.onboarding.imports[result["id"]]
    assert (kept["matched"], kept["imported_by"]) == (2, STAFF.id)
    assert actions(uow)[-1] == ("onboarding.member_list_imported", str(result["id"]))
    assert uow.audit.entries[-1].details == {"rows": 3, "unknown": 1, "marked": 1}

    csv_text = (await group_members.unknown_csv(uow, result["id"])).decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("3,'=Mallory")  # defused formula


async def test_the_unknown_rows_of_no_import_are_not_found() -> None:
    with pytest.raises(NotFound):
        await group_members.unknown_csv(FakeContactsUnitOfWork(), uuid.UUID(int=3))


async def test_the_funnel_counts_invitations_of_the_period_by_region() -> None:
    uow = FakeContactsUnitOfWork()
    people = [add_person(uow, name, "Aalto") for name in ("Aino", "Bertil", "Cecilia")]
    await snapshot(uow, *people)
    for p in people:
        await service.invite(uow, p.id, settings=GROUP, actor=None, at=T0)
    await service.decide(uow, [people[0].id], "approve", actor=None, at=T0 + timedelta(hours=4))
    uow.onboarding.rows[people[2].id] = Onboarding(
        people[2].id, "invited", invited_at=T0 - timedelta(days=90)
    )
    figures = await service.funnel(uow, start=T0 - timedelta(days=1), end=T0 + timedelta(days=1))
    assert figures["total"]["invited"] == 2 and figures["total"]["approved"] == 1
    # seen in the queue only when decided: the request counts at the decision
    assert figures["total"]["median_hours_to_request"] == 4.0
    assert figures["total"]["median_hours_to_approval"] == 0.0
    assert [g["key"] for g in figures["by_region"]] == [None]
