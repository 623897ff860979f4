"""A unit test sees the environment as it was before the stack's settings were put in force
by an earlier integration test on the same worker (tests/support/plugin.py)."""

from __future__ import annotations

import os

import pytest

from tests.support import plugin


def test_the_stacks_settings_are_undone_for_a_unit_test(monkeypatch: pytest.MonkeyPatch) -> None:
    # As settings_environment leaves it: a prefix that was not set, a URL that was.
    monkeypatch.setitem(plugin._ENVIRONMENT_BEFORE, "KAFKA_TOPIC_PREFIX", None)
    monkeypatch.setitem(plugin._ENVIRONMENT_BEFORE, "CONTACTS_DATABASE_URL", "postgresql://a/b")
    monkeypatch.setenv("KAFKA_TOPIC_PREFIX", "t1234.")
    monkeypatch.setenv("CONTACTS_DATABASE_URL", "postgresql://stack/contacts_gw0")
    inner = pytest.MonkeyPatch()
    plugin.environment_before_the_stack(inner)
    assert "KAFKA_TOPIC_PREFIX" not in os.environ
    assert os.environ["CONTACTS_DATABASE_URL"] == "postgresql://a/b"
    inner.undo()
    assert os.environ["KAFKA_TOPIC_PREFIX"] == "t1234."  # in force again for the next test
