"""In-memory published versions of the legal texts (`uow.legal`)."""

from __future__ import annotations

from datetime import UTC, datetime

from contacts.legal.domain.texts import LegalKind, LegalVersion


class FakeLegalTexts:
    def __init__(self) -> None:
        self.rows: list[LegalVersion] = []

    def _of(self, kind: LegalKind) -> list[LegalVersion]:
        return sorted((v for v in self.rows if v.kind == kind), key=lambda v: -v.version)

    async def latest(self, kind: LegalKind) -> LegalVersion | None:
        found = self._of(kind)
        return found[0] if found else None

    async def by_version(self, kind: LegalKind, version: int) -> LegalVersion | None:
        return next((v for v in self._of(kind) if v.version == version), None)

    async def history(self, kind: LegalKind) -> list[LegalVersion]:
        return self._of(kind)

    async def add(
        self, kind: LegalKind, texts: dict[str, str], *, published_by: str | None
    ) -> LegalVersion:
        number = max((v.version for v in self._of(kind)), default=1) + 1
        version = LegalVersion(
            id=len(self.rows) + 1,
            kind=kind,
            version=number,
            texts=dict(texts),
            published_at=datetime.now(UTC),
            published_by=published_by,
        )
        self.rows.append(version)
        return version
