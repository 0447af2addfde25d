"""Dates as Thai people read them: the Buddhist era (พ.ศ. = ค.ศ. + 543) and Thai month names, and the
same day in English. Spelled out here rather than with strftime("%B"), which follows the process's locale.

Also what a typed year means: a year of 2400 or more is read as Buddhist era (no form asks about the
19th century, and no Common Era year in use is that large), so "2530" and "1987" are the same year."""

from __future__ import annotations

import datetime as dt

BUDDHIST_ERA_OFFSET = 543
# Thailand keeps UTC+7 all year: a fixed offset needs no time zone database.
THAILAND = dt.timezone(dt.timedelta(hours=7), "ICT")
FIRST_BUDDHIST_ERA_YEAR = 2400
"""Typed years from here up are Buddhist era (2400 BE = 1857 CE)."""

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day(value: dt.date | dt.datetime) -> dt.date:
    """A moment as the day in Thailand; a date as it is."""
    return value.astimezone(THAILAND).date() if isinstance(value, dt.datetime) else value


def thai_date(value: dt.date | dt.datetime) -> str:
    """``22 พฤศจิกายน 2569``: the day in Thailand, Buddhist era year."""
    day = _day(value)
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + BUDDHIST_ERA_OFFSET}"


def english_date(value: dt.date | dt.datetime) -> str:
    """``22 November 2026``: the day in Thailand."""
    day = _day(value)
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def thai_date_time(moment: dt.datetime) -> str:
    """``22 พฤศจิกายน 2569 เวลา 14:05 น.``"""
    return f"{thai_date(moment)} เวลา {moment.astimezone(THAILAND):%H:%M} น."


def english_date_time(moment: dt.datetime) -> str:
    """``22 November 2026 at 14:05``"""
    return f"{english_date(moment)} at {moment.astimezone(THAILAND):%H:%M}"


def thai_month_year(day: dt.date) -> str:
    """``พฤศจิกายน 2569``: a bill's month."""
    return f"{THAI_MONTHS[day.month - 1]} {day.year + BUDDHIST_ERA_OFFSET}"


def english_month_year(day: dt.date) -> str:
    """``November 2026``"""
    return f"{ENGLISH_MONTHS[day.month - 1]} {day.year}"


def common_era_year(typed: int) -> int:
    """A typed year in the Common Era: Buddhist-era years (2400 and up) taken back 543 years."""
    return typed - BUDDHIST_ERA_OFFSET if typed >= FIRST_BUDDHIST_ERA_YEAR else typed


def age_on(birthdate: dt.date, today: dt.date) -> int:
    """Whole years of age on ``today`` (a birthday on 29 February comes on 1 March in other years)."""
    return today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))
