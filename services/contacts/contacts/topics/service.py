"""Staff-managed topics of interest (archived, never deleted: people's choices refer to them)."""

from __future__ import annotations

from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.topics.domain import MAX_TOPIC_NAME, Topic
from contacts.unit_of_work import ContactsUnitOfWork


async def list_topics(uow: ContactsUnitOfWork, *, include_archived: bool = False) -> list[Topic]:
    async with uow:
        return await uow.topics.all_topics(include_archived=include_archived)


async def create_topic(
    uow: ContactsUnitOfWork,
    *,
    actor: Actor | None,
    key: str,
    name_fi: str,
    name_sv: str = "",
    name_en: str = "",
    position: int = 0,
) -> Topic:
    topic = Topic.new(key=key, name_fi=name_fi, name_sv=name_sv, name_en=name_en, position=position)
    async with uow:
        await uow.topics.add(topic)
        await uow.audit.record(actor, "topic.created", target_type="topic", target_id=topic.key)
        await uow.commit()
    return topic


async def update_topic(
    uow: ContactsUnitOfWork, key: str, *, actor: Actor | None, **changes: object
) -> Topic:
    async with uow:
        topic = await uow.topics.get(key)
        if topic is None:
            raise NotFound("No such topic.")
        for name in ("name_fi", "name_sv", "name_en"):
            value = changes.get(name)
            if value is not None and (not str(value).strip() or len(str(value)) > MAX_TOPIC_NAME):
                raise InvalidInput(f"{name} must be 1-{MAX_TOPIC_NAME} characters.", field=name)
        topic = Topic(**{**topic.__dict__, **{k: v for k, v in changes.items() if v is not None}})
        await uow.topics.save(topic)
        await uow.audit.record(
            actor,
            "topic.updated",
            target_type="topic",
            target_id=key,
            details={"fields": sorted(k for k, v in changes.items() if v is not None)},
        )
        await uow.commit()
    return topic
