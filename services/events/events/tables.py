"""Events' schema (the migrations are generated from and checked against this)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from shared.db import new_metadata
from shared.outbox import inbox_table, outbox_table
from shared.snapshot import contact_snapshot_table

metadata = new_metadata()

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
# Replica of contacts.contact.v1: a registrant's address tells whether they are a known person.
contact_snapshot = contact_snapshot_table(metadata)

series = Table(
    "series",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("slug", Text, nullable=False, unique=True),
    Column("name", JSONB, nullable=False),
    Column("description", JSONB, nullable=False, server_default="{}"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

events = Table(
    "events",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("series_id", Uuid, ForeignKey("series.id"), nullable=True),
    Column("kind", Text, nullable=False),
    Column("state", Text, nullable=False, server_default="draft"),
    Column("title", JSONB, nullable=False),
    Column("description", JSONB, nullable=False, server_default="{}"),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("online", Boolean, nullable=False),
    Column("join_url", Text, nullable=True),
    Column("address", Text, nullable=True),
    Column("municipality", Text, nullable=True),
    Column("region", Text, nullable=True),
    Column("capacity", Integer, nullable=True),
    Column("registration_opens_at", DateTime(timezone=True), nullable=True),
    Column("registration_closes_at", DateTime(timezone=True), nullable=True),
    Column("languages", ARRAY(Text), nullable=False, server_default="{}"),
    Column("topics", ARRAY(Text), nullable=False, server_default="{}"),
    Column("organiser", Text, nullable=False, server_default=""),
    Column("audience", Text, nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),
    # A partner's submission: who sent it (verified by the link mailed to this address).
    Column("submitter_name", Text, nullable=True),
    Column("submitter_email", Text, nullable=True),
    # The survey attendees get after the event (surveys' id, from the feedback_surveys replica)
    # and whether its answers are anonymous.
    Column("feedback_survey_id", Uuid, nullable=True),
    Column("feedback_anonymous", Boolean, nullable=False, server_default="true"),
    # The language of the form they used: the approval or decline mail is written in it.
    Column("submitter_language", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_events_state_starts_at", "state", "starts_at"),
)

registrations = Table(
    "registrations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("event_id", Uuid, ForeignKey("events.id"), nullable=False),
    Column("state", Text, nullable=False),  # registered | waitlisted | cancelled
    Column("name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("organisation", Text, nullable=False, server_default=""),
    Column("accessibility_needs", Text, nullable=False, server_default=""),
    Column("language", Text, nullable=False, server_default="fi"),
    # A known person (the replica has the address); erasure clears the row's personal data.
    Column("contact_id", Uuid, nullable=True),
    Column("consented_at", DateTime(timezone=True), nullable=False),
    # The reminders (hours before the start) already requested for this registration.
    Column("reminders_sent", ARRAY(Integer), nullable=False, server_default="{}"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("cancelled_at", DateTime(timezone=True), nullable=True),
    # Marked on the check-in page or from a webinar platform's attendance file.
    Column("attended_at", DateTime(timezone=True), nullable=True),
    # When the feedback survey was requested for this attendee (once; events.feedback).
    Column("feedback_requested_at", DateTime(timezone=True), nullable=True),
    Index("ix_registrations_event_state_created", "event_id", "state", "created_at"),
    # One live registration per address and event (a cancelled one may be followed by another).
    Index(
        "uq_registrations_event_email_live",
        "event_id",
        "email",
        unique=True,
        postgresql_where=text("state <> 'cancelled'"),
    ),
    Index("ix_registrations_contact_id", "contact_id"),
)

# Replica of surveys.survey.v1 (compacted): the surveys staff may choose as an event's feedback.
feedback_surveys = Table(
    "feedback_surveys",
    metadata,
    Column("survey_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("title", JSONB, nullable=False),
    Column("state", Text, nullable=False),
    Column("languages", ARRAY(Text), nullable=False, server_default="{}"),
)

# Replica of surveys.event_feedback.v1 (compacted): an event's feedback campaign and counts.
feedback_status = Table(
    "feedback_status",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("survey_id", Uuid, nullable=False),
    Column("campaign_id", Uuid, nullable=False),
    Column("version", Integer, nullable=False),
    Column("invited", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("anonymous", Boolean, nullable=False),
    Column("results_path", Text, nullable=False),
)
