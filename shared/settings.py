"""Settings every service shares; each service subclasses with its own env prefix.

Infrastructure addresses (Kafka, the public URL, the link secret) are one per installation
and read from unprefixed names; what belongs to one service (its database, its port) is read
with the service's prefix, e.g. CONTACTS_DATABASE_URL.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.tokens import TokenKeys

DEV_SECRET = "development-only-secret-change-me"  # noqa: S105  (refused outside development)

Environment = Literal["development", "test", "production"]


def _shared(name: str) -> AliasChoices:
    return AliasChoices(name)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "service"
    environment: Environment = Field("development", validation_alias=_shared("DIGITUKI_ENV"))
    log_level: str = Field("INFO", validation_alias=_shared("LOG_LEVEL"))
    log_json: bool = Field(True, validation_alias=_shared("LOG_JSON"))

    database_url: str = "postgresql+asyncpg://digituki:digituki@127.0.0.1:5433/service"
    db_pool_size: int = 10
    # Connections a web process opens beyond the pool under load, each closed again when
    # returned: under a steady load above the pool that is a new PostgreSQL connection per
    # request (POST /join: half the throughput, docs/performance.md). 0: a request waits
    # for a pooled connection instead. None = as many as db_pool_size.
    db_max_overflow: int | None = Field(0, ge=0)

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias=_shared("KAFKA_BOOTSTRAP_SERVERS")
    )
    kafka_topic_prefix: str = Field("", validation_alias=_shared("KAFKA_TOPIC_PREFIX"))
    kafka_session_timeout_ms: int = Field(
        10_000, validation_alias=_shared("KAFKA_SESSION_TIMEOUT_MS")
    )
    consumer_retries: int = Field(3, validation_alias=_shared("CONSUMER_RETRIES"))
    consumer_backoff_s: float = Field(0.2, validation_alias=_shared("CONSUMER_BACKOFF_S"))

    outbox_batch_size: int = 2000
    outbox_poll_interval_s: float = 1.0

    # Traces (shared/tracing.py): off unless a collector's OTLP/HTTP address is given; the
    # ratio samples whole traces (a request's decision is kept by every service after it).
    otel_exporter_otlp_endpoint: str = Field(
        "", validation_alias=_shared("OTEL_EXPORTER_OTLP_ENDPOINT")
    )
    otel_traces_sample_ratio: float = Field(
        1.0, ge=0, le=1, validation_alias=_shared("OTEL_TRACES_SAMPLER_ARG")
    )

    # Supervision (docs/infrastructure.md): workers write heartbeats into this folder and the
    # web process's /readyz expects `worker_instances` healthy ones; empty = no heartbeats.
    heartbeat_dir: str = Field("", validation_alias=_shared("HEARTBEAT_DIR"))
    worker_instances: int = Field(1, ge=1, validation_alias=_shared("WORKERS"))
    # During a Kafka or database outage: one line when it starts, one when it ends, and a
    # reminder this often in between.
    outage_reminder_s: float = Field(60.0, gt=0, validation_alias=_shared("OUTAGE_REMINDER_S"))

    worker_metrics_port: int = 0  # 0 = the worker serves no /metrics of its own
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    # uvicorn processes behind the one port (docs/performance.md): each has its own pool of
    # `db_pool_size` connections, its own in-memory form limiters and its own /metrics.
    web_workers: int = Field(1, ge=1, le=16)
    public_base_url: str = Field(
        "http://127.0.0.1:8080", validation_alias=_shared("PUBLIC_BASE_URL")
    )
    link_secret: str = Field(DEV_SECRET, validation_alias=_shared("LINK_SECRET"))
    secret_key: str = DEV_SECRET
    # Set by nginx on every request it forwards (X-Proxy-Secret); with it, staff headers from
    # anyone else are ignored. Empty only in development and in-process tests.
    proxy_secret: str = Field("", validation_alias=_shared("PROXY_SECRET"))

    # Retention periods (one policy per installation, unprefixed names): each service's
    # retention job applies its own, and contacts' privacy notice quotes them all.
    retention_unconfirmed_signup_days: int = Field(
        30, ge=1, validation_alias=_shared("RETENTION_UNCONFIRMED_SIGNUP_DAYS")
    )
    retention_inactive_review_years: int = Field(
        3, ge=1, validation_alias=_shared("RETENTION_INACTIVE_REVIEW_YEARS")
    )
    retention_tracking_events_months: int = Field(
        13, ge=1, validation_alias=_shared("RETENTION_TRACKING_EVENTS_MONTHS")
    )
    retention_delivery_rows_months: int = Field(
        13, ge=1, validation_alias=_shared("RETENTION_DELIVERY_ROWS_MONTHS")
    )
    retention_invitation_days_after_close: int = Field(
        90, ge=1, validation_alias=_shared("RETENTION_INVITATION_DAYS_AFTER_CLOSE")
    )
    retention_consent_log_years: int = Field(
        3, ge=1, validation_alias=_shared("RETENTION_CONSENT_LOG_YEARS")
    )
    # Closed enquiries from contacts' contact form (and their replies) after these months.
    retention_closed_enquiry_months: int = Field(
        12, ge=1, validation_alias=_shared("RETENTION_CLOSED_ENQUIRY_MONTHS")
    )
    # Finished background jobs (contacts: their items, input and result files) after these days.
    retention_job_days: int = Field(90, ge=1, validation_alias=_shared("RETENTION_JOB_DAYS"))
    retention_interval_s: float = Field(
        6 * 3600, gt=0, validation_alias=_shared("RETENTION_INTERVAL_S")
    )
    # Not at boot: a restarting service should not hit the database with it, nor race the
    # start-up of everything else.
    retention_first_run_delay_s: float = Field(
        600, ge=0, validation_alias=_shared("RETENTION_FIRST_RUN_DELAY_S")
    )

    @field_validator("database_url")
    @classmethod
    def _asyncpg_driver(cls, url: str) -> str:
        """A plain PostgreSQL URI (as CloudNativePG's `<cluster>-app` secret gives it, see
        docs/kubernetes.md) is used with the asyncpg driver."""
        for scheme in ("postgresql://", "postgres://"):
            if url.startswith(scheme):
                return "postgresql+asyncpg://" + url.removeprefix(scheme)
        return url

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> ServiceSettings:
        if self.environment != "development":
            for name in ("link_secret", "secret_key"):
                value = getattr(self, name)
                if value == DEV_SECRET or len(value) < 32:
                    raise ValueError(
                        f"{name} must be set to a random value of at least 32 characters "
                        "outside development"
                    )
        if self.environment == "production" and len(self.proxy_secret) < 32:
            raise ValueError(
                "PROXY_SECRET must be set (at least 32 characters) in production: without it "
                "any local process could speak as staff"
            )
        return self

    def token_keys(self) -> TokenKeys:
        """Keys for public links; LINK_SECRET signs (rotation: see docs/security.md)."""
        return TokenKeys.single(self.link_secret)

    def topic(self, base: str) -> str:
        return f"{self.kafka_topic_prefix}{base}"

    def group(self, purpose: str) -> str:
        """Consumer group id: one per service and purpose, prefixed like the topics."""
        return f"{self.kafka_topic_prefix}{self.service_name}.{purpose}"
