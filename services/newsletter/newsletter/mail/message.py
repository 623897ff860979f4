"""The wire form of one mail, built directly as bytes (the `email` package is too slow for
100k mails a run): multipart/alternative, quoted-printable UTF-8 parts, CRLF lines."""

from __future__ import annotations

import binascii
import contextlib
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr
from pathlib import Path

import dkim

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


def _qp(text: str) -> bytes:
    body = text.replace("\r\n", "\n").encode()
    return binascii.b2a_qp(body, istext=True).replace(b"\n", b"\r\n")


def build_message(headers: Headers, content: Rendered, *, signer: Dkim | None = None) -> bytes:
    boundary = "=_" + headers.message_id.strip("<>").partition("@")[0].replace("-", "")
    lines = [
        f"From: {_address(headers.from_name, headers.from_addr)}",
        f"To: {_address(headers.to_name, headers.to_addr)}",
        f"Subject: {_header_text(content.subject)}",
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
    lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
    head = "\r\n".join(lines).encode()
    part = (
        b"Content-Type: text/%s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
    )
    sep = f"--{boundary}\r\n".encode()
    message = b"".join(
        (
            head,
            b"\r\n\r\n",
            sep,
            part % b"plain",
            b"\r\n",
            _qp(content.text),
            b"\r\n",
            sep,
            part % b"html",
            b"\r\n",
            _qp(content.html),
            f"\r\n--{boundary}--\r\n".encode(),
        )
    )
    if signer is not None:
        message = signer.sign(message) + message
    return message
