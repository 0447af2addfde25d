"""Staff consoles in the browser: another person's calls made from their own page (session cookie and
CSRF header), as their app would send them, and a second person in a browser profile of their own."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Page, ViewportSize

from tests.helpers.pwa import log_in

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


async def person(browser: Browser, base: str, name: str, next_path: str = "/") -> Page:
    """A separate browser profile (its own session), in Thai at 360 px, logged in as the demo person."""
    viewport: ViewportSize = {"width": 360, "height": 800}
    context = await browser.new_context(locale="th-TH", viewport=viewport, bypass_csp=True)
    page = await context.new_page()
    await log_in(page, base, name, next_path)
    return page
