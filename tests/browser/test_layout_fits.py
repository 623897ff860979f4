"""Every staff and public page fits its window: 1280 px and 375 px wide, in Finnish and Swedish.

No sideways scrolling (WCAG 1.4.10 Reflow): the document is no wider than the window, and no
element reaches past its right edge unless it sits inside a region that scrolls on purpose,
which must then be reachable by keyboard (tabindex) and named (aria-label/labelledby); and
chart text is at least 12 px as drawn.
Screenshots of a few pages at both widths go to test-artifacts/screenshots/layout-*.png.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page

from tests.browser.conftest import screenshot_path
from tests.browser.every_page import Seeded, page_paths, seeded  # noqa: F401
from tests.browser.staff_session import Session

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)
LANGUAGES = ("fi", "sv")
SCREENSHOTS = {
    "/staff/",
    "/staff/audit",
    "/staff/jobs",
    "/staff/people",
    "/staff/organisations",
    "/staff/visits",
    "/newsletter/staff/campaigns",
    "/surveys/staff/surveys",
    "/join",
}
# What reaches past the window's right edge, outermost elements only; hidden-by-position
# helpers (skip link, honeypot, visually hidden text) do not count.
OVERFLOW = """
() => {
  const width = window.innerWidth;
  const found = [];
  const hidden = ".visually-hidden, .honeypot, .skip-link";
  const scrollsOnPurpose = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if ((x === "auto" || x === "scroll") && a.hasAttribute("tabindex")
          && (a.getAttribute("aria-label") || a.getAttribute("aria-labelledby"))) return true;
    }
    return false;
  };
  const over = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && !el.closest(hidden);
  };
  if (document.documentElement.scrollWidth > width) {
    found.push(`document ${document.documentElement.scrollWidth} px > ${width} px`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (!over(el) || scrollsOnPurpose(el)) continue;
    if (el.parentElement && el.parentElement !== document.body && over(el.parentElement)) continue;
    const r = el.getBoundingClientRect();
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (classes ? "." + classes.split(/\\s+/).join(".") : "");
    found.push(`${name} right=${Math.round(r.right)} width=${Math.round(r.width)}: `
      + (el.textContent || "").trim().slice(0, 60));
  }
  for (const t of document.querySelectorAll("main svg text")) {
    const matrix = t.getScreenCTM();
    const size = parseFloat(getComputedStyle(t).fontSize) * (matrix ? matrix.a : 1);
    if (size < 11.95) found.push(`chart text ${size.toFixed(1)} px < 12 px: ${t.textContent}`);
  }
  return found;
}
"""


async def overflowing(page: Page) -> list[str]:
    found: list[str] = await page.evaluate(OVERFLOW)
    return found


@pytest.mark.parametrize("width", WIDTHS)
async def test_every_page_fits_the_window_without_sideways_scrolling(
    browser: Browser,
    site: str,
    staff_sessions: list[Session],
    seeded: Seeded,  # noqa: F811
    width: int,
) -> None:
    context = await browser.new_context(base_url=site, viewport={"width": width, "height": 900})
    cookie = staff_sessions[0].cookie.split("=", 1)[1]
    await context.add_cookies([{"name": "dt_session", "value": cookie, "url": site}])
    page = await context.new_page()
    pages, _missing = page_paths(seeded)
    failures: dict[str, list[str]] = {}
    checked = 0
    try:
        for _service, path in pages:
            for lang in LANGUAGES:
                query = "&".join(
                    f"{k}={v}" for k, v in {"lang": lang, **seeded.queries.get(path, {})}.items()
                )
                response = await page.goto(f"{path}?{query}")
                assert response is not None
                if "text/html" not in response.headers.get("content-type", ""):
                    continue
                checked += 1
                found = await overflowing(page)
                if found:
                    failures[f"{path}?lang={lang}"] = found
                if path in SCREENSHOTS or found:
                    name = f"layout-{width}-{lang}-{path}"
                    await page.screenshot(path=screenshot_path(name), full_page=True)
    finally:
        await context.close()
    assert checked >= 40, checked
    report = "\n".join(f"{p}:\n  " + "\n  ".join(f[:8]) for p, f in sorted(failures.items()))
    assert not failures, f"wider than {width} px:\n{report}"
