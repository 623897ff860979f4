"""The preference centre and the unsubscribe links (incl. RFC 8058 one-click)."""

from __future__ import annotations

import contextlib
import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse

from contacts.consents.domain import PURPOSES, Purpose
from contacts.deps import Settings, Uow
from contacts.errors import InvalidInput, NotFound
from contacts.preferences import service
from contacts.public import FormTooLarge, client_ip, link_problem, read_form, read_token
from contacts.rendering import pages, public_language
from contacts.unit_of_work import ContactsUnitOfWork
from shared.tokens import TokenError

router = APIRouter(include_in_schema=False)
# The unsubscribe page's buttons: what each one stops.
UNSUBSCRIBE_CHOICES: dict[str, tuple[Purpose, ...]] = {
    "newsletter": ("newsletter",),
    "surveys": ("surveys",),
    "all": PURPOSES,
}
ONE_CLICK = "List-Unsubscribe=One-Click"


async def _page(
    request: Request,
    uow: ContactsUnitOfWork,
    person_id: uuid.UUID,
    token: str,
    *,
    saved: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    person, offered = await service.preferences_of(uow, person_id)  # NotFound once erased
    lang = public_language(request, person.language)
    topics = [(t.key, t.name(lang)) for t in offered]
    return pages.render(
        request,
        "preferences.html",
        {"person": person, "topics": topics, "token": token, "saved": saved, "error": error},
        lang=lang,
        status_code=status_code,
    )


@router.get("/preferences/{token}")
async def preferences_page(token: str, request: Request, uow: Uow, settings: Settings) -> Response:
    try:
        person_id = read_token(
            settings, "preferences", token, "c", settings.preferences_link_max_age_s
        )
        return await _page(request, uow, person_id, token)
    except (TokenError, NotFound) as exc:
        return link_problem(request, exc, kind="preferences")


@router.post("/preferences/{token}")
async def save_preferences(token: str, request: Request, uow: Uow, settings: Settings) -> Response:
    try:
        person_id = read_token(
            settings, "preferences", token, "c", settings.preferences_link_max_age_s
        )
        form = await read_form(request)
        return await _act(request, uow, person_id, token, form)
    except FormTooLarge:
        return pages.render(
            request,
            "join_limited.html",
            {"too_large": True},
            lang=public_language(request, await service.language_of(uow, person_id)),
            status_code=413,
        )
    except (TokenError, NotFound) as exc:
        return link_problem(request, exc, kind="preferences")


async def _act(
    request: Request,
    uow: ContactsUnitOfWork,
    person_id: uuid.UUID,
    token: str,
    form: dict[str, list[str]],
) -> Response:
    """One of the page's three forms: save, unsubscribe, or erase."""
    lang = public_language(request, await service.language_of(uow, person_id))
    action = (form.get("action") or ["save"])[0]
    if action == "unsubscribe":
        await service.unsubscribe(uow, person_id, method="preferences", ip=client_ip(request))
        return pages.render(request, "unsubscribed.html", {"stopped": "all"}, lang=lang)
    if action == "erase":
        if (form.get("erase_confirm") or [""])[0] != "yes":
            return await _page(
                request,
                uow,
                person_id,
                token,
                status_code=422,
                error="Tick the box to confirm that your data may be erased.",
            )
        await service.erase_on_request(uow, person_id)
        return pages.render(request, "erased.html", lang=lang)
    try:
        await service.update_preferences(
            uow,
            person_id,
            topics=form.get("topics", []),
            language=(form.get("language") or [""])[0],
            first_name=(form.get("first_name") or [""])[0],
            last_name=(form.get("last_name") or [""])[0],
        )
    except InvalidInput:
        return await _page(
            request,
            uow,
            person_id,
            token,
            status_code=422,
            error="Check your answers: something was not accepted.",
        )
    return await _page(request, uow, person_id, token, saved=True)


@router.get("/unsubscribe/{token}")
async def unsubscribe_page(token: str, request: Request, uow: Uow, settings: Settings) -> Response:
    """In the person's language (the mail's), unless the visitor switches on the page."""
    try:
        person_id = read_token(
            settings, "unsubscribe", token, "c", settings.unsubscribe_link_max_age_s
        )
    except TokenError as exc:
        return link_problem(request, exc, kind="unsubscribe")
    lang = public_language(request, await service.language_of(uow, person_id))
    return pages.render(request, "unsubscribe.html", {"token": token}, lang=lang)


@router.post("/unsubscribe/{token}")
async def unsubscribe(token: str, request: Request, uow: Uow, settings: Settings) -> Response:
    """RFC 8058: a mail client POSTs `List-Unsubscribe=One-Click`; answer 200, no redirect."""
    try:
        person_id = read_token(
            settings, "unsubscribe", token, "c", settings.unsubscribe_link_max_age_s
        )
        form = await read_form(request)
    except TokenError as exc:
        return link_problem(request, exc, kind="unsubscribe")
    except FormTooLarge:
        return PlainTextResponse("Request too large.", status_code=413)
    one_click = (form.get("List-Unsubscribe") or [""])[0] == "One-Click"
    # The page offers newsletters, survey invitations or everything; a mail client's one-click
    # (and anything unknown) stops everything: the most a person can have asked for.
    what = (form.get("what") or ["all"])[0]
    purposes = UNSUBSCRIBE_CHOICES.get(what, PURPOSES) if not one_click else PURPOSES
    # Erased already: nothing is sent to this person any more, which is what was asked.
    with contextlib.suppress(NotFound):
        await service.unsubscribe(
            uow,
            person_id,
            method="unsubscribe",
            purposes=purposes,
            ip=client_ip(request),
        )
    if one_click:
        return PlainTextResponse("Unsubscribed.", status_code=200)
    stopped = what if what in UNSUBSCRIBE_CHOICES else "all"
    lang = public_language(request, await service.language_of(uow, person_id))
    return pages.render(request, "unsubscribed.html", {"stopped": stopped}, lang=lang)
