"""Every block type is shown by its name in the staff member's language (fi/en), never by
its raw key: the legend of each block of the composer and the buttons that add one."""

from __future__ import annotations

import re
from html import unescape

import pytest
from newsletter.campaigns.domain import BLOCK_TYPES
from newsletter.composer.form import BLOCK_KINDS, BLOCK_NAMES, block_names, empty_block, empty_form
from newsletter.rendering import pages
from starlette.requests import Request

from shared.i18n import STAFF_LANGUAGES

FINNISH = {
    "heading": "Otsikko",
    "text": "Teksti",
    "image": "Kuva",
    "button": "Painike",
    "event": "Tapahtumakortti",
    "articles": "Artikkelilista",
    "divider": "Erotin",
}


def request() -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    )


def render(name: str, lang: str) -> str:
    form = empty_form() | {"blocks": [empty_block(kind) for kind in BLOCK_KINDS]}
    context = {
        "form": form,
        "kinds": BLOCK_KINDS,
        "block_names": block_names(pages.gettext(lang)),
        "images": [],
        "upcoming_events": [],
        "errors": {},
    }
    return unescape(pages.render(request(), name, context, lang=lang).body.decode())


def test_every_block_type_the_content_takes_can_be_added_and_has_a_name() -> None:
    assert set(BLOCK_KINDS) == set(BLOCK_TYPES)
    assert set(BLOCK_NAMES) == set(BLOCK_KINDS)


@pytest.mark.parametrize("lang", STAFF_LANGUAGES)
def test_each_block_type_has_its_own_name_and_never_its_key(lang: str) -> None:
    names = block_names(pages.gettext(lang))
    assert set(names) == set(BLOCK_KINDS)
    assert len(set(names.values())) == len(names), names  # no two types share a name
    for kind, name in names.items():
        assert name and name != kind, (lang, kind)
        assert name[0].isupper(), (lang, kind, name)


def test_the_names_are_finnish_for_finnish_staff() -> None:
    assert block_names(pages.gettext("fi")) == FINNISH


@pytest.mark.parametrize("kind", BLOCK_KINDS)
@pytest.mark.parametrize("lang", STAFF_LANGUAGES)
def test_a_block_legend_and_its_add_button_show_the_translated_name(kind: str, lang: str) -> None:
    name = block_names(pages.gettext(lang))[kind]
    blocks = render("pages/_composer_blocks.html", lang)
    legends = re.findall(r"<legend>(.*?)</legend>", blocks)
    assert legends[BLOCK_KINDS.index(kind)] == f"{BLOCK_KINDS.index(kind) + 1}. {name}"
    buttons = render("pages/_composer_add_blocks.html", lang)
    found = re.search(rf'value="add:{kind}"[^>]*>([^<]*)</button>', buttons)
    assert found is not None and found.group(1) == name
