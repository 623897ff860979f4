"""A person in the network: who they are and how to reach them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from email_validator import EmailNotValidError, validate_email

from contacts.domain.errors import InvalidInput

Language = Literal["fi", "sv", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "sv", "en")
MAX_NAME = 100
MAX_EMAIL = 254


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


def clean_name(raw: str, *, field_name: str) -> str:
    value = " ".join(raw.split())
    if len(value) > MAX_NAME:
        raise InvalidInput(f"{field_name} is longer than {MAX_NAME} characters.", field=field_name)
    return value


def parse_language(raw: str) -> Language:
    for lang in LANGUAGES:
        if raw == lang:
            return lang
    raise InvalidInput("Language must be fi, sv or en.", field="language")


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    email: str
    first_name: str = ""
    last_name: str = ""
    language: Language = "fi"
    version: int = 1
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def new(
        cls, *, email: str, first_name: str = "", last_name: str = "", language: str = "fi"
    ) -> Person:
        return cls(
            id=uuid.uuid4(),
            email=normalise_email(email),
            first_name=clean_name(first_name, field_name="first_name"),
            last_name=clean_name(last_name, field_name="last_name"),
            language=parse_language(language),
        )

    def changed(self, **changes: object) -> Person:
        """A new version of this person; every change bumps the version replicas compare."""
        return replace(self, version=self.version + 1, **changes)  # type: ignore[arg-type]
