"""What the public paths now do once instead of per request, and the web workers' start-up
(docs/performance.md). No timing here: the benches measure, these check the behaviour."""

from __future__ import annotations

from typing import Any

import pytest
from contacts.classification import load_classification
from contacts.signup.pages.signup import municipality_options
from surveys.tables import contact_snapshot

from shared import entrypoints
from shared.snapshot import _upsert_statement

BUILT: list[Any] = []


def built_app() -> str:
    BUILT.append("app")
    return "the app"


def test_municipality_options_mark_only_the_chosen_one() -> None:
    chosen = load_classification().municipalities_by_name("fi")[3].code
    html = str(municipality_options("fi", chosen))
    assert html.count("<option") == len(load_classification().municipalities)
    assert html.count(" selected") == 1
    assert f'<option value="{chosen}" selected>' in html
    assert " selected" not in str(municipality_options("fi", ""))
    assert " selected" not in str(municipality_options("fi", '"><script>'))


def test_municipality_options_are_named_in_the_page_language() -> None:
    helsinki = next(m for m in load_classification().municipalities if m.code == "091")
    assert f">{helsinki.name('sv')}</option>" in str(municipality_options("sv", ""))
    assert f">{helsinki.name('fi')}</option>" in str(municipality_options("fi", ""))


def test_the_snapshot_upsert_is_built_once_per_table_and_columns() -> None:
    named = ("contact_id", "version", "email")
    assert _upsert_statement(contact_snapshot, named) is _upsert_statement(contact_snapshot, named)


def test_a_spawned_web_worker_builds_the_app_named_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DIGITUKI_ENV", "development")
    monkeypatch.setenv(entrypoints._SETTINGS_VAR, "shared.settings:ServiceSettings")
    monkeypatch.setenv(entrypoints._APP_VAR, f"{__name__}:built_app")
    monkeypatch.setattr(entrypoints, "configure_tracing", lambda settings: None)
    monkeypatch.setattr(entrypoints, "configure_logging", lambda *a, **k: None)
    assert entrypoints.spawned_web_app() == "the app"
    assert BUILT == ["app"]
