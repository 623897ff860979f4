"""A material's form fields (the staff page and the API take the same ones) <-> its input."""

from __future__ import annotations

from typing import Any

from newsletter.materials.domain import LANGUAGES, MaterialInput
from newsletter.materials.service import Upload
from newsletter.media.routes import read_upload
from starlette.datastructures import FormData, UploadFile

LIST_FIELDS = ("topics", "audiences", "areas")


def _one(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def input_of(form: FormData) -> MaterialInput:
    """`kind`, `title-fi` ... `description-en`, `url`, repeated `topics`/`audiences`/`areas`,
    `published=yes`."""
    lists = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in LIST_FIELDS}
    return MaterialInput(
        kind=_one(form, "kind"),
        title={lang: _one(form, f"title-{lang}") for lang in LANGUAGES},
        description={lang: _one(form, f"description-{lang}") for lang in LANGUAGES},
        url=_one(form, "url"),
        topics=tuple(lists["topics"]),
        audiences=tuple(lists["audiences"]),
        areas=tuple(lists["areas"]),
        published=_one(form, "published") == "yes",
    )


async def upload_of(form: FormData, max_bytes: int) -> Upload | None:
    """The chosen file (at most `max_bytes` + 1 bytes read), or None when none was chosen."""
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return None
    data = await read_upload(file, max_bytes)
    return Upload(data=data, name=file.filename) if data else None


def values_of(given: MaterialInput) -> dict[str, Any]:
    """What the form shows again after a refusal (as typed)."""
    return {
        "kind": given.kind,
        "title": dict(given.title),
        "description": dict(given.description),
        "url": given.url,
        "topics": list(given.topics),
        "audiences": list(given.audiences),
        "areas": list(given.areas),
        "published": given.published,
        "file": None,
    }


def empty_values() -> dict[str, Any]:
    return values_of(MaterialInput(kind="guide", title={}))
