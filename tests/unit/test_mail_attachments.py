"""Files on a transactional mail (issue 16: the event's .ics): the request's checks, the
multipart/mixed message both sending paths build, and the event's calendar entry in it,
parsed back with the `email` package."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import pytest
from events.calendar.domain import HELSINKI, VTIMEZONE, CalendarEntry, calendar
from newsletter.delivery.compose import Composer
from newsletter.mail.message import Attachment, Headers, WireReady, build_encoded, build_message
from newsletter.mail.templates import MailTemplates, Rendered
from newsletter.settings import NewsletterSettings
from pydantic import ValidationError

from shared.events.mail import MAX_ATTACHMENT_BYTES, MailAttachment, MailRequestedV1

pytestmark = pytest.mark.unit

BASE = "https://digituki.example"
STAMP = datetime(2027, 9, 1, 8, 0, tzinfo=UTC)
ENTRY = CalendarEntry(
    uid=uuid.UUID(int=42),
    version=2,
    title="Digitaidot tutuksi, osa 1",
    description="Tervetuloa!\nTuo oma puhelin.",
    starts_at=datetime(2027, 10, 4, 6, 0, tzinfo=UTC),  # 9.00 Finnish summer time
    ends_at=datetime(2027, 10, 4, 8, 0, tzinfo=UTC),
    location="Kirjastokatu 1, Tampere",
    url=f"{BASE}/events/00000000-0000-0000-0000-00000000002a",
)
EVENT_MAIL = {
    "name": "Aino Virtanen",
    "event_title": "Digitaidot tutuksi",
    "event_when": "ma 4.10.2027 09:00–11:00",
    "event_place": "Kirjastokatu 1, Tampere",
    "event_url": f"{BASE}/events/1",
    "ics_url": f"{BASE}/events/1/event.ics",
    "cancel_url": f"{BASE}/events/cancel/t",
    "join_url": "",
}


def ics(method: str = "PUBLISH") -> str:
    return calendar(
        [ENTRY], name="Digituki", stamp=STAMP, method=method,  # type: ignore[arg-type]
        organizer="uutiskirje@digituki.fi",
    )  # fmt: skip


def headers() -> Headers:
    return Headers(
        message_id=f"<{uuid.UUID(int=5)}@digituki.example>",
        from_addr="uutiskirje@digituki.example",
        from_name="Digituki",
        to_addr="aino@example.fi",
        to_name="Aino Virtanen",
        language="fi",
        feedback_id="event_confirmation:transactional:newsletter:digituki",
        date=STAMP,
    )


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(bytes(data), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def calendar_part(message: EmailMessage) -> EmailMessage:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert isinstance(part, EmailMessage)
    return part


# ---- the request's checks -------------------------------------------------------------


def test_an_attachment_travels_as_base64_and_comes_back_the_same() -> None:
    text = ics().encode()
    attachment = MailAttachment.of("event-42.ics", "text/calendar", text)
    request = MailRequestedV1(
        idempotency_key="k", template_key="event_confirmation", to_email="a@example.fi",
        attachments=(attachment,),
    )  # fmt: skip
    again = MailRequestedV1.model_validate_json(request.model_dump_json())
    assert again.attachments[0].content == text
    assert (
        MailRequestedV1(idempotency_key="k", template_key="x", to_email="a@x.fi").attachments == ()
    )


@pytest.mark.parametrize(
    "filename",
    ["../etc/passwd", "a/b.ics", "event.ics\r\nBcc: x@y", ".hidden", "tapahtuma ä.ics", ""],
)
def test_a_file_name_must_be_plain_ascii_without_a_path(filename: str) -> None:
    with pytest.raises(ValidationError):
        MailAttachment.of(filename, "text/calendar", b"x")


@pytest.mark.parametrize("content_type", ["text/html", "application/zip", "application/x-sh"])
def test_only_safe_types_are_attached(content_type: str) -> None:
    with pytest.raises(ValidationError):
        MailAttachment.of("file.bin", content_type, b"x")


def test_size_and_number_are_bounded_and_base64_must_be_real() -> None:
    with pytest.raises(ValidationError):
        MailAttachment.of("big.txt", "text/plain", b"x" * (MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(ValidationError):
        MailAttachment(filename="a.txt", content_type="text/plain", content_base64="not base64!")
    half = MailAttachment.of("half.txt", "text/plain", b"x" * (MAX_ATTACHMENT_BYTES // 2 + 3))
    with pytest.raises(ValidationError, match="together"):
        MailRequestedV1(
            idempotency_key="k", template_key="x", to_email="a@x.fi", attachments=(half, half)
        )
    small = MailAttachment.of("a.txt", "text/plain", b"x")
    with pytest.raises(ValidationError, match="at most"):
        MailRequestedV1(
            idempotency_key="k", template_key="x", to_email="a@x.fi", attachments=(small,) * 6
        )


# ---- the message ---------------------------------------------------------------------


def test_the_calendar_rides_in_multipart_mixed_around_the_alternative_part() -> None:
    content = Rendered(subject="Ilmoittautuminen vahvistettu", html="<p>Hei</p>", text="Hei")
    files = (Attachment("event-42.ics", "text/calendar", ics().encode()),)
    message = parsed(build_message(headers(), content, attachments=files))
    assert message.get_content_type() == "multipart/mixed"
    first = message.get_payload()[0]  # type: ignore[index]
    assert first.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in first.iter_parts()] == ["text/plain", "text/html"]
    assert message.get_body(("plain",)).get_content().strip() == "Hei"  # type: ignore[union-attr]
    part = calendar_part(message)
    assert part.get_filename() == "event-42.ics"
    assert part.get_content_disposition() == "attachment"
    assert part.get_param("method") == "PUBLISH"
    assert part["Content-Transfer-Encoding"] == "base64"
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    assert raw == ics().encode()
    text = raw.decode()
    # RFC 5545: every line ends in CRLF (no bare LF), folded lines start with a space.
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.replace("\r\n ", "").split("\r\n")
    assert "METHOD:PUBLISH" in lines and "TZID:Europe/Helsinki" in lines
    assert "DTSTART;TZID=Europe/Helsinki:20271004T090000" in lines
    assert "DTEND;TZID=Europe/Helsinki:20271004T110000" in lines
    assert "UID:00000000-0000-0000-0000-00000000002a@digituki" in lines
    assert "ORGANIZER;CN=Digituki:mailto:uutiskirje@digituki.fi" in lines


def test_the_cancellation_has_the_same_uid_a_higher_sequence_and_method_cancel() -> None:
    published = ics("PUBLISH").split("\r\n")
    later = replace_version(3)
    cancelled = calendar(
        [later], name="Digituki", stamp=STAMP, method="CANCEL", organizer="uutiskirje@digituki.fi"
    ).split("\r\n")
    files = (Attachment("event-42.ics", "text/calendar", "\r\n".join(cancelled).encode()),)
    content = Rendered(subject="Peruttu", html="<p>Peruttu</p>", text="Peruttu")
    part = calendar_part(parsed(build_message(headers(), content, attachments=files)))
    assert part.get_param("method") == "CANCEL"
    assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled
    uid = next(line for line in published if line.startswith("UID:"))
    assert uid in cancelled
    assert "SEQUENCE:2" in published and "SEQUENCE:3" in cancelled


def replace_version(version: int) -> CalendarEntry:
    from dataclasses import replace

    return replace(ENTRY, version=version)


def test_both_paths_build_the_same_attached_mail_and_the_spliced_one_stays_wire_ready() -> None:
    """event_cancelled only substitutes, so the delivery worker splices it (mail/splice.py);
    the reference path must give the same mail, file included."""
    templates = MailTemplates(base_url=BASE)
    compiled = templates.transactional("event_cancelled", "fi")
    values = {k: EVENT_MAIL[k] for k in ("name", "event_title", "event_when", "event_place")}
    files = (Attachment("event-42.ics", "text/calendar", ics("CANCEL").encode()),)
    reference = build_message(headers(), compiled.fill(values), attachments=files)
    assert compiled.text_body is not None and compiled.html_body is not None
    text, html = compiled.text_body.encode(values), compiled.html_body.encode(values)
    assert text is not None and html is not None
    spliced = build_encoded(headers(), compiled.fill_subject(values), text, html, attachments=files)
    assert isinstance(spliced, WireReady)
    a, b = parsed(reference), parsed(spliced)
    assert a["Subject"] == b["Subject"]
    assert calendar_part(b).get_param("method") == "CANCEL"
    assert calendar_part(a).get_payload(decode=True) == calendar_part(b).get_payload(decode=True)
    for kind in ("plain", "html"):
        body_a, body_b = a.get_body((kind,)), b.get_body((kind,))
        assert body_a is not None and body_b is not None
        assert body_a.get_content() == body_b.get_content()
    assert values["name"] in b.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def _settings() -> NewsletterSettings:
    return NewsletterSettings(
        environment="development",
        database_url="postgresql+asyncpg://x@localhost/x",
        secret_key="k" * 40,
        public_base_url=BASE,
    )


def _row(attachments: list[dict[str, Any]]) -> Any:
    return SimpleNamespace(
        id=uuid.UUID(int=1), origin="transactional", origin_id="event-registration:1",
        contact_id=None, to_email="aino@example.fi", to_name="Aino Virtanen", attempts=0,
        origin_label="Digitaidot", origin_group=None, language="fi",
        template_key="event_confirmation", variables=EVENT_MAIL, attachments=attachments,
    )  # fmt: skip


def test_the_composer_attaches_what_the_delivery_row_keeps() -> None:
    stored = MailAttachment.of("event-42.ics", "text/calendar", ics().encode())
    composer = Composer(_settings(), MailTemplates(base_url=BASE))
    job = composer.job(_row([stored.model_dump(mode="json")]), None)
    message = parsed(job.data)
    assert message.get_content_type() == "multipart/mixed"
    assert calendar_part(message).get_payload(decode=True) == ics().encode()
    body = message.get_body(("plain",))
    assert body is not None and EVENT_MAIL["ics_url"] in body.get_content()  # the link stays
    plain = composer.job(_row([]), None)
    assert parsed(plain.data).get_content_type() == "multipart/alternative"


def test_the_zone_rules_in_the_file_match_the_zone_database() -> None:
    """The VTIMEZONE's rule (last Sunday of March 03:00, of October 04:00) against zoneinfo:
    every summer-time change from 2025 to 2040."""
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in VTIMEZONE
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in VTIMEZONE
    for year in range(2025, 2041):
        for month, hour_utc in ((3, 1), (10, 1)):
            last = datetime(year, month, 31, hour_utc, tzinfo=UTC)
            while last.weekday() != 6:
                last -= timedelta(days=1)
            before = (last - timedelta(minutes=1)).astimezone(HELSINKI).utcoffset()
            after = (last + timedelta(minutes=1)).astimezone(HELSINKI).utcoffset()
            assert before != after, (year, month)


def test_a_download_and_a_mail_carry_the_same_text() -> None:
    """The mail's file is the calendar domain's text as it is (base64 only on the wire)."""
    attachment = MailAttachment.of("event-42.ics", "text/calendar", ics().encode())
    assert base64.b64decode(attachment.content_base64).decode() == ics()
