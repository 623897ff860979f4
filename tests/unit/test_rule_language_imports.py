"""The segment rule language is plain Python: domain code may use it without SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys

import pytest

PLAIN = ["shared.segments", "shared.segments.rules", "shared.segments.evaluate"]


def modules_loaded_by(module: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after importing `module`."""
    code = f"import {module}, sys; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return {name.split(".")[0] for name in out.split()}


@pytest.mark.parametrize("module", PLAIN)
def test_rule_language_module_imports_no_sqlalchemy(module: str) -> None:
    assert "sqlalchemy" not in modules_loaded_by(module)


def test_sql_compiler_is_the_module_that_needs_sqlalchemy() -> None:
    # The check above can fail: the compiler module really loads SQLAlchemy.
    assert "sqlalchemy" in modules_loaded_by("shared.segments.compiler")
