"""In-memory fakes of surveys' unit of work and repositories.

Repositories hold dicts; the audience of a campaign is computed with the Python rule evaluator
(`shared.segments.evaluate`, proved equal to the SQL compiler by the property test) over fake
contact rows. Events published in the unit of work reach `published` only on commit, as the
outbox does.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from surveys.builder.domain.saved import SavedSurvey
from surveys.campaigns.domain import Campaign, SegmentChoice
from surveys.invitations.domain import REACHABLE, Invitee, hash_nonce
from surveys.open_link.domain import Slot
from surveys.responding.domain import Draft, NewResponse, SubmittedResponse

from shared.collation import sort_key
from shared.segments import evaluate
from tests.unit.fakes.outbox import FakeOutbox
from tests.unit.fakes.surveys_assessment import FakeAssessmentRepository, FakeMaterialsRepository
from tests.unit.fakes.surveys_campaigns import FakeCampaignFigures
from tests.unit.fakes.surveys_erasure import FakeErasure
from tests.unit.fakes.surveys_event_feedback import FakeEventFeedbackRepository
from tests.unit.fakes.surveys_mail_status import FakeMailStatusRepository
from tests.unit.fakes.surveys_results import FakeResultsRepository
from tests.unit.fakes.surveys_retention import FakeRetentionRepository

UNREACHABLE = ("bounced", "complained")  # an invitation's own mail status


class FakeSurveyRepository:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, SavedSurvey] = {}

    async def add(self, survey: SavedSurvey) -> None:
        self.rows[survey.id] = survey

    async def get(self, survey_id: uuid.UUID, *, for_update: bool = False) -> SavedSurvey | None:
        return self.rows.get(survey_id)

    async def update(self, survey: SavedSurvey) -> None:
        assert survey.id in self.rows
        self.rows[survey.id] = survey

    async def listing(self) -> list[dict[str, Any]]:
        return [{"id": s.id, "title": s.title, "version": s.version} for s in self.rows.values()]


class FakeCampaignRepository:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Campaign] = {}

    async def add(self, campaign: Campaign) -> None:
        self.rows[campaign.id] = campaign

    async def get(self, campaign_id: uuid.UUID, *, for_update: bool = False) -> Campaign | None:
        return self.rows.get(campaign_id)

    async def save_launch(self, campaign: Campaign) -> None:
        self.rows[campaign.id] = campaign

    async def save_changes(self, campaign: Campaign) -> None:
        self.rows[campaign.id] = campaign

    async def due_for_reminders(self, now: datetime) -> list[uuid.UUID]:
        return [
            c.id
            for c in self.rows.values()
            if c.launched_at is not None and c.state(now) == "open" and c.max_reminders > 0
        ]


@dataclass
class FakeInvitation:
    """The invitation row as the response page reads it."""

    invitee: Invitee
    campaign_id: uuid.UUID
    last_mailed_at: datetime
    organisation_type: str | None = None
    region: str | None = None
    reminders_sent: int = 0
    answered: bool = False
    mail_status: str | None = None
    reminder_token_hashes: list[bytes] = field(default_factory=list)

    @property
    def id(self) -> uuid.UUID:
        return self.invitee.id

    @property
    def contact_id(self) -> uuid.UUID:
        return self.invitee.contact_id

    @property
    def language(self) -> str:
        return self.invitee.language

    @property
    def token_hash(self) -> bytes:
        return hash_nonce(self.invitee.nonce)


@dataclass
class FakeInvitationRepository:
    """`people` are contact replica rows (the columns of `contact_snapshot`)."""

    people: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[uuid.UUID, FakeInvitation] = field(default_factory=dict)

    async def invite_audience(self, campaign: Campaign, now: datetime) -> list[Invitee]:
        invited = {i.invitee.contact_id for i in self.rows.values() if i.campaign_id == campaign.id}
        found = []
        for person in self.people:
            if person["contact_id"] in invited:
                continue
            if not evaluate({"all": [campaign.audience, REACHABLE]}, person, now):
                continue
            invitee = _invitee(person)
            self.rows[invitee.id] = FakeInvitation(
                invitee,
                campaign.id,
                last_mailed_at=now,
                organisation_type=None if campaign.anonymous else person["organisation_type"],
                region=None if campaign.anonymous else person["region"],
            )
            found.append(invitee)
        return found

    async def claim_reminders(
        self,
        campaign: Campaign,
        now: datetime,
        *,
        limit: int,
        manual_gap: timedelta | None = None,
    ) -> list[Invitee]:
        due = []
        for inv in self.rows.values():
            if len(due) == limit:
                break
            if manual_gap is not None:
                scheduled = inv.last_mailed_at <= now - manual_gap
            else:
                scheduled = (
                    inv.reminders_sent < campaign.max_reminders
                    and inv.last_mailed_at <= now - campaign.reminder_interval
                )
            if (
                inv.campaign_id == campaign.id
                and not inv.answered
                and scheduled
                and inv.mail_status not in UNREACHABLE
                and evaluate(REACHABLE, self._person(inv.invitee.contact_id), now)
            ):
                inv.reminders_sent += 1
                inv.last_mailed_at = now
                reminder = replace(
                    inv.invitee, nonce=secrets.token_hex(32), reminders_sent=inv.reminders_sent
                )
                inv.reminder_token_hashes.append(hash_nonce(reminder.nonce))
                due.append(reminder)
        return due

    async def get(self, invitation_id: uuid.UUID, *, for_update: bool = False) -> Any:
        return self.rows.get(invitation_id)

    async def by_link(self, token_hash: bytes, *, for_update: bool = False) -> Any:
        for inv in self.rows.values():
            if token_hash == inv.token_hash or token_hash in inv.reminder_token_hashes:
                return inv
        return None

    async def mark_answered(self, invitation_id: uuid.UUID) -> bool:
        invitation = self.rows[invitation_id]
        first, invitation.answered = not invitation.answered, True
        return first

    async def feedback_answered(self, campaign_id: uuid.UUID) -> None:
        """No event feedback campaigns in the fake (tests/integration covers them)."""
        return None

    def _person(self, contact_id: uuid.UUID) -> dict[str, Any]:
        return next(p for p in self.people if p["contact_id"] == contact_id)


def _invitee(person: dict[str, Any]) -> Invitee:
    return Invitee(
        id=uuid.uuid4(),
        nonce=secrets.token_hex(32),  # the opaque link token, as PostgreSQL draws it
        contact_id=person["contact_id"],
        email=person["email"],
        first_name=person.get("first_name"),
        last_name=person.get("last_name"),
        language=person.get("language") or "fi",
    )


class FakeResponseRepository:
    def __init__(self) -> None:
        self.drafts: dict[bytes, Draft] = {}
        self.rows: dict[uuid.UUID, NewResponse] = {}

    async def draft(self, key: bytes) -> Draft | None:
        return self.drafts.get(key)

    async def save_draft(
        self, *, key: bytes, campaign_id: uuid.UUID, answers: dict[str, Any], page: int
    ) -> None:
        self.drafts[key] = Draft(answers=answers, page=page)

    async def delete_draft(self, key: bytes) -> None:
        self.drafts.pop(key, None)

    async def add(self, response: NewResponse) -> None:
        self.rows[response.id] = response

    async def of_invitation(self, invitation_id: uuid.UUID) -> SubmittedResponse | None:
        for r in self.rows.values():
            if r.invitation_id == invitation_id:
                return SubmittedResponse(id=r.id, answers=r.answers)
        return None

    async def replace_answers(self, response_id: uuid.UUID, answers: dict[str, Any]) -> None:
        self.rows[response_id] = replace(self.rows[response_id], answers=answers)


class FakeOpenSlotRepository:
    def __init__(self) -> None:
        self.rows: dict[bytes, tuple[uuid.UUID, date]] = {}  # key: (campaign id, started on)
        self.answered: set[bytes] = set()
        self.kept_answered: dict[uuid.UUID, int] = {}  # retention's tally, as the test sets it

    async def add(self, *, key: bytes, campaign_id: uuid.UUID, started_on: date) -> None:
        self.rows[key] = (campaign_id, started_on)

    async def get(
        self, campaign_id: uuid.UUID, key: bytes, *, for_update: bool = False
    ) -> Slot | None:
        if self.rows.get(key, (None,))[0] != campaign_id:
            return None
        return Slot(key, key in self.answered)

    async def mark_answered(self, key: bytes) -> bool:
        first = key not in self.answered
        self.answered.add(key)
        return first

    async def answered_count(self, campaign_id: uuid.UUID) -> int:
        here = sum(self.rows[key][0] == campaign_id for key in self.answered if key in self.rows)
        return here + self.kept_answered.get(campaign_id, 0)


class FakeBallotRepository:
    """The box as a list (arrival order, as a heap would keep it): (id, campaign id, sealed)."""

    def __init__(self) -> None:
        self.rows: list[tuple[uuid.UUID, uuid.UUID, bytes]] = []

    async def add(self, *, campaign_id: uuid.UUID, sealed: bytes) -> None:
        self.rows.append((uuid.uuid4(), campaign_id, sealed))

    async def waiting(self) -> dict[uuid.UUID, int]:
        counts: dict[uuid.UUID, int] = {}
        for _, campaign_id, _ in self.rows:
            counts[campaign_id] = counts.get(campaign_id, 0) + 1
        return counts

    async def of_campaign(self, campaign_id: uuid.UUID) -> list[uuid.UUID]:
        return [i for i, c, _ in self.rows if c == campaign_id]

    async def take(self, ids: Sequence[uuid.UUID]) -> list[bytes]:
        wanted = set(ids)
        taken = [sealed for i, _, sealed in self.rows if i in wanted]
        self.rows = [row for row in self.rows if row[0] not in wanted]
        return taken

    async def waiting_in(self, campaign_id: uuid.UUID) -> int:
        return sum(c == campaign_id for _, c, _ in self.rows)


class FakeSegmentRepository:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, SegmentChoice] = {}
        self.archived: set[uuid.UUID] = set()

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[SegmentChoice]:
        return sorted((self.rows[i] for i in set(ids) if i in self.rows), key=lambda s: s.name)

    async def active(self, lang: str = "fi") -> list[dict[str, Any]]:
        live = [s for i, s in self.rows.items() if i not in self.archived]
        live.sort(key=lambda s: (sort_key(s.name, lang), str(s.id)))
        return [
            {"segment_id": s.id, "name": s.name, "rule": s.rule, "archived": False} for s in live
        ]


class FakeSurveysUnitOfWork(FakeOutbox):
    def __init__(self, *, people: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__()
        self.surveys = FakeSurveyRepository()
        self.campaigns = FakeCampaignRepository()
        self.invitations = FakeInvitationRepository(people=list(people))
        self.segments = FakeSegmentRepository()
        self.responses = FakeResponseRepository()
        self.open_slots = FakeOpenSlotRepository()
        self.ballots = FakeBallotRepository()
        self.results = FakeResultsRepository()
        self.campaign_figures = FakeCampaignFigures(self.campaigns, self.invitations)
        self.assessments = FakeAssessmentRepository()
        self.materials = FakeMaterialsRepository()
        self.retention = FakeRetentionRepository(self.campaigns, self.invitations, self.open_slots)
        self.mail_status = FakeMailStatusRepository(self.invitations)
        self.event_feedback = FakeEventFeedbackRepository(self.invitations)
        self.erasure = FakeErasure()

    def topics(self) -> list[str]:
        return [topic for topic, _, _ in self.published]


def person(**values: Any) -> dict[str, Any]:
    """A contact replica row: reachable, Finnish, no consents or tags unless given."""
    row: dict[str, Any] = {
        "contact_id": uuid.uuid4(),
        "email": f"{uuid.uuid4().hex[:8]}@example.org",
        "email_status": None,
        "first_name": "Anna",
        "last_name": "Virtanen",
        "language": "fi",
        "erased": False,
        "topics": [],
        "tags": [],
        "newsletter_consent": False,
        "survey_consent": False,
        "organisation_type": None,
        "region": None,
    }
    row.update(values)
    return row


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
