"""Every string a page shows is translated: staff pages into Finnish, public pages into
Finnish and Swedish (English is the source language).

Strings are extracted from the Jinja templates as Babel would; a partial template
(included or imported) serves the audiences of the pages that use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "shared"
SERVICES = ("contacts", "newsletter", "surveys", "events")
NEEDS = {"staff": ("fi",), "public": ("fi", "sv")}
_EXTENDS = re.compile(r'{%-?\s*extends\s+"([^"]+)"')
_USES = re.compile(r'{%-?\s*(?:include|from|import)\s+"([^"]+)"')


def _template_dirs(service: str) -> list[Path]:
    return [ROOT / "services" / service / service / "templates", SHARED / "web" / "templates"]


def _templates(service: str) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in reversed(_template_dirs(service)):  # the service's own wins, as in Pages
        for path in folder.rglob("*.html"):
            found[path.relative_to(folder).as_posix()] = path
    return found


def _audiences(service: str) -> dict[str, set[str]]:
    templates = _templates(service)
    texts = {name: path.read_text() for name, path in templates.items()}
    audience: dict[str, set[str]] = {name: set() for name in templates}
    for name, text in texts.items():
        base = _EXTENDS.search(text)
        if (base and base.group(1) == "staff_base.html") or name == "staff_base.html":
            audience[name].add("staff")
        if (base and base.group(1) == "public_base.html") or name == "public_base.html":
            audience[name].add("public")
    changed = True
    while changed:  # partials serve whoever uses them, transitively
        changed = False
        for name, text in texts.items():
            for used in _USES.findall(text):
                if used in audience and not audience[name] <= audience[used]:
                    audience[used] |= audience[name]
                    changed = True
    return audience


@cache
def _catalog(service: str, lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for folder in (SHARED / "locale", ROOT / "services" / service / service / "locale"):
        for po in sorted((folder / lang / "LC_MESSAGES").glob("*.po")):
            with po.open("rb") as f:
                for message in read_po(f, locale=lang):
                    if message.id and isinstance(message.id, str) and message.string:
                        merged[message.id] = str(message.string)
    return merged


def _messages(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("rb") as f:
        for line, _func, message, _comments in babel_extract(f, ("_",), [], {}):
            if isinstance(message, str) and message.strip():
                yield line, message


def _missing(service: str) -> list[str]:
    problems = []
    templates = _templates(service)
    for name, audiences in sorted(_audiences(service).items()):
        for audience in sorted(audiences):
            for lang in NEEDS[audience]:
                known = _catalog(service, lang)
                for line, message in _messages(templates[name]):
                    if message not in known:
                        problems.append(f"{name}:{line} [{lang}] {message!r}")
    return sorted(set(problems))


@pytest.mark.parametrize("service", SERVICES)
def test_every_page_string_has_its_translations(service: str) -> None:
    missing = _missing(service)
    assert not missing, f"{len(missing)} untranslated:\n" + "\n".join(missing)
