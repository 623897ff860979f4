"""Newsletter' schema (the migrations are generated from and checked against this)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
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

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    # {"fi": {"subject": ..., "preheader": ..., "blocks": [...]}, "sv": ..., "en": ...}
    Column("content", JSONB, nullable=False),
    Column("default_language", Text, nullable=False),
    Column("topics", ARRAY(Text), nullable=False, server_default="{}"),
    Column("topical", Boolean, nullable=False, server_default="false"),
    Column("tracking", Boolean, nullable=False, server_default="false"),
    # Shown in the public archive and feed once sent (the editor decides; tests never are).
    Column("in_archive", Boolean, nullable=False, server_default="true"),
    Column("audience", JSONB, nullable=False),
    Column("status", Text, nullable=False, server_default="draft"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("recipients", Integer, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("send_started_at", DateTime(timezone=True), nullable=True),
    # Composer: NULL fallback = recipients whose language has no variant make sending refused.
    Column("fallback_language", Text, nullable=True),
    Column("included_segments", ARRAY(Uuid), nullable=False, server_default="{}"),
    Column("excluded_segments", ARRAY(Uuid), nullable=False, server_default="{}"),
    Column("scheduled_at", DateTime(timezone=True), nullable=True),  # UTC
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("cancelled_count", Integer, nullable=True),
    # A test send's frozen copy (status "test") points at the campaign it was taken from.
    Column("test_of", Uuid, nullable=True),
    Index("ix_campaigns_due", "scheduled_at", postgresql_where=text("status = 'scheduled'")),
)

# Replica of contacts.segment.v1 (compacted): the composer's audience building blocks.
segments = segment_replica_table(metadata)

# One row per mail: the truth the delivery workers work from (Kafka only wakes them).
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("origin", Text, nullable=False),  # transactional | campaign | survey_invitation
    Column("origin_id", Text, nullable=True),
    # For staff elsewhere: the campaign's name or survey's title, and for a survey invitation
    # the campaign it belongs to (carried into mail.events.v1).
    Column("origin_label", Text, nullable=True),
    Column("origin_group", Text, nullable=True),
    Column("priority", SmallInteger, nullable=False),  # 0 transactional first, 1 campaigns
    Column("campaign_id", Uuid, nullable=True),
    Column("idempotency_key", Text, nullable=True),
    Column("template_key", Text, nullable=True),
    Column("contact_id", Uuid, nullable=True),
    Column("language", Text, nullable=False),
    Column("to_email", Text, nullable=True),  # NULL when never to be sent (suppressed)
    Column("to_name", Text, nullable=False, server_default=""),
    Column("variables", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    # Files of a transactional mail (an event's .ics): [{filename, content_type,
    # content_base64}], bounded by shared/events/mail.py; emptied with the address.
    Column("attachments", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    # pending -> sent | bounced | failed; suppressed never leaves.
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    # Due time; a claim pushes it to the lease's end, so an unrecorded mail (crashed worker)
    # is due again when its lease expires, and leased rows never clog the front of the queue.
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    # W3C trace context of the work that asked for the mail: the send continues its trace.
    Column("traceparent", Text, nullable=True),
    UniqueConstraint("idempotency_key"),
    UniqueConstraint("campaign_id", "contact_id"),
    Index(
        "ix_deliveries_due",
        "priority",
        "next_attempt_at",
        postgresql_where=text("status = 'pending'"),
    ),
)

# Addresses never to mail again (hard bounce, complaint), by HMAC only: survives erasure.
suppressions = Table(
    "suppressions",
    metadata,
    Column("email_hmac", LargeBinary, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("detail", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Opens and clicks of tracked campaign mail, one row each (totals and hourly series count them).
tracking_events = Table(
    "tracking_events",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("delivery_id", Uuid, nullable=False),
    Column("campaign_id", Uuid, nullable=True),
    Column("kind", Text, nullable=False),  # open | click
    Column("url", Text, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_tracking_events_campaign", "campaign_id", "kind"),
    Index("ix_tracking_events_delivery", "delivery_id", "kind"),
)

# What the retention job keeps of old tracking events: per campaign, day (UTC), kind, link and
# hour of the first 48 (NULL after), the number of events and of the deliveries counted unique
# here (each mail once, on its first such event; docs/privacy.md "Figures after retention").
tracking_daily_counts = Table(
    "tracking_daily_counts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("campaign_id", Uuid, nullable=False),
    Column("day", Date, nullable=False),
    Column("kind", Text, nullable=False),
    Column("events", Integer, nullable=False),
    Column("deliveries", Integer, nullable=False),
    Column("url", Text, nullable=True),
    Column("hour", SmallInteger, nullable=True),
    # Unique per link (clicks): each mail once per link, on its first click of that link.
    Column("url_deliveries", Integer, nullable=False, server_default="0"),
    Index("ix_tracking_daily_counts_campaign", "campaign_id", "day"),
)

# What the retention job keeps of old finished deliveries: counts per origin, campaign (if any),
# day (UTC) of creation and final status. Suppressions are never touched.
delivery_counts = Table(
    "delivery_counts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("campaign_id", Uuid, nullable=True),
    Column("day", Date, nullable=False),
    Column("status", Text, nullable=False),
    Column("deliveries", Integer, nullable=False),
    # Of those, recipients unsubscribed when the rows went (the figure is frozen then).
    Column("unsubscribed", Integer, nullable=False, server_default="0"),
    Index("ix_delivery_counts_campaign", "campaign_id"),
)

# The media library (docs/mail.md "Media library"): images staff upload for campaigns, alt
# text per language, and each variant's bytes in the database (one backup, every web process).
media = Table(
    "media",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("alt", JSONB, nullable=False, server_default=text("'{}'::jsonb")),  # {"fi": ...}
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

media_variants = Table(
    "media_variants",
    metadata,
    Column("media_id", Uuid, primary_key=True),
    Column("variant", Text, primary_key=True),  # "original", "w600", "w1200"
    Column("hash", Text, nullable=False),
    Column("ext", Text, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# Replica of events.event.v1 (the events service's published events): the composer's event
# card is filled from it. Version-guarded upserts; a cancelled event stays, marked.
event_listing = Table(
    "event_listing",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("state", Text, nullable=False),  # published | cancelled
    Column("kind", Text, nullable=False),
    Column("title", JSONB, nullable=False),  # {"fi": ..., "sv": ...}
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("online", Boolean, nullable=False),
    Column("municipality", Text),
    Column("languages", ARRAY(Text), nullable=False, server_default="{}"),
    Column("url", Text, nullable=False),
    Index("ix_event_listing_starts_at", "starts_at"),
)

# The materials library (docs/materials.md): guides, recordings, slide sets. A material is a
# file (bytes in material_files, like media) or an outside http(s) link; texts per language.
MATERIAL_SEARCH = (
    # Parenthesised as PostgreSQL shows it back, so Alembic sees no difference.
    "to_tsvector('{config}'::regconfig, (coalesce(title ->> '{lang}', '') || ' ') || "
    "coalesce(description ->> '{lang}', ''))"
)
materials = Table(
    "materials",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", Text, nullable=False),  # guide | recording | slides | other
    Column("title", JSONB, nullable=False),  # {"fi": ..., "sv": ..., "en": ...}
    Column("description", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("url", Text, nullable=True),  # an outside link; NULL: the file is the material
    Column("topics", ARRAY(Text), nullable=False, server_default="{}"),
    Column("audiences", ARRAY(Text), nullable=False, server_default="{}"),
    Column("areas", ARRAY(Text), nullable=False, server_default="{}"),  # competence areas
    Column("published", Boolean, nullable=False, server_default="false"),
    Column("archived_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Full-text search per language, each with its own stemmer (materials/repository.py).
    *(
        Index(
            f"ix_materials_search_{lang}",
            text(MATERIAL_SEARCH.format(config=config, lang=lang)),
            postgresql_using="gin",
        )
        for lang, config in (("fi", "finnish"), ("sv", "swedish"), ("en", "english"))
    ),
)

material_files = Table(
    "material_files",
    metadata,
    Column("material_id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),  # the uploaded file's name, cleaned
    Column("hash", Text, nullable=False),
    Column("ext", Text, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# Opens through /materials/{id}/open, counted per material, month and where they came from
# (public: the listing or a shared link; newsletter: a link in a mail). No person, address
# or time of day: a mail click is the person's engagement through tracking_events already.
material_opens = Table(
    "material_opens",
    metadata,
    Column("material_id", Uuid, primary_key=True),
    Column("month", Date, primary_key=True),
    Column("source", Text, primary_key=True),
    Column("opens", Integer, nullable=False),
)
