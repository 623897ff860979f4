"""Parsing RFC 3464 delivery-status notifications into what they say of our deliveries."""

from __future__ import annotations

import uuid

import pytest
from newsletter.bounces.domain import NotADsn, parse_dsn

from tests.support.dsn import exchange_dsn, postfix_dsn

DOMAIN = "digituki.fi"


def test_postfix_hard_bounce_names_its_delivery_by_the_verp_address() -> None:
    delivery = uuid.uuid4()
    dsn = parse_dsn(postfix_dsn(delivery, "nobody@example.fi"))
    verdict = dsn.worst
    assert verdict is not None and verdict.kind == "hard"
    assert (verdict.action, verdict.status) == ("failed", "5.1.1")
    assert verdict.final_recipient == "nobody@example.fi"
    assert verdict.diagnostic is not None and "User unknown" in verdict.diagnostic
    assert "\n" not in verdict.diagnostic
    assert dsn.delivery_id(DOMAIN) == delivery


def test_postfix_delay_notice_is_only_a_deferral() -> None:
    dsn = parse_dsn(postfix_dsn(uuid.uuid4(), "slow@example.fi", status="4.4.1", action="delayed"))
    assert dsn.worst is not None and dsn.worst.kind == "deferred"


def test_without_verp_the_returned_message_id_names_the_delivery() -> None:
    delivery = uuid.uuid4()
    dsn = parse_dsn(postfix_dsn(delivery, "nobody@example.fi", verp=False))
    assert dsn.verp_ids == ()
    assert dsn.delivery_id(DOMAIN) == delivery


def test_exchange_ndr_is_a_hard_bounce_found_by_the_returned_message() -> None:
    delivery = uuid.uuid4()
    dsn = parse_dsn(exchange_dsn(delivery, "Gone@Contoso.com"))
    assert dsn.worst is not None and dsn.worst.kind == "hard"
    assert dsn.worst.status == "5.1.10"
    assert dsn.worst.final_recipient == "Gone@Contoso.com"
    assert dsn.delivery_id(DOMAIN) == delivery


def test_an_smtp_envelope_recipient_wins_over_headers() -> None:
    by_envelope, by_header = uuid.uuid4(), uuid.uuid4()
    raw = postfix_dsn(by_header, "x@example.fi")
    dsn = parse_dsn(raw, [f"bounces+{by_envelope.hex}@{DOMAIN}"])
    assert dsn.delivery_id(DOMAIN) == by_envelope


def test_a_message_id_of_another_domain_names_nothing() -> None:
    dsn = parse_dsn(exchange_dsn(uuid.uuid4(), "x@contoso.com", mail_domain="other.example"))
    assert dsn.delivery_id(DOMAIN) is None


def test_an_autoreply_is_not_a_dsn() -> None:
    with pytest.raises(NotADsn):
        parse_dsn(b"From: a@b.fi\r\nSubject: Out of office\r\n\r\nOn holiday.\r\n")
