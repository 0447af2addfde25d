from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from notifications.queries.inbox import PreferencesRow
from notifications.service import push_decision

BANGKOK = dt.timezone(dt.timedelta(hours=7))


def _prefs(**overrides: Any) -> PreferencesRow:
    defaults: dict[str, object] = {
        "quiet_start": dt.time(22, 0),
        "quiet_end": dt.time(7, 0),
        "timezone": "Asia/Bangkok",
        "opt_out_agencies": [],
        "opt_out_categories": [],
    }
    return msgspec.convert({**defaults, **overrides}, PreferencesRow)


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 22, hour, minute, tzinfo=BANGKOK)


def test_without_preferences_everything_goes_now() -> None:
    assert push_decision(None, agency_id=1, category="news", urgency="normal", now=_at(23)) == (
        "now",
        None,
        None,
    )


def test_a_normal_message_in_quiet_hours_waits_until_they_end_even_across_midnight() -> None:
    decision, push_at, reason = push_decision(
        _prefs(), agency_id=1, category="news", urgency="normal", now=_at(23, 30)
    )
    assert decision == "later"
    assert push_at == dt.datetime(2026, 11, 23, 7, 0, tzinfo=BANGKOK)
    assert reason is not None
    assert "07:00" in reason
    early = push_decision(_prefs(), agency_id=1, category="news", urgency="normal", now=_at(6, 59))
    assert early[1] == dt.datetime(2026, 11, 22, 7, 0, tzinfo=BANGKOK)
    assert push_decision(_prefs(), agency_id=1, category="news", urgency="normal", now=_at(7))[0] == "now"


def test_daytime_quiet_hours_work_too() -> None:
    prefs = _prefs(quiet_start=dt.time(13, 0), quiet_end=dt.time(14, 0))
    assert push_decision(prefs, agency_id=1, category="news", urgency="normal", now=_at(13, 30))[0] == "later"
    assert push_decision(prefs, agency_id=1, category="news", urgency="normal", now=_at(14, 30))[0] == "now"


def test_opt_outs_suppress_but_vouched_money_and_safety_urgencies_always_go() -> None:
    prefs = _prefs(opt_out_agencies=[5], opt_out_categories=["payments", "news"])
    assert (
        push_decision(prefs, agency_id=5, category="news", urgency="normal", now=_at(12))[0] == "suppressed"
    )
    assert push_decision(prefs, agency_id=1, category="news", urgency="high", now=_at(12))[0] == "suppressed"
    for agency_id, category in ((5, "payments"), (1, "safety")):
        assert push_decision(
            prefs, agency_id=agency_id, category=category, urgency="high", now=_at(23), vouched=True
        ) == ("now", None, None)
    assert (
        push_decision(prefs, agency_id=1, category="payments", urgency="normal", now=_at(12), vouched=True)[0]
        == "suppressed"
    )


def test_an_agencys_own_say_so_never_passes_opt_outs_or_quiet_hours() -> None:
    """Issue 17 (6): any template could be given the category payments or safety and sent urgent."""
    muted = _prefs(opt_out_agencies=[5], opt_out_categories=["safety"])
    for category in ("payments", "safety"):
        assert push_decision(muted, agency_id=5, category=category, urgency="high", now=_at(12))[0] == (
            "suppressed"
        )
    for category in ("payments", "safety", "news"):
        decision, push_at, _ = push_decision(
            _prefs(), agency_id=1, category=category, urgency="high", now=_at(23)
        )
        assert (decision, push_at) == ("later", dt.datetime(2026, 11, 23, 7, 0, tzinfo=BANGKOK))
