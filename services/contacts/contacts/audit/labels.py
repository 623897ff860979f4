"""How an audit entry reads for staff: a sentence per action (English source, translated).

"%(who)s approved the membership of %(target)s" instead of `membership.approve`; who is the
staff member's name or address (never an id), target the person's, organisation's or
segment's name. An action without a sentence yet reads as "who: action" (a test walks the
audit page with demo data and fails on a code it can see).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from contacts.labels import NOT_STAFF

# Keyed by action; "service:action" wins where two services use the same action.
SENTENCES: dict[str, str] = {
    "membership.apply": "%(who)s recorded a membership application of %(target)s",
    "membership.approve": "%(who)s approved the membership of %(target)s",
    "membership.decline": "%(who)s declined the membership of %(target)s",
    "membership.pause": "%(who)s paused the membership of %(target)s",
    "membership.resume": "%(who)s resumed the membership of %(target)s",
    "membership.leave": "%(who)s ended the membership of %(target)s",
    "note.added": "%(who)s added a note on %(target)s",
    "onboarding.invited": "%(who)s invited %(target)s to the Facebook group",
    "onboarding.approve": "%(who)s approved %(target)s in the Facebook group",
    "onboarding.decline": "%(who)s declined %(target)s in the Facebook group",
    "onboarding.request": "%(who)s recorded that %(target)s asked to join the Facebook group",
    "onboarding.left": "%(who)s recorded that %(target)s left the Facebook group",
    "onboarding.member_list_imported": "%(who)s imported the Facebook group's member list",
    "people.bulk_topic_add": "%(who)s started adding a topic to people",
    "people.bulk_topic_remove": "%(who)s started removing a topic from people",
    "people.bulk_tag_add": "%(who)s started adding a tag to people",
    "people.bulk_tag_remove": "%(who)s started removing a tag from people",
    "people.bulk_membership": "%(who)s started changing people's membership",
    "people.bulk_onboarding_invite": "%(who)s started inviting people to the Facebook group",
    "people.bulk_export": "%(who)s started an export of people",
    "people.bulk_erase": "%(who)s started erasing people",
    "people.exported": "%(who)s exported people",
    "people.imported": "%(who)s imported people",
    "people.import_queued": "%(who)s queued an import of people",
    "person.erased": "%(who)s erased a person",
    "person.exported": "%(who)s exported the data of %(target)s",
    "person.merged": "%(who)s merged a duplicate into %(target)s",
    "person.organisation_linked": "%(who)s linked %(target)s to an organisation",
    "person.organisation_unlinked": "%(who)s ended an organisation link of %(target)s",
    "person.tagged": "%(who)s tagged %(target)s",
    "person.untagged": "%(who)s removed a tag of %(target)s",
    "organisation.created": "%(who)s created the organisation %(target)s",
    "organisation.updated": "%(who)s changed the organisation %(target)s",
    "organisation.deleted": "%(who)s deleted an organisation",
    "segment.created": "%(who)s created the segment %(target)s",
    "segment.updated": "%(who)s changed the segment %(target)s",
    "segment.archived": "%(who)s archived the segment %(target)s",
    "topic.created": "%(who)s created a topic",
    "topic.updated": "%(who)s changed a topic",
    "visit.agree": "%(who)s agreed on a visit",
    "visit.complete": "%(who)s marked a visit done",
    "visit.decline": "%(who)s declined a visit request",
    "visit.note": "%(who)s added a note on a visit request",
    "job.cancelled": "%(who)s cancelled a job",
    "legal.publish": "%(who)s published a new version of a legal text",
    "retention.run": "%(who)s removed data past its retention period",
    "staff.created": "%(who)s added the staff member %(target)s",
    "staff.access_changed": "%(who)s changed the access of %(target)s",
    "staff.signed_in": "%(who)s signed in",
    "staff.sign_in_failed": "A sign-in as %(target)s failed",
    "staff.password_reset_requested": "%(who)s asked for a password reset",
    "staff.password_reset": "%(who)s chose a new password",
    "newsletter:campaign.created": "%(who)s created a newsletter",
    "newsletter:campaign.duplicated": "%(who)s copied a newsletter",
    "newsletter:campaign.edited": "%(who)s edited a newsletter",
    "newsletter:campaign.schedule": "%(who)s scheduled a newsletter",
    "newsletter:campaign.scheduled": "%(who)s scheduled a newsletter",
    "newsletter:campaign.unschedule": "%(who)s took a newsletter off the schedule",
    "newsletter:campaign.start": "%(who)s started sending a newsletter",
    "newsletter:campaign.sent": "%(who)s sent a newsletter",
    "newsletter:campaign.test_sent": "%(who)s sent a test of a newsletter",
    "newsletter:campaign.pause": "%(who)s paused sending a newsletter",
    "newsletter:campaign.resume": "%(who)s resumed sending a newsletter",
    "newsletter:campaign.cancel": "%(who)s cancelled a newsletter",
    "media.uploaded": "%(who)s uploaded an image",
    "media.alt_edited": "%(who)s changed the text alternative of an image",
    "material.created": "%(who)s added a material",
    "material.edited": "%(who)s edited a material",
    "material.archived": "%(who)s archived a material",
    "material.restored": "%(who)s brought back a material from the archive",
    "survey.created": "%(who)s created a survey",
    "survey.changed": "%(who)s changed a survey",
    "surveys:campaign.created": "%(who)s created a survey campaign",
    "campaign.launched": "%(who)s launched a survey campaign",
    "contact.erased.anonymised": "%(who)s anonymised the answers of an erased person",
    "contact.merged.repointed": "%(who)s moved the answers of a merged duplicate",
    "events:event.created": "%(who)s created an event",
    "events:event.updated": "%(who)s edited an event",
    "events:event.published": "%(who)s published an event",
    "events:event.cancelled": "%(who)s cancelled an event",
    "events:event.declined": "%(who)s declined a partner's event",
    "events:series.created": "%(who)s created an event series",
    "events:event.attendance.checked_in": "%(who)s marked attendance at an event",
    "events:event.attendance.imported": "%(who)s imported the attendance of an event",
    "events:event.registrations.exported": "%(who)s exported the registrations of an event",
    "events:contact.erased.anonymised": (
        "%(who)s anonymised the registrations of an erased person"
    ),
}
SERVICES = {
    "contacts": "Contacts",
    "newsletter": "Newsletter",
    "surveys": "Surveys",
    "events": "Events",
}
# The staff page of what an entry is about, where one exists: the sentence names the kind
# ("sent a newsletter"), the link says which one.
TARGET_PAGES = {
    ("newsletter", "campaign"): "/newsletter/staff/campaigns/{id}",
    ("newsletter", "material"): "/newsletter/staff/materials/{id}",
    ("surveys", "survey"): "/surveys/staff/surveys/{id}",
    ("contacts", "person"): "/staff/people/{id}",
    ("contacts", "organisation"): "/staff/organisations/{id}",
    ("contacts", "segment"): "/staff/segments/{id}",
    ("contacts", "job"): "/staff/jobs/{id}",
    ("events", "event"): "/events/staff/events/{id}",
}
_SAFE_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def target_page(service: str, target_type: str | None, target_id: str | None) -> str:
    """The address of the entry's subject on the staff pages, or "" (an unknown kind, or an
    id that could not be part of an address)."""
    pattern = TARGET_PAGES.get((service, target_type or ""))
    if not pattern or not target_id or not set(target_id) <= _SAFE_ID:
        return ""
    return pattern.format(id=target_id)


SOMEONE = "Someone"


def sentence_of(service: str, action: str) -> str | None:
    """The English sentence of an action (for `_()`), or None when it has none yet."""
    return SENTENCES.get(f"{service}:{action}") or SENTENCES.get(action)


@dataclass(frozen=True)
class Names:
    """Ids as audit entries store them, as staff read them."""

    staff: Mapping[str, str]
    targets: Mapping[tuple[str, str], str]

    def who(self, actor_id: str | None) -> str:
        """A staff member's name or address, a known system actor's label key, or ""."""
        if not actor_id:
            return ""
        return self.staff.get(actor_id) or NOT_STAFF.get(actor_id, "")

    def target(self, target_type: str | None, target_id: str | None) -> str:
        return self.targets.get((target_type or "", target_id or ""), "")
