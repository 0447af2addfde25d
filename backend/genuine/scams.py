"""One-tap scam reports and the scam warnings support staff publish from them (docs/genuine-messages.md,
"Scam reports"). Anyone may report a message, logged in or not; what they paste (the text, the full
link, a screenshot) is kept only until support staff decide the report, or ``SCAM_REPORT_RETENTION_DAYS``
pass, while the link's host and the sender, which name nobody, stay for the queue and the counts."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from litestar import Request

from backend.applications.files import UploadRefused, check_upload, sniff_type
from backend.core.db import Pool
from backend.core.errors import NotFound, invalid
from backend.core.principal import Principal, citizen_of
from backend.core.ratelimit import Bucket
from backend.core.resources import Resources
from backend.genuine import scam_queries as queries
from backend.genuine.scam_keys import host_of, link_in, sender_key
from backend.genuine.scam_schemas import (
    MyScamReport,
    NewScamReport,
    NewScamWarning,
    ScamDay,
    ScamGroupClosed,
    ScamGroupClosing,
    ScamKey,
    ScamReportFiled,
    ScamReportForStaff,
    ScamReportGroup,
    ScamStats,
    ScamWarning,
    ScamWarningWithdrawal,
)
from backend.identity.service import Identity

# Per client address: a family reporting a morning's messages, not a script filling the queue. A
# carrier's many phones may share one address, hence the hourly refill rather than a daily cap.
REPORTS = Bucket("scam-reports", capacity=20, per_second=20 / 3600)
# Per logged-in person as well, wherever they report from.
REPORTS_PER_PERSON = Bucket("scam-reports-person", capacity=10, per_second=10 / 3600)
STATS_DAYS = 30


async def report(
    resources: Resources,
    identity: Identity,
    request: Request[Any, Any, Any],
    principal: Principal | None,
    data: NewScamReport,
) -> ScamReportFiled:
    """Files the report; one that matches an active warning is decided at once (a known scam)."""
    await identity.limit(request, REPORTS)
    # A delegate reports as nobody: the represented citizen did not make this report.
    person = (
        principal.citizen_id if principal and not principal.is_machine and not principal.acting_for else None
    )
    if person is not None:
        await identity.limiter.take(
            REPORTS_PER_PERSON, person, "You have sent many reports. Please wait a while."
        )
    screenshot_type = await _checked_screenshot(data.screenshot) if data.screenshot else None
    link = data.link or link_in(data.text)
    link_host = host_of(link) if link else None
    if data.link and link_host is None:
        raise invalid("link", "ไม่ใช่ที่อยู่เว็บไซต์ · is not a web address")
    sender = sender_key(data.sender)
    warning = await queries.active_warning_for(resources.pool, link_host, sender)
    report_id = await queries.insert_report(
        resources.pool,
        citizen_id=person,
        text=data.text or None,
        link=link or None,
        screenshot=data.screenshot if screenshot_type else None,
        screenshot_type=screenshot_type,
        link_host=link_host,
        sender=sender,
        warning_id=warning.id if warning else None,
    )
    return ScamReportFiled(
        id=report_id,
        link_host=link_host,
        sender=sender,
        status="pending" if warning is None else "scam",
        warning=_warning(warning) if warning else None,
    )


async def _checked_screenshot(content: bytes) -> str:
    """The image's type, from its first bytes; a PNG or JPEG that decodes whole (Pillow, in a thread)."""
    content_type = sniff_type(content)
    if content_type not in ("image/png", "image/jpeg"):
        raise invalid("screenshot", "รับเฉพาะรูปภาพ PNG หรือ JPEG · Only PNG or JPEG images are accepted.")
    name = "screenshot.png" if content_type == "image/png" else "screenshot.jpg"
    try:
        await asyncio.to_thread(check_upload, name, content)
    except UploadRefused as refused:
        raise invalid("screenshot", f"{refused.thai} · {refused.english}") from None
    return content_type


def _warning(row: queries.WarningRow) -> ScamWarning:
    return msgspec.convert(row, ScamWarning, from_attributes=True)


async def active_warnings(resources: Resources) -> list[ScamWarning]:
    return [_warning(row) for row in await queries.active_warnings(resources.pool)]


async def recent_warnings(resources: Resources) -> list[ScamWarning]:
    return [_warning(row) for row in await queries.recent_warnings(resources.pool)]


async def my_reports(resources: Resources, principal: Principal) -> list[MyScamReport]:
    return [
        msgspec.convert(row, MyScamReport, from_attributes=True)
        for row in await queries.reports_of(resources.pool, citizen_of(principal))
    ]


async def groups(resources: Resources, key: ScamKey) -> list[ScamReportGroup]:
    return [
        ScamReportGroup(key=key, **msgspec.structs.asdict(row))
        for row in await queries.groups(resources.pool, key)
    ]


async def reports_in_group(resources: Resources, key: ScamKey, value: str | None) -> list[ScamReportForStaff]:
    return [
        msgspec.convert(row, ScamReportForStaff, from_attributes=True)
        for row in await queries.reports_in_group(resources.pool, key, value or None)
    ]


async def screenshot(resources: Resources, report_id: int) -> tuple[bytes, str]:
    found = await queries.screenshot(resources.pool, report_id)
    if found is None:
        raise NotFound("This report has no screenshot (or it was purged once the report was decided).")
    return found


def _key_value(key: ScamKey, value: str) -> str:
    normalised = host_of(value) if key == "link_host" else sender_key(value)
    if normalised is None:
        raise invalid(
            "value",
            "ไม่ใช่ชื่อเว็บไซต์ เช่น scam.example · is not a host name such as scam.example"
            if key == "link_host"
            else "ว่างเปล่า · is empty",
        )
    return normalised


async def publish(resources: Resources, principal: Principal, data: NewScamWarning) -> ScamWarning:
    """Publishes the warning and decides, as scams, the pending reports it covers (their pasted text and
    screenshots purged), in one transaction."""
    value = _key_value(data.key, data.value)
    texts = {name: getattr(data, name) for name in ("title_th", "title_en", "body_th", "body_en")}
    async with resources.pool.acquire() as connection, connection.transaction():
        row = await queries.insert_warning(connection, data.key, value, texts, principal.citizen_id)
        await queries.decide_group(
            connection, data.key, value, status="scam", warning_id=row.id,
            decided_by=principal.citizen_id, note=None, subdomains=True,
        )  # fmt: skip
    return _warning(row)


async def close_group(resources: Resources, principal: Principal, data: ScamGroupClosing) -> ScamGroupClosed:
    value = _key_value(data.key, data.value) if data.value else None
    async with resources.pool.acquire() as connection, connection.transaction():
        decided = await queries.decide_group(
            connection, data.key, value, status=data.outcome, warning_id=None,
            decided_by=principal.citizen_id, note=data.note,
        )  # fmt: skip
    if decided == 0:
        raise NotFound("No report in this group is waiting for a decision.")
    return ScamGroupClosed(decided=decided)


async def withdraw(
    resources: Resources, principal: Principal, warning_id: int, data: ScamWarningWithdrawal
) -> ScamWarning:
    row = await queries.withdraw_warning(resources.pool, warning_id, principal.citizen_id, data.note)
    if row is None:
        raise NotFound("No active warning has this number.")
    return _warning(row)


async def stats(resources: Resources) -> ScamStats:
    days = [
        ScamDay(day=row.day, reports=row.reports, warnings=row.warnings)
        for row in await queries.days(resources.pool, STATS_DAYS)
    ]
    pending, active, published = await queries.totals(resources.pool)
    return ScamStats(days=days, pending=pending, warnings_active=active, warnings_published=published)


async def apply_retention(pool: Pool, *, days: int, batch: int = 1000) -> int:
    """Reports still undecided after ``days`` lose what was pasted; returns how many."""
    purged = 0
    while count := await queries.purge_old(pool, days, batch):
        purged += count
    return purged
