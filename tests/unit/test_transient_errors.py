"""A database restarting is an outage, not a bad record: it is retried, never parked."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from shared.consuming import is_transient


class ServerError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def db_error(sqlstate: str) -> DBAPIError:
    return DBAPIError("SELECT 1", {}, ServerError(sqlstate))


@pytest.mark.parametrize(
    "sqlstate",
    ["57P03", "57P01", "08006", "08001", "53300", "40001", "40P01"],
)
def test_server_side_trouble_is_transient(sqlstate: str) -> None:
    assert is_transient(db_error(sqlstate))


@pytest.mark.parametrize("sqlstate", ["22021", "23505", "22P02", "42P01"])
def test_what_the_record_caused_is_not(sqlstate: str) -> None:
    assert not is_transient(db_error(sqlstate))
