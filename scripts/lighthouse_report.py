"""Lighthouse report for the citizen app (a report, not a test): ``make lighthouse``.

Starts ``citizen run`` in demo mode on free ports with its own state folder, logs in as a demo citizen
in Debian's Chromium (Playwright) to get a session, then runs npm's ``lighthouse`` (fetched by npx on
first use) with the same Chromium and mobile emulation on the home, entitlements and bills screens.
Lighthouse 12 and later no longer score installability, so that is asked of Chromium itself
(``Page.getInstallabilityErrors``: none means the browser would offer to install the app).
Reports land in ``var/lighthouse/``; targets: performance 90+, accessibility 100.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from tests.helpers.ports import free_port
from tests.helpers.pwa import CHROMIUM, FLAGS
from tests.helpers.run_command import RunCommand

LIGHTHOUSE = "lighthouse@13.5.0"
SCREENS = {"home": "/", "entitlements": "/entitlements", "bills": "/bills"}
CATEGORIES = ("performance", "accessibility", "best-practices")
OUT = Path("var/lighthouse")


async def _session_and_installability(base: str) -> tuple[str, list[str]]:
    async with async_playwright() as playwright:
        # A profile on disk: Chromium never offers to install an app from an incognito window.
        context = await playwright.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="citizen-lighthouse-profile-"), executable_path=CHROMIUM, args=FLAGS
        )
        page = await context.new_page()
        await page.goto(f"{base}/auth/login?next=/")
        await page.click("text=Malee Sukjai")
        await page.wait_for_url(f"{base}/")
        await page.wait_for_selector(".tile")
        await page.evaluate("navigator.serviceWorker.ready")
        cdp = await context.new_cdp_session(page)
        answer = await cdp.send("Page.getInstallabilityErrors")
        errors = [error["errorId"] for error in answer.get("installabilityErrors", [])]
        cookie = next(c for c in await context.cookies() if c["name"].endswith("session"))
        await context.close()
        return f"{cookie['name']}={cookie['value']}", errors


def _lighthouse(url: str, cookie: str, report: Path) -> dict[str, float]:
    flags = " ".join(["--headless=new", *FLAGS])
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            shutil.which("npx") or "npx", "--yes", LIGHTHOUSE, url,
            f"--chrome-path={CHROMIUM}", f"--chrome-flags={flags}",
            f"--extra-headers={json.dumps({'Cookie': cookie})}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json", f"--output-path={report}", "--quiet",
        ],
        check=True,
    )  # fmt: skip
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    run = RunCommand(Path(tempfile.mkdtemp(prefix="citizen-lighthouse-")) / "var", port, free_port())
    run.wait_until_ready()
    base = f"http://127.0.0.1:{port}"
    try:
        cookie, install_errors = asyncio.run(_session_and_installability(base))
        print(f"{'screen':<14}" + "".join(f"{name:>16}" for name in CATEGORIES))
        for screen, path in SCREENS.items():
            scores = _lighthouse(f"{base}{path}", cookie, OUT / f"{screen}.json")
            print(f"{screen:<14}" + "".join(f"{scores[name]:>16}" for name in CATEGORIES))
        print(f"installable: {'yes' if not install_errors else 'no: ' + ', '.join(install_errors)}")
        print(f"reports: {OUT}/*.json (mobile emulation, Lighthouse's default throttling)")
    finally:
        run.ctrl_c()
    return 0


if __name__ == "__main__":
    sys.exit(main())
