"""The suite's fixtures live in one plugin, tests/support/plugin.py and its parts
tests/support/clients.py, tests/support/events.py and tests/support/own_db.py (registered
here); a fixture only one folder's modules use lives once in that folder's conftest.py. No
fixture is defined again in several test modules.

The names below are kept for the test modules that import them from here.
"""

from __future__ import annotations

from tests.support.databases import REPO, migrations_dir, truncate_all
from tests.support.infra import TEST_SECRET

pytest_plugins = [
    "tests.support.plugin",
    "tests.support.clients",
    "tests.support.events",
    "tests.support.own_db",
]

__all__ = ["REPO", "TEST_SECRET", "migrations_dir", "truncate_all"]
