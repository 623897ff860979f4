"""The staff event form: raw fields to `EventDetails` and back (Finnish time in the form)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from events.catalog.domain import LANGUAGES, Event, EventDetails, in_helsinki, local_to_utc
from events.errors import InvalidInput

LOCAL = "%Y-%m-%dT%H:%M"
FIELDS = (
    "kind",
    "title_fi",
    "title_sv",
    "title_en",
    "description_fi",
    "description_sv",
    "description_en",
    "starts_at",
    "ends_at",
    "format",
    "join_url",
    "address",
    "municipality",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "topics",
    "organiser",
    "audience",
    "series_id",
    "feedback_survey_id",
    "feedback_anonymous",
)


def _local(raw: str, field: str) -> datetime:
    try:
        naive = datetime.strptime(raw.strip(), LOCAL)
    except ValueError as exc:
        raise InvalidInput("a date and time, e.g. 2027-10-04T09:00", field=field) from exc
    return local_to_utc(naive, field=field)


def _optional_local(raw: str, field: str) -> datetime | None:
    return _local(raw, field) if raw.strip() else None


def details_from(form: dict[str, str], languages: list[str]) -> EventDetails:
    capacity_raw = form.get("capacity", "").strip()
    try:
        capacity = int(capacity_raw) if capacity_raw else None
    except ValueError as exc:
        raise InvalidInput("a whole number, or empty for no limit", field="capacity") from exc
    series_raw = form.get("series_id", "").strip()
    try:
        series_id = uuid.UUID(series_raw) if series_raw else None
    except ValueError as exc:
        raise InvalidInput("choose a series", field="series_id") from exc
    survey_raw = form.get("feedback_survey_id", "").strip()
    try:
        feedback_survey_id = uuid.UUID(survey_raw) if survey_raw else None
    except ValueError as exc:
        raise InvalidInput("choose a feedback survey", field="feedback_survey_id") from exc
    return EventDetails(
        kind=form.get("kind", ""),
        title={lang: form.get(f"title_{lang}", "") for lang in LANGUAGES},
        description={lang: form.get(f"description_{lang}", "") for lang in LANGUAGES},
        starts_at=_local(form.get("starts_at", ""), "starts_at"),
        ends_at=_local(form.get("ends_at", ""), "ends_at"),
        online=form.get("format") == "online",
        join_url=form.get("join_url"),
        address=form.get("address"),
        municipality=form.get("municipality"),
        capacity=capacity,
        registration_opens_at=_optional_local(
            form.get("registration_opens_at", ""), "registration_opens_at"
        ),
        registration_closes_at=_optional_local(
            form.get("registration_closes_at", ""), "registration_closes_at"
        ),
        languages=tuple(languages),
        topics=tuple(form.get("topics", "").split(",")),
        organiser=form.get("organiser", ""),
        audience=form.get("audience", ""),
        series_id=series_id,
        feedback_survey_id=feedback_survey_id,
        feedback_anonymous=form.get("feedback_anonymous") == "yes",
    ).checked()


def form_of(event: Event) -> tuple[dict[str, str], list[str]]:
    d = event.details

    def local(moment: datetime | None) -> str:
        return in_helsinki(moment).strftime(LOCAL) if moment else ""

    form = {
        "kind": d.kind,
        "starts_at": local(d.starts_at),
        "ends_at": local(d.ends_at),
        "format": "online" if d.online else "onsite",
        "join_url": d.join_url or "",
        "address": d.address or "",
        "municipality": d.municipality or "",
        "capacity": str(d.capacity) if d.capacity is not None else "",
        "registration_opens_at": local(d.registration_opens_at),
        "registration_closes_at": local(d.registration_closes_at),
        "topics": ", ".join(d.topics),
        "organiser": d.organiser,
        "audience": d.audience,
        "series_id": str(d.series_id) if d.series_id else "",
        "feedback_survey_id": str(d.feedback_survey_id) if d.feedback_survey_id else "",
        "feedback_anonymous": "yes" if d.feedback_anonymous else "",
    }
    for lang in LANGUAGES:
        form[f"title_{lang}"] = d.title.get(lang, "")
        form[f"description_{lang}"] = d.description.get(lang, "")
    return form, list(d.languages)


# A prefilled form link carries short values only; anything longer is not ours.
MAX_PREFILL = 500


def prefilled(query: Mapping[str, str], form: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The new-event form's defaults overlaid with what a link carries (an agreed visit
    request in contacts links here): known fields only, bounded, nothing saved until staff
    review the form and submit it."""
    filled = dict(form)
    for name in FIELDS:
        value = query.get(name, "")
        if value and len(value) <= MAX_PREFILL:
            filled[name] = value
    languages = [lang for lang in query.get("languages", "").split(",") if lang in LANGUAGES]
    return filled, languages or ["fi"]
