"""Enquiries ("Ota yhteyttä! Kysy! Ehdota!"): the public contact form checked field by field,
and the staff queue's states open → answered → closed (a closed one may be reopened).

Form messages are fixed English source strings (the pages translate them), one per field, so
the error summary can link each to its field.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from contacts.errors import Conflict, InvalidInput
from contacts.people.domain.person import LANGUAGES, normalise_email

EnquiryKind = Literal["question", "suggestion", "feedback", "other"]
EnquiryState = Literal["open", "answered", "closed"]
EnquiryAction = Literal["close", "reopen"]
KINDS: tuple[EnquiryKind, ...] = ("question", "suggestion", "feedback", "other")
STATES: tuple[EnquiryState, ...] = ("open", "answered", "closed")
MAX_MESSAGE = 4000
MAX_REPLY = 10_000
FIELD_LIMITS = {
    "name": 200,
    "email": 254,
    "organisation": 200,
    "kind": 20,
    "message": MAX_MESSAGE,
}
FormValues = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class EnquiryForm:
    name: str
    email: str
    organisation: str
    kind: EnquiryKind
    message: str
    language: str


@dataclass(frozen=True)
class Reply:
    id: uuid.UUID
    body: str
    sent_at: datetime
    sent_by: str


@dataclass(frozen=True)
class Enquiry:
    id: uuid.UUID
    form: EnquiryForm
    created_at: datetime
    state: EnquiryState = "open"
    closed_at: datetime | None = None
    closed_by: str | None = None
    replies: tuple[Reply, ...] = ()

    def replied(self, body: str, *, reply_id: uuid.UUID, at: datetime, by: str) -> Enquiry:
        """A reply by mail; a closed enquiry is reopened first, so nothing is answered by
        mistake from an old thread."""
        text = body.strip()
        if not text:
            raise InvalidInput("Write the reply first.", field="reply")
        if len(text) > MAX_REPLY:
            raise InvalidInput("The reply is too long.", field="reply")
        if self.state == "closed":
            raise Conflict("A closed enquiry cannot be answered; reopen it first.")
        reply = Reply(id=reply_id, body=text, sent_at=at, sent_by=by)
        return replace(self, state="answered", replies=(*self.replies, reply))

    def acted(self, action: EnquiryAction, *, at: datetime, by: str) -> Enquiry:
        if action == "close":
            if self.state == "closed":
                raise Conflict("The enquiry is already closed.")
            return replace(self, state="closed", closed_at=at, closed_by=by)
        if self.state != "closed":
            raise Conflict("Only a closed enquiry can be reopened.")
        return replace(
            self, state="answered" if self.replies else "open", closed_at=None, closed_by=None
        )


def _one(values: FormValues, name: str) -> str:
    got = values.get(name) or [""]
    return got[0] if got else ""


def parse_enquiry(
    values: FormValues, *, language: str
) -> tuple[EnquiryForm | None, dict[str, str], dict[str, str]]:
    """(the form or None, an error per field, what to show again in the fields)."""
    errors: dict[str, str] = {}
    text = {
        name: _one(values, name).strip()
        if name == "message"
        else " ".join(_one(values, name).split())
        for name in FIELD_LIMITS
    }
    for name, limit in FIELD_LIMITS.items():
        if len(text[name]) > limit:
            errors.setdefault(name, "This answer is too long.")
            text[name] = text[name][:limit]
    if not text["name"]:
        errors.setdefault("name", "Enter your name.")
    email = ""
    try:
        email = normalise_email(text["email"])
    except InvalidInput:
        errors.setdefault("email", "Enter an email address like name@example.fi.")
    if text["kind"] not in KINDS:
        errors.setdefault("kind", "Choose what your message is about.")
    if not text["message"]:
        errors.setdefault("message", "Write your message.")
    consent = any(v.strip() for v in values.get("consent", []))
    text["consent"] = "yes" if consent else ""
    if not consent:
        errors.setdefault("consent", "Agree to the processing of your message to send it.")
    if errors:
        return None, errors, text
    form = EnquiryForm(
        name=text["name"],
        email=email,
        organisation=text["organisation"],
        kind=text["kind"],  # type: ignore[arg-type]  # checked against KINDS above
        message=text["message"],
        language=language if language in LANGUAGES else "fi",
    )
    return form, {}, text
