"""Mail requests and delivery outcomes (the newsletter service owns the one SMTP pipeline)."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.events.envelope import EventData

MailOutcome = Literal[
    "sent",
    "deferred",
    "bounced_hard",
    "bounced_soft",
    "complained",
    "opened",
    "clicked",
    "unsubscribed",
]
# campaign_test: a campaign's test send to staff addresses (no audience, no person).
MailOrigin = Literal["campaign", "campaign_test", "survey_invitation", "transactional"]


# What a mail may carry as a file: a calendar entry first of all, and a few types no mail
# client runs. Never HTML, scripts, archives or office files with macros.
AttachmentType = Literal[
    "text/calendar", "text/plain", "text/csv", "application/pdf", "image/png", "image/jpeg"
]
ATTACHMENT_TYPES: tuple[str, ...] = get_args(AttachmentType)
# The files of one mail together, before base64 (a record then stays well below Kafka's
# default 1 MB `max.message.bytes` and the producer's `max_request_size`: 256 KiB is
# ~342 KiB in base64, plus the mail's variables). An event's .ics is about 2 KB.
MAX_ATTACHMENT_BYTES = 256 * 1024
MAX_ATTACHMENTS = 5
_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class MailAttachment(BaseModel):
    """One file of a transactional mail; the bytes travel as base64 (`content_base64`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    filename: str
    content_type: AttachmentType
    content_base64: str

    @field_validator("filename")
    @classmethod
    def _safe_filename(cls, value: str) -> str:
        # ASCII letters, digits, dot, dash, underscore: no path, no header injection, no
        # RFC 2231 encoding needed in Content-Disposition.
        if not _FILENAME.fullmatch(value) or ".." in value:
            raise ValueError("a file name of letters, digits, '.', '-' and '_' only")
        return value

    @field_validator("content_base64")
    @classmethod
    def _real_base64(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("not base64") from exc
        if len(raw) > MAX_ATTACHMENT_BYTES:
            raise ValueError("attachment too large")
        return value

    @property
    def content(self) -> bytes:
        return base64.b64decode(self.content_base64)

    @classmethod
    def of(cls, filename: str, content_type: str, content: bytes) -> MailAttachment:
        return cls.model_validate(
            {
                "filename": filename,
                "content_type": content_type,
                "content_base64": base64.b64encode(content).decode("ascii"),
            }
        )


class MailRequestedV1(EventData):
    """A transactional mail asked for by any service; sent at most once per idempotency key."""

    event_type = "fi.digituki.mail.requested.v1"

    idempotency_key: str
    template_key: str
    language: Literal["fi", "sv", "en"] = "fi"
    to_email: str
    to_name: str = ""
    contact_id: uuid.UUID | None = None
    variables: dict[str, Any] = Field(default_factory=dict)
    origin: MailOrigin = "transactional"
    origin_id: str | None = None
    # What the origin is called for staff (a survey's title), carried into the mail events,
    # and the campaign it belongs to when origin_id names one mail (a survey invitation).
    origin_label: str | None = None
    origin_group: str | None = None
    # Files to attach (an event's .ics): bounded in number and in total size, see above.
    attachments: tuple[MailAttachment, ...] = ()

    @field_validator("attachments")
    @classmethod
    def _bounded(cls, value: tuple[MailAttachment, ...]) -> tuple[MailAttachment, ...]:
        if len(value) > MAX_ATTACHMENTS:
            raise ValueError(f"at most {MAX_ATTACHMENTS} attachments")
        # base64 length * 3/4 bounds the decoded size without decoding again.
        if sum(len(a.content_base64) * 3 // 4 for a in value) > MAX_ATTACHMENT_BYTES:
            raise ValueError("attachments too large together")
        return value


class MailEventV1(EventData):
    """One delivery outcome.

    Ids only where consumers know the person by id: the address travels only for mail to
    someone contacts has no id for (it then finds them by address), and a bounce's SMTP text
    never repeats the address. The topic keeps records one day (shared/events/topics.py)."""

    event_type = "fi.digituki.mail.event.v1"

    delivery_id: uuid.UUID
    outcome: MailOutcome
    occurred_at: datetime
    origin: MailOrigin
    origin_id: str | None = None
    contact_id: uuid.UUID | None = None
    email: str | None = None
    detail: str | None = None
    url: str | None = None
    # The campaign's name or the survey's title, so other services can show figures by name;
    # origin_group: the campaign of a survey invitation (origin_id is the invitation).
    origin_label: str | None = None
    origin_group: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _address_only_without_an_id(cls, values: Any) -> Any:
        if not isinstance(values, dict) or not values.get("email"):
            return values
        email = str(values["email"])
        cleaned = dict(values)
        if cleaned.get("detail"):
            pattern = re.compile(re.escape(email), re.IGNORECASE)
            cleaned["detail"] = pattern.sub("<address>", str(cleaned["detail"]))
        if cleaned.get("contact_id"):
            cleaned["email"] = None
        return cleaned
