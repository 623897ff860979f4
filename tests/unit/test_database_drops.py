"""Every `DROP DATABASE` survives an autovacuum worker on the database.

PostgreSQL 15 lets no role but a superuser end an autovacuum worker, and our role is not one:
`DROP DATABASE ... WITH (FORCE)` then fails with "must be a member of the role whose process
is being terminated" (a CI run lost a test to it). The tests and benches drop only through
`tests.support.databases.drop_database`, which retries; the deploy scripts only through a shell
function with a retry loop. A sweep over every file, so a drop added later is held to it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO

DROP = re.compile(r"DROP\s+DATABASE", re.IGNORECASE)
PYTHON_HOME = Path("tests/support/databases.py")
SHELL_RETRY = re.compile(r"for attempt in .*?DROP DATABASE.*?sleep", re.DOTALL)


def bare_drops(root: Path) -> list[str]:
    """The files under `root` that drop a database without the retry."""
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or relative.parts[0] in {".venv", ".git", ".run", "node_modules"}:
            continue
        if path.suffix not in {".py", ".sh"} or relative == PYTHON_HOME:
            continue
        text = path.read_text(errors="replace")
        if not DROP.search(text):
            continue
        if path.suffix == ".sh" and len(DROP.findall(text)) == 1 and SHELL_RETRY.search(text):
            continue
        if relative == Path("tests/unit/test_database_drops.py"):
            continue
        found.append(str(relative))
    return found


def test_no_database_is_dropped_without_the_retry() -> None:
    assert bare_drops(REPO) == []


def test_the_sweep_finds_a_bare_drop(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(
        "await conn.execute(text('DROP DATABASE IF EXISTS \"x\" WITH (FORCE)'))\n"
    )
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "once.sh").write_text('psql -c "DROP DATABASE x WITH (FORCE)"\n')
    (tmp_path / "deploy" / "retried.sh").write_text(
        'for attempt in $(seq 20); do\n  psql -c "DROP DATABASE x" && return 0\n  sleep 0.5\ndone\n'
    )
    assert bare_drops(tmp_path) == ["deploy/once.sh", "tests/test_x.py"]
