"""The public newsletter archive: /archive, /archive/{id} ("view in browser") and /feed (Atom)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from newsletter.archive import service
from newsletter.deps import Settings, Uow
from newsletter.mail.strings import FOOTER
from newsletter.rendering import mail_templates, pages, public_language
from newsletter.tracking.domain import insert_before_body_end

router = APIRouter(tags=["archive"], include_in_schema=False)
ATOM = "http://www.w3.org/2005/Atom"
TITLES = {
    "fi": "Digituen uutiskirjeet",
    "sv": "Digistödets nyhetsbrev",
    "en": "Digituki newsletters",
}
ARCHIVE = {"fi": "Uutiskirjearkisto", "sv": "Nyhetsbrevsarkiv", "en": "Newsletter archive"}
# The mail's own HTML (inline styles, remote images) in a page of its own: nothing else runs.
MAIL_PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "font-src https:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def mail_page(html: str, lang: str) -> HTMLResponse:
    """The mail as sent (minus personal links) plus the legal links every public page has."""
    t = FOOTER[lang]
    legal = (
        '<nav aria-label="{brand}" style="font-family:sans-serif;text-align:center;'
        'padding:16px"><a href="/archive?lang={lang}">{archive}</a> · '
        '<a href="/accessibility?lang={lang}">{acc}</a> · '
        '<a href="/privacy?lang={lang}">{priv}</a></nav>'
    ).format(
        lang=lang,
        brand=escape(t["brand"]),
        archive=escape(ARCHIVE[lang]),
        acc=escape(t["accessibility"]),
        priv=escape(t["privacy"]),
    )
    return HTMLResponse(
        insert_before_body_end(html, legal),
        headers={"Content-Security-Policy": MAIL_PAGE_CSP, "X-Frame-Options": "SAMEORIGIN"},
    )


@router.get("/archive", response_class=HTMLResponse)
async def archive_list(request: Request, uow: Uow, settings: Settings) -> HTMLResponse:
    lang = public_language(request)
    found = await service.archive(uow, mail_templates(settings.public_base_url), lang)
    return pages.render(request, "pages/archive.html", {"campaigns": found}, lang=lang)


@router.get("/archive/{campaign_id}", response_class=HTMLResponse)
async def archive_campaign(
    campaign_id: uuid.UUID, request: Request, uow: Uow, settings: Settings
) -> HTMLResponse:
    """The mail's "read in your browser" link carries `?lang=` of the mail: its version."""
    lang = public_language(request)
    shown = await service.archived_campaign(
        uow, mail_templates(settings.public_base_url), campaign_id, lang
    )
    return mail_page(shown.html, shown.language)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


@router.get("/feed")
async def feed(request: Request, uow: Uow, settings: Settings) -> Response:
    lang = public_language(request)
    base = settings.public_base_url.rstrip("/")
    found = await service.archive(uow, mail_templates(settings.public_base_url), lang)
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    _sub(root, "id", f"{base}/feed?lang={lang}")
    _sub(root, "title", TITLES[lang])
    updated = found[0].sent_at if found else datetime(2026, 1, 1, tzinfo=UTC)
    _sub(root, "updated", updated.isoformat())
    _sub(root, "link", rel="self", href=f"{base}/feed?lang={lang}")
    _sub(root, "link", rel="alternate", type="text/html", href=f"{base}/archive?lang={lang}")
    author = _sub(root, "author")
    _sub(author, "name", FOOTER[lang]["brand"])
    for c in found:
        entry = _sub(root, "entry")
        _sub(entry, "id", f"urn:uuid:{c.id}")
        _sub(entry, "title", c.subject)
        _sub(entry, "updated", c.sent_at.isoformat())
        if c.summary:
            _sub(entry, "summary", c.summary)
        _sub(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=f"{base}/archive/{c.id}?lang={lang}",
        )
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8")
