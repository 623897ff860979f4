"""The suite's fixtures live in one plugin, tests/support/plugin.py and its second half
tests/support/clients.py (registered here).

The names below are kept for the test modules that import them from here.
"""

from __future__ import annotations

from tests.support.databases import REPO, migrations_dir, truncate_all
from tests.support.infra import TEST_SECRET

pytest_plugins = ["tests.support.plugin", "tests.support.clients", "tests.support.events"]

__all__ = ["REPO", "TEST_SECRET", "migrations_dir", "truncate_all"]
