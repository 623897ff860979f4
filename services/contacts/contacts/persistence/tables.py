"""Contacts' schema (the migrations are generated from and checked against this)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Table, Text, Uuid, func

from shared.db import new_metadata
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
)
Index("uq_people_email_lower", func.lower(people.c.email), unique=True)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
# Contacts' own projection of the snapshot it publishes: segments count against it.
contact_snapshot = contact_snapshot_table(metadata)
