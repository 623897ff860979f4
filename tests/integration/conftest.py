"""Integration tests: real Kafka and PostgreSQL, code called in process."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _environment(settings_environment: None) -> None:
    """Settings built in this process read the same environment as the service processes."""
