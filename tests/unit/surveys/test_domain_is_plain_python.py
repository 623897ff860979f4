"""Every surveys domain module is plain Python: importing it loads no framework."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest
import surveys

FRAMEWORKS = {"sqlalchemy", "fastapi", "starlette", "faststream", "pydantic_settings", "asyncpg"}


def domain_modules() -> list[str]:
    found = [
        m.name
        for m in pkgutil.walk_packages(surveys.__path__, "surveys.")
        if ".domain" in m.name or m.name == "surveys.errors"
    ]
    assert len(found) >= 8  # builder (a package), campaigns, invitations, responding, ...
    return sorted(found)


@pytest.mark.parametrize("module", domain_modules())
def test_domain_module_imports_no_framework(module: str) -> None:
    code = f"import {module}, sys; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded = {name.split(".")[0] for name in out.split()}
    assert not loaded & FRAMEWORKS, f"{module} loads {sorted(loaded & FRAMEWORKS)}"
