"""The PWA in headless Chromium: where things are, screenshots with axe-core checks, logging in and paying."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import BrowserContext, Locator, Page, ViewportSize, expect

PWA_DIST = Path(__file__).parents[2] / "pwa" / "dist"
AXE = Path(__file__).parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parents[1] / "e2e" / "screenshots"
PHONE = ViewportSize(width=360, height=740)
"""The phone the citizen app is tested on (the browser tests' ``phone`` fixture)."""
TALL_PHONE = ViewportSize(width=360, height=800)
"""The taller phone some journeys were written on: ``phones(viewport=TALL_PHONE)``, or by the marker."""
Phones = Callable[..., Awaitable[BrowserContext]]
"""The ``phones`` fixture: ``await phones(**new_context options)`` makes one more phone."""
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_pwa_build() -> None:
    """Called by each browser test module on import, so that a missing build fails loudly."""
    if not (PWA_DIST / "index.html").exists() or not Path(CHROMIUM).exists():
        raise RuntimeError("the PWA build or Chromium is missing: `make unit` (or `make test`) provides both")


class DemoApp:
    def __init__(self, base: str, agencies: str, log: Path) -> None:
        self.base, self.agencies, self.log = base, agencies, log


_PAST_THE_EDGE = """() => [...document.querySelectorAll('body *')]
    .filter(element => element.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 10).map(element => element.outerHTML.slice(0, 80))"""


async def fits(page: Page, where: str) -> None:
    """Nothing wider than the phone's screen (the page scrolls up and down, never sideways); a failure
    names the elements reaching past the edge."""
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        wide = await page.evaluate(_PAST_THE_EDGE)
        raise AssertionError(f"{where} is {overflow}px wider than the phone: {wide}")


async def view(page: Page, name: str) -> None:
    """What the phone's screen shows (not the whole page): the fixed bottom bar where a person sees it."""
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


async def tap_size(page: Page, selector: str) -> None:
    """Every element ``selector`` finds is a tap target of at least 44 by 44 px."""
    for target in await page.locator(selector).all():
        box = await target.bounding_box()
        assert box is not None, selector
        assert box["height"] >= 44, (selector, box)
        assert box["width"] >= 44, (selector, box)


async def shot(page: Page, name: str) -> None:
    """A screenshot of the screen, and axe-core's WCAG 2.2 A/AA check of it, which must find nothing."""
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    await page.add_script_tag(path=str(AXE))
    violations = await page.evaluate(
        """axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]})
           .then(r => r.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", ")))"""
    )
    assert violations == [], f"{name}: {violations}"


async def pay_at_the_demo_bank(citizen: BrowserContext, base: str, payload: str) -> None:
    """The citizen's bank app pays the Thai QR: another app, so a browser context of its own (the
    citizen's page stays in front), and closed only once the bank has said the platform took it."""
    assert citizen.browser is not None
    bank = await citizen.browser.new_context()
    try:
        page = await bank.new_page()
        await page.goto(f"{base}/demo-bank")
        await page.fill("textarea[name=payload]", payload)
        await page.click("button:has-text('Read code')")
        await page.click("button:has-text('Pay')")
        await page.wait_for_selector("text=Paid. The app shows the receipt now.", timeout=30_000)
    finally:
        await bank.close()


async def receipt_in_inbox(page: Page, tries: int = 10) -> Locator:
    """The receipt message on the inbox page open in ``page``, reloaded while it is not there yet: the
    worker writes it a moment after the payment it tells of (``payments/receipt_message.py``)."""
    receipt = page.locator("li.message:has-text('ชำระเงินสำเร็จ')").first
    for _ in range(tries):
        with contextlib.suppress(AssertionError):
            await expect(receipt).to_be_visible(timeout=2_000)
            return receipt
        await page.reload()
    await expect(receipt).to_be_visible()
    return receipt


async def log_in(page: Page, base: str, person: str, next_path: str) -> None:
    await page.goto(f"{base}/auth/login?next={next_path}")
    await page.click(f"text={person}")
    await page.wait_for_url(f"{base}{next_path}")
