"""Adding and editing questions inline on the builder page.

One form per question (and one "add a question" form per page). Besides saving, a form can
be sent back to its author unsaved: `retype` (show the fields of the chosen type, or the
answers of the chosen earlier question), `add_row:<list>` and `remove_row:<list>:<n>` (the
option rows); with JavaScript (builder.js) these happen in the browser instead.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from shared.web.staff import Editor, Staff
from surveys.builder import service as builder
from surveys.builder.domain import edits
from surveys.builder.domain.survey import MAX_PAGES
from surveys.builder.pages.context import OpenForm
from surveys.builder.pages.editor import BASE, _editor, _error, _see
from surveys.builder.pages.forms import (
    OPTION_LISTS,
    question_form,
    question_of,
    with_row_added,
    with_row_removed,
)
from surveys.deps import UnitOfWork, actor
from surveys.errors import Conflict, InvalidInput

router = APIRouter(prefix=BASE, include_in_schema=False)


async def _question_form(request: Request) -> dict[str, str]:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str) and k != "show_if_values"}
    ticked = [v for v in raw.getlist("show_if_values") if isinstance(v, str)]
    if ticked:
        form["show_if_value"] = ", ".join(ticked)
        form["show_if_op"] = form.get("show_if_op") or "in"
    return form


def _refreshed(form: dict[str, str]) -> dict[str, str] | None:
    """The form as it should come back unsaved, or None when the action is to save."""
    action, _, arg = form.get("action", "save").partition(":")
    if action == "retype":
        return form
    if action == "add_row" and arg in OPTION_LISTS:
        return with_row_added(form, arg)
    if action == "remove_row":
        name, _, index = arg.partition(":")
        if name in OPTION_LISTS and index.isdigit():
            return with_row_removed(form, name, int(index))
    return None


@router.get("/{survey_id}/questions/{question_id}")
async def question_page(
    survey_id: uuid.UUID, question_id: str, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    """The builder page with this question's form open (a link that works without JS)."""
    current = await builder.get_survey(uow, survey_id)
    p, i = edits.find(current["definition"], question_id)
    question = current["definition"]["pages"][p]["questions"][i]
    opened = OpenForm(f"q-{question_id}", question_form(question))
    return _editor(request, staff, current, error=None, open_form=opened)


async def _save(
    request: Request,
    uow: UnitOfWork,
    staff: Staff,
    survey_id: uuid.UUID,
    key: str,
    form: dict[str, str],
) -> Response | None:
    """None when saved; otherwise the builder page with the form sent back."""
    refreshed = _refreshed(form)
    if refreshed is not None:
        current = await builder.get_survey(uow, survey_id)
        return _editor(request, staff, current, error=None, open_form=OpenForm(key, refreshed))
    return None


def _sent_back(
    request: Request,
    staff: Staff,
    current: dict[str, Any],
    key: str,
    form: dict[str, str],
    exc: InvalidInput | Conflict,
) -> Response:
    code = 409 if isinstance(exc, Conflict) else 422
    opened = OpenForm(key, form, _error(exc, key))
    return _editor(request, staff, current, error=None, status_code=code, open_form=opened)


def _version(form: dict[str, str]) -> int:
    try:
        return int(form.get("version", ""))
    except ValueError as exc:
        raise InvalidInput("version missing", field="version") from exc


@router.post("/{survey_id}/questions/{question_id}")
async def save_question(
    survey_id: uuid.UUID, question_id: str, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    form = await _question_form(request)
    key = f"q-{question_id}"
    if (back := await _save(request, uow, staff, survey_id, key, form)) is not None:
        return back
    try:
        question = question_of(form)
        await builder.edit_survey(
            uow,
            survey_id,
            edit=lambda d: edits.replace_question(d, question_id, question),
            version=_version(form),
            actor=actor(staff),
        )
    except (InvalidInput, Conflict) as exc:
        current = await builder.get_survey(uow, survey_id)
        return _sent_back(request, staff, current, key, form, exc)
    return _see(f"{BASE}/{survey_id}/edit#question-{question['id']}")


@router.post("/{survey_id}/pages/{page}/questions")
async def add_question(
    survey_id: uuid.UUID,
    page: Annotated[int, Path(ge=0, le=MAX_PAGES)],
    request: Request,
    uow: UnitOfWork,
    staff: Editor,
) -> Response:
    """A new question, written in full before it is added (never a placeholder)."""
    form = await _question_form(request)
    key = f"new-{page}"
    if (back := await _save(request, uow, staff, survey_id, key, form)) is not None:
        return back
    try:
        question = question_of(form)

        def append(d: edits.Definition) -> edits.Definition:
            if not 0 <= page < len(d["pages"]):
                raise InvalidInput("No such page.", field="pages")
            out = {**d, "pages": [dict(p) for p in d["pages"]]}
            target = out["pages"][page]
            target["questions"] = [*target["questions"], question]
            return out

        await builder.edit_survey(
            uow, survey_id, edit=append, version=_version(form), actor=actor(staff)
        )
    except (InvalidInput, Conflict) as exc:
        current = await builder.get_survey(uow, survey_id)
        return _sent_back(request, staff, current, key, form, exc)
    return _see(f"{BASE}/{survey_id}/edit#question-{question['id']}")
