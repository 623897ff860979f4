"""axe-core in the page: the WCAG 2.1 A and AA rules, violations as readable lines."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return {
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary),
    })),
    passes: result.passes.length,
  };
}"""


async def check(page: Page, axe_source: str) -> tuple[list[str], int]:
    """(one line per violated rule, number of rules that passed)."""
    if not await page.evaluate("typeof axe !== 'undefined'"):
        await page.add_script_tag(content=axe_source)
    result: dict[str, Any] = await page.evaluate(RUN, WCAG_TAGS)
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {'; '.join(v['nodes'][:5])}"
        for v in result["violations"]
    ]
    return lines, int(result["passes"])
