"""What the web benchmarks share: a scratch database, one service's web process, percentiles.

The measured web app runs as its own uvicorn process on loopback; the benchmark process is
the clients. Imported by the scripts next to it (`python bench/<script>.py`).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import statistics
import subprocess
import sys
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.entrypoints import migrate

REPO = Path(__file__).resolve().parents[1]


async def scratch_database(base_url: str, service: str) -> str:
    """`<service>_bench` next to the service's database, new and migrated; its URL."""
    root, _ = base_url.rsplit("/", 1)
    name = f"{service}_bench"
    admin = create_async_engine(f"{root}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    url = f"{root}/{name}"
    await asyncio.to_thread(migrate, REPO / "services" / service / "migrations", url)
    return url


def start_web(
    service: str, url: str, port: int, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    prefix = service.upper()
    env = {
        **os.environ,
        f"{prefix}_DATABASE_URL": url,
        f"{prefix}_WEB_PORT": str(port),
        f"{prefix}_DB_POOL_SIZE": "20",
        "LOG_LEVEL": "WARNING",
        # A throwaway secret when none is set (the test stack refuses the default one).
        "LINK_SECRET": os.environ.get("LINK_SECRET", secrets.token_hex(32)),
        f"{prefix}_SECRET_KEY": os.environ.get(f"{prefix}_SECRET_KEY", secrets.token_hex(32)),
        **(extra_env or {}),
    }
    log = Path(os.environ.get("STATE_DIR", "/tmp")) / f"bench-{service}-web.log"
    return subprocess.Popen(
        [sys.executable, "-m", f"{service}.main", "web"],
        env=env,
        cwd=REPO,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


async def wait_ready(client: httpx.AsyncClient) -> None:
    for _ in range(300):
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the web process did not start; see bench-*-web.log in STATE_DIR")


def stop(web: subprocess.Popen[bytes]) -> None:
    os.killpg(web.pid, signal.SIGTERM)
    try:
        web.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(web.pid, signal.SIGKILL)


def percentile_ms(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] * 1000


def spread(values: list[float]) -> str:
    return f"p50 {percentile_ms(values, 50):.0f} ms  p95 {percentile_ms(values, 95):.0f} ms"
