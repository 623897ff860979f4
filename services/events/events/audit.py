"""Staff actions go to staff.audit.v1 in the same transaction as the change."""

from __future__ import annotations

from events import SOURCE
from shared.audit import StaffAudit

audit = StaffAudit(service="events", source=SOURCE)
