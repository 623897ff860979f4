"""Legal texts on the in-memory unit of work: versions count up from the shipped one, a
publication is audited, a bad one stores nothing, and a form's shown label is trusted only if
that version exists."""

from __future__ import annotations

import pytest
from contacts.audit.domain import Actor
from contacts.errors import InvalidInput
from contacts.legal import service
from contacts.legal.domain.texts import default_texts

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

ADMIN = Actor(id="staff-1", role="admin")


def texts(word: str) -> dict[str, str]:
    return {lang: f"{word} {lang}" for lang in ("fi", "sv", "en")}


async def test_without_a_publication_the_shipped_text_is_version_1() -> None:
    uow = FakeContactsUnitOfWork()
    shown = await service.published(uow, kind="privacy")
    assert (shown.version, shown.label) == (1, "privacy-v1")
    assert shown.texts == default_texts("privacy")
    current, versions = await service.with_history(uow, kind="privacy")
    assert current == shown and versions == []


async def test_publishing_adds_the_next_version_and_audits_it_by_its_label() -> None:
    uow = FakeContactsUnitOfWork()
    first = await service.publish(uow, kind="privacy", texts=texts("A"), actor=ADMIN)
    spaced = {"fi": " B\r\nb \r\n", "sv": "B", "en": "B"}
    second = await service.publish(uow, kind="privacy", texts=spaced, actor=ADMIN)
    other = await service.publish(uow, kind="consent", texts=texts("C"), actor=ADMIN)
    assert (first.version, second.version, other.version) == (2, 3, 2)
    assert second.texts["fi"] == "B\nb\n" and second.published_by == "staff-1"
    assert (await service.published(uow, kind="privacy")).label == "privacy-v3"
    current, versions = await service.with_history(uow, kind="privacy")
    assert current.version == 3 and [v.version for v in versions] == [3, 2]
    assert [(e.action, e.target_id, e.details) for e in uow.audit.entries] == [
        ("legal.publish", "privacy-v2", {"kind": "privacy", "version": 2}),
        ("legal.publish", "privacy-v3", {"kind": "privacy", "version": 3}),
        ("legal.publish", "consent-v2", {"kind": "consent", "version": 2}),
    ]
    assert uow.commits == 3


@pytest.mark.parametrize("bad", ["empty", "too_long"])
async def test_a_missing_or_overlong_language_publishes_and_audits_nothing(bad: str) -> None:
    uow = FakeContactsUnitOfWork()
    given = texts("A") | {"sv": "  " if bad == "empty" else "x" * 50_001}
    with pytest.raises(InvalidInput):
        await service.publish(uow, kind="privacy", texts=given, actor=ADMIN)
    assert uow.legal.rows == [] and uow.audit.entries == [] and uow.commits == 0


async def test_the_version_a_form_showed_is_kept_only_if_it_exists() -> None:
    uow = FakeContactsUnitOfWork()
    await service.publish(uow, kind="consent", texts=texts("A"), actor=ADMIN)
    await service.publish(uow, kind="consent", texts=texts("B"), actor=ADMIN)
    async with uow:
        shown = {
            label: (await service.version_shown(uow, "consent", label)).label
            for label in ("consent-v1", "consent-v2", "consent-v99", "privacy-v2", "", "x")
        }
    assert shown == {
        "consent-v1": "consent-v1",  # the shipped default, even with no row of its own
        "consent-v2": "consent-v2",
        "consent-v99": "consent-v3",  # made up: the current one
        "privacy-v2": "consent-v3",  # another text's label
        "": "consent-v3",
        "x": "consent-v3",
    }
