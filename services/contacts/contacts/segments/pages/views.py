"""Staff pages for segments: a list, and a builder with a live count (plain form posts).

The builder posts its whole state as form fields; the buttons "Add condition", "Add group",
"Remove" and "Count" re-render it server-side, so it works without JavaScript. With
JavaScript (`/static/segment_builder.js`) the same form is posted with "Count" as the rule
changes and the count, sample and builder are taken from the answer. The JSON editor (in a
<details>) shows the rule the builder makes; when staff edit it, the JSON wins.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import RedirectResponse

from contacts.deps import Uow, actor_of
from contacts.errors import InvalidInput
from contacts.rendering import HERE, pages, staff_language
from contacts.segments import service
from contacts.segments.builder import (
    BuilderError,
    Condition,
    Group,
    state_of_form,
    state_of_rule,
)
from contacts.segments.domain import Segment
from contacts.segments.fields import BUILDER_FIELDS, GROUP_KINDS, OPERATORS, ROOT_KINDS
from contacts.segments.pages.form import Built, built_of, json_text, node_of, shape
from contacts.segments.vocabulary import Vocabulary, describe
from contacts.unit_of_work import ContactsUnitOfWork
from shared.i18n import SHARED_LOCALE, translator
from shared.segments import RuleError
from shared.web.staff import Staff, Viewer

router = APIRouter(prefix="/staff/segments", include_in_schema=False)


def _translate(request: Request) -> Any:
    return translator([HERE / "locale", SHARED_LOCALE], staff_language(request))


async def _vocabulary(request: Request, uow: ContactsUnitOfWork) -> Vocabulary:
    return await service.vocabulary(
        uow, lang=staff_language(request), translate=_translate(request)
    )


async def _page(
    request: Request,
    uow: ContactsUnitOfWork,
    staff: Staff,
    *,
    segment: Segment | None,
    form: dict[str, str],
    state: Group | None,
    errors: dict[str, str] | None = None,
    node_errors: dict[str, str] | None = None,
    preview: service.Preview | None = None,
    rule: Any = None,
    status_code: int = 200,
) -> Response:
    request.state.staff = staff
    vocabulary = await _vocabulary(request, uow)
    _ = _translate(request)
    current = None
    if segment is not None:
        current = await service.count(uow, segment.rule)
    node_errors = node_errors or {}
    return pages.render(
        request,
        "staff_segment.html",
        {
            "segment": segment,
            "form": form,
            "state": state,
            "shape": shape(state, node_errors),
            "errors": errors or {},
            "node_errors": node_errors,
            "preview": preview,
            "sentence": describe(rule, vocabulary, _) if preview and rule is not None else "",
            "saved_sentence": describe(segment.rule, vocabulary, _) if segment else "",
            "current_count": current,
            "may_edit": staff.may("editor"),
            "fields": BUILDER_FIELDS,
            "operators": OPERATORS,
            "group_kinds": GROUP_KINDS,
            "root_kinds": ROOT_KINDS,
            "options": {k: terms.options() for k, terms in vocabulary.items()},
            "municipality_names": vocabulary["municipality"].names,
            "subscription_names": vocabulary["subscription_state"].names,
        },
        lang=staff_language(request),
        status_code=status_code,
    )


def _form_of(segment: Segment | None) -> tuple[dict[str, str], Group | None]:
    """A saved segment's form, or a new one with one condition to fill in."""
    state = state_of_rule(segment.rule) if segment else Group(items=[Condition()])
    text = json_text(segment.rule if segment else {"all": []})
    form = {
        "name": segment.name if segment else "",
        "description": segment.description if segment else "",
        "rule": text,
        "rule_shown": text,
        "mode": "builder" if state is not None else "json",
    }
    return form, state


@router.get("")
async def segment_list(request: Request, uow: Uow, staff: Viewer) -> Response:
    request.state.staff = staff
    found = await service.list_segments(uow, include_archived=True, lang=staff_language(request))
    vocabulary, _ = await _vocabulary(request, uow), _translate(request)
    return pages.render(
        request,
        "staff_segments.html",
        {
            "segments": found,
            "sentences": {s.id: describe(s.rule, vocabulary, _) for s in found},
            "may_edit": staff.may("editor"),
        },
        lang=staff_language(request),
    )


@router.get("/new")
async def new_segment(request: Request, uow: Uow, staff: Viewer) -> Response:
    form, state = _form_of(None)
    return await _page(request, uow, staff, segment=None, form=form, state=state)


@router.get("/{segment_id}")
async def edit_segment(
    request: Request, segment_id: uuid.UUID, uow: Uow, staff: Viewer
) -> Response:
    segment = await service.get_segment(uow, segment_id)
    form, state = _form_of(segment)
    return await _page(request, uow, staff, segment=segment, form=form, state=state)


@router.post("/new")
async def post_new_segment(request: Request, uow: Uow, staff: Viewer) -> Response:
    return await _handle_post(request, uow, staff, None)


@router.post("/{segment_id}")
async def post_segment(
    request: Request, segment_id: uuid.UUID, uow: Uow, staff: Viewer
) -> Response:
    return await _handle_post(request, uow, staff, await service.get_segment(uow, segment_id))


async def _handle_post(  # noqa: PLR0911 - one answer per outcome
    request: Request, uow: ContactsUnitOfWork, staff: Staff, segment: Segment | None
) -> Response:
    """Building and counting only read (any staff); "save" and "archive" need an editor."""
    raw = await request.form()
    posted = {k: [str(v) for v in raw.getlist(k)] for k in raw}
    form = {k: (posted.get(k) or [""])[0] for k in ("name", "description", "rule", "rule_shown")}
    form["mode"] = "json" if (posted.get("mode") or [""])[0] == "json" else "builder"
    action = (posted.get("action") or ["count"])[0] or "count"
    action = "count" if action == "preview" else action
    if action in ("save", "archive") and not staff.may("editor"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs the editor role")
    if action == "archive":
        if segment is None:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "unknown action")
        await service.update_segment(uow, segment.id, actor=actor_of(staff), archived=True)
        return RedirectResponse("/staff/segments", status.HTTP_303_SEE_OTHER)

    async def again(**extra: Any) -> Response:
        return await _page(request, uow, staff, segment=segment, form=form, **extra)

    try:
        built = built_of(posted, form, action)
    except BuilderError as error:
        state: Group | None = state_of_form(posted)
        return await again(state=state, node_errors={error.node: error.message}, status_code=422)
    except RuleError as error:
        state = None if form["mode"] == "json" else state_of_form(posted)
        message = f"{error.path or '/'}: {error.message}"
        return await again(state=state, errors={"rule": message}, status_code=422)
    if built.rule is None or action not in ("count", "save"):
        return await again(state=built.state)
    try:
        return await _count_or_save(request, uow, staff, segment, form, built, action)
    except RuleError as error:
        node = node_of(error.path, built.places)
        if node is not None:
            return await again(
                state=built.state, node_errors={node: error.message}, status_code=422
            )
        message = f"{error.path or '/'}: {error.message}"
        return await again(state=built.state, errors={"rule": message}, status_code=422)
    except InvalidInput as error:
        field = error.field if error.field in ("name", "description") else "rule"
        return await again(state=built.state, errors={field: error.message}, status_code=422)


async def _count_or_save(
    request: Request,
    uow: ContactsUnitOfWork,
    staff: Staff,
    segment: Segment | None,
    form: dict[str, str],
    built: Built,
    action: str,
) -> Response:
    actor = actor_of(staff)
    if action == "count":
        result = await service.preview(uow, built.rule, lang=staff_language(request))
        return await _page(
            request,
            uow,
            staff,
            segment=segment,
            form=form,
            state=built.state,
            preview=result,
            rule=built.rule,
        )
    text = {"name": form["name"], "description": form["description"]}
    if segment is None:
        saved = await service.create_segment(uow, actor=actor, rule=built.rule, **text)
    else:
        saved = await service.update_segment(uow, segment.id, actor=actor, rule=built.rule, **text)
    return RedirectResponse(f"/staff/segments/{saved.id}", status.HTTP_303_SEE_OTHER)
