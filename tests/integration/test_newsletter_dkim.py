"""DKIM: mail signed with a configured key verifies against its published public key."""

from __future__ import annotations

import asyncio
import base64
import uuid
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from newsletter.delivery.worker import DeliveryWorker
from newsletter.settings import NewsletterSettings
from newsletter.tables import deliveries
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_newsletter_delivery import accept, request, rows
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually

SELECTOR = "nl2026"


def dkim_key(folder: Path) -> tuple[Path, bytes]:
    """A fresh 2048-bit key as a PEM file, and its DNS TXT record (v=DKIM1; k=rsa; p=...)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = folder / "dkim.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


async def test_sent_mail_carries_a_dkim_signature_that_verifies(
    db: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pem, txt = dkim_key(tmp_path)
    monkeypatch.setenv("NEWSLETTER_DKIM_SELECTOR", SELECTOR)
    monkeypatch.setenv("NEWSLETTER_DKIM_PRIVATE_KEY_PATH", str(pem))
    settings = NewsletterSettings()
    to = f"signed-{uuid.uuid4().hex[:6]}@example.fi"
    await accept(db, request(f"dkim:{to}", to))

    stop = asyncio.Event()
    task = asyncio.create_task(DeliveryWorker(db, settings).run(stop))
    try:
        await eventually(
            lambda: rows(db, deliveries.c.status == "sent"),
            lambda done: len(done) == 1,
            timeout=60,
            what="the mail sent",
        )
    finally:
        stop.set()
        await task

    (mail,) = await mails_to(to)
    raw = mail["raw"].encode()
    assert raw.startswith(b"DKIM-Signature:")
    asked: list[bytes] = []

    def dns(name: bytes, timeout: int = 5) -> bytes:
        asked.append(name)
        return txt if name == f"{SELECTOR}._domainkey.{settings.mail_domain}.".encode() else b""

    assert dkim.verify(raw, dnsfunc=dns)
    assert asked == [f"{SELECTOR}._domainkey.{settings.mail_domain}.".encode()]
    # A changed subject breaks the signature: the check can fail.
    assert not dkim.verify(raw.replace(b"Subject: ", b"Subject: X", 1), dnsfunc=dns)
