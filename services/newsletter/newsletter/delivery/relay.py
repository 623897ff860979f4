"""The relay the sender talks to, and how safely: TLS mode, trust, login.

Settings build one `Relay` per process (`NewsletterSettings.smtp_relay`); its TLS context is
made once. The certificate is always verified: the chain against the system store or
`ca_file`, the expiry, and that it names `host` (TLS 1.2 at least)."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from pydantic import SecretStr


class SmtpProtocolError(Exception):
    """A reply that is not SMTP, or a feature the server lacks: the session is unusable."""


class SmtpSecurityError(SmtpProtocolError):
    """TLS or authentication with the relay failed: a fault of the relay or of our settings,
    never of the recipient, so the mail waits for the relay (never a bounce).

    `permanent`: trying again with the same settings will not help (a refused password);
    the sender then pauses long and says what to fix."""

    permanent = False


class SmtpAuthError(SmtpSecurityError):
    """The relay refused our login: 535 (RFC 4954: wrong username or password) is permanent,
    454 (a temporary failure on the relay's side) is not."""

    def __init__(self, message: str, *, code: int) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = 500 <= code < 600


# none: plaintext (the local catcher only); starttls: upgrade or fail, never plaintext;
# tls: TLS from the first byte (implicit TLS, RFC 8314, port 465).
TlsMode = Literal["none", "starttls", "tls"]


@dataclass(frozen=True)
class Relay:
    """Where mail goes and how to talk to it safely. The password never shows in a repr."""

    host: str
    port: int
    tls: TlsMode = "none"
    username: str = ""
    password: SecretStr = field(default=SecretStr(""), repr=False)
    ca_file: str = ""  # empty: the system's trust store

    def __str__(self) -> str:
        return f"{self.host}:{self.port} (tls={self.tls})"

    @cached_property
    def tls_context(self) -> ssl.SSLContext | None:
        """Built once per relay: loading a trust store costs milliseconds per connection."""
        if self.tls == "none":
            return None
        # Verifies the chain and the host name; refuses TLS < 1.2.
        context = ssl.create_default_context(cafile=self.ca_file or None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context


async def connect(
    relay: Relay, timeout_s: float
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    if relay.tls != "tls":
        return await asyncio.open_connection(relay.host, relay.port)
    try:
        return await asyncio.open_connection(
            relay.host,
            relay.port,
            ssl=relay.tls_context,
            server_hostname=relay.host,
            ssl_handshake_timeout=timeout_s,
        )
    except ssl.SSLError as error:
        raise SmtpSecurityError(f"TLS with relay {relay} failed: {tls_reason(error)}") from None


def tls_reason(error: ssl.SSLError) -> str:
    """Why a handshake failed, in the words an operator can act on."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate not trusted: {error.verify_message}"
    return error.reason or str(error)
