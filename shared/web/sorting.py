"""Sortable table columns for staff lists: `?sort=name` ascending, `?sort=-name` descending.

Only keys a page names are accepted (anything else falls back to its default), so a query
string can never reach an ORDER BY it did not choose. Header links keep the page's filters,
start again at page 1, and flip the direction of the column already sorted.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool = False
    keep: Mapping[str, str] = field(default_factory=dict)  # the page's filters, for links

    @classmethod
    def parse(
        cls,
        raw: str | None,
        allowed: Collection[str],
        *,
        default: str,
        keep: Mapping[str, str] | None = None,
    ) -> Sort:
        raw = (raw or "").strip()
        descending = raw.startswith("-")
        key = raw.removeprefix("-")
        if key not in allowed:
            key, descending = default.removeprefix("-"), default.startswith("-")
        return cls(key=key, descending=descending, keep=dict(keep or {}))

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def url(self, key: str) -> str:
        """The header link of column `key`: ascending first, the other way round if current."""
        flip = "-" if key == self.key and not self.descending else ""
        query = {k: v for k, v in self.keep.items() if v and k not in ("sort", "page")}
        return "?" + urlencode({**query, "sort": f"{flip}{key}"})

    def aria(self, key: str) -> str:
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"

    def arrow(self, key: str) -> str:
        if key != self.key:
            return ""
        return " ▼" if self.descending else " ▲"
