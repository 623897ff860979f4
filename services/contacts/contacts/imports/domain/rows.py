"""Checking the rows of an imported people file before anything is stored.

A file arrives as rows of cells keyed by its own column names; a mapping says which column
fills which field. Row numbers are those a spreadsheet shows: the header is row 1, so the first
person is row 2. A bad row is reported once per broken field and never imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from contacts.classification import load_classification
from contacts.errors import InvalidInput
from contacts.people.domain.person import (
    MAX_EMAIL,
    MAX_TITLE,
    clean_name,
    normalise_email,
    parse_language,
)

FIELDS = (
    "email",
    "first_name",
    "last_name",
    "language",
    "title",
    "municipality",
    "topics",
)
MIN_BASIS = 10  # a documented basis is a sentence, not "ok"
MAX_BASIS = 1000
FIRST_DATA_ROW = 2
# A plain ASCII dot-atom local part: the full validator would accept it as it is.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@dataclass(frozen=True)
class ImportRow:
    row: int
    email: str
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    title: str | None = None
    municipality: str | None = None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    reason: str


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


def _optional(cells: Mapping[str, str], field: str) -> str | None:
    value = (cells.get(field) or "").strip()
    return value or None


def _parse(
    row: int, cells: Mapping[str, str], known_topics: frozenset[str]
) -> tuple[ImportRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    values: dict[str, object] = {}

    def attempt(field: str, parse: object) -> None:
        raw = _optional(cells, field)
        if raw is None:
            return
        try:
            values[field] = parse(raw)  # type: ignore[operator]
        except InvalidInput as error:
            problems.append(RowProblem(row, field, error.message))

    raw_email = _optional(cells, "email")
    if raw_email is None:
        problems.append(RowProblem(row, "email", "Email address is required."))
    else:
        attempt("email", _email)
    attempt("first_name", lambda v: clean_name(v, field_name="first_name"))
    attempt("last_name", lambda v: clean_name(v, field_name="last_name"))
    attempt("title", lambda v: clean_name(v, field_name="title", limit=MAX_TITLE))
    attempt("language", lambda v: parse_language(v.lower()))
    attempt("municipality", lambda v: load_classification().municipality(v.zfill(3)).code)
    attempt("topics", lambda v: _topics(v, known_topics))
    if problems:
        return None, problems
    return ImportRow(row=row, **values), []  # type: ignore[arg-type]


def _email(raw: str) -> str:
    """`normalise_email`, with the domain checked once per file rather than once per row
    (the full check costs ~100 us a row; files repeat few domains)."""
    local, at, domain = raw.rpartition("@")
    if at and len(raw) <= MAX_EMAIL and len(local) <= 64 and _PLAIN_LOCAL.fullmatch(local):
        return f"{local.lower()}@{_domain(domain)}"
    return normalise_email(raw)


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str:
    return normalise_email(f"x@{domain}").partition("@")[2]


def _topics(raw: str, known: frozenset[str]) -> tuple[str, ...]:
    keys = {k.strip() for k in raw.replace(";", ",").split(",") if k.strip()}
    unknown = sorted(keys - known)
    if unknown:
        raise InvalidInput(f"Unknown topics: {', '.join(unknown)}.", field="topics")
    return tuple(sorted(keys))


def check_rows(
    rows: Iterable[Mapping[str, str]], known_topics: frozenset[str]
) -> Iterator[tuple[ImportRow | None, list[RowProblem]]]:
    """Each row (already mapped to fields) checked; a repeated address is a problem of the
    later row, so the first occurrence is the one imported."""
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows, start=FIRST_DATA_ROW):
        if not any((v or "").strip() for v in cells.values()):
            continue  # blank lines are not rows anyone meant
        parsed, problems = _parse(number, cells, known_topics)
        if parsed is not None:
            first = seen.setdefault(parsed.email, number)
            if first != number:
                reason = f"Duplicate in the file: same address as row {first}."
                problems = [RowProblem(number, "email", reason)]
                parsed = None
        yield parsed, problems
