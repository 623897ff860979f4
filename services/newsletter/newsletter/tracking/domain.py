"""Open and click tracking in campaign HTML, and the public (archive) form of a mail.

Click links carry the target inside a signed token, so the redirect only ever follows an
address this service wrote into a mail itself (no open redirect).
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.events.mail import MailOrigin

# Each kind of link has its own purpose, so an open-pixel token is never a click and back.
OPEN_PURPOSE = "track-open"
CLICK_PURPOSE = "track-click"
# Mails sent before the split carry this one purpose for both kinds; their tokens still verify,
# but only in the shape of their kind (an open token has no URL; a click token has one).
LEGACY_PURPOSE = "track"
OPEN = "open"
CLICK = "click"
_HREF = re.compile(r'href="(https?://[^"]+)"', re.IGNORECASE)
# Sent in place of personal links when a mail is shown publicly; the links are then removed.
PERSONAL_SENTINEL = "https://personal.invalid/"
_PERSONAL_LINK = re.compile(
    r"(?:<br\s*/?>)?\s*(?:·\s*)?<a href=\"" + re.escape(PERSONAL_SENTINEL) + r"\"[^>]*>.*?</a>",
    re.DOTALL,
)


@dataclass(frozen=True)
class TrackedTarget:
    """What a verified click or open token says."""

    delivery_id: str
    url: str | None


@dataclass(frozen=True)
class TrackedDelivery:
    """The delivery a tracking link names, as its mail event tells of it."""

    id: uuid.UUID
    origin: MailOrigin
    origin_id: str | None
    origin_label: str | None
    origin_group: str | None
    campaign_id: uuid.UUID | None
    contact_id: uuid.UUID | None


@dataclass(frozen=True)
class TrackingEvent:
    """One recorded open or click of a delivery."""

    delivery_id: uuid.UUID
    campaign_id: uuid.UUID | None
    kind: str  # OPEN | CLICK
    url: str | None
    at: datetime


def open_payload(delivery_id: str) -> dict[str, str]:
    return {"d": delivery_id}


def click_payload(delivery_id: str, url: str) -> dict[str, str]:
    return {"d": delivery_id, "u": url}


def purpose_of(*, click: bool) -> str:
    return CLICK_PURPOSE if click else OPEN_PURPOSE


def parse_payload(payload: object, *, click: bool) -> TrackedTarget | None:
    """None for a payload that is not ours (a well-signed token of the wrong shape)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("d"), str):
        return None
    if set(payload) != ({"d", "u"} if click else {"d"}):
        return None
    url = payload.get("u")
    if click and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        return None
    return TrackedTarget(delivery_id=payload["d"], url=url if click else None)


def rewrite_links(body: str, tracked: Callable[[str], str], *, keep: Callable[[str], bool]) -> str:
    """Every http(s) href through `tracked(url)`, except those `keep(url)` leaves alone."""

    def one(match: re.Match[str]) -> str:
        url = html.unescape(match.group(1))
        if keep(url):
            return match.group(0)
        return f'href="{html.escape(tracked(url), quote=True)}"'

    return _HREF.sub(one, body)


def add_pixel(body: str, pixel_url: str) -> str:
    img = (
        f'<img src="{html.escape(pixel_url, quote=True)}" width="1" height="1" alt="" '
        'style="display:block;border:0;width:1px;height:1px">'
    )
    return insert_before_body_end(body, img)


def strip_personal_links(body: str) -> str:
    return _PERSONAL_LINK.sub("", body)


def insert_before_body_end(body: str, fragment: str) -> str:
    at = body.lower().rfind("</body>")
    if at < 0:
        return body + fragment
    return body[:at] + fragment + body[at:]
