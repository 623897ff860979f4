"""Newsletter' settings: the shared ones plus its own, read with the NEWSLETTER_ prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from newsletter.delivery.relay import Relay, TlsMode
from shared.settings import ServiceSettings


class NewsletterSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSLETTER_", extra="ignore", populate_by_name=True
    )

    service_name: str = "newsletter"
    database_url: str = "postgresql+asyncpg://digituki:digituki@127.0.0.1:5433/newsletter"
    web_port: int = 8102
    # The mail relay: one per installation, so unprefixed like KAFKA_BOOTSTRAP_SERVERS
    # (deploy/bin/service-env.sh and docker-compose.yml both set SMTP_HOST/SMTP_PORT).
    # Every relay setting is here; docs/mail.md ("The relay") explains them.
    smtp_host: str = Field("127.0.0.1", validation_alias=AliasChoices("SMTP_HOST"))
    # Unset: 465 with SMTP_TLS=tls, 587 with starttls, 1025 (the local catcher) with none.
    smtp_port: int = Field(0, ge=0, le=65535, validation_alias=AliasChoices("SMTP_PORT"))
    # starttls: upgrade or fail, never plaintext (587); tls: TLS from the first byte (465;
    # `implicit` is read as tls); none: the local catcher only. The certificate is checked
    # against SMTP_CA_FILE or the system store, and must name SMTP_HOST.
    smtp_tls: TlsMode = Field("none", validation_alias=AliasChoices("SMTP_TLS"))
    smtp_ca_file: str = Field("", validation_alias=AliasChoices("SMTP_CA_FILE"))
    # AUTH PLAIN (or LOGIN) when a username is set, only ever over TLS.
    smtp_username: str = Field("", validation_alias=AliasChoices("SMTP_USERNAME"))
    smtp_password: SecretStr = Field(SecretStr(""), validation_alias=AliasChoices("SMTP_PASSWORD"))
    # Seconds for connecting (TLS and login included) and for each mail's replies.
    smtp_timeout_s: float = Field(
        30.0, gt=0, validation_alias=AliasChoices("SMTP_TIMEOUT_S", "NEWSLETTER_SMTP_TIMEOUT_S")
    )

    # Sender identity. `mail_domain` names Message-IDs and the VERP bounce address.
    mail_from_address: str = "uutiskirje@digituki.fi"
    mail_from_name: str = "Digituki"
    mail_domain: str = "digituki.fi"
    feedback_sender: str = "digituki"

    # Suppression entries are HMACs of the lower-cased address under this key, so the list
    # survives erasure without keeping any address. Empty: the service's secret_key.
    suppression_key: str = ""

    # Inbound bounces (`python -m newsletter.main bounce-smtp`): the MX of the VERP domain.
    bounce_smtp_host: str = "127.0.0.1"
    bounce_smtp_port: int = 2525

    # DKIM: signs when both the selector and a PEM key file are set.
    dkim_selector: str = ""
    dkim_private_key_path: str = ""

    # Delivery workers.
    sender_enabled: bool = True
    smtp_connections: int = 8
    send_rate_per_s: float = 0.0  # 0 = no limit
    send_rate_per_domain_per_s: float = 0.0
    claim_batch_size: int = 500
    lease_s: float = 60.0
    record_batch_size: int = 500
    record_interval_s: float = 0.2
    retry_base_s: float = 60.0
    retry_max_s: float = 3600.0
    max_attempts: int = 8
    idle_poll_s: float = 1.0

    # Composer: links checked before sending (off | syntax | http; `up` sets http), how often
    # the worker looks for due scheduled campaigns, and how many staff addresses a test takes.
    link_check: Literal["off", "syntax", "http"] = "syntax"
    scheduler_interval_s: float = 1.0
    test_send_max: int = 10

    # Media library uploads: at most this many bytes and pixels (a decompression-bomb guard).
    media_max_bytes: int = 5_000_000
    media_max_pixels: int = 40_000_000
    # Materials library files (PDF, slide sets, ...): under the proxy's 10 MB request limit.
    material_max_bytes: int = Field(9_000_000, gt=0)

    @field_validator("smtp_tls", mode="before")
    @classmethod
    def _tls_mode(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            return "tls" if value == "implicit" else value
        return value

    @model_validator(mode="after")
    def _relay_checks(self) -> NewsletterSettings:
        if self.smtp_username and self.smtp_tls == "none":
            raise ValueError("SMTP_USERNAME needs SMTP_TLS=starttls or tls")
        if self.smtp_password.get_secret_value() and not self.smtp_username:
            raise ValueError("SMTP_PASSWORD is set but SMTP_USERNAME is not")
        if self.smtp_ca_file and not Path(self.smtp_ca_file).is_file():
            raise ValueError(f"SMTP_CA_FILE {self.smtp_ca_file} is not a readable file")
        if not self.smtp_port:
            self.smtp_port = {"none": 1025, "starttls": 587, "tls": 465}[self.smtp_tls]
        return self

    def smtp_relay(self) -> Relay:
        return Relay(
            host=self.smtp_host,
            port=self.smtp_port,
            tls=self.smtp_tls,
            username=self.smtp_username,
            password=self.smtp_password,
            ca_file=self.smtp_ca_file,
        )

    def suppression_secret(self) -> bytes:
        return (self.suppression_key or self.secret_key).encode()
