"""The staff dashboard's campaign and survey figures, kept from mail and response events."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
from contacts.activity import service as consumed
from contacts.dashboard import service as dashboard
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.mail import MailEventV1
from shared.events.surveys import ResponseSubmittedV1
from tests.support.staff import STAFF_HEADERS

NOW = datetime.now(UTC)


def mail(
    delivery: uuid.UUID,
    outcome: str,
    origin: str,
    origin_id: str,
    label: str,
    group: str | None = None,
) -> MailEventV1:
    return MailEventV1(
        delivery_id=delivery,
        outcome=outcome,  # type: ignore[arg-type]
        occurred_at=NOW - timedelta(hours=1),
        origin=origin,  # type: ignore[arg-type]
        origin_id=origin_id,
        origin_label=label,
        origin_group=group,
    )


async def test_campaign_and_survey_figures_count_each_delivery_once(
    clean_db: dict[str, AsyncEngine], contacts_web: httpx.AsyncClient
) -> None:
    engine = clean_db["contacts"]
    campaign = str(uuid.uuid4())
    survey_campaign = uuid.uuid4()
    deliveries = [uuid.uuid4() for _ in range(4)]
    invitations = [uuid.uuid4() for _ in range(5)]
    events = [mail(d, "sent", "campaign", campaign, "Digitaitoviikko 2026") for d in deliveries]
    # Two people open (one of them three times), one clicks, one bounces; repeats change nothing.
    events += [mail(deliveries[0], "opened", "campaign", campaign, "") for _ in range(3)]
    events += [mail(deliveries[1], "opened", "campaign", campaign, "")]
    events += [mail(deliveries[1], "clicked", "campaign", campaign, "")]
    events += [mail(deliveries[3], "bounced_hard", "campaign", campaign, "")]
    # Five invitations (origin_id = the invitation, group = the survey campaign); the first
    # also got a reminder: a second delivery of the same invitation, counted once.
    group = str(survey_campaign)
    events += [
        mail(uuid.uuid4(), "sent", "survey_invitation", str(i), "Digituen tarvekysely", group)
        for i in invitations
    ]
    events += [mail(uuid.uuid4(), "sent", "survey_invitation", str(invitations[0]), "", group)]
    async with engine.begin() as conn:
        for event in events:
            await consumed.apply_mail_event(JoinedContactsUnitOfWork(conn), event)
        for response in (uuid.uuid4(), uuid.uuid4()):
            submitted = ResponseSubmittedV1(
                response_id=response,
                survey_id=uuid.uuid4(),
                campaign_id=survey_campaign,
                submitted_on=date.today(),
            )
            await consumed.apply_survey_response(JoinedContactsUnitOfWork(conn), submitted)
            await consumed.apply_survey_response(
                JoinedContactsUnitOfWork(conn), submitted
            )  # a redelivery

    page = await contacts_web.get("/staff/", headers=STAFF_HEADERS)
    assert page.status_code == 200
    text = page.text
    row = text[text.index('<th scope="row">Digitaitoviikko 2026</th>') :].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    # first sent, sent 4, bounced 1, opened 2 (50 %), clicked 1 (25 %)
    assert cells[1:] == ["4", "1", "2 (50%)", "1 (25%)"]
    survey_row = text[text.index('<th scope="row">Digituen tarvekysely</th>') :].split("</tr>")[0]
    survey_cells = [c.split("</td>")[0] for c in survey_row.split("<td>")[1:]]
    assert survey_cells == ["5", "2", "40%"]
    assert "Unique opens, % of sent" in text


async def test_an_empty_dashboard_says_that_nothing_was_sent(
    contacts_web: httpx.AsyncClient,
) -> None:
    page = await contacts_web.get("/staff/", headers=STAFF_HEADERS)
    assert "No campaign has been sent yet." in page.text
    assert "No survey invitations in the last 90 days." in page.text


async def test_network_figures_are_stored_and_counted_again_on_refresh(
    clean_db: dict[str, AsyncEngine], contacts_web: httpx.AsyncClient
) -> None:
    """The page shows the stored count (the worker refreshes it); a refresh counts anew, and
    figures of an earlier day are never shown."""
    engine = clean_db["contacts"]
    first = await contacts_web.get("/staff/", headers=STAFF_HEADERS)
    assert '<th scope="row">Signed up</th><td>0</td>' in first.text
    assert "Network figures counted at" in first.text
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO contact_snapshot (contact_id, version, email) "
                "VALUES (gen_random_uuid(), 1, 'uusi@example.fi')"
            )
        )
    kept = await contacts_web.get("/staff/", headers=STAFF_HEADERS)
    assert '<th scope="row">Signed up</th><td>0</td>' in kept.text  # the stored figures
    await dashboard.refresh_network_figures(SqlContactsUnitOfWork(engine))
    counted = await contacts_web.get("/staff/", headers=STAFF_HEADERS)
    assert '<th scope="row">Signed up</th><td>1</td>' in counted.text
    async with engine.begin() as conn:  # counted yesterday: the page counts again itself
        await conn.execute(
            text(
                "UPDATE network_figures SET computed_at = now() - interval '1 day', "
                "figures = jsonb_set(figures, '{funnel}', '[7, 0, 0, 0]')"
            )
        )
    again = await contacts_web.get("/staff/", headers=STAFF_HEADERS)
    assert '<th scope="row">Signed up</th><td>1</td>' in again.text
