"""A person in the network: who they are, how to reach them, what they agreed to."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Literal

from email_validator import EmailNotValidError, validate_email

from contacts.errors import InvalidInput
from contacts.people.domain.phone import normalise_phone

Language = Literal["fi", "sv", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "sv", "en")
SubscriptionState = Literal["pending", "subscribed", "unsubscribed"]
EmailStatus = Literal["ok", "bounced", "complained"]
EMAIL_STATUSES: tuple[EmailStatus, ...] = ("ok", "bounced", "complained")
MAX_NAME = 100
MAX_EMAIL = 254
MAX_TITLE = 150


def normalise_email(raw: str) -> str:
    """Validated address; the domain is IDNA-normalised and everything lower-cased.

    Lower-casing the local part is a policy: addresses are unique case-insensitively.
    """
    candidate = raw.strip()
    if not candidate:
        raise InvalidInput("Email address is required.", field="email")
    if len(candidate) > MAX_EMAIL:
        raise InvalidInput("Email address is too long.", field="email")
    try:
        valid = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"Email address is not valid: {exc}", field="email") from exc
    return valid.normalized.lower()


def clean_name(raw: str, *, field_name: str, limit: int = MAX_NAME) -> str:
    value = " ".join(raw.split())
    if len(value) > limit:
        raise InvalidInput(f"{field_name} is longer than {limit} characters.", field=field_name)
    return value


def parse_language(raw: str) -> Language:
    for lang in LANGUAGES:
        if raw == lang:
            return lang
    raise InvalidInput("Language must be fi, sv or en.", field="language")


def parse_email_status(raw: str) -> EmailStatus:
    for status in EMAIL_STATUSES:
        if raw == status:
            return status
    raise InvalidInput("Email status must be ok, bounced or complained.", field="email_status")


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    email: str
    first_name: str = ""
    last_name: str = ""
    language: Language = "fi"
    version: int = 1
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    phone: str | None = None
    title: str = ""
    municipality: str | None = None
    topics: tuple[str, ...] = ()
    subscription_state: SubscriptionState = "pending"
    confirmed_at: datetime | None = None
    newsletter_consent: bool = False
    survey_consent: bool = False
    email_status: EmailStatus = "ok"
    tags: tuple[str, ...] = ()
    last_engaged_on: date | None = None
    # Self-assessed weak in: area keys of the latest identified self-assessment result.
    weak_areas: tuple[str, ...] = ()

    @classmethod
    def new(
        cls,
        *,
        email: str,
        first_name: str = "",
        last_name: str = "",
        language: str = "fi",
        phone: str | None = None,
        title: str = "",
        topics: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
    ) -> Person:
        """A new person; `topics` must be known ones and `tags` stored spellings (the use
        case checks both), the rest is checked here."""
        return cls(
            id=uuid.uuid4(),
            email=normalise_email(email),
            first_name=clean_name(first_name, field_name="first_name"),
            last_name=clean_name(last_name, field_name="last_name"),
            language=parse_language(language),
            phone=normalise_phone(phone) if phone and phone.strip() else None,
            title=clean_name(title, field_name="title", limit=MAX_TITLE),
            topics=tuple(sorted(set(topics))),
            tags=tags,
        )

    def changed(self, **changes: object) -> Person:
        """A new version of this person; every change bumps the version replicas compare."""
        return replace(self, version=self.version + 1, **changes)  # type: ignore[arg-type]

    def confirmed(self, *, at: datetime, newsletter: bool, surveys: bool) -> Person:
        """Double opt-in done: subscribed, with the consents asked for at signup.

        A consent given earlier is kept: confirming a second signup never withdraws one.
        """
        return self.changed(
            subscription_state="subscribed",
            confirmed_at=self.confirmed_at or at,
            newsletter_consent=self.newsletter_consent or newsletter,
            survey_consent=self.survey_consent or surveys,
        )

    def unsubscribed(self) -> Person:
        return self.changed(
            subscription_state="unsubscribed", newsletter_consent=False, survey_consent=False
        )

    def withdrawn(self, purposes: Collection[str]) -> Person:
        """Consent withdrawn for some purposes ("newsletter", "surveys"); with none left the
        person is unsubscribed, else stays subscribed for what remains."""
        newsletter = self.newsletter_consent and "newsletter" not in purposes
        surveys = self.survey_consent and "surveys" not in purposes
        if not (newsletter or surveys):
            return self.unsubscribed()
        return self.changed(newsletter_consent=newsletter, survey_consent=surveys)

    def engaged(self, on: date) -> Person | None:
        """The person with a newer engagement day, or None when that day is already known.

        At most one change (one snapshot) per person and day, however many opens there are.
        """
        if self.last_engaged_on is not None and on <= self.last_engaged_on:
            return None
        return self.changed(last_engaged_on=on)

    @property
    def audience_ready(self) -> bool:
        """Only a confirmed, consenting, deliverable person may be in any audience."""
        return self.subscription_state == "subscribed" and self.email_status == "ok"
