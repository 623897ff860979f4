"""The topic registry says what the architecture brief says."""

from __future__ import annotations

from shared.events.topics import TOPICS, all_physical_topics


def test_keyed_topics_have_six_partitions_and_snapshots_are_compacted() -> None:
    assert all(t.partitions == 6 for t in TOPICS.values())
    snapshots = TOPICS["contacts.contact.v1"].configs()
    assert snapshots["cleanup.policy"] == "compact"
    assert snapshots["max.compaction.lag.ms"] == str(24 * 3600 * 1000)
    assert TOPICS["contacts.segment.v1"].configs()["cleanup.policy"] == "compact"


def test_every_topic_has_a_dead_letter_topic_and_names_end_in_a_version() -> None:
    names = {name for name, _, _ in all_physical_topics("p.")}
    for topic in TOPICS:
        assert topic.split(".")[-1].startswith("v")
        assert f"p.{topic}" in names and f"p.{topic}.dlq" in names


def test_every_topic_with_a_dlq_has_a_replay_topic_of_one_partition() -> None:
    physical = {name: parts for name, parts, _ in all_physical_topics("p.")}
    for topic in TOPICS.values():
        if topic.has_dlq:
            assert physical[f"p.{topic.replay}"] == 1


def test_topics_with_personal_data_keep_it_a_day_and_their_dead_letters_a_week() -> None:
    from shared.events.contacts import ContactSnapshotV1
    from shared.events.mail import MailEventV1, MailRequestedV1
    from shared.events.newsletter_signup import NewsletterSignupRequestedV1

    personal_fields = {"email", "to_email", "to_name", "first_name", "last_name", "phone"}
    carrying = {
        "contacts.contact.v1": ContactSnapshotV1,
        "mail.requested.v1": MailRequestedV1,
        "mail.events.v1": MailEventV1,
        "events.newsletter-signup.v1": NewsletterSignupRequestedV1,
    }
    day = str(24 * 3600 * 1000)
    for name, schema in carrying.items():
        assert personal_fields & set(schema.model_fields), name
        topic = TOPICS[name]
        assert topic.personal, name
        configs = topic.configs()
        if topic.compacted:  # an erased person's tombstone replaces them within a day
            assert configs["max.compaction.lag.ms"] == day
        else:
            assert configs["retention.ms"] == day and int(configs["segment.ms"]) <= int(day)
    dlqs = {name: configs for name, _, configs in all_physical_topics("") if name.endswith(".dlq")}
    for name in carrying:
        assert dlqs[f"{name}.dlq"]["retention.ms"] == str(7 * 24 * 3600 * 1000)
