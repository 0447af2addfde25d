"""One-tap scam reports: anyone reports a message, support staff group and decide them, a published
warning reaches everyone and answers later reports at once; what was pasted is purged."""

from __future__ import annotations

import base64
import io

import httpx
from PIL import Image

from backend.core.resources import Resources
from backend.genuine import scams
from tests.integration.conftest import SignIn

SMS = (
    "กรมสวัสดิการ: ท่านได้รับเงินเยียวยา 5,000 บาท กดรับสิทธิที่ https://Dsdw-Rights.example/claim?id=0812345678 ภายในวันนี้"
)
WARNING = {
    "title_th": "ระวัง SMS ปลอมอ้างเงินเยียวยา",
    "title_en": "Beware of fake relief-payment SMS",
    "body_th": "ลิงก์ dsdw-rights.example ไม่ใช่ของรัฐ อย่ากดและอย่ากรอกข้อมูล",
    "body_en": "dsdw-rights.example is not a government site: do not open it or enter anything.",
}


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


async def test_reports_are_grouped_marked_as_scam_and_the_warning_reaches_everyone(
    client: httpx.AsyncClient, sign_in: SignIn, resources: Resources
) -> None:
    citizen = await sign_in()
    support = await sign_in(("support", None))

    public = await client.post("/api/v1/scam-reports", json={"text": SMS, "screenshot": _png()})
    assert public.status_code == 201, public.text
    assert public.json() | {"id": 0} == {
        "id": 0, "link_host": "dsdw-rights.example", "sender": None, "status": "pending", "warning": None,
    }  # fmt: skip
    mine = await citizen.post(
        "/api/v1/scam-reports",
        json={"text": "รับสิทธิ์ได้ที่ www.dsdw-rights.example/x", "sender": "+66 81-234-5678"},
    )
    assert mine.status_code == 201, mine.text
    assert (mine.json()["link_host"], mine.json()["sender"]) == ("www.dsdw-rights.example", "0812345678")
    other = await client.post("/api/v1/scam-reports", json={"sender": "TH-Post", "text": "พัสดุของท่านตกค้าง"})
    assert other.status_code == 201, other.text

    by_host = (await support.get("/api/v1/support/scam-reports/groups", params={"key": "link_host"})).json()
    assert {(g["value"], g["reports"], g["screenshots"]) for g in by_host} == {
        ("dsdw-rights.example", 1, 1), ("www.dsdw-rights.example", 1, 0), (None, 1, 0),
    }  # fmt: skip
    assert all(g["first_seen"] <= g["last_seen"] for g in by_host)
    by_sender = (await support.get("/api/v1/support/scam-reports/groups", params={"key": "sender"})).json()
    assert {(g["value"], g["reports"]) for g in by_sender} == {("0812345678", 1), ("th-post", 1), (None, 1)}

    group = (
        await support.get(
            "/api/v1/support/scam-reports", params={"key": "link_host", "value": "dsdw-rights.example"}
        )
    ).json()
    [report] = group  # the subdomain's report is its own group until a warning covers the host
    assert report["text"] == SMS
    assert report["has_screenshot"]
    assert not report["from_app"]
    shot = await support.get(f"/api/v1/support/scam-reports/{report['id']}/screenshot")
    assert shot.status_code == 200
    assert shot.headers["content-type"] == "image/png"
    assert shot.headers["content-security-policy"].startswith("sandbox")

    published = await support.post(
        "/api/v1/support/scam-warnings",
        json={"key": "link_host", "value": "HTTPS://dsdw-rights.example/"} | WARNING,
    )
    assert published.status_code == 201, published.text
    warning = published.json()
    assert (warning["link_host"], warning["sender"], warning["withdrawn_at"]) == (
        "dsdw-rights.example",
        None,
        None,
    )

    # Both reports under the host are decided and what was pasted is gone; the sender's group stays.
    assert [g["value"] for g in (await support.get("/api/v1/support/scam-reports/groups")).json()] == [None]
    rows = await resources.pool.fetch(
        "SELECT status, message_text, link, screenshot, link_host, purged_at FROM scam_reports "
        "WHERE link_host LIKE '%dsdw-rights.example'"
    )
    assert {(r["status"], r["message_text"], r["link"], r["screenshot"]) for r in rows} == {
        ("scam", None, None, None)
    }
    assert all(r["purged_at"] is not None for r in rows)
    assert (await support.get(f"/api/v1/support/scam-reports/{report['id']}/screenshot")).status_code == 404

    # Everyone sees it, cacheable; the citizen who reported from the app sees the outcome.
    listed = await client.get("/api/v1/scam-warnings")
    assert listed.headers["cache-control"] == "public, max-age=0, s-maxage=60"
    assert [w["title_th"] for w in listed.json()] == [WARNING["title_th"]]
    [outcome] = (await citizen.get("/api/v1/scam-reports/mine")).json()
    assert (outcome["status"], outcome["warning_title_en"]) == ("scam", WARNING["title_en"])

    # A later report of a covered link is answered at once as a known scam, keeping nothing pasted.
    again = await client.post(
        "/api/v1/scam-reports", json={"text": "โปรดกด https://pay.dsdw-rights.example/ok"}
    )
    assert again.json()["status"] == "scam"
    assert again.json()["warning"]["id"] == warning["id"]
    kept = await resources.pool.fetchrow(
        "SELECT message_text, link FROM scam_reports WHERE id = $1", again.json()["id"]
    )
    assert kept is not None
    assert (kept["message_text"], kept["link"]) == (None, None)


async def test_a_withdrawn_warning_leaves_everyones_list_and_new_reports_wait_again(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    support = await sign_in(("support", None))
    published = await support.post(
        "/api/v1/support/scam-warnings", json={"key": "link_host", "value": "dsdw-rights.example"} | WARNING
    )
    warning = published.json()
    assert [w["id"] for w in (await client.get("/api/v1/scam-warnings")).json()] == [warning["id"]]
    withdrawn = await support.post(
        f"/api/v1/support/scam-warnings/{warning['id']}/withdraw",
        json={"note": "The agency owns this domain."},
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    assert (await client.get("/api/v1/scam-warnings")).json() == []
    twice = await support.post(f"/api/v1/support/scam-warnings/{warning['id']}/withdraw", json={"note": "x"})
    assert twice.status_code == 404
    later = await client.post("/api/v1/scam-reports", json={"link": "dsdw-rights.example"})
    assert later.json()["status"] == "pending"
    assert [
        w["withdrawn_at"] is not None for w in (await support.get("/api/v1/support/scam-warnings")).json()
    ] == [True]


async def test_a_group_is_closed_as_not_a_scam_with_a_note_and_counted_by_day(
    client: httpx.AsyncClient, sign_in: SignIn, resources: Resources
) -> None:
    support = await sign_in(("support", None))
    admin = await sign_in(("platform_admin", None))
    for text in ("ค่าไฟเดือนนี้ https://pea-bill.example/a", "ค่าไฟ pea-bill.example/b"):
        assert (await client.post("/api/v1/scam-reports", json={"text": text})).status_code == 201
    closing = {"key": "link_host", "value": "pea-bill.example", "outcome": "not_scam"}
    missing_note = await support.post("/api/v1/support/scam-reports/close", json=closing | {"note": ""})
    assert missing_note.status_code == 400
    assert missing_note.json()["errors"][0]["field"] == "note"
    closed = await support.post(
        "/api/v1/support/scam-reports/close", json=closing | {"note": "The utility's own site."}
    )
    assert closed.status_code == 200
    assert closed.json() == {"decided": 2}
    rows = await resources.pool.fetch(
        "SELECT status, decision_note, decided_by, message_text FROM scam_reports"
    )
    assert {(r["status"], r["decision_note"], r["message_text"]) for r in rows} == {
        ("not_scam", "The utility's own site.", None)
    }
    assert all(r["decided_by"] is not None for r in rows)  # who decided, and when (decided_at)
    again = await support.post("/api/v1/support/scam-reports/close", json=closing | {"note": "again"})
    assert again.status_code == 404

    stats = (await admin.get("/api/v1/admin/scam-stats")).json()
    assert len(stats["days"]) == 30
    assert stats["days"][-1]["reports"] == 2
    assert sum(day["reports"] for day in stats["days"]) == 2
    assert (stats["pending"], stats["warnings_active"], stats["warnings_published"]) == (0, 0, 0)


async def test_bad_reports_are_refused_naming_the_field(client: httpx.AsyncClient) -> None:
    empty = await client.post("/api/v1/scam-reports", json={"text": "   "})
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["field"] == "text"
    not_a_link = await client.post("/api/v1/scam-reports", json={"link": "not a link"})
    assert not_a_link.status_code == 400
    assert not_a_link.json()["errors"][0]["field"] == "link"
    pdf = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
    not_an_image = await client.post("/api/v1/scam-reports", json={"text": "x", "screenshot": pdf})
    assert not_an_image.status_code == 400
    assert not_an_image.json()["errors"][0]["field"] == "screenshot"
    truncated = base64.b64encode(base64.b64decode(_png())[:30]).decode()
    broken = await client.post("/api/v1/scam-reports", json={"text": "x", "screenshot": truncated})
    assert broken.status_code == 400
    assert broken.json()["errors"][0]["field"] == "screenshot"
    hidden = await client.post("/api/v1/scam-reports", json={"text": "กดลิงก์\u202eนี้"})
    assert hidden.status_code == 400
    assert (hidden.json()["errors"][0]["field"], hidden.json()["errors"][0]["message"]) == (
        "text",
        "contains U+202E",
    )


async def test_reports_are_rate_limited_per_address(client: httpx.AsyncClient) -> None:
    answers = [
        (await client.post("/api/v1/scam-reports", json={"sender": f"sender {n}"})).status_code
        for n in range(scams.REPORTS.capacity + 1)
    ]
    assert answers[:-1] == [201] * scams.REPORTS.capacity
    assert answers[-1] == 429


async def test_undecided_reports_lose_what_was_pasted_after_the_retention_days(
    client: httpx.AsyncClient, resources: Resources
) -> None:
    old = await client.post(
        "/api/v1/scam-reports", json={"text": "ลุ้นรางวัล https://lucky.example/x", "screenshot": _png()}
    )
    new = await client.post("/api/v1/scam-reports", json={"text": "ลุ้นรางวัล https://lucky.example/y"})
    await resources.pool.execute(
        "UPDATE scam_reports SET created_at = now() - interval '31 days' WHERE id = $1", old.json()["id"]
    )
    assert await scams.apply_retention(resources.pool, days=30) == 1
    rows = {
        r["id"]: r
        for r in await resources.pool.fetch(
            "SELECT id, status, message_text, link, screenshot, link_host FROM scam_reports"
        )
    }
    purged, kept = rows[old.json()["id"]], rows[new.json()["id"]]
    assert (purged["message_text"], purged["link"], purged["screenshot"]) == (None, None, None)
    assert (purged["status"], purged["link_host"]) == ("pending", "lucky.example")  # still counted and queued
    assert kept["message_text"] == "ลุ้นรางวัล https://lucky.example/y"
    assert await scams.apply_retention(resources.pool, days=30) == 0
