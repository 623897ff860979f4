"""Staff-managed topics of interest (archived, never deleted: people's choices refer to them)."""

from __future__ import annotations

from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.topics.domain import Topic
from contacts.unit_of_work import ContactsUnitOfWork


async def list_topics(uow: ContactsUnitOfWork, *, include_archived: bool = False) -> list[Topic]:
    async with uow:
        return await uow.topics.all_topics(include_archived=include_archived)


async def get_topic(uow: ContactsUnitOfWork, key: str) -> Topic:
    async with uow:
        topic = await uow.topics.get(key)
    if topic is None:
        raise NotFound("No such topic.")
    return topic


async def create_topic(
    uow: ContactsUnitOfWork,
    *,
    actor: Actor | None,
    key: str = "",
    name_fi: str,
    name_sv: str = "",
    name_en: str = "",
    position: int = 0,
) -> Topic:
    """A key left empty is made of the Finnish name."""
    topic = Topic.new(key=key, name_fi=name_fi, name_sv=name_sv, name_en=name_en, position=position)
    async with uow:
        await uow.topics.add(topic)
        await uow.audit.record(actor, "topic.created", target_type="topic", target_id=topic.key)
        await uow.commit()
    return topic


def _update_action(fields: list[str], topic: Topic) -> str:
    """Archiving reads as such in the audit log; any other change is an update."""
    if fields == ["archived"]:
        return "topic.archived" if topic.archived else "topic.unarchived"
    return "topic.updated"


async def update_topic(
    uow: ContactsUnitOfWork, key: str, *, actor: Actor | None, **changes: object
) -> Topic:
    """Names, order, archived; a value of None is left as it is."""
    async with uow:
        topic = await uow.topics.get(key)
        if topic is None:
            raise NotFound("No such topic.")
        topic = topic.edited(**changes)
        await uow.topics.save(topic)
        fields = sorted(k for k, v in changes.items() if v is not None)
        await uow.audit.record(
            actor,
            _update_action(fields, topic),
            target_type="topic",
            target_id=key,
            details={"fields": fields},
        )
        await uow.commit()
    return topic


async def archive_topic(
    uow: ContactsUnitOfWork, key: str, *, archived: bool = True, actor: Actor | None
) -> Topic:
    """Archive (or bring back): the same edit the API's PATCH {"archived": ...} makes."""
    return await update_topic(uow, key, actor=actor, archived=archived)
