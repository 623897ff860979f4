"""Self-assessment use cases on the in-memory unit of work: staff build and publish a test
(audited; the mode fixed once taken), respondents take it anonymously (counted at once, no
person kept) or identified (mailed, counted and published only once the mailed link is opened),
and retake it from their result link."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from surveys.assessment import service
from surveys.assessment.defaults import default_definition
from surveys.assessment.domain import Definition, DefinitionError
from surveys.assessment.repository import KnownContact
from surveys.assessment.service import Actor, Answers, LinkGone
from surveys.errors import Conflict, InvalidInput, NotFound

from shared.events.topics import MAIL_REQUESTED, STAFF_AUDIT, SURVEY_ASSESSMENTS
from shared.tokens import TokenKeys
from tests.unit.fakes.surveys import NOW, FakeSurveysUnitOfWork

pytestmark = pytest.mark.unit

EDITOR = Actor(id="staff-1", role="editor")
KEYS = TokenKeys.single("unit-test-secret")
BASE = "https://kysely.test"


def choices(points: dict[str, int] | None = None) -> dict[str, str]:
    """Every default question answered with the choice worth `points[area]` (0 if not given)."""
    d = Definition.parse(default_definition())
    return {q.id: f"c{(points or {}).get(q.area, 0)}" for q in d.questions}


async def published(uow: FakeSurveysUnitOfWork, mode: str = "anonymous") -> str:
    """A published test's public token."""
    assessment_id = await service.create_assessment(uow, actor=EDITOR, mode=mode)
    await service.save_assessment(
        uow,
        assessment_id,
        definition=default_definition(),
        mode=mode,
        published=True,
        actor=EDITOR,
    )
    return service.public_token(KEYS, assessment_id)


async def take(uow: FakeSurveysUnitOfWork, token: str, **background: str) -> service.Outcome:
    return await service.submit(
        uow,
        keys=KEYS,
        token=token,
        answers=Answers(choices=choices(), **background),
        lang="fi",
        base_url=BASE,
        now=NOW,
    )


def topic(uow: FakeSurveysUnitOfWork, name: str) -> list[dict[str, Any]]:
    return [e.data or {} for t, _, e in uow.published if t == name]


async def test_a_new_test_is_unpublished_with_the_default_areas_and_audited() -> None:
    uow = FakeSurveysUnitOfWork()
    assessment_id = await service.create_assessment(uow, actor=EDITOR)
    loaded = await service.load(uow, assessment_id=assessment_id)
    assert loaded.stored.published is False and loaded.stored.mode == "anonymous"
    assert len(loaded.definition.areas) == 5
    assert [a["action"] for a in topic(uow, STAFF_AUDIT.name)] == ["assessment.created"]
    with pytest.raises(InvalidInput):
        await service.create_assessment(uow, actor=EDITOR, mode="secret")
    assert len(uow.assessments.rows) == 1
    with pytest.raises(NotFound):
        await service.load(uow, assessment_id=uuid.uuid4())


async def test_saving_bumps_the_version_and_is_audited() -> None:
    uow = FakeSurveysUnitOfWork()
    assessment_id = await service.create_assessment(uow, actor=EDITOR)
    version = await service.save_assessment(
        uow,
        assessment_id,
        definition=default_definition(),
        mode="identified",
        published=True,
        actor=EDITOR,
    )
    assert version == 2
    changed = topic(uow, STAFF_AUDIT.name)[-1]
    assert changed["action"] == "assessment.changed"
    assert changed["details"] == {"version": 2, "mode": "identified", "published": True}
    with pytest.raises(NotFound):
        await service.save_assessment(
            uow, uuid.uuid4(), definition=default_definition(), mode="anonymous",
            published=False, actor=EDITOR,
        )  # fmt: skip
    with pytest.raises(DefinitionError):
        await service.save_assessment(
            uow, assessment_id, definition={"areas": []}, mode="anonymous",
            published=False, actor=EDITOR,
        )  # fmt: skip
    assert len(topic(uow, STAFF_AUDIT.name)) == 2  # refusals audit nothing


async def test_the_mode_cannot_change_once_the_test_has_been_taken() -> None:
    uow = FakeSurveysUnitOfWork()
    token = await published(uow)
    await take(uow, token)
    audited = len(topic(uow, STAFF_AUDIT.name))
    [assessment_id] = uow.assessments.rows
    with pytest.raises(Conflict):
        await service.save_assessment(
            uow, assessment_id, definition=default_definition(), mode="identified",
            published=True, actor=EDITOR,
        )  # fmt: skip
    assert uow.assessments.rows[assessment_id].mode == "anonymous"
    assert len(topic(uow, STAFF_AUDIT.name)) == audited


async def test_a_forged_or_unpublished_link_is_gone() -> None:
    uow = FakeSurveysUnitOfWork()
    assessment_id = await service.create_assessment(uow, actor=EDITOR)
    with pytest.raises(LinkGone):
        await service.open_test(uow, keys=KEYS, token=service.public_token(KEYS, assessment_id))
    with pytest.raises(LinkGone):
        await service.open_test(uow, keys=KEYS, token="forged")
    other = TokenKeys.single("another-secret")
    token = await published(uow)
    assert (await service.open_test(uow, keys=KEYS, token=token)).stored.published
    with pytest.raises(LinkGone):
        await service.open_test(uow, keys=other, token=token)


async def test_an_anonymous_attempt_counts_at_once_and_keeps_no_person() -> None:
    uow = FakeSurveysUnitOfWork()
    token = await published(uow)
    before = len(uow.published)
    outcome = await take(uow, token, region="01", email="aino@example.org")
    assert outcome.errors == {} and outcome.token and not outcome.mailed
    [attempt] = uow.assessments.attempts.values()
    assert attempt.taker_id is None and attempt.confirmed_at == NOW
    assert attempt.region == "01"
    assert uow.assessments.takers == {}
    assert len(uow.published) == before  # no mail, no result event
    view = await service.open_result(uow, token=outcome.token, now=NOW)
    assert view.attempt.id == attempt.id and view.history == []
    assert not topic(uow, SURVEY_ASSESSMENTS.name)


async def test_an_unanswered_question_or_unknown_region_stores_nothing() -> None:
    uow = FakeSurveysUnitOfWork()
    token = await published(uow)
    partial = dict(list(choices().items())[1:])
    outcome = await service.submit(
        uow, keys=KEYS, token=token, answers=Answers(choices=partial, region="99"),
        lang="fi", base_url=BASE, now=NOW,
    )  # fmt: skip
    assert "region" in outcome.errors and any(k.startswith("q_") for k in outcome.errors)
    assert uow.assessments.attempts == {}


async def test_an_identified_attempt_is_mailed_and_published_only_once_its_link_is_opened() -> None:
    uow = FakeSurveysUnitOfWork()
    token = await published(uow, mode="identified")
    refused = await take(uow, token)
    assert "email" in refused.errors and uow.assessments.attempts == {}
    contact = KnownContact(uuid.uuid4(), region="19", organisation_type="library")
    uow.assessments.contacts["aino@example.org"] = contact
    uow.materials.rows.append(
        {"material_id": uuid.uuid4(), "title": {"fi": "Turvaopas"}, "url": "https://m.test/1",
         "areas": ["digital_security", "e_services", "devices", "guidance", "data_protection"]}
    )  # fmt: skip
    outcome = await take(uow, token, email="Aino@Example.org", region="01")
    assert outcome.mailed
    [mail] = topic(uow, MAIL_REQUESTED.name)
    assert mail["to_email"] == "Aino@Example.org"
    assert mail["variables"]["result_url"] == f"{BASE}/s/assessment/r/{outcome.token}"
    linked = [m["title"] for a in mail["variables"]["areas"] for m in a["materials"]]
    assert linked and set(linked) == {"Turvaopas"}  # the weakest areas' materials
    [attempt] = uow.assessments.attempts.values()
    assert attempt.confirmed_at is None
    assert attempt.region == "19"  # the register knows better than the form
    assert not topic(uow, SURVEY_ASSESSMENTS.name)
    await service.open_result(uow, token=outcome.token, now=NOW + timedelta(hours=1))
    await service.open_result(uow, token=outcome.token, now=NOW + timedelta(hours=2))
    [event] = topic(uow, SURVEY_ASSESSMENTS.name)
    assert event["contact_id"] == str(contact.contact_id)
    assert uow.assessments.attempts[attempt.id].confirmed_at == NOW + timedelta(hours=1)


async def test_a_retake_is_compared_with_the_earlier_attempt_and_counts_at_once() -> None:
    uow = FakeSurveysUnitOfWork()
    token = await published(uow, mode="identified")
    first = await take(uow, token, email="aino@example.org")
    retaken = await service.retake(
        uow, token=first.token, answers=Answers(choices=choices({"digital_security": 3})),
        lang="fi", base_url=BASE, now=NOW + timedelta(days=30),
    )  # fmt: skip
    assert retaken.errors == {} and retaken.mailed
    new = uow.assessments.attempts[retaken.attempt_id or uuid.uuid4()]
    assert new.previous_id == first.attempt_id and new.confirmed_at is not None
    assert len(topic(uow, SURVEY_ASSESSMENTS.name)) == 2  # the earlier one confirmed too
    view = await service.open_result(uow, token=retaken.token, now=NOW + timedelta(days=31))
    assert view.previous is not None and len(view.history) == 1
    with pytest.raises(LinkGone):
        await service.retake(
            uow, token="unknown", answers=Answers(choices=choices()), lang="fi",
            base_url=BASE,
        )  # fmt: skip


async def test_figures_count_the_latest_attempts_and_take_region_or_type_only() -> None:
    uow = FakeSurveysUnitOfWork()
    token = await published(uow)
    for _ in range(5):
        await take(uow, token, region="01")
    await take(uow, token, region="19")
    [assessment_id] = uow.assessments.rows
    found = await service.figures(uow, assessment_id=assessment_id, by="region")
    aggregates = found["aggregates"]
    assert [g.group for g in aggregates.groups] == ["01"]
    assert aggregates.hidden_groups == 1
    with pytest.raises(InvalidInput):
        await service.figures(uow, assessment_id=assessment_id, by="email")
    [(listed)] = await service.listing(uow)
    assert listed["attempts"] == 6
