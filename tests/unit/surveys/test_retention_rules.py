"""Surveys' retention on the in-memory unit of work: only campaigns closed before the cut-off
lose their invitations, drafts and public-link slots; a dry run lists the same and changes
nothing; a real run is audited once with counts only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from surveys.campaigns import service as campaigns
from surveys.retention.service import retire_expired

from shared.events.topics import STAFF_AUDIT
from tests.unit.fakes.surveys import NOW, WEEK, FakeSurveysUnitOfWork
from tests.unit.surveys.test_campaigns_use_cases import EDITOR, LINKS, campaign_in, reachable

pytestmark = pytest.mark.unit


async def two_campaigns(uow: FakeSurveysUnitOfWork) -> tuple[Any, Any]:
    """One closing after four weeks, one after eight; both launched, with slots and drafts."""
    old = await campaign_in(uow)
    new = await campaign_in(uow)
    uow.campaigns.rows[new] = replace(uow.campaigns.rows[new], closes_at=NOW + 8 * WEEK)
    for campaign_id in (old, new):
        await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
        await uow.open_slots.add(
            key=campaign_id.bytes, campaign_id=campaign_id, started_on=date(2026, 3, 2)
        )
        uow.retention.drafts[campaign_id.bytes[:8]] = campaign_id
    return old, new


def audits(uow: FakeSurveysUnitOfWork) -> list[dict[str, Any]]:
    return [
        e.data or {}
        for t, _, e in uow.published
        if t == STAFF_AUDIT.name and (e.data or {}).get("action") == "retention.run"
    ]


async def test_a_dry_run_lists_what_would_go_and_changes_nothing() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01") for _ in range(2)])
    old, _ = await two_campaigns(uow)
    cut = NOW + 6 * WEEK
    report = await retire_expired(uow, closed_before=cut, dry_run=True)
    assert report.dry_run and report.counts() == {
        "invitations": 2,
        "drafts": 1,
        "open_respondents": 1,
    }
    assert {uow.invitations.rows[i].campaign_id for i in report.invitation_ids} == {old}
    assert len(uow.invitations.rows) == 4 and len(uow.open_slots.rows) == 2
    assert audits(uow) == []


async def test_a_real_run_removes_only_expired_campaigns_rows_and_is_audited_once() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01") for _ in range(2)])
    old, new = await two_campaigns(uow)
    next(i for i in uow.invitations.rows.values() if i.campaign_id == old).answered = True
    cut = NOW + 6 * WEEK
    dry = await retire_expired(uow, closed_before=cut, dry_run=True)
    real = await retire_expired(uow, closed_before=cut, dry_run=False)
    assert sorted(real.invitation_ids) == sorted(dry.invitation_ids)
    assert real.counts() == dry.counts()
    assert {i.campaign_id for i in uow.invitations.rows.values()} == {new}
    assert set(uow.retention.drafts.values()) == {new}
    assert [c for c, _ in uow.open_slots.rows.values()] == [new]
    assert uow.retention.kept[old] == {"invited": 2, "answered": 1}  # figures kept
    [audit] = audits(uow)
    assert audit["details"] == {
        "invitations": 2,
        "drafts": 1,
        "open_respondents": 1,
        "closed_before": cut.isoformat(),
    }
    again = await retire_expired(uow, closed_before=cut, dry_run=False)
    assert again.counts() == {"invitations": 0, "drafts": 0, "open_respondents": 0}
    assert len(audits(uow)) == 2  # each real run says it ran


async def test_nothing_goes_before_the_campaign_has_closed() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    await two_campaigns(uow)
    report = await retire_expired(uow, closed_before=NOW + timedelta(days=1), dry_run=False)
    assert report.counts() == {"invitations": 0, "drafts": 0, "open_respondents": 0}
    assert len(uow.invitations.rows) == 2
