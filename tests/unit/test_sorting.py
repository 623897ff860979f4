"""Sortable columns accept only named keys and keep the page's filters in their links."""

from __future__ import annotations

from urllib.parse import parse_qs

from shared.web.sorting import Sort


def test_unknown_keys_fall_back_to_the_default_so_no_query_reaches_order_by() -> None:
    chosen = Sort.parse("name; DROP TABLE people", ("name", "email"), default="-email")
    assert (chosen.key, chosen.descending) == ("email", True)


def test_the_current_column_flips_and_other_columns_start_ascending() -> None:
    chosen = Sort.parse("name", ("name", "email"), default="name", keep={"q": "kirjasto"})
    assert parse_qs(chosen.url("name")[1:]) == {"q": ["kirjasto"], "sort": ["-name"]}
    assert parse_qs(chosen.url("email")[1:]) == {"q": ["kirjasto"], "sort": ["email"]}
    flipped = Sort.parse("-name", ("name", "email"), default="name")
    assert flipped.url("name") == "?sort=name"
    assert (flipped.aria("name"), flipped.aria("email")) == ("descending", "none")


def test_links_start_again_at_the_first_page_and_drop_empty_filters() -> None:
    chosen = Sort.parse("", ("name",), default="name", keep={"page": "4", "region": "", "q": "x"})
    assert chosen.url("name") == "?q=x&sort=-name"
    assert chosen.param == "name"
