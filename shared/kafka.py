"""Kafka plumbing: topic creation, the FastStream broker factory, readiness."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker

from shared.events.topics import all_physical_topics
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


def make_broker(settings: ServiceSettings) -> KafkaBroker:
    """A broker whose producer is idempotent (acks=all) and whose topics are never auto-made."""
    return KafkaBroker(
        # A list: FastStream hands a string to aiokafka as one host, "a:1,b:2" included.
        [server.strip() for server in settings.kafka_bootstrap_servers.split(",")],
        client_id=f"{settings.service_name}-worker",
        enable_idempotence=True,
        allow_auto_create_topics=False,
        logger=logging.getLogger(f"{settings.service_name}.kafka"),
        log_level=logging.DEBUG,
    )


def replication_for(brokers: int) -> tuple[int, int]:
    """(replication factor, min.insync.replicas) of the project's topics on `brokers` nodes.

    Three copies of which two must have a write (acks=all) once there are three brokers: one
    broker may die without losing or refusing anything. One copy on a single node.
    """
    replicas = max(1, min(3, brokers))
    return replicas, max(1, replicas - 1)


async def ensure_topics(bootstrap_servers: str, prefix: str = "") -> list[str]:
    """Create every registered topic (and its DLQ) that does not exist yet; returns created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="digituki-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        cluster = await admin.describe_cluster()
        replicas, min_isr = replication_for(len(cluster["brokers"]))
        declared = [
            (name, parts, {**configs, "min.insync.replicas": str(min_isr)})
            for name, parts, configs in all_physical_topics(prefix)
        ]
        # A topic made before its configuration was declared (e.g. the retention periods of
        # the mail topics, docs/privacy.md) gets it now; the registry is the truth. The whole
        # set is sent: this request replaces a topic's dynamic configuration.
        reconciled = [
            ConfigResource(ConfigResourceType.TOPIC, name, configs=configs)
            for name, _, configs in declared
            if name in existing
        ]
        if reconciled:
            await admin.alter_configs(reconciled)
        wanted = [
            NewTopic(
                name,
                num_partitions=parts,
                replication_factor=replicas,
                topic_configs=configs,
            )
            for name, parts, configs in declared
            if name not in existing
        ]
        created: list[str] = []
        for topic in wanted:
            try:
                await admin.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass  # another process won the race
        return created
    finally:
        await admin.close()


async def kafka_reachable(bootstrap_servers: str, timeout_s: float = 3.0) -> bool:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=int(timeout_s * 1000)
    )
    try:
        # start() is a metadata request to the first bootstrap server that answers: one live
        # broker of a cluster is enough (a further request could pick the dead one).
        await asyncio.wait_for(admin.start(), timeout_s)
        return True
    except Exception:  # any failure means "not ready"
        return False
    finally:
        with contextlib.suppress(Exception):  # closing a half-open client may fail too
            await admin.close()
