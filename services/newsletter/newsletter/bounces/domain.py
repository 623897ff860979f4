"""Delivery-status notifications (RFC 3464) and what they say about one of our deliveries.

A DSN reaches us at the VERP address `bounces+{delivery id hex}@{mail domain}` of the mail
it reports on; when a relay rewrote that address, the returned headers still carry our
deterministic `Message-ID: <{delivery id}@{mail domain}>`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from email.parser import HeaderParser
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from shared.events.mail import MailOrigin

BounceKind = Literal["hard", "deferred"]

_VERP = re.compile(r"bounces\+([0-9a-f]{32})@", re.IGNORECASE)
_STATUS = re.compile(r"^([245])\.\d{1,3}\.\d{1,3}")
# Headers an MDA or a relay leaves with the address the DSN was delivered to.
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To")


@dataclass(frozen=True)
class RecipientStatus:
    """One per-recipient block of a `message/delivery-status` part."""

    action: str  # failed | delayed | delivered | relayed | expanded
    status: str  # e.g. 5.1.1
    final_recipient: str | None
    diagnostic: str | None

    @property
    def kind(self) -> BounceKind | None:
        """5.x.x is permanent (whatever the Action says); 4.x.x only tells of a delay."""
        match = _STATUS.match(self.status)
        if match is None or self.action in ("delivered", "relayed", "expanded"):
            return None
        return "hard" if match.group(1) == "5" else "deferred" if match.group(1) == "4" else None


@dataclass(frozen=True)
class Dsn:
    """What a DSN says, with every key we may find its delivery by."""

    envelope_id: str | None
    recipients: tuple[RecipientStatus, ...]
    verp_ids: tuple[uuid.UUID, ...]
    message_id: str | None

    @property
    def worst(self) -> RecipientStatus | None:
        """We send one recipient per mail, so one verdict: a hard failure over a delay."""
        ranked = [r for r in self.recipients if r.kind is not None]
        ranked.sort(key=lambda r: 0 if r.kind == "hard" else 1)
        return ranked[0] if ranked else None

    def delivery_id(self, mail_domain: str) -> uuid.UUID | None:
        """VERP first (our own envelope), then ENVID, then the returned Message-ID."""
        if self.verp_ids:
            return self.verp_ids[0]
        for candidate in (self.envelope_id, self.message_id):
            found = _our_id(candidate, mail_domain)
            if found is not None:
                return found
        return None


@dataclass(frozen=True)
class BouncedDelivery:
    """The delivery a DSN reports on, as its mail event tells of it."""

    id: uuid.UUID
    origin: MailOrigin
    origin_id: str | None
    origin_label: str | None
    origin_group: str | None
    contact_id: uuid.UUID | None
    to_email: str | None
    status: str


class NotADsn(ValueError):
    """The mail has no `message/delivery-status` part (an autoreply, spam, ...)."""


def _our_id(value: str | None, mail_domain: str) -> uuid.UUID | None:
    if not value:
        return None
    local, _, domain = value.strip().strip("<>").partition("@")
    if domain and domain.lower() != mail_domain.lower():
        return None
    try:
        return uuid.UUID(local)
    except ValueError:
        return None


def _address(field: str | None) -> str | None:
    """`rfc822; someone@example.fi` -> the address."""
    if not field:
        return None
    _, _, address = str(field).partition(";")
    return (address or str(field)).strip().strip("<>") or None


def _one_line(value: object) -> str | None:
    if value is None:
        return None
    return " ".join(str(value).split()) or None


def verp_ids(addresses: Iterable[str]) -> tuple[uuid.UUID, ...]:
    found = []
    for address in addresses:
        for match in _VERP.finditer(address):
            found.append(uuid.UUID(match.group(1)))
    return tuple(dict.fromkeys(found))


def _parts(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def _returned_message_id(report: Message) -> str | None:
    for part in report.walk():
        ctype = part.get_content_type()
        if ctype == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
            value = HeaderParser().parsestr(text).get("Message-ID")
            if value:
                return str(value).strip()
        elif ctype == "message/rfc822":
            inner = [m for m in _parts(part) if m.get("Message-ID")]
            if inner:
                return str(inner[0]["Message-ID"]).strip()
    return None


def parse_dsn(raw: bytes, envelope_recipients: Sequence[str] = ()) -> Dsn:
    """Parse a multipart/report DSN; `envelope_recipients` are the RCPT TO addresses when
    it came over SMTP (a file or Maildir has only the headers an MDA added)."""
    msg = message_from_bytes(raw, policy=policy.compat32)
    status_part = next(
        (p for p in msg.walk() if p.get_content_type() == "message/delivery-status"), None
    )
    if status_part is None:
        raise NotADsn("no message/delivery-status part")
    blocks = _parts(status_part)
    if not blocks:
        raise NotADsn("empty delivery-status part")
    per_message, per_recipient = blocks[0], blocks[1:]
    recipients = tuple(
        RecipientStatus(
            action=str(b.get("Action", "")).strip().lower(),
            status=str(b.get("Status", "")).strip(),
            final_recipient=_address(b.get("Final-Recipient") or b.get("Original-Recipient")),
            diagnostic=_one_line(b.get("Diagnostic-Code")),
        )
        for b in per_recipient
        if b.get("Action") is not None
    )
    addresses = list(envelope_recipients) + [
        str(v) for name in _RECIPIENT_HEADERS for v in msg.get_all(name, [])
    ]
    envid = per_message.get("Original-Envelope-Id")
    return Dsn(
        envelope_id=str(envid).strip() if envid else None,
        recipients=recipients,
        verp_ids=verp_ids(addresses),
        message_id=_returned_message_id(msg),
    )
