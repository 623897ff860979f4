"""What surveys' Kafka handlers do, on the in-memory unit of work: a delivery outcome marks the
survey invitation it names (latest outcome wins, other origins ignored), and the materials
replica keeps the newest version of each material, listing only published ones."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from surveys.assessment.service import area_materials
from surveys.campaigns import service as campaigns
from surveys.mail_status.service import record_mail_outcome
from surveys.materials.service import replicate

from shared.events.mail import MailEventV1
from shared.events.materials import MaterialV1
from tests.unit.fakes.surveys import NOW, FakeSurveysUnitOfWork
from tests.unit.surveys.test_campaigns_use_cases import EDITOR, LINKS, campaign_in, reachable

pytestmark = pytest.mark.unit


def outcome(invitation_id: object, kind: str, minutes: int = 0, **extra: object) -> MailEventV1:
    values: dict[str, object] = {
        "delivery_id": uuid.UUID(int=minutes + 1),
        "outcome": kind,
        "occurred_at": NOW + timedelta(minutes=minutes),
        "origin": "survey_invitation",
        "origin_id": str(invitation_id),
    }
    return MailEventV1.model_validate(values | extra)


async def invited(uow: FakeSurveysUnitOfWork) -> uuid.UUID:
    campaign_id = await campaign_in(uow)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    [invitation_id] = uow.invitations.rows
    return invitation_id


async def test_a_delivery_outcome_marks_the_invitation_and_the_latest_wins() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    invitation_id = await invited(uow)
    assert await record_mail_outcome(uow, event=outcome(invitation_id, "bounced_hard", 10))
    assert uow.invitations.rows[invitation_id].mail_status == "bounced"
    late = outcome(invitation_id, "sent", 5)  # older than the bounce, arriving after it
    assert not await record_mail_outcome(uow, event=late)
    assert uow.invitations.rows[invitation_id].mail_status == "bounced"


async def test_outcomes_that_are_not_a_survey_invitations_final_one_change_nothing() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    invitation_id = await invited(uow)
    ignored = [
        outcome(invitation_id, "deferred"),
        outcome(invitation_id, "sent", origin="campaign"),
        outcome("not-an-id", "sent"),
        outcome(uuid.uuid4(), "sent"),
    ]
    for event in ignored:
        assert not await record_mail_outcome(uow, event=event)
    assert uow.invitations.rows[invitation_id].mail_status is None


def material(version: int, **extra: object) -> MaterialV1:
    values: dict[str, object] = {
        "material_id": uuid.UUID(int=7),
        "version": version,
        "kind": "guide",
        "title": {"fi": f"Opas {version}"},
        "url": "https://m.test/open",
        "page_url": "https://m.test/page",
        "competence_areas": ["devices"],
        "published": True,
        "archived": False,
    }
    return MaterialV1.model_validate(values | extra)


async def test_the_replica_keeps_the_newest_version_and_lists_only_published_materials() -> None:
    uow = FakeSurveysUnitOfWork()
    await replicate(uow, materials=[material(2)])
    await replicate(uow, materials=[material(1)])  # an older record, redelivered late
    found = await area_materials(uow, areas=["devices"], lang="fi")
    assert [link.title for link in found["devices"]] == ["Opas 2"]
    await replicate(uow, materials=[material(3, archived=True)])
    assert await area_materials(uow, areas=["devices"], lang="fi") == {"devices": []}
