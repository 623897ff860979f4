"""The wire form of one mail, built directly as bytes (the `email` package is too slow for
100k mails a run): multipart/alternative, quoted-printable UTF-8 parts, CRLF lines. A mail
with files (an event's .ics) wraps that in multipart/mixed: the alternative part first,
then each file base64 encoded in lines of 76 characters."""

from __future__ import annotations

import base64
import contextlib
import functools
import re
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr
from pathlib import Path

import dkim

from newsletter.mail.splice import qp
from newsletter.mail.templates import Rendered

SIGNED_HEADERS = (
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"mime-version",
    b"content-type",
)


@dataclass(frozen=True)
class Dkim:
    selector: str
    domain: str
    private_key: bytes

    @classmethod
    def from_file(cls, selector: str, domain: str, path: str) -> Dkim:
        return cls(selector=selector, domain=domain, private_key=Path(path).read_bytes())

    def sign(self, message: bytes) -> bytes:
        return bytes(
            dkim.sign(
                message,
                self.selector.encode(),
                self.domain.encode(),
                self.private_key,
                include_headers=list(SIGNED_HEADERS),
            )
        )


@dataclass(frozen=True)
class Headers:
    message_id: str
    from_addr: str
    from_name: str
    to_addr: str
    to_name: str
    language: str
    feedback_id: str
    date: datetime
    # (https URL, mailto URL) for campaign mail: RFC 8058 one-click unsubscribe.
    unsubscribe: tuple[str, str] | None = None


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _header_text(value: str) -> str:
    value = _one_line(value)
    if value.isascii() and len(value) < 900:
        return value
    return Header(value, "utf-8").encode(maxlinelen=76, linesep="\r\n")


def envelope_address(addr: str) -> str:
    """An internationalised domain in its ASCII (IDNA) form, so only a non-ASCII local part
    needs SMTPUTF8 (RFC 6531); the local part is kept as it is."""
    local, at, domain = addr.rpartition("@")
    with contextlib.suppress(UnicodeError):  # a name IDNA cannot encode: the server refuses it
        domain = domain.encode("idna").decode("ascii")
    return f"{local}{at}{domain}"


def _address(name: str, addr: str) -> str:
    addr = envelope_address(addr)
    if addr.isascii():
        return formataddr((_one_line(name), addr), charset="utf-8")
    # RFC 6532: with SMTPUTF8 the address goes in UTF-8 as it is. formataddr refuses it, so it
    # quotes or encodes the name around a stand-in that is then replaced.
    return formataddr((_one_line(name), "stand-in@invalid"), charset="utf-8").replace(
        "stand-in@invalid", addr
    )


@dataclass(frozen=True)
class Attachment:
    """A file of the mail; `filename` and `content_type` were checked when the request came
    (shared/events/mail.py MailAttachment: safe ASCII name, a short list of types)."""

    filename: str
    content_type: str
    content: bytes


_METHOD = re.compile(rb"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


def _attachment_part(attachment: Attachment) -> bytes:
    content_type = attachment.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    if attachment.content_type == "text/calendar":
        # RFC 6047: the iTIP method of the calendar object repeats as a parameter.
        found = _METHOD.search(attachment.content)
        if found:
            content_type += f"; method={found.group(1).decode('ascii')}"
    name = attachment.filename
    encoded = base64.encodebytes(attachment.content).replace(b"\n", b"\r\n")
    return (
        f'Content-Type: {content_type}; name="{name}"\r\n'
        f'Content-Disposition: attachment; filename="{name}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + encoded


class WireReady(bytes):
    """A message whose lines all end in CRLF, that ends in CRLF and in which no line starts
    with ".": SMTP sends it as it is (no line-ending check, no dot-stuffing per mail)."""

    __slots__ = ()


@functools.lru_cache(maxsize=16)
def _from(name: str, addr: str) -> str:
    return _address(name, addr)


def build_message(
    headers: Headers,
    content: Rendered,
    *,
    signer: Dkim | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> bytes:
    """The reference path: the whole filled body encoded (see `build_encoded`)."""
    head, body = _assemble(
        headers, content.subject, qp(content.text), qp(content.html), attachments
    )
    message = b"".join((head, *body))
    return signer.sign(message) + message if signer is not None else message


def build_encoded(
    headers: Headers,
    subject: str,
    text: bytes,
    html: bytes,
    *,
    signer: Dkim | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> bytes:
    """The same message from bodies already quoted-printable encoded with CRLF lines, none
    starting with "." (mail/splice.py): `WireReady` when the header is as clean (base64
    lines never start with ".")."""
    head, body = _assemble(headers, subject, text, html, attachments)
    if signer is not None:
        head = signer.sign(b"".join((head, *body))) + head
    if _clean(head):
        return WireReady(b"".join((head, *body)))  # one copy of the body, no more
    return b"".join((head, *body))


def _clean(head: bytes) -> bool:
    crlf = head.count(b"\r\n")
    return (
        head.count(b"\r") == crlf
        and head.count(b"\n") == crlf
        and not head.startswith(b".")
        and b"\n." not in head
    )


def _assemble(
    headers: Headers,
    subject: str,
    text: bytes,
    html: bytes,
    attachments: tuple[Attachment, ...] = (),
) -> tuple[bytes, tuple[bytes, ...]]:
    """(header, body parts): the body starts with the blank line after the header."""
    local = headers.message_id.strip("<>").partition("@")[0].replace("-", "")
    boundary = "=_" + local
    # "=_" cannot occur in quoted-printable or base64 text, so no part holds a boundary; the
    # outer one ("=_m", the id is hex) is no prefix of the inner one, nor the other way.
    mixed = "=_m" + local
    lines = [
        f"From: {_from(headers.from_name, headers.from_addr)}",
        f"To: {_address(headers.to_name, headers.to_addr)}",
        f"Subject: {_header_text(subject)}",
        f"Date: {format_datetime(headers.date)}",
        f"Message-ID: {headers.message_id}",
        "MIME-Version: 1.0",
        f"Content-Language: {headers.language}",
        f"Feedback-ID: {headers.feedback_id}",
    ]
    if headers.unsubscribe is not None:
        https, mailto = headers.unsubscribe
        lines += [
            f"List-Unsubscribe: <{https}>, <{mailto}>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        ]
    alternative = f'Content-Type: multipart/alternative; boundary="{boundary}"'
    if attachments:
        lines.append(f'Content-Type: multipart/mixed; boundary="{mixed}"')
    else:
        lines.append(alternative)
    lines.append("")
    sep = f"--{boundary}\r\n".encode()
    body: tuple[bytes, ...] = (
        b"\r\n",
        sep,
        _PART % b"plain",
        text,
        b"\r\n",
        sep,
        _PART % b"html",
        html,
        f"\r\n--{boundary}--\r\n".encode(),
    )
    if attachments:
        outer = f"--{mixed}\r\n".encode()
        files = tuple(piece for a in attachments for piece in (b"\r\n", outer, _attachment_part(a)))
        body = (
            b"\r\n",
            outer,
            f"{alternative}\r\n".encode(),
            *body,
            *files,
            f"\r\n--{mixed}--\r\n".encode(),
        )
    return "\r\n".join(lines).encode(), body


_PART = (
    b"Content-Type: text/%s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
)
