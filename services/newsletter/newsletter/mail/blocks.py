"""Campaign blocks as MJML and text, with staff text kept out of the template language.

Staff text never becomes template source: each literal piece is referenced as
`{{ _lit[n] }}` and passed as data when filling, so `{% ... %}` typed by staff is printed,
not run, and escaping happens once, at the fill. Only the whitelisted `{{ first_name }}`
style placeholders turn into real variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsletter.domain.campaign import PLACEHOLDER, Block, Variant


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


def _block(block: Block, lits: Literals) -> tuple[str, str]:
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
            return f'<mj-image src="{lits.ref(block.url)}" alt="{alt}" padding="8px 0" />', alt
        case _:
            return "<mj-divider />", "----"


def campaign_source(variant: Variant) -> CampaignSource:
    lits = Literals()
    subject = lits.personal(variant.subject)
    preheader = lits.personal(variant.preheader)
    parts = [_block(b, lits) for b in variant.blocks]
    return CampaignSource(
        subject=subject,
        preheader=preheader,
        mjml="\n".join(html for html, _ in parts),
        text="\n\n".join(text for _, text in parts if text),
        literals=tuple(lits.values),
    )
