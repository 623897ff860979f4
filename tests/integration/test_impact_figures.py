"""The impact chain counted from real rows and events in PostgreSQL, on a fixed data set whose
figures are worked out by hand below; the staff view, targets, export and the open data.

The network (members as on each person's record):
  A library, Helsinki (091, Uusimaa 01):        p1 member from 10 Jan; p2 5-20 Feb
  B NGO, Turku (853, Varsinais-Suomi 02):        p3 member from 1 Dec 2025; p6 from 27 Feb
  C library, Espoo (049, Uusimaa), archived:     p4 member from 15 Jan (no partner: archived)
  D library, Vantaa (092, Uusimaa):              p5, no membership (no partner)
  E NGO, Tampere (837, Pirkanmaa 06):            p7-p11 members from 5 Jan
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from contacts.activity import service as consumed
from contacts.classification import load_classification
from contacts.impact import repository as store
from contacts.impact import service as impact
from contacts.impact.domain import Figure
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.participation import service as participation
from contacts.tables import (
    activity,
    audit_log,
    contact_snapshot,
    mail_reach,
    memberships,
    organisations,
    people,
    visit_requests,
)
from contacts.unit_of_work import SqlContactsUnitOfWork
from openpyxl import load_workbook
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.events import EventPublishedV1, RegistrationChangedV1
from shared.events.mail import MailEventV1
from shared.events.surveys import ResponseSubmittedV1
from tests.support.staff import EDITOR_HEADERS, VIEWER_HEADERS

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
TODAY = date(2026, 4, 15)


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+00:00")


def uid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


ORGS = {
    "A": (uid(101), "library", "091", "01", False),
    "B": (uid(102), "ngo", "853", "02", False),
    "C": (uid(103), "library", "049", "01", True),
    "D": (uid(104), "library", "092", "01", False),
    "E": (uid(105), "ngo", "837", "06", False),
}
# person number -> (organisation, membership started, ended)
PEOPLE: dict[int, tuple[str, str | None, str | None]] = {
    1: ("A", "2026-01-10", None),
    2: ("A", "2026-02-05", "2026-02-20"),
    3: ("B", "2025-12-01", None),
    4: ("C", "2026-01-15", None),
    5: ("D", None, None),
    6: ("B", "2026-02-27", None),
    **{n: ("E", "2026-01-05", None) for n in range(7, 12)},
}


async def seed(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for name, (org_id, org_type, municipality, region, archived) in ORGS.items():
            await conn.execute(
                insert(organisations).values(
                    id=org_id,
                    name=f"Organisaatio {name}",
                    type=org_type,
                    municipality=municipality,
                    region=region,
                    archived=archived,
                    created_at=at("2025-06-01"),
                )
            )
        for n, (org, started, ended) in PEOPLE.items():
            org_id, org_type, municipality, region, _archived = ORGS[org]
            await conn.execute(insert(people).values(id=uid(n), email=f"p{n}@x.fi", version=1))
            await conn.execute(
                insert(contact_snapshot).values(
                    contact_id=uid(n),
                    version=1,
                    email=f"p{n}@x.fi",
                    organisation_id=org_id,
                    organisation_type=org_type,
                    region=region,
                    municipality=municipality,
                )
            )
            if started:
                await conn.execute(
                    insert(memberships).values(
                        person_id=uid(n),
                        state="ended" if ended else "active",
                        applied_at=at(started),
                        started_at=at(started),
                        ended_at=at(ended) if ended else None,
                    )
                )
        # p3 (B) opened a mail in February: B was active in the last 12 months; p1's (A) survey
        # answer is from January 2025, more than 12 months before February's end.
        await conn.execute(
            insert(activity).values(
                person_id=uid(3), kind="mail_opened", occurred_at=at("2026-02-10"), details={}
            )
        )
        await conn.execute(
            insert(activity).values(
                person_id=uid(1), kind="survey_responded", occurred_at=at("2025-01-05"), details={}
            )
        )
        for n, (state, changed) in enumerate(
            [("done", "2026-02-14"), ("done", "2026-03-01"), ("agreed", "2026-02-10")]
        ):
            await conn.execute(
                insert(visit_requests).values(
                    id=uid(200 + n),
                    organisation_name="Kirjasto",
                    contact_name="Aino",
                    email="aino@x.fi",
                    wished_dates="maaliskuu",
                    language="fi",
                    state=state,
                    state_changed_at=at(changed),
                    created_at=at("2026-01-02"),
                )
            )


def mail(
    delivery: int, outcome: str, day: str, *, to: int | None, origin: str, origin_id: str, **kw: Any
) -> MailEventV1:
    return MailEventV1(
        delivery_id=uid(1000 + delivery),
        outcome=outcome,
        occurred_at=at(day),
        origin=origin,
        origin_id=origin_id,
        contact_id=uid(to) if to else None,
        **kw,
    )


async def send_events(engine: AsyncEngine) -> None:
    y, x, s, t = "campaign-y", "campaign-x", str(uid(301)), str(uid(302))
    events: list[MailEventV1] = []
    # Campaign Y, 20 Jan: p1 and p7-p11 (6), three of them open.
    for i, person in enumerate([1, 7, 8, 9, 10, 11]):
        events.append(mail(i, "sent", "2026-01-20", to=person, origin="campaign", origin_id=y))
    for i in (1, 2, 3):
        events.append(mail(i, "opened", "2026-01-21", to=None, origin="campaign", origin_id=y))
    # Campaign X, 3 Feb: p1, p2, p3, p6; p6's bounces; p1 and p2 open, p1 clicks; repeats count
    # once; a mail to someone contacts does not know is sent mail but reaches no one it knows.
    for i, person in enumerate([1, 2, 3, 6], start=10):
        events.append(mail(i, "sent", "2026-02-03", to=person, origin="campaign", origin_id=x))
    events.append(mail(10, "sent", "2026-02-03", to=1, origin="campaign", origin_id=x))
    events.append(mail(13, "bounced_hard", "2026-02-03", to=None, origin="campaign", origin_id=x))
    for i in (10, 11, 10):
        events.append(mail(i, "opened", "2026-02-04", to=None, origin="campaign", origin_id=x))
    events.append(mail(10, "clicked", "2026-02-04", to=None, origin="campaign", origin_id=x))
    events.append(mail(14, "sent", "2026-02-03", to=999, origin="campaign", origin_id=x))
    # A test send is not a campaign sent.
    events.append(mail(15, "sent", "2026-02-03", to=1, origin="campaign_test", origin_id="t"))
    # Survey campaign T, 25 Jan: 2 invitations; survey campaign S, 10 Feb: 4 invitations.
    for i in range(2):
        events.append(
            mail(
                20 + i,
                "sent",
                "2026-01-25",
                to=None,
                origin="survey_invitation",
                origin_id=f"t{i}",
                origin_group=t,
            )
        )
    for i in range(4):
        events.append(
            mail(
                30 + i,
                "sent",
                "2026-02-10",
                to=None,
                origin="survey_invitation",
                origin_id=f"s{i}",
                origin_group=s,
            )
        )
    responses = [(401, s, "2026-02-12"), (402, s, "2026-03-02"), (403, t, "2026-02-15")]
    async with engine.begin() as conn:
        for event in events:
            await consumed.apply_mail_event(JoinedContactsUnitOfWork(conn), event)
        for response, campaign, day in responses:
            submitted = ResponseSubmittedV1(
                response_id=uid(response),
                survey_id=uid(500),
                campaign_id=uuid.UUID(campaign),
                submitted_on=date.fromisoformat(day),
            )
            await consumed.apply_survey_response(JoinedContactsUnitOfWork(conn), submitted)
            await consumed.apply_survey_response(
                JoinedContactsUnitOfWork(conn), submitted
            )  # redelivered


def published(n: int, ends: str, *, version: int = 1, state: str = "published") -> EventPublishedV1:
    return EventPublishedV1(
        event_id=uid(600 + n),
        version=version,
        state=state,  # type: ignore[arg-type]
        kind="webinar",
        title={"fi": f"Tapahtuma {n}"},
        starts_at=datetime.fromisoformat(ends) - timedelta(hours=2),
        ends_at=datetime.fromisoformat(ends),
        online=False,
        region="01",
    )


async def send_event_records(engine: AsyncEngine) -> None:
    """Events (E1-E4) and registrations (r1-r7), worked out by hand (only p5, who is no
    member, attends: attending publishes a snapshot, and the seed has no organisation links):

    E1 ends 10 Feb: r1 p5 registered 25 Jan (January's registration), attended 10 Feb;
       r2 p2 registered 1 Feb, cancelled 5 Feb; r3 p3 waitlisted 2 Feb, promoted 6 Feb;
       r4 (nobody known) registered 3 Feb, attended; r5 p7 waitlisted 4 Feb and stays there.
    E2 ends 20 Feb but is cancelled (version 3; version 2 replayed after it changes nothing):
       r6 p5 registered 7 Feb, attended.
    E3 ends 5 Mar: r7 p9 registered 15 Feb.   E4 ends 31 Jan 23:30 UTC: January's, no one.
    February: held E1 = 1; registrations made r2-r7 = 6; attendance of E1's seats: r1, r4
    attended of r1, r3, r4 (r2 cancelled, r5 only waiting) = 2 / 3. January: 1, 1, 0 / 0.
    """
    events = [
        published(1, "2026-02-10T16:00:00+00:00"),
        published(2, "2026-02-20T16:00:00+00:00", version=2),
        published(2, "2026-02-20T16:00:00+00:00", version=3, state="cancelled"),
        published(2, "2026-02-20T16:00:00+00:00", version=2),  # replayed: older
        published(3, "2026-03-05T16:00:00+00:00"),
        published(4, "2026-01-31T23:30:00+00:00"),
    ]
    changes = [
        (1, 1, 5, "registered", "2026-01-25"),
        (1, 1, 5, "attended", "2026-02-10"),
        (1, 1, 5, "attended", "2026-02-10"),  # redelivered
        (2, 1, 2, "registered", "2026-02-01"),
        (2, 1, 2, "cancelled", "2026-02-05"),
        (3, 1, 3, "waitlisted", "2026-02-02"),
        (3, 1, 3, "promoted", "2026-02-06"),
        (4, 1, None, "registered", "2026-02-03"),
        (4, 1, None, "attended", "2026-02-10"),
        (5, 1, 7, "waitlisted", "2026-02-04"),
        (6, 2, 5, "registered", "2026-02-07"),
        (6, 2, 5, "attended", "2026-02-20"),
        (7, 3, 9, "registered", "2026-02-15"),
    ]
    async with engine.begin() as conn:
        for event in events:
            await participation.apply_event(JoinedContactsUnitOfWork(conn), event)
        for registration, event_n, person, change, day in changes:
            await participation.apply_registration(
                JoinedContactsUnitOfWork(conn),
                RegistrationChangedV1(
                    registration_id=uid(700 + registration),
                    event_id=uid(600 + event_n),
                    change=change,  # type: ignore[arg-type]
                    occurred_at=at(day),
                    contact_id=uid(person) if person else None,
                ),
            )


def whole(figures: dict[tuple[str, str], Figure]) -> dict[str, tuple[int | None, int | None]]:
    return {k: (f.numerator, f.denominator) for (k, part), f in figures.items() if part == ""}


async def test_each_indicator_is_counted_from_rows_and_events_as_by_hand(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["contacts"]
    await seed(engine)
    await send_events(engine)
    await send_event_records(engine)
    classification = load_classification()
    total = len(classification.municipalities)
    in_region = {
        r.code: len(classification.municipalities_in(r.code)) for r in classification.regions
    }

    feb = await impact.recompute_month(SqlContactsUnitOfWork(engine), FEB, today=TODAY)
    assert whole(feb) == {
        "campaigns_sent": (1, None),  # X (the test send is no campaign)
        "surveys_run": (1, None),  # S
        "visits_made": (1, None),  # done on 14 Feb (1 Mar is March's, "agreed" is not done)
        "newsletter_reach": (4, None),  # p1, p2, p3, p6 (the unknown address reaches nobody)
        "delivery_rate": (4, 5),  # X: 5 sent (one to an unknown person), 1 bounced
        "open_rate": (2, 4),  # p1 and p2 of 4 delivered
        "click_rate": (1, 4),
        "survey_responses": (2, None),  # 12 Feb (S) and 15 Feb (T); a redelivery is no second
        "response_rate": (2, 4),  # S's responses (12 Feb, 2 Mar) of its 4 invitations
        "network_growth": (2, None),  # p2 and p6
        "coverage": (3, total),  # Helsinki (A), Turku (B), Tampere (E); C archived, D none
        "active_partners": (1, 3),  # B of A, B, E
        "network_size": (9, None),  # p1, p3, p4, p6, p7-p11 at 28 Feb
        "events_held": (1, None),  # E1 (E2 cancelled, E3 ends in March)
        "registrations": (6, None),  # r2-r7 (r1 was made in January)
        "attendance_rate": (2, 3),  # r1, r4 of E1's seats r1, r3, r4
    }
    assert feb["newsletter_reach", "year_to_date"].numerator == 9  # p1, p7-p11, p2, p3, p6
    parts = {part: (f.numerator, f.denominator) for (k, part), f in feb.items() if k == "coverage"}
    assert parts["region:01"] == (1, in_region["01"])
    assert parts["region:02"] == (1, in_region["02"])
    assert parts["region:06"] == (1, in_region["06"])
    assert parts["region:19"] == (0, in_region["19"])
    assert parts["type:library"] == (1, total) and parts["type:ngo"] == (2, total)
    active = {
        p: (f.numerator, f.denominator) for (k, p), f in feb.items() if k == "active_partners"
    }
    assert active == {
        "": (1, 3),
        "region:01": (0, 1),
        "region:02": (1, 1),
        "region:06": (0, 1),
        "type:library": (0, 1),
        "type:ngo": (1, 2),
    }
    cells = {p: f.numerator for (k, p), f in feb.items() if k == "network_size" and p}
    assert cells == {"cell:01|library": 2, "cell:02|ngo": 2, "cell:06|ngo": 5}

    jan = await impact.recompute_month(SqlContactsUnitOfWork(engine), JAN, today=TODAY)
    assert whole(jan)["campaigns_sent"] == (1, None)
    assert whole(jan)["newsletter_reach"] == (6, None)
    assert whole(jan)["open_rate"] == (3, 6)
    assert whole(jan)["response_rate"] == (1, 2)  # T: 15 Feb's response of 2 invitations
    assert whole(jan)["network_growth"] == (7, None)  # p1, p4, p7-p11
    assert whole(jan)["active_partners"] == (0, 3)  # p3's open is February's
    assert whole(jan)["events_held"] == (1, None)  # E4, 31 Jan 23:30 UTC
    assert whole(jan)["registrations"] == (1, None)  # r1
    assert whole(jan)["attendance_rate"] == (0, 0)
    await impact.recompute_month(SqlContactsUnitOfWork(engine), MAR, today=TODAY)

    # Counting a month again replaces its figures: history is kept, not added up.
    again = await impact.recompute_month(SqlContactsUnitOfWork(engine), FEB, today=TODAY)
    assert whole(again) == whole(feb)
    view = await impact.impact_view(
        SqlContactsUnitOfWork(engine), year=2026, today=date(2026, 3, 20)
    )
    rows = {row.indicator.key: row for row in view.rows()}
    assert rows["campaigns_sent"].year == Figure.count(2)
    assert rows["newsletter_reach"].year == Figure.count(9)  # each person once in the year
    assert rows["open_rate"].year == Figure.share(5, 10)  # (3 + 2) of (6 + 4)
    assert rows["coverage"].year is not None and rows["coverage"].year.numerator == 3
    assert rows["registrations"].year == Figure.count(7)  # r1 (Jan), r2-r7 (Feb), none in Mar
    # January 0 of 0, February 2 of 3, March (E3) 0 of r7's seat
    assert rows["attendance_rate"].year == Figure.share(2, 4)

    # A year on, who was sent what in 2026 is forgotten; counting February again keeps the
    # reach counted then, and the other figures are counted anew.
    later = date(2027, 3, 5)
    await impact.refresh(SqlContactsUnitOfWork(engine), today=later)
    async with engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(mail_reach))).scalar() == 0
    recounted = await impact.recompute_month(SqlContactsUnitOfWork(engine), FEB, today=later)
    assert ("newsletter_reach", "") not in recounted
    assert whole(recounted)["open_rate"] == (2, 4)
    async with engine.connect() as conn:
        kept = await store.stored(conn, since=FEB, until=FEB, indicators=["newsletter_reach"])
    assert {(r.part, r.figure.numerator) for r in kept} == {("", 4), ("year_to_date", 9)}


async def test_the_view_targets_export_and_report(
    clean_db: dict[str, AsyncEngine], contacts_web: httpx.AsyncClient
) -> None:
    engine = clean_db["contacts"]
    await seed(engine)
    await send_events(engine)
    for month in (JAN, FEB):
        await impact.recompute_month(SqlContactsUnitOfWork(engine), month, today=TODAY)

    refused = await contacts_web.post(
        "/staff/impact/targets?year=2026",
        data={"target_open_rate": "40", "csrf_token": "c"},
        headers={**VIEWER_HEADERS, "X-Staff-Csrf": "c"},
    )
    assert refused.status_code == 403
    wrong = await contacts_web.post(
        "/staff/impact/targets?year=2026",
        data={"target_open_rate": "140", "csrf_token": "c"},
        headers={**EDITOR_HEADERS, "X-Staff-Csrf": "c"},
    )
    assert wrong.status_code == 422 and "A percentage is at most 100." in wrong.text
    saved = await contacts_web.post(
        "/staff/impact/targets?year=2026",
        data={"target_open_rate": "40", "target_campaigns_sent": "10", "csrf_token": "c"},
        headers={**EDITOR_HEADERS, "X-Staff-Csrf": "c"},
    )
    assert saved.status_code == 303
    async with engine.connect() as conn:
        audited = (
            await conn.execute(
                select(audit_log.c.target_id, audit_log.c.actor_id)
                .where(audit_log.c.action == "impact.target_set")
                .order_by(audit_log.c.target_id)
            )
        ).all()
    assert [tuple(a) for a in audited] == [
        ("campaigns_sent/2026", "staff-e"),
        ("open_rate/2026", "staff-e"),
    ]
    api = await contacts_web.put(
        "/api/contacts/impact/targets/coverage/2026", json={"target": 150}, headers=EDITOR_HEADERS
    )
    assert api.status_code == 422  # a share is at most 100 %

    page = await contacts_web.get("/staff/impact?year=2026", headers=VIEWER_HEADERS)
    assert page.status_code == 200
    text = page.text
    card = text[text.index('id="i-open_rate"') :].split("</article>")[0]
    # (3 + 2) of (6 + 4) delivered opened = 50 %; target 40 %; progress 125 %
    assert "50%" in card and "40%" in card and "125%" in card
    assert "Varsinais-Suomi" not in text.split('id="i-coverage"')[1].split("</article>")[0]
    lagging = text.split('id="i-active_partners"')[1].split("</article>")[0]
    assert "Uusimaa" in lagging and "Pirkanmaa" in lagging and "Library" in lagging
    # Every indicator is counted now (events and self-assessment sources arrived).
    assert "Not yet counted:" not in text
    assert "Self-assessment change" in text and "Events held" in text
    assert 'href="/staff/impact" aria-current="page"' in text

    xlsx = await contacts_web.get("/staff/impact/export.xlsx?year=2026", headers=VIEWER_HEADERS)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    table = {row[1]: row for row in sheet.iter_rows(values_only=True)}
    assert table["Open rate"][3:6] == (50.0, 40, 125.0)
    assert table["Campaigns sent"][3] == 2

    report = await contacts_web.get("/staff/impact/report?year=2026", headers=VIEWER_HEADERS)
    assert report.status_code == 200 and "Impact report 2026" in report.text
    data = await contacts_web.get("/api/contacts/impact?year=2026", headers=VIEWER_HEADERS)
    found = {i["key"]: i for i in data.json()["indicators"]}
    assert found["delivery_rate"]["year"]["numerator"] == 10  # 6 of 6 and 4 of 5


# --- open data ----------------------------------------------------------------------------

CHECKS = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "yearmonth": lambda v: isinstance(v, str) and len(v) == 7 and v[4] == "-",
}


def typed(field: dict[str, Any], cell: str) -> Any:
    """A CSV cell read as its field's type (as a Frictionless validator would)."""
    if field["type"] == "integer":
        return int(cell)
    if field["type"] == "number":
        return float(cell)
    return cell


def validate(resource: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Field names and order, types, missing values, constraints (required, minimum, maximum)
    and the primary key (unique, never missing)."""
    schema = resource["schema"]
    names = [f["name"] for f in schema["fields"]]
    keys: set[tuple[Any, ...]] = set()
    for row in rows:
        assert list(row) == names
        for field in schema["fields"]:
            value = row[field["name"]]
            required = field.get("constraints", {}).get("required", False)
            assert value is not None or not required, (field, "required")
            if value is None:
                continue
            assert CHECKS[field["type"]](value), (field, value)
            bounds = field.get("constraints", {})
            assert value >= bounds.get("minimum", value), (field, value)
            assert value <= bounds.get("maximum", value), (field, value)
        key = tuple(row[k] for k in schema["primaryKey"])
        assert None not in key, (key, "a primary key is required")
        assert key not in keys
        keys.add(key)


def read_csv(resource: dict[str, Any], body: str) -> list[dict[str, Any]]:
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    reader = csv.DictReader(io.StringIO(body))
    assert reader.fieldnames == list(fields)
    missing = resource["schema"]["missingValues"]
    return [
        {k: None if v in missing else typed(fields[k], v) for k, v in row.items()} for row in reader
    ]


async def test_open_datasets_validate_against_their_own_descriptor(
    clean_db: dict[str, AsyncEngine], contacts_web: httpx.AsyncClient
) -> None:
    engine = clean_db["contacts"]
    await seed(engine)
    await send_events(engine)
    for month in (JAN, FEB, MAR):
        await impact.recompute_month(SqlContactsUnitOfWork(engine), month, today=TODAY)

    index = await contacts_web.get("/open-data?lang=sv")
    assert index.status_code == 200 and "Öppna data" in index.text
    package = (await contacts_web.get("/open-data/datapackage.json")).json()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    read: dict[str, list[dict[str, Any]]] = {}
    for resource in package["resources"]:
        got = await contacts_web.get(f"/open-data/{resource['path']}")
        assert got.status_code == 200
        assert got.headers["content-type"].startswith(resource["mediatype"])
        csv_file = resource["format"] == "csv"
        rows = read_csv(resource, got.text) if csv_file else json.loads(got.text)
        validate(resource, rows)
        read[resource["name"]] = rows
    assert read["network-size"] == read["network-size-json"]
    assert read["newsletter-reach"] == read["newsletter-reach-json"]
    size = {(r["month"], r["region"], r["organisation_type"]): r for r in read["network-size"]}
    pirkanmaa = size["2026-02", "06", "ngo"]
    assert pirkanmaa["members"] == 5
    assert pirkanmaa["region_name_fi"] == "Pirkanmaa"
    assert pirkanmaa["organisation_type_name_fi"] and pirkanmaa["organisation_type_name_en"]
    assert size["2026-02", "01", "library"]["members"] is None  # 2 members: suppressed
    assert size["2026-01", "02", "ngo"]["members"] is None  # 1 member: suppressed
    reach = {r["month"]: r for r in read["newsletter-reach"]}
    assert reach["2026-01"] == {
        "month": "2026-01",
        "campaigns": 1,
        "recipients": 6,
        "delivery_rate": 100.0,
        "open_rate": 50.0,
        "click_rate": 0.0,
    }
    # February reached 4 people: the count and the rates of so small a group are not shown.
    assert reach["2026-02"] == {
        "month": "2026-02",
        "campaigns": 1,
        "recipients": None,
        "delivery_rate": None,
        "open_rate": None,
        "click_rate": None,
    }
    every = [r["members"] for r in read["network-size"]] + [
        r["recipients"] for r in read["newsletter-reach"]
    ]
    assert all(n is None or n >= 5 for n in every)
    missing = await contacts_web.get("/open-data/people.csv")
    assert missing.status_code == 404
