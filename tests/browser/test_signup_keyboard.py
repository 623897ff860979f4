"""The signup form with the keyboard only, and at 200 % zoom."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page

from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser

ACTIVE = """() => {
  const e = document.activeElement;
  return e ? (e.id || e.getAttribute("name") || e.tagName.toLowerCase()) : "";
}"""
# The focused element's name and its place in the document (names repeat: links are "a").
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return ["body", -1];
  const name = e.id || e.getAttribute("name") || e.tagName.toLowerCase();
  return [name, Array.from(document.querySelectorAll("*")).indexOf(e)];
}"""
# Every control of the form a person fills in, in the order they appear.
FORM_CONTROLS = """() => Array.from(
  document.querySelectorAll("form[action^='/join'] input, form[action^='/join'] select,"
    + " form[action^='/join'] textarea, form[action^='/join'] button")
).filter(e => e.type !== "hidden" && !e.closest(".honeypot"))
 .map(e => e.id || e.getAttribute("name") || e.tagName.toLowerCase())"""


async def tab_through(page: Page, limit: int = 150) -> list[str]:
    """Where focus lands on each Tab from the top of the page, until it leaves the page."""
    seen: list[str] = []
    first = None
    for _ in range(limit):
        await page.keyboard.press("Tab")
        name, where = await page.evaluate(FOCUSED)
        if where == -1:
            if seen:
                break  # past the last control: focus went to the browser
            continue
        if where == first:
            break
        first = where if first is None else first
        seen.append(name)
    return seen


async def test_tab_reaches_every_signup_field_in_order_and_skips_the_honeypot(
    page: Page,
) -> None:
    await page.goto("/join?lang=fi")
    await page.bring_to_front()
    controls: list[str] = await page.evaluate(FORM_CONTROLS)
    assert {"email", "first_name", "consent", "surveys"} <= set(controls)
    order = await tab_through(page)
    reached = [c for c in order if c in controls]
    # Checkboxes with the same name (topics) are separate stops: compare the whole sequence.
    assert reached == controls, f"Tab order {order} != form order {controls}"
    assert "website" not in order, "the honeypot must not take focus"


async def test_empty_signup_by_keyboard_shows_an_error_summary_with_links_to_fields(
    page: Page,
) -> None:
    await page.goto("/join?lang=en")
    for _ in range(120):
        await page.keyboard.press("Tab")
        if await page.evaluate("() => document.activeElement.type === 'submit'"):
            break
    await page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    await summary.wait_for()
    await page.screenshot(path=screenshot_path("join-errors-keyboard-en"), full_page=True)
    assert (await page.title()).startswith("Error:")
    focused_in_summary = await page.evaluate(
        "() => !!document.activeElement.closest('#error-summary')"
    )
    announced = await summary.get_attribute("role") == "alert"
    assert focused_in_summary or announced, "the error summary is neither focused nor announced"
    links = summary.locator("a[href^='#']")
    targets = [await links.nth(i).get_attribute("href") for i in range(await links.count())]
    assert "#email" in targets and "#consent" in targets, targets
    for target in targets:
        assert await page.locator(target or "#missing").count() == 1, f"{target} links nowhere"
    # Following a link by keyboard puts focus on that field.
    for _ in range(60):
        await page.keyboard.press("Tab")
        if await page.evaluate("() => document.activeElement.getAttribute('href') === '#email'"):
            break
    await page.keyboard.press("Enter")
    assert await page.evaluate(ACTIVE) == "email"
    assert await page.get_attribute("#email", "aria-invalid") == "true"


@pytest.mark.parametrize("path", ["/join?lang=fi", "/join?lang=sv", "/privacy?lang=fi"])
async def test_no_horizontal_scrolling_at_200_percent_zoom(
    context: BrowserContext, path: str
) -> None:
    # 200 % zoom on a 1280 px wide window = a 640 CSS px wide viewport (WCAG 1.4.10 Reflow).
    page = await context.new_page()
    await page.set_viewport_size({"width": 640, "height": 800})
    await page.goto(path)
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    await page.screenshot(path=screenshot_path(f"zoom-200-{path}"), full_page=True)
    assert widths[0] <= widths[1], f"{path} scrolls sideways: {widths}"
