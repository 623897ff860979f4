"""Reading and publishing the legal texts."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.legal import repository as store
from contacts.legal.domain.texts import (
    SHIPPED_AT,
    LegalKind,
    LegalVersion,
    RetentionPeriods,
    checked_texts,
    default_texts,
    parse_label,
)
from shared.settings import ServiceSettings


def shipped(kind: LegalKind) -> LegalVersion:
    """Version 1: the shipped default. The migration stores it; if its row is gone (an emptied
    database), the same text still answers for version 1."""
    return LegalVersion(
        id=0, kind=kind, version=1, texts=default_texts(kind), published_at=SHIPPED_AT
    )


async def current(conn: AsyncConnection, kind: LegalKind) -> LegalVersion:
    """The newest published version."""
    return await store.latest(conn, kind) or shipped(kind)


async def publish(
    engine: AsyncEngine, *, kind: LegalKind, texts: dict[str, str], actor: Actor
) -> LegalVersion:
    checked = checked_texts(texts)
    async with engine.begin() as conn:
        published = await store.add(conn, kind, checked, published_by=actor.id)
        await audit(
            conn,
            actor,
            "legal.publish",
            target_type="legal_text",
            target_id=published.label,
            details={"kind": kind, "version": published.version},
        )
    return published


def retention_periods(settings: ServiceSettings) -> RetentionPeriods:
    return RetentionPeriods(
        unconfirmed_signup_days=settings.retention_unconfirmed_signup_days,
        inactive_review_years=settings.retention_inactive_review_years,
        tracking_events_months=settings.retention_tracking_events_months,
        delivery_rows_months=settings.retention_delivery_rows_months,
        invitation_days_after_close=settings.retention_invitation_days_after_close,
        consent_log_years=settings.retention_consent_log_years,
        job_days=settings.retention_job_days,
        closed_enquiry_months=settings.retention_closed_enquiry_months,
    )


async def version_shown(conn: AsyncConnection, kind: LegalKind, label: str) -> LegalVersion:
    """The version a form said it showed (its hidden field), or the current one if that is
    missing or made up: the log must only ever name versions that exist."""
    number = parse_label(label, kind)
    if number == 1:
        return await store.by_version(conn, kind, 1) or shipped(kind)
    found = await store.by_version(conn, kind, number) if number is not None else None
    return found or await current(conn, kind)
