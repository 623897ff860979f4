"""Property: for random people and random rules, PostgreSQL selects whom the evaluator selects.

Each example draws a crowd and several rules; every part of each rule, and its negation, is
checked too, so one crowd tests many conditions, each also under `not` (NULL semantics).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db import new_metadata
from shared.segments import count_in, evaluate, parse_rule
from shared.segments.compiler import compile_rule, count_matching
from shared.segments.rules import day_start
from shared.snapshot import contact_snapshot_table

pytestmark = pytest.mark.integration

TABLE = contact_snapshot_table(new_metadata())
NOW = datetime(2025, 6, 15, 9, 30, tzinfo=UTC)  # 12:30 in Helsinki
TODAY = date(2025, 6, 15)
ORGS = [uuid.UUID(int=1), uuid.UUID(int=2)]
# Few values per field, so that conditions often hit; names carry case, Nordic letters and
# LIKE's special characters.
TEXTS: dict[str, list[str]] = {
    "region": ["01", "06", "07"],
    "membership_state": ["none", "active", "left"],
    "onboarding_state": ["not_invited", "requested", "approved"],
    "first_name": ["Aino", "aino", "ÄIJÄ", "äijä", "Åsa", "50%_off", "a/b", ""],
    "organisation_name": ["Öljy Oy", "öljy oy", "Tampere_Tech", ""],
}
SUBSTRINGS = ["a", "Ä", "ij", "Ö", "ÖLJY", "%", "_", "/", "0%", "o o"]
WORDS = ["webinars", "events", "ai", "data"]
AREAS = ["digital_security", "devices", "data_protection"]  # self-assessed weak areas
# Event series ids as registered_series holds them (texts), and one nobody holds.
SERIES = [str(uuid.UUID(int=n)) for n in (101, 102, 103)]
WHOLE_DAYS = [0, 1, 7, 10, 30]
EDGE_DAYS = [TODAY - timedelta(days=n) for n in (-1, 0, 1, 7, 10)]
DAYS = st.one_of(st.dates(TODAY - timedelta(days=40), TODAY + timedelta(days=3)),
                 st.sampled_from(EDGE_DAYS))  # fmt: skip
# The edges the rules draw (`NOW` minus whole days, Helsinki midnights that start or end an
# edge day), so that rows often sit on them or a microsecond beside them.
EDGES = sorted(
    {NOW - timedelta(days=n) for n in WHOLE_DAYS}
    | {day_start(d + timedelta(days=k)) for d in EDGE_DAYS for k in (0, 1)}
)
MOMENTS = st.one_of(
    st.datetimes(datetime(2025, 5, 1), datetime(2025, 6, 20), timezones=st.just(UTC)),
    st.sampled_from(EDGES),
    st.tuples(st.sampled_from(EDGES), st.sampled_from([-1, 1])).map(
        lambda e: e[0] + timedelta(microseconds=e[1])
    ),
)


def maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), values)


@st.composite
def people(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {
        "version": 1,
        "erased": draw(st.sampled_from([False, False, False, True])),
        "topics": draw(st.lists(st.sampled_from(WORDS), unique=True, max_size=3)),
        "tags": draw(st.lists(st.sampled_from(WORDS), unique=True, max_size=2)),
        "weak_areas": draw(st.lists(st.sampled_from(AREAS), unique=True, max_size=3)),
        "newsletter_consent": draw(st.booleans()),
        "survey_consent": draw(st.booleans()),
        "organisation_id": draw(maybe(st.sampled_from(ORGS))),
        "last_engaged_on": draw(maybe(DAYS)),
        "last_attended_on": draw(maybe(DAYS)),
        "registered_series": draw(st.lists(st.sampled_from(SERIES[:2]), unique=True, max_size=2)),
        "confirmed_at": draw(maybe(MOMENTS)),
        "created_at": draw(maybe(MOMENTS)),
    }
    for field, values in TEXTS.items():
        row[field] = draw(maybe(st.sampled_from(values)))
    return row


def on(fields: list[str], op: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(
        lambda f, v: {"field": f, "op": op, "value": v}, st.sampled_from(fields), values
    )


def text_values(op: str) -> st.SearchStrategy[Any]:
    return st.sampled_from(list(TEXTS)).flatmap(
        lambda f: on(
            [f],
            op,
            st.lists(st.sampled_from(TEXTS[f]), min_size=1, max_size=3)
            if op == "in"
            else st.sampled_from(TEXTS[f]),
        )
    )


def iso(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(timezone(timedelta(hours=3))).isoformat()
    return moment.isoformat()


DATETIME_FIELDS = ["created_at", "confirmed_at"]
ORG_IDS = st.sampled_from([str(o) for o in [*ORGS, uuid.UUID(int=3)]])
# One strategy per kind of condition, so that each kind is drawn about equally often.
CONDITIONS = st.one_of(
    text_values("eq"),
    text_values("in"),
    on(list(TEXTS), "contains", st.sampled_from(SUBSTRINGS)),
    on(["topics", "tags"], "contains", st.sampled_from(WORDS)),
    on(["topics", "tags"], "in", st.lists(st.sampled_from([*WORDS, "other"]), min_size=1)),
    on(["first_name", "organisation_name", "region"], "exists", st.booleans()),
    on(["topics", "tags", "organisation_id", *DATETIME_FIELDS], "exists", st.booleans()),
    on(["weak_areas"], "contains", st.sampled_from(AREAS)),
    on(["weak_areas"], "in", st.lists(st.sampled_from([*AREAS, "other"]), min_size=1)),
    on(["weak_areas"], "exists", st.booleans()),
    on(["registered_series"], "contains", st.sampled_from(SERIES)),
    on(["registered_series"], "in", st.lists(st.sampled_from(SERIES), min_size=1, max_size=2)),
    on(["registered_series", "last_attended_on"], "exists", st.booleans()),
    on(["newsletter_consent", "survey_consent"], "eq", st.booleans()),
    on(["organisation_id"], "eq", ORG_IDS),
    on(["organisation_id"], "in", st.lists(ORG_IDS, min_size=1, max_size=2)),
    on(["last_engaged_on", "last_attended_on"], "eq", DAYS.map(iso)),
    on(["last_engaged_on", "last_attended_on"], "before", DAYS.map(iso)),
    on(["last_engaged_on", "last_attended_on"], "after", DAYS.map(iso)),
    on(DATETIME_FIELDS, "before", st.one_of(DAYS, st.sampled_from(EDGES)).map(iso)),
    on(DATETIME_FIELDS, "after", st.one_of(DAYS, st.sampled_from(EDGES)).map(iso)),
    on(
        ["last_engaged_on", "last_attended_on", *DATETIME_FIELDS],
        "within_days",
        st.one_of(st.sampled_from(WHOLE_DAYS), st.integers(0, 45)),
    ),
)
RULES = st.recursive(
    CONDITIONS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda rs: {"all": rs}),
        st.lists(inner, max_size=4).map(lambda rs: {"any": rs}),
        inner.map(lambda r: {"not": r}),
    ),
    max_leaves=10,
)


def parts(rule: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The rule, every rule inside it, and the negation of each."""
    yield rule
    yield {"not": rule}
    for key in ("all", "any"):
        for inner in rule.get(key, []):
            yield from parts(inner)
    if "not" in rule:
        yield from parts(rule["not"])


async def selected_in_sql(
    conn: AsyncConnection, rules: list[dict[str, Any]]
) -> list[set[uuid.UUID]]:
    """Whom each rule selects, in one query: a column per rule, true where it selects."""
    columns = [compile_rule(parse_rule(r), TABLE, NOW).label(f"r{i}") for i, r in enumerate(rules)]
    result = await conn.execute(select(TABLE.c.contact_id, *columns))
    chosen: list[set[uuid.UUID]] = [set() for _ in rules]
    for contact_id, *answers in result.all():
        for found, answer in zip(chosen, answers, strict=True):
            if answer is True:  # as in WHERE: NULL does not select
                found.add(contact_id)
    return chosen


@pytest.mark.timeout(900)  # on failure, hypothesis shrinks for up to five minutes
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(  # edges the random draws reach rarely: empty texts, a Helsinki midnight
    crowd=[
        {
            "version": 1,
            "erased": False,
            "topics": [],
            "tags": [],
            "first_name": first_name,
            "created_at": day_start(TODAY),
            "newsletter_consent": False,
            "survey_consent": False,
        }
        for first_name in ("", None, "50%_off")
    ],
    rules=[
        {"field": "first_name", "op": "exists", "value": True},
        {"field": "first_name", "op": "contains", "value": "%"},
        {"field": "created_at", "op": "after", "value": iso(TODAY - timedelta(days=1))},
        {"field": "created_at", "op": "before", "value": iso(TODAY)},
    ],
)
@given(crowd=st.lists(people(), min_size=1, max_size=30), rules=st.lists(RULES, min_size=1))
async def test_postgresql_selects_whom_the_evaluator_selects(
    clean_db: dict[str, AsyncEngine], crowd: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> None:
    for i, row in enumerate(crowd):
        row["contact_id"] = uuid.UUID(int=i + 1)
    async with clean_db["contacts"].begin() as conn:
        await conn.execute(delete(TABLE))  # clean_db empties it once per test, not per example
        await conn.execute(insert(TABLE).values(crowd))
        checked = [part for rule in rules for part in parts(rule)]
        for part, in_sql in zip(checked, await selected_in_sql(conn, checked), strict=True):
            in_python = {row["contact_id"] for row in crowd if evaluate(part, row, NOW)}
            differing = [row for row in crowd if row["contact_id"] in in_sql ^ in_python]
            assert in_sql == in_python, (part, differing)
        for rule in rules:
            counted = await count_matching(conn, TABLE, rule, NOW)
            assert counted == count_in(rule, crowd, NOW), rule
