"""Composer rules: a campaign's Helsinki schedule, and why sending is refused."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from newsletter.campaigns.domain import Block, Variant
from newsletter.delivery.domain import LANGUAGES
from newsletter.errors import InvalidInput
from newsletter.media.domain import Media, missing_alt_texts

HELSINKI = ZoneInfo("Europe/Helsinki")
MAX_REASON = 1000


def helsinki_to_utc(local: str, field: str = "send_at") -> datetime:
    """'2026-03-29T03:30' read as Helsinki wall-clock time, as an aware UTC datetime.

    A time that does not exist (the spring-forward gap) is refused instead of guessed; an
    ambiguous one (the autumn overlap) means its first occurrence (fold=0), i.e. summer time.
    """
    try:
        naive = datetime.fromisoformat(local.strip())
    except ValueError as exc:
        raise InvalidInput("Give the time as YYYY-MM-DDTHH:MM.", field=field) from exc
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    aware = naive.replace(tzinfo=HELSINKI)
    back = aware.astimezone(UTC).astimezone(HELSINKI)
    if back.replace(tzinfo=None) != naive:
        raise InvalidInput("That time does not exist in Helsinki (clocks move on).", field=field)
    return aware.astimezone(UTC)


def utc_to_helsinki(at: datetime) -> datetime:
    return at.astimezone(HELSINKI)


_LOCAL_INPUT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def event_date_stored(value: str, field: str) -> str:
    """An event card's date from its datetime-local input (Helsinki wall-clock time) as the
    UTC instant it means, in ISO form; older free-text dates are kept as they were typed."""
    value = value.strip()
    if not _LOCAL_INPUT.match(value):
        return value
    return helsinki_to_utc(value, field).isoformat()


def event_date_local(stored: str) -> str:
    """A stored event date as its datetime-local input shows it (Helsinki time); free text
    as it is."""
    at = parse_instant(stored)
    return utc_to_helsinki(at).strftime("%Y-%m-%dT%H:%M") if at else stored


def parse_instant(stored: str) -> datetime | None:
    try:
        at = datetime.fromisoformat(stored.strip())
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


@dataclass(frozen=True)
class Refusal:
    """Why a campaign may not be sent; `field` points the form at the culprit."""

    field: str
    message: str
    link: str = ""  # a broken link's address; `why` says what the check found
    why: str = ""


def link_refusals(found: list[Refusal]) -> tuple[list[Refusal], list[Refusal]]:
    """(broken links, everything else): only the first may be overridden with a reason."""
    return [r for r in found if r.link], [r for r in found if not r.link]


def override_reason(text: str | None) -> str | None:
    """The reason an editor gives to send despite broken links (None: no override asked)."""
    if text is None:
        return None
    reason = " ".join(text.split())
    if not reason:
        raise InvalidInput(
            "Say why the campaign may go out with these links.", field="override_reason"
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput("The reason is too long.", field="override_reason")
    return reason


def links_of(variants: Mapping[str, Variant]) -> dict[str, str]:
    """Every staff-typed link with the field it came from (first occurrence wins)."""
    found: dict[str, str] = {}
    for lang, variant in variants.items():
        for i, block in enumerate(variant.blocks):
            field = f"content.{lang}.blocks.{i}"
            if block.url:
                found.setdefault(block.url, f"{field}.url")
            for j, (_, url) in enumerate(block.items):
                found.setdefault(url, f"{field}.items.{j}.url")
    return found


def _image_refusals(
    block: Block, field: str, lang: str, media: Mapping[str, Media] | None
) -> list[Refusal]:
    if block.media:
        image = (media or {}).get(block.media)
        if image is None:
            return [Refusal(f"{field}.media", "The chosen library image no longer exists.")]
        if block.alt.strip():
            return []
        return [
            Refusal(f"{field}.alt", f"The image {image.name} has no alt text in {missing}.")
            for missing in missing_alt_texts(image, [lang])
        ]
    if not block.alt.strip():
        return [Refusal(f"{field}.alt", f"An image needs alt text ({lang}).")]
    return []


def refusals(
    variants: Mapping[str, Variant],
    *,
    fallback: str | None,
    audience_languages: Iterable[str | None],
    broken_links: Mapping[str, str],
    media: Mapping[str, Media] | None = None,
) -> list[Refusal]:
    """Every reason not to send, so staff fix them all in one go.

    `broken_links` maps a link to why it failed the link check; `media` holds the library
    images the blocks point to, by id (their alt texts count unless a block overrides them).
    """
    found: list[Refusal] = []
    if fallback is not None and fallback not in variants:
        found.append(Refusal("fallback_language", "The fallback language has no content."))
    if fallback is None:
        missing = set(audience_languages) - set(variants)
        if missing - set(LANGUAGES):
            found.append(
                Refusal(
                    "fallback_language",
                    "Some recipients have no language of ours; choose a fallback language.",
                )
            )
        for lang in sorted(str(la) for la in missing & set(LANGUAGES)):
            found.append(
                Refusal(
                    f"content.{lang}",
                    f"Some recipients read {lang}, which has no content; "
                    "add it or choose a fallback language.",
                )
            )
    for lang, variant in variants.items():
        for i, block in enumerate(variant.blocks):
            if block.type == "image":
                found.extend(_image_refusals(block, f"content.{lang}.blocks.{i}", lang, media))
    fields = links_of(variants)
    for url, why in broken_links.items():
        found.append(
            Refusal(fields.get(url, "content"), f"Broken link {url}: {why}", link=url, why=why)
        )
    return found
