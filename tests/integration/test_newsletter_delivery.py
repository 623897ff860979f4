"""The mail pipeline in process: requests, audiences, delivery to the real mail catcher."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from newsletter.campaigns.service import audience_preview, create_campaign, send_now
from newsletter.delivery.worker import DeliveryWorker
from newsletter.mail.templates import MailTemplates
from newsletter.requests.service import accept_mail_request
from newsletter.settings import NewsletterSettings
from newsletter.suppression import repository as suppressions
from newsletter.suppression.domain import email_hmac
from newsletter.tables import contact_snapshot, deliveries
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import insert, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.mail import MailRequestedV1
from shared.web.staff import Staff
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually

STAFF = Staff(id="editor-1", role="editor")
KEY = b"test-suppression-key"
TRIED = (deliveries.c.status != "pending") | deliveries.c.last_error.is_not(None)


def person(**overrides: Any) -> dict[str, Any]:
    """A replica row of someone who may get newsletters; override to break one rule."""
    row: dict[str, Any] = {
        "contact_id": uuid.uuid4(),
        "version": 1,
        "email": f"p-{uuid.uuid4().hex[:8]}@example.fi",
        "first_name": "Aino",
        "last_name": "Virtanen",
        "language": "fi",
        "topics": ["digitaitoviikko"],
        "subscription_state": "subscribed",
        "confirmed_at": datetime.now(UTC),
        "newsletter_consent": True,
        "email_status": "ok",
        "region": "01",
    }
    return row | overrides


async def add_people(engine: AsyncEngine, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(contact_snapshot), rows)


def request(key: str, email: str, **extra: Any) -> MailRequestedV1:
    return MailRequestedV1(
        idempotency_key=key,
        template_key="password_reset",
        language="fi",
        to_email=email,
        variables={"reset_url": "https://x.fi/r/1"},
        **extra,
    )


async def accept(engine: AsyncEngine, req: MailRequestedV1) -> str | None:
    async with SqlUnitOfWork(engine, KEY) as uow:
        return await accept_mail_request(
            uow, req, templates=MailTemplates(base_url="https://x.fi"), suppression_key=KEY
        )


async def rows(engine: AsyncEngine, *where: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(select(deliveries).where(*where))).all())


async def test_a_redelivered_mail_request_creates_no_second_delivery(db: AsyncEngine) -> None:
    req = request("reset:1", "aino@example.fi")
    assert await accept(db, req) == "pending"
    assert await accept(db, req) is None
    assert len(await rows(db)) == 1


async def test_suppressed_and_erased_addresses_get_a_row_without_address(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await suppressions.add(conn, [(email_hmac(KEY, "gone@example.fi"), "complaint", None)])
    erased = person(contact_id=uuid.uuid4(), erased=True, email=None)
    await add_people(db, [erased])
    assert await accept(db, request("a", "GONE@example.fi")) == "suppressed"
    assert await accept(db, request("b", "x@example.fi", contact_id=erased["contact_id"])) == (
        "suppressed"
    )
    for row in await rows(db):
        assert row.to_email is None and row.status == "suppressed"


async def test_sql_and_python_compute_the_same_suppression_key(db: AsyncEngine) -> None:
    async with db.connect() as conn:
        got = (
            await conn.execute(select(suppressions.email_hmac_sql(KEY, literal(" Aino@Ex.FI"))))
        ).scalar_one()
    assert bytes(got) == email_hmac(KEY, "aino@ex.fi")


CONTENT = {
    "fi": {"subject": "Hei {{ first_name }}", "blocks": [{"type": "text", "text": "Teksti"}]},
    "sv": {"subject": "Hej {{ first_name }}", "blocks": [{"type": "text", "text": "Text"}]},
}


async def new_campaign(engine: AsyncEngine, **extra: Any) -> uuid.UUID:
    args: dict[str, Any] = {
        "name": "Digitaitoviikko 2026",
        "content": CONTENT,
        "default_language": "fi",
        "topics": [],
        "topical": False,
        "tracking": False,
        "audience": {"all": []},
    } | extra
    async with SqlUnitOfWork(engine, b"") as uow:
        return await create_campaign(uow, staff=STAFF, **args)


async def test_campaign_audience_skips_everyone_who_must_not_get_it(db: AsyncEngine) -> None:
    welcome = [person(language="sv"), person(language="en"), person()]
    unwelcome = [
        person(newsletter_consent=False),
        person(subscription_state="unsubscribed"),
        person(subscription_state="pending"),
        person(confirmed_at=None),
        person(email_status="bounced"),
        person(erased=True, email=None),
        person(email="Complainer@Example.fi"),
        person(topics=["tekoaly"], region="02"),  # outside the rule and the topics
    ]
    await add_people(db, welcome + unwelcome)
    async with db.begin() as conn:
        await suppressions.add(
            conn, [(email_hmac(KEY, "complainer@example.fi"), "complaint", None)]
        )
    rule = {"all": [{"field": "region", "op": "eq", "value": "01"}]}
    campaign = await new_campaign(db, topics=["digitaitoviikko"], topical=True, audience=rule)
    async with SqlUnitOfWork(db, KEY) as uow:
        preview = await audience_preview(uow, campaign)
    shown = {s["contact_id"]: s["language"] for s in preview["sample"]}
    async with SqlUnitOfWork(db, KEY) as uow:
        assert (
            await send_now(
                uow,
                staff=STAFF,
                campaign_id=campaign,
                settings=NewsletterSettings(suppression_key=KEY.decode()),
            )
            == 3
        )
    got = {r.contact_id: r.language for r in await rows(db, deliveries.c.campaign_id == campaign)}
    assert got == {
        welcome[0]["contact_id"]: "sv",
        welcome[1]["contact_id"]: "fi",  # no English variant: the campaign's default
        welcome[2]["contact_id"]: "fi",
    }
    # The preview shows each person the version the materialisation gave them (one SQL rule).
    assert shown == got


async def test_worker_sends_with_headers_suppresses_5xx_and_defers_4xx(db: AsyncEngine) -> None:
    """In process; when the e2e session's newsletter worker runs it may take some of the rows
    (same code, same settings), so this checks results, not which process sent them."""
    tag = uuid.uuid4().hex[:6]
    people = [
        person(email=f"ok-{tag}@example.fi", first_name="<script>x</script>", language="sv"),
        person(email=f"bounce-5xx-{tag}@example.fi"),
        person(email=f"defer-4xx-{tag}@example.fi"),
    ]
    await add_people(db, people)
    campaign = await new_campaign(db)
    settings = NewsletterSettings()
    key = settings.suppression_secret()
    async with SqlUnitOfWork(db, key) as uow:
        await send_now(uow, staff=STAFF, campaign_id=campaign, settings=settings)
    await accept(db, request("reset:ok", f"reset-{tag}@example.fi"))

    stop = asyncio.Event()
    worker = DeliveryWorker(db, settings)
    task = asyncio.create_task(worker.run(stop))
    try:
        await eventually(
            lambda: rows(
                db, deliveries.c.last_error.is_not(None) | (deliveries.c.status != "pending")
            ),
            lambda done: len(done) == 4,
            what="every delivery tried and recorded",
        )
    finally:
        stop.set()
        await task

    by_email = {r.to_email: r for r in await rows(db)}
    assert by_email[f"bounce-5xx-{tag}@example.fi"].status == "bounced"
    deferred = by_email[f"defer-4xx-{tag}@example.fi"]
    assert deferred.status == "pending" and deferred.next_attempt_at > datetime.now(UTC)
    async with db.connect() as conn:
        hashed = email_hmac(key, f"bounce-5xx-{tag}@example.fi")
        assert await suppressions.is_suppressed(conn, hashed)

    mails = {m["envelope_to"][0]: m for m in await mails_to(tag)}
    assert set(mails) == {f"ok-{tag}@example.fi", f"reset-{tag}@example.fi"}
    reset = mails[f"reset-{tag}@example.fi"]
    assert reset["subject"] == "Salasanan vaihtaminen"
    news = mails[f"ok-{tag}@example.fi"]
    headers = dict(news["headers"])
    delivery = by_email[f"ok-{tag}@example.fi"]
    assert news["subject"] == "Hej <script>x</script>"  # Swedish, the person's language
    assert headers["Message-ID"] == f"<{delivery.id}@{settings.mail_domain}>"
    assert news["envelope_from"] == f"bounces+{delivery.id.hex}@{settings.mail_domain}"
    unsubscribe = headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{settings.public_base_url}/unsubscribe/")
    assert "<mailto:unsubscribe+" in unsubscribe
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Feedback-ID"].startswith(f"{campaign.hex}:campaign:")
    assert "&lt;script&gt;x&lt;/script&gt;" in news["html"]
    assert "<script>x</script>" not in news["html"]
    assert f"{settings.public_base_url}/privacy" in news["html"]


async def test_international_addresses_are_delivered(db: AsyncEngine) -> None:
    """An IDN domain goes out in its ASCII form; a UTF-8 local part with SMTPUTF8 (RFC 6531)."""
    tag = uuid.uuid4().hex[:6]
    await accept(db, request("idn:domain", f"anna-{tag}@sähkö.fi"))
    await accept(db, request("idn:local", f"sanna.mäkinen-{tag}@example.fi"))
    stop = asyncio.Event()
    task = asyncio.create_task(DeliveryWorker(db, NewsletterSettings()).run(stop))
    try:
        done = await eventually(
            lambda: rows(db, TRIED), lambda found: len(found) == 2, what="both tried"
        )
    finally:
        stop.set()
        await task
    assert {r.status for r in done} == {"sent"}, [r.last_error for r in done]
    mails = {m["envelope_to"][0]: m for m in await mails_to(tag)}
    assert set(mails) == {f"anna-{tag}@xn--shk-qla6g.fi", f"sanna.mäkinen-{tag}@example.fi"}
    utf8 = mails[f"sanna.mäkinen-{tag}@example.fi"]
    assert f"sanna.mäkinen-{tag}@example.fi" in dict(utf8["headers"])["To"]
