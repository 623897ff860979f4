"""Surveys' typed unit of work: named repositories over one transaction, events to the outbox.

Use cases take a `SurveysUnitOfWork` and open it themselves (`async with uow:`); routes get one
through `deps.UnitOfWork`, the reminder scheduler makes one per batch. Unit tests use the
in-memory fake in `tests/unit/fakes/surveys.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.outbox.unit_of_work import HeldTransaction, OutboxUnitOfWork, UnitOfWork
from surveys.assessment.repository import AssessmentRepository, SqlAssessmentRepository
from surveys.ballot_box.repository import SqlBallotRepository
from surveys.builder.domain.saved import SavedSurvey
from surveys.builder.repository import SqlSurveyRepository
from surveys.campaigns.domain import Campaign, SegmentChoice
from surveys.campaigns.repository import (
    CampaignFigures,
    SqlCampaignFigures,
    SqlCampaignRepository,
    SqlSegmentRepository,
)
from surveys.erasure.repository import ErasureRepository, SqlErasureRepository
from surveys.event_feedback.repository import (
    EventFeedbackRepository,
    FeedbackCounts,
    SqlEventFeedbackRepository,
)
from surveys.invitations.domain import Invitee
from surveys.invitations.repository import SqlInvitationRepository
from surveys.mail_status.repository import MailStatusRepository, SqlMailStatusRepository
from surveys.materials.repository import MaterialsRepository, SqlMaterialsRepository
from surveys.open_link.domain import Slot
from surveys.open_link.repository import SqlOpenSlotRepository
from surveys.responding.domain import Draft, NewResponse, SubmittedResponse
from surveys.responding.repository import SqlResponseRepository
from surveys.results.repository import ResultsRepository, SqlResultsRepository
from surveys.retention.repository import RetentionRepository, SqlRetentionRepository
from surveys.tables import outbox


class SurveyRepository(Protocol):
    async def add(self, survey: SavedSurvey) -> None: ...
    async def get(
        self, survey_id: uuid.UUID, *, for_update: bool = False
    ) -> SavedSurvey | None: ...
    async def update(self, survey: SavedSurvey) -> None: ...
    async def listing(self) -> list[dict[str, Any]]: ...


class CampaignRepository(Protocol):
    async def add(self, campaign: Campaign) -> None: ...
    async def get(self, campaign_id: uuid.UUID, *, for_update: bool = False) -> Campaign | None: ...
    async def save_launch(self, campaign: Campaign) -> None: ...
    async def save_changes(self, campaign: Campaign) -> None: ...
    async def due_for_reminders(self, now: datetime) -> list[uuid.UUID]: ...


class InvitationRepository(Protocol):
    async def invite_audience(self, campaign: Campaign, now: datetime) -> list[Invitee]: ...
    async def claim_reminders(
        self,
        campaign: Campaign,
        now: datetime,
        *,
        limit: int,
        manual_gap: timedelta | None = None,
    ) -> list[Invitee]: ...
    async def get(self, invitation_id: uuid.UUID, *, for_update: bool = False) -> Any: ...
    async def by_link(self, token_hash: bytes, *, for_update: bool = False) -> Any:
        """The invitation whose first or reminder link has this hash (None if none)."""
        ...

    async def mark_answered(self, invitation_id: uuid.UUID) -> bool:
        """True the first time only."""
        ...

    async def feedback_answered(self, campaign_id: uuid.UUID) -> FeedbackCounts | None:
        """Counts an answer of an event's feedback campaign (None: not an event's campaign)."""
        ...


class ResponseRepository(Protocol):
    async def draft(self, key: bytes) -> Draft | None: ...
    async def save_draft(
        self, *, key: bytes, campaign_id: uuid.UUID, answers: dict[str, Any], page: int
    ) -> None: ...
    async def delete_draft(self, key: bytes) -> None: ...
    async def add(self, response: NewResponse) -> None: ...
    async def of_invitation(self, invitation_id: uuid.UUID) -> SubmittedResponse | None: ...
    async def replace_answers(self, response_id: uuid.UUID, answers: dict[str, Any]) -> None: ...


class OpenSlotRepository(Protocol):
    async def add(self, *, key: bytes, campaign_id: uuid.UUID, started_on: date) -> None: ...
    async def get(
        self, campaign_id: uuid.UUID, key: bytes, *, for_update: bool = False
    ) -> Slot | None: ...
    async def mark_answered(self, key: bytes) -> bool:
        """True the first time only."""
        ...

    async def answered_count(self, campaign_id: uuid.UUID) -> int:
        """How many answered through the public link (retention's tally included)."""
        ...


class BallotRepository(Protocol):
    async def add(self, *, campaign_id: uuid.UUID, sealed: bytes) -> None: ...
    async def waiting(self) -> dict[uuid.UUID, int]: ...
    async def of_campaign(self, campaign_id: uuid.UUID) -> list[uuid.UUID]: ...
    async def take(self, ids: Sequence[uuid.UUID]) -> list[bytes]: ...
    async def waiting_in(self, campaign_id: uuid.UUID) -> int:
        """How many anonymous answers of a campaign wait for their batch."""
        ...


class SegmentRepository(Protocol):
    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[SegmentChoice]: ...
    async def active(self, lang: str = "fi") -> list[dict[str, Any]]:
        """Live (not archived) segments, by name in the alphabet of `lang`: each a row with
        `segment_id`, `name`, `rule`, `version` and `archived`."""
        ...


class SurveysUnitOfWork(OutboxUnitOfWork, Protocol):
    @property
    def surveys(self) -> SurveyRepository: ...
    @property
    def campaigns(self) -> CampaignRepository: ...
    @property
    def invitations(self) -> InvitationRepository: ...
    @property
    def segments(self) -> SegmentRepository: ...
    @property
    def responses(self) -> ResponseRepository: ...
    @property
    def open_slots(self) -> OpenSlotRepository: ...
    @property
    def ballots(self) -> BallotRepository: ...
    @property
    def results(self) -> ResultsRepository: ...
    @property
    def campaign_figures(self) -> CampaignFigures: ...
    @property
    def assessments(self) -> AssessmentRepository: ...
    @property
    def materials(self) -> MaterialsRepository: ...
    @property
    def retention(self) -> RetentionRepository: ...
    @property
    def mail_status(self) -> MailStatusRepository: ...
    @property
    def event_feedback(self) -> EventFeedbackRepository: ...
    @property
    def erasure(self) -> ErasureRepository: ...


class SqlSurveysUnitOfWork(UnitOfWork):
    """The shared outbox unit of work with surveys' repositories on its connection."""

    surveys: SqlSurveyRepository
    campaigns: SqlCampaignRepository
    invitations: SqlInvitationRepository
    segments: SqlSegmentRepository
    responses: SqlResponseRepository
    open_slots: SqlOpenSlotRepository
    ballots: SqlBallotRepository
    results: SqlResultsRepository
    campaign_figures: SqlCampaignFigures
    assessments: SqlAssessmentRepository
    materials: SqlMaterialsRepository
    retention: SqlRetentionRepository
    mail_status: SqlMailStatusRepository
    event_feedback: SqlEventFeedbackRepository
    erasure: SqlErasureRepository

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, outbox=outbox, service="surveys")

    def open_repositories(self, conn: AsyncConnection) -> None:
        self.surveys = SqlSurveyRepository(conn)
        self.campaigns = SqlCampaignRepository(conn)
        self.invitations = SqlInvitationRepository(conn)
        self.segments = SqlSegmentRepository(conn)
        self.responses = SqlResponseRepository(conn)
        self.open_slots = SqlOpenSlotRepository(conn)
        self.ballots = SqlBallotRepository(conn)
        self.results = SqlResultsRepository(conn)
        self.campaign_figures = SqlCampaignFigures(conn)
        self.assessments = SqlAssessmentRepository(conn)
        self.materials = SqlMaterialsRepository(conn)
        self.retention = SqlRetentionRepository(conn)
        self.mail_status = SqlMailStatusRepository(conn)
        self.event_feedback = SqlEventFeedbackRepository(conn)
        self.erasure = SqlErasureRepository(conn)


class ConsumerUnitOfWork(HeldTransaction, SqlSurveysUnitOfWork):
    """Surveys' unit of work inside a Kafka consumer's transaction (shared HeldTransaction):
    handlers are subscribed with `unit_of_work=ConsumerUnitOfWork` and receive it."""

    def __init__(self, conn: AsyncConnection) -> None:
        super().__init__(conn.engine)
        self._held = conn


def unit_of_work(engine: AsyncEngine) -> SqlSurveysUnitOfWork:
    return SqlSurveysUnitOfWork(engine)
