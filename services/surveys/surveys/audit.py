"""Staff actions go to staff.audit.v1 in the same transaction as the change."""

from __future__ import annotations

from shared.audit import StaffAudit
from surveys import SOURCE

audit = StaffAudit(service="surveys", source=SOURCE)
