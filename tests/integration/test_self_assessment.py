"""The self-assessment test end to end in process: real PostgreSQL, the outbox relayed to a real
Kafka, the result mail through the newsletter's request handling and delivery worker to the
mail catcher; anonymous and identified attempts, retakes and the figures of groups of five.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from newsletter.delivery.worker import DeliveryWorker
from newsletter.mail.templates import MailTemplates
from newsletter.requests.service import accept_mail_request
from newsletter.settings import NewsletterSettings
from newsletter.tables import deliveries
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.app import create_app
from surveys.assessment.defaults import default_definition
from surveys.erasure.service import forget_erased
from surveys.settings import SurveysSettings
from surveys.tables import contact_snapshot, outbox
from surveys.unit_of_work import unit_of_work

from shared.events.mail import MailRequestedV1
from shared.outbox.relay import OutboxRelay, RelayConfig, make_producer
from tests.support.infra import Infra
from tests.support.kafka_topics import read_topic
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually
from tests.support.staff import STAFF_HEADERS

BASE = "http://surveys"
AREAS = [a["key"] for a in default_definition()["areas"]]
QUESTIONS = [(q["id"], q["area"]) for q in default_definition()["questions"]]


@asynccontextmanager
async def running(settings: SurveysSettings | None = None) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


def client(app: FastAPI, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE, headers=headers)


async def published_test(app: FastAPI, mode: str) -> str:
    """A published test with the default areas: the path of its public link."""
    async with client(app, **STAFF_HEADERS) as staff:
        created = await staff.post("/api/surveys/assessments", json={"mode": mode})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["public_url"] is None  # not published yet
        saved = await staff.put(
            f"/api/surveys/assessments/{body['id']}",
            json={"definition": body["definition"], "mode": mode, "published": True},
        )
        assert saved.status_code == 200, saved.text
    return httpx.URL(saved.json()["public_url"]).path


def form(points: dict[str, int], **extra: str) -> dict[str, str]:
    """Every statement answered with the choice worth points[area] (0-3) of the default scale."""
    return {f"q_{qid}": f"c{points.get(area, 0)}" for qid, area in QUESTIONS} | extra


def percents_in(page: str) -> dict[str, int]:
    """The result table's score column, by the areas' Finnish names."""
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(\d+)</td>', page)
    return {name: int(value) for name, value in rows}


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def relay(engine: AsyncEngine, infra: Infra, topics: str) -> None:
    config = RelayConfig("surveys", "", infra.kafka, topic_prefix=topics)
    producer = make_producer(infra.kafka, client_id="assessment-test")
    await producer.start()
    try:
        await OutboxRelay(engine, outbox, config).publish_batch(producer)
    finally:
        await producer.stop()


async def test_anonymous_attempt_keeps_no_person_and_a_retake_shows_the_change(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["surveys"]
    async with running() as app, client(app) as browser:
        path = await published_test(app, "anonymous")
        page = await browser.get(f"{path}?lang=sv")
        assert page.status_code == 200
        assert "Digital säkerhet" in page.text and 'name="email"' not in page.text

        missing = form({})
        del missing["q_phishing"]
        refused = await browser.post(f"{path}?lang=fi", data=missing)
        assert refused.status_code == 422
        assert 'href="#q_phishing"' in refused.text and "Valitse vastaus." in refused.text

        sent = await browser.post(
            f"{path}?lang=fi", data=form({"digital_security": 1, "devices": 3}, region="01")
        )
        assert sent.status_code == 303
        first_link = sent.headers["location"].split("?")[0]
        assert first_link.startswith("/s/assessment/r/")
        shown = await browser.get(first_link)
        assert shown.status_code == 200
        assert shown.headers["cache-control"] == "no-store"
        assert percents_in(shown.text)["Digitaalinen turvallisuus"] == 33
        assert percents_in(shown.text)["Laitteet ja yhteydet"] == 100
        assert first_link in shown.text  # the random link, to save
        assert "Muutos edelliseen kertaan" not in shown.text

        again = await browser.get(f"{first_link}/retake")
        assert again.status_code == 200 and 'name="region"' not in again.text
        retaken = await browser.post(
            f"{first_link}/retake?lang=fi", data=form({"digital_security": 3, "devices": 2})
        )
        assert retaken.status_code == 303
        second = await browser.get(retaken.headers["location"])
        assert "Muutos edelliseen kertaan (prosenttiyksikköä)" in second.text
        changes = re.findall(r"<td>([+-]?\d+)</td>\s*</tr>", second.text)
        assert changes == ["+67", "0", "-33", "0", "0"]
        assert (await browser.get(first_link)).status_code == 200  # the old link still works

    attempts = await rows(engine, "SELECT * FROM assessment_attempts ORDER BY taken_on")
    assert len(attempts) == 2
    assert all(a.taker_id is None and a.confirmed_at is not None for a in attempts)
    assert {a.region for a in attempts} == {"01"}  # the retake keeps the background
    assert await rows(engine, "SELECT * FROM assessment_takers") == []
    topics_written = {r.topic for r in await rows(engine, "SELECT topic FROM outbox")}
    assert topics_written <= {"staff.audit.v1"}  # no mail, no result event


async def test_identified_attempt_mails_the_result_and_counts_once_its_link_is_opened(
    clean_db: dict[str, AsyncEngine], infra: Infra, topics: str
) -> None:
    engine, newsletter = clean_db["surveys"], clean_db["newsletter"]
    tag = uuid.uuid4().hex[:6]
    email = f"aino-{tag}@example.fi"
    contact_id = uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(
            insert(contact_snapshot).values(
                contact_id=contact_id,
                version=1,
                email=email,
                language="fi",
                region="06",
                organisation_type="library",
            )
        )
    async with running() as app, client(app) as browser:
        path = await published_test(app, "identified")
        bad = await browser.post(f"{path}?lang=fi", data=form({}, email="not an address"))
        assert bad.status_code == 422 and 'href="#email"' in bad.text
        sent = await browser.post(
            f"{path}?lang=fi", data=form({"guidance": 2, "data_protection": 1}, email=email)
        )
        assert sent.status_code == 200  # the result, once, from the submission
        assert percents_in(sent.text)["Ohjaus ja opastus"] == 67
        assert "/s/assessment/r/" not in sent.text  # its link goes by mail only
        assert "Lähetimme tuloksesi" in sent.text

        (attempt,) = await rows(engine, "SELECT * FROM assessment_attempts")
        assert attempt.confirmed_at is None and attempt.region == "06"
        assert attempt.organisation_type == "library"

        # The mail: outbox -> Kafka -> the newsletter's request handling -> SMTP -> catcher.
        await relay(engine, infra, topics)
        records = await read_topic(infra.kafka, f"{topics}mail.requested.v1")
        mails = [
            MailRequestedV1.model_validate(v)
            for _, v in records
            if v and v.get("template_key") == "assessment_result" and v["to_email"] == email
        ]
        assert len(mails) == 1 and mails[0].contact_id is None
        settings = NewsletterSettings()
        async with SqlUnitOfWork(newsletter, settings.suppression_secret()) as uow:
            status = await accept_mail_request(
                uow,
                mails[0],
                templates=MailTemplates(base_url=settings.public_base_url),
                suppression_key=settings.suppression_secret(),
            )
        assert status == "pending"
        stop = asyncio.Event()
        worker = asyncio.create_task(DeliveryWorker(newsletter, settings).run(stop))
        try:

            async def sent_rows() -> list[Any]:
                async with newsletter.connect() as conn:
                    stmt = select(deliveries).where(deliveries.c.status == "sent")
                    return list((await conn.execute(stmt)).all())

            await eventually(sent_rows, lambda r: len(r) == 1, what="the result mail sent")
        finally:
            stop.set()
            await worker
        (body,) = [m for m in await mails_to(email) if m["envelope_to"] == [email]]
        assert body["subject"] == "Tuloksesi: Digitukijan itsearviointitesti"
        assert "Ohjaus ja opastus: 67 %" in body["text"]
        link = re.search(r"https?://\S+/s/assessment/r/[\w-]+", body["text"])
        assert link is not None
        result_path = httpx.URL(link.group(0)).path

        opened = await browser.get(result_path)
        assert opened.status_code == 200 and percents_in(opened.text)["Tietosuoja"] == 33
        await browser.get(result_path)  # opening it again publishes nothing more
        retaken = await browser.post(
            f"{result_path}/retake?lang=fi", data=form({"guidance": 3, "data_protection": 3})
        )
        assert retaken.status_code == 303
        second = await browser.get(retaken.headers["location"])
        assert "Aiemmat tuloksesi" in second.text  # the history of earlier attempts
        profile = second.text.split("Palaute osaamisalueittain")[0]
        assert re.findall(r"<td>([+-]?\d+)</td>\s*</tr>", profile)[3:] == ["+33", "+67"]

    await relay(engine, infra, topics)
    everything = await read_topic(infra.kafka, f"{topics}surveys.assessment.v1")
    events = [v for _, v in everything if v and v["contact_id"] == str(contact_id)]
    assert len(events) == 2
    first, then = events
    assert first["percents"]["guidance"] == 67 and first["previous_attempt_id"] is None
    assert set(first["weak_areas"]) == {
        "digital_security",
        "e_services",
        "devices",
        "data_protection",
    }
    assert first["area_names"]["data_protection"] == "Tietosuoja"
    assert first["area_names_sv"]["data_protection"] == "Dataskydd"
    assert first["area_names_en"]["digital_security"] == "Digital security"
    assert then["previous_attempt_id"] == first["attempt_id"]
    assert then["percents"]["data_protection"] == 100
    (taker,) = await rows(engine, "SELECT * FROM assessment_takers")
    assert taker.contact_id == contact_id
    requested = await read_topic(infra.kafka, f"{topics}mail.requested.v1")
    ours = [v for _, v in requested if v and v.get("to_email") == email]
    assert len(ours) == 2  # the first result and the retake's


async def test_typing_someone_elses_address_puts_nothing_on_their_timeline(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["surveys"]
    async with running() as app, client(app) as browser:
        path = await published_test(app, "identified")
        sent = await browser.post(path, data=form({}, email="someone@example.fi"))
        assert sent.status_code == 200
    events = await rows(engine, "SELECT 1 FROM outbox WHERE topic = 'surveys.assessment.v1'")
    assert events == []  # until the mailed link is opened
    async with engine.connect() as conn:
        counted = await conn.execute(
            text("SELECT count(*) FROM assessment_attempts WHERE confirmed_at IS NOT NULL")
        )
        assert counted.scalar_one() == 0


async def test_figures_show_groups_of_five_or_more_and_count_a_retake_once(
    clean_db: dict[str, AsyncEngine],
) -> None:
    async with running() as app, client(app) as browser:
        path = await published_test(app, "anonymous")
        links = []
        for i in range(5):
            sent = await browser.post(path, data=form({"devices": i % 4}, region="01"))
            links.append(sent.headers["location"].split("?")[0])
        for _ in range(2):
            await browser.post(path, data=form({"devices": 3}, region="02"))
        # A retake replaces its earlier attempt: still five in Uusimaa.
        await browser.post(f"{links[0]}/retake", data=form({"devices": 3}))
        async with client(app, **STAFF_HEADERS) as staff:
            (listed,) = (await staff.get("/api/surveys/assessments")).json()
            assert listed["attempts"] == 8
            figures = await staff.get(f"/api/surveys/assessments/{listed['id']}/figures")
            body = figures.json()
            assert body["hidden_groups"] == 1
            (uusimaa,) = body["groups"]
            assert uusimaa["group"] == "01" and uusimaa["attempts"] == 5
            # devices: 100 (retaken), 33, 67, 100, 0 -> 60
            assert uusimaa["averages"]["devices"] == 60
            assert body["total"]["attempts"] == 7
            page = await staff.get(f"/surveys/staff/assessments/{listed['id']}/figures?lang=fi")
            assert page.status_code == 200
            assert '<th scope="row">Uusimaa</th>' in page.text
            assert "Pirkanmaa" not in page.text and "Varsinais-Suomi" not in page.text
            by_type = await staff.get(
                f"/surveys/staff/assessments/{listed['id']}/figures?by=organisation_type"
            )
            assert by_type.status_code == 200


async def test_staff_edit_the_areas_and_the_mode_stays_once_taken(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["surveys"]
    async with running() as app, client(app, **STAFF_HEADERS) as staff:
        created = await staff.post(
            "/surveys/staff/assessments", data={"mode": "anonymous"}, follow_redirects=False
        )
        assert created.status_code == 303
        page_path = created.headers["location"]
        page = await staff.get(page_path)
        assert page.status_code == 200 and 'value="Digitaalinen turvallisuus"' in page.text

        fields = dict(re.findall(r'<input id="([^"]+)" name="\1"[^>]*value="([^"]*)"', page.text))
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        textareas = dict(
            re.findall(r'<textarea id="([^"]+)" name="\1"[^>]*>([^<]*)</textarea>', page.text)
        )
        selects = dict(
            re.findall(
                r'<select id="(q-\d+-area)"[\s\S]*?<option value="([^"]+)" selected', page.text
            )
        )
        sent = fields | hidden | textareas | selects | {"mode": "anonymous", "published": "1"}
        sent["area-0-name-fi"] = "Tietoturva"
        sent["q-0-c1-points"] = "11"
        refused = await staff.post(page_path, data=sent)
        assert refused.status_code == 422
        assert 'href="#q-0-c1-points"' in refused.text
        assert 'value="Tietoturva"' in refused.text  # what was typed stays
        sent["q-0-c1-points"] = "1"
        saved = await staff.post(page_path, data=sent, follow_redirects=False)
        assert saved.status_code == 303
        api = (await staff.get(f"/api/surveys/assessments/{page_path.rsplit('/', 1)[1]}")).json()
        assert api["definition"]["areas"][0]["name"]["fi"] == "Tietoturva"
        assert api["published"] is True and api["version"] == 2

        async with client(app) as browser:
            await browser.post(httpx.URL(api["public_url"]).path, data=form({}))
        sent["mode"] = "identified"
        conflict = await staff.post(page_path, data=sent)
        assert conflict.status_code == 422
        assert "Tilaa ei voi muuttaa" in conflict.text or "mode cannot change" in conflict.text
    audit = await rows(engine, "SELECT payload FROM outbox WHERE topic = 'staff.audit.v1'")
    assert len(audit) == 2  # created, changed


async def test_an_erased_contact_leaves_no_address_or_background_on_their_attempts(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["surveys"]
    contact_id = uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(
            insert(contact_snapshot).values(
                contact_id=contact_id, version=1, email="erased@example.fi", region="19"
            )
        )
    async with running() as app, client(app) as browser:
        path = await published_test(app, "identified")
        sent = await browser.post(path, data=form({"devices": 2}, email="erased@example.fi"))
        assert sent.status_code == 200
        other = await browser.post(path, data=form({}, email="kept@example.fi", region="01"))
        assert other.status_code == 200
    async with unit_of_work(engine) as uow:
        await forget_erased(uow, [contact_id])
        await uow.commit()
    takers = {r.email: r for r in await rows(engine, "SELECT * FROM assessment_takers")}
    assert set(takers) == {None, "kept@example.fi"}
    assert takers[None].contact_id is None
    attempts = await rows(engine, "SELECT region, percents FROM assessment_attempts")
    assert sorted(a.region or "" for a in attempts) == ["", "01"]
    assert {a.percents["devices"] for a in attempts} == {67, 0}  # the figures stay


async def test_identified_submissions_that_mail_are_rate_limited_per_address(
    clean_db: dict[str, AsyncEngine],
) -> None:
    strict = SurveysSettings().model_copy(
        update={"open_link_burst": 2, "open_link_per_minute": 0.01}
    )
    async with running(strict) as app, client(app, **{"X-Real-IP": "203.0.113.9"}) as browser:
        path = await published_test(app, "identified")
        for n in range(2):
            sent = await browser.post(path, data=form({}, email=f"p{n}@example.fi"))
            assert sent.status_code == 200
        limited = await browser.post(path, data=form({}, email="p3@example.fi"))
        assert limited.status_code == 429 and limited.headers["retry-after"] == "60"
        async with client(app, **{"X-Real-IP": "203.0.113.10"}) as other:
            assert (await other.post(path, data=form({}, email="p4@example.fi"))).status_code == 200
    attempts = await rows(clean_db["surveys"], "SELECT 1 FROM assessment_attempts")
    assert len(attempts) == 3
