"""Staff pages for topics of interest: the list (Viewer), new, edit, archive (Editor).

Each form goes through the same use case as the API (create_topic, update_topic,
archive_topic), audited the same way. A refused form comes back with what was typed, every
problem next to its field and a summary at the top.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from contacts.deps import Uow, actor_of
from contacts.errors import Conflict, InvalidInput
from contacts.public import FormTooLarge, read_form
from contacts.rendering import pages, staff_language
from contacts.topics import service as topics
from contacts.topics.domain import Topic, problems
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/staff/topics", include_in_schema=False)
Key = Annotated[str, Path(max_length=50)]
FIELDS = ("key", "name_fi", "name_sv", "name_en", "position")
SAVED = {
    "created": "The topic is saved.",
    "changed": "The changes are saved.",
    "archived": "The topic is archived.",
    "restored": "The topic is offered again.",
}


async def _posted(request: Request) -> dict[str, str]:
    try:
        raw = await read_form(request)
    except FormTooLarge:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too large") from None
    return {name: (raw.get(name) or [""])[0] for name in (*FIELDS, "archived")}


def _values_of(topic: Topic | None) -> dict[str, str]:
    if topic is None:
        return {**dict.fromkeys(FIELDS, ""), "position": "0"}
    return {
        "key": topic.key,
        "name_fi": topic.name_fi,
        "name_sv": topic.name_sv,
        "name_en": topic.name_en,
        "position": str(topic.position),
    }


def _form(
    request: Request,
    staff: Staff,
    *,
    topic: Topic | None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    request.state.staff = staff
    return pages.render(
        request,
        "staff_topic_form.html",
        {
            "topic": topic,
            "values": values,
            "errors": errors or {},
            "order": FIELDS if topic is None else FIELDS[1:],
        },
        lang=staff_language(request),
        status_code=422 if errors else 200,
    )


def _refused(error: InvalidInput | Conflict) -> dict[str, str]:
    return {error.field if error.field in FIELDS else "name_fi": error.message}


@router.get("")
async def topic_list(
    request: Request,
    uow: Uow,
    staff: Viewer,
    saved: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    request.state.staff = staff
    found = await topics.list_topics(uow, include_archived=True)
    return pages.render(
        request,
        "staff_topics.html",
        {"topics": found, "may_edit": staff.may("editor"), "saved": SAVED.get(saved, "")},
        lang=staff_language(request),
    )


@router.get("/new")
async def new_topic(request: Request, staff: Editor) -> Response:
    return _form(request, staff, topic=None, values=_values_of(None))


@router.post("/new")
async def create_topic(request: Request, uow: Uow, staff: Editor) -> Response:
    values = await _posted(request)
    errors = problems(**{name: values[name] for name in FIELDS})
    if errors:
        return _form(request, staff, topic=None, values=values, errors=errors)
    try:
        await topics.create_topic(
            uow,
            actor=actor_of(staff),
            key=values["key"].strip(),
            name_fi=values["name_fi"],
            name_sv=values["name_sv"],
            name_en=values["name_en"],
            position=int(values["position"].strip()),
        )
    except (InvalidInput, Conflict) as error:
        return _form(request, staff, topic=None, values=values, errors=_refused(error))
    return RedirectResponse("/staff/topics?saved=created", status.HTTP_303_SEE_OTHER)


@router.get("/{key}/edit")
async def edit_topic(key: Key, request: Request, uow: Uow, staff: Editor) -> Response:
    topic = await topics.get_topic(uow, key)
    return _form(request, staff, topic=topic, values=_values_of(topic))


@router.post("/{key}/edit")
async def change_topic(key: Key, request: Request, uow: Uow, staff: Editor) -> Response:
    topic = await topics.get_topic(uow, key)
    values = {**await _posted(request), "key": topic.key}
    errors = problems(**{name: values[name] for name in FIELDS[1:]})
    if errors:
        return _form(request, staff, topic=topic, values=values, errors=errors)
    before = _values_of(topic)
    changes: dict[str, Any] = {
        name: values[name] for name in FIELDS[1:4] if values[name] != before[name]
    }
    if int(values["position"].strip()) != topic.position:
        changes["position"] = int(values["position"].strip())
    if changes:
        try:
            await topics.update_topic(uow, key, actor=actor_of(staff), **changes)
        except (InvalidInput, Conflict) as error:
            return _form(request, staff, topic=topic, values=values, errors=_refused(error))
    return RedirectResponse("/staff/topics?saved=changed", status.HTTP_303_SEE_OTHER)


@router.get("/{key}/archive")
async def confirm_archive(key: Key, request: Request, uow: Uow, staff: Editor) -> Response:
    """The confirmation: archive an offered topic, or offer an archived one again."""
    request.state.staff = staff
    topic = await topics.get_topic(uow, key)
    lang = staff_language(request)
    return pages.render(
        request,
        "staff_topic_archive.html",
        {"topic": topic, "topic_name": topic.name(lang)},
        lang=lang,
    )


@router.post("/{key}/archive")
async def archive_topic(key: Key, request: Request, uow: Uow, staff: Editor) -> Response:
    wanted = {"yes": True, "no": False}.get((await _posted(request))["archived"])
    if wanted is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "archived is yes or no")
    await topics.archive_topic(uow, key, archived=wanted, actor=actor_of(staff))
    done = "archived" if wanted else "restored"
    return RedirectResponse(f"/staff/topics?saved={done}", status.HTTP_303_SEE_OTHER)
