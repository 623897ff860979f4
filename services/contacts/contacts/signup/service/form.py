"""What the public signup form shows, and what a posted form is checked against."""

from __future__ import annotations

from dataclasses import dataclass

from contacts.legal import service as legal_service
from contacts.legal.domain.texts import LegalVersion
from contacts.topics.domain import Topic
from contacts.unit_of_work import ContactsUnitOfWork


@dataclass(frozen=True)
class FormChoices:
    """The topics on offer, the organisations' names to suggest and the consent wording."""

    topics: list[Topic]
    organisation_names: list[str]
    consent: LegalVersion


@dataclass(frozen=True)
class Offered:
    """What a posted form is read against: the topics' keys and the wording it showed."""

    topic_keys: frozenset[str]
    consent: LegalVersion


async def form_choices(uow: ContactsUnitOfWork, *, lang: str) -> FormChoices:
    """The form's choices in one transaction, the names in `lang`'s order."""
    async with uow:
        return FormChoices(
            topics=await uow.topics.all_topics(),
            organisation_names=await uow.organisations.active_names(lang=lang),
            consent=await legal_service.current(uow, "consent"),
        )


async def offered(uow: ContactsUnitOfWork, *, wording_label: str) -> Offered:
    """The topics on offer and the consent version the form said it showed (the current one
    if its label is missing or made up), in one transaction."""
    async with uow:
        return Offered(
            topic_keys=frozenset(t.key for t in await uow.topics.all_topics()),
            consent=await legal_service.version_shown(uow, "consent", wording_label),
        )
