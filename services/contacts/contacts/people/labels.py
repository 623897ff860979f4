"""How the people pages name stored codes: English source labels, translated in the pages'
catalogs (`tests/unit/contacts/test_people_labels.py` checks each has its Finnish)."""

from __future__ import annotations

MEMBERSHIP_LABELS = {
    "none": "Not a member",
    "pending": "Applied",
    "active": "Member",
    "paused": "Paused",
    "left": "Left",
    "declined": "Declined",
}
# The buttons of the person page's membership form, and the action each step was.
MEMBERSHIP_ACTION_LABELS = {
    "apply": "Applied for membership",
    "approve": "Approve",
    "decline": "Decline",
    "pause": "Pause",
    "resume": "Resume",
    "leave": "Mark as left",
}
LANGUAGE_LABELS = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
SUBSCRIPTION_LABELS = {
    "pending": "Not confirmed yet",
    "subscribed": "Subscriber",
    "unsubscribed": "Subscription cancelled",
}
EMAIL_STATUS_LABELS = {
    "ok": "Delivered",
    "bounced": "Undeliverable",
    "complained": "Marked as spam",
}
ECOSYSTEM_ROLE_LABELS = {
    "provider_developer": "Digital support provider or developer",
    "influencer_funder": "Influencer or funder",
    "national_developer": "National developer",
}
CONSENT_PURPOSE_LABELS = {"newsletter": "Newsletter", "surveys": "Surveys"}
CONSENT_METHOD_LABELS = {
    "signup": "Sign-up form",
    "import": "Imported from a file",
    "staff": "Staff",
    "preferences": "Preference centre",
    "unsubscribe": "Unsubscribe link",
}

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
