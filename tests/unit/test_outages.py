"""The outage filter: one line when an outage starts, reminders, one line when it ends."""

from __future__ import annotations

import logging

import pytest

from shared.outages import DATABASE, KAFKA, OutageMonitor, classify


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def record(
    name: str, message: str, level: int = logging.ERROR, exc: BaseException | None = None
) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord(name, level, __file__, 1, message, (), exc_info)


class OutageLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def states(self) -> list[str]:
        return [getattr(r, "outage_state", "?") for r in self.records]


@pytest.fixture
def lines() -> OutageLines:
    handler = OutageLines()
    logger = logging.getLogger("digituki.outage")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def kafka_error() -> logging.LogRecord:
    return record("aiokafka", "Unable connect to node with id 1: [Errno 111] Connect call failed")


def test_thousands_of_broker_errors_become_one_start_reminders_and_one_end(
    lines: OutageLines,
) -> None:
    clock = Clock()
    monitor = OutageMonitor(reminder_s=60, clock=clock)
    passed = 0
    for _second in range(150):  # 2.5 minutes of outage, 100 errors a second
        clock.now += 1
        for _ in range(100):
            passed += monitor.filter(kafka_error())
        monitor.remind()
    monitor.recovered(KAFKA)
    assert passed == 0
    assert lines.states() == ["started", "ongoing", "ongoing", "ended"]
    assert "14999 errors suppressed" in lines.records[-1].getMessage()


def test_unrelated_errors_pass_through_during_an_outage(lines: OutageLines) -> None:
    monitor = OutageMonitor(clock=Clock())
    monitor.filter(kafka_error())
    assert monitor.filter(record("newsletter.composer", "template broken"))
    assert monitor.filter(record("aiokafka", "Consumer joined the group", logging.INFO))


def test_aiokafka_rejoin_chatter_after_recovery_opens_no_new_outage(lines: OutageLines) -> None:
    clock = Clock()
    monitor = OutageMonitor(clock=clock)
    monitor.filter(kafka_error())
    monitor.recovered(KAFKA)
    clock.now += 1
    assert not monitor.filter(record("aiokafka.consumer", "Heartbeat failed: not coordinator"))
    clock.now += 1
    assert not monitor.filter(kafka_error())
    assert monitor.open == {}
    assert lines.states() == ["started", "ended"]


def raise_from_module(module: str, exc: BaseException) -> BaseException:
    """An exception whose traceback passes through a frame of `module` (as the library's)."""
    namespace: dict[str, object] = {"__name__": module}
    exec("def fail(e):\n    raise e\n", namespace)
    try:
        namespace["fail"](exc)  # type: ignore[operator]
    except BaseException as raised:
        return raised
    raise AssertionError("not raised")


def test_a_lost_database_connection_is_a_database_outage() -> None:
    exc = raise_from_module("asyncpg.connection", ConnectionRefusedError(111, "refused"))
    assert classify(record("newsletter.sending.worker", "failed", exc=exc)) == DATABASE


def test_a_broker_connection_error_inside_a_retry_loop_is_a_kafka_outage() -> None:
    inner = raise_from_module("aiokafka.conn", ConnectionRefusedError(111, "refused"))
    try:
        raise RuntimeError("relay failed") from inner
    except RuntimeError as outer:
        assert classify(record("shared.outbox.relay", "relay failed", exc=outer)) == KAFKA


def test_an_error_that_is_no_connection_problem_is_no_outage() -> None:
    exc = raise_from_module("asyncpg.connection", ValueError("bad input"))
    assert classify(record("contacts", "failed", exc=exc)) is None
    assert classify(record("aiokafka", "Consumer rebalance in progress")) is None


def test_a_lost_group_coordinator_opens_the_kafka_outage_and_the_broker_chatter_waits(
    lines: OutageLines,
) -> None:
    monitor = OutageMonitor(clock=Clock())
    before = record("newsletter.kafka", "Auto create topics is disabled.", logging.WARNING)
    assert monitor.filter(before) is True  # no outage yet: a real warning, kept
    dead = record(
        "aiokafka.consumer.group_coordinator",
        "Heartbeat failed for group g: coordinator (node 1) is either not started or not valid",
        logging.WARNING,
    )
    assert classify(dead) == KAFKA
    assert monitor.filter(dead) is False and lines.states() == ["started"]
    during = record("newsletter.kafka", "Auto create topics is disabled.", logging.WARNING)
    assert monitor.filter(during) is False
    assert monitor.open[KAFKA].suppressed == 1
