"""A small, safe Markdown subset for the legal texts staff edit.

Blocks: paragraphs (blank line between), `## ` and `### ` headings, `- ` list items, and a line
ending in ` \\` for a line break (addresses). Inline: `**bold**` and `[text](url)`. Everything
is HTML-escaped first and links only to relative paths or http(s), mailto and tel, so a text
cannot carry markup or scripts whatever staff type.
"""

from __future__ import annotations

import re
from html import escape

_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_SAFE_URL = re.compile(r"^(?:https?://|mailto:|tel:|/(?!/))", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: dict[str, object]) -> str:
    """Replace `{name}` with a known value; unknown names stay as typed."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def _inline(raw: str) -> str:
    text = escape(raw, quote=True)

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        if not _SAFE_URL.match(url):
            return match.group(0)
        return f'<a href="{url}">{label}</a>'  # both already escaped above

    return _BOLD.sub(r"<strong>\1</strong>", _LINK.sub(link, text))


def _lines(block: list[str]) -> str:
    """A paragraph's lines: joined by a space, or by a line break after a trailing backslash."""
    out = ""
    for line in block:
        if line.endswith("\\"):
            out += _inline(line[:-1].rstrip()) + "<br>\n"
        else:
            out += _inline(line) + " "
    return out.strip()


def to_html(source: str) -> str:
    """The Markdown subset as HTML; safe to mark as such in a template."""
    html: list[str] = []
    for block in re.split(r"\n\s*\n", source.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("### "):
            html.append(f"<h3>{_inline(first[4:])}</h3>")
            lines = lines[1:]
        elif first.startswith("## ") or first.startswith("# "):
            html.append(f"<h2>{_inline(first.split(' ', 1)[1])}</h2>")
            lines = lines[1:]
        if not lines:
            continue
        if lines[0].startswith("- "):
            items: list[list[str]] = []
            for line in lines:
                if line.startswith("- "):
                    items.append([line[2:]])
                else:  # a continuation line of the item above
                    items[-1].append(line)
            html.append("<ul>" + "".join(f"<li>{_lines(i)}</li>" for i in items) + "</ul>")
        else:
            html.append(f"<p>{_lines(lines)}</p>")
    return "\n".join(html)
