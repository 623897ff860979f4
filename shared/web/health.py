"""`/healthz` (the process is alive), `/readyz` (database and Kafka answer), `/metrics`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.heartbeat import worker_health
from shared.kafka import kafka_reachable
from shared.settings import ServiceSettings

Check = Callable[[], Awaitable[bool]]


def database_check(engine: AsyncEngine) -> Check:
    async def check() -> bool:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    return check


def kafka_check(bootstrap_servers: str, cache_s: float = 5.0) -> Check:
    """Kafka reachability, cached briefly so a probe does not open a connection per call."""
    state = {"at": 0.0, "ok": False}

    async def check() -> bool:
        if time.monotonic() - state["at"] > cache_s or not state["ok"]:
            state["ok"] = await kafka_reachable(bootstrap_servers)
            state["at"] = time.monotonic()
        return bool(state["ok"])

    return check


def workers_check(settings: ServiceSettings) -> dict[str, Check]:
    """`workers`: as many healthy worker heartbeats as WORKERS says (none when HEARTBEAT_DIR
    is unset: then nothing on this machine writes them)."""
    if not settings.heartbeat_dir:
        return {}
    folder = Path(settings.heartbeat_dir)

    async def check() -> bool:
        ready, _ = worker_health(folder, settings.service_name, settings.worker_instances)
        return ready

    return {"workers": check}


def health_router(service: str, checks: dict[str, Check]) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        results = {name: await check() for name, check in checks.items()}
        ready = all(results.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "service": service, "checks": results},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return router
