"""`make status`: every supervised process with its pid, uptime, restarts and health.

usage: status.py STATE_DIR   (run by deploy/bin/supervise.sh up status, env loaded)

State, pid and uptime come from supervisord (XML-RPC on its socket); restarts are the
spawns of the program in supervisord's log since it started, minus the first; health is
what the process says itself: a web process's /readyz, a worker's heartbeat file, a port
that accepts connections for the infrastructure.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request
import xmlrpc.client
from collections import Counter
from pathlib import Path
from typing import Any

from supervisor.xmlrpc import SupervisorTransport

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from shared.heartbeat import Heartbeat  # noqa: E402  (after the path is set)

SPAWNED = re.compile(r"spawned: '([^']+)' with pid")


def restarts(log: Path) -> Counter[str]:
    """Spawns per program since supervisord's last start, minus the first one."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return Counter()
    starts = [i for i, line in enumerate(lines) if "supervisord started with pid" in line]
    spawns: Counter[str] = Counter()
    for line in lines[starts[-1] if starts else 0 :]:
        found = SPAWNED.search(line)
        if found:
            spawns[found.group(1)] += 1
    return Counter({name: n - 1 for name, n in spawns.items()})


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def web_health(service: str) -> str:
    port = os.environ.get(f"{service.upper()}_WEB_PORT")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=3):
            return "ready"
    except urllib.error.HTTPError as error:
        checks = json.loads(error.read() or b"{}").get("checks", {})
        failing = [name for name, ok in checks.items() if not ok]
        return f"NOT READY ({', '.join(failing) or error.code})"
    except OSError as error:
        return f"no answer ({error.__class__.__name__})"


def worker_health(state_dir: Path, name: str) -> str:
    folder = Path(os.environ.get("HEARTBEAT_DIR") or state_dir / "heartbeats")
    beat = Heartbeat.read(folder / f"{name}.json")
    if beat is None:
        return "no heartbeat yet"
    problems = beat.problems(time.time())
    return "ok (heartbeat)" if not problems else "UNHEALTHY: " + "; ".join(problems)


def infra_health(name: str) -> str:
    env = os.environ
    ports: dict[str, str] = {
        "nginx": env.get("PROXY_PORT", ""),
        "mailcatcher": env.get("MAILCATCHER_SMTP_PORT", ""),
    }
    if name.startswith("kafka"):
        node = int(name.split("-")[1]) if "-" in name else 1
        ports[name] = str(int(env.get("KAFKA_PORT", "9092")) + 100 * (node - 1))
    port = ports.get(name)
    if not port:
        return "-"
    return f"port {port} open" if port_open(int(port)) else f"PORT {port} CLOSED"


def health(state_dir: Path, info: dict[str, Any]) -> str:
    name = info["name"]
    if info["statename"] != "RUNNING":
        return "-"
    if name.endswith("-web"):
        return web_health(name.removesuffix("-web"))
    if "-worker" in name:
        return worker_health(state_dir, name)
    return infra_health(name)


def uptime(info: dict[str, Any]) -> str:
    if info["statename"] != "RUNNING" or not info["start"]:
        return "-"
    seconds = int(info["now"] - info["start"])
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def main() -> int:
    state_dir = Path(sys.argv[1])
    socket_path = state_dir / "supervisor" / "supervisor.sock"
    transport = SupervisorTransport(None, None, f"unix://{socket_path}")
    server: Any = xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)
    infos = server.supervisor.getAllProcessInfo()
    counts = restarts(state_dir / "logs" / "supervisord.log")
    print(f"{'process':<22} {'state':<9} {'pid':>7} {'uptime':>9} {'restarts':>8}  health")
    for info in sorted(infos, key=lambda i: i["name"]):
        print(
            f"{info['name']:<22} {info['statename']:<9} {info['pid'] or '-':>7} "
            f"{uptime(info):>9} {counts.get(info['name'], 0):>8}  {health(state_dir, info)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
