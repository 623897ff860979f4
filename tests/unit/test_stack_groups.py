"""The xdist scheduler's groups: the browser tests together, the e2e tests together, and every
other test on its own (tests/support/plugin.py)."""

from __future__ import annotations

from tests.support.plugin import stack_group


def test_browser_and_e2e_tests_form_one_group_each() -> None:
    assert stack_group("tests/browser/test_accessibility.py::test_x[fi]") == "browser/"
    assert stack_group("tests/browser/test_api_fuzzing.py::test_api[GET /a]") == "browser/"
    assert stack_group("tests/e2e/test_kafka_cluster.py::test_y") == "e2e/"


def test_every_other_test_is_its_own_unit_of_work() -> None:
    for nodeid in (
        "tests/integration/test_newsletter_delivery.py::test_z",
        "tests/integration/test_e2e_like_name.py::test_z",
        "tests/unit/browser/test_q.py::test_q",
    ):
        assert stack_group(nodeid) is None, nodeid
