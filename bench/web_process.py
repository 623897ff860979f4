"""What the web benchmarks share: a scratch database, one service's web process, the nginx
proxy in front of it, percentiles.

The measured web app runs as its own uvicorn process(es) on loopback; the benchmark process
is the clients. With `proxy()` the clients go through the test environment's nginx
(deploy/bin/nginx.sh test, on PROXY_PORT, upstreams on the *_WEB_PORT variables), as the
public does. Imported by the scripts next to it (`python bench/<script>.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

from shared.entrypoints import migrate
from tests.support.databases import drop_database, server

REPO = Path(__file__).resolve().parents[1]


async def scratch_database(base_url: str, service: str) -> str:
    """`<service>_bench` next to the service's database, new and migrated; its URL."""
    root, _ = base_url.rsplit("/", 1)
    name = f"{service}_bench"
    await drop_database(root, name)
    async with server(root) as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{root}/{name}"
    await asyncio.to_thread(migrate, REPO / "services" / service / "migrations", url)
    return url


def start_web(
    service: str,
    url: str,
    port: int,
    extra_env: dict[str, str] | None = None,
    *,
    workers: int = 1,
    pool_size: int = 20,
    overflow: int | None = None,
) -> subprocess.Popen[bytes]:
    prefix = service.upper()
    env = {
        **os.environ,
        f"{prefix}_DATABASE_URL": url,
        f"{prefix}_WEB_PORT": str(port),
        f"{prefix}_WEB_WORKERS": str(workers),
        f"{prefix}_DB_POOL_SIZE": str(pool_size),
        **({} if overflow is None else {f"{prefix}_DB_MAX_OVERFLOW": str(overflow)}),
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


def service_port(service: str, fallback: int) -> int:
    """The service's web port of the environment (nginx's upstream), else `fallback`."""
    return int(os.environ.get(f"{service.upper()}_WEB_PORT", fallback))


@contextlib.contextmanager
def proxy(enabled: bool) -> Iterator[str | None]:
    """The test environment's nginx for the run (its base URL), stopped afterwards; None
    when `enabled` is false (the clients then talk to the web process directly)."""
    if not enabled:
        yield None
        return
    script = str(REPO / "deploy" / "bin" / "nginx.sh")
    subprocess.run([script, "test", "start"], check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{os.environ.get('PROXY_PORT', '18080')}"
    finally:
        subprocess.run([script, "test", "stop"], check=False, stdout=subprocess.DEVNULL)


async def wait_ready(client: httpx.AsyncClient) -> None:
    for _ in range(1200):  # two minutes: several workers start slowly on a busy machine
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
    if len(values) < 2:
        return "too few requests for percentiles"
    return f"p50 {percentile_ms(values, 50):.0f} ms  p95 {percentile_ms(values, 95):.0f} ms"


def line(label: str, latencies: list[float], errors: int, seconds: float) -> str:
    """One result line: successful requests per second, p50, p95, max and errors."""
    rate = len(latencies) / seconds if seconds else 0.0
    top = f"  max {max(latencies) * 1000:.0f} ms" if latencies else ""
    return f"{label:<18} {rate:6.0f}/s  {spread(latencies)}{top}  errors {errors}"


def load() -> str:
    """The machine's load averages (the benches share it with everything else)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


async def paced(
    rate: float, count: int, request: Callable[[int], Awaitable[float | None]]
) -> float:
    """Open loop: request i starts at i / rate seconds whatever the earlier ones are doing
    (visitors do not wait for each other), so the latencies are those at that offered rate.
    Each call returns its latency, or None for an error. The wall time in seconds."""
    started = time.perf_counter()

    async def one(i: int) -> float | None:
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        return await request(i)

    await asyncio.gather(*(one(i) for i in range(count)))
    return time.perf_counter() - started


async def saturated(
    concurrency: int, seconds: float, request: Callable[[int], Awaitable[float | None]]
) -> float:
    """Closed loop: `concurrency` clients, each sending its next request when the last one
    is answered, for `seconds`: the most the server gives. The wall time in seconds."""
    started = time.perf_counter()
    until = started + seconds
    counter = iter(range(10**9))

    async def client() -> None:
        while time.perf_counter() < until:
            await request(next(counter))

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started


@dataclass
class Tally:
    """Latencies of the answered requests with the expected status, and everything else."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: Counter[str] = field(default_factory=Counter)

    async def send(
        self, request: Awaitable[httpx.Response], expected: int
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await request
        except httpx.HTTPError as exc:
            self.errors += 1
            self.statuses[type(exc).__name__] += 1
            return None
        elapsed = time.perf_counter() - started
        self.statuses[str(response.status_code)] += 1
        if response.status_code != expected:
            self.errors += 1
            return None
        self.latencies.append(elapsed)
        return response

    def line(self, label: str, seconds: float) -> str:
        odd = {k: v for k, v in self.statuses.items() if not k.startswith("2") and k != "303"}
        return line(label, self.latencies, self.errors, seconds) + (f" {odd}" if odd else "")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by `pid` and its descendants (the web workers):
    per request this hardly depends on how busy the machine is, unlike the rates."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])))
    ticks = os.sysconf("SC_CLK_TCK")
    family, total, grew = {pid}, 0.0, True
    while grew:
        grown = {p for p, (parent, _) in stats.items() if parent in family} | family
        grew, family = grown != family, grown
    total = sum(stats[p][1] for p in family if p in stats)
    return total / ticks
