"""Thai dates (the Buddhist era), what a typed year means, sessions and devices named in words by the
user-agent parser, and banks named on receipts."""

from __future__ import annotations

import datetime as dt

from backend.applications.forms import Form, FormField, check_answers
from backend.core.dates import (
    common_era_year,
    english_date_time,
    english_month_year,
    thai_date,
    thai_date_time,
    thai_month_year,
)
from backend.core.user_agents import DeviceWords, describe
from payments.banks import bank_name

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0"
    " Mobile Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.1 Mobile/15E148 Safari/604.1"
)
SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 13; SM-A515F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0"
    " Chrome/115.0.0.0 Mobile Safari/537.36"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0"
    " Safari/537.36 Edg/120.0.0.0"
)


def test_thai_dates_are_in_the_buddhist_era_and_the_day_in_thailand() -> None:
    late_evening_utc = dt.datetime(2026, 11, 30, 18, 5, tzinfo=dt.UTC)  # 1 December, 01:05 in Bangkok
    assert thai_date(late_evening_utc) == "1 ธันวาคม 2569"
    assert thai_date_time(late_evening_utc) == "1 ธันวาคม 2569 เวลา 01:05 น."
    assert english_date_time(late_evening_utc) == "1 December 2026 at 01:05"
    assert thai_date(dt.date(2026, 11, 30)) == "30 พฤศจิกายน 2569"
    assert thai_month_year(dt.date(2026, 12, 4)) == "ธันวาคม 2569"
    assert english_month_year(dt.date(2026, 12, 4)) == "December 2026"


def test_a_typed_year_of_2400_or_more_is_buddhist_era() -> None:
    assert common_era_year(2530) == 1987
    assert common_era_year(1987) == 1987
    assert common_era_year(2399) == 2399


def test_a_buddhist_era_year_in_a_form_answer_is_named_as_such_not_compared_with_today() -> None:
    form = Form(
        fields=[
            FormField(
                name="birthdate_of_child", kind="date", label_th="วันเกิด", label_en="Born", max_date="today"
            )
        ]
    )
    [problem] = check_answers(
        form, {"birthdate_of_child": "2568-03-01"}, file_ids=set(), complete=False, today=dt.date(2026, 12, 4)
    )
    assert (
        problem.message
        == "must be a date in the Common Era: 2568 is a Buddhist-era year (2025 in the Common Era)"
    )
    assert "2026-12-04" not in problem.message
    [late] = check_answers(
        form, {"birthdate_of_child": "2027-01-01"}, file_ids=set(), complete=False, today=dt.date(2026, 12, 4)
    )
    assert late.message == "must be on or before 2026-12-04"


def test_user_agents_are_named_in_words_by_the_parser() -> None:
    assert describe(ANDROID_CHROME) == DeviceWords(browser="Chrome", os="Android", device="")
    assert describe(IPHONE) == DeviceWords(browser="Safari", os="iOS", device="iPhone")
    assert describe(SAMSUNG) == DeviceWords(
        browser="Samsung Internet", os="Android", device="Samsung SM-A515F"
    )
    assert describe(WINDOWS_EDGE) == DeviceWords(browser="Edge", os="Windows", device="")
    assert describe("python-httpx/0.28.1") == DeviceWords(browser="", os="", device="")
    assert describe("") == DeviceWords(browser="", os="", device="")


def test_banks_are_named_on_receipts_and_an_unknown_one_by_its_code() -> None:
    assert bank_name("kbank") == ("ธนาคารกสิกรไทย", "Kasikornbank")
    assert bank_name("demo-bank") == ("ธนาคารสาธิต", "Demo bank")
    assert bank_name("some-new-bank") == ("some-new-bank", "some-new-bank")
