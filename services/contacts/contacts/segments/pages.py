"""Staff pages for segments: a list, and an editor with a live count (plain form posts)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import RedirectResponse

from contacts.deps import Engine, actor_of
from contacts.errors import InvalidInput
from contacts.rendering import pages, staff_language
from contacts.segments import service
from contacts.segments.domain import Segment
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.segments import RuleError
from shared.web.staff import Staff, Viewer

router = APIRouter(prefix="/staff/segments", include_in_schema=False)
MAX_RULE_CHARS = 20_000
EXAMPLE_RULE = {"all": [{"field": "subscription_state", "op": "eq", "value": "subscribed"}]}


def _page(
    request: Request,
    staff: Staff,
    *,
    segment: Segment | None,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    preview: service.Preview | None = None,
    status_code: int = 200,
) -> Response:
    request.state.staff = staff
    return pages.render(
        request,
        "staff_segment.html",
        {
            "segment": segment,
            "form": form,
            "errors": errors or {},
            "preview": preview,
            "may_edit": staff.may("editor"),
        },
        lang=staff_language(request),
        status_code=status_code,
    )


def _form_of(segment: Segment | None) -> dict[str, str]:
    return {
        "name": segment.name if segment else "",
        "description": segment.description if segment else "",
        "rule": json.dumps(segment.rule if segment else EXAMPLE_RULE, indent=2, ensure_ascii=False),
    }


async def _read_form(request: Request) -> dict[str, str]:
    raw = await request.form()
    return {k: str(raw.get(k, "")) for k in ("name", "description", "rule", "action")}


def _decode_rule(text: str) -> Any:
    if len(text) > MAX_RULE_CHARS:
        raise RuleError(f"the rule is longer than {MAX_RULE_CHARS} characters")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleError(f"not valid JSON (line {exc.lineno}, column {exc.colno})") from exc


@router.get("")
async def segment_list(request: Request, engine: Engine, staff: Viewer) -> Response:
    request.state.staff = staff
    found = await service.list_segments(
        SqlContactsUnitOfWork(engine), include_archived=True, lang=staff_language(request)
    )
    return pages.render(
        request,
        "staff_segments.html",
        {"segments": found, "may_edit": staff.may("editor")},
        lang=staff_language(request),
    )


@router.get("/new")
async def new_segment(request: Request, staff: Viewer) -> Response:
    return _page(request, staff, segment=None, form=_form_of(None))


@router.get("/{segment_id}")
async def edit_segment(
    request: Request, segment_id: uuid.UUID, engine: Engine, staff: Viewer
) -> Response:
    segment = await service.get_segment(SqlContactsUnitOfWork(engine), segment_id)
    return _page(request, staff, segment=segment, form=_form_of(segment))


@router.post("/new")
async def post_new_segment(request: Request, engine: Engine, staff: Viewer) -> Response:
    return await _handle_post(request, engine, staff, None)


@router.post("/{segment_id}")
async def post_segment(
    request: Request, segment_id: uuid.UUID, engine: Engine, staff: Viewer
) -> Response:
    return await _handle_post(
        request, engine, staff, await service.get_segment(SqlContactsUnitOfWork(engine), segment_id)
    )


async def _handle_post(
    request: Request, engine: Engine, staff: Staff, segment: Segment | None
) -> Response:
    """ "preview" only reads (any staff); "save" and "archive" need an editor."""
    form = await _read_form(request)
    action = form.pop("action") or "preview"
    if action not in ("preview", "save", "archive") or (action == "archive" and segment is None):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "unknown action")
    if action != "preview" and not staff.may("editor"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs the editor role")
    actor = actor_of(staff)
    try:
        if action == "archive" and segment is not None:  # checked above; narrows for mypy
            await service.update_segment(
                SqlContactsUnitOfWork(engine), segment.id, actor=actor, archived=True
            )
            return RedirectResponse("/staff/segments", status.HTTP_303_SEE_OTHER)
        rule = _decode_rule(form["rule"])
        if action == "preview":
            result = await service.preview(
                SqlContactsUnitOfWork(engine), rule, lang=staff_language(request)
            )
            return _page(request, staff, segment=segment, form=form, preview=result)
        if segment is None:
            saved = await service.create_segment(
                SqlContactsUnitOfWork(engine),
                actor=actor,
                name=form["name"],
                description=form["description"],
                rule=rule,
            )
        else:
            saved = await service.update_segment(
                SqlContactsUnitOfWork(engine),
                segment.id,
                actor=actor,
                name=form["name"],
                description=form["description"],
                rule=rule,
            )
    except RuleError as error:
        message = f"{error.path or '/'}: {error.message}"
        return _page(
            request, staff, segment=segment, form=form, errors={"rule": message}, status_code=422
        )
    except InvalidInput as error:
        field = error.field if error.field in ("name", "description") else "rule"
        return _page(
            request,
            staff,
            segment=segment,
            form=form,
            errors={field: error.message},
            status_code=422,
        )
    return RedirectResponse(f"/staff/segments/{saved.id}", status.HTTP_303_SEE_OTHER)
