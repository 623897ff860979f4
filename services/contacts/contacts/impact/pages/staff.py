"""Staff pages of the impact chain: the year's view (Viewer), its XLSX export and printable
report (Viewer), and the yearly targets (Editor; the same use case as the API, audited)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from contacts.assessments import service as assessments
from contacts.classification import load_classification
from contacts.deps import Uow, actor_of
from contacts.errors import InvalidInput
from contacts.impact import domain, export
from contacts.impact import service as impact
from contacts.impact.service import FIRST_YEAR, LAST_YEAR, ImpactView
from contacts.public import FormTooLarge, read_form
from contacts.rendering import pages, staff_language
from contacts.signup.pages.signup import TYPE_LABELS
from shared.web.charts import line_chart
from shared.web.pages import BABEL_LOCALES
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/staff/impact", include_in_schema=False)
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
TREND_LABELS = {
    "rising": "Rising",
    "falling": "Falling",
    "steady": "Steady",
    "unknown": "Too few months to tell",
}


def _year(year: int | None) -> int:
    return year or datetime.now(UTC).year


def part_namer(lang: str) -> Any:
    """Names for a region or type code, in the page's language (never the code)."""
    regions = {r.code: r.name(lang) for r in load_classification().regions}
    _ = pages.gettext(lang)

    def name(kind: str, code: str) -> str:
        if kind == "region":
            return regions.get(code) or _("Unknown")
        return _(TYPE_LABELS.get(code, "")) if code in TYPE_LABELS else _("Unknown")

    return name


def _context(request: Request, view: ImpactView, lang: str) -> dict[str, Any]:
    locale = BABEL_LOCALES.get(lang, "fi_FI")

    def percent(share: float) -> str:
        """One decimal at most, in the locale's own way ("55.6%", "55,6 %")."""
        return format_percent(round(share, 3), locale=locale, decimal_quantization=False)

    def shown(ind: domain.Indicator, figure: domain.Figure | None) -> str:
        if figure is None:
            return "–"
        if ind.unit == "percent":
            return percent(figure.value)
        return format_decimal(round(figure.value), locale=locale)

    def target(ind: domain.Indicator, value: float | None) -> str:
        if value is None:
            return "–"
        if ind.unit == "percent":
            return percent(value / 100)
        return format_decimal(value, locale=locale)

    def chart_points(row: impact.IndicatorView) -> list[tuple[str, int]]:
        points = []
        for month, figure in zip(view.months, row.months, strict=True):
            if figure is not None:
                value = domain.shown(row.indicator, figure.value)
                points.append((format_date(month, "LLL", locale=locale), round(value)))
        return points

    def chart_fmt(ind: domain.Indicator) -> Any:
        if ind.unit == "percent":
            return lambda v: format_percent(v / 100, locale=locale)
        return lambda v: format_decimal(v, locale=locale)

    now = datetime.now(UTC).year
    return {
        "view": view,
        "year": view.year,
        "years": list(range(max(FIRST_YEAR, now - 5), now + 2)),
        "stages": domain.STAGES,
        "stage_labels": domain.STAGE_LABELS,
        "trend_labels": TREND_LABELS,
        "month_names": [format_date(m, "LLLL yyyy", locale=locale) for m in view.months],
        "shown": shown,
        "target_text": target,
        "progress_text": lambda p: format_percent(p, locale=locale) if p is not None else "–",
        "chart_points": chart_points,
        "chart_fmt": chart_fmt,
        "line_chart": line_chart,
        "part_name": part_namer(lang),
        "area_names": {},
        "computed_at": view.computed_at,
        "may_edit": request.state.staff.may("editor"),
    }


@router.get("")
async def impact_page(
    request: Request,
    uow: Uow,
    staff: Viewer,
    year: Year = None,
    saved: Annotated[str, Query(max_length=2)] = "",
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    view = await impact.impact_view(uow, year=_year(year))
    context = {
        **_context(request, view, lang),
        "saved": saved == "1",
        "area_names": await assessments.area_names(uow, lang=lang),
    }
    return pages.render(request, "staff_impact.html", context, lang=lang)


@router.get("/report")
async def impact_report(request: Request, uow: Uow, staff: Viewer, year: Year = None) -> Response:
    """The same figures on one printable page (A4), for the programme's annual report."""
    request.state.staff = staff
    lang = staff_language(request)
    view = await impact.impact_view(uow, year=_year(year))
    return pages.render(
        request, "staff_impact_report.html", _context(request, view, lang), lang=lang
    )


@router.get("/export.xlsx")
async def impact_export(request: Request, uow: Uow, staff: Viewer, year: Year = None) -> Response:
    lang = staff_language(request)
    locale = BABEL_LOCALES.get(lang, "fi_FI")
    view = await impact.impact_view(uow, year=_year(year))
    data = export.workbook(
        view,
        gettext=pages.gettext(lang),
        month_label=lambda m: format_date(m, "LLL yyyy", locale=locale),
        part_name=part_namer(lang),
    )
    name = f"impact-{view.year}.xlsx"
    return Response(
        data,
        media_type=export.XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _targets_form(
    request: Request,
    staff: Staff,
    *,
    year: int,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    set_by: dict[str, str] | None = None,
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    return pages.render(
        request,
        "staff_impact_targets.html",
        {
            "year": year,
            "values": values,
            "errors": errors or {},
            "set_by": set_by or {},
            "stages": domain.STAGES,
            "stage_labels": domain.STAGE_LABELS,
            "of_stage": domain.of_stage,
        },
        lang=lang,
        status_code=422 if errors else 200,
    )


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


@router.get("/targets")
async def targets_page(request: Request, uow: Uow, staff: Editor, year: Year = None) -> Response:
    chosen = _year(year)
    held = await impact.targets(uow, year=chosen)
    values = {f"target_{i.key}": "" for i in domain.CATALOGUE}
    values |= {f"target_{key}": _plain(row.target) for key, row in held.items()}
    when = {key: row.set_at.date().isoformat() for key, row in held.items()}
    return _targets_form(request, staff, year=chosen, values=values, set_by=when)


@router.post("/targets")
async def save_targets(request: Request, uow: Uow, staff: Editor, year: Year = None) -> Response:
    """Every filled field is a target; a field left as it was changes nothing (not audited)."""
    chosen = _year(year)
    try:
        raw = await read_form(request)
    except FormTooLarge:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too large") from None
    typed = {i.key: (raw.get(f"target_{i.key}") or [""])[0].strip() for i in domain.CATALOGUE}
    held = await impact.targets(uow, year=chosen)
    errors: dict[str, str] = {}
    wanted: dict[str, float] = {}
    for ind in domain.CATALOGUE:
        if not typed[ind.key]:
            continue
        try:
            value = domain.parse_target(ind, typed[ind.key])
        except ValueError as error:
            errors[f"target_{ind.key}"] = str(error)
            continue
        if ind.key not in held or held[ind.key].target != value:
            wanted[ind.key] = value
    if errors:
        values = {f"target_{key}": text for key, text in typed.items()}
        return _targets_form(request, staff, year=chosen, values=values, errors=errors)
    for key, value in wanted.items():
        try:
            await impact.set_target(
                uow, actor=actor_of(staff), indicator=key, year=chosen, target=str(value)
            )
        except InvalidInput as error:  # pragma: no cover - parse_target checked it already
            values = {f"target_{k}": text for k, text in typed.items()}
            errors = {f"target_{key}": error.message}
            return _targets_form(request, staff, year=chosen, values=values, errors=errors)
    return RedirectResponse(f"/staff/impact?year={chosen}&saved=1", status.HTTP_303_SEE_OTHER)
