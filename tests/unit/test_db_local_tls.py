"""No TLS to a PostgreSQL on this host unless the URL asks for it; TLS as asyncpg prefers
it everywhere else."""

from __future__ import annotations

import pytest

from shared.db import connect_args


@pytest.mark.parametrize(
    ("url", "args"),
    [
        ("postgresql+asyncpg://u:p@127.0.0.1:5432/d", {"ssl": False}),
        ("postgresql+asyncpg://u:p@localhost/d", {"ssl": False}),
        ("postgresql+asyncpg://u:p@[::1]/d", {"ssl": False}),
        ("postgresql+asyncpg://u:p@/d?host=/var/run/postgresql", {"ssl": False}),
        ("postgresql+asyncpg://u:p@/d", {"ssl": False}),
        ("postgresql+asyncpg://u:p@127.0.0.1/d?ssl=require", {}),
        ("postgresql+asyncpg://u:p@localhost/d?sslmode=verify-full", {}),
        ("postgresql+asyncpg://u:p@postgres:5432/d", {}),
        ("postgresql+asyncpg://u:p@db.example.org/d", {}),
    ],
)
def test_tls_is_left_out_only_on_this_host_and_only_when_the_url_is_silent(
    url: str, args: dict[str, object]
) -> None:
    assert connect_args(url) == args
