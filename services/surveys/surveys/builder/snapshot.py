"""A survey's snapshot on `surveys.survey.v1` (compacted, key = survey id): its title per
language and the languages it can be shown in, for services that let staff pick a survey by
name (events' feedback survey). Written to the outbox with every create and change."""

from __future__ import annotations

from shared.events.envelope import new_event
from shared.events.surveys import SurveyV1
from shared.events.topics import SURVEYS
from shared.outbox.unit_of_work import Publisher
from surveys import SOURCE
from surveys.builder.domain.readiness import written_languages
from surveys.builder.domain.saved import SavedSurvey


def snapshot_of(survey: SavedSurvey) -> SurveyV1:
    parsed = survey.survey
    return SurveyV1(
        survey_id=survey.id,
        version=survey.version,
        title=parsed.title.dump(),
        languages=list(written_languages(parsed)),
    )


def publish_snapshot(uow: Publisher, survey: SavedSurvey) -> None:
    uow.publish(
        SURVEYS.name,
        str(survey.id),
        new_event(
            source=SOURCE,
            data=snapshot_of(survey),
            subject=str(survey.id),
            version=survey.version,
        ),
    )
