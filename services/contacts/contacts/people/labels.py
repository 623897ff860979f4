"""How the people pages name stored codes: English source labels, translated in the pages'
catalogs (`tests/unit/contacts/test_people_labels.py` checks each has its Finnish)."""

from __future__ import annotations

from contacts import labels

# One vocabulary for every contacts page (contacts/labels.py); the names here are the ones the
# people pages and their templates use.
MEMBERSHIP_LABELS = labels.MEMBERSHIP_STATES
# The buttons of the person page's membership form, and the action each step was.
MEMBERSHIP_ACTION_LABELS = {
    "apply": "Applied for membership",
    "approve": "Approve",
    "decline": "Decline",
    "pause": "Pause",
    "resume": "Resume",
    "leave": "Mark as left",
}
LANGUAGE_LABELS = labels.LANGUAGES
SUBSCRIPTION_LABELS = labels.SUBSCRIPTION_STATES
EMAIL_STATUS_LABELS = labels.EMAIL_STATUSES
ECOSYSTEM_ROLE_LABELS = labels.ECOSYSTEM_ROLES
CONSENT_PURPOSE_LABELS = labels.CONSENT_PURPOSES
CONSENT_METHOD_LABELS = labels.CONSENT_METHODS

ALL = (
    MEMBERSHIP_LABELS,
    MEMBERSHIP_ACTION_LABELS,
    LANGUAGE_LABELS,
    SUBSCRIPTION_LABELS,
    EMAIL_STATUS_LABELS,
    ECOSYSTEM_ROLE_LABELS,
    CONSENT_PURPOSE_LABELS,
    CONSENT_METHOD_LABELS,
)
