"""In-memory `MailRequestRepository`: the suppression list and the erased people."""

from __future__ import annotations

import uuid


class FakeMailRequests:
    def __init__(self) -> None:
        self.suppressed: set[bytes] = set()
        self.erased: set[uuid.UUID] = set()

    async def is_suppressed(self, email_hmac: bytes) -> bool:
        return email_hmac in self.suppressed

    async def is_erased(self, contact_id: uuid.UUID) -> bool:
        return contact_id in self.erased
