"""Campaign blocks as MJML and text, with staff text kept out of the template language.

Staff text never becomes template source: each literal piece is referenced as
`{{ _lit[n] }}` and passed as data when filling, so `{% ... %}` typed by staff is printed,
not run, and escaping happens once, at the fill. Only the whitelisted `{{ first_name }}`
style placeholders turn into real variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from newsletter.campaigns.domain import PLACEHOLDER, Block, Variant

REGISTER = {"fi": "Ilmoittaudu", "sv": "Anmäl dig", "en": "Register"}
HELSINKI = ZoneInfo("Europe/Helsinki")
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def event_when(stored: str, lang: str) -> str:
    """An event card's date as its readers write it, in Helsinki time ("29.3.2026 klo 10.00");
    a date typed as free text (older campaigns) as it was typed."""
    try:
        at = datetime.fromisoformat(stored.strip())
    except ValueError:
        return stored
    if at.tzinfo is None:
        return stored
    local = at.astimezone(HELSINKI)
    day = f"{local.day}.{local.month}.{local.year}"
    match lang:
        case "fi":
            return f"{day} klo {local.hour}.{local.minute:02d}"
        case "sv":
            return f"{day} kl. {local.hour}.{local.minute:02d}"
        case _:
            month = MONTHS_EN[local.month - 1]
            return f"{local.day} {month} {local.year}, {local.hour}:{local.minute:02d} (Helsinki)"


@dataclass
class Literals:
    values: list[str] = field(default_factory=list)

    def ref(self, value: str) -> str:
        self.values.append(value)
        return f"{{{{ _lit[{len(self.values) - 1}] }}}}"

    def personal(self, text: str) -> str:
        """Literal pieces as references, placeholders as variables."""
        out: list[str] = []
        last = 0
        for m in PLACEHOLDER.finditer(text):
            if m.start() > last:
                out.append(self.ref(text[last : m.start()]))
            out.append(f"{{{{ {m.group(1)} }}}}")
            last = m.end()
        if last < len(text):
            out.append(self.ref(text[last:]))
        return "".join(out)

    def lines(self, text: str, sep: str) -> str:
        return sep.join(self.personal(line) for line in text.splitlines())


@dataclass(frozen=True)
class CampaignSource:
    subject: str
    preheader: str
    mjml: str
    text: str
    literals: tuple[str, ...]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _block(  # noqa: PLR0911
    block: Block, lits: Literals, lang: str, base_url: str
) -> tuple[str, str]:
    match block.type:
        case "heading":
            html = (
                '<mj-text font-size="24px" line-height="1.3" font-weight="bold" color="#003a70">'
                f"{lits.personal(block.text)}</mj-text>"
            )
            return html, lits.personal(block.text)
        case "text":
            paras = _paragraphs(block.text)
            html = "\n".join(f"<mj-text>{lits.lines(p, '<br />')}</mj-text>" for p in paras)
            return html, "\n\n".join(lits.lines(p, "\n") for p in paras)
        case "button":
            url = lits.ref(block.url)
            return f'<mj-button href="{url}">{lits.personal(block.text)}</mj-button>', (
                f"{lits.personal(block.text)}: {url}"
            )
        case "image":
            alt = lits.ref(block.alt)
            # Library images are stored as paths: mail needs the absolute address.
            src = f"{base_url}{block.url}" if block.url.startswith("/") else block.url
            return f'<mj-image src="{lits.ref(src)}" alt="{alt}" padding="8px 0" />', alt
        case "event":
            when = lits.personal(event_when(block.date, lang))
            title, place = (lits.personal(v) for v in (block.text, block.place))
            url = lits.ref(block.url)
            register = lits.ref(REGISTER.get(lang, REGISTER["en"]))
            where = f"<br />{place}" if block.place else ""
            html = (
                '<mj-text font-size="18px" font-weight="bold" color="#003a70">'
                f"{title}</mj-text>\n<mj-text>{when}{where}</mj-text>\n"
                f'<mj-button href="{url}">{register}</mj-button>'
            )
            text = "\n".join(p for p in (title, when, place if block.place else "", url) if p)
            return html, text
        case "articles":
            refs = [(lits.personal(title), lits.ref(url)) for title, url in block.items]
            items = "".join(f'<li><a href="{url}">{title}</a></li>' for title, url in refs)
            return f"<mj-text><ul>{items}</ul></mj-text>", "\n".join(
                f"- {title}: {url}" for title, url in refs
            )
        case _:
            return "<mj-divider />", "----"


def campaign_source(variant: Variant, lang: str = "fi", base_url: str = "") -> CampaignSource:
    lits = Literals()
    subject = lits.personal(variant.subject)
    preheader = lits.personal(variant.preheader)
    parts = [_block(b, lits, lang, base_url.rstrip("/")) for b in variant.blocks]
    return CampaignSource(
        subject=subject,
        preheader=preheader,
        mjml="\n".join(html for html, _ in parts),
        text="\n\n".join(text for _, text in parts if text),
        literals=tuple(lits.values),
    )
