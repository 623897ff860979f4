"""The cross-service contract: CloudEvents envelope, versioned event models, topic registry."""

from shared.events.envelope import CloudEvent, EventData, new_event
from shared.events.topics import TOPICS, Topic, topic_name

__all__ = ["TOPICS", "CloudEvent", "EventData", "Topic", "new_event", "topic_name"]
