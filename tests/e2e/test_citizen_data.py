"""A citizen's own data on a 360 px phone, in headless Chromium against a `citizen run` of its own (demo
mode): "my entitlements" telling benefits, fees and statuses apart (issue 18, item 3), every screen in
Thai with no English left on it (item 5), "who accessed my data" paged and filtered with staff look-ups
in sight (item 9), and informed consent given and withdrawn (item 10), the last two in English too.
Screenshots in ``tests/e2e/screenshots/`` (60-69, 33-34 in English), each checked by axe-core."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import BrowserContext, Page, expect

from backend.demo.people import DEMO_PEOPLE_BY_KEY
from tests.helpers.console import api
from tests.helpers.pwa import DemoApp, Phones, fits, log_in, require_pwa_build, shot

require_pwa_build()

PWA_SRC = Path(__file__).parents[2] / "pwa" / "src"
MALEE = "Malee Sukjai"
SUPPORT = "Siri Chuailuea"
# Every citizen screen a logged-in person can open without an id of their own.
SCREENS = (
    "/",
    "/entitlements",
    "/bills",
    "/inbox",
    "/settings",
    "/data-access",
    "/applications",
    "/wallet",
    "/help",
)

# Every piece of text a person sees (text nodes, and the labels of controls read aloud).
_TEXTS = """() => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, parent = node.parentElement;
        if (!parent || parent.closest('script, style, [hidden], .technical, code')) continue;
        const text = node.textContent.trim();
        if (text) texts.push(text);
    }
    for (const element of document.querySelectorAll('[aria-label], [alt], [title]'))
        for (const name of ['aria-label', 'alt', 'title'])
            if (element.getAttribute(name)) texts.push(element.getAttribute(name).trim());
    return texts;
}"""
_PAIR = re.compile(r"""\bth:\s*(["`])((?:(?!\1).)*)\1,\s*en:\s*(["`])((?:(?!\3).)*)\3""")
_THAI = re.compile(r"[\u0E00-\u0E7F]")


def _english_words() -> set[str]:
    """The English side of every pair the citizen app says (the dictionary and words written in place)."""
    words: set[str] = set()
    shown_in_thai: set[str] = set()  # "English" on the button offering English, in Thai mode too
    for path in PWA_SRC.rglob("*.ts*"):
        if "console" in path.parts or ".test." in path.name or path.name.endswith(".d.ts"):
            continue
        text = re.sub(r"\n\s*", " ", path.read_text(encoding="utf-8"))
        words |= {
            english
            for _, th, _, english in _PAIR.findall(text)
            if not _THAI.search(english) and th != english
        }
        shown_in_thai |= {th for _, th, _, _ in _PAIR.findall(text)}
    return {word for word in words - shown_in_thai if "{" not in word and len(word) > 2}


async def _phone(phones: Phones, language: str = "th", text_size: int = 100) -> BrowserContext:
    context = await phones()
    await context.add_init_script(
        f"localStorage.setItem('language', '{language}'); localStorage.setItem('text-size', '{text_size}');"
    )
    return context


async def test_entitlements_tell_benefits_fees_and_statuses_apart(demo_app: DemoApp, phones: Phones) -> None:
    """Item 3: what the citizen receives first, then what they could claim, then the rest; a fee is
    never offered as something they "may be eligible" for; amounts say their period."""
    for language, size, name in (("th", 100, "60-entitlements-th"), ("en", 100, "61-entitlements-en"),
                                 ("th", 200, "62-entitlements-th-200pc")):  # fmt: skip
        context = await _phone(phones, language, size)
        page = await context.new_page()
        await log_in(page, demo_app.base, MALEE, "/entitlements")
        await page.wait_for_selector("#claimable-title")
        headings = await page.locator("main h2, section > h2").all_inner_texts()
        claimable = await page.inner_text(".claimable")
        fees = await page.inner_text("section:has(> #fees-title)")
        if language == "th":
            assert "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด" in claimable
            assert "600.00 บาท ต่อเดือน" in claimable
            assert "ขอใบแทนประกาศนียบัตร" in fees
            assert "ค่าธรรมเนียม 50.00 บาท" in fees
            assert "ใบแทน" not in claimable  # a fee-paying service is not "may be eligible"
            assert "มีสิทธิ์ ยังไม่ลงทะเบียน" not in fees
            status = await page.inner_text("section:has(> #status-title)")
            assert "บัตรทอง" in status
            order = [h for h in headings if h in {"ความคุ้มครองและสถานะของคุณ", "บริการที่มีค่าธรรมเนียม"}]
            assert order == ["ความคุ้มครองและสถานะของคุณ", "บริการที่มีค่าธรรมเนียม"]
            assert headings.index(await page.inner_text("#claimable-title")) < headings.index(order[0])
        else:
            assert "600.00 baht a month" in claimable
            assert "Fee 50.00 baht" in fees
        assert await page.locator("#receiving-title").count() == 0  # she receives nothing yet: not shown
        await fits(page, name)
        await shot(page, name)
        await context.close()


async def test_what_the_citizen_receives_comes_first(demo_app: DemoApp, phones: Phones) -> None:
    """Item 3: Boonmee holds the state welfare card (a benefit she receives): "what you receive" leads
    the page, before what she could claim, her cover and the fee-paying services."""
    context = await _phone(phones)
    page = await context.new_page()
    await log_in(page, demo_app.base, "Boonmee Phophiang", "/entitlements")
    receiving = page.locator("section:has(> #receiving-title)")
    await expect(receiving).to_contain_text("บัตรสวัสดิการแห่งรัฐ")
    assert await page.inner_text("#receiving-title") == "สิทธิ์ที่คุณได้รับอยู่"
    assert "บาท ต่อเดือน" in await receiving.inner_text()
    assert "กำลังได้รับ" in await receiving.inner_text()
    await expect(page.locator("section:has(> #fees-title)")).to_contain_text("ขอใบแทนประกาศนียบัตร")
    order = await page.evaluate(
        "ids => ids.map(id => document.getElementById(id)).filter(Boolean).map(h => h.id)",
        ["receiving-title", "claimable-title", "status-title", "fees-title", "other-title"],
    )
    assert order[0] == "receiving-title", order
    assert {"status-title", "fees-title"} <= set(order), order
    top = "h => h.getBoundingClientRect().top"
    positions = [await page.locator(f"#{id_}").evaluate(top) for id_ in order]
    assert positions == sorted(positions), (order, positions)  # first on the screen, not only in the DOM
    await fits(page, "entitlements with a benefit received")
    await shot(page, "69-entitlements-receiving-first-th")


async def test_thai_screens_show_no_english(demo_app: DemoApp, phones: Phones) -> None:
    """Item 5: in Thai, no screen shows a string of the app's English words, nor an agency's English
    text where it gave a Thai one."""
    context = await _phone(phones)
    page = await context.new_page()
    await log_in(page, demo_app.base, MALEE, "/entitlements")
    await page.wait_for_selector("#claimable-title")
    english = _english_words()
    assert "Who accessed my data" in english
    assert "Show older entries" in english
    record = await api(page, "GET", "/api/v1/me/data-access")
    agency_texts = {
        text
        for item in record["items"]
        for th, en in [
            (item["purpose_th"], item["purpose_en"]),
            *zip(item["fields_th"], item["fields_en"], strict=True),
        ]
        for text in (en,)
        if th != en
    }
    assert agency_texts, record  # the entitlements page's calls are there, in both languages
    terms = await api(page, "GET", "/api/v1/me/consents/terms/" + await _credit_connector(page))
    seen: dict[str, list[str]] = {}
    for path in (*SCREENS, f"/entitlements/consent/{terms['connector_id']}"):
        await page.goto(f"{demo_app.base}{path}")
        await page.wait_for_selector("main h1")
        await page.wait_for_function(
            "!document.querySelector('main [role=status]')?.textContent?.includes('กำลังโหลด')"
        )
        texts = await page.evaluate(_TEXTS)
        found = sorted(
            {
                text
                for text in texts
                if text in english or text in agency_texts or text in {terms["purpose_en"]}
            }
        )
        if found:
            seen[path] = found
    assert seen == {}, seen


async def _credit_connector(page: Page) -> str:
    listing = await api(page, "GET", "/api/v1/entitlements?lang=th")
    [credit] = [agency for agency in listing["agencies"] if agency["consent_required"]]
    return str(credit["connector_id"])


async def test_who_accessed_my_data_pages_filters_and_keeps_staff_in_sight(
    demo_app: DemoApp, phones: Phones
) -> None:
    """Item 9: in the citizen's language; repeated agency calls grouped so a support look-up stays
    near the top; filter by kind and by agency; "ดูเพิ่มเติม" pages back."""
    citizen = await _phone(phones)
    page = await citizen.new_page()
    await log_in(page, demo_app.base, MALEE, "/entitlements")
    await page.wait_for_selector("#claimable-title")
    staff = await _phone(phones, "en")
    support = await staff.new_page()
    await log_in(support, demo_app.base, SUPPORT, "/")
    malee = DEMO_PEOPLE_BY_KEY["malee"].national_id
    for _ in range(22):  # more look-ups than one page holds
        await api(support, "POST", "/api/v1/support/citizens/find", {"national_id": malee})
    await staff.close()

    await page.goto(f"{demo_app.base}/data-access")
    entries = page.locator("ol.access > li")
    await expect(entries.first).to_be_visible()
    first = await entries.all_inner_texts()
    assert any("เจ้าหน้าที่ค้นหาคุณด้วยเลขประจำตัวประชาชน" in entry for entry in first[:10]), first
    assert not any("Support staff" in entry for entry in first)
    count = await entries.count()
    more = page.get_by_role("button", name="ดูเพิ่มเติม")
    await more.scroll_into_view_if_needed()
    await fits(page, "who accessed my data")
    await shot(page, "63-data-access-th")
    await more.click()
    await expect(entries).not_to_have_count(count)
    assert await entries.count() > count
    older = await entries.all_inner_texts()
    assert any("ระบบถามข้อมูลจากหน่วยงาน" in entry for entry in older[count:]), older  # the calls, grouped

    # The newest entries already match each filter, so the list is waited for as a whole: checking
    # only the first entry passed on the list from before the filter (a CI flake).
    await page.locator(".filters select").first.select_option("staff_lookup")
    await page.wait_for_function(_LISTED, arg=["เจ้าหน้าที่", 0])
    await expect(entries.first).to_contain_text("เจ้าหน้าที่เปิดดู")
    await page.locator(".filters select").first.select_option("agency_call")
    await page.wait_for_function(_LISTED, arg=["ระบบถามข้อมูลจากหน่วยงาน", 0])
    await page.locator(".filters select").last.select_option(label="สำนักงานหลักประกันสุขภาพสาธิต")
    await page.wait_for_function(_LISTED, arg=["สิทธิรักษาพยาบาล", 0])
    await shot(page, "64-data-access-filtered-th")
    await _the_record_in_english(page)


# Whether the record lists ``text`` among its first ``among`` entries (0: in every entry listed).
_LISTED = """([text, among]) => {
    const entries = [...document.querySelectorAll('ol.access > li')].map(li => li.textContent);
    if (entries.length === 0 || document.querySelector('main .loading')) return false;
    return among ? entries.slice(0, among).some(t => t.includes(text)) : entries.every(t => t.includes(text));
}"""


async def _the_record_in_english(page: Page) -> None:
    """The same record in English words, staff look-ups near the top, filtered by kind."""
    entries = page.locator("ol.access > li")
    await page.click("header button.language")  # not reloaded: the phone's start-up script says Thai
    await expect(page.locator("main h1")).to_have_text("Who accessed my data")
    for choice in await page.locator(".filters select").all():
        await choice.select_option("")
    # Each filter loads the record again: waited for by what the new list says, not by time. Among the first
    # page (20), not the first 10: a background refresh of the entitlements this test opened may record its
    # eight calls after the look-up (the full suite failed here once this session, alone it passes).
    await page.wait_for_function(_LISTED, arg=["Support staff looked you up by your national ID", 20])
    english = await entries.all_inner_texts()
    assert not any(_THAI.search(entry) for entry in english), english
    await page.locator(".filters select").first.select_option("staff_lookup")
    await page.wait_for_function(_LISTED, arg=["Support staff", 0])
    await expect(entries.first).to_contain_text("Staff look-ups")
    await fits(page, "who accessed my data in English")
    await shot(page, "33-data-access-en")


async def test_consent_is_informed_and_withdrawal_confirmed(demo_app: DemoApp, phones: Phones) -> None:
    """Item 10: which agency, which data, what for and how long, then a confirmation; withdrawing asks
    once more; "needs your consent" is information, not an error."""
    context = await _phone(phones)
    page = await context.new_page()
    await log_in(page, demo_app.base, "Somchai Jaidee", "/entitlements")
    ask = page.locator(".consent-ask")
    await expect(ask).to_contain_text("รายงานข้อมูลเครดิต")
    assert await ask.get_attribute("role") is None
    assert await page.locator(".notice.error", has_text="ความยินยอม").count() == 0
    await shot(page, "65-consent-asked-th")

    await ask.get_by_role("link").click()
    await page.wait_for_url(re.compile(r".*/entitlements/consent/\d+$"))
    terms = await page.inner_text(".consent-terms")
    for told in ("บริษัทข้อมูลเครดิตสาธิต", "สถานะรายงานข้อมูลเครดิต", "แสดงรายงานข้อมูลเครดิตของคุณในแอป", "90 วัน"):
        assert told in terms, terms
    assert "2570" in terms or "2569" in terms  # the end date in the Buddhist era
    await fits(page, "the consent screen")
    await shot(page, "66-consent-terms-th")
    await page.get_by_role("button", name="ยินยอม", exact=True).click()
    await page.wait_for_url(f"{demo_app.base}/entitlements")
    await expect(page.locator("#consents-title")).to_be_visible()
    await expect(page.locator(".consent-ask")).to_have_count(0)
    await expect(page.locator("section:has(> #fees-title)")).to_contain_text("ขอรายงานข้อมูลเครดิต")

    await page.get_by_role("link", name="ดูหรือถอนความยินยอม").click()
    await page.get_by_role("button", name="ถอนความยินยอม").click()
    confirm = page.get_by_role("alertdialog")
    await expect(confirm).to_contain_text("ถอนความยินยอมใช่ไหม")
    await shot(page, "67-consent-withdraw-confirm-th")
    await confirm.get_by_role("button", name="ไม่ถอน").click()
    await expect(confirm).to_have_count(0)
    await page.get_by_role("button", name="ถอนความยินยอม").click()
    await page.get_by_role("button", name="ใช่ ถอนความยินยอม").click()
    await page.wait_for_url(f"{demo_app.base}/entitlements")
    await expect(page.locator(".consent-ask")).to_contain_text("รายงานข้อมูลเครดิต")

    # In English: the same terms in English words, the end date in the Common Era.
    await page.click("header button.language")
    await page.get_by_role("link", name="Read what you would agree to").click()
    in_english = page.locator(".consent-terms")
    await expect(page.locator("#consent-title")).to_have_text("Consent to share your data")
    await expect(in_english).to_contain_text("90 days (until")
    english = await in_english.inner_text()
    assert "What the agency would share" in english
    assert not _THAI.search(english), english
    assert re.search(r"\b20[2-9]\d\b", english), english  # the Common Era, not 25xx
    await expect(page.get_by_role("button", name="I agree", exact=True)).to_be_visible()
    await fits(page, "the consent screen in English")
    await shot(page, "34-consent-terms-en")
