"""Staff pages of the survey builder: plain forms and buttons, every write CSRF-checked.

Every change goes through `service.builder` (the same code path as the JSON API), so the
pages and the API apply the same rules; an edit names the version it was made on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response

from shared.web.staff import Editor, Staff, Viewer
from surveys.builder import service as builder
from surveys.builder.domain import edits
from surveys.builder.pages.context import OpenForm, editor_context
from surveys.builder.pages.forms import TEXT_FIELDS, texts_of
from surveys.deps import UnitOfWork, actor
from surveys.errors import Conflict, InvalidInput
from surveys.pages import pages, staff_language

router = APIRouter(prefix="/surveys/staff/surveys", include_in_schema=False)
BASE = "/surveys/staff/surveys"
MAX_IMPORT_BYTES = 1_000_000


async def _form(request: Request) -> dict[str, str]:
    raw = await request.form()
    return {k: v for k, v in raw.items() if isinstance(v, str)}


def _render(
    request: Request, staff: Staff, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    request.state.staff = staff
    return pages.render(
        request, name, context, lang=staff_language(request), status_code=status_code
    )


def _error(exc: InvalidInput | Conflict, prefix: str = "") -> dict[str, str]:
    anchor = _anchor(exc.field or "")
    if prefix:
        anchor = f"{prefix}-{anchor}"
    return {"message": exc.message, "field": exc.field or "", "anchor": anchor}


def _anchor(pointer: str) -> str:
    """The id of the form field a JSON pointer (or a form field name) is about."""
    parts = [p for p in pointer.split("/") if p]
    if "questions" in parts:
        parts = parts[parts.index("questions") + 2 :]
    name = parts[0] if parts else "main"
    if name in ("title", "intro", "thanks", "text", "help", "min_label", "max_label"):
        return f"{name}_fi"
    if name in ("choices", "rows"):
        row = parts[1] if len(parts) > 1 and parts[1].isdigit() else "0"
        return f"{name}-{row}-{'value' if parts[-1] == 'value' else 'fi'}"
    return {"show_if": "show_if_question", "pages": "pages"}.get(name, name)


@router.get("/new")
async def new_survey_page(request: Request, staff: Editor) -> Response:
    return _render(request, staff, "staff/builder_new.html", {"form": {}, "error": None})


@router.post("/new")
async def create_survey(request: Request, uow: UnitOfWork, staff: Editor) -> Response:
    form = await _form(request)
    try:
        created = await builder.create_survey(
            uow, definition=edits.new_survey(texts_of(form, "title")), actor=actor(staff)
        )
    except InvalidInput as exc:
        context = {"form": form, "error": _error(exc)}
        return _render(request, staff, "staff/builder_new.html", context, 422)
    return _see(f"{BASE}/{created['id']}/edit")


@router.post("/import")
async def import_survey(request: Request, uow: UnitOfWork, staff: Editor) -> Response:
    raw = await request.form()
    upload, pasted = raw.get("file"), raw.get("document")
    text = pasted if isinstance(pasted, str) else ""
    if upload is not None and not isinstance(upload, str) and upload.filename:
        text = (await upload.read(MAX_IMPORT_BYTES + 1)).decode("utf-8", errors="replace")
    try:
        if len(text) > MAX_IMPORT_BYTES:
            raise InvalidInput("the file is too large", field="document")
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"not JSON (line {exc.lineno})", field="document") from exc
        created = await builder.import_survey(uow, document=document, actor=actor(staff))
    except InvalidInput as exc:
        context = {"form": {}, "error": _error(exc), "import_text": text}
        return _render(request, staff, "staff/builder_new.html", context, 422)
    return _see(f"{BASE}/{created['id']}/edit")


@router.get("/{survey_id}/edit")
async def editor_page(
    survey_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    current = await builder.get_survey(uow, survey_id)
    return _editor(request, staff, current, error=None)


def _editor(
    request: Request,
    staff: Staff,
    current: dict[str, Any],
    *,
    error: dict[str, str] | None,
    status_code: int = 200,
    open_form: OpenForm | None = None,
) -> Response:
    lang = staff_language(request)
    _ = pages.gettext(lang)
    context = editor_context(
        current,
        lang=lang,
        csrf=request.headers.get("x-staff-csrf", ""),
        labels={"save": _("Save question"), "add": _("Add question"), "other": _("Other")},
        open_form=open_form,
        error=error,
    )
    return _render(request, staff, "staff/builder.html", context, status_code)


@router.post("/{survey_id}/edit")
async def edit_survey(
    survey_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    """One button = one edit; `action` is e.g. `texts`, `add_page`, `move_question_up:q2`."""
    form = await _form(request)
    action, _, arg = form.get("action", "").partition(":")
    if action == "duplicate":
        copy = await builder.duplicate_survey(uow, survey_id, actor=actor(staff))
        return _see(f"{BASE}/{copy['id']}/edit")
    edit = _edit_of(action, arg, form)
    try:
        version = int(form.get("version", ""))
    except ValueError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "version missing") from exc
    try:
        await builder.edit_survey(uow, survey_id, edit=edit, version=version, actor=actor(staff))
    except (InvalidInput, Conflict) as exc:
        current = await builder.get_survey(uow, survey_id)
        code = 409 if isinstance(exc, Conflict) else 422
        return _editor(request, staff, current, error=_error(exc), status_code=code)
    return _see(f"{BASE}/{survey_id}/edit")


def _edit_of(
    action: str, arg: str, form: dict[str, str]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def page_number() -> int:
        try:
            return int(arg)
        except ValueError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "page missing") from exc

    if action == "texts":
        texts = {name: texts_of(form, name) for name in TEXT_FIELDS}
        allow = form.get("allow_edit") == "on"

        def set_texts(d: dict[str, Any]) -> dict[str, Any]:
            titles = [texts_of(form, f"page{p}_title") for p in range(len(d["pages"]))]
            return edits.set_texts(d, texts, titles, allow_edit=allow)

        return set_texts
    if action == "add_page":
        return edits.add_page
    if action == "add_question":
        kind = form.get(f"type_{arg}", "")
        return lambda d: edits.add_question(d, page_number(), kind)[0]
    simple: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "remove_page": lambda d: edits.remove_page(d, page_number()),
        "move_page_up": lambda d: edits.move_page(d, page_number(), -1),
        "move_page_down": lambda d: edits.move_page(d, page_number(), 1),
        "remove_question": lambda d: edits.remove_question(d, arg),
        "move_question_up": lambda d: edits.move_question(d, arg, -1),
        "move_question_down": lambda d: edits.move_question(d, arg, 1),
    }
    if action not in simple:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "unknown action")
    return simple[action]


@router.get("/{survey_id}/export.json")
async def export_survey(survey_id: uuid.UUID, uow: UnitOfWork, staff: Viewer) -> JSONResponse:
    document = await builder.export_survey(uow, survey_id)
    return JSONResponse(
        document,
        headers={"Content-Disposition": f'attachment; filename="survey-{survey_id}.json"'},
    )


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
