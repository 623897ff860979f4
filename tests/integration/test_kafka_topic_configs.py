"""Topics carry the configuration the registry declares, also when they existed before it."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.events.topics import all_physical_topics
from shared.kafka import ensure_topics
from tests.support.infra import Infra


async def configs_of(bootstrap: str, names: list[str]) -> dict[str, dict[str, str]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
        )
    finally:
        await admin.close()
    found: dict[str, dict[str, str]] = {}
    for response in responses:
        for _code, _message, _type, name, entries in response.resources:
            found[name] = {entry[0]: entry[1] for entry in entries}
    return found


async def described(bootstrap: str, names: list[str]) -> dict[str, dict[str, str]]:
    """The topics' configurations once every one answers: a topic just created may not be
    described yet (its metadata is still spreading); asked again for at most 15 s."""
    for _ in range(60):
        found = await configs_of(bootstrap, names)
        if all(found.get(name) for name in names):
            break
        await asyncio.sleep(0.25)
    return found


async def test_a_topic_made_before_its_retention_was_declared_gets_it(infra: Infra) -> None:
    prefix = f"cfg{uuid.uuid4().hex[:6]}."
    old = f"{prefix}mail.requested.v1"
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await admin.start()
    try:  # as an installation before this change made it: broker defaults (7 days)
        await admin.create_topics([NewTopic(old, num_partitions=6, replication_factor=1)])
    finally:
        await admin.close()
    assert (await described(infra.kafka, [old]))[old]["retention.ms"] == str(7 * 86_400_000)

    created = await ensure_topics(infra.kafka, prefix)
    assert old not in created

    declared = {name: configs for name, _, configs in all_physical_topics(prefix) if configs}
    actual = await described(infra.kafka, list(declared))
    for name, configs in declared.items():
        for key, value in configs.items():
            assert actual[name][key] == value, (name, key)
    assert actual[old]["retention.ms"] == "86400000"
    assert actual[f"{prefix}mail.events.v1"]["retention.ms"] == "86400000"
