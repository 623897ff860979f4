"""Surveys' schema (the migrations are generated from and checked against this)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Interval,
    LargeBinary,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from shared.db import new_metadata
from shared.outbox import inbox_table, outbox_table
from shared.segments.replica import segment_replica_table
from shared.snapshot import contact_snapshot_table

metadata = new_metadata()

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
# Replica of contacts.contact.v1: audiences are computed from it, never from contacts' database.
contact_snapshot = contact_snapshot_table(metadata)

surveys = Table(
    "surveys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", Text, nullable=False),
    Column("definition", JSONB, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("survey_id", Uuid, ForeignKey("surveys.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("opens_at", DateTime(timezone=True), nullable=False),
    Column("closes_at", DateTime(timezone=True), nullable=False),
    Column("audience", JSONB, nullable=False),
    Column("max_reminders", Integer, nullable=False),
    Column("reminder_interval", Interval, nullable=False),
    # The survey as it was at launch: later edits never change what respondents answer.
    Column("survey_definition", JSONB, nullable=True),
    Column("launched_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The audience segments chosen ([{id, name, rule}], frozen at creation), for rates by segment.
    Column("segments", JSONB, nullable=False, server_default="[]"),
    # Anyone with the campaign's public link may answer (always anonymously).
    Column("open_link", Boolean, nullable=False, server_default="false"),
    # Staff's own invitation texts: {"fi": {"subject": ..., "body": ...}, "sv": ..., "en": ...}.
    Column("invitation", JSONB, nullable=False, server_default="{}"),
    Index("ix_campaigns_survey_id", "survey_id"),
)

# One row per person asked. In anonymous mode it keeps only "answered: yes/no".
invitations = Table(
    "invitations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("campaign_id", Uuid, ForeignKey("campaigns.id"), nullable=False),
    Column("contact_id", Uuid, nullable=True),  # NULL once the person is erased
    Column("language", Text, nullable=False),
    # Snapshot at invitation time, for breakdowns; identified mode only.
    Column("organisation_type", Text, nullable=True),
    Column("region", Text, nullable=True),
    # sha256 of the link's nonce; the link itself is never stored.
    Column("token_hash", LargeBinary, nullable=False, unique=True),
    Column("reminder_token_hashes", ARRAY(LargeBinary), nullable=False, server_default="{}"),
    Column("reminders_sent", Integer, nullable=False, server_default="0"),
    Column("last_mailed_at", DateTime(timezone=True), nullable=True),
    Column("answered", Boolean, nullable=False, server_default="false"),
    # Outcome of the latest mail to this invitation (mail.events.v1): delivered | bounced.
    Column("mail_status", Text, nullable=True),
    Column("mail_status_at", DateTime(timezone=True), nullable=True),
    # Which of the campaign's audience segments the person was in at launch.
    Column("segment_ids", ARRAY(Uuid), nullable=False, server_default="{}"),
    # An event's attendee who is not a known person (no contact_id): where and whom to mail.
    # Cleared once answered or erased; a contact's address is always read from the replica.
    Column("email", Text, nullable=True),
    Column("name", Text, nullable=True),
    # The event registration an event feedback invitation was made for (once per registration).
    Column("registration_id", Uuid, nullable=True, unique=True),
    UniqueConstraint("campaign_id", "contact_id"),
    Index("ix_invitations_campaign_answered", "campaign_id", "answered"),
    Index("ix_invitations_contact_id", "contact_id"),
    # Personal links are opaque: a link is found by the hash of its token (first or reminder).
    Index("ix_invitations_reminder_token_hashes", "reminder_token_hashes", postgresql_using="gin"),
)

# One row per browser that opened a campaign's public link: sha256 of the random token in its
# cookie, the day it started and whether it answered. Nothing about the person or the IP.
open_respondents = Table(
    "open_respondents",
    metadata,
    Column("token_hash", LargeBinary, primary_key=True),
    Column("campaign_id", Uuid, ForeignKey("campaigns.id"), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("answered", Boolean, nullable=False, server_default="false"),
    Index("ix_open_respondents_campaign_id", "campaign_id"),
)

# Partial answers, keyed by the invitation's token hash; deleted at submission.
drafts = Table(
    "drafts",
    metadata,
    Column("token_hash", LargeBinary, primary_key=True),
    Column("campaign_id", Uuid, ForeignKey("campaigns.id"), nullable=False),
    Column("answers", JSONB, nullable=False),
    Column("page", Integer, nullable=False, server_default="0"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Anonymous responses hold no token, invitation or person, and only the day of submission.
responses = Table(
    "responses",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("campaign_id", Uuid, ForeignKey("campaigns.id"), nullable=False),
    Column("answers", JSONB, nullable=False),
    Column("submitted_on", Date, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=True),  # identified only
    Column("invitation_id", Uuid, ForeignKey("invitations.id"), nullable=True, unique=True),
    Column("contact_id", Uuid, nullable=True),
    Column("language", Text, nullable=True),
    Column("organisation_type", Text, nullable=True),
    Column("region", Text, nullable=True),
    Index("ix_responses_campaign_id", "campaign_id"),
    Index("ix_responses_contact_id", "contact_id"),
)

# Anonymous answers waiting to reach `responses` (see surveys.ballot_box): sealed and padded,
# with a random id and the campaign only; no time, token, invitation or order of arrival.
ballot_box = Table(
    "ballot_box",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("campaign_id", Uuid, ForeignKey("campaigns.id"), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_ballot_box_campaign_id", "campaign_id"),
)

# What the retention job keeps of a campaign's invitations once it deletes them (closed + N
# days): the counts the campaign overview shows (read as raw rows + these).
invitation_tallies = Table(
    "invitation_tallies",
    metadata,
    Column("campaign_id", Uuid, ForeignKey("campaigns.id"), primary_key=True),
    Column("invited", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("delivered", Integer, nullable=False),
    Column("bounced", Integer, nullable=False),
    Column("purged_at", DateTime(timezone=True), nullable=False),
    Column("complained", Integer, nullable=False, server_default="0"),
    # Answered through the public link (open_respondents), deleted by the same rule.
    Column("open_answered", Integer, nullable=False, server_default="0"),
)

# The same, per audience segment the invitations were in (the overview's rate by segment).
segment_tallies = Table(
    "segment_tallies",
    metadata,
    Column("campaign_id", Uuid, ForeignKey("campaigns.id"), primary_key=True),
    Column("segment_id", Uuid, primary_key=True),
    Column("invited", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
)

# Replica of contacts.segment.v1 (compacted): the audiences staff pick for a campaign.
segments = segment_replica_table(metadata)

# Self-assessment tests (surveys.assessment): the scored definition (areas, questions, points,
# feedback per band) as JSON; mode anonymous | identified.
assessments = Table(
    "assessments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("definition", JSONB, nullable=False),
    Column("mode", Text, nullable=False),
    Column("published", Boolean, nullable=False, server_default="false"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Identified respondents of an assessment: the address their results and links are mailed to,
# and the contact it matched in the replica (if any) when a result was confirmed.
assessment_takers = Table(
    "assessment_takers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=False),
    Column("email", Text, nullable=True),  # NULL once the person is erased
    Column("contact_id", Uuid, nullable=True),
    Column("language", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_assessment_takers_contact_id", "contact_id"),
    Index("ix_assessment_takers_assessment_email", "assessment_id", "email"),
)

# One row per attempt: percent per area, found by the sha256 of its random result link. An
# anonymous attempt has no taker (only the attempt it retakes); an identified one counts once
# its result link (mailed) has been opened (confirmed_at).
assessment_attempts = Table(
    "assessment_attempts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=False),
    Column("token_hash", LargeBinary, nullable=False, unique=True),
    Column("taker_id", Uuid, ForeignKey("assessment_takers.id"), nullable=True),
    Column("previous_id", Uuid, ForeignKey("assessment_attempts.id"), nullable=True),
    Column("percents", JSONB, nullable=False),
    Column("language", Text, nullable=False),
    Column("region", Text, nullable=True),
    Column("organisation_type", Text, nullable=True),
    Column("taken_on", Date, nullable=False),
    Column("confirmed_at", DateTime(timezone=True), nullable=True),
    Index("ix_assessment_attempts_assessment_id", "assessment_id"),
    Index("ix_assessment_attempts_taker_id", "taker_id"),
    Index("ix_assessment_attempts_previous_id", "previous_id"),
)

# An event's feedback survey (surveys.event_feedback): the campaign made for it at the first
# attendee's request and its counts, published on surveys.event_feedback.v1 with `version`.
event_feedback = Table(
    "event_feedback",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("campaign_id", Uuid, ForeignKey("campaigns.id"), nullable=False, unique=True),
    Column("survey_id", Uuid, ForeignKey("surveys.id"), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("invited", Integer, nullable=False, server_default="0"),
    Column("answered", Integer, nullable=False, server_default="0"),
)

# Replica of newsletter.material.v1 (compacted): the materials a self-assessment result links
# for its weakest competence areas (surveys/materials, docs/materials.md).
materials = Table(
    "materials",
    metadata,
    Column("material_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("title", JSONB, nullable=False),
    Column("url", Text, nullable=False),
    Column("areas", ARRAY(Text), nullable=False, server_default="{}"),
    Column("topics", ARRAY(Text), nullable=False, server_default="{}"),
    Column("listed", Boolean, nullable=False),  # published and not archived
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
