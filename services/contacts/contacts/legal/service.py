"""Reading and publishing the legal texts, over contacts' unit of work (`uow.legal`).

`current` and `version_shown` read inside a unit of work the caller has entered (the signup
reads the consent wording in the transaction it signs up in); `published`, `with_history`
and `publish` are use cases of their own and enter the unit of work themselves.
"""

from __future__ import annotations

from contacts.audit.domain import Actor
from contacts.legal.domain.texts import (
    SHIPPED_AT,
    LegalKind,
    LegalVersion,
    RetentionPeriods,
    checked_texts,
    default_texts,
    parse_label,
)
from contacts.unit_of_work import ContactsUnitOfWork
from shared.settings import ServiceSettings


def shipped(kind: LegalKind) -> LegalVersion:
    """Version 1: the shipped default. The migration stores it; if its row is gone (an emptied
    database), the same text still answers for version 1."""
    return LegalVersion(
        id=0, kind=kind, version=1, texts=default_texts(kind), published_at=SHIPPED_AT
    )


async def current(uow: ContactsUnitOfWork, kind: LegalKind) -> LegalVersion:
    """The newest published version (in a unit of work the caller has entered)."""
    return await uow.legal.latest(kind) or shipped(kind)


async def published(uow: ContactsUnitOfWork, *, kind: LegalKind) -> LegalVersion:
    """The version the public page shows."""
    async with uow:
        return await current(uow, kind)


async def with_history(
    uow: ContactsUnitOfWork, *, kind: LegalKind
) -> tuple[LegalVersion, list[LegalVersion]]:
    """The current version and every stored one, newest first (the staff page)."""
    async with uow:
        return await current(uow, kind), await uow.legal.history(kind)


async def publish(
    uow: ContactsUnitOfWork, *, kind: LegalKind, texts: dict[str, str], actor: Actor
) -> LegalVersion:
    """A new version of `kind` (InvalidInput if a language is empty or a text too long)."""
    checked = checked_texts(texts)
    async with uow:
        version = await uow.legal.add(kind, checked, published_by=actor.id)
        await uow.audit.record(
            actor,
            "legal.publish",
            target_type="legal_text",
            target_id=version.label,
            details={"kind": kind, "version": version.version},
        )
        await uow.commit()
    return version


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


async def version_shown(uow: ContactsUnitOfWork, kind: LegalKind, label: str) -> LegalVersion:
    """The version a form said it showed (its hidden field), or the current one if that is
    missing or made up: the log must only ever name versions that exist (in a unit of work
    the caller has entered)."""
    number = parse_label(label, kind)
    if number == 1:
        return await uow.legal.by_version(kind, 1) or shipped(kind)
    found = await uow.legal.by_version(kind, number) if number is not None else None
    return found or await current(uow, kind)
