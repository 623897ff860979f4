"""An open-pixel token is never a click token and back, for new and for older mails."""

from __future__ import annotations

import uuid

import pytest
from newsletter.tracking.domain import (
    CLICK_PURPOSE,
    LEGACY_PURPOSE,
    OPEN_PURPOSE,
    click_payload,
    open_payload,
)
from newsletter.tracking.service import BadTrackingLink, read_token

from shared.tokens import TokenKeys, sign

KEYS = TokenKeys.single("k" * 40)
DELIVERY = str(uuid.uuid4())
URL = "https://digituki.fi/tapahtumat"


def test_each_kind_reads_its_own_token() -> None:
    assert (
        read_token(KEYS, sign(KEYS, OPEN_PURPOSE, open_payload(DELIVERY)), click=False).url is None
    )
    clicked = read_token(KEYS, sign(KEYS, CLICK_PURPOSE, click_payload(DELIVERY, URL)), click=True)
    assert clicked.url == URL and clicked.delivery_id == DELIVERY


@pytest.mark.parametrize("purpose", [CLICK_PURPOSE, LEGACY_PURPOSE, "unsubscribe", "survey"])
def test_the_open_pixel_refuses_a_click_token(purpose: str) -> None:
    with pytest.raises(BadTrackingLink):
        read_token(KEYS, sign(KEYS, purpose, click_payload(DELIVERY, URL)), click=False)


@pytest.mark.parametrize("purpose", [OPEN_PURPOSE, LEGACY_PURPOSE])
def test_the_click_redirect_refuses_an_open_token(purpose: str) -> None:
    with pytest.raises(BadTrackingLink):
        read_token(KEYS, sign(KEYS, purpose, open_payload(DELIVERY)), click=True)


def test_links_in_mails_sent_before_the_split_still_work_in_their_own_kind() -> None:
    old_click = sign(KEYS, LEGACY_PURPOSE, click_payload(DELIVERY, URL))
    old_open = sign(KEYS, LEGACY_PURPOSE, open_payload(DELIVERY))
    assert read_token(KEYS, old_click, click=True).url == URL
    assert read_token(KEYS, old_open, click=False).delivery_id == DELIVERY
    with pytest.raises(BadTrackingLink):
        read_token(KEYS, sign(KEYS, OPEN_PURPOSE, click_payload(DELIVERY, URL)), click=False)
