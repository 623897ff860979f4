"""Merging two records of one person: which values win, and what "more advanced" means."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from contacts.errors import InvalidInput
from contacts.people.domain.person import Person

# Fields staff choose between; "subscription" moves state, confirmation and consents together
# so a merge can never combine one record's consent with the other's unconfirmed address.
CHOOSABLE = ("email", "first_name", "last_name", "language", "phone", "title", "municipality")
CHOICES = (*CHOOSABLE, "subscription")
_SUBSCRIPTION = ("subscription_state", "confirmed_at", "newsletter_consent", "survey_consent")

# Membership states from least to most advanced; the merged person keeps the higher one.
MEMBERSHIP_RANK = ("declined", "left", "pending", "paused", "active")


def merged_person(keep: Person, other: Person, *, from_other: Collection[str]) -> Person:
    """`keep` with the chosen fields of `other`; topics and tags are the union of both."""
    unknown = sorted(set(from_other) - set(CHOICES))
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(unknown)}.", field="from_other")
    if keep.id == other.id:
        raise InvalidInput("A person cannot be merged into themselves.", field="merge_id")
    changes: dict[str, object] = {
        name: getattr(other, name) for name in CHOOSABLE if name in from_other
    }
    if "subscription" in from_other:
        changes.update({name: getattr(other, name) for name in _SUBSCRIPTION})
    engaged = [d for d in (keep.last_engaged_on, other.last_engaged_on) if d is not None]
    changes.update(
        topics=tuple(sorted(set(keep.topics) | set(other.topics))),
        tags=tuple(sorted(set(keep.tags) | set(other.tags))),
        last_engaged_on=max(engaged) if engaged else None,
        created_at=min(keep.created_at, other.created_at),
        # Above both versions: replicas must take the merged snapshot over either record's.
        version=max(keep.version, other.version) + 1,
    )
    return replace(keep, **changes)  # type: ignore[arg-type]


def more_advanced(state: str | None, other: str | None) -> bool:
    """Whether membership state `other` is further along than `state` (None = none)."""
    if other is None:
        return False
    if state is None:
        return True
    return MEMBERSHIP_RANK.index(other) > MEMBERSHIP_RANK.index(state)
