"""How a timeline entry reads for staff: a label per kind (English source, translated)."""

from __future__ import annotations

from contacts.staff.service import users as staff_users
from contacts.unit_of_work import ContactsUnitOfWork

KIND_LABELS = {
    "note": "Note",
    "signed_up": "Signed up",
    "confirmed": "Confirmed the subscription",
    "subscribed": "Subscribed",
    "unsubscribed": "Unsubscribed",
    "preferences_changed": "Changed their preferences",
    "membership_changed": "Membership changed",
    "organisation_linked": "Linked to an organisation",
    "consent_given": "Consent given",
    "consent_withdrawn": "Consent withdrawn",
    "mail_opened": "Opened a newsletter",
    "mail_clicked": "Clicked a link in a newsletter",
    "email_bounced": "Mail bounced",
    "email_complained": "Marked a mail as spam",
    "survey_responded": "Answered a survey",
    "self_assessed": "Took the self-assessment test",
    "merged": "Merged with a duplicate",
    "visit_requested": "Visit requested",
    "visit_agreed": "Visit agreed",
    "visit_done": "Visit done",
    "visit_declined": "Visit declined",
    "onboarding_invited": "Invited to the Facebook group",
    "onboarding_requested": "Asked to join the Facebook group",
    "onboarding_approved": "Approved in the Facebook group",
    "onboarding_declined": "Declined in the Facebook group",
    "onboarding_left": "Left the Facebook group",
    "event_registered": "Registered for an event",
    "event_waitlisted": "On the waiting list of an event",
    "event_cancelled": "Cancelled an event registration",
    "event_attended": "Attended an event",
}


async def staff_names(uow: ContactsUnitOfWork) -> dict[str, str]:
    """Staff ids as the timeline stores them, shown as the staff member's address."""
    return {str(m.id): m.email for m in await staff_users.list_staff(uow)}
