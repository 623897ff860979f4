"""The composer form without JavaScript: its fields <-> a campaign draft, and the structural
buttons (add, remove, move a block) applied to the submitted form before anything is saved."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from newsletter.composer.domain import event_date_local, event_date_stored
from newsletter.composer.service import Draft
from newsletter.delivery.domain import LANGUAGES

BLOCK_KINDS = ("heading", "text", "image", "button", "event", "articles", "divider")
# What staff read for each block type (English msgids; `block_names` translates them). Never
# the type itself: `_(block.type)` showed a raw key, out of reach of the catalogue check.
BLOCK_NAMES = {
    "heading": "Heading",
    "text": "Text",
    "image": "Image",
    "button": "Button",
    "event": "Event card",
    "articles": "Article list",
    "divider": "Divider",
}
SHARED = ("url", "date", "media", "event")  # the same in every language
PER_LANGUAGE = ("text", "alt", "place", "items")


def block_names(gettext: Callable[[str], str]) -> dict[str, str]:
    """Each block type's name in the staff member's language (the legends, the add buttons)."""
    return {kind: gettext(BLOCK_NAMES[kind]) for kind in BLOCK_KINDS}


def topic_label(key: str) -> str:
    """A topic key as words ("digitaidot-arjessa" -> "Digitaidot arjessa"): the replica
    carries the keys people follow, not the contacts service's names."""
    return key.replace("-", " ").replace("_", " ").strip().capitalize() or key


def topic_choices(known: Mapping[str, int], chosen: list[str]) -> list[dict[str, Any]]:
    """Every topic to tick: those people follow (with how many) and those already chosen."""
    keys = sorted({*known, *chosen}, key=lambda k: topic_label(k).lower())
    return [
        {"key": k, "label": topic_label(k), "followers": known.get(k, 0), "checked": k in chosen}
        for k in keys
    ]


def empty_block(kind: str) -> dict[str, Any]:
    per_language = {f: dict.fromkeys(LANGUAGES, "") for f in PER_LANGUAGE}
    return {"type": kind, **dict.fromkeys(SHARED, ""), **per_language}


def empty_form() -> dict[str, Any]:
    return {
        "name": "",
        "languages": ["fi"],
        "fallback_language": "",
        "subject": dict.fromkeys(LANGUAGES, ""),
        "preheader": dict.fromkeys(LANGUAGES, ""),
        "topics": [],
        "topical": False,
        "tracking": False,
        "in_archive": True,
        "blocks": [],
        "included": [],
        "excluded": [],
    }


def _items_text(items: list[Mapping[str, Any]]) -> str:
    return "\n".join(f"{i.get('title', '')} | {i.get('url', '')}" for i in items)


def _items_of(text: str) -> list[dict[str, str]]:
    found = []
    for line in text.splitlines():
        if line.strip():
            title, _, url = line.rpartition("|") if "|" in line else (line, "", "")
            found.append({"title": title.strip(), "url": url.strip()})
    return found


def form_of_campaign(campaign: Mapping[str, Any]) -> dict[str, Any]:
    """A stored campaign as the form shows it: blocks in the order of its first language."""
    content: Mapping[str, Any] = campaign["content"]
    languages = [la for la in LANGUAGES if la in content]
    form = empty_form() | {
        "name": campaign["name"],
        "languages": languages,
        "fallback_language": campaign["fallback_language"] or "",
        "topics": list(campaign["topics"]),
        "topical": campaign["topical"],
        "tracking": campaign["tracking"],
        "in_archive": campaign.get("in_archive", True),
        "included": [str(s) for s in campaign["included_segments"]],
        "excluded": [str(s) for s in campaign["excluded_segments"]],
    }
    for lang in languages:
        form["subject"][lang] = content[lang].get("subject", "")
        form["preheader"][lang] = content[lang].get("preheader", "")
    first = content[languages[0]].get("blocks", []) if languages else []
    for i, raw in enumerate(first):
        block = empty_block(raw["type"]) | {f: raw.get(f, "") for f in SHARED}
        block["date"] = event_date_local(block["date"])
        for lang in languages:
            same = content[lang].get("blocks", [])
            other = same[i] if i < len(same) else {}
            for field in ("text", "alt", "place"):
                block[field][lang] = other.get(field, "")
            block["items"][lang] = _items_text(other.get("items", []))
        form["blocks"].append(block)
    return form


def form_of_post(data: Mapping[str, Any], lists: Mapping[str, list[str]]) -> dict[str, Any]:
    """The submitted form as the same structure (nothing validated yet)."""
    form = empty_form()
    form["name"] = str(data.get("name", ""))
    form["languages"] = [la for la in LANGUAGES if la in lists.get("languages", [])]
    fallback = str(data.get("fallback_language", ""))
    form["fallback_language"] = fallback if fallback in LANGUAGES else ""
    form["topics"] = [t.strip() for t in lists.get("topics", []) if t.strip()]
    form["topical"] = data.get("topical") == "yes"
    form["tracking"] = data.get("tracking") == "yes"
    form["in_archive"] = data.get("in_archive") == "yes"
    form["included"] = lists.get("included", [])
    form["excluded"] = lists.get("excluded", [])
    for lang in LANGUAGES:
        form["subject"][lang] = str(data.get(f"subject-{lang}", ""))
        form["preheader"][lang] = str(data.get(f"preheader-{lang}", ""))
    count = int(str(data.get("block-count", "0")) or 0)
    for i in range(min(count, 100)):
        kind = str(data.get(f"block-{i}-type", ""))
        if kind not in BLOCK_KINDS:
            continue
        block = empty_block(kind)
        for field in SHARED:
            block[field] = str(data.get(f"block-{i}-{field}", ""))
        for field in PER_LANGUAGE:
            for lang in LANGUAGES:
                block[field][lang] = str(data.get(f"block-{i}-{field}-{lang}", ""))
        form["blocks"].append(block)
    return form


def apply_action(form: dict[str, Any], action: str) -> bool:
    """Add, remove or move a block; True when the action was one of these (not "save")."""
    verb, _, arg = action.partition(":")
    blocks: list[dict[str, Any]] = form["blocks"]
    if verb == "refresh":  # e.g. languages ticked: show their fields
        return True
    if verb == "add" and arg in BLOCK_KINDS:
        blocks.append(empty_block(arg))
        return True
    if verb not in ("remove", "up", "down") or not arg.isdigit() or int(arg) >= len(blocks):
        return False
    i = int(arg)
    if verb == "remove":
        del blocks[i]
    elif verb == "up" and i > 0:
        blocks[i - 1], blocks[i] = blocks[i], blocks[i - 1]
    elif verb == "down" and i < len(blocks) - 1:
        blocks[i + 1], blocks[i] = blocks[i], blocks[i + 1]
    return True


def card_to_fill(form: Mapping[str, Any], action: str) -> tuple[int, uuid.UUID] | None:
    """`fill:<i>` on an event card with an event chosen: (i, the event's id)."""
    verb, _, arg = action.partition(":")
    blocks = form["blocks"]
    if verb != "fill" or not arg.isdigit() or int(arg) >= len(blocks):
        return None
    block = blocks[int(arg)]
    if block["type"] != "event":
        return None
    try:
        return int(arg), uuid.UUID(str(block.get("event") or ""))
    except ValueError:
        return None


def fill_card(form: dict[str, Any], index: int, fields: Mapping[str, Any]) -> None:
    """Put an event's fields (`event_cards.domain.card_fields`) into card `index`."""
    block = form["blocks"][index]
    for name in ("event", "date", "url"):
        block[name] = fields[name]
    for name in ("text", "place"):
        block[name] = {**block[name], **fields[name]}


def _block_in(block: Mapping[str, Any], lang: str, index: int) -> dict[str, Any]:
    out: dict[str, Any] = {"type": block["type"]}
    match block["type"]:
        case "heading" | "text":
            out["text"] = block["text"][lang]
        case "button":
            out |= {"text": block["text"][lang], "url": block["url"]}
        case "image":
            out |= {"url": block["url"], "alt": block["alt"][lang]}
            if block["media"]:  # a library image; its alt texts count unless typed here
                out["media"] = block["media"]
        case "event":
            out |= {
                "text": block["text"][lang],
                "date": event_date_stored(block["date"], f"content.{lang}.blocks.{index}.date"),
                "place": block["place"][lang],
                "url": block["url"],
            }
            if block.get("event"):  # filled from a calendar event: which one, to refill
                out["event"] = block["event"]
        case "articles":
            out["items"] = _items_of(block["items"][lang])
    return out


def _uuids(values: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def draft_of_form(form: Mapping[str, Any]) -> Draft:
    content = {
        lang: {
            "subject": form["subject"][lang],
            "preheader": form["preheader"][lang],
            "blocks": [_block_in(b, lang, i) for i, b in enumerate(form["blocks"])],
        }
        for lang in form["languages"]
    }
    return Draft(
        name=form["name"],
        content=content,
        fallback_language=form["fallback_language"] or None,
        topics=list(dict.fromkeys(form["topics"])),
        topical=form["topical"],
        tracking=form["tracking"],
        in_archive=form["in_archive"],
        included_segments=_uuids(form["included"]),
        excluded_segments=_uuids(form["excluded"]),
    )
