"""Which organisation a row names: an existing one by business ID (Y-tunnus) or by name, or a
new one the import creates.

The business ID wins when both are given and it is known. A name is compared ignoring case,
diacritics and extra spaces. A name nobody has is created once per file, with the place of the
first row that names it; a later row may refer to it by its business ID alone.
"""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from contacts.classification import fold
from contacts.errors import InvalidInput
from contacts.imports.domain.values import RowError, refuse
from contacts.organisations.domain.business_id import normalise_business_id
from contacts.organisations.domain.organisation import clean_org_name

SIMILAR = 0.85  # a new name this close to a known one is shown beside it in the report


@dataclass(frozen=True)
class KnownOrganisation:
    id: uuid.UUID
    name: str
    business_id: str | None = None


@dataclass
class NewOrganisation:
    """An organisation the import will create (first row's spelling and place)."""

    name: str
    business_id: str | None
    municipality: str | None
    region: str | None
    first_row: int
    similar: str | None = None  # a known organisation with a close name, for the report


@dataclass(frozen=True)
class OrganisationChoice:
    """A row's organisation: `known`, or `new` (its folded name) to be created; `plan` is the
    organisation to create when this row is the first good row naming it."""

    known: KnownOrganisation | None = None
    new: str | None = None
    plan: NewOrganisation | None = None

    @property
    def id(self) -> uuid.UUID | None:
        return self.known.id if self.known else None


@dataclass
class OrganisationDirectory:
    """The known organisations, and what the rows so far matched and would create."""

    known: list[KnownOrganisation]
    matched: dict[uuid.UUID, str] = field(default_factory=dict)
    created: dict[str, NewOrganisation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_business_id = {o.business_id: o for o in self.known if o.business_id}
        self._by_name: dict[str, list[KnownOrganisation]] = {}
        for org in self.known:
            self._by_name.setdefault(fold(org.name), []).append(org)
        self._new_by_business_id: dict[str, str] = {}

    def choose(
        self,
        row: int,
        *,
        name: str | None,
        business_id: str | None,
        municipality: str | None,
        region: str | None,
    ) -> OrganisationChoice:
        bid = _business_id(business_id) if business_id else None
        if bid and bid in self._by_business_id:
            return self._matched(self._by_business_id[bid])
        if bid and bid in self._new_by_business_id and not name:
            return OrganisationChoice(new=self._new_by_business_id[bid])
        if not name:
            raise refuse(
                "No organisation has business ID %(value)s: add the organisation's name to "
                "create it.",
                value=bid or "",
            )
        cleaned = _name(name)
        key = fold(cleaned)
        same_name = self._by_name.get(key, [])
        if len(same_name) > 1 and not bid:
            raise refuse(
                "Several organisations are called “%(name)s”: add the business ID.", name=cleaned
            )
        if same_name:
            org = same_name[0]
            if bid and org.business_id and org.business_id != bid:
                raise refuse(
                    "Organisation “%(name)s” has business ID %(stored)s, not %(value)s.",
                    name=org.name,
                    stored=org.business_id,
                    value=bid,
                )
            return self._matched(org)
        return self._new(row, cleaned, key, bid, municipality, region)

    def accept(self, choice: OrganisationChoice) -> None:
        """Count a good row's choice (a bad row creates and matches nothing)."""
        if choice.known is not None:
            self.matched[choice.known.id] = choice.known.name
        elif choice.new is not None:
            planned = self.created.setdefault(choice.new, choice.plan or self.created[choice.new])
            if choice.plan and choice.plan.business_id and not planned.business_id:
                planned.business_id = choice.plan.business_id
            if planned.business_id:
                self._new_by_business_id[planned.business_id] = choice.new

    def _matched(self, org: KnownOrganisation) -> OrganisationChoice:
        return OrganisationChoice(known=org)

    def _new(
        self,
        row: int,
        name: str,
        key: str,
        bid: str | None,
        municipality: str | None,
        region: str | None,
    ) -> OrganisationChoice:
        planned = self.created.get(key)
        if planned is None:
            plan = NewOrganisation(name, bid, municipality, region, row, self._similar(key))
            return OrganisationChoice(new=key, plan=plan)
        if bid and planned.business_id and planned.business_id != bid:
            raise refuse(
                "Organisation “%(name)s” has business ID %(stored)s in row %(row)s, not %(value)s.",
                name=planned.name,
                stored=planned.business_id,
                row=str(planned.first_row),
                value=bid,
            )
        if bid and not planned.business_id:
            return OrganisationChoice(new=key, plan=NewOrganisation(name, bid, None, None, row))
        return OrganisationChoice(new=key)

    def _similar(self, key: str) -> str | None:
        close = difflib.get_close_matches(key, self._by_name, n=1, cutoff=SIMILAR)
        return self._by_name[close[0]][0].name if close else None


def _business_id(raw: str) -> str:
    try:
        return normalise_business_id(raw)
    except InvalidInput as error:
        raise refuse(error.message) from None


def _name(raw: str) -> str:
    try:
        return clean_org_name(raw)
    except InvalidInput as error:
        raise refuse(error.message) from None


def known_from(rows: Iterable[tuple[uuid.UUID, str, str | None]]) -> OrganisationDirectory:
    return OrganisationDirectory([KnownOrganisation(i, n, b) for i, n, b in rows])


__all__ = [
    "KnownOrganisation",
    "NewOrganisation",
    "OrganisationChoice",
    "OrganisationDirectory",
    "RowError",
    "known_from",
]
