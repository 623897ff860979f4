"""The materials library on the real database and Kafka: staff create materials, the public
listing finds them (full-text search per language, filters), the open link counts and leads
only to the material's own address or file, the composer's picker inserts the link, and
surveys' replica (from newsletter.material.v1) links a material from a self-assessment result.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
import pytest
from newsletter.tables import deliveries, material_opens, tracking_events
from newsletter.tables import outbox as newsletter_outbox
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.settings import SurveysSettings
from surveys.worker import build_broker as surveys_broker

from shared.outbox.relay import OutboxRelay, RelayConfig, make_producer
from tests.integration.test_self_assessment import (
    client as surveys_client,
)
from tests.integration.test_self_assessment import (
    form,
    published_test,
    running,
)
from tests.support.infra import Infra
from tests.support.kafka_topics import read_topic
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

EDITOR = {"X-Staff-Id": "e1", "X-Staff-Role": "editor", "X-Staff-Csrf": "tok"}
VIEWER = {"X-Staff-Id": "v1", "X-Staff-Role": "viewer", "X-Staff-Csrf": "tok"}
API_EDITOR = {**EDITOR, "X-CSRF-Token": "tok"}
STAFF = "/newsletter/staff/materials"
GUIDE_URL = "https://dvv.fi/digituki/tietoturvaopas?x=1&y=2"


def fields(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "csrf_token": "tok",
        "kind": "guide",
        "title-fi": "Tietoturvaopas kirjastoille",
        "description-fi": "Miten tunnistat huijausviestit ja neuvot asiakasta.",
        "title-sv": "Säkerhetsguide för bibliotek",
        "description-sv": "Hur du känner igen bedrägliga meddelanden.",
        "url": GUIDE_URL,
        "areas": ["digital_security", "data_protection"],
        "audiences": ["providers"],
        "published": "yes",
    }
    return base | changes


async def create(newsletter_web: httpx.AsyncClient, **changes: Any) -> uuid.UUID:
    made = await newsletter_web.post(f"{STAFF}/new", data=fields(**changes), headers=EDITOR)
    assert made.status_code == 303, made.text
    return uuid.UUID(made.headers["location"].split("/")[-1].split("?")[0])


async def listed(newsletter_web: httpx.AsyncClient, query: str) -> list[str]:
    page = await newsletter_web.get(f"/materials?{query}")
    assert page.status_code == 200, page.text
    return re.findall(r'<h3><a href="/materials/([0-9a-f-]+)\?', page.text)


async def opens(engine: AsyncEngine, material_id: uuid.UUID) -> dict[str, int]:
    async with engine.connect() as conn:
        found = await conn.execute(
            select(material_opens.c.source, material_opens.c.opens).where(
                material_opens.c.material_id == material_id
            )
        )
        return {str(s): int(n) for s, n in found.all()}


async def test_a_material_is_listed_searched_filtered_and_its_opens_counted(
    newsletter_web: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    engine = clean_db["newsletter"]
    guide = await create(newsletter_web)
    hidden = await create(newsletter_web, **{"title-fi": "Luonnos kirjastoille", "published": ""})
    recording = await create(
        newsletter_web,
        kind="recording",
        **{
            "title-fi": "Webinaaritallenne laitteista",
            "description-fi": "Älypuhelimen asetukset.",
            "title-sv": "",
            "description-sv": "",
        },
        areas=["devices"],
        url="https://video.example.fi/1",
    )

    everything = await listed(newsletter_web, "lang=fi")
    assert set(everything) == {str(guide), str(recording)}  # not the unpublished one
    # Finnish words are found in their other forms (stemmed), and as prefixes.
    assert await listed(newsletter_web, "lang=fi&q=huijausviesti") == [str(guide)]
    assert await listed(newsletter_web, "lang=fi&q=kirjasto") == [str(guide)]
    assert await listed(newsletter_web, "lang=fi&q=webinaa") == [str(recording)]
    assert await listed(newsletter_web, "lang=sv&q=bedrägliga") == [str(guide)]
    assert await listed(newsletter_web, "lang=fi&q=zzzz") == []
    assert await listed(newsletter_web, "lang=fi&q=%27%29%3B+--") == []  # punctuation only
    assert await listed(newsletter_web, "lang=fi&kind=recording") == [str(recording)]
    assert await listed(newsletter_web, "lang=fi&area=digital_security") == [str(guide)]
    assert await listed(newsletter_web, "lang=fi&area=devices&q=kirjasto") == []
    swedish = await newsletter_web.get("/materials?lang=sv")
    assert "Säkerhetsguide för bibliotek" in swedish.text
    # No Swedish title: the Finnish one, marked as Finnish for screen readers.
    assert 'lang="fi">Webinaaritallenne laitteista</a>' in swedish.text
    assert 'href="/accessibility?lang=sv"' in swedish.text

    page = await newsletter_web.get(f"/materials/{guide}?lang=fi")
    assert page.status_code == 200
    assert f'href="/materials/{guide}/open?lang=fi"' in page.text
    assert (await newsletter_web.get(f"/materials/{hidden}")).status_code == 404

    opened = await newsletter_web.get(f"/materials/{guide}/open")
    assert opened.status_code == 302
    assert opened.headers["location"] == GUIDE_URL
    mailed = await newsletter_web.get(f"/materials/{guide}/open?via=newsletter&lang=fi")
    assert mailed.headers["location"] == GUIDE_URL
    await newsletter_web.get(f"/materials/{guide}/open?via=https://evil.example")
    assert await opens(engine, guide) == {"public": 2, "newsletter": 1}
    # The link check's HEAD counts nothing.
    assert (await newsletter_web.head(f"/materials/{guide}/open")).status_code == 200
    assert await opens(engine, guide) == {"public": 2, "newsletter": 1}
    # Unknown and unpublished materials open nothing and count nothing.
    assert (await newsletter_web.get(f"/materials/{uuid.uuid4()}/open")).status_code == 404
    assert (await newsletter_web.get(f"/materials/{hidden}/open")).status_code == 404
    assert await opens(engine, hidden) == {}

    staff_page = await newsletter_web.get(f"{STAFF}/{guide}", headers=VIEWER)
    assert staff_page.status_code == 200
    assert re.search(r"<td>1</td><td>2</td>", staff_page.text), staff_page.text
    assert 'name="title-fi"' not in staff_page.text  # viewers read, editors write

    archived = await newsletter_web.post(
        f"{STAFF}/{guide}/archive", data={"csrf_token": "tok"}, headers=EDITOR
    )
    assert archived.status_code == 303
    assert (await newsletter_web.get(f"/materials/{guide}/open")).status_code == 404
    assert str(guide) not in await listed(newsletter_web, "lang=fi")
    audited = await _actions(engine)
    assert audited.count("material.created") == 3 and "material.archived" in audited


async def _actions(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        found = await conn.execute(
            text("SELECT payload FROM outbox WHERE topic = 'staff.audit.v1' ORDER BY id")
        )
        return [str(json.loads(p)["action"]) for (p,) in found.all()]


async def test_links_other_than_http_are_refused_and_files_are_served_from_here(
    newsletter_web: httpx.AsyncClient,
) -> None:
    refused = await newsletter_web.post(
        f"{STAFF}/new", data=fields(url="javascript:alert(1)"), headers=EDITOR
    )
    assert refused.status_code == 422
    assert 'href="#url"' in refused.text and "Linkin on oltava" in refused.text
    no_title = await newsletter_web.post(
        f"{STAFF}/new",
        data=fields(**{"title-fi": "", "title-sv": "", "description-sv": ""})
        | {"description-fi": ""},
        headers=EDITOR,
    )
    assert no_title.status_code == 422 and 'href="#title-fi"' in no_title.text

    pdf = b"%PDF-1.4\n% a tiny guide\n"
    made = await newsletter_web.post(
        "/api/newsletter/materials",
        data=fields(url="", kind="slides", **{"title-fi": "Diat: digiturva"}),
        files={"file": ("diat <script>.pdf", pdf, "text/html")},
        headers=API_EDITOR,
    )
    assert made.status_code == 201, made.text
    material = made.json()
    assert material["file"]["name"] == "diat script.pdf" and material["url"] is None
    opened = await newsletter_web.get(f"{material['open_path']}")
    assert opened.status_code == 302
    assert opened.headers["location"].startswith(f"/materials/{material['id']}/file/")
    served = await newsletter_web.get(opened.headers["location"])
    assert served.status_code == 200 and served.content == pdf
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("inline")

    html = await newsletter_web.post(
        "/api/newsletter/materials",
        data=fields(url=""),
        files={"file": ("opas.pdf", b"<html><script>alert(1)</script>", "application/pdf")},
        headers=API_EDITOR,
    )
    assert html.status_code == 422
    viewer = await newsletter_web.post("/api/newsletter/materials", data=fields(), headers=VIEWER)
    assert viewer.status_code == 403


async def test_the_composer_picker_inserts_the_material_link_in_every_language(
    newsletter_web: httpx.AsyncClient,
) -> None:
    guide = await create(newsletter_web)
    page = await newsletter_web.get("/newsletter/staff/campaigns/new", headers=EDITOR)
    assert f'<option value="{guide}">Tietoturvaopas kirjastoille</option>' in page.text
    posted = await newsletter_web.post(
        "/newsletter/staff/campaigns/new",
        data={
            "csrf_token": "tok",
            "name": "Marraskuu",
            "languages": ["fi", "sv"],
            "block-count": "0",
            "material": str(guide),
            "action": "add-material",
        },
        headers=EDITOR,
    )
    assert posted.status_code == 200, posted.text
    link = f"/materials/{guide}/open?via=newsletter&amp;lang="
    assert "Tietoturvaopas kirjastoille | http" in posted.text
    assert f"{link}fi" in posted.text and f"{link}sv" in posted.text
    assert "Säkerhetsguide för bibliotek | http" in posted.text


async def relay_newsletter(engine: AsyncEngine, infra: Infra, topics: str) -> None:
    config = RelayConfig("newsletter", "", infra.kafka, topic_prefix=topics)
    producer = make_producer(infra.kafka, client_id="materials-test")
    await producer.start()
    try:
        await OutboxRelay(engine, newsletter_outbox, config).publish_batch(producer)
    finally:
        await producer.stop()


async def test_surveys_replica_gets_the_material_and_a_weak_result_links_it(
    newsletter_web: httpx.AsyncClient, clean_db: dict[str, AsyncEngine], infra: Infra, topics: str
) -> None:
    newsletter, surveys = clean_db["newsletter"], clean_db["surveys"]
    guide = await create(newsletter_web)
    draft = await create(newsletter_web, **{"title-fi": "Keskeneräinen", "published": ""})
    await relay_newsletter(newsletter, infra, topics)
    records = await read_topic(infra.kafka, f"{topics}newsletter.material.v1")
    mine = {v["material_id"]: (h, v) for h, v in records if v and v["material_id"] == str(guide)}
    headers, value = mine[str(guide)]
    assert headers["ce_type"] == "fi.digituki.newsletter.material.v1"
    assert value["url"].endswith(f"/materials/{guide}/open") and value["published"] is True
    assert value["competence_areas"] == ["digital_security", "data_protection"]

    settings = SurveysSettings()
    broker = surveys_broker(settings, surveys)
    await broker.start()
    try:

        async def replica() -> dict[str, bool]:
            async with surveys.connect() as conn:
                found = await conn.execute(text("SELECT material_id, listed FROM materials"))
                return {str(m): bool(listed) for m, listed in found.all()}

        await eventually(
            replica,
            lambda r: str(guide) in r and str(draft) in r,
            timeout=60,
            what="the materials replica",
        )
    finally:
        await broker.stop()
    assert (await replica())[str(draft)] is False

    async with running() as app, surveys_client(app) as browser:
        path = await published_test(app, "anonymous")
        sent = await browser.post(
            f"{path}?lang=sv",
            data=form({"digital_security": 0, "e_services": 3, "devices": 3, "guidance": 3}),
        )
        assert sent.status_code == 303
        shown = await browser.get(sent.headers["location"])
    assert "Material för dina svagaste områden" in shown.text
    assert f"/materials/{guide}/open?lang=sv" in shown.text
    assert "Säkerhetsguide för bibliotek" in shown.text
    assert "Keskeneräinen" not in shown.text


async def test_tracked_newsletter_clicks_on_a_material_show_on_its_page(
    newsletter_web: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    """A click in tracked mail is recorded per delivery (the person's engagement, as every
    click); the material's figures count those on its open link, and the people."""
    engine = clean_db["newsletter"]
    guide = await create(newsletter_web)
    other = await create(newsletter_web, **{"title-fi": "Toinen opas"})
    person = uuid.uuid4()
    async with engine.begin() as conn:
        for n, (material, contact) in enumerate(((guide, person), (guide, person), (other, None))):
            delivery = uuid.uuid4()
            await conn.execute(
                insert(deliveries).values(
                    id=delivery,
                    origin="campaign",
                    priority=1,
                    language="fi",
                    status="sent",
                    contact_id=contact,
                    idempotency_key=f"k{n}",
                )
            )
            await conn.execute(
                insert(tracking_events).values(
                    id=uuid.uuid4(),
                    delivery_id=delivery,
                    kind="click",
                    url=f"https://digituki.example/materials/{material}/open?via=newsletter&lang=fi",
                )
            )
    shown = await newsletter_web.get(f"/api/newsletter/materials/{guide}", headers=VIEWER)
    assert shown.status_code == 200
    figures = shown.json()["figures"]
    assert (figures["mail_clicks"], figures["mail_people"]) == (2, 1)


async def test_editing_through_the_api_replaces_the_link_with_a_file_and_bumps_the_version(
    newsletter_web: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    guide = await create(newsletter_web)
    edited = await newsletter_web.put(
        f"/api/newsletter/materials/{guide}",
        data=fields(url="", **{"title-en": "Security guide", "description-en": ""}),
        files={"file": ("guide.pdf", b"%PDF-1.7 guide", "application/pdf")},
        headers=API_EDITOR,
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["version"] == 2 and body["url"] is None and body["file"]["ext"] == "pdf"
    assert body["title"]["en"] == "Security guide"
    # Kept file, no new upload, no link: still valid.
    again = await newsletter_web.put(
        f"/api/newsletter/materials/{guide}", data=fields(url=""), headers=API_EDITOR
    )
    assert again.status_code == 200 and again.json()["file"] is not None
    archived = await newsletter_web.post(
        f"/api/newsletter/materials/{guide}/archive", headers=API_EDITOR
    )
    assert archived.status_code == 204
    restored = await newsletter_web.post(
        f"/api/newsletter/materials/{guide}/restore", headers=API_EDITOR
    )
    assert restored.status_code == 204
    async with clean_db["newsletter"].connect() as conn:
        found = await conn.execute(
            text("SELECT payload FROM outbox WHERE topic = 'newsletter.material.v1' ORDER BY id")
        )
        versions = [(v["version"], v["archived"]) for v in (json.loads(p) for (p,) in found.all())]
    assert versions == [(1, False), (2, False), (3, False), (4, True), (5, False)]
    missing = await newsletter_web.put(
        f"/api/newsletter/materials/{uuid.uuid4()}", data=fields(), headers=API_EDITOR
    )
    assert missing.status_code == 404
