"""The entitlements page as the citizen sees it: each connector's outcome (fresh, stale with why, or
unavailable with why, in Thai and English) and every benefit they may claim but have not. A connector's
part is built once per language for the same row and answer (the answers' copies are decoded once per
process, ``answers._decoded``), and only its age is brought up to date."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import msgspec

from backend.connectors.answers import Answer, Hold, Outcome
from backend.connectors.client import PLAIN_REASONS
from backend.connectors.contract import CheckedEntitlement
from backend.connectors.schemas import (
    ActiveConnector,
    AgencyResult,
    ConsentView,
    EntitlementsPage,
    EntitlementView,
)

_COOLING_STALE = ("ข้อมูลล่าสุดที่มี", "The latest we have.")
_COOLING = (
    "เพิ่งสอบถามหน่วยงานนี้ไปเมื่อครู่ โปรดลองใหม่อีกครั้งในไม่ช้า",
    "We asked this agency moments ago; please try again shortly.",
)
_REASONS: dict[str, tuple[str, str]] = {
    **PLAIN_REASONS,
    "consent": ("ต้องได้รับความยินยอมจากท่านก่อน", "This agency needs your consent before we ask it."),
    "refreshing": ("ข้อมูลล่าสุดที่มี กำลังปรับปรุง", "The latest we have; refreshing now."),
    "busy": (
        "ข้อมูลล่าสุดที่มี ขณะนี้มีผู้ใช้จำนวนมาก จะปรับปรุงเมื่อท่านเปิดหน้านี้อีกครั้ง",
        "The latest we have: many people are checking right now; it is updated when you come back.",
    ),
}
"""Why a connector's answer is not fresh, in Thai and English (the plain reasons of a failed call too)."""


_RESULTS_MAX = 4_096
_results_of: dict[tuple[Any, ...], tuple[ActiveConnector, Answer | None, AgencyResult]] = {}
"""A connector's part of the page, by everything it is made of but its age: a page shown again
(its rows and answers the same objects: ``_decoded``) only updates the age. Each entry holds its row
and answer, so their ids are not reused."""


def page_of(
    connectors: list[ActiveConnector],
    outcomes: dict[int, Outcome],
    language: str,
    consents: dict[int, ConsentView],
    holds: dict[int, Hold],
) -> EntitlementsPage:
    """The page: each connector's outcome, and every benefit the citizen may claim but has not."""
    results = [
        agency_result(row, outcomes[row.id], language, consents.get(row.id), holds.get(row.id))
        for row in connectors
    ]
    claimable = [
        entitlement
        for result in results
        for entitlement in result.entitlements
        if entitlement.status == "eligible_not_enrolled" and entitlement.kind == "benefit"
    ]
    later = [result.refresh_available_at for result in results if result.refresh_available_at]
    return EntitlementsPage(
        language=language,
        eligible_not_enrolled=claimable,
        agencies=results,
        refresh_available_at=max(later, default=None),
    )


def agency_result(
    row: ActiveConnector, outcome: Outcome, language: str, consent: ConsentView | None, hold: Hold | None
) -> AgencyResult:
    state, fetched_at, answer, why = outcome
    key = (
        id(row),
        id(answer),
        language,
        state,
        fetched_at,
        why,
        consent.id if consent else None,
        consent.expires_at if consent else None,
        hold.until if hold else None,
    )
    if (known := _results_of.get(key)) is None:
        if len(_results_of) >= _RESULTS_MAX:
            _results_of.clear()
        known = _results_of[key] = (row, answer, _agency_result(row, outcome, language, consent, hold))
    result = known[2]
    if fetched_at:
        return msgspec.structs.replace(result, age_seconds=int(time.time() - fetched_at))
    return result


def _agency_result(
    row: ActiveConnector, outcome: Outcome, language: str, consent: ConsentView | None, hold: Hold | None
) -> AgencyResult:
    state, fetched_at, answer, why = outcome
    index = 0 if language == "th" else 1
    english = language == "en"
    agency_name = row.agency_name_en if english else row.agency_name_th
    if why == "cooling":
        reason: str | None = _COOLING_STALE[index] if state == "stale" else _COOLING[index]
    else:
        texts = _REASONS.get(why) if why else None
        reason = texts[index] if texts else None
    entitlements = _views(answer, row.agency_code, agency_name, language) if answer else []
    return AgencyResult(
        agency_code=row.agency_code,
        agency_name=agency_name,
        connector_id=row.id,
        connector_title=row.title_en if english else row.title_th,
        state=state,
        as_of=dt.datetime.fromtimestamp(fetched_at, tz=dt.UTC) if fetched_at else None,
        age_seconds=int(time.time() - fetched_at) if fetched_at else None,
        reason=reason,
        consent_required=row.consent_required,
        consent_given=consent is not None,
        purpose=row.purpose_en if english else row.purpose_th,
        fields=row.fields_en if english else row.fields_th,
        consent_days=row.consent_days,
        consent_id=consent.id if consent else None,
        consent_expires_at=consent.expires_at if consent else None,
        entitlements=entitlements,
        refresh_available_at=dt.datetime.fromtimestamp(hold.until, tz=dt.UTC) if hold else None,
    )


_VIEWS_MAX = 4_096
_views_of: dict[tuple[int, str, str, str], tuple[Answer, list[EntitlementView]]] = {}
"""An answer's entitlements as a page shows them, per language and agency name: a copy read again
(``_decoded``: the same answer) is not shown anew. Each entry holds its answer, so its id is not reused."""


def _views(answer: Answer, agency_code: str, agency_name: str, language: str) -> list[EntitlementView]:
    key = (id(answer), agency_code, agency_name, language)
    if (known := _views_of.get(key)) is not None:
        return known[1]
    views = [
        _entitlement_view(entitlement, agency_code, agency_name, language)
        for entitlement in answer.entitlements
    ]
    views.sort(key=lambda view: view.status != "eligible_not_enrolled")
    if len(_views_of) >= _VIEWS_MAX:
        _views_of.clear()
    _views_of[key] = (answer, views)
    return views


def _entitlement_view(
    entitlement: CheckedEntitlement, agency_code: str, agency_name: str, language: str
) -> EntitlementView:
    english = language == "en"
    return EntitlementView(
        agency_code=agency_code,
        agency_name=agency_name,
        scheme_id=entitlement.scheme_id,
        scheme_name=entitlement.scheme_name_en if english else entitlement.scheme_name_th,
        kind=entitlement.kind,
        status=entitlement.status,
        amount_satang=entitlement.amount_satang,
        period=entitlement.period,
        next_payment_date=entitlement.next_payment_date,
        details=entitlement.details_en if english else entitlement.details_th,
        how_to_claim=entitlement.how_to_claim_en if english else entitlement.how_to_claim_th,
        url=entitlement.url,
    )
