"""The materials library's rules in plain Python: what a material is, which links and files
it may have, its texts per language, and how a search is turned into a query."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from newsletter.errors import InvalidInput

from shared.competence_areas import COMPETENCE_AREAS

LANGUAGES = ("fi", "sv", "en")
KINDS = ("guide", "recording", "slides", "other")
# Who a material is for: the programme's groups (digital support providers and developers,
# the organisations behind them, and people who need support).
AUDIENCES = ("providers", "developers", "organisations", "public")
MAX_TITLE = 300
MAX_DESCRIPTION = 4000
MAX_URL = 2000
MAX_TOPICS = 20
TOPIC_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
# Search: at most this many words, each cut to this many characters.
MAX_TERMS = 8
MAX_TERM = 40
MAX_QUERY = 200
# The text search configuration of each language (PostgreSQL's Snowball stemmers).
SEARCH_CONFIGS = {"fi": "finnish", "sv": "swedish", "en": "english"}
PER_AREA = 3  # materials a self-assessment result links per weak area


@dataclass(frozen=True)
class FileKind:
    ext: str
    content_type: str
    inline: bool  # shown in the browser (PDF) rather than downloaded


FILE_KINDS = {
    "pdf": FileKind("pdf", "application/pdf", True),
    "pptx": FileKind(
        "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", False
    ),
    "docx": FileKind(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False
    ),
    "xlsx": FileKind(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False
    ),
    "odp": FileKind("odp", "application/vnd.oasis.opendocument.presentation", False),
    "odt": FileKind("odt", "application/vnd.oasis.opendocument.text", False),
    "png": FileKind("png", "image/png", False),
    "jpg": FileKind("jpg", "image/jpeg", False),
    "mp3": FileKind("mp3", "audio/mpeg", False),
    "mp4": FileKind("mp4", "video/mp4", False),
}
_OOXML = {"ppt/": "pptx", "word/": "docx", "xl/": "xlsx"}
_ODF = {
    b"application/vnd.oasis.opendocument.presentation": "odp",
    b"application/vnd.oasis.opendocument.text": "odt",
}


_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"ID3", "mp3"),
    (b"\xff\xfb", "mp3"),
    (b"\xff\xf3", "mp3"),
    (b"\xff\xf2", "mp3"),
)


def sniff(data: bytes) -> FileKind | None:
    """What the bytes are, by their content (never the file's name or Content-Type)."""
    for magic, ext in _MAGIC:
        if data.startswith(magic):
            return FILE_KINDS[ext]
    if data[4:8] == b"ftyp":
        return FILE_KINDS["mp4"]
    return _zip_kind(data) if data.startswith(b"PK\x03\x04") else None


def _zip_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                found = _ODF.get(archive.read("mimetype").strip())
                return FILE_KINDS[found] if found else None
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, ext in _OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return FILE_KINDS[ext]
    return None


def check_file(data: bytes, *, max_bytes: int) -> FileKind:
    if not data:
        raise InvalidInput("Choose a file.", field="file")
    if len(data) > max_bytes:
        raise InvalidInput(f"The file is larger than {max_bytes // 1_000_000} MB.", field="file")
    kind = sniff(data)
    if kind is None:
        raise InvalidInput(
            "Upload a PDF, a slide set or document (PowerPoint, Word, Excel, OpenDocument), "
            "an image (PNG, JPEG), audio (MP3) or video (MP4).",
            field="file",
        )
    return kind


def clean_link(value: str) -> str:
    """A full http(s) address; nothing else (no javascript:, data:, mailto: or relative)."""
    url = value.strip()
    if len(url) > MAX_URL:
        raise InvalidInput("The address is too long.", field="url")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput("A link must be a full http(s) address.", field="url")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidInput("A link must be a full http(s) address.", field="url")
    return url


def _text(value: str, limit: int, field: str) -> str:
    text = value.replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise InvalidInput(f"At most {limit} characters.", field=field)
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InvalidInput("The text has characters that cannot be shown.", field=field)
    return text


def clean_texts(
    title: Mapping[str, str], description: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Titles and descriptions by language; at least one title, and no description in a
    language without a title."""
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for lang in LANGUAGES:
        t = _text(" ".join(str(title.get(lang, "")).split()), MAX_TITLE, f"title-{lang}")
        d = _text(str(description.get(lang, "")), MAX_DESCRIPTION, f"description-{lang}")
        if d and not t:
            raise InvalidInput("Give the title in this language too.", field=f"title-{lang}")
        if t:
            titles[lang] = t
        if d:
            descriptions[lang] = d
    if not titles:
        raise InvalidInput("Give a title in at least one language.", field="title-fi")
    return titles, descriptions


def _choice(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    known = list(allowed)
    chosen = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    for value in chosen:
        if value not in known:
            raise InvalidInput("Choose from the list.", field=field)
    return [k for k in known if k in chosen]


def clean_topics(values: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(chosen) > MAX_TOPICS:
        raise InvalidInput(f"At most {MAX_TOPICS} topics.", field="topics")
    for value in chosen:
        if not TOPIC_KEY.fullmatch(value):
            raise InvalidInput("Choose from the list.", field="topics")
    return sorted(chosen)


@dataclass(frozen=True)
class MaterialInput:
    """What staff give; `url` or a file (kept or new), never both."""

    kind: str
    title: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)
    url: str = ""
    topics: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    published: bool = False


@dataclass(frozen=True)
class Checked:
    kind: str
    title: dict[str, str]
    description: dict[str, str]
    url: str | None
    topics: list[str]
    audiences: list[str]
    areas: list[str]
    published: bool


def check(given: MaterialInput, *, has_file: bool) -> Checked:
    """Every rule at once in field order; `has_file`: a file is uploaded now or kept."""
    if given.kind not in KINDS:
        raise InvalidInput("Choose the kind of material.", field="kind")
    title, description = clean_texts(given.title, given.description)
    url = clean_link(given.url) if given.url.strip() else None
    if url and has_file:
        raise InvalidInput("Give a file or a link, not both.", field="url")
    if not url and not has_file:
        raise InvalidInput("Give a file or a link.", field="url")
    return Checked(
        kind=given.kind,
        title=title,
        description=description,
        url=url,
        topics=clean_topics(given.topics),
        audiences=_choice(given.audiences, AUDIENCES, "audiences"),
        areas=_choice(given.areas, COMPETENCE_AREAS, "areas"),
        published=given.published,
    )


@dataclass(frozen=True)
class Material:
    """A material as stored: `version` grows with every change (replicas keep the newest)."""

    id: uuid.UUID
    kind: str
    title: dict[str, str]
    description: dict[str, str]
    url: str | None
    topics: list[str]
    audiences: list[str]
    areas: list[str]
    published: bool
    archived_at: datetime | None
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def public(self) -> bool:
        """Listed, searchable and openable by anyone: published and not archived."""
        return self.published and not self.archived


@dataclass(frozen=True)
class MaterialFile:
    """A material's file; `data` is empty where only its description was read."""

    material_id: uuid.UUID
    name: str
    hash: str
    ext: str
    content_type: str
    size: int
    data: bytes = b""


@dataclass(frozen=True)
class MonthlyOpens:
    month: date
    source: str
    opens: int


@dataclass(frozen=True)
class ArchiveChange:
    """Archiving a material or bringing it back: the word of its address (staff page and
    API alike), the state it leads to, and what the change is called once done (the audit
    action `material.<done>`, the page's notice)."""

    word: str
    archived: bool
    done: str


ARCHIVE_CHANGES = (
    ArchiveChange("archive", archived=True, done="archived"),
    ArchiveChange("restore", archived=False, done="restored"),
)


def text_in(texts: Mapping[str, str], lang: str) -> str:
    """The text in `lang`, else Finnish, Swedish, English: the first there is."""
    for code in (lang, *LANGUAGES):
        if texts.get(code):
            return str(texts[code])
    return ""


def shown_language(texts: Mapping[str, str], lang: str) -> str:
    """The language `text_in` picks (for the `lang` attribute of a fallback text)."""
    for code in (lang, *LANGUAGES):
        if texts.get(code):
            return code
    return lang


def search_terms(query: str) -> list[str]:
    """The words of a search box: letters and digits only (everything else separates words),
    lower-cased, at most MAX_TERMS of at most MAX_TERM characters each."""
    words = re.findall(r"\w+", query[:MAX_QUERY].lower())
    terms = [w.replace("_", "")[:MAX_TERM] for w in words]
    return list(dict.fromkeys(t for t in terms if t))[:MAX_TERMS]


def tsquery_of(query: str) -> str:
    """A `to_tsquery` text matching every word as a prefix ("digi tur" -> "digi:* & tur:*"):
    nothing the user types reaches the query syntax, since only word characters are kept."""
    return " & ".join(f"{t}:*" for t in search_terms(query))


def month_of(at: datetime | date) -> date:
    return date(at.year, at.month, 1)


def material_paths(material_id: str) -> tuple[str, str]:
    """(page, open link) of a material, below the public origin."""
    return f"/materials/{material_id}", f"/materials/{material_id}/open"
