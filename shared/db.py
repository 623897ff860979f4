"""The async engine, and the naming convention every schema uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from shared.tracing import instrument_engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def local_without_tls(url: str) -> bool:
    """True for a PostgreSQL on this host (loopback or a unix socket) whose URL says nothing
    of TLS: asyncpg would otherwise negotiate TLS ("prefer") for every connection, CPU on
    both ends for a link that never leaves the machine. `?ssl=require` (or any `ssl` /
    `sslmode` in the URL) keeps TLS."""
    parsed = make_url(url)
    if "ssl" in parsed.query or "sslmode" in parsed.query:
        return False
    socket = str(parsed.query.get("host", ""))
    return not parsed.host or parsed.host in LOCAL_HOSTS or socket.startswith("/")


def connect_args(url: str) -> dict[str, Any]:
    """asyncpg connect() arguments for `url` (also for a bare asyncpg.connect)."""
    return {"ssl": False} if local_without_tls(url) else {}


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int | None = None) -> AsyncEngine:
    """`pool_size` connections stay open; up to `max_overflow` more (default: as many) are
    opened under load and closed again when returned, so a load that stays above
    `pool_size` opens a PostgreSQL connection per request (docs/performance.md)."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size if max_overflow is None else max_overflow,
        pool_pre_ping=True,
        connect_args=connect_args(url),
    )
    instrument_engine(engine)  # statement spans, when tracing is configured
    return engine


def sync_url(url: str) -> str:
    """The asyncpg URL for tools that insist on a plain driver name (pg_dump, psql)."""
    return url.replace("postgresql+asyncpg://", "postgresql://")
