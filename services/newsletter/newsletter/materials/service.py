"""Materials use cases: staff create, edit and archive materials (audited, each change on
`newsletter.material.v1` through the outbox); the public lists, searches and opens them."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsletter.errors import NotFound
from newsletter.materials import repository as rows
from newsletter.materials.domain import (
    FILE_KINDS,
    KINDS,
    LANGUAGES,
    Checked,
    FileKind,
    MaterialInput,
    check,
    check_file,
    material_paths,
    month_of,
    text_in,
    tsquery_of,
)
from newsletter.unit_of_work import unit_of_work
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.audit import publish_staff_action
from shared.competence_areas import COMPETENCE_AREAS
from shared.events.envelope import new_event
from shared.events.materials import MaterialV1
from shared.events.topics import MATERIALS
from shared.outbox.unit_of_work import UnitOfWork
from shared.web.staff import Staff

SOURCES = ("public", "newsletter")
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class Upload:
    data: bytes
    name: str


@dataclass(frozen=True)
class Served:
    data: bytes
    content_type: str
    name: str
    inline: bool
    etag: str


def _audit(
    uow: UnitOfWork, staff: Staff, action: str, material_id: uuid.UUID, **details: Any
) -> None:
    publish_staff_action(
        uow,
        service="newsletter",
        actor_id=staff.id,
        actor_role=staff.role,
        action=action,
        target_type="material",
        target_id=str(material_id),
        details=details,
    )


def _publish(uow: UnitOfWork, row: RowMapping, base_url: str) -> None:
    page, open_link = material_paths(str(row["id"]))
    base = base_url.rstrip("/")
    data = MaterialV1(
        material_id=row["id"],
        version=row["version"],
        kind=row["kind"],
        title=dict(row["title"]),
        url=f"{base}{open_link}",
        page_url=f"{base}{page}",
        competence_areas=list(row["areas"]),
        topics=list(row["topics"]),
        audiences=list(row["audiences"]),
        published=bool(row["published"]) and row["archived_at"] is None,
        archived=row["archived_at"] is not None,
    )
    uow.publish(MATERIALS.name, str(row["id"]), new_event(source="/newsletter", data=data))


def _file_row(material_id: uuid.UUID, upload: Upload, kind: FileKind) -> dict[str, Any]:
    stem = _SAFE_NAME.sub("", upload.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip()[:100]
    return {
        "material_id": material_id,
        "name": f"{stem or 'material'}.{kind.ext}",
        "hash": hashlib.sha256(upload.data).hexdigest()[:16],
        "ext": kind.ext,
        "content_type": kind.content_type,
        "size": len(upload.data),
        "data": upload.data,
    }


def _values(checked: Checked) -> dict[str, Any]:
    return {
        "kind": checked.kind,
        "title": checked.title,
        "description": checked.description,
        "url": checked.url,
        "topics": checked.topics,
        "audiences": checked.audiences,
        "areas": checked.areas,
        "published": checked.published,
    }


async def create(
    engine: AsyncEngine,
    *,
    staff: Staff,
    given: MaterialInput,
    upload: Upload | None,
    max_bytes: int,
    base_url: str,
) -> uuid.UUID:
    kind = check_file(upload.data, max_bytes=max_bytes) if upload and upload.data else None
    checked = check(given, has_file=kind is not None)
    material_id = uuid.uuid4()
    async with unit_of_work(engine) as uow:
        await rows.add(uow.conn, {"id": material_id, "created_by": staff.id, **_values(checked)})
        if upload is not None and kind is not None:
            await rows.put_file(uow.conn, _file_row(material_id, upload, kind))
        row = await rows.get(uow.conn, material_id)
        assert row is not None
        _publish(uow, row, base_url)
        _audit(uow, staff, "material.created", material_id, title=text_in(checked.title, "fi"))
        await uow.commit()
    return material_id


async def edit(
    engine: AsyncEngine,
    *,
    staff: Staff,
    material_id: uuid.UUID,
    given: MaterialInput,
    upload: Upload | None,
    max_bytes: int,
    base_url: str,
) -> None:
    """New values; a new file replaces the old one, a link replaces a file."""
    kind = check_file(upload.data, max_bytes=max_bytes) if upload and upload.data else None
    async with unit_of_work(engine) as uow:
        current = await rows.get(uow.conn, material_id, lock=True)
        if current is None:
            raise NotFound("No such material.")
        has_file = kind is not None or (
            not given.url.strip() and bool(await rows.file_info(uow.conn, [material_id]))
        )
        checked = check(given, has_file=has_file)
        await rows.update_material(uow.conn, material_id, _values(checked))
        if upload is not None and kind is not None:
            await rows.put_file(uow.conn, _file_row(material_id, upload, kind))
        elif checked.url:
            await rows.drop_file(uow.conn, material_id)
        row = await rows.get(uow.conn, material_id)
        assert row is not None
        _publish(uow, row, base_url)
        _audit(uow, staff, "material.edited", material_id, title=text_in(checked.title, "fi"))
        await uow.commit()


async def set_archived(
    engine: AsyncEngine, *, staff: Staff, material_id: uuid.UUID, archived: bool, base_url: str
) -> None:
    """Archive (off the listing and every replica; the open link stops) or bring back."""
    async with unit_of_work(engine) as uow:
        current = await rows.get(uow.conn, material_id, lock=True)
        if current is None:
            raise NotFound("No such material.")
        if (current["archived_at"] is not None) != archived:
            at = datetime.now(UTC) if archived else None
            await rows.update_material(uow.conn, material_id, {"archived_at": at})
            row = await rows.get(uow.conn, material_id)
            assert row is not None
            _publish(uow, row, base_url)
            action = "material.archived" if archived else "material.restored"
            _audit(uow, staff, action, material_id)
        await uow.commit()


def describe(row: RowMapping, file: RowMapping | None, lang: str) -> dict[str, Any]:
    page, open_link = material_paths(str(row["id"]))
    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": dict(row["title"]),
        "description": dict(row["description"]),
        "shown_title": text_in(row["title"], lang),
        "shown_description": text_in(row["description"], lang),
        "url": row["url"],
        "file": (
            {
                "name": file["name"],
                "ext": file["ext"],
                "size": file["size"],
                "hash": file["hash"],
            }
            if file
            else None
        ),
        "topics": list(row["topics"]),
        "audiences": list(row["audiences"]),
        "areas": list(row["areas"]),
        "published": row["published"],
        "archived": row["archived_at"] is not None,
        "archived_at": row["archived_at"],
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "page_path": page,
        "open_path": open_link,
    }


async def _described(
    conn: AsyncConnection, found: list[RowMapping], lang: str
) -> list[dict[str, Any]]:
    files = await rows.file_info(conn, [r["id"] for r in found])
    return [describe(r, files.get(r["id"]), lang) for r in found]


@dataclass(frozen=True)
class Filters:
    query: str = ""
    kind: str = ""
    topic: str = ""
    area: str = ""

    def cleaned(self) -> Filters:
        """Unknown choices are dropped (a stale link still lists something)."""
        return Filters(
            query=self.query.strip()[:200],
            kind=self.kind if self.kind in KINDS else "",
            topic=self.topic.strip()[:80],
            area=self.area if self.area in COMPETENCE_AREAS else "",
        )


async def listing(
    engine: AsyncEngine, *, public: bool, lang: str, filters: Filters | None = None
) -> list[dict[str, Any]]:
    f = (filters or Filters()).cleaned()
    tsquery = tsquery_of(f.query)
    if f.query and not tsquery:  # only punctuation: nothing can match
        return []
    async with engine.connect() as conn:
        found = await rows.listing(
            conn,
            public=public,
            tsquery=tsquery,
            kind=f.kind,
            topic=f.topic,
            area=f.area,
            rank_lang=lang if lang in ("fi", "sv", "en") else "fi",
        )
        return await _described(conn, found, lang)


async def topics_in_use(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return await rows.used_topics(conn)


async def one(
    engine: AsyncEngine, material_id: uuid.UUID, *, public: bool, lang: str
) -> dict[str, Any]:
    async with engine.connect() as conn:
        row = await rows.get(conn, material_id)
        if row is None or (public and (not row["published"] or row["archived_at"] is not None)):
            raise NotFound("No such material.")
        return (await _described(conn, [row], lang))[0]


async def figures(engine: AsyncEngine, material_id: uuid.UUID) -> dict[str, Any]:
    """Opens per month and source, and the clicks in tracked newsletter mail."""
    async with engine.connect() as conn:
        opens = await rows.opens_of(conn, material_id)
        clicks, people = await rows.mail_clicks(conn, material_id)
    months: dict[Any, dict[str, int]] = {}
    for r in opens:
        months.setdefault(r["month"], dict.fromkeys(SOURCES, 0))[r["source"]] = r["opens"]
    return {
        "months": [{"month": m, **counts} for m, counts in months.items()],
        "total": {s: sum(c[s] for c in months.values()) for s in SOURCES},
        "mail_clicks": clicks,
        "mail_people": people,
    }


async def open_material(
    engine: AsyncEngine, material_id: uuid.UUID, *, source: str, now: datetime | None = None
) -> str:
    """Count the open (per material, month and source only) and say where it leads: the
    material's own stored address, or its file here. Nothing else is ever a target."""
    at = now or datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        row = await rows.get(uow.conn, material_id)
        if row is None or not row["published"] or row["archived_at"] is not None:
            raise NotFound("No such material.")
        files = await rows.file_info(uow.conn, [material_id])
        await rows.count_open(
            uow.conn, material_id, month_of(at), source if source in SOURCES else "public"
        )
        await uow.commit()
    if row["url"]:
        return str(row["url"])
    file = files.get(material_id)
    if file is None:
        raise NotFound("No such material.")
    return f"/materials/{material_id}/file/{file['hash']}.{file['ext']}"


async def serve_file(
    engine: AsyncEngine, material_id: uuid.UUID, digest: str, ext: str, *, staff: bool = False
) -> Served:
    async with engine.connect() as conn:
        row = await rows.get(conn, material_id)
        found = await rows.file_bytes(conn, material_id)
    visible = row is not None and (staff or (row["published"] and row["archived_at"] is None))
    if not visible or found is None or found["hash"] != digest or found["ext"] != ext:
        raise NotFound("No such file.")
    kind = FILE_KINDS.get(found["ext"])
    return Served(
        data=bytes(found["data"]),
        content_type=found["content_type"],
        name=found["name"],
        inline=bool(kind and kind.inline),
        etag=f'"{found["hash"]}"',
    )


async def composer_block(
    engine: AsyncEngine, chosen: str, *, base_url: str
) -> dict[str, Any] | None:
    """The composer's link block for a published material: its title in each language (the
    recipient reads their own) and its open link marked as reached from a newsletter; None
    for an unknown or unpublished material."""
    from newsletter.composer.form import empty_block  # the composer's form shape

    try:
        material_id = uuid.UUID(chosen)
        found = await one(engine, material_id, public=True, lang="fi")
    except (ValueError, NotFound):
        return None
    block = empty_block("articles")
    base = base_url.rstrip("/")
    for lang in LANGUAGES:
        link = f"{base}{found['open_path']}?via=newsletter&lang={lang}"
        block["items"][lang] = f"{text_in(found['title'], lang)} | {link}"
    return block
