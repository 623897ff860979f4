"""Admins edit the legal texts: preview, then publish a new version (plain form posts)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import RedirectResponse

from contacts.deps import Settings, Uow, actor_of
from contacts.errors import InvalidInput
from contacts.labels import staff_names
from contacts.legal import service
from contacts.legal.domain.markup import fill, to_html
from contacts.legal.domain.texts import LEGAL_KINDS, LEGAL_LANGUAGES, LegalKind, parse_kind
from contacts.rendering import pages, staff_language
from shared.web.staff import Admin, Staff

router = APIRouter(prefix="/staff/legal", include_in_schema=False)
KIND_LABELS = {
    "accessibility": "Accessibility statement",
    "privacy": "Privacy notice",
    "consent": "Consent wording of the signup form",
}


def _kind(raw: str | None) -> LegalKind:
    try:
        return parse_kind(raw or "privacy")
    except InvalidInput as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such legal text") from exc


async def _page(
    request: Request,
    uow: Uow,
    settings: Settings,
    staff: Staff,
    *,
    kind: LegalKind,
    texts: dict[str, str] | None = None,
    preview: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    request.state.staff = staff
    current, versions = await service.with_history(uow, kind=kind)
    shown = texts or current.texts
    values = service.retention_periods(settings).placeholders()
    previews: dict[str, Any] = {}
    if preview:
        previews = {lang: to_html(fill(shown[lang], values)) for lang in LEGAL_LANGUAGES}
    return pages.render(
        request,
        "staff_legal.html",
        {
            "kind": kind,
            "kinds": [(k, KIND_LABELS[k]) for k in LEGAL_KINDS],
            "current": current,
            "versions": versions,
            "texts": shown,
            "previews": previews,
            "placeholders": sorted(values),
            "error": error,
            "published": request.query_params.get("published"),
            "staff_names": await staff_names(uow),
        },
        lang=staff_language(request),
        status_code=status_code,
    )


@router.get("")
async def legal_texts(
    request: Request, uow: Uow, settings: Settings, staff: Admin, kind: str = "privacy"
) -> Response:
    return await _page(request, uow, settings, staff, kind=_kind(kind))


@router.post("")
async def edit_legal_text(request: Request, uow: Uow, settings: Settings, staff: Admin) -> Response:
    """ "preview" shows the texts as the public will see them; "publish" adds a version."""
    form = await request.form()
    kind = _kind(str(form.get("kind", "")))
    texts = {lang: str(form.get(f"text_{lang}", "")) for lang in LEGAL_LANGUAGES}
    action = str(form.get("action", "preview"))
    if action not in ("preview", "publish"):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "unknown action")
    if action == "preview":
        return await _page(request, uow, settings, staff, kind=kind, texts=texts, preview=True)
    try:
        published = await service.publish(uow, kind=kind, texts=texts, actor=actor_of(staff))
    except InvalidInput as exc:
        return await _page(
            request,
            uow,
            settings,
            staff,
            kind=kind,
            texts=texts,
            error=str(exc),
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    return RedirectResponse(
        f"/staff/legal?kind={kind}&published={published.version}", status.HTTP_303_SEE_OTHER
    )
