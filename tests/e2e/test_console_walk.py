"""Issue 19 walked through as each demo staff member, on a 360-pixel phone in Thai, against `citizen run`
in demo mode: every section each of them can open, on the first run, shows work waiting (or says plainly
there is none), in Thai words: no raw code, no English sentence on a Thai screen, no browser dialog,
nothing wider than the phone, and axe-core finds nothing. Along the way: a template's category is a list
in words and a bad key is refused beside its field; a tile an agency's machine client sent is shown to
the reviewer with the client's name. Screenshots are numbered from 80 in ``tests/e2e/screenshots/``."""

from __future__ import annotations

import base64
import re

from playwright.async_api import Page

from tests.helpers.catalogue import tile
from tests.helpers.console import api, person
from tests.helpers.pwa import DemoApp, Phones, require_pwa_build, shot

require_pwa_build()

BOONMEE = "3700500123452"  # a demo citizen who paid the welfare department's fee (demo data)
RAW_CODES = re.compile(
    r"\b(unpaid|paid|cancelled|pending|approved|returned|in_review|draft|active|disabled|success|"
    r"agency_admin|agency_editor|agency_sender|agency_officer|platform_admin|support|api_key|none|"
    r"welfare|general|link|entitlement|bill_payment|permanent-failure|delivered|created)\b"
)
# Words that are the same in a Thai text: names of standards, products and things written in Latin.
LATIN_ALLOWED = re.compile(
    r"^(?:API|URL|HTTPS?|https?|OAuth 2\.0|TLS|SMS|LINE|QR|PromptPay|Biller ID|ID|JSON|CSV|PDF|CMS|HMAC|"
    r"SHA-256|webhook|Key|client ID|Client ID|Client secret|OAuth 2\.0 client credentials|[A-Z]{2,6}|"
    r"a-z, 0-9, -|x[x-]*[\d-]+|"
    r"client credentials|Thai QR|https://\S*|[\w.-]+@[\w.-]+|[\w-]+(?:\.[\w-]+)+|"
    r"[A-Z]{1,4}\d+[\w-]*|\{\w+\}|@\w+)$"
)

TABS = {  # the agency console's sections, as the screenshots' names say them
    "บริการ (ไทล์)": "tiles",
    "ตัวเชื่อมต่อ": "connectors",
    "แม่แบบข้อความ": "templates",
    "ส่งข้อความ": "send",
    "บิลและการชำระ": "bills",
    "การคืนเงิน": "refunds",
    "เว็บฮุก": "webhook",
    "ระบบของหน่วยงาน": "machine-clients",
    "ช่องทางทางการ": "official-channels",
}

# The words on screen a person reads as Thai text: outside code, inputs, parts marked English
# (lang="en"), things left untranslated on purpose (addresses, search words) and the tile previews
# (which show both languages by design); placeholders ({amount}) taken out.
_SHOWN = """() => {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const skip = 'code, pre, textarea, input, select, [lang=en], [translate=no], .visually-hidden, .preview';
    if (!el || el.closest(skip) || !el.checkVisibility()) continue;
    texts.push(node.textContent.replace(/\\{\\w+\\}/g, ' '));
  }
  return texts;
}"""
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'()/:@-]*[A-Za-z0-9)]")


class Walk:
    """What the walk saw wrong, all of it (one screen's problem does not hide the next one's), and the
    screenshots' numbers."""

    def __init__(self) -> None:
        self.number = 80
        self.problems: list[str] = []

    async def check(self, page: Page, where: str) -> None:
        """No raw code and no English sentence on the Thai screen, nothing wider than the phone; a
        screenshot checked by axe."""
        texts: list[str] = await page.evaluate(_SHOWN)
        codes = sorted({match.group(0) for text in texts for match in RAW_CODES.finditer(text)})
        if codes:
            self.problems.append(f"{where}: raw codes {codes}")
        runs = [
            run.removesuffix(")") if "(" not in run else run for t in texts for run in _LATIN_RUN.findall(t)
        ]
        english = [run for run in runs if not LATIN_ALLOWED.match(run.strip())]
        if english:
            self.problems.append(f"{where}: English on a Thai screen {english}")
        if await page.evaluate("document.documentElement.scrollWidth") > 360:
            self.problems.append(f"{where}: wider than the phone")
        await shot(page, f"{self.number}-walk-{where}")
        self.number += 1

    async def tabs(self, page: Page, who: str, tabs: list[str]) -> None:
        for tab in tabs:
            await page.click(f".segmented button:text-is('{tab}')")
            await page.wait_for_load_state("networkidle")
            await page.wait_for_timeout(300)  # the answer drawn, so that the full-page screenshot has it
            await self.check(page, f"{who}-{TABS[tab]}")


async def test_each_staff_member_walks_their_console_in_thai_at_360_px(  # noqa: PLR0915 (one walk, in order)
    demo_app: DemoApp, phones: Phones
) -> None:
    base = demo_app.base
    dialogs: list[str] = []

    async def staff(name: str) -> Page:
        page = await person(phones, base, name, "/console")
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await page.wait_for_selector("h1:has-text('คอนโซลเจ้าหน้าที่')")
        return page

    # The agency administrator: every section of her agency, bills from the demo data first.
    kanda = await staff("Kanda Phudulae")
    await kanda.click(".segmented button:text-is('บิลและการชำระ')")
    await kanda.locator("li.card", has_text="WD0002").filter(has_text="ใบเสร็จ").wait_for()
    tabs = ["บริการ (ไทล์)", "ตัวเชื่อมต่อ", "แม่แบบข้อความ", "ส่งข้อความ", "บิลและการชำระ", "การคืนเงิน"]
    tabs += ["เว็บฮุก", "ระบบของหน่วยงาน", "ช่องทางทางการ"]
    walk = Walk()
    await walk.tabs(kanda, "kanda", tabs)

    # Her machine client sends a tile for review (an agency's CMS, through the API).
    agency_id = (await api(kanda, "GET", "/api/v1/me"))["roles"][0]["agency_id"]
    client = {"name": "ระบบเว็บไซต์กรม", "scopes": ["tiles"]}
    issued = await api(kanda, "POST", f"/api/v1/agency/{agency_id}/clients", client)
    basic = base64.b64encode(f"{issued['client_id']}:{issued['client_secret']}".encode()).decode()
    token = await kanda.request.post(
        f"{base}/oauth/token",
        form={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    bearer = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
    made = await kanda.request.post(
        f"{base}/api/v1/agency/{agency_id}/tiles",
        data=tile(
            title_th="ขอหนังสือรับรองผู้สูงอายุ",
            title_en="Older person's letter",
            link_url="https://welfare.demo.invalid/letter",
        ),
        headers=bearer,
    )
    assert made.ok, await made.text()
    tile_id = (await made.json())["id"]
    sent = await kanda.request.post(
        f"{base}/api/v1/agency/{agency_id}/tiles/{tile_id}/submit", headers=bearer
    )
    assert sent.ok, await sent.text()

    # The editor: the tile the reviewer returned, with the comment beside the form.
    niran = await staff("Niran Khiandee")
    await walk.tabs(niran, "niran", ["บริการ (ไทล์)"])

    # The sender: a template's category from a list in words; a bad key refused beside its field.
    pim = await staff("Pim Songkhao")
    await walk.tabs(pim, "pim", ["แม่แบบข้อความ", "ส่งข้อความ"])
    await pim.click(".segmented button:text-is('แม่แบบข้อความ')")
    category = pim.locator("label.field:has(> span:text-is('หมวดของข้อความ')) select")
    assert "ข่าวสารทั่วไป" in await category.locator("option").all_inner_texts()
    await category.select_option(label="สวัสดิการ")
    await pim.locator("label.field:has(> span:text-is('รหัส (Key)')) input").fill("x")
    await pim.locator("label.field:has(> span:text-is('ชื่อ (ไทย)')) input").fill("ประกาศ")
    await pim.locator("label.field:has(> span:text-is('ชื่อ (อังกฤษ)')) input").fill("Notice")
    await pim.locator("textarea").nth(0).fill("ข้อความ")
    await pim.locator("textarea").nth(1).fill("A note")
    await pim.evaluate("document.querySelector('form input[pattern]').removeAttribute('pattern')")
    await pim.click("button:text-is('บันทึกแม่แบบ')")
    await pim.locator("label.field:has(> span:text-is('รหัส (Key)')) .field-error").wait_for()
    await walk.check(pim, "pim-template-key-refused-beside-the-field")

    # The platform administrator: the review queue names who sent each item, the machine client too.
    anan = await staff("Anan Dulaerabop")
    from_client = anan.locator("li.review-item", has=anan.locator("h4:has-text('ขอหนังสือรับรองผู้สูงอายุ')"))
    assert "ระบบของหน่วยงาน “ระบบเว็บไซต์กรม”" in await from_client.inner_text()
    await walk.check(anan, "anan-review-queue")

    # Support: Boonmee's paid welfare fee, with its receipt, in words.
    siri = await staff("Siri Chuailuea")
    await siri.fill("label:has-text('เลขประจำตัวประชาชน') input", BOONMEE)
    await siri.click("form >> button:has-text('ค้นหา')")
    await siri.click("button:has-text('แสดงบิลและการชำระ')")
    await siri.wait_for_selector("text=ค่าธรรมเนียมออกบัตรสวัสดิการแห่งรัฐแทนบัตรที่หาย")
    await walk.check(siri, "siri-citizen-found")
    # ... and the money that did not match its bill, waiting for her decision (the demo's one).
    await siri.click(".segmented button:text-is('เงินเข้าไม่ตรงบิล')")
    await siri.wait_for_selector("text=เงินเข้าหลังหมดเวลาชำระหรือหลังยกเลิกบิล")
    await walk.check(siri, "siri-payment-exceptions")

    assert walk.problems == [], "\n".join(walk.problems)
    assert dialogs == [], dialogs
