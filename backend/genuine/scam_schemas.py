"""Request and response shapes of scam reports and scam warnings (docs/genuine-messages.md, "Scam
reports"). Their names are the OpenAPI document's schema names: renaming one is an API change."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from backend.core.errors import invalid
from backend.core.input import Input

MAX_SCREENSHOT_BYTES = 2 * 1024 * 1024
"""A phone's screenshot of one message, as PNG or JPEG, is well under this."""

ScamStatus = Literal["pending", "scam", "not_scam", "dismissed"]
ScamKey = Literal["link_host", "sender"]
"""What groups reports and what a warning covers: a link's host name, or the sender."""


class NewScamReport(Input, kw_only=True, forbid_unknown_fields=True):
    """A suspicious message as the citizen received it; at least one of the four."""

    text: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    """The message as pasted (kept only until the report is decided, or the retention days pass)."""
    sender: Annotated[str, msgspec.Meta(max_length=100)] = ""
    """Who it came from: a phone number, an SMS sender name or a LINE ID."""
    link: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    """The link it asks to open; found in ``text`` when not given."""
    screenshot: Annotated[bytes, msgspec.Meta(max_length=MAX_SCREENSHOT_BYTES)] | None = None
    """A PNG or JPEG (base64 in JSON), up to 2 MB."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.text, self.sender, self.link = self.text.strip(), self.sender.strip(), self.link.strip()
        if not (self.text or self.sender or self.link or self.screenshot):
            raise invalid(
                "text",
                "ใส่ข้อความ ผู้ส่ง ลิงก์ หรือภาพหน้าจออย่างน้อยหนึ่งอย่าง · "
                "give the message's text, its sender, its link or a screenshot",
            )


class ScamWarning(msgspec.Struct, kw_only=True):
    """A published warning: a link host (and its subdomains) or a sender known to be a scam."""

    id: int
    link_host: str | None
    sender: str | None
    title_th: str
    title_en: str
    body_th: str
    body_en: str
    published_at: dt.datetime
    withdrawn_at: dt.datetime | None


class ScamReportFiled(msgspec.Struct, kw_only=True):
    """The answer to a report: what was understood, and whether it is already a known scam."""

    id: int
    link_host: str | None
    sender: str | None
    status: ScamStatus
    warning: ScamWarning | None
    """The active warning the report matched (the report is then already decided: a scam)."""


class MyScamReport(msgspec.Struct, kw_only=True):
    """A report the citizen made in the app, with its outcome."""

    id: int
    created_at: dt.datetime
    link_host: str | None
    sender: str | None
    status: ScamStatus
    decided_at: dt.datetime | None
    warning_title_th: str | None
    warning_title_en: str | None


class ScamReportGroup(msgspec.Struct, kw_only=True):
    """Pending reports that share a link host (or a sender); ``value`` null: those with none."""

    key: ScamKey
    value: str | None
    reports: int
    screenshots: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    warned: bool
    """An active warning already covers it (the reports came in before it was published)."""


class ScamReportForStaff(msgspec.Struct, kw_only=True):
    id: int
    created_at: dt.datetime
    text: str | None
    """Null once purged (decided, or past the retention days)."""
    link: str | None
    link_host: str | None
    sender: str | None
    has_screenshot: bool
    from_app: bool
    """Made by a logged-in citizen (who is not named here), who will see the outcome."""
    status: ScamStatus


class NewScamWarning(Input, kw_only=True, forbid_unknown_fields=True):
    """Mark a group as a scam: publishes the warning and decides the group's pending reports."""

    key: ScamKey
    value: Annotated[str, msgspec.Meta(min_length=1, max_length=253)]
    title_th: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    title_en: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    body_th: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    body_en: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("title_th", "title_en", "body_th", "body_en"):
            setattr(self, name, getattr(self, name).strip())
            if not getattr(self, name):
                raise invalid(name, "is empty")


class ScamGroupClosing(Input, kw_only=True, forbid_unknown_fields=True):
    """Decide a group's pending reports without a warning: not a scam, or dismissed (too little to go on)."""

    key: ScamKey
    value: Annotated[str, msgspec.Meta(max_length=253)] | None
    outcome: Literal["not_scam", "dismissed"]
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class ScamGroupClosed(msgspec.Struct, kw_only=True):
    decided: int


class ScamWarningWithdrawal(Input, kw_only=True, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class ScamDay(msgspec.Struct, kw_only=True):
    day: dt.date
    """Bangkok time."""
    reports: int
    warnings: int


class ScamStats(msgspec.Struct, kw_only=True):
    days: list[ScamDay]
    """The last 30 days, oldest first, every day present."""
    pending: int
    warnings_active: int
    warnings_published: int
    """Ever, withdrawn ones included."""
