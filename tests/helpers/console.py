"""Staff consoles in the browser: another person's calls made from their own page (session cookie and
CSRF header), as their app would send them, and a second person in a browser profile of their own."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Locator, Page

from tests.helpers.pwa import TALL_PHONE, Phones, log_in

_API = """async ([method, path, body]) => {
    const me = await (await fetch('/api/v1/me')).json();
    const headers = {'X-CSRF-Token': me.csrf_token, Accept: 'application/json'};
    if (body !== null) headers['Content-Type'] = 'application/json';
    const init = {method, headers, body: body === null ? undefined : JSON.stringify(body)};
    const response = await fetch(path, init);
    return {status: response.status, body: await response.json().catch(() => null)};
}"""


async def api(page: Page, method: str, path: str, body: Any = None) -> Any:
    """The answer's body; anything but a success fails the test with the answer."""
    answer = await page.evaluate(_API, [method, path, body])
    assert answer["status"] < 300, (method, path, answer)
    return answer["body"]


async def person(phones: Phones, base: str, name: str, next_path: str = "/") -> Page:
    """A phone of the person's own (its own session), the taller one, logged in as the demo person."""
    page = await (await phones(viewport=TALL_PHONE)).new_page()
    await log_in(page, base, name, next_path)
    return page


async def agency_console(phones: Phones, base: str, tab: str, name: str = "Kanda Phudulae") -> Page:
    """The demo agency administrator (Kanda, unless named) on the console's tab ``tab``."""
    page = await person(phones, base, name, "/console")
    await page.wait_for_selector("h1:has-text('คอนโซลเจ้าหน้าที่')")
    await page.click(f".segmented button:text-is('{tab}')")
    return page


def entry(page: Page, text: str) -> Locator:
    """The list's entry (a card, or a table's row) that has the text."""
    return page.locator("li.card, tbody tr", has_text=text)


async def shows(page: Page, title: str, state: str) -> None:
    """Wait until the list's entry for ``title`` says ``state`` (the list reloads after each change)."""
    await entry(page, title).filter(has_text=state).wait_for()


async def fits_beside_tables(page: Page) -> None:
    """Nothing wider than the phone's screen (a wide table scrolls inside itself)."""
    wide = await page.evaluate(
        """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361)
           .filter(e => !e.parentElement.closest('table')).slice(0, 5)
           .map(e => e.tagName + '.' + e.className + ' ' + e.id)"""
    )
    assert wide == [], wide
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
