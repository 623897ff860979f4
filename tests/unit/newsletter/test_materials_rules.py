"""The materials library's use cases on the in-memory unit of work: create, edit, archive and
restore (published to `newsletter.material.v1` and audited, nothing written when refused),
the listing and search, the counted open, files and the composer's link block."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from newsletter.errors import InvalidInput, NotFound
from newsletter.materials import pages, routes, service
from newsletter.materials.domain import ARCHIVE_CHANGES, MaterialInput

from shared.events.materials import MaterialV1
from shared.events.topics import MATERIALS
from shared.web.staff import Staff
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

STAFF = Staff(id="e1", role="editor")
BASE = "https://digituki.example/"
MAX = 1_000_000
PDF = b"%PDF-1.7\n% a guide\n"
LINK = "https://example.fi/opas"


def given(**values: object) -> MaterialInput:
    fields: dict[str, object] = {
        "kind": "guide",
        "title": {"fi": "Digituen opas", "sv": "Digistöds guide"},
        "description": {"fi": "Turvallinen verkkoasiointi"},
        "url": LINK,
        "published": True,
    }
    return MaterialInput(**(fields | values))  # type: ignore[arg-type]


async def create(uow: FakeNewsletterUnitOfWork, **values: object) -> uuid.UUID:
    upload = values.pop("upload", None)
    return await service.create(
        uow,
        staff=STAFF,
        given=given(**values),
        upload=upload,  # type: ignore[arg-type]
        max_bytes=MAX,
        base_url=BASE,
    )


def events(uow: FakeNewsletterUnitOfWork) -> list[MaterialV1]:
    return [e.parse(MaterialV1) for topic, _, e in uow.published if topic == MATERIALS.name]


def nothing_left(uow: FakeNewsletterUnitOfWork) -> bool:
    return not uow.published and uow.commits == 0


async def test_creating_a_linked_material_stores_publishes_and_audits_it() -> None:
    uow = FakeNewsletterUnitOfWork()
    material_id = await create(uow)
    stored = uow.materials.rows[material_id]
    assert (stored.kind, stored.url, stored.version, stored.created_by) == (
        "guide",
        LINK,
        1,
        "e1",
    )
    [event] = events(uow)
    assert event.material_id == material_id and event.version == 1
    assert event.published and not event.archived
    assert event.url == f"https://digituki.example/materials/{material_id}/open"
    assert event.page_url == f"https://digituki.example/materials/{material_id}"
    assert uow.audit_actions() == ["material.created"]
    assert uow.commits == 1


async def test_creating_a_material_with_a_file_keeps_the_file_under_a_clean_name() -> None:
    uow = FakeNewsletterUnitOfWork()
    upload = service.Upload(data=PDF, name="../../Opas <2026>.exe")
    material_id = await create(uow, url="", upload=upload)
    file = uow.materials.files[material_id]
    assert (file.name, file.ext, file.content_type, file.size) == (
        "Opas 2026.pdf",
        "pdf",
        "application/pdf",
        len(PDF),
    )
    assert file.data == PDF and len(file.hash) == 16
    assert uow.materials.rows[material_id].url is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"url": ""}, "url"),  # neither file nor link
        ({"upload": service.Upload(data=PDF, name="a.pdf")}, "url"),  # both
        ({"url": "javascript:alert(1)"}, "url"),
        ({"kind": "poster"}, "kind"),
        ({"title": {}}, "title-fi"),
        ({"url": "", "upload": service.Upload(data=b"MZ\x90\x00", name="x.pdf")}, "file"),
    ],
    ids=["no-file-or-link", "file-and-link", "not-http", "unknown-kind", "no-title", "exe"],
)
async def test_a_refused_material_writes_publishes_and_audits_nothing(
    values: dict[str, object], field: str
) -> None:
    uow = FakeNewsletterUnitOfWork()
    with pytest.raises(InvalidInput) as refused:
        await create(uow, **values)
    assert refused.value.field == field
    assert not uow.materials.rows and not uow.materials.files
    assert nothing_left(uow)


async def test_editing_replaces_the_link_with_a_file_and_bumps_the_version() -> None:
    uow = FakeNewsletterUnitOfWork()
    material_id = await create(uow)
    await service.edit(
        uow,
        staff=STAFF,
        material_id=material_id,
        given=given(url="", title={"fi": "Uusi opas"}),
        upload=service.Upload(data=PDF, name="uusi.pdf"),
        max_bytes=MAX,
        base_url=BASE,
    )
    stored = uow.materials.rows[material_id]
    assert (stored.url, stored.title, stored.version) == (None, {"fi": "Uusi opas"}, 2)
    assert uow.materials.files[material_id].name == "uusi.pdf"
    assert material_id in uow.materials.locked
    assert [e.version for e in events(uow)] == [1, 2]
    assert uow.audit_actions() == ["material.created", "material.edited"]


async def test_editing_keeps_the_file_without_a_new_one_and_a_link_drops_it() -> None:
    uow = FakeNewsletterUnitOfWork()
    material_id = await create(uow, url="", upload=service.Upload(data=PDF, name="a.pdf"))
    await service.edit(
        uow,
        staff=STAFF,
        material_id=material_id,
        given=given(url="", kind="slides"),
        upload=None,
        max_bytes=MAX,
        base_url=BASE,
    )
    assert uow.materials.rows[material_id].kind == "slides"
    assert material_id in uow.materials.files
    await service.edit(
        uow,
        staff=STAFF,
        material_id=material_id,
        given=given(),
        upload=None,
        max_bytes=MAX,
        base_url=BASE,
    )
    assert uow.materials.rows[material_id].url == LINK
    assert material_id not in uow.materials.files


async def test_a_refused_edit_changes_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    material_id = await create(uow)
    before = uow.materials.rows[material_id]
    published, commits = list(uow.published), uow.commits
    with pytest.raises(InvalidInput):
        await service.edit(
            uow,
            staff=STAFF,
            material_id=material_id,
            given=given(url=""),
            upload=None,
            max_bytes=MAX,
            base_url=BASE,
        )
    with pytest.raises(NotFound):
        await service.edit(
            uow,
            staff=STAFF,
            material_id=uuid.UUID(int=7),
            given=given(),
            upload=None,
            max_bytes=MAX,
            base_url=BASE,
        )
    assert uow.materials.rows[material_id] == before
    assert (uow.published, uow.commits) == (published, commits)


async def test_archiving_and_restoring_publish_the_state_and_are_audited_once_each() -> None:
    uow = FakeNewsletterUnitOfWork()
    material_id = await create(uow)
    for archived in (True, True, False, False):
        await service.set_archived(
            uow, staff=STAFF, material_id=material_id, archived=archived, base_url=BASE
        )
    assert [(e.version, e.published, e.archived) for e in events(uow)] == [
        (1, True, False),
        (2, False, True),
        (3, True, False),
    ]
    assert uow.audit_actions() == ["material.created", "material.archived", "material.restored"]
    assert uow.materials.rows[material_id].archived_at is None


async def test_archiving_an_unknown_material_is_not_found_and_publishes_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    with pytest.raises(NotFound):
        await service.set_archived(
            uow, staff=STAFF, material_id=uuid.UUID(int=1), archived=True, base_url=BASE
        )
    assert nothing_left(uow)


def test_the_staff_page_and_the_api_archive_and_restore_by_the_same_words() -> None:
    words = [c.word for c in ARCHIVE_CHANGES]
    assert words == ["archive", "restore"]
    for router in (pages.router, routes.router):
        paths = {getattr(r, "path", "") for r in router.routes}
        for word in words:
            assert any(p.endswith(f"/{{material_id}}/{word}") for p in paths), (router, word)


async def test_the_public_sees_published_materials_only_and_staff_see_archived_last() -> None:
    uow = FakeNewsletterUnitOfWork()
    shown = await create(uow)
    hidden = await create(uow, published=False)
    archived = await create(uow)
    await service.set_archived(uow, staff=STAFF, material_id=archived, archived=True, base_url=BASE)
    public = await service.listing(uow, public=True, lang="fi")
    assert [m["id"] for m in public] == [shown]
    staff = await service.listing(uow, public=False, lang="fi")
    assert {m["id"] for m in staff[:2]} == {shown, hidden} and staff[2]["id"] == archived
    with pytest.raises(NotFound):
        await service.one(uow, hidden, public=True, lang="fi")
    assert (await service.one(uow, hidden, public=False, lang="sv"))["shown_title"] == (
        "Digistöds guide"
    )


async def test_search_matches_word_prefixes_and_filters_drop_unknown_choices() -> None:
    uow = FakeNewsletterUnitOfWork()
    guide = await create(uow, topics=("turva",))
    await create(uow, kind="slides", title={"fi": "Kalvot"}, description={})
    found = await service.listing(
        uow, public=True, lang="fi", filters=service.Filters(query="  verkkoas TURV ")
    )
    assert [m["id"] for m in found] == [guide]
    assert (
        await service.listing(uow, public=True, lang="fi", filters=service.Filters(query="?!*"))
        == []
    )
    unknown_kind = service.Filters(kind="poster")
    assert len(await service.listing(uow, public=True, lang="fi", filters=unknown_kind)) == 2
    by_topic = service.Filters(topic="turva")
    assert [
        m["id"] for m in await service.listing(uow, public=True, lang="fi", filters=by_topic)
    ] == [guide]
    assert await service.topics_in_use(uow) == ["turva"]


async def test_an_open_is_counted_by_month_and_source_and_leads_to_the_material() -> None:
    uow = FakeNewsletterUnitOfWork()
    linked = await create(uow)
    filed = await create(uow, url="", upload=service.Upload(data=PDF, name="a.pdf"))
    november = datetime(2026, 11, 30, tzinfo=UTC)
    assert await service.open_material(uow, linked, source="public", now=november) == LINK
    assert await service.open_material(uow, linked, source="newsletter", now=november) == LINK
    assert await service.open_material(uow, linked, source="evil", now=november) == LINK
    file = uow.materials.files[filed]
    assert await service.open_material(uow, filed, source="public") == (
        f"/materials/{filed}/file/{file.hash}.pdf"
    )
    assert uow.materials.opens[(linked, date(2026, 11, 1), "public")] == 2
    assert uow.materials.opens[(linked, date(2026, 11, 1), "newsletter")] == 1
    figures = await service.figures(uow, linked)
    assert figures["total"] == {"public": 2, "newsletter": 1}
    assert figures["months"] == [{"month": date(2026, 11, 1), "public": 2, "newsletter": 1}]


async def test_an_archived_or_unpublished_material_is_not_opened_nor_counted() -> None:
    uow = FakeNewsletterUnitOfWork()
    hidden = await create(uow, published=False)
    archived = await create(uow)
    await service.set_archived(uow, staff=STAFF, material_id=archived, archived=True, base_url=BASE)
    commits = uow.commits
    for material_id in (hidden, archived, uuid.UUID(int=3)):
        with pytest.raises(NotFound):
            await service.open_material(uow, material_id, source="public")
    assert not uow.materials.opens and uow.commits == commits


async def test_a_file_is_served_by_its_hash_and_an_unpublished_one_to_staff_only() -> None:
    uow = FakeNewsletterUnitOfWork()
    material_id = await create(
        uow, url="", published=False, upload=service.Upload(data=PDF, name="a.pdf")
    )
    digest = uow.materials.files[material_id].hash
    served = await service.serve_file(uow, material_id, digest, "pdf", staff=True)
    assert (served.data, served.inline, served.etag) == (PDF, True, f'"{digest}"')
    with pytest.raises(NotFound):
        await service.serve_file(uow, material_id, digest, "pdf")
    with pytest.raises(NotFound):
        await service.serve_file(uow, material_id, "0" * 16, "pdf", staff=True)
    with pytest.raises(NotFound):
        await service.serve_file(uow, material_id, digest, "docx", staff=True)


async def test_the_composer_block_links_a_published_material_in_every_language() -> None:
    uow = FakeNewsletterUnitOfWork()
    material_id = await create(uow)
    hidden = await create(uow, published=False)
    block = await service.composer_block(uow, str(material_id), base_url=BASE)
    assert block is not None and block["type"] == "articles"
    open_link = f"https://digituki.example/materials/{material_id}/open?via=newsletter"
    assert block["items"]["fi"] == f"Digituen opas | {open_link}&lang=fi"
    assert block["items"]["sv"] == f"Digistöds guide | {open_link}&lang=sv"
    assert block["items"]["en"] == f"Digituen opas | {open_link}&lang=en"
    assert await service.composer_block(uow, str(hidden), base_url=BASE) is None
    assert await service.composer_block(uow, "not-an-id", base_url=BASE) is None
