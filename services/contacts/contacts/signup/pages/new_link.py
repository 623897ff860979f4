"""POST /join/new-link: the form on an expired confirmation link's page asks for a new link.

The answer is the same whether or not the address has a pending signup (no enumeration), and
requests share a per-IP rate limit like the signup form's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from contacts.deps import Settings, Uow
from contacts.public import (
    FormTooLarge,
    address_key,
    address_limiter,
    client_ip,
    confirm_url,
    form_limiter,
    read_form,
)
from contacts.rendering import pages, public_language
from contacts.signup.service.new_link import send_new_link

router = APIRouter(include_in_schema=False)
HONEYPOT = "website"


@router.post("/join/new-link")
async def new_link(request: Request, uow: Uow, settings: Settings) -> Response:
    lang = public_language(request)
    if not form_limiter(request, settings, "new_link").allow(client_ip(request)):
        return pages.render(
            request, "join_limited.html", lang=lang, status_code=429, headers={"Retry-After": "60"}
        )
    try:
        values = await read_form(request)
    except FormTooLarge:
        return pages.render(
            request, "join_limited.html", {"too_large": True}, lang=lang, status_code=413
        )
    email = (values.get("email") or [""])[0][:254]
    honeypot = any(v.strip() for v in values.get(HONEYPOT, []))
    # The same answer when the address already had a new link in the last ten minutes.
    if not honeypot and address_limiter(request).allow(address_key(email)):
        await send_new_link(
            uow, email=email, confirm_url=lambda signup_id: confirm_url(settings, signup_id)
        )
    return pages.render(request, "new_link_sent.html", lang=lang)
