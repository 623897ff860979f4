"""Surveys' typed unit of work: named repositories over one transaction, events to the outbox.

Use cases take a `SurveysUnitOfWork` and open it themselves (`async with uow:`); routes get one
through `deps.UnitOfWork`, the reminder scheduler makes one per batch. Unit tests use the
in-memory fake in `tests/unit/fakes/surveys.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.events.envelope import CloudEvent
from shared.outbox.unit_of_work import UnitOfWork
from shared.outbox.writer import add_to_outbox
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


class BallotRepository(Protocol):
    async def add(self, *, campaign_id: uuid.UUID, sealed: bytes) -> None: ...
    async def waiting(self) -> dict[uuid.UUID, int]: ...
    async def of_campaign(self, campaign_id: uuid.UUID) -> list[uuid.UUID]: ...
    async def take(self, ids: Sequence[uuid.UUID]) -> list[bytes]: ...


class SegmentRepository(Protocol):
    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[SegmentChoice]: ...


class SurveysUnitOfWork(Protocol):
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

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


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

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, outbox=outbox, service="surveys")

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        return self._bound()

    def _bound(self) -> Self:
        """The repositories on the unit of work's connection."""
        self.surveys = SqlSurveyRepository(self.conn)
        self.campaigns = SqlCampaignRepository(self.conn)
        self.invitations = SqlInvitationRepository(self.conn)
        self.segments = SqlSegmentRepository(self.conn)
        self.responses = SqlResponseRepository(self.conn)
        self.open_slots = SqlOpenSlotRepository(self.conn)
        self.ballots = SqlBallotRepository(self.conn)
        self.results = SqlResultsRepository(self.conn)
        self.campaign_figures = SqlCampaignFigures(self.conn)
        self.assessments = SqlAssessmentRepository(self.conn)
        self.materials = SqlMaterialsRepository(self.conn)
        self.retention = SqlRetentionRepository(self.conn)
        self.mail_status = SqlMailStatusRepository(self.conn)
        self.event_feedback = SqlEventFeedbackRepository(self.conn)
        return self


class ConsumerUnitOfWork(SqlSurveysUnitOfWork):
    """Surveys' unit of work inside a Kafka consumer's transaction: `shared/consuming.py`
    opens it (with the inbox row) and commits or rolls it back with the offset, so entering
    only binds the repositories to that connection, and commit() writes the queued events to
    the outbox in it. An event queued by a use case that did not commit never leaves."""

    def __init__(self, conn: AsyncConnection) -> None:
        super().__init__(conn.engine)
        self._held = conn

    async def __aenter__(self) -> Self:
        self._messages = []
        self._conn = self._held
        return self._bound()

    async def commit(self) -> None:
        await add_to_outbox(self.conn, self._outbox, service=self._service, messages=self._messages)
        self._messages.clear()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._messages = []  # the consumer ends the transaction, not the use case


def unit_of_work(engine: AsyncEngine) -> SqlSurveysUnitOfWork:
    return SqlSurveysUnitOfWork(engine)


def consumer_unit_of_work(conn: AsyncConnection) -> ConsumerUnitOfWork:
    """The unit of work a handler passes to its use case, on the consumer's connection."""
    return ConsumerUnitOfWork(conn)
