"""The text a person reads on a page, cell by cell, with the heading of each cell's column.

Scripts, styles, templates, form values and attributes are left out: only text nodes count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

HIDDEN = {"script", "style", "template", "textarea", "title", "head"}
CELLS = {
    "td",
    "th",
    "dd",
    "dt",
    "li",
    "option",
    "caption",
    "h1",
    "h2",
    "h3",
    "h4",
    "label",
    "legend",
    "button",
    "a",
    "code",
    "span",
    "p",
}
VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr", "area", "base"}


@dataclass
class Cell:
    tag: str
    text: str
    heading: str  # the column heading of a td, the term of a dd; "" otherwise


@dataclass
class _Open:
    tag: str
    parts: list[str] = field(default_factory=list)
    heading: str = ""


@dataclass
class _Table:
    headings: list[str] = field(default_factory=list)
    column: int = -1
    in_head: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[Cell] = []
        self.text: list[str] = []
        self._open: list[_Open] = []
        self._hidden = 0
        self._tables: list[_Table] = []
        self._last_term = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        if tag in HIDDEN or ("hidden" in dict(attrs) and tag != "input"):
            self._hidden += 1
            self._open.append(_Open(f"hidden:{tag}"))
            return
        heading = ""
        if tag == "table":
            self._tables.append(_Table())
        elif tag == "thead" and self._tables:
            self._tables[-1].in_head = True
        elif tag == "tr" and self._tables:
            self._tables[-1].column = -1
        elif tag in ("td", "th") and self._tables:
            table = self._tables[-1]
            table.column += 1
            if tag == "td" and table.column < len(table.headings):
                heading = table.headings[table.column]
        elif tag == "dd":
            heading = self._last_term
        self._open.append(_Open(tag, heading=heading))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self._open:
            done = self._open.pop()
            name = done.tag.removeprefix("hidden:")
            if done.tag.startswith("hidden:"):
                self._hidden -= 1
            text = " ".join("".join(done.parts).split())
            if name in CELLS and not done.tag.startswith("hidden:"):
                self.cells.append(Cell(name, text, done.heading))
            if name == "dt":
                self._last_term = text
            if name == "th" and self._tables and self._tables[-1].in_head:
                self._tables[-1].headings.append(text)
            if name == "thead" and self._tables:
                self._tables[-1].in_head = False
            if name == "table" and self._tables:
                self._tables.pop()
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.text.append(data)
        for element in self._open:
            element.parts.append(data)


def read(html: str) -> tuple[list[Cell], str]:
    """The cells of a page and all its visible text, whitespace collapsed."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.cells, " ".join("".join(reader.text).split())
