"""Materials use cases over a `NewsletterUnitOfWork`: staff create, edit, archive and
restore materials (audited, each change on `newsletter.material.v1` through the outbox); the
public lists, searches and opens them (an open is counted)."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsletter.errors import NotFound
from newsletter.materials.domain import (
    FILE_KINDS,
    KINDS,
    LANGUAGES,
    FileKind,
    Material,
    MaterialFile,
    MaterialInput,
    check,
    check_file,
    material_paths,
    month_of,
    text_in,
    tsquery_of,
)
from newsletter.unit_of_work import NewsletterUnitOfWork

from shared.audit import publish_staff_action
from shared.competence_areas import COMPETENCE_AREAS
from shared.events.envelope import new_event
from shared.events.materials import MaterialV1
from shared.events.topics import MATERIALS
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
    uow: NewsletterUnitOfWork, staff: Staff, action: str, material_id: uuid.UUID, **details: Any
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


def _publish(uow: NewsletterUnitOfWork, m: Material, base_url: str) -> None:
    page, open_link = material_paths(str(m.id))
    base = base_url.rstrip("/")
    data = MaterialV1(
        material_id=m.id,
        version=m.version,
        kind=m.kind,
        title=dict(m.title),
        url=f"{base}{open_link}",
        page_url=f"{base}{page}",
        competence_areas=list(m.areas),
        topics=list(m.topics),
        audiences=list(m.audiences),
        published=m.public,
        archived=m.archived,
    )
    uow.publish(MATERIALS.name, str(m.id), new_event(source="/newsletter", data=data))


async def _published(uow: NewsletterUnitOfWork, material_id: uuid.UUID, base_url: str) -> None:
    """The material as it is now, to its replicas."""
    found = await uow.materials.get(material_id)
    assert found is not None
    _publish(uow, found, base_url)


def _file(material_id: uuid.UUID, upload: Upload, kind: FileKind) -> MaterialFile:
    stem = _SAFE_NAME.sub("", upload.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip()[:100]
    return MaterialFile(
        material_id=material_id,
        name=f"{stem or 'material'}.{kind.ext}",
        hash=hashlib.sha256(upload.data).hexdigest()[:16],
        ext=kind.ext,
        content_type=kind.content_type,
        size=len(upload.data),
        data=upload.data,
    )


async def create(
    uow: NewsletterUnitOfWork,
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
    await uow.materials.add(material_id, created_by=staff.id, checked=checked)
    if upload is not None and kind is not None:
        await uow.materials.put_file(_file(material_id, upload, kind))
    await _published(uow, material_id, base_url)
    _audit(uow, staff, "material.created", material_id, title=text_in(checked.title, "fi"))
    await uow.commit()
    return material_id


async def edit(
    uow: NewsletterUnitOfWork,
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
    if await uow.materials.get(material_id, lock=True) is None:
        raise NotFound("No such material.")
    has_file = kind is not None or (
        not given.url.strip() and bool(await uow.materials.files_of([material_id]))
    )
    checked = check(given, has_file=has_file)
    await uow.materials.change(material_id, checked)
    if upload is not None and kind is not None:
        await uow.materials.put_file(_file(material_id, upload, kind))
    elif checked.url:
        await uow.materials.drop_file(material_id)
    await _published(uow, material_id, base_url)
    _audit(uow, staff, "material.edited", material_id, title=text_in(checked.title, "fi"))
    await uow.commit()


async def set_archived(
    uow: NewsletterUnitOfWork,
    *,
    staff: Staff,
    material_id: uuid.UUID,
    archived: bool,
    base_url: str,
) -> None:
    """Archive (off the listing and every replica; the open link stops) or bring back; the
    state it is in already is no change (nothing published or audited)."""
    current = await uow.materials.get(material_id, lock=True)
    if current is None:
        raise NotFound("No such material.")
    if current.archived != archived:
        at = datetime.now(UTC) if archived else None
        await uow.materials.set_archived_at(material_id, at)
        await _published(uow, material_id, base_url)
        action = "material.archived" if archived else "material.restored"
        _audit(uow, staff, action, material_id)
    await uow.commit()


def describe(m: Material, file: MaterialFile | None, lang: str) -> dict[str, Any]:
    page, open_link = material_paths(str(m.id))
    return {
        "id": m.id,
        "kind": m.kind,
        "title": dict(m.title),
        "description": dict(m.description),
        "shown_title": text_in(m.title, lang),
        "shown_description": text_in(m.description, lang),
        "url": m.url,
        "file": (
            {"name": file.name, "ext": file.ext, "size": file.size, "hash": file.hash}
            if file
            else None
        ),
        "topics": list(m.topics),
        "audiences": list(m.audiences),
        "areas": list(m.areas),
        "published": m.published,
        "archived": m.archived,
        "archived_at": m.archived_at,
        "version": m.version,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
        "page_path": page,
        "open_path": open_link,
    }


async def _described(
    uow: NewsletterUnitOfWork, found: list[Material], lang: str
) -> list[dict[str, Any]]:
    files = await uow.materials.files_of([m.id for m in found])
    return [describe(m, files.get(m.id), lang) for m in found]


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
    uow: NewsletterUnitOfWork, *, public: bool, lang: str, filters: Filters | None = None
) -> list[dict[str, Any]]:
    f = (filters or Filters()).cleaned()
    tsquery = tsquery_of(f.query)
    if f.query and not tsquery:  # only punctuation: nothing can match
        return []
    found = await uow.materials.search(
        public=public,
        tsquery=tsquery,
        kind=f.kind,
        topic=f.topic,
        area=f.area,
        rank_lang=lang if lang in ("fi", "sv", "en") else "fi",
    )
    return await _described(uow, found, lang)


async def topics_in_use(uow: NewsletterUnitOfWork) -> list[str]:
    return await uow.materials.used_topics()


async def one(
    uow: NewsletterUnitOfWork, material_id: uuid.UUID, *, public: bool, lang: str
) -> dict[str, Any]:
    found = await uow.materials.get(material_id)
    if found is None or (public and not found.public):
        raise NotFound("No such material.")
    return (await _described(uow, [found], lang))[0]


async def figures(uow: NewsletterUnitOfWork, material_id: uuid.UUID) -> dict[str, Any]:
    """Opens per month and source, and the clicks in tracked newsletter mail."""
    opens = await uow.materials.opens_of(material_id)
    clicks, people = await uow.materials.mail_clicks(material_id)
    months: dict[Any, dict[str, int]] = {}
    for o in opens:
        months.setdefault(o.month, dict.fromkeys(SOURCES, 0))[o.source] = o.opens
    return {
        "months": [{"month": m, **counts} for m, counts in months.items()],
        "total": {s: sum(c[s] for c in months.values()) for s in SOURCES},
        "mail_clicks": clicks,
        "mail_people": people,
    }


async def open_material(
    uow: NewsletterUnitOfWork,
    material_id: uuid.UUID,
    *,
    source: str,
    now: datetime | None = None,
) -> str:
    """Count the open (per material, month and source only) and say where it leads: the
    material's own stored address, or its file here. Nothing else is ever a target."""
    at = now or datetime.now(UTC)
    found = await uow.materials.get(material_id)
    if found is None or not found.public:
        raise NotFound("No such material.")
    file = (await uow.materials.files_of([material_id])).get(material_id)
    if not found.url and file is None:
        raise NotFound("No such material.")
    await uow.materials.count_open(
        material_id, month_of(at), source if source in SOURCES else "public"
    )
    await uow.commit()
    if found.url:
        return found.url
    assert file is not None
    return f"/materials/{material_id}/file/{file.hash}.{file.ext}"


async def serve_file(
    uow: NewsletterUnitOfWork,
    material_id: uuid.UUID,
    digest: str,
    ext: str,
    *,
    staff: bool = False,
) -> Served:
    found = await uow.materials.get(material_id)
    file = await uow.materials.file_of(material_id)
    visible = found is not None and (staff or found.public)
    if not visible or file is None or file.hash != digest or file.ext != ext:
        raise NotFound("No such file.")
    kind = FILE_KINDS.get(file.ext)
    return Served(
        data=file.data,
        content_type=file.content_type,
        name=file.name,
        inline=bool(kind and kind.inline),
        etag=f'"{file.hash}"',
    )


async def composer_block(
    uow: NewsletterUnitOfWork, chosen: str, *, base_url: str
) -> dict[str, Any] | None:
    """The composer's link block for a published material: its title in each language (the
    recipient reads their own) and its open link marked as reached from a newsletter; None
    for an unknown or unpublished material."""
    from newsletter.composer.form import empty_block  # the composer's form shape

    try:
        material_id = uuid.UUID(chosen)
        found = await one(uow, material_id, public=True, lang="fi")
    except (ValueError, NotFound):
        return None
    block = empty_block("articles")
    base = base_url.rstrip("/")
    for lang in LANGUAGES:
        link = f"{base}{found['open_path']}?via=newsletter&lang={lang}"
        block["items"][lang] = f"{text_in(found['title'], lang)} | {link}"
    return block
