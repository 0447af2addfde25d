"""Demo data, loaded only in demo mode and safe to load again (it never overwrites edits, but for the
addresses that follow the settings: demo connectors pointing at the demo agencies' server follow
DEMO_AGENCIES_PORT on every start).

Demo agencies, each with a machine client; the demo staff as citizens holding their roles; and
``VAR_DIR/demo.json`` listing the demo people and the agencies' client credentials, so that a person
trying the demo can find their way.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os

from backend.connectors import queries as connector_queries
from backend.connectors import review_queries
from backend.connectors.schemas import NewConnector
from backend.core.crypto import NationalIdCipher
from backend.core.dates import english_month_year, thai_month_year
from backend.core.db import Connection
from backend.demo.identity_provider import demo_issuer
from backend.demo.people import DEMO_PEOPLE
from backend.demo.seed_applications import demo_application_services
from backend.demo.seed_bills import demo_welfare_bills
from backend.demo.seed_registries import demo_registries
from backend.demo.seed_tiles import demo_tiles
from backend.demo.seed_work import seed_staff_work
from backend.genuine import queries as genuine_queries
from backend.genuine import scam_queries
from backend.identity import queries as identity_queries
from backend.identity.agency_clients import CLIENT_SCOPES, new_client_id, new_secret
from backend.settings import Settings
from payments import queries as payment_queries
from payments.rows import BillRecord

DEMO_AGENCIES = (
    # code, Thai name, English name, contact e-mail
    ("demo-water", "การประปาสาธิต", "Demo Waterworks Authority", "support@water.demo.invalid"),
    ("demo-power", "การไฟฟ้าสาธิต", "Demo Electricity Authority", "support@power.demo.invalid"),
    ("demo-welfare", "กรมสวัสดิการสาธิต", "Demo Department of Social Welfare", "help@welfare.demo.invalid"),
    ("demo-education", "สำนักงานการศึกษาสาธิต", "Demo Basic Education Office", "help@education.demo.invalid"),
    ("demo-social-security", "สำนักงานประกันสังคมสาธิต", "Demo Social Security Office", "help@sso.demo.invalid"),
    (
        "demo-health",
        "สำนักงานหลักประกันสุขภาพสาธิต",
        "Demo National Health Security Office",
        "help@nhso.demo.invalid",
    ),
    ("demo-credit", "บริษัทข้อมูลเครดิตสาธิต", "Demo Credit Bureau", "help@credit.demo.invalid"),
    (
        "demo-registration",
        "กรมการปกครองสาธิต",
        "Demo Department of Provincial Administration",
        "help@dopa.demo.invalid",
    ),
)

# The sender registry's first entries (agency, kind, value, note th, note en), already approved, so the
# verify page and the open data are not empty on a first run. Invented names on .invalid domains.
DEMO_SENDERS = (
    ("demo-welfare", "sms_sender", "DemoWelfare", "แจ้งผลสิทธิสวัสดิการ", "Welfare decisions"),
    ("demo-welfare", "link_domain", "welfare.demo.invalid", "เว็บไซต์ของกรม", "The department's website"),
    ("demo-welfare", "phone", "1300", "สายด่วน 24 ชั่วโมง", "24-hour hotline"),
    ("demo-welfare", "line_official", "@demowelfare", "", ""),
    ("demo-water", "sms_sender", "DemoWater", "แจ้งค่าน้ำ", "Water bills"),
    ("demo-water", "email", "support@water.demo.invalid", "", ""),
    ("demo-power", "sms_sender", "DemoPower", "แจ้งค่าไฟ", "Electricity bills"),
    ("demo-health", "phone", "1330", "สายด่วนสิทธิรักษาพยาบาล", "Health coverage hotline"),
)

# (agency, service: its path on the demo agencies server, title th, title en, days a consent lasts when
# one is needed (else None), data items th, data items en, youngest age it is relevant to)
DEMO_CONNECTORS = (
    ("demo-social-security", "social-security", "สิทธิประกันสังคม", "Social security rights", None,
     ["สถานะผู้ประกันตน", "เงินสมทบ"], ["insurance status", "contributions"], None),
    ("demo-health", "health", "สิทธิรักษาพยาบาล", "Health coverage", None, ["สิทธิการรักษา", "หน่วยบริการประจำ"], ["health scheme", "registered hospital"], None),
    ("demo-welfare", "child-support", "เงินอุดหนุนเด็กแรกเกิด", "Child support grant", None, ["บุตร", "สถานะเงินอุดหนุน"], ["children", "grant status"], None),
    ("demo-welfare", "welfare-card", "บัตรสวัสดิการแห่งรัฐ", "State welfare card", None, ["สถานะบัตร", "วงเงินคงเหลือ"], ["card status", "balance"], None),
    ("demo-welfare", "elderly", "เบี้ยยังชีพผู้สูงอายุ", "Elderly allowance", None, ["อายุ", "สถานะเบี้ยยังชีพ"], ["age", "allowance status"], 55),
    ("demo-credit", "credit-bureau", "รายงานข้อมูลเครดิต", "Credit report", 90, ["สถานะรายงานข้อมูลเครดิต"], ["credit report status"], None),
    ("demo-education", "education", "วุฒิการศึกษา", "Education certificates", None, ["วุฒิการศึกษา"], ["certificates"], None),
)  # fmt: skip


async def seed_demo_data(connection: Connection, settings: Settings) -> None:
    cipher = NationalIdCipher(settings.id_encryption_keyring(), base64.b64decode(settings.id_hash_key))
    async with connection.transaction():
        await connection.executemany(
            """
            INSERT INTO agencies (code, name_th, name_en, contact_email, status, is_demo)
            VALUES ($1, $2, $3, $4, 'approved', true)
            ON CONFLICT (code) DO NOTHING
            """,
            DEMO_AGENCIES,
        )
        for person in DEMO_PEOPLE:
            if person.role is None:
                continue  # citizens are created by their first login, as real ones are
            key_id, ciphertext = cipher.encrypt(person.national_id)
            citizen_id, _ = await identity_queries.upsert_citizen_on_login(
                connection,
                national_id_hash=cipher.lookup_hash(person.national_id),
                key_id=key_id,
                ciphertext=ciphertext,
                issuer=demo_issuer(settings),
                subject=person.key,
                name_th=person.name_th,
                name_en=person.name_en,
                birthdate=None,
            )
            await identity_queries.grant_role(
                connection,
                citizen_id=citizen_id,
                role=person.role,
                agency_id=await connection.fetchval("SELECT id FROM agencies WHERE code = $1", person.agency)
                if person.role.startswith("agency_")
                else None,
                granted_by=None,
                reason="ข้อมูลตัวอย่าง",  # shown to Thai staff beside the role
            )
        await _demo_connectors(connection, settings)
        await demo_registries(connection, settings)
        await demo_tiles(connection)
        await _demo_bills(connection, cipher)
        welfare: int = await connection.fetchval("SELECT id FROM agencies WHERE code = 'demo-welfare'")
        await demo_welfare_bills(connection, cipher, welfare, WELFARE_BILLER, demo_issuer(settings))
        await demo_application_services(connection)
        clients = await _demo_agency_clients(connection, settings)
        await seed_staff_work(connection, settings)
        for sender in DEMO_SENDERS:
            await genuine_queries.add_approved_entry(connection, *sender)
        await scam_queries.add_demo_reports(connection)  # Siri (support) finds a scam queue to work
    _write_demo_guide(settings, clients)


DEMO_BILLS = (
    # agency, biller ID, reference prefix, Thai description, English description, base amount in satang
    ("demo-water", "0994000165510", "W", "ค่าน้ำประปา", "Water bill", 18700),
    ("demo-power", "0994000244101", "E", "ค่าไฟฟ้า", "Electricity bill", 96350),
)


WELFARE_BILLER = "0994000512007"
"""The demo welfare department's own biller ID, so that its staff can issue a bill from the console."""


async def _demo_bills(connection: Connection, cipher: NationalIdCipher) -> None:
    """This month's water and electricity bills for each demo citizen (not the staff), once."""
    today = dt.date.today()
    welfare: int = await connection.fetchval("SELECT id FROM agencies WHERE code = 'demo-welfare'")
    await payment_queries.assign_biller(connection, WELFARE_BILLER, welfare, None)
    for index, person in enumerate(p for p in DEMO_PEOPLE if p.role is None):
        for code, biller_id, prefix, name_th, name_en, base in DEMO_BILLS:
            agency_id: int = await connection.fetchval("SELECT id FROM agencies WHERE code = $1", code)
            await payment_queries.assign_biller(connection, biller_id, agency_id, None)
            bill = BillRecord(
                agency_id=agency_id,
                national_id_hash=cipher.lookup_hash(person.national_id),
                amount_satang=base + 1130 * index,
                due_date=today + dt.timedelta(days=14),
                biller_id=biller_id,
                ref1=f"{prefix}{today:%Y%m}{person.national_id[-6:]}",
                ref2=person.key.upper()[:20],
                # The month as Thai people write it: its name and the Buddhist-era year.
                description_th=f"{name_th} เดือน{thai_month_year(today)}",
                description_en=f"{name_en}, {english_month_year(today)}",
                idempotency_key=f"demo-{person.key}-{today:%Y%m}",
                request_hash=b"demo",
                issued_by_client="demo data",
                issued_by=None,
            )
            await payment_queries.insert_bill(connection, bill)


# A URL on the demo agencies' server (any port): what the seed wrote, or an edit pointing there.
_DEMO_AGENCIES_URL = r"^http://127\.0\.0\.1:[0-9]+/({})(/.*)?$"


async def _demo_connectors(connection: Connection, settings: Settings) -> None:
    origin = f"http://127.0.0.1:{settings.demo_agencies_port}"
    # Started before on another port, demo connectors would call whatever listens there now, with
    # national IDs: their addresses on the demo agencies' server follow the setting. Only demo agencies'
    # connectors, and only URLs on that server (an agency's edit pointing elsewhere is its own).
    pattern = _DEMO_AGENCIES_URL.format("|".join(service for _, service, *_ in DEMO_CONNECTORS))
    await connection.execute(
        """
        UPDATE connectors c SET
            base_url = CASE WHEN c.base_url ~ $1
                            THEN regexp_replace(c.base_url, '^http://[^/]+', $2) ELSE c.base_url END,
            oauth_token_url = CASE WHEN c.oauth_token_url ~ $1
                                   THEN regexp_replace(c.oauth_token_url, '^http://[^/]+', $2)
                                   ELSE c.oauth_token_url END,
            updated_at = now()
        FROM agencies a
        WHERE a.id = c.agency_id AND a.is_demo
          AND ((c.base_url ~ $1 AND NOT starts_with(c.base_url, $2 || '/'))
               OR (c.oauth_token_url ~ $1 AND NOT starts_with(c.oauth_token_url, $2 || '/')))
        """,
        pattern,
        origin,
    )
    for code, service, title_th, title_en, consent_days, fields_th, fields_en, min_age in DEMO_CONNECTORS:
        agency_id: int = await connection.fetchval("SELECT id FROM agencies WHERE code = $1", code)
        made = await connector_queries.register_connector(
            connection,
            agency_id,
            NewConnector(
                name=service,
                title_th=title_th,
                title_en=title_en,
                base_url=f"{origin}/{service}",
                auth_kind="none",
                timeout_ms=1500,
                retries=1,
                cache_seconds=300,
                consent_required=consent_days is not None,
                consent_days=consent_days or 365,
                purpose_th=f"แสดง{title_th}ของคุณในแอป",
                purpose_en=f"Show you your {title_en.lower()} in the app",
                fields_th=fields_th,
                fields_en=fields_en,
                min_age=min_age,
            ),
            None,
            None,
            None,
        )
        if made is not None:  # the platform's own demo services need no one's review
            await review_queries.approve_new(connection, made, None)


async def _demo_agency_clients(connection: Connection, settings: Settings) -> list[dict[str, str]]:
    """One machine client per demo agency with every scope. Secrets are stored hashed, so the guide
    file is where they are kept; a client whose secret the file no longer holds gets a new one."""
    path = settings.var_path / "demo.json"
    known = json.loads(path.read_text()).get("agency_clients", []) if path.exists() else []
    kept = {entry["agency_code"]: entry for entry in known}
    clients = []
    for code, *_ in DEMO_AGENCIES:
        entry = kept.get(code)
        if entry and await connection.fetchval(
            "SELECT 1 FROM agency_clients WHERE client_id = $1 AND revoked_at IS NULL", entry["client_id"]
        ):
            clients.append(entry)
            continue
        agency_id: int = await connection.fetchval("SELECT id FROM agencies WHERE code = $1", code)
        client_id, (secret, secret_hash) = new_client_id(), new_secret()
        client_pk = await identity_queries.create_agency_client(
            connection,
            client_id=client_id,
            agency_id=agency_id,
            name="ระบบสาธิตของหน่วยงาน",  # staff read it in Thai (the console, the review queue)
            scopes=list(CLIENT_SCOPES),
            created_by=None,
        )
        await identity_queries.add_client_secret(connection, client_pk=client_pk, secret_hash=secret_hash)
        clients.append(
            {
                "agency_code": code,
                "agency_id": str(agency_id),
                "client_id": client_id,
                "client_secret": secret,
            }
        )
    return clients


def _write_demo_guide(settings: Settings, clients: list[dict[str, str]]) -> None:
    guide = {
        "note": "Demo mode only. Fictitious people with valid national ID check digits.",
        "login": f"{settings.public_url}/auth/login",
        "people": [
            {
                "key": person.key,
                "national_id": person.national_id,
                "name_th": person.name_th,
                "name_en": person.name_en,
                "birthdate": person.birthdate,
                "situation": person.situation,
                "role": person.role,
            }
            for person in DEMO_PEOPLE
        ],
        "token_endpoint": f"{settings.public_url}/oauth/token",
        "agency_clients": clients,
    }
    path = settings.var_path / "demo.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(guide, file, ensure_ascii=False, indent=2)
