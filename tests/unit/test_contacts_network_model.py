"""The network model in plain Python: organisations, memberships, consents, the signup form."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.consents.domain import truncate_ip
from contacts.errors import Conflict, InvalidInput
from contacts.memberships.domain import Membership
from contacts.organisations.domain.organisation import Organisation
from contacts.people.domain.person import Person
from contacts.signup.domain import parse_signup
from contacts.snapshots import snapshot_of

from shared.web.rate_limit import TokenBucket

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_organisation_fills_region_from_municipality_and_normalises_business_id() -> None:
    org = Organisation.new(
        name="  Helsingin   kaupunginkirjasto ",
        type="library",
        business_id="0201256-6",
        municipality_code="091",
        website="hel.fi/kirjasto",
    )
    assert (org.name, org.region, org.municipality) == ("Helsingin kaupunginkirjasto", "01", "091")
    assert org.business_id == "0201256-6"
    assert org.website == "https://hel.fi/kirjasto"


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"business_id": "0201256-5"}, "business_id"),
        ({"municipality_code": "999"}, "municipality_code"),
        ({"region_code": "02", "municipality_code": "091"}, "region_code"),
        ({"type": "spaceship"}, "type"),
        ({"name": "   "}, "name"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_bad_organisation_input_names_the_field(fields: dict[str, str], bad_field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Organisation.new(**{"name": "Kirjasto", **fields})
    assert caught.value.field == bad_field


def test_membership_follows_its_life_cycle() -> None:
    person_id = uuid.uuid4()
    m = Membership.application(person_id, at=NOW, ecosystem_role="provider_developer")
    assert m.state == "pending"
    m = m.apply("approve", at=NOW, by="staff-1")
    assert (m.state, m.started_at, m.decided_by) == ("active", NOW, "staff-1")
    m = m.apply("pause", at=NOW, reason="parental leave")
    m = m.apply("resume", at=NOW)
    m = m.apply("leave", at=NOW, reason="changed jobs")
    assert (m.state, m.ended_at, m.reason) == ("left", NOW, "changed jobs")
    assert m.apply("apply", at=NOW).state == "pending"


def test_membership_refuses_transitions_that_do_not_exist() -> None:
    m = Membership.application(uuid.uuid4(), at=NOW)
    with pytest.raises(Conflict):
        m.apply("pause", at=NOW)
    with pytest.raises(Conflict):
        m.apply("decline", at=NOW).apply("approve", at=NOW)
    with pytest.raises(InvalidInput):
        Membership.application(uuid.uuid4(), at=NOW, ecosystem_role="overlord")


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("192.0.2.77", "192.0.2.0"),
        ("2001:db8:abcd:12:1::5", "2001:db8:abcd::"),
        ("not an ip", None),
        (None, None),
    ],
)
def test_consent_log_keeps_only_a_truncated_ip(raw: str | None, kept: str | None) -> None:
    assert truncate_ip(raw) == kept


def test_unconfirmed_person_has_no_consent_in_the_snapshot() -> None:
    pending = Person.new(email="a@example.fi")
    pending = pending.changed(newsletter_consent=True, survey_consent=True)
    snap = snapshot_of(pending)
    assert (snap.subscription_state, snap.newsletter_consent, snap.survey_consent) == (
        "pending",
        False,
        False,
    )
    confirmed = Person.new(email="b@example.fi").confirmed(at=NOW, newsletter=True, surveys=False)
    snap = snapshot_of(confirmed)
    assert (snap.subscription_state, snap.newsletter_consent, snap.survey_consent) == (
        "subscribed",
        True,
        False,
    )
    assert snapshot_of(confirmed.unsubscribed()).newsletter_consent is False


def form(**overrides: str | list[str]) -> dict[str, list[str]]:
    values: dict[str, str | list[str]] = {
        "email": "aino@kirjasto.example",
        "first_name": "Aino",
        "last_name": "Virtanen",
        "municipality": "091",
        "organisation_type": "library",
        "topics": ["webinaarit"],
        "language": "sv",
        "consent": "yes",
        **overrides,
    }
    return {k: v if isinstance(v, list) else [v] for k, v in values.items()}


def test_signup_form_accepts_a_complete_answer() -> None:
    parsed, errors, _ = parse_signup(form(), known_topics={"webinaarit"})
    assert not errors
    assert parsed is not None
    assert (parsed.language, parsed.topics, parsed.newsletter) == ("sv", ("webinaarit",), True)


def test_signup_form_reports_every_bad_field() -> None:
    parsed, errors, shown = parse_signup(
        form(
            email="nope",
            first_name="",
            municipality="999",
            topics=["unknown"],
            consent="",
            last_name="x" * 500,
        ),
        known_topics={"webinaarit"},
    )
    assert parsed is None
    assert set(errors.by_field) == {
        "email",
        "first_name",
        "last_name",
        "municipality",
        "topics",
        "consent",
    }
    assert len(str(shown["last_name"])) == 100


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    bucket = TokenBucket(burst=2, per_minute=60)
    assert [bucket.allow("ip", now=0.0) for _ in range(3)] == [True, True, False]
    assert bucket.allow("other", now=0.0)
    assert bucket.allow("ip", now=1.01)
