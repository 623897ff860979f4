"""Contacts' schema (the migrations are generated from and checked against this)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    Table,
    Text,
    Uuid,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from shared.collation import collation
from shared.db import new_metadata
from shared.i18n import STAFF_LANGUAGES
from shared.outbox import inbox_table, outbox_table
from shared.snapshot import contact_snapshot_table

metadata = new_metadata()

people = Table(
    "people",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", Text, nullable=False),
    Column("first_name", Text, nullable=False, server_default=""),
    Column("last_name", Text, nullable=False, server_default=""),
    Column("language", Text, nullable=False, server_default="fi"),
    Column("version", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("phone", Text, nullable=True),
    Column("title", Text, nullable=False, server_default=""),
    Column("municipality", Text, nullable=True),
    Column("topics", ARRAY(Text), nullable=False, server_default="{}"),
    Column("subscription_state", Text, nullable=False, server_default="pending"),
    Column("confirmed_at", DateTime(timezone=True), nullable=True),
    Column("newsletter_consent", Boolean, nullable=False, server_default="false"),
    Column("survey_consent", Boolean, nullable=False, server_default="false"),
    Column("email_status", Text, nullable=False, server_default="ok"),
    Column("tags", ARRAY(Text), nullable=False, server_default="{}"),
    Column("last_engaged_on", Date, nullable=True),
    Column("weak_areas", ARRAY(Text), nullable=False, server_default="{}"),
)
Index("uq_people_email_lower", func.lower(people.c.email), unique=True)

# Staff-managed free labels; people hold the tag's name as written here.
tags = Table(
    "tags",
    metadata,
    Column("name", Text, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("uq_tags_name_lower", func.lower(tags.c.name), unique=True)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False, server_default="other"),
    Column("business_id", Text, nullable=True),
    Column("region", Text, nullable=True),
    Column("municipality", Text, nullable=True),
    Column("website", Text, nullable=False, server_default=""),
    Column("parent_id", Uuid, ForeignKey("organisations.id", ondelete="SET NULL"), nullable=True),
    # A name typed on /join that matched nothing waits for staff review.
    Column("status", Text, nullable=False, server_default="active"),
    # Codes of the programme's vocabularies (organisations/domain/offer.py).
    Column("support_forms", ARRAY(Text), nullable=False, server_default="{}"),
    Column("funding", ARRAY(Text), nullable=False, server_default="{}"),
    Column("archived", Boolean, nullable=False, server_default="false"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("ix_organisations_name_lower", func.lower(organisations.c.name))
Index(
    "uq_organisations_business_id",
    organisations.c.business_id,
    unique=True,
    postgresql_where=organisations.c.business_id.isnot(None),
)

person_organisations = Table(
    "person_organisations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column(
        "organisation_id",
        Uuid,
        ForeignKey("organisations.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    Column("role", Text, nullable=False, server_default=""),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_person_organisations_person_id", "person_id"),
    Index("ix_person_organisations_organisation_id", "organisation_id"),
)

memberships = Table(
    "memberships",
    metadata,
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("state", Text, nullable=False),
    Column("ecosystem_role", Text, nullable=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("reason", Text, nullable=False, server_default=""),
    Column("decided_by", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_memberships_state", "state"),
)

# Every step of a membership (append-only): from, to, by whom (staff id; NULL = the person
# themselves or an unknown earlier actor) and why, for the person's timeline.
membership_transitions = Table(
    "membership_transitions",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("action", Text, nullable=False),
    Column("from_state", Text, nullable=True),
    Column("to_state", Text, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("decided_by", Text, nullable=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Index("ix_membership_transitions_person_id_occurred_at", "person_id", "occurred_at"),
)

topics = Table(
    "topics",
    metadata,
    Column("key", Text, primary_key=True),
    Column("name_fi", Text, nullable=False),
    Column("name_sv", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("position", Integer, nullable=False, server_default="0"),
    Column("archived", Boolean, nullable=False, server_default="false"),
)

# Append-only: rows are never updated; only erasure of the person removes them.
consent_log = Table(
    "consent_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("given", Boolean, nullable=False),
    Column("method", Text, nullable=False),
    Column("wording_version", Text, nullable=True),
    Column("ip", Text, nullable=True),
    Column("basis", Text, nullable=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Index("ix_consent_log_person_id", "person_id"),
)

# One row per form sent on /join: what to apply when (and only if) the address is confirmed.
signups = Table(
    "signups",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("details", JSONB, nullable=False, server_default="{}"),
    Column("wording_version", Text, nullable=False),
    Column("ip", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("confirmed_at", DateTime(timezone=True), nullable=True),
    Index("ix_signups_person_id", "person_id"),
)

# The person's timeline: contacts' own domain events and, later, other services' events.
activity = Table(
    "activity",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("source", Text, nullable=False, server_default="contacts"),
    Column("details", JSONB, nullable=False, server_default="{}"),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Index("ix_activity_person_id_occurred_at", "person_id", "occurred_at"),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
# Contacts' own projection of the snapshot it publishes: segments count against it.
contact_snapshot = contact_snapshot_table(metadata)
# The staff pages' look-ups, on contacts' projection only (the replicas do not serve them):
# the search box's substring matches (pg_trgm), an organisation's people in name order, and the
# people list in name order (it walks the index of the page's language and stops after a page).
_live = text("erased IS false")
# What the search box matches a name against, written as the index is (no bound parameter).
SEARCHED_NAME = contact_snapshot.c.first_name.op("||")(literal_column("' '")).op("||")(
    contact_snapshot.c.last_name
)
for _name, _column in (
    ("email", contact_snapshot.c.email),
    ("organisation", contact_snapshot.c.organisation_name),
):
    Index(
        f"ix_contact_snapshot_search_{_name}",
        _column,
        postgresql_using="gin",
        postgresql_ops={_column.key: "gin_trgm_ops"},
    )
Index(
    "ix_contact_snapshot_search_name",
    SEARCHED_NAME.label("searched_name"),
    postgresql_using="gin",
    postgresql_ops={"searched_name": "gin_trgm_ops"},
)
Index(
    "ix_contact_snapshot_organisation_people",
    contact_snapshot.c.organisation_id,
    contact_snapshot.c.last_name,
    contact_snapshot.c.first_name,
    contact_snapshot.c.contact_id,
    postgresql_where=_live,
)
# The people list's usual filters: a region, a membership state, or both.
Index(
    "ix_contact_snapshot_live_region_membership",
    contact_snapshot.c.region,
    contact_snapshot.c.membership_state,
    postgresql_where=_live,
)
# The people list's default order (surname, first name) in each staff language's alphabet: an
# index serves an ORDER BY only with the collation it was built with (`shared.collation`).
# The collation rides in `postgresql_ops` (rendered right after the column, where PostgreSQL
# takes COLLATE): reflection reads such an index back as plain columns, so migrations compare.
for _lang in STAFF_LANGUAGES:
    _collate = f'COLLATE "{collation(_lang)}"'
    Index(
        f"ix_contact_snapshot_name_{_lang}",
        contact_snapshot.c.last_name,
        contact_snapshot.c.first_name,
        contact_snapshot.c.contact_id,
        postgresql_ops={"last_name": _collate, "first_name": _collate},
        postgresql_where=_live,
    )

staff_users = Table(
    "staff_users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", Text, nullable=False),
    Column("name", Text, nullable=False, server_default=""),
    Column("role", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("uq_staff_users_email_lower", func.lower(staff_users.c.email), unique=True)

# Server-side sessions: the cookie holds a random token, the table only its SHA-256.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("staff_id", Uuid, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Staff actions of every service (from staff.audit.v1 and contacts' own), who/what/when.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("service", Text, nullable=False),
    Column("actor_id", Text, nullable=True),
    Column("actor_role", Text, nullable=True),
    Column("action", Text, nullable=False),
    Column("target_type", Text, nullable=True),
    Column("target_id", Text, nullable=True),
    Column("details", JSONB, nullable=False, server_default="{}"),
    Column("occurred_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_audit_log_occurred_at", "occurred_at"),
)

# Saved audiences: a rule in the shared segment language, published on contacts.segment.v1.
segments = Table(
    "segments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("rule", JSONB, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("archived", Boolean, nullable=False, server_default="false"),
    Column("created_by", Text, nullable=True),
    Column("updated_by", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Onboarding into the Facebook group: one row per person who was ever invited.
onboarding = Table(
    "onboarding",
    metadata,
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("state", Text, nullable=False),
    Column("invited_at", DateTime(timezone=True), nullable=True),
    Column("requested_at", DateTime(timezone=True), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", Text, nullable=True),
    Column("left_at", DateTime(timezone=True), nullable=True),
    Column("reminders_sent", Integer, nullable=False, server_default="0"),
    Column("last_reminded_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_onboarding_state", "state"),
)

# Every code ever issued stays, so an old or spent code is recognised as such.
join_codes = Table(
    "join_codes",
    metadata,
    Column("code", Text, primary_key=True),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Index("ix_join_codes_person_id", "person_id"),
)

# Staff notes: about one person or one organisation; plain text, escaped wherever shown.
notes = Table(
    "notes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), nullable=True),
    Column(
        "organisation_id",
        Uuid,
        ForeignKey("organisations.id", ondelete="CASCADE"),
        nullable=True,
    ),
    Column("text", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("(person_id IS NULL) <> (organisation_id IS NULL)", name="one_subject"),
    Index("ix_notes_person_id", "person_id"),
    Index("ix_notes_organisation_id", "organisation_id"),
)

# "Invite us to visit" requests from the public form, worked through in a staff queue.
visit_requests = Table(
    "visit_requests",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organisation_id", Uuid, ForeignKey("organisations.id", ondelete="SET NULL")),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="SET NULL")),
    Column("organisation_name", Text, nullable=False),
    Column("contact_name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("phone", Text, nullable=True),
    Column("topic", Text, nullable=True),
    Column("wished_dates", Text, nullable=False),
    Column("audience_size", Integer, nullable=True),
    Column("message", Text, nullable=False, server_default=""),
    Column("language", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("state_changed_at", DateTime(timezone=True), nullable=True),
    Column("state_changed_by", Text, nullable=True),
    Column("note", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_visit_requests_state_created_at", "state", "created_at"),
    Index("ix_visit_requests_organisation_id", "organisation_id"),
)

# Group members an imported member list named but the registry does not know, per import.
group_member_imports = Table(
    "group_member_imports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("imported_by", Text, nullable=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("matched", Integer, nullable=False),
    Column("unknown", JSONB, nullable=False, server_default="[]"),
)

# Background jobs (bulk actions, imports): durable, claimed by a worker with a lease.
jobs = Table(
    "jobs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("parameters", JSONB, nullable=False, server_default="{}"),
    Column("state", Text, nullable=False, server_default="queued"),
    Column("total", Integer, nullable=False, server_default="0"),
    Column("done_count", Integer, nullable=False, server_default="0"),
    Column("failed_count", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=True),
    Column("created_by", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("lease_token", Uuid, nullable=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("input", LargeBinary, nullable=True),
    Column("result", LargeBinary, nullable=True),
    CheckConstraint(
        "state IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="job_state"
    ),
    Index("ix_jobs_state_created_at", "state", "created_at"),
)

# The people a job acts on, fixed when it is confirmed; a row goes when its person is done.
job_items = Table(
    "job_items",
    metadata,
    Column("job_id", Uuid, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Uuid, primary_key=True),
)

# Published versions of the legal texts (accessibility, privacy, consent): append-only, so the
# consent log's wording_version ("consent-v2") always points at the text a person saw.
legal_texts = Table(
    "legal_texts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("text_fi", Text, nullable=False),
    Column("text_sv", Text, nullable=False),
    Column("text_en", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_by", Text, nullable=True),
    Index("ux_legal_texts_kind_version", "kind", "version", unique=True),
)

# Dashboard figures from mail.events.v1: one row per delivery of a campaign or a survey
# invitation, no person in it; opened/clicked make unique counts a plain count.
mail_figures = Table(
    "mail_figures",
    metadata,
    Column("delivery_id", Uuid, primary_key=True),
    Column("origin", Text, nullable=False),
    Column("origin_id", Text, nullable=False),  # the campaign, or one survey invitation
    Column("group_id", Text, nullable=False),  # the campaign either way
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("bounced", Boolean, nullable=False, server_default="false"),
    Column("opened", Boolean, nullable=False, server_default="false"),
    Column("clicked", Boolean, nullable=False, server_default="false"),
    Index("ix_mail_figures_group", "origin", "group_id"),
)

# Survey invitations: was another delivery (a reminder) of this invitation counted already?
Index(
    "ix_mail_figures_invitation",
    mail_figures.c.origin_id,
    postgresql_where=text("origin = 'survey_invitation'"),
)

# What each campaign or survey campaign is called, as the mail events name it, and its figures:
# units (deliveries; for a survey campaign, invitations) sent, bounced, opened and clicked,
# counted up as the flags of mail_figures first turn on (dashboard/repository.py).
mail_origins = Table(
    "mail_origins",
    metadata,
    Column("group_id", Text, primary_key=True),
    Column("origin", Text, nullable=False),
    Column("label", Text, nullable=False, server_default=""),
    Column("first_sent_at", DateTime(timezone=True), nullable=True),
    Column("sent", BigInteger, nullable=False, server_default="0"),
    Column("bounced", BigInteger, nullable=False, server_default="0"),
    Column("opened", BigInteger, nullable=False, server_default="0"),
    Column("clicked", BigInteger, nullable=False, server_default="0"),
)

# Responses per survey campaign (surveys.responses.v1); the response id makes it idempotent.
survey_responses_seen = Table(
    "survey_responses_seen",
    metadata,
    Column("response_id", Uuid, primary_key=True),
    Column("campaign_id", Uuid, nullable=False),
    Column("submitted_on", Date, nullable=False),
    Index("ix_survey_responses_seen_campaign", "campaign_id"),
)

# The dashboard's network size by month, type and region, and its join funnel, as last counted
# (one row): counting them reads every membership and snapshot, so the worker does it aside.
network_figures = Table(
    "network_figures",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("figures", JSONB, nullable=False),
    CheckConstraint("id = 1", name="one_row"),
)

# Files staff uploaded on /staff/imports and have not imported yet: kept server-side between
# the upload and the mapping steps, gone when the import starts or after a day.
import_uploads = Table(
    "import_uploads",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("filename", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_by", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Rows an import job rejected (original cells, the problems, and the lower-cased address,
# phone and full name an erasure looks them up by); they go with their job.
import_rejected_rows = Table(
    "import_rejected_rows",
    metadata,
    Column("job_id", Uuid, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("row", Integer, primary_key=True),
    Column("cells", JSONB, nullable=False, server_default="[]"),
    Column("problems", JSONB, nullable=False, server_default="[]"),
    Column("needles", ARRAY(Text), nullable=False, server_default="{}"),
    Index("ix_import_rejected_rows_needles", "needles", postgresql_using="gin"),
)

# The public contact form's messages ("Ota yhteyttä! Kysy! Ehdota!") and staff replies by mail.
# No link to a person: an enquiry is erased by its address (people/repository.remove) and a
# closed one leaves after the retention period.
enquiries = Table(
    "enquiries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("organisation", Text, nullable=False, server_default=""),
    Column("kind", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("state", Text, nullable=False, server_default="open"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("closed_by", Text, nullable=True),
    CheckConstraint("state IN ('open', 'answered', 'closed')", name="state"),
    Index("ix_enquiries_state_created_at", "state", "created_at"),
)
Index("ix_enquiries_email_lower", func.lower(enquiries.c.email))

enquiry_replies = Table(
    "enquiry_replies",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("enquiry_id", Uuid, ForeignKey("enquiries.id", ondelete="CASCADE"), nullable=False),
    Column("body", Text, nullable=False),
    Column("sent_by", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Index("ix_enquiry_replies_enquiry_id", "enquiry_id"),
)

# The impact chain (impact/): each indicator's figure per month (part "" = the whole network;
# "region:<code>", "type:<code>", "cell:<region>|<type>", "year_to_date" = breakdowns), kept
# so the history survives the retention of what it was counted from, and counted again for a
# month on demand.
impact_figures = Table(
    "impact_figures",
    metadata,
    Column("indicator", Text, primary_key=True),
    Column("month", Date, primary_key=True),  # the first day of the month
    Column("part", Text, primary_key=True, server_default=""),
    Column("value", Double, nullable=False),
    Column("numerator", BigInteger, nullable=True),
    Column("denominator", BigInteger, nullable=True),
    Column("computed_at", DateTime(timezone=True), nullable=False),
)

# Staff's yearly target per indicator (counts as counts, shares in per cent), audited.
impact_targets = Table(
    "impact_targets",
    metadata,
    Column("indicator", Text, primary_key=True),
    Column("year", SmallInteger, primary_key=True),
    Column("target", Numeric(14, 2), nullable=False),
    Column("set_by", Text, nullable=True),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

# Who was sent a campaign in which month (the newsletter's unique reach): a person's rows go
# with the person (erasure deletes the person row); the counted figure stays in impact_figures.
mail_reach = Table(
    "mail_reach",
    metadata,
    Column("month", Date, primary_key=True),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_mail_reach_person_id", "person_id"),
)

# Identified self-assessment results (`surveys.assessment.v1`): the impact chain's effect
# figures and the open data count from here. Erasing the person keeps the percents joined to
# nobody (person_id set NULL), as the surveys service does with its attempts.
assessment_results = Table(
    "assessment_results",
    metadata,
    Column("attempt_id", Uuid, primary_key=True),
    Column("assessment_id", Uuid, nullable=False),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
    Column("taken_on", Date, nullable=False),
    Column("percents", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_assessment_results_person_id", "person_id"),
    Index("ix_assessment_results_taken_on", "taken_on"),
)

# The competence areas' names as the latest result named them (the segment builder's words).
assessment_areas = Table(
    "assessment_areas",
    metadata,
    Column("key", Text, primary_key=True),
    Column("name_fi", Text, nullable=False),
    Column("name_sv", Text, nullable=False, server_default=""),
    Column("name_en", Text, nullable=False, server_default=""),
)

# Event participation (participation/): the events service's published events as contacts
# needs them (`events.event.v1`, version-guarded), and each registration's state and the time
# of each step (`events.registration.v1`, guarded by the step's time). The person goes with an
# erasure (SET NULL): the registration stays, anonymous, so the counts of past months hold.
event_catalogue = Table(
    "event_catalogue",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("state", Text, nullable=False),  # published, cancelled, withdrawn
    Column("kind", Text, nullable=False),
    Column("title", JSONB, nullable=False, server_default="{}"),  # language -> title
    Column("series_id", Uuid, nullable=True),
    Column("series_name", JSONB, nullable=False, server_default="{}"),
    Column("starts_at", DateTime(timezone=True), nullable=True),
    Column("ends_at", DateTime(timezone=True), nullable=True),
    Column("online", Boolean, nullable=False, server_default="false"),
    Column("region", Text, nullable=True),
    Column("municipality", Text, nullable=True),
    Column("url", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_event_catalogue_ends_at", "ends_at"),
    Index("ix_event_catalogue_series_id", "series_id"),
)

event_participation = Table(
    "event_participation",
    metadata,
    Column("registration_id", Uuid, primary_key=True),
    Column("event_id", Uuid, nullable=False),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
    Column("series_id", Uuid, nullable=True),
    Column("event_kind", Text, nullable=False, server_default="other"),
    Column("state", Text, nullable=False),  # registered, waitlisted, cancelled, attended
    Column("state_at", DateTime(timezone=True), nullable=False),  # when the state was reached
    Column("first_at", DateTime(timezone=True), nullable=False),  # when the registration came
    Column("registered_at", DateTime(timezone=True), nullable=True),  # a seat (or promoted)
    Column("waitlisted_at", DateTime(timezone=True), nullable=True),
    Column("cancelled_at", DateTime(timezone=True), nullable=True),
    Column("attended_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(
        "state IN ('registered', 'waitlisted', 'cancelled', 'attended')",
        name="participation_state",
    ),
    Index("ix_event_participation_person_id", "person_id"),
    Index("ix_event_participation_event_id", "event_id"),
    Index("ix_event_participation_first_at", "first_at"),
)
