"""The legal texts every public page links: the accessibility statement and the privacy notice.

The texts themselves are per-language templates (templates/legal/); this module holds what
other code needs to know about them: their current version, when each was last reviewed, and
the facts they quote. A changed text gets a new version string, so the consent log can say
which notice a person saw when signing up. Texts stored and edited in the database are not
built yet (see docs/accessibility.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

LegalKind = Literal["accessibility", "privacy"]
LEGAL_KINDS: tuple[LegalKind, ...] = ("accessibility", "privacy")
LEGAL_LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class LegalDocument:
    kind: LegalKind
    version: str
    prepared_on: date  # first published
    updated_on: date  # last reviewed: a new date without a new version = no change of content


DOCUMENTS: dict[LegalKind, LegalDocument] = {
    "accessibility": LegalDocument(
        kind="accessibility",
        version="accessibility-2026-11",
        prepared_on=date(2026, 11, 28),
        updated_on=date(2026, 11, 28),
    ),
    "privacy": LegalDocument(
        kind="privacy",
        version="privacy-2026-11",
        prepared_on=date(2026, 11, 28),
        updated_on=date(2026, 11, 28),
    ),
}

# Facts quoted by the texts, kept in one place so a change is made once.
FEEDBACK_EMAIL = "digituki@dvv.fi"
FEEDBACK_RESPONSE_DAYS = 14
CONTROLLER_EMAIL = "kirjaamo@dvv.fi"
DATA_PROTECTION_OFFICER_EMAIL = "tietosuoja@dvv.fi"
ENFORCEMENT_EMAIL = "saavutettavuus@avi.fi"
ENFORCEMENT_PHONE = "0295 016 000"
ENFORCEMENT_WEB = "https://www.saavutettavuusvaatimukset.fi"
OMBUDSMAN_WEB = "https://tietosuoja.fi"

# Retention periods the privacy notice promises (the retention job must honour them).
UNCONFIRMED_SIGNUP_DAYS = 30
TRACKING_EVENTS_MONTHS = 13
SURVEY_INVITATIONS_DAYS_AFTER_CLOSE = 90
INACTIVE_REVIEW_YEARS = 3
CONSENT_LOG_YEARS_AFTER_END = 3


def document(kind: LegalKind) -> LegalDocument:
    return DOCUMENTS[kind]


def current_versions() -> dict[LegalKind, str]:
    """What a signup records: the version of each legal text the person was shown."""
    return {kind: doc.version for kind, doc in DOCUMENTS.items()}


def facts() -> dict[str, object]:
    """The constants above, for the templates."""
    return {
        "feedback_email": FEEDBACK_EMAIL,
        "feedback_days": FEEDBACK_RESPONSE_DAYS,
        "controller_email": CONTROLLER_EMAIL,
        "dpo_email": DATA_PROTECTION_OFFICER_EMAIL,
        "enforcement_email": ENFORCEMENT_EMAIL,
        "enforcement_phone": ENFORCEMENT_PHONE,
        "enforcement_web": ENFORCEMENT_WEB,
        "ombudsman_web": OMBUDSMAN_WEB,
        "unconfirmed_days": UNCONFIRMED_SIGNUP_DAYS,
        "tracking_months": TRACKING_EVENTS_MONTHS,
        "invitation_days": SURVEY_INVITATIONS_DAYS_AFTER_CLOSE,
        "inactive_years": INACTIVE_REVIEW_YEARS,
        "consent_log_years": CONSENT_LOG_YEARS_AFTER_END,
    }
