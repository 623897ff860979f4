"""Checking the rows of an imported people file before anything is stored.

A file arrives as rows of cells keyed by its own column names; a mapping says which column
fills which field. Row numbers are those a spreadsheet shows: the header is row 1, so the first
person is row 2. A bad row is reported once per broken field and never imported. Places,
languages, membership states and topics are read by name (Finnish, Swedish, English) or code
(`values.py`); the organisation by business ID or name (`organisations.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from dataclasses import field as default
from functools import lru_cache, partial

from contacts.classification import load_classification
from contacts.errors import InvalidInput
from contacts.imports.domain import values
from contacts.imports.domain.organisations import OrganisationChoice, OrganisationDirectory
from contacts.imports.domain.values import NO_MEMBERSHIP, Matcher, Problem, RowError, refuse
from contacts.organisations.domain.business_id import normalise_business_id
from contacts.people.domain.person import MAX_EMAIL, MAX_NAME, MAX_TITLE, normalise_email
from contacts.people.domain.phone import normalise_phone
from contacts.tags.domain import clean_tag

FIELDS = (
    "email",
    "first_name",
    "last_name",
    "language",
    "title",
    "phone",
    "municipality",
    "region",
    "organisation",
    "business_id",
    "membership",
    "tags",
    "topics",
)
MIN_BASIS = 10  # a documented basis is a sentence, not "ok"
MAX_BASIS = 1000
FIRST_DATA_ROW = 2
# A plain ASCII dot-atom local part: the full validator would accept it as it is.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LIST = re.compile(r"[,;]")


@dataclass(frozen=True)
class ImportRow:
    row: int
    email: str
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    title: str | None = None
    phone: str | None = None
    municipality: str | None = None
    region: str | None = None
    organisation: OrganisationChoice | None = None
    membership: str | None = None
    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowProblem:
    """A broken field of a row: `text` is the English message id, `params` its values."""

    row: int
    field: str
    text: str
    params: Mapping[str, str] = default(default_factory=dict)

    @property
    def reason(self) -> str:
        """The message in English (the API's and the CLI's)."""
        return self.text % dict(self.params) if self.params else self.text

    def said(self, gettext: Callable[[str], str]) -> str:
        """The message in the page's language."""
        return gettext(self.text) % dict(self.params) if self.params else gettext(self.text)


@dataclass
class Vocabulary:
    """What the cells are matched against, for one file (the matchers remember their answers)."""

    topics: Matcher
    organisations: OrganisationDirectory
    tags: dict[str, str] = field(default_factory=dict)  # lower-cased -> the spelling used
    municipalities: Matcher = field(
        default_factory=lambda: values.municipalities(load_classification())
    )
    regions: Matcher = field(default_factory=lambda: values.regions(load_classification()))
    languages: Matcher = field(default_factory=values.languages)
    memberships: Matcher = field(default_factory=values.memberships)

    def parsers(self) -> tuple[tuple[str, Callable[[str], object]], ...]:
        """Each field read alone, in the order rows report their problems (the organisation,
        read from several fields, comes after)."""
        if self._parsers is None:
            self._parsers = (
                ("email", _email),
                ("first_name", _name),
                ("last_name", _name),
                ("title", _title),
                ("language", self.languages.match),
                ("phone", normalise_phone),
                ("municipality", self.municipalities.match),
                ("region", self.regions.match),
                ("business_id", normalise_business_id),
                ("membership", self.memberships.match),
                ("tags", partial(_tags, known=self.tags)),
                ("topics", partial(_topics, matcher=self.topics)),
            )
        return self._parsers

    _parsers: tuple[tuple[str, Callable[[str], object]], ...] | None = field(
        default=None, init=False, repr=False
    )


def vocabulary(
    *,
    topics: Iterable[tuple[str, Iterable[str]]] = (),
    organisations: OrganisationDirectory | None = None,
    tags: Iterable[str] = (),
) -> Vocabulary:
    return Vocabulary(
        topics=values.topics(topics),
        organisations=organisations or OrganisationDirectory([]),
        tags={t.lower(): t for t in tags},
    )


def check_mapping(mapping: Mapping[str, str], columns: Iterable[str]) -> dict[str, str]:
    """file column -> field, refused if it names an unknown field or column or lacks email."""
    present = set(columns)
    cleaned: dict[str, str] = {}
    for column, target in mapping.items():
        if target not in FIELDS:
            raise InvalidInput(f"Unknown field {target!r} in the mapping.", field="mapping")
        if column not in present:
            raise InvalidInput(f"The file has no column {column!r}.", field="mapping")
        if target in cleaned.values():
            raise InvalidInput(f"Two columns are mapped to {target!r}.", field="mapping")
        cleaned[column] = target
    if "email" not in cleaned.values():
        raise InvalidInput("A column must be mapped to email.", field="mapping")
    return cleaned


def check_basis(basis: str | None, *, subscribe: bool) -> str | None:
    """Imported subscribers need the documented basis their consent rests on."""
    text = " ".join((basis or "").split())
    if not subscribe:
        return text or None
    if len(text) < MIN_BASIS:
        raise InvalidInput(
            "Importing subscribers needs the documented consent basis (at least "
            f"{MIN_BASIS} characters).",
            field="basis",
        )
    if len(text) > MAX_BASIS:
        raise InvalidInput(f"The basis is longer than {MAX_BASIS} characters.", field="basis")
    return text


def _optional(cells: Mapping[str, str], name: str) -> str | None:
    value = (cells.get(name) or "").strip()
    return value or None


def _parse(
    row: int, cells: Mapping[str, str], vocab: Vocabulary
) -> tuple[ImportRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    parsed: dict[str, object] = {}
    email = (cells.get("email") or "").strip()
    if not email:
        problems.append(RowProblem(row, "email", "Email address is required."))
    for name, parse in vocab.parsers():
        raw = cells.get(name)
        if raw is None or not (raw := raw.strip()):
            continue
        try:
            parsed[name] = parse(raw)
        except RowError as error:
            problems.append(RowProblem(row, name, error.problem.text, error.problem.params))
        except InvalidInput as error:  # the shared validators' fixed sentences
            problems.append(RowProblem(row, name, error.message))
    if "municipality" in parsed and "region" in parsed:
        _same_region(row, str(parsed["municipality"]), str(parsed["region"]), problems)
    org_name = _optional(cells, "organisation")
    if org_name or "business_id" in parsed:
        _organisation(row, org_name, parsed, problems, vocab)
    if problems:
        return None, problems
    if parsed.get("membership") == NO_MEMBERSHIP:
        del parsed["membership"]
    parsed.pop("business_id", None)  # it is in the organisation
    return ImportRow(row=row, **parsed), []  # type: ignore[arg-type]


def _organisation(
    row: int,
    name: str | None,
    parsed: dict[str, object],
    problems: list[RowProblem],
    vocab: Vocabulary,
) -> None:
    if any(p.field == "business_id" for p in problems):
        return  # the business ID itself is refused already
    try:
        parsed["organisation"] = vocab.organisations.choose(
            row,
            name=name,
            business_id=parsed.get("business_id"),  # type: ignore[arg-type]
            municipality=parsed.get("municipality"),  # type: ignore[arg-type]
            region=parsed.get("region"),  # type: ignore[arg-type]
        )
    except RowError as error:
        problems.append(RowProblem(row, "organisation", error.problem.text, error.problem.params))


def _same_region(row: int, municipality: str, region: str, problems: list[RowProblem]) -> None:
    classification = load_classification()
    found = classification.municipality(municipality)
    if found.region_code != region:
        problems.append(
            RowProblem(
                row,
                "region",
                "%(municipality)s is in region %(actual)s, not in %(region)s.",
                {
                    "municipality": found.name("fi"),
                    "actual": classification.region(found.region_code).name("fi"),
                    "region": classification.region(region).name("fi"),
                },
            )
        )


def _text(raw: str, limit: int) -> str:
    value = " ".join(raw.split())
    if len(value) > limit:
        raise refuse("Too long: at most %(limit)s characters.", limit=str(limit))
    return value


def _name(raw: str) -> str:
    return _text(raw, MAX_NAME)


def _title(raw: str) -> str:
    return _text(raw, MAX_TITLE)


def _email(raw: str) -> str:
    """`normalise_email`, with the domain checked once per file rather than once per row
    (the full check costs ~100 us a row; files repeat few domains)."""
    local, at, domain = raw.rpartition("@")
    if at and len(raw) <= MAX_EMAIL and len(local) <= 64 and _PLAIN_LOCAL.fullmatch(local):
        return f"{local.lower()}@{_domain(domain)}"
    return _validated(raw)


def _validated(raw: str) -> str:
    try:
        return normalise_email(raw)
    except InvalidInput as error:
        if error.message.startswith("Email address is not valid"):
            raise refuse("Email address is not valid.") from None
        raise


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str:
    return _validated(f"x@{domain}").partition("@")[2]


def split_list(raw: str) -> list[str]:
    """A cell of several values: separated by commas or semicolons."""
    return [part.strip() for part in _LIST.split(raw) if part.strip()]


def _topics(raw: str, matcher: Matcher) -> tuple[str, ...]:
    keys: set[str] = set()
    unknown: list[tuple[str, RowError]] = []
    for part in split_list(raw):
        try:
            keys.add(matcher.match(part))
        except RowError as error:
            unknown.append((part, error))
    if len(unknown) == 1:
        raise unknown[0][1]
    if unknown:
        named = ", ".join(part for part, _ in unknown)
        raise RowError(Problem("Unknown topics: %(values)s.", {"values": named}))
    return tuple(sorted(keys))


def _tags(raw: str, known: dict[str, str]) -> tuple[str, ...]:
    """Tags as stored (case-insensitively, like the database); a new tag is spelled as the
    first row that names it, so the file creates it once."""
    chosen: dict[str, str] = {}
    for part in split_list(raw):
        try:
            name = clean_tag(part)
        except InvalidInput as error:
            raise refuse(error.message) from None
        key = name.lower()
        chosen.setdefault(key, known.setdefault(key, name))
    return tuple(sorted(chosen.values(), key=str.casefold))


def check_rows(
    rows: Iterable[Mapping[str, str]], vocab: Vocabulary
) -> Iterator[tuple[ImportRow | None, list[RowProblem]]]:
    """Each row (already mapped to fields) checked; a repeated address is a problem of the
    later row, so the first occurrence is the one imported. A good row's organisation counts
    as matched or to be created (`vocab.organisations`)."""
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows, start=FIRST_DATA_ROW):
        if not any((v or "").strip() for v in cells.values()):
            continue  # blank lines are not rows anyone meant
        parsed, problems = _parse(number, cells, vocab)
        if parsed is not None:
            first = seen.setdefault(parsed.email, number)
            if first != number:
                problems = [
                    RowProblem(
                        number,
                        "email",
                        "Duplicate in the file: same address as row %(row)s.",
                        {"row": str(first)},
                    )
                ]
                parsed = None
            elif parsed.organisation is not None:
                vocab.organisations.accept(parsed.organisation)
        yield parsed, problems
