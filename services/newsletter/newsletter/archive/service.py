"""The public archive over a `NewsletterUnitOfWork` (`uow.archive`): sent campaigns, shown
without anything personal or tracked; and the staff preview of any campaign."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsletter.archive.domain import in_public_archive
from newsletter.campaigns.domain import PLACEHOLDER, PLACEHOLDERS, Campaign, parse_content
from newsletter.composer.merge import EMPTY_FIELD, without_empty_fields
from newsletter.errors import NotFound
from newsletter.mail.templates import MailTemplates
from newsletter.tracking.domain import PERSONAL_SENTINEL, strip_personal_links
from newsletter.unit_of_work import NewsletterUnitOfWork


@dataclass(frozen=True)
class ArchivedCampaign:
    id: uuid.UUID
    subject: str
    sent_at: datetime
    html: str
    summary: str = ""
    language: str = "fi"  # the version shown (the campaign's default if it lacks the asked one)


# A personal field in the public copy is the composer's empty-field marker, removed as a mail
# without that value removes it: "Hei {{ first_name }}!" reads "Hei!", never "Hei !".
PERSONAL_FIELD = EMPTY_FIELD
SUMMARY_LENGTH = 280


def _public_variables() -> dict[str, str]:
    # Personal links are replaced by a sentinel and then removed with their separators.
    return dict.fromkeys(PLACEHOLDERS, PERSONAL_FIELD) | {
        "unsubscribe_url": PERSONAL_SENTINEL,
        "preferences_url": PERSONAL_SENTINEL,
    }


def without_personal_fields(text: str) -> str:
    return without_empty_fields(text)


def summary_of(text: str, preheader: str = "") -> str:
    """The preheader, else the start of the plain-text part, cut at a word."""
    words = " ".join((preheader or text).split())
    if len(words) <= SUMMARY_LENGTH:
        return words
    return words[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + " …"


async def _sent(uow: NewsletterUnitOfWork, campaign_id: uuid.UUID | None = None) -> list[Campaign]:
    return [c for c in await uow.archive.sent(campaign_id) if in_public_archive(c)]


@dataclass(frozen=True)
class _Shown:
    """What rendering needs of a campaign; `key` names its compiled templates."""

    id: Any
    key: str
    version: int
    content: dict[str, Any]
    default_language: str
    sent_at: Any

    @classmethod
    def of(cls, c: Campaign) -> _Shown:
        return cls(c.id, str(c.id), c.version, c.content, c.default_language, c.send_started_at)


def _render(
    templates: MailTemplates,
    row: _Shown,
    lang: str,
    variables: dict[str, str] | None = None,
) -> ArchivedCampaign | None:
    variants = parse_content(row.content, row.default_language)
    if lang not in variants:
        return None
    compiled = templates.campaign(row.key, row.version, lang, variants[lang])
    rendered = compiled.fill({**_public_variables(), **(variables or {})})
    subject = without_personal_fields(rendered.subject).strip().rstrip(",").strip()
    return ArchivedCampaign(
        id=row.id,
        subject=subject,
        sent_at=row.sent_at,
        html=without_personal_fields(strip_personal_links(rendered.html)),
        summary=summary_of(
            without_personal_fields(rendered.text),
            without_personal_fields(PLACEHOLDER.sub(PERSONAL_FIELD, variants[lang].preheader)),
        ),
        language=lang,
    )


async def archive(
    uow: NewsletterUnitOfWork, templates: MailTemplates, lang: str
) -> list[ArchivedCampaign]:
    """Sent campaigns that have a version in `lang`, newest first."""
    found = (_render(templates, _Shown.of(c), lang) for c in await _sent(uow))
    return [c for c in found if c is not None]


async def archived_campaign(
    uow: NewsletterUnitOfWork, templates: MailTemplates, campaign_id: uuid.UUID, lang: str
) -> ArchivedCampaign:
    """The campaign in `lang`, else in its default language."""
    found = await _sent(uow, campaign_id)
    if not found:
        raise NotFound("No such campaign in the archive.")
    row = _Shown.of(found[0])
    shown = _render(templates, row, lang) or _render(templates, row, row.default_language)
    if shown is None:
        raise NotFound("No such campaign in the archive.")
    return shown


# With nobody in the audience yet, a preview still shows what the fields do.
SAMPLE_PERSON = {
    "first_name": "Aino",
    "last_name": "Virtanen",
    "organisation_name": "Esimerkkikirjasto",
    "region": "Uusimaa",
}


def render_preview(
    templates: MailTemplates,
    *,
    campaign_id: uuid.UUID,
    version: int,
    default_language: str,
    content: dict[str, Any],
    language: str,
    variables: dict[str, str] | None,
) -> ArchivedCampaign:
    """Any campaign (drafts too) as one recipient would see it; for staff only. Compiled
    under a key of its own: a preview's resolved images never reach another cache entry."""
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    row = _Shown(
        id=f"preview:{campaign_id}:{digest}",
        key=f"preview:{campaign_id}:{digest}",
        version=version,
        content=content,
        default_language=default_language,
        sent_at=None,
    )
    shown = _render(templates, row, language, variables or SAMPLE_PERSON)
    if shown is None:
        raise NotFound("The campaign has no version in this language.")
    return shown
