"""Names staff read instead of codes, shared by contacts' pages (English source, translated).

Staff ids become the staff member's name (or address); the few actors that are not staff
members get a label of their own. Page-specific vocabularies stay next to their feature
(`activity/labels.py`, `audit/labels.py`, the visit states in `visits/pages/staff.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contacts.unit_of_work import ContactsUnitOfWork

# Actors that are not staff members, as staff read them.
NOT_STAFF = {
    "cli": "The command line",
    "cli:demo-data": "The demo data command",
    "system:retention": "Automatic retention",
}


async def staff_names(uow: ContactsUnitOfWork) -> dict[str, str]:
    """Staff ids as pages store them → name, or address when the name is empty; with the
    labels of the actors that are not staff (to be passed through `_()`)."""
    from contacts.staff.service import users as staff_users

    members = await staff_users.list_staff(uow)
    return NOT_STAFF | {str(m.id): (m.name or m.email) for m in members}


# Vocabularies of the contacts domain as staff read them (keys are the stored codes).
MEMBERSHIP_STATES = {
    "none": "Not a member",
    "pending": "Applied",
    "active": "Member",
    "paused": "Paused",
    "left": "Left",
    "declined": "Declined",
}
ONBOARDING_STATES = {
    "not_invited": "Not invited",
    "invited": "Invited",
    "requested": "Asked to join",
    "approved": "In the group",
    "declined": "Declined",
    "left": "Left the group",
}
MATCH_METHODS = {"code": "Join code", "email": "Email address", "name": "Name"}
ECOSYSTEM_ROLES = {
    "provider_developer": "Digital support provider or developer",
    "influencer_funder": "Influencer or funder",
    "national_developer": "National developer",
}
CONSENT_PURPOSES = {"newsletter": "Newsletter", "surveys": "Surveys"}
CONSENT_METHODS = {
    "signup": "Sign-up form",
    "import": "Imported from a file",
    "staff": "Staff",
    "preferences": "Preference centre",
    "unsubscribe": "Unsubscribe link",
}
EMAIL_STATUSES = {"ok": "Delivered", "bounced": "Undeliverable", "complained": "Marked as spam"}
SUBSCRIPTION_STATES = {
    "pending": "Not confirmed yet",
    "subscribed": "Subscriber",
    "unsubscribed": "Subscription cancelled",
}
ORGANISATION_STATUSES = {"active": "Active", "pending_review": "Awaiting review"}
LANGUAGES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
# Why a pasted line of a Facebook join request matched nobody (or matched with a doubt).
UNMATCHED_REASONS = {
    "expired_code": "The join code has expired",
    "reused_code": "The join code was used already",
    "unknown_code": "Unknown join code",
    "unknown": "Nobody matches",
    "ambiguous": "More than one person fits",
    "empty": "Empty line",
}
# The onboarding lists' tabs: the stored states, and the invited who were reminded.
ONBOARDING_LIST_STATES = {
    "not_invited": "Not invited",
    "invited": "Invited",
    "reminded": "Reminded",
    "requested": "Asked to join",
    "approved": "In the group",
    "left": "Left the group",
    "declined": "Declined",
}
