"""Demo agencies' systems, speaking connector contract version 1 (demo mode and tests only).

``citizen demo-agencies`` serves them on loopback, one path prefix per service. Answers are derived
deterministically from the national ID, so each demo person always sees the same rights; the demo
people of the demo identity provider get answers that fit their situation. Each service can be told
how to misbehave, for demonstrations and tests: ``POST /{service}/_control`` with
``{"mode": "ok" | "slow" | "fail" | "garbage" | "wrong_shape" | "drip" | "hidden_text", "delay_ms": 0}``;
``GET /{service}/_calls`` counts the entitlement calls it has answered.

Two of them are registries (connector contract ``POST /v1/relationships``): ``civil-registry``
confirms parents, ``guardianship`` guardians, for the demo families (``DEMO_FAMILIES``) and for any
relationship a test sets with ``POST /{registry}/_relationships`` (``confirmed: false`` ends one).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Literal

import msgspec
from litestar import Litestar, MediaType, Response, get, post
from litestar.params import FromPath
from litestar.response import Stream

from backend.connectors.contract import ApplicationSubmission, EntitlementsRequest, RelationshipRequest
from backend.demo.people import DEMO_FAMILIES, DEMO_PEOPLE, DEMO_PEOPLE_BY_KEY

Mode = Literal["ok", "slow", "fail", "garbage", "wrong_shape", "drip", "hidden_text"]
_BIRTHDATES = {person.national_id: dt.date.fromisoformat(person.birthdate) for person in DEMO_PEOPLE}
_SITUATIONS = {person.national_id: person.key for person in DEMO_PEOPLE}


class Control(msgspec.Struct, forbid_unknown_fields=True):
    mode: Mode = "ok"
    delay_ms: Annotated[int, msgspec.Meta(ge=0, le=60000)] = 0


def _seed(national_id: str, service: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{service}:{national_id}".encode()).digest()[:4], "big")


def _age(national_id: str, today: dt.date) -> int:
    birthdate = _BIRTHDATES.get(national_id)
    if birthdate is None:  # anyone else: an age from 18 to 89, the same every time
        return 18 + _seed(national_id, "age") % 72
    return today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))


def _next_month_day(day: int, today: dt.date) -> dt.date:
    month = today.month % 12 + 1
    return dt.date(today.year + (today.month == 12), month, day)


def _entitlement(scheme_id: str, th: str, en: str, status: str, **extra: Any) -> dict[str, Any]:
    """A benefit unless ``kind`` says it is a fee-paying service or a status (a cover, a membership)."""
    return {"scheme_id": scheme_id, "scheme_name_th": th, "scheme_name_en": en, "status": status,
            "kind": "benefit", **extra}  # fmt: skip


def social_security(national_id: str, today: dt.date) -> list[dict[str, Any]]:
    insured = _SITUATIONS.get(national_id) == "wipa" or _seed(national_id, "sso") % 3 == 0
    if not insured:
        return [_entitlement("sso-section-40", "ประกันสังคมมาตรา 40", "Social security, section 40 (voluntary)",
                             "eligible_not_enrolled", kind="status", how_to_claim_th="สมัครได้ที่สำนักงานประกันสังคม",
                             how_to_claim_en="Join at any social security office or online.",
                             url="https://www.sso.go.th/")]  # fmt: skip
    months = 12 + _seed(national_id, "sso-months") % 200
    return [_entitlement("sso-section-33", "ประกันสังคมมาตรา 33", "Social security, section 33", "receiving", kind="status",
                         details_th=f"ส่งเงินสมทบแล้ว {months} เดือน",
                         details_en=f"{months} months of contributions paid.")]  # fmt: skip


def health(national_id: str, today: dt.date) -> list[dict[str, Any]]:
    hospitals = ["โรงพยาบาลราชวิถี", "โรงพยาบาลนพรัตนราชธานี", "โรงพยาบาลเลิดสิน", "โรงพยาบาลตากสิน"]
    hospital = hospitals[_seed(national_id, "hospital") % len(hospitals)]
    return [_entitlement("uc-scheme", "หลักประกันสุขภาพถ้วนหน้า (บัตรทอง)", "Universal Coverage (gold card)",
                         "receiving", kind="status", details_th=f"หน่วยบริการประจำ: {hospital}",
                         details_en=f"Registered hospital: {hospital}")]  # fmt: skip


def child_support(national_id: str, today: dt.date) -> list[dict[str, Any]]:
    if _SITUATIONS.get(national_id) != "malee" and _seed(national_id, "child") % 5:
        return []
    return [_entitlement("child-support-grant", "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด", "Child support grant",
                         "eligible_not_enrolled", amount_satang=60000, period="monthly",
                         how_to_claim_th="ลงทะเบียนที่สำนักงานเขตหรือเทศบาลภายใน 6 ปีแรก",
                         how_to_claim_en="Register at your district office before the child turns six.",
                         url="https://csg.dcy.go.th/")]  # fmt: skip


def welfare_card(national_id: str, today: dt.date) -> list[dict[str, Any]]:
    holder = _SITUATIONS.get(national_id) in {"boonmee", "somchai"} or _seed(national_id, "card") % 4 == 0
    if not holder:
        return [_entitlement("state-welfare-card", "บัตรสวัสดิการแห่งรัฐ", "State welfare card", "not_eligible")]
    balance = 30000 + _seed(national_id, "balance") % 40000
    return [_entitlement("state-welfare-card", "บัตรสวัสดิการแห่งรัฐ", "State welfare card", "receiving",
                         amount_satang=balance, period="monthly", next_payment_date=_next_month_day(1, today).isoformat(),
                         details_th="วงเงินคงเหลือเดือนนี้", details_en="Balance left this month")]  # fmt: skip


def elderly_allowance(national_id: str, today: dt.date) -> list[dict[str, Any]]:
    age = _age(national_id, today)
    if age < 60:
        return []
    monthly = 60000 if age < 70 else 70000 if age < 80 else 80000 if age < 90 else 100000
    status = "receiving" if _seed(national_id, "elderly") % 4 else "eligible_not_enrolled"
    return [_entitlement("elderly-allowance", "เบี้ยยังชีพผู้สูงอายุ", "Elderly allowance", status,
                         amount_satang=monthly, period="monthly",
                         next_payment_date=_next_month_day(10, today).isoformat() if status == "receiving" else None,
                         details_th=f"อายุ {age} ปี", details_en=f"Age {age}",
                         how_to_claim_th="ลงทะเบียนที่องค์กรปกครองส่วนท้องถิ่นที่มีภูมิลำเนา",
                         how_to_claim_en="Register with your local administration office.")]  # fmt: skip


def credit_bureau(national_id: str, today: dt.date) -> list[dict[str, Any]]:
    return [_entitlement("credit-report", "ขอรายงานข้อมูลเครดิต", "Credit report request", "eligible_not_enrolled",
                         kind="fee", amount_satang=10000, period="once",
                         how_to_claim_th="ขอรายงานได้ปีละครั้งโดยไม่เสียค่าใช้จ่ายผ่านแอป",
                         how_to_claim_en="Ask for your report; the fee is waived once a year.",
                         url="https://www.ncb.co.th/")]  # fmt: skip


def education(national_id: str, today: dt.date) -> list[dict[str, Any]]:
    if _SITUATIONS.get(national_id) == "thana":
        return [_entitlement("certificate-equivalence", "เทียบวุฒิการศึกษาจากต่างประเทศ",
                             "Foreign qualification equivalence", "pending", kind="status",
                             details_th="อยู่ระหว่างพิจารณา", details_en="Under review")]  # fmt: skip
    return [_entitlement("certificate-replacement", "ขอใบแทนประกาศนียบัตร", "Replacement certificate",
                         "eligible_not_enrolled", kind="fee", amount_satang=5000, period="once",
                         how_to_claim_th="ยื่นคำขอออนไลน์", how_to_claim_en="Apply online.")]  # fmt: skip


SERVICES: dict[str, Callable[[str, dt.date], list[dict[str, Any]]]] = {
    "social-security": social_security,
    "health": health,
    "child-support": child_support,
    "welfare-card": welfare_card,
    "elderly": elderly_allowance,
    "credit-bureau": credit_bureau,
    "education": education,
}


REGISTRIES = {"civil-registry": "parent", "guardianship": "guardian"}


class Relationship(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a demo registry holds about one adult and one child."""

    adult_national_id: str
    child_national_id: str
    child_birthdate: dt.date
    child_name_th: str | None = None
    child_name_en: str | None = None
    confirmed: bool = True
    ends_on: dt.date | None = None


def _demo_relationships(relationship: str) -> dict[tuple[str, str], Relationship]:
    return {
        (DEMO_PEOPLE_BY_KEY[family.adult].national_id, family.child_national_id): Relationship(
            adult_national_id=DEMO_PEOPLE_BY_KEY[family.adult].national_id,
            child_national_id=family.child_national_id,
            child_birthdate=dt.date.fromisoformat(family.child_birthdate),
            child_name_th=family.child_name_th,
            child_name_en=family.child_name_en,
        )
        for family in DEMO_FAMILIES
        if family.relationship == relationship
    }


def create_demo_agencies_app() -> Litestar:  # noqa: PLR0915 (one closure per demo endpoint)
    controls: dict[str, Control] = {name: Control() for name in [*SERVICES, *REGISTRIES]}
    calls: dict[str, int] = dict.fromkeys([*SERVICES, *REGISTRIES], 0)
    held = {registry: _demo_relationships(kind) for registry, kind in REGISTRIES.items()}

    def service_or_404(service: str) -> Callable[[str, dt.date], list[dict[str, Any]]]:
        from backend.core.errors import NotFound

        if service not in SERVICES:
            raise NotFound("No such demo service")
        return SERVICES[service]

    def registry_or_404(service: str) -> dict[tuple[str, str], Relationship]:
        from backend.core.errors import NotFound

        if service not in REGISTRIES:
            raise NotFound("No such demo registry")
        return held[service]

    @post("/{service:str}/v1/relationships", status_code=200)
    async def relationships(
        service: FromPath[str], data: Annotated[RelationshipRequest, msgspec.Meta()]
    ) -> Response[Any]:
        """Confirms only the relationship it holds, with the same birth date, and of the right kind."""
        known = registry_or_404(service)
        calls[service] += 1
        if controls[service].mode == "fail":
            return Response({"error": "demo failure"}, status_code=500)
        if controls[service].mode == "slow":
            await asyncio.sleep((controls[service].delay_ms or 5000) / 1000)
        found = known.get((data.adult_national_id, data.child_national_id))
        confirmed = (
            found is not None
            and found.confirmed
            and data.relationship == REGISTRIES[service]
            and found.child_birthdate == data.child_birthdate
        )
        body: dict[str, Any] = {"contract_version": "1", "confirmed": confirmed}
        if confirmed and found is not None:
            body |= {"child_name_th": found.child_name_th, "child_name_en": found.child_name_en,
                     "ends_on": found.ends_on.isoformat() if found.ends_on else None}  # fmt: skip
        return Response(body)

    @post("/{service:str}/_relationships", status_code=200)
    async def hold_relationship(
        service: FromPath[str], data: Annotated[Relationship, msgspec.Meta()]
    ) -> Relationship:
        registry_or_404(service)[(data.adult_national_id, data.child_national_id)] = data
        return data

    @post("/{service:str}/v1/entitlements", status_code=200)
    async def entitlements(
        service: FromPath[str], data: Annotated[EntitlementsRequest, msgspec.Meta()]
    ) -> Response[Any]:
        answer_for = service_or_404(service)
        calls[service] += 1
        control = controls[service]
        if control.mode == "slow" or (control.delay_ms and control.mode != "drip"):
            await asyncio.sleep((control.delay_ms or 5000) / 1000)
        if control.mode == "fail":
            return Response({"error": "demo failure"}, status_code=500)
        if control.mode == "garbage":
            return Response(b"<html>gateway says hello", media_type=MediaType.HTML)
        body = {
            "contract_version": "1",
            "as_of": dt.datetime.now(dt.UTC).isoformat(),
            "entitlements": answer_for(data.national_id, dt.date.today()),
        }
        if control.mode == "wrong_shape":
            body = {"contract_version": "1", "entitlements": [{"scheme": "?", "status": "maybe"}]}
        if control.mode == "hidden_text":  # a right-to-left override and an invisible tag character
            hidden = _entitlement("hidden-text", "สิทธิ\u202eพิเศษ", "Special\U000e0041 right", "eligible_not_enrolled",
                                  how_to_claim_th="โทร\u202e1111", how_to_claim_en="Call\U000e0041 1111")  # fmt: skip
            body = {**body, "entitlements": [*body["entitlements"], hidden]}
        if control.mode == "drip":
            payload = msgspec.json.encode(body)
            delay = (control.delay_ms or 200) / 1000

            async def drip() -> AsyncIterator[bytes]:
                for index in range(len(payload)):
                    yield payload[index : index + 1]
                    await asyncio.sleep(delay)

            return Stream(drip(), media_type=MediaType.JSON)
        return Response(body)

    received: dict[str, dict[str, Any]] = {}

    @post("/{service:str}/v1/applications", status_code=200)
    async def take_application(
        service: FromPath[str], data: Annotated[ApplicationSubmission, msgspec.Meta()]
    ) -> Response[Any]:
        """Accepts an application once per tracking number, checking each file against its hash."""
        service_or_404(service)
        if controls[service].mode == "fail":
            return Response({"error": "demo failure"}, status_code=500)
        intact = all(
            hashlib.sha256(base64.b64decode(file.content_base64)).hexdigest() == file.sha256
            for file in data.files
        )
        received.setdefault(
            data.tracking_number,
            {
                "service": service,
                "files_intact": intact,
                "file_count": len(data.files),
                "answers": data.answers,
                "on_behalf": None if data.on_behalf is msgspec.UNSET else msgspec.to_builtins(data.on_behalf),
            },
        )
        reference = "DEMO-" + hashlib.sha256(data.tracking_number.encode()).hexdigest()[:8].upper()
        return Response({"contract_version": "1", "reference": reference})

    @get("/{service:str}/_applications")
    async def applications_received(service: FromPath[str]) -> dict[str, dict[str, Any]]:
        service_or_404(service)
        return {number: row for number, row in received.items() if row["service"] == service}

    @get("/{service:str}/_calls")
    async def calls_answered(service: FromPath[str]) -> dict[str, int]:
        service_or_404(service)
        return {"entitlements": calls[service]}

    @get("/{service:str}/v1/health")
    async def health_check(service: FromPath[str]) -> dict[str, str]:
        if service not in REGISTRIES:
            service_or_404(service)
        return {"status": "ok" if controls[service].mode == "ok" else controls[service].mode}

    @post("/{service:str}/_control", status_code=200)
    async def control(service: FromPath[str], data: Annotated[Control, msgspec.Meta()]) -> Control:
        if service not in REGISTRIES:
            service_or_404(service)
        controls[service] = data
        return data

    return Litestar(
        route_handlers=[
            entitlements,
            relationships,
            hold_relationship,
            take_application,
            applications_received,
            calls_answered,
            health_check,
            control,
        ],
        logging_config=None,
    )
