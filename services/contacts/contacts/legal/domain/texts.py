"""The legal texts staff edit and publish: the accessibility statement, the privacy notice and
the consent wording of the signup form, each in fi, sv and en.

Every publication is a new numbered version; old versions stay, so the consent log can say
which wording a person saw. The shipped defaults (data/legal/*.md) are version 1. The texts are
in the small Markdown subset of `legal_markup`; `{name}` placeholders are filled from the
retention settings, so the privacy notice quotes the periods the retention jobs apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from contacts.errors import InvalidInput
from shared.events.topics import ONE_DAY_MS, PERSONAL_DLQ_RETENTION_MS, PERSONAL_RETENTION_MS

LegalKind = Literal["accessibility", "privacy", "consent"]
LEGAL_KINDS: tuple[LegalKind, ...] = ("accessibility", "privacy", "consent")
PUBLIC_KINDS: tuple[LegalKind, ...] = ("accessibility", "privacy")
LEGAL_LANGUAGES = ("fi", "sv", "en")
MAX_TEXT_CHARS = 50_000
DEFAULTS_DIR = Path(__file__).parent.parent / "data"
SHIPPED_AT = datetime(2026, 11, 28, tzinfo=UTC)  # when version 1 (the defaults) was published


@dataclass(frozen=True)
class LegalVersion:
    id: int
    kind: LegalKind
    version: int
    texts: dict[str, str]  # language -> Markdown subset
    published_at: datetime
    published_by: str | None = None

    @property
    def label(self) -> str:
        """What the consent log records: unique, readable, stable."""
        return version_label(self.kind, self.version)

    def text(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts["fi"]


def version_label(kind: LegalKind, version: int) -> str:
    return f"{kind}-v{version}"


def parse_kind(raw: str) -> LegalKind:
    for kind in LEGAL_KINDS:
        if raw == kind:
            return kind
    raise InvalidInput("Unknown legal text.")


def default_texts(kind: LegalKind) -> dict[str, str]:
    """The shipped wording (version 1) of one text in every language."""
    return {
        lang: (DEFAULTS_DIR / f"{kind}_{lang}.md").read_text(encoding="utf-8")
        for lang in LEGAL_LANGUAGES
    }


def checked_texts(raw: dict[str, str]) -> dict[str, str]:
    """The texts of a new version: every language present, none too long."""
    texts: dict[str, str] = {}
    errors: list[str] = []
    for lang in LEGAL_LANGUAGES:
        text = raw.get(lang, "").replace("\r\n", "\n").strip()
        if not text:
            errors.append(f"The {lang} text is empty.")
        elif len(text) > MAX_TEXT_CHARS:
            errors.append(f"The {lang} text is longer than {MAX_TEXT_CHARS} characters.")
        texts[lang] = text + "\n"
    if errors:
        raise InvalidInput(" ".join(errors))
    return texts


@dataclass(frozen=True)
class RetentionPeriods:
    """The periods the privacy notice quotes, as `{placeholder}` values."""

    unconfirmed_signup_days: int
    inactive_review_years: int
    tracking_events_months: int
    delivery_rows_months: int
    invitation_days_after_close: int
    consent_log_years: int
    job_days: int
    closed_enquiry_months: int = 12
    # Not settings: the Kafka topic configurations (shared/events/topics.py) decide these.
    message_days: int = PERSONAL_RETENTION_MS // ONE_DAY_MS
    parked_message_days: int = PERSONAL_DLQ_RETENTION_MS // ONE_DAY_MS

    def placeholders(self) -> dict[str, object]:
        return {
            "unconfirmed_days": self.unconfirmed_signup_days,
            "inactive_years": self.inactive_review_years,
            "tracking_months": self.tracking_events_months,
            "delivery_months": self.delivery_rows_months,
            "invitation_days": self.invitation_days_after_close,
            "consent_log_years": self.consent_log_years,
            "job_days": self.job_days,
            "enquiry_months": self.closed_enquiry_months,
            "message_days": self.message_days,
            "parked_message_days": self.parked_message_days,
        }


def parse_label(label: str, kind: LegalKind) -> int | None:
    """The version number in a label like "consent-v2" of `kind`; None if it is not one."""
    prefix = f"{kind}-v"
    number = label[len(prefix) :] if label.startswith(prefix) else ""
    return int(number) if number.isdigit() and len(number) < 9 else None
