"""The append-only consent log: what was agreed to or withdrawn, when, how and on what text."""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Purpose = Literal["newsletter", "surveys"]
PURPOSES: tuple[Purpose, ...] = ("newsletter", "surveys")
Method = Literal["signup", "import", "staff", "preferences", "unsubscribe"]

# wording_version names the consent text a person saw: a label of a published version of the
# legal text "consent" ("consent-v2", contacts/domain/legal.py); old rows keep theirs.


def truncate_ip(raw: str | None) -> str | None:
    """IPv4 to its /24, IPv6 to its /48: enough to spot abuse, too little to find a person."""
    if not raw:
        return None
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


@dataclass(frozen=True)
class ConsentEntry:
    person_id: uuid.UUID
    purpose: Purpose
    given: bool
    method: Method
    at: datetime
    wording_version: str | None = None
    ip: str | None = None
    basis: str | None = None  # for imports: the documented legal basis


def entries(
    person_id: uuid.UUID,
    purposes: tuple[Purpose, ...],
    *,
    given: bool,
    method: Method,
    at: datetime,
    wording_version: str | None = None,
    ip: str | None = None,
) -> list[ConsentEntry]:
    return [
        ConsentEntry(person_id, p, given, method, at, wording_version, truncate_ip(ip))
        for p in purposes
    ]
