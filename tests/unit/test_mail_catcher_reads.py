"""No test empties the mail catcher or reads it but through `tests.support.mail_catcher`.

The test stack's catcher is shared by both test workers and every service process; a test that
emptied it deleted the mails another test was waiting for, which is why those tests once had to
share one worker. Reading goes through one module that filters by the test's own addresses and
has no way to delete. A sweep over the tiers that reach the stack."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO

READER = Path("tests/support/mail_catcher.py")
REACHES_CATCHER = re.compile(r"/api/messages|MAILCATCHER_URL|MAILCATCHER_HTTP_PORT")
# A delete, or a request whose method is chosen at run time: the reader only GETs.
DELETES = re.compile(r"\.delete\(|[\"']DELETE[\"']|/messages/delete|\.request\(")
TIERS = ("tests/integration", "tests/e2e", "tests/browser", "tests/support")


def catcher_use_outside_the_reader(root: Path) -> list[str]:
    """Files of the stack tiers that reach the catcher themselves, and the reader if it can
    delete."""
    found = []
    for tier in TIERS:
        for path in sorted((root / tier).rglob("*.py")):
            relative = path.relative_to(root)
            text = path.read_text()
            if relative == READER:
                if DELETES.search(text):
                    found.append(f"{relative} (deletes)")
            elif REACHES_CATCHER.search(text):
                found.append(str(relative))
    return found


def test_only_the_reader_reaches_the_catcher_and_it_never_deletes() -> None:
    assert catcher_use_outside_the_reader(REPO) == []


def test_the_sweep_finds_a_test_that_empties_the_catcher(tmp_path: Path) -> None:
    for tier in TIERS:
        (tmp_path / tier).mkdir(parents=True)
    (tmp_path / "tests/e2e/test_x.py").write_text(
        'await httpx.AsyncClient().delete(os.environ["MAILCATCHER_URL"] + "/api/messages")\n'
    )
    (tmp_path / READER).write_text('await client.request("DELETE", "/api/messages")\n')
    assert catcher_use_outside_the_reader(tmp_path) == [
        "tests/e2e/test_x.py",
        "tests/support/mail_catcher.py (deletes)",
    ]
