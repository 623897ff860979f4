"""Self-assessment use cases: staff build and publish a test; respondents take it, get their
result page and mail, and retake it from their result link.

Anonymous: an attempt keeps percents, an optional region and organisation type and the attempt
it retakes; no person, address or contact. Identified: the attempt belongs to a taker (their
address); it counts, and its result is published on `surveys.assessment.v1`, once the mailed
result link is opened (so typing someone else's address puts nothing on their timeline).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.surveys import AssessmentResultV1
from shared.events.topics import MAIL_REQUESTED, SURVEY_ASSESSMENTS
from shared.logs import correlation_id
from shared.tokens import TokenError, TokenKeys, sign, verify
from surveys import SOURCE
from surveys.assessment import repository as repo
from surveys.assessment.defaults import default_definition
from surveys.assessment.domain import (
    BAND_KEYS,
    MODES,
    Definition,
    DefinitionError,
    Scored,
    aggregate,
    band_of,
    score,
    text_in,
    weakest,
)
from surveys.assessment.labels import ORGANISATION_TYPES, REGIONS
from surveys.audit import audit
from surveys.errors import Conflict, InvalidInput, NotFound
from surveys.materials import service as materials
from surveys.materials.domain import Link
from surveys.unit_of_work import SurveysUnitOfWork

PURPOSE = "assessment"
EMAIL = re.compile(r"[^@\s<>\"]{1,64}@[^@\s<>\"]{1,190}\.[^@\s<>\".]{2,63}")


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    role: str


@dataclass(frozen=True, slots=True)
class Loaded:
    stored: repo.StoredAssessment
    definition: Definition


# --- staff ---------------------------------------------------------------------------------


async def create_assessment(
    uow: SurveysUnitOfWork, *, actor: Actor, mode: str = "anonymous"
) -> uuid.UUID:
    """A new test with the default competence areas, questions and feedback (unpublished)."""
    if mode not in MODES:
        raise InvalidInput("mode is anonymous or identified", field="mode")
    assessment_id = uuid.uuid4()
    definition = Definition.parse(default_definition()).to_json()
    async with uow:
        await uow.assessments.add(id=assessment_id, definition=definition, mode=mode)
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="assessment.created",
            target_type="assessment",
            target_id=str(assessment_id),
        )
        await uow.commit()
    return assessment_id


async def save_assessment(
    uow: SurveysUnitOfWork,
    assessment_id: uuid.UUID,
    *,
    definition: Any,
    mode: str,
    published: bool,
    actor: Actor,
) -> int:
    """The new version; a DefinitionError names the part that breaks a rule. The mode cannot
    change once someone has taken the test (anonymous results must stay unjoinable)."""
    if mode not in MODES:
        raise DefinitionError("Choose anonymous or identified.", where="mode")
    clean = Definition.parse(definition).to_json()
    async with uow:
        current = await uow.assessments.get(assessment_id, for_update=True)
        if current is None:
            raise NotFound("No such self-assessment.")
        if mode != current.mode and await uow.assessments.attempt_count(assessment_id):
            raise Conflict("The mode cannot change once the test has been taken.", field="mode")
        version = await uow.assessments.save(
            assessment_id, definition=clean, mode=mode, published=published
        )
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="assessment.changed",
            target_type="assessment",
            target_id=str(assessment_id),
            details={"version": version, "mode": mode, "published": published},
        )
        await uow.commit()
    return version


async def load(uow: SurveysUnitOfWork, *, assessment_id: uuid.UUID) -> Loaded:
    async with uow:
        return await _load_in(uow, assessment_id)


async def _load_in(uow: SurveysUnitOfWork, assessment_id: uuid.UUID) -> Loaded:
    stored = await uow.assessments.get(assessment_id)
    if stored is None:
        raise NotFound("No such self-assessment.")
    return Loaded(stored, Definition.parse(stored.definition))


async def listing(uow: SurveysUnitOfWork) -> list[dict[str, Any]]:
    async with uow:
        rows = await uow.assessments.listing()
    return [
        {
            "id": str(s.id),
            "title": s.definition["title"],
            "mode": s.mode,
            "published": s.published,
            "version": s.version,
            "attempts": n,
        }
        for s, n in rows
    ]


def public_token(keys: TokenKeys, assessment_id: uuid.UUID) -> str:
    return sign(keys, PURPOSE, {"a": str(assessment_id)})


def public_url(base_url: str, keys: TokenKeys, assessment_id: uuid.UUID) -> str:
    return f"{base_url.rstrip('/')}/s/assessment/{public_token(keys, assessment_id)}"


def result_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/assessment/r/{token}"


async def figures(uow: SurveysUnitOfWork, *, assessment_id: uuid.UUID, by: str) -> dict[str, Any]:
    """Aggregates by region or organisation type (small groups suppressed by the domain)."""
    if by not in ("region", "organisation_type"):
        raise InvalidInput("by is region or organisation_type", field="by")
    async with uow:
        loaded = await _load_in(uow, assessment_id)
        rows = await uow.assessments.latest_rows(assessment_id, by)
    areas = [a.key for a in loaded.definition.areas]
    result = aggregate(rows, areas)
    return {"loaded": loaded, "aggregates": result}


# --- respondents ---------------------------------------------------------------------------


class LinkGone(Exception):
    """The link is forged, of another purpose, or its test is unpublished or gone."""


async def open_test(uow: SurveysUnitOfWork, *, keys: TokenKeys, token: str) -> Loaded:
    """The published test behind a public link (LinkGone otherwise)."""
    async with uow:
        return await _open_in(uow, keys, token)


@dataclass(frozen=True, slots=True)
class Answers:
    """What the form sent: the chosen choice per question id and the optional background."""

    choices: Mapping[str, str]
    email: str = ""
    region: str = ""
    organisation_type: str = ""


@dataclass(slots=True)
class Outcome:
    scored: Scored
    errors: dict[str, str] = field(default_factory=dict)  # field -> message (English source)
    token: str = ""  # the new attempt's result link
    attempt_id: uuid.UUID | None = None
    mailed: bool = False


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _check(loaded: Loaded, answers: Answers, *, needs_email: bool) -> Outcome:
    scored = score(loaded.definition, answers.choices)
    errors = {f"q_{q}": "Choose an answer." for q in scored.missing}
    if needs_email and not EMAIL.fullmatch(answers.email.strip()):
        errors["email"] = "Enter your email address, like name@example.fi."
    if answers.region and answers.region not in REGIONS:
        errors["region"] = "Choose a region from the list."
    if answers.organisation_type and answers.organisation_type not in ORGANISATION_TYPES:
        errors["organisation_type"] = "Choose an organisation type from the list."
    return Outcome(scored=scored, errors=errors)


async def submit(
    uow: SurveysUnitOfWork,
    *,
    keys: TokenKeys,
    token: str,
    answers: Answers,
    lang: str,
    base_url: str,
    now: datetime | None = None,
) -> Outcome:
    """A first attempt from the test's public link."""
    now = now or datetime.now(UTC)
    async with uow:
        loaded = await _open_in(uow, keys, token)
        identified = loaded.stored.mode == "identified"
        outcome = _check(loaded, answers, needs_email=identified)
        if outcome.errors:
            return outcome
        taker_id = None
        if identified:
            email = answers.email.strip()
            taker = await uow.assessments.taker_by_email(loaded.stored.id, email)
            taker_id = taker.id if taker else uuid.uuid4()
            if taker is None:
                await uow.assessments.add_taker(
                    id=taker_id,
                    assessment_id=loaded.stored.id,
                    email=email,
                    language=lang,
                )
            # Known at once for erasure; published as theirs only once confirmed.
            found = await uow.assessments.contact_by_email(email)
            if found is not None:
                await uow.assessments.set_taker_contact(taker_id, found.contact_id)
        await _add_attempt(
            uow, loaded, outcome, answers, lang=lang, now=now, taker_id=taker_id, previous=None
        )
        if identified:
            _mail_result(
                uow,
                loaded,
                outcome,
                to=answers.email.strip(),
                lang=lang,
                base_url=base_url,
                materials=await _weak_materials(uow, outcome, lang),
            )
        await uow.commit()
    return outcome


async def _open_in(uow: SurveysUnitOfWork, keys: TokenKeys, token: str) -> Loaded:
    try:
        assessment_id = uuid.UUID(str(verify(keys, PURPOSE, token, max_age_s=None)["a"]))
    except (TokenError, KeyError, TypeError, ValueError) as exc:
        raise LinkGone from exc
    stored = await uow.assessments.get(assessment_id)
    if stored is None or not stored.published:
        raise LinkGone
    return Loaded(stored, Definition.parse(stored.definition))


async def _add_attempt(
    uow: SurveysUnitOfWork,
    loaded: Loaded,
    outcome: Outcome,
    answers: Answers,
    *,
    lang: str,
    now: datetime,
    taker_id: uuid.UUID | None,
    previous: repo.Attempt | None,
    confirmed: bool = False,
) -> None:
    token = secrets.token_urlsafe(24)
    attempt_id = uuid.uuid4()
    region, org_type = answers.region or None, answers.organisation_type or None
    if taker_id is not None:  # identified: the replica knows better than the form
        taker = await uow.assessments.taker(taker_id)
        found = (
            await uow.assessments.contact_by_email(taker.email) if taker and taker.email else None
        )
        if found is not None:
            region = found.region or region
            org_type = found.organisation_type or org_type
    await uow.assessments.add_attempt(
        id=attempt_id,
        assessment_id=loaded.stored.id,
        token_hash=_hash(token),
        taker_id=taker_id,
        previous_id=previous.id if previous else None,
        percents=outcome.scored.percents(),
        language=lang,
        region=region,
        organisation_type=org_type,
        taken_on=now.date(),
        # Anonymous attempts count at once; identified ones when the mailed link is opened.
        confirmed_at=now if taker_id is None else None,
    )
    outcome.token = token
    outcome.attempt_id = attempt_id
    if confirmed and taker_id is not None:
        await _confirm(uow, loaded, attempt_id, now=now)


async def _weak_materials(
    uow: SurveysUnitOfWork, outcome: Outcome, lang: str
) -> dict[str, list[Link]]:
    """Up to three materials for each of the result's weakest areas (the replica of
    newsletter.material.v1), in the respondent's language."""
    return await materials.for_areas(uow, areas=weakest(outcome.scored.percents()), lang=lang)


async def area_materials(
    uow: SurveysUnitOfWork, *, areas: list[str], lang: str
) -> dict[str, list[Link]]:
    """The materials a result page links for these (weakest) areas, in `lang`."""
    async with uow:
        return await materials.for_areas(uow, areas=areas, lang=lang)


def _mail_result(
    uow: SurveysUnitOfWork,
    loaded: Loaded,
    outcome: Outcome,
    *,
    to: str,
    lang: str,
    base_url: str,
    materials: Mapping[str, list[Link]] | None = None,
) -> None:
    definition = loaded.definition
    percents = outcome.scored.percents()
    areas = []
    for area in definition.areas:
        band = band_of(percents[area.key])
        feedback = area.feedback[band]
        areas.append(
            {
                "name": text_in(area.name, lang),
                "percent": percents[area.key],
                "feedback": text_in(feedback.text, lang),
                "link": feedback.link,
                "materials": [
                    {"title": m.title, "url": m.url} for m in (materials or {}).get(area.key, [])
                ],
            }
        )
    mail = MailRequestedV1(
        idempotency_key=f"assessment-result:{outcome.attempt_id}",
        template_key="assessment_result",
        language=lang if lang in ("fi", "sv", "en") else "fi",
        to_email=to,
        variables={
            "assessment_title": text_in(definition.title, lang),
            "result_url": result_url(base_url, outcome.token),
            "areas": areas,
        },
        origin="transactional",
        origin_id=str(outcome.attempt_id),
        origin_label=text_in(definition.title, "fi"),
    )
    uow.publish(
        MAIL_REQUESTED.name,
        str(outcome.attempt_id),
        new_event(source=SOURCE, data=mail, correlation_id=correlation_id.get()),
    )
    outcome.mailed = True


async def _confirm(
    uow: SurveysUnitOfWork, loaded: Loaded, attempt_id: uuid.UUID, *, now: datetime
) -> None:
    """Count the attempt and publish it (once), with the contact its address matches now."""
    if not await uow.assessments.confirm(attempt_id, now):
        return
    attempt = await uow.assessments.attempt(attempt_id)
    assert attempt is not None and attempt.taker_id is not None
    taker = await uow.assessments.taker(attempt.taker_id)
    found = await uow.assessments.contact_by_email(taker.email) if taker and taker.email else None
    contact_id = found.contact_id if found is not None else None
    await uow.assessments.set_taker_contact(attempt.taker_id, contact_id)
    definition = loaded.definition
    event = AssessmentResultV1(
        attempt_id=attempt.id,
        assessment_id=attempt.assessment_id,
        contact_id=contact_id,
        taken_on=attempt.taken_on,
        percents=attempt.percents,
        area_names={a.key: text_in(a.name, "fi") for a in definition.areas},
        area_names_sv={a.key: text_in(a.name, "sv") for a in definition.areas},
        area_names_en={a.key: text_in(a.name, "en") for a in definition.areas},
        weak_areas=[k for k, p in attempt.percents.items() if band_of(p) == BAND_KEYS[0]],
        previous_attempt_id=attempt.previous_id,
    )
    uow.publish(
        SURVEY_ASSESSMENTS.name,
        str(contact_id or attempt.taker_id),
        new_event(
            source=SOURCE,
            data=event,
            subject=str(attempt.assessment_id),
            correlation_id=correlation_id.get(),
        ),
    )


@dataclass(frozen=True, slots=True)
class ResultView:
    loaded: Loaded
    attempt: repo.Attempt
    previous: dict[str, int] | None  # percents of the attempt this one retakes
    history: list[tuple[date, dict[str, int]]]  # earlier attempts, oldest first (identified)


async def open_result(
    uow: SurveysUnitOfWork, *, token: str, now: datetime | None = None
) -> ResultView:
    """The result behind a result link; opening an identified one confirms it (once)."""
    now = now or datetime.now(UTC)
    async with uow:
        attempt = await uow.assessments.attempt_by_token(_hash(token), for_update=True)
        if attempt is None:
            raise LinkGone
        stored = await uow.assessments.get(attempt.assessment_id)
        if stored is None:
            raise LinkGone
        loaded = Loaded(stored, Definition.parse(stored.definition))
        if attempt.taker_id is not None and attempt.confirmed_at is None:
            await _confirm(uow, loaded, attempt.id, now=now)
        previous = (
            await uow.assessments.attempt(attempt.previous_id) if attempt.previous_id else None
        )
        history: list[tuple[date, dict[str, int]]] = []
        if attempt.taker_id is not None:
            history = [
                (h.taken_on, h.percents)
                for h in await uow.assessments.history(attempt.taker_id)
                if h.id != attempt.id
            ]
        await uow.commit()
    return ResultView(loaded, attempt, previous.percents if previous else None, history)


async def retake_form(uow: SurveysUnitOfWork, *, token: str) -> Loaded:
    """The test behind a result link, to take again (LinkGone if unpublished or gone)."""
    async with uow:
        attempt = await uow.assessments.attempt_by_token(_hash(token))
        stored = await uow.assessments.get(attempt.assessment_id) if attempt else None
    if attempt is None or stored is None or not stored.published:
        raise LinkGone
    return Loaded(stored, Definition.parse(stored.definition))


async def retake(
    uow: SurveysUnitOfWork,
    *,
    token: str,
    answers: Answers,
    lang: str,
    base_url: str,
    now: datetime | None = None,
) -> Outcome:
    """A new attempt from an earlier one's result link: it is compared with that one. Whoever
    holds an identified result link got it by mail, so the new attempt counts at once."""
    now = now or datetime.now(UTC)
    async with uow:
        earlier = await uow.assessments.attempt_by_token(_hash(token), for_update=True)
        stored = await uow.assessments.get(earlier.assessment_id) if earlier else None
        if earlier is None or stored is None or not stored.published:
            raise LinkGone
        loaded = Loaded(stored, Definition.parse(stored.definition))
        outcome = _check(loaded, answers, needs_email=False)
        if outcome.errors:
            return outcome
        # The background given the first time goes with every retake (the form asks once).
        answers = Answers(
            choices=answers.choices,
            region=earlier.region or "",
            organisation_type=earlier.organisation_type or "",
        )
        taker = await uow.assessments.taker(earlier.taker_id) if earlier.taker_id else None
        if earlier.taker_id is not None and earlier.confirmed_at is None:
            await _confirm(uow, loaded, earlier.id, now=now)
        await _add_attempt(
            uow,
            loaded,
            outcome,
            answers,
            lang=lang,
            now=now,
            taker_id=earlier.taker_id,
            previous=earlier,
            confirmed=True,
        )
        if taker is not None and taker.email:
            _mail_result(
                uow,
                loaded,
                outcome,
                to=taker.email,
                lang=lang,
                base_url=base_url,
                materials=await _weak_materials(uow, outcome, lang),
            )
        await uow.commit()
    return outcome
