"""The public signup: /join, and the confirmation link of the double opt-in."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter, Request, Response
from markupsafe import Markup, escape

from contacts.classification import load_classification
from contacts.deps import Settings, Uow
from contacts.errors import NotFound
from contacts.legal.pages.public import rendered
from contacts.organisations.domain.organisation import ORGANISATION_TYPES
from contacts.public import (
    FormTooLarge,
    client_ip,
    confirm_url,
    form_limiter,
    link_problem,
    read_form,
    read_token,
)
from contacts.rendering import pages, public_language
from contacts.settings import ContactsSettings
from contacts.signup.domain import parse_signup
from contacts.signup.service import form as signup_form
from contacts.signup.service import signup as service
from contacts.unit_of_work import ContactsUnitOfWork
from shared.tokens import TokenError

router = APIRouter(include_in_schema=False)
HONEYPOT = "website"
LANG_COOKIE = "dt_lang"
# English source labels of the organisation types (translated in the pages' catalogs).
TYPE_LABELS = {
    "library": "Library",
    "service_point": "Service point",
    "authority": "Authority",
    "ngo": "NGO or association",
    "municipality": "Municipality",
    "wellbeing_county": "Wellbeing services county",
    "citizen_advice": "Citizen advice",
    "education": "Education",
    "company": "Company",
    "project": "Project",
    "other": "Other",
}


@cache
def _municipality_options(lang: str) -> tuple[tuple[str, str, str], ...]:
    """(code, opening tag, rest) of each <option>, sorted by the name in `lang`: escaped once
    per language and process, not ~300 times per page view (docs/performance.md)."""
    return tuple(
        (m.code, f'<option value="{escape(m.code)}"', f">{escape(m.name(lang))}</option>")
        for m in load_classification().municipalities_by_name(lang)
    )


def municipality_options(lang: str, selected: str) -> Markup:
    """The municipality <option>s with `selected` chosen."""
    return Markup(  # noqa: S704  (every part escaped in _municipality_options)
        "\n".join(
            f"{opening} selected{rest}" if code == selected else opening + rest
            for code, opening, rest in _municipality_options(lang)
        )
    )


async def _choices(
    uow: ContactsUnitOfWork, settings: ContactsSettings, lang: str
) -> dict[str, Any]:
    found = await signup_form.form_choices(uow, lang=lang)
    return {
        "topics": [(t.key, t.name(lang)) for t in found.topics],
        "organisation_names": found.organisation_names,
        "organisation_types": [(code, TYPE_LABELS[code]) for code in ORGANISATION_TYPES],
        # The form sends the label back, so the log names the wording this person saw.
        "wording_version": found.consent.label,
        "consent_text": rendered(found.consent, lang, settings),
    }


async def _form_page(
    request: Request,
    uow: ContactsUnitOfWork,
    settings: ContactsSettings,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    lang = public_language(request)
    context = await _choices(uow, settings, lang)
    shown = {
        "email": "",
        "first_name": "",
        "last_name": "",
        "organisation": "",
        "organisation_type": "",
        "municipality": "",
        "topics": (),
        "language": lang,
        "membership": False,
        "surveys": False,
        "consent": False,
        **(values or {}),
    }
    options = municipality_options(lang, str(shown["municipality"]))
    response = pages.render(
        request,
        "join.html",
        {**context, "values": shown, "errors": errors or {}, "municipality_options": options},
        lang=lang,
        status_code=status_code,
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/join")
async def join_form(request: Request, uow: Uow, settings: Settings) -> Response:
    return await _form_page(request, uow, settings)


@router.post("/join")
async def join(request: Request, uow: Uow, settings: Settings) -> Response:
    lang = public_language(request)
    if not form_limiter(request, settings, "signup").allow(client_ip(request)):
        return pages.render(
            request, "join_limited.html", lang=lang, status_code=429, headers={"Retry-After": "60"}
        )
    try:
        values = await read_form(request)
    except FormTooLarge:
        return pages.render(
            request, "join_limited.html", {"too_large": True}, lang=lang, status_code=413
        )
    sent = pages.render(request, "join_sent.html", lang=lang)
    if any(v.strip() for v in values.get(HONEYPOT, [])):
        return sent  # a bot: the same answer, nothing stored or sent
    # One transaction for both look-ups (each checkout is a ping and a transaction).
    shown_label = (values.get("wording_version") or [""])[0][:40]
    offered = await signup_form.offered(uow, wording_label=shown_label)
    form, errors, shown = parse_signup(values, known_topics=offered.topic_keys)
    if form is None:
        return await _form_page(
            request, uow, settings, values=shown, errors=errors.by_field, status_code=422
        )
    await service.sign_up(
        uow,
        form=form,
        ip=client_ip(request),
        confirm_url=lambda signup_id: confirm_url(settings, signup_id),
        wording_version=offered.consent.label,
    )
    return sent  # known or unknown address alike: no enumeration


@router.get("/join/confirm/{token}")
async def confirm_page(token: str, request: Request, uow: Uow, settings: Settings) -> Response:
    """A button, not the confirmation itself: mail scanners that open links confirm nothing.

    In the language of the mail (the person's), unless the visitor switches on the page.
    """
    try:
        signup_id = read_token(settings, "confirm", token, "s", settings.confirm_link_max_age_s)
    except TokenError as exc:
        return link_problem(request, exc, kind="confirm")
    person = await service.signup_language(uow, signup_id=signup_id)
    return pages.render(
        request, "confirm.html", {"token": token}, lang=public_language(request, person)
    )


@router.post("/join/confirm/{token}")
async def confirm(token: str, request: Request, uow: Uow, settings: Settings) -> Response:
    try:
        signup_id = read_token(settings, "confirm", token, "s", settings.confirm_link_max_age_s)
        outcome = await service.confirm_signup(uow, signup_id=signup_id)
    except (TokenError, NotFound) as exc:
        return link_problem(request, exc, kind="confirm")
    person = await service.signup_language(uow, signup_id=signup_id)
    return pages.render(
        request,
        "confirmed.html",
        {"already": outcome == "already"},
        lang=public_language(request, person),
    )
