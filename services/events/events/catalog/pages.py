"""Staff pages of events and series: list, create, edit, publish, cancel, registrations.

Times are entered and shown in Finnish time (Europe/Helsinki); every write goes through the
same use cases as the API (audited, events through the outbox) and its CSRF token is checked
by the StaffGate middleware.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response

from events.catalog import service as catalog
from events.catalog.domain import KINDS, LANGUAGES, Series, in_helsinki, pick
from events.catalog.forms import FIELDS, LOCAL, details_from, form_of, prefilled
from events.deps import LinkMaker, UnitOfWork, actor
from events.errors import DomainError
from events.feedback import service as feedback
from events.pages import as_staff, pages
from events.registration import export
from events.registration import service as registration
from shared.places import places
from shared.web.charts import bar_chart
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/events/staff", include_in_schema=False)


def _render(
    request: Request, staff: Staff, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    lang = as_staff(request, staff)
    return pages.render(request, name, {"ui": lang, **context}, lang=lang, status_code=status_code)


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/events")
async def events_page(request: Request, uow: UnitOfWork, staff: Viewer) -> Response:
    found = await catalog.list_events(uow)
    lang = as_staff(request, staff)
    rows = [
        {
            "id": e.id,
            "title": pick(e.details.title, lang),
            "kind": e.details.kind,
            "state": e.state,
            "when": registration.when(e, lang),
            "place": registration.place(e, lang),
        }
        for e in found
    ]
    waiting = sum(1 for r in rows if r["state"] == "pending")
    return _render(request, staff, "staff/events.html", {"events": rows, "waiting": waiting})


async def _form_page(
    request: Request,
    uow: UnitOfWork,
    staff: Staff,
    *,
    form: dict[str, str],
    languages: list[str],
    action: str,
    heading: str,
    error: DomainError | None = None,
    from_visit: bool = False,
) -> Response:
    lang = as_staff(request, staff)
    series = await catalog.list_series(uow)
    surveys = await feedback.choosable_surveys(uow, lang)
    return _render(
        request,
        staff,
        "staff/event_form.html",
        {
            "form": form,
            "languages": languages,
            "all_languages": LANGUAGES,
            "kinds": KINDS,
            "municipalities": [
                (m.code, m.name(lang)) for m in places().sorted_municipalities(lang)
            ],
            "series": [(str(s.id), pick(s.name, lang)) for s in series],
            "surveys": [(str(s.id), s.name(lang)) for s in surveys],
            "action": action,
            "heading": heading,
            "error": error,
            "from_visit": from_visit,
        },
        status_code=422 if error else 200,
    )


@router.get("/events/new")
async def new_event_page(request: Request, uow: UnitOfWork, staff: Editor) -> Response:
    start = (datetime.now(UTC) + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)
    form = {
        "kind": "webinar",
        "format": "online",
        "starts_at": in_helsinki(start).strftime(LOCAL),
        "ends_at": in_helsinki(start + timedelta(hours=1)).strftime(LOCAL),
        "feedback_anonymous": "yes",
    }
    form, languages = prefilled(request.query_params, form)
    return await _form_page(
        request,
        uow,
        staff,
        form=form,
        languages=languages,
        action="/events/staff/events/new",
        heading="New event",
        from_visit="from_visit" in request.query_params,
    )


async def _posted(request: Request) -> tuple[dict[str, str], list[str]]:
    data = await request.form()
    form = {name: str(data.get(name) or "") for name in FIELDS}
    languages = [str(v) for v in data.getlist("languages")]
    return form, languages


@router.post("/events/new")
async def create_event(
    request: Request, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> Response:
    form, languages = await _posted(request)
    try:
        details = details_from(form, languages)
        event = await catalog.create_event(uow, details=details, actor=actor(staff), links=links)
    except DomainError as error:
        return await _form_page(
            request,
            uow,
            staff,
            form=form,
            languages=languages,
            action="/events/staff/events/new",
            heading="New event",
            error=error,
        )
    return _see(f"/events/staff/events/{event.id}")


@router.get("/events/{event_id}")
async def event_page(
    event_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Viewer
) -> Response:
    event = await catalog.get_event(uow, event_id)
    lang = as_staff(request, staff)
    rows = await registration.registrations_of(uow, event_id)
    series = await catalog.series_by_id(uow, event.details.series_id)
    counts = {s: sum(1 for r in rows if r.state == s) for s in ("registered", "waitlisted")}
    counts["attended"] = sum(1 for r in rows if r.attended_at is not None)
    survey = await feedback.feedback_of(
        uow,
        event_id=event_id,
        survey_id=event.details.feedback_survey_id,
        anonymous=event.details.feedback_anonymous,
    )
    return _render(
        request,
        staff,
        "staff/event.html",
        {
            "event": event,
            "title": pick(event.details.title, lang),
            "when": registration.when(event, lang),
            "place": registration.place(event, lang),
            "series_name": pick(series.name, lang) if series else "",
            "submitter": await catalog.submitter_of(uow, event_id),
            "registrations": rows,
            "counts": counts,
            "feedback": survey,
            "survey_name": survey.survey.name(lang) if survey.survey else "",
        },
    )


@router.get("/events/{event_id}/registrations.csv")
async def registrations_csv(event_id: uuid.UUID, uow: UnitOfWork, staff: Viewer) -> Response:
    body = await registration.export_registrations(
        uow, event_id=event_id, actor_id=staff.id, actor_role=staff.role
    )
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="registrations-{event_id}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/events/{event_id}/registrations.xlsx")
async def registrations_xlsx(
    event_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Viewer
) -> Response:
    """The same registrations as the CSV, as a workbook in the staff language (audited)."""
    rows = await registration.export_rows(
        uow, event_id=event_id, actor_id=staff.id, actor_role=staff.role, file_format="xlsx"
    )
    body = export.registrations_xlsx(rows, gettext=pages.gettext(as_staff(request, staff)))
    return Response(
        body,
        media_type=export.XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="registrations-{event_id}.xlsx"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/events/{event_id}/edit")
async def edit_event_page(
    event_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    event = await catalog.get_event(uow, event_id)
    form, languages = form_of(event)
    return await _form_page(
        request,
        uow,
        staff,
        form=form,
        languages=languages,
        action=f"/events/staff/events/{event_id}/edit",
        heading="Edit event",
    )


@router.post("/events/{event_id}/edit")
async def update_event(
    event_id: uuid.UUID, request: Request, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> Response:
    form, languages = await _posted(request)
    try:
        details = details_from(form, languages)
        await catalog.update_event(
            uow, event_id=event_id, details=details, actor=actor(staff), links=links
        )
    except DomainError as error:
        return await _form_page(
            request,
            uow,
            staff,
            form=form,
            languages=languages,
            action=f"/events/staff/events/{event_id}/edit",
            heading="Edit event",
            error=error,
        )
    return _see(f"/events/staff/events/{event_id}")


@router.post("/events/{event_id}/publish")
async def publish_event(
    event_id: uuid.UUID, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> Response:
    await catalog.publish_event(uow, event_id=event_id, actor=actor(staff), links=links)
    return _see(f"/events/staff/events/{event_id}")


@router.post("/events/{event_id}/cancel")
async def cancel_event(
    event_id: uuid.UUID, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> Response:
    await catalog.cancel_event(uow, event_id=event_id, actor=actor(staff), links=links)
    return _see(f"/events/staff/events/{event_id}")


@router.post("/events/{event_id}/decline")
async def decline_event(
    event_id: uuid.UUID,
    uow: UnitOfWork,
    staff: Editor,
    reason: Annotated[str, Form(max_length=catalog.REASON_MAX)] = "",
) -> Response:
    await catalog.decline_event(uow, event_id=event_id, actor=actor(staff), reason=reason)
    return _see(f"/events/staff/events/{event_id}")


@router.get("/series")
async def series_page(request: Request, uow: UnitOfWork, staff: Viewer) -> Response:
    return await _series_page(request, uow, staff, {}, None)


async def _series_page(
    request: Request,
    uow: UnitOfWork,
    staff: Staff,
    form: dict[str, str],
    error: DomainError | None,
) -> Response:
    lang = as_staff(request, staff)
    found = await catalog.list_series(uow)
    rows = [{"slug": s.slug, "name": pick(s.name, lang)} for s in found]
    return _render(
        request,
        staff,
        "staff/series.html",
        {"series": rows, "form": form, "error": error},
        status_code=422 if error else 200,
    )


@router.get("/series/{slug}")
async def series_overview(slug: str, request: Request, uow: UnitOfWork, staff: Viewer) -> Response:
    lang = as_staff(request, staff)
    found, activity = await catalog.series_activity(uow, slug=slug[:80])
    online = pages.gettext(lang)("Online")
    rows = sorted(
        (
            (places().region_name(region, lang) if region else online, n_events, n_people)
            for region, n_events, n_people in activity
        ),
        key=lambda r: (-r[1], r[0]),
    )
    chart_title = pages.gettext(lang)("Events by region")
    return _render(
        request,
        staff,
        "staff/series_overview.html",
        {
            "slug": found.slug,
            "name": pick(found.name, lang),
            "rows": rows,
            "chart": bar_chart(chart_title, [(r[0], r[1]) for r in rows]),
            "totals": (sum(r[1] for r in rows), sum(r[2] for r in rows)),
        },
    )


@router.post("/series")
async def create_series(request: Request, uow: UnitOfWork, staff: Editor) -> Response:
    data = await request.form()
    form = {
        name: str(data.get(name) or "")
        for name in ("slug", "name_fi", "name_sv", "name_en", "description_fi")
    }
    item = Series(
        id=uuid.uuid4(),
        slug=form["slug"].strip(),
        name={lang: form[f"name_{lang}"] for lang in LANGUAGES},
        description={"fi": form["description_fi"]},
    )
    try:
        await catalog.create_series(uow, series=item, actor=actor(staff))
    except DomainError as error:
        return await _series_page(request, uow, staff, form, error)
    return _see("/events/staff/series")
