"""requirements.lock / requirements-dev.lock agree with pyproject.toml, and are what installs.

The locks are written by deploy/bin/lock.sh (`make lock`) from pyproject.toml. A dependency
added, removed or re-ranged in pyproject.toml without `make lock` fails here, before a fresh
machine installs something nobody tested.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = REPO / "pyproject.toml"
LOCK = REPO / "requirements.lock"
DEV_LOCK = REPO / "requirements-dev.lock"
OURSELVES = "digituki-crm (pyproject.toml)"

_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


@dataclass
class Pin:
    version: str
    hashes: int = 0
    via: set[str] = field(default_factory=set)


def parse_lock(text: str) -> dict[str, Pin]:
    """name -> pin, with its hash count and the `# via` names uv wrote under it."""
    pins: dict[str, Pin] = {}
    current: Pin | None = None
    in_via = False
    for line in text.splitlines():
        match = _PIN.match(line)
        if match:
            current = Pin(match["version"])
            pins[canonicalize_name(match["name"])] = current
            in_via = False
            continue
        stripped = line.strip()
        if current is None:
            continue
        if stripped.startswith("--hash=sha256:"):
            current.hashes += 1
        elif stripped.startswith("# via"):
            in_via = True
            rest = stripped.removeprefix("# via").strip()
            if rest:
                current.via.add(rest)
        elif in_via and stripped.startswith("#   "):
            current.via.add(stripped.removeprefix("#").strip())
    return pins


def requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    found = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(r) for r in found]


def disagreements(pins: dict[str, Pin], wanted: list[Requirement]) -> list[str]:
    """What pyproject asks for that the lock does not give, and what the lock keeps for a
    requirement pyproject no longer has."""
    problems = []
    names = {canonicalize_name(r.name) for r in wanted}
    for req in wanted:
        pin = pins.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{req.name}: not in the lock")
        elif not req.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{req.name}: locked {pin.version}, pyproject wants {req.specifier}")
        elif OURSELVES not in pin.via:
            problems.append(f"{req.name}: the lock does not list it as ours")
    for name, pin in pins.items():
        if OURSELVES in pin.via and name not in names:
            problems.append(f"{name}: locked as a requirement pyproject does not have")
    return problems


def test_the_dev_lock_pins_every_requirement_of_pyproject() -> None:
    pins = parse_lock(DEV_LOCK.read_text())
    assert disagreements(pins, requirements() + requirements("dev")) == []


def test_the_runtime_lock_pins_the_runtime_requirements_only() -> None:
    pins = parse_lock(LOCK.read_text())
    assert disagreements(pins, requirements()) == []
    dev_only = {canonicalize_name(r.name) for r in requirements("dev")} - {
        canonicalize_name(r.name) for r in requirements()
    }
    assert dev_only & set(pins) == set(), "a dev tool would end up in the image"


def test_both_locks_name_the_same_versions_with_hashes() -> None:
    runtime, dev = parse_lock(LOCK.read_text()), parse_lock(DEV_LOCK.read_text())
    assert set(runtime) <= set(dev)
    assert {n: p.version for n, p in runtime.items()} == {n: dev[n].version for n in runtime}
    assert [n for n, p in {**dev, **runtime}.items() if p.hashes == 0] == []


def test_a_drifted_pyproject_is_caught() -> None:
    lock = parse_lock(
        "fastapi==0.100.0 \\\n    --hash=sha256:aa\n    # via digituki-crm (pyproject.toml)\n"
        "gone==1.0 \\\n    --hash=sha256:bb\n    # via\n    #   digituki-crm (pyproject.toml)\n"
        "    #   other\n"
    )
    assert lock["gone"].via == {OURSELVES, "other"}
    wanted = [Requirement("fastapi>=0.163"), Requirement("httpx>=0.28")]
    assert disagreements(lock, wanted) == [
        "fastapi: locked 0.100.0, pyproject wants >=0.163",
        "httpx: not in the lock",
        "gone: locked as a requirement pyproject does not have",
    ]


def test_every_install_path_installs_from_the_locks() -> None:
    venv = (REPO / "deploy/bin/venv.sh").read_text()
    assert "--require-hashes -r requirements-dev.lock" in venv
    assert "--no-deps -e ." in venv
    assert "requirements-dev.lock" in venv.split("stamp=", 1)[1].splitlines()[0]
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert "--no-deps -e ." in dockerfile
    assert "!requirements.lock" in (REPO / ".dockerignore").read_text().splitlines()
    # CI runs `make test`, which builds the venv with venv.sh.
    assert "make test" in (REPO / ".ci/run").read_text()
    assert "deploy/bin/venv.sh" in (REPO / "deploy/bin/test.sh").read_text()
