"""Staff pages of the survey builder: plain forms and buttons, every write CSRF-checked.

Every change goes through `service.builder` (the same code path as the JSON API), so the
pages and the API apply the same rules; an edit names the version it was made on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response

from shared.i18n import PUBLIC_LANGUAGES
from shared.web.security import check_csrf
from shared.web.staff import Editor, Staff, Viewer
from surveys.builder import service as builder
from surveys.builder.domain import edits
from surveys.builder.domain.survey import QUESTION_TYPES
from surveys.builder.pages.forms import TEXT_FIELDS, question_form, question_of, texts_of
from surveys.deps import UnitOfWork, actor
from surveys.errors import Conflict, InvalidInput
from surveys.pages import pages, staff_language

router = APIRouter(
    prefix="/surveys/staff/surveys", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
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


def _error(exc: InvalidInput | Conflict) -> dict[str, str]:
    return {"message": exc.message, "field": exc.field or "", "anchor": _anchor(exc.field or "")}


def _anchor(pointer: str) -> str:
    """The id of the form field a JSON pointer (or a form field name) is about."""
    parts = [p for p in pointer.split("/") if p]
    if "questions" in parts:
        parts = parts[parts.index("questions") + 2 :]
    name = parts[0] if parts else "main"
    if name in ("title", "intro", "thanks", "text", "help", "min_label", "max_label"):
        return f"{name}_fi"
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
) -> Response:
    context = {
        "survey_id": current["id"],
        "version": current["version"],
        "definition": current["definition"],
        "languages": PUBLIC_LANGUAGES,
        "types": QUESTION_TYPES,
        "error": error,
    }
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


@router.get("/{survey_id}/questions/{question_id}")
async def question_page(
    survey_id: uuid.UUID, question_id: str, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    current = await builder.get_survey(uow, survey_id)
    p, i = edits.find(current["definition"], question_id)
    question = current["definition"]["pages"][p]["questions"][i]
    return _question(request, staff, current, question_id, question_form(question), None)


def _question(
    request: Request,
    staff: Staff,
    current: dict[str, Any],
    question_id: str,
    form: dict[str, str],
    error: dict[str, str] | None,
    status_code: int = 200,
) -> Response:
    definition = current["definition"]
    earlier = []
    for page in definition["pages"]:
        for q in page["questions"]:
            if q["id"] == question_id:
                break
            earlier.append(q)
        else:
            continue
        break
    context = {
        "survey_id": current["id"],
        "version": current["version"],
        "question_id": question_id,
        "form": form,
        "error": error,
        "types": QUESTION_TYPES,
        "earlier": earlier,
        "languages": PUBLIC_LANGUAGES,
        "title": definition["title"],
    }
    return _render(request, staff, "staff/builder_question.html", context, status_code)


@router.post("/{survey_id}/questions/{question_id}")
async def save_question(
    survey_id: uuid.UUID, question_id: str, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    form = await _form(request)
    try:
        version = int(form.get("version", ""))
        question = question_of(form)
        await builder.edit_survey(
            uow,
            survey_id,
            edit=lambda d: edits.replace_question(d, question_id, question),
            version=version,
            actor=actor(staff),
        )
    except (InvalidInput, Conflict, ValueError) as exc:
        current = await builder.get_survey(uow, survey_id)
        if isinstance(exc, ValueError):
            exc = InvalidInput("version missing", field="version")
        code = 409 if isinstance(exc, Conflict) else 422
        return _question(request, staff, current, question_id, form, _error(exc), code)
    return _see(f"{BASE}/{survey_id}/edit#question-{question['id']}")


@router.get("/{survey_id}/export.json")
async def export_survey(survey_id: uuid.UUID, uow: UnitOfWork, staff: Viewer) -> JSONResponse:
    document = await builder.export_survey(uow, survey_id)
    return JSONResponse(
        document,
        headers={"Content-Disposition": f'attachment; filename="survey-{survey_id}.json"'},
    )


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
