"""The run's data: citizens with sessions, the demo agencies, and a bill for each citizen."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import random
import time
import uuid
from dataclasses import dataclass

import asyncpg
import httpx
import redis
import redis.asyncio

from backend.catalogue import queries as catalogue_queries
from backend.core.admission import DoorPass
from backend.core.crypto import NationalIdCipher
from backend.core.migrate import upgrade
from backend.demo.agencies import SERVICES
from backend.demo.seed import DEMO_BILLS, seed_demo_data
from backend.identity.service import session_cookie_name
from backend.identity.sessions import SessionStore
from backend.settings import Settings
from scripts.load.config import BILLING_AGENCY, Config
from scripts.load_plan import Bill, Citizen, bill_amount
from tests.factories import make_citizen, valid_national_id


async def seed_database(settings: Settings, config: Config, rng: random.Random) -> list[Citizen]:
    """Migrations, the demo agencies with their connectors, tiles and machine clients, and the citizens
    (as their first login creates them) with favourites and sessions."""
    assert settings.database_url
    assert settings.redis_url
    await upgrade(settings.database_url)
    connection = await asyncpg.connect(settings.database_url)
    try:
        await seed_demo_data(connection, settings)  # also writes the machine clients' secrets to demo.json
        tile_ids = [row["id"] for row in await connection.fetch("SELECT id FROM tiles")]
    finally:
        await connection.close()
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    redis_client = redis.asyncio.Redis.from_url(settings.redis_url)
    cipher = NationalIdCipher(settings.id_encryption_keyring(), base64.b64decode(settings.id_hash_key))
    sessions = SessionStore(
        redis_client,
        idle_seconds=settings.session_idle_minutes * 60,
        absolute_seconds=settings.session_absolute_hours * 3600,
        door_pass=DoorPass(settings.secret_key),  # as the app's own logins mark them
    )
    citizens = []
    try:
        for number in range(config.citizens):
            national_id = valid_national_id(70_000_000 + number)
            birthdate = dt.date.today() - dt.timedelta(days=rng.randrange(18 * 365, 90 * 365))
            citizen_id = await make_citizen(
                pool, cipher, national_id=national_id, name_en=f"Load {number}", birthdate=birthdate
            )
            row = await pool.fetchrow(
                "SELECT national_id_key_id, national_id_ciphertext FROM citizens WHERE id = $1", citizen_id
            )
            assert row is not None
            for tile_id in rng.sample(tile_ids, rng.randrange(0, 4)):
                await catalogue_queries.set_favourite(pool, uuid.UUID(citizen_id), tile_id, True)
            # A login at the step-up level, so that large bills can be paid (STEP_UP_ACR).
            token, session = await sessions.create(
                uuid.UUID(citizen_id),
                acr=settings.step_up_acr,
                amr=["pwd"],
                auth_time=int(time.time()),
                user_agent="citizen-load",
                ip_address="127.0.0.1",
                sealed_national_id=(row["national_id_key_id"], row["national_id_ciphertext"]),
                birthdate=birthdate.isoformat(),
            )
            citizens.append(
                Citizen(
                    citizen_id=citizen_id,
                    national_id=national_id,
                    key_id=row["national_id_key_id"],
                    sealed=row["national_id_ciphertext"],
                    birthdate=birthdate.isoformat(),
                    token=token,
                    csrf=session.csrf_token,
                    logged_in_at=time.time(),
                )
            )
    finally:
        await pool.close()
        await redis_client.aclose()
    return citizens


@dataclass
class AgencyClient:
    agency_id: int
    client_id: str
    client_secret: str
    biller_id: str


def billing_agency(settings: Settings) -> AgencyClient:
    guide = json.loads((settings.var_path / "demo.json").read_text())
    client = next(c for c in guide["agency_clients"] if c["agency_code"] == BILLING_AGENCY)
    biller_id = next(biller for code, biller, *_ in DEMO_BILLS if code == BILLING_AGENCY)
    return AgencyClient(int(client["agency_id"]), client["client_id"], client["client_secret"], biller_id)


async def seed_over_http(
    base: str,
    agency: AgencyClient,
    citizens: list[Citizen],
    webhook_url: str,
    settings: Settings,
    rng: random.Random,
    run_tag: str,
) -> tuple[list[Bill], bytes]:
    """Through the agency API, as an agency's system would: its webhook, then one bill per citizen.
    Returns the bills and a home screen's JSON (the bare baseline's payload)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        token = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": "bills"},
            auth=(agency.client_id, agency.client_secret),
        )
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        hook = await http.put(
            f"/api/v1/agency/{agency.agency_id}/webhook", json={"url": webhook_url}, headers=headers
        )
        hook.raise_for_status()
        limit = asyncio.Semaphore(16)

        async def issue(index: int) -> Bill:
            amount = bill_amount(rng, settings.payment_step_up_satang)
            ref1 = f"S{run_tag}{index:09d}"
            body = {
                "national_id": citizens[index].national_id,
                "amount_satang": amount,
                "due_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
                "biller_id": agency.biller_id,
                "ref1": ref1,
                "ref2": "LOAD",
                "description_th": "ค่าน้ำประปา",
                "description_en": "Water bill",
                "idempotency_key": f"load-{ref1}",
            }
            async with limit:
                answer = await http.post("/api/v1/agency/bills", json=body, headers=headers)
            answer.raise_for_status()
            return Bill(
                id=answer.json()["id"],
                citizen=index,
                biller_id=agency.biller_id,
                ref1=ref1,
                ref2="LOAD",
                amount_satang=amount,
            )

        bills = await asyncio.gather(*(issue(index) for index in range(len(citizens))))
        home = await http.get(
            "/api/v1/tiles?lang=th",
            headers={"Cookie": f"{session_cookie_name(settings)}={citizens[0].token}"},
        )
        home.raise_for_status()
    return list(bills), home.content


def set_agency_delay(base: str, delay_ms: int) -> None:
    for service in SERVICES:
        answer = httpx.post(f"{base}/{service}/_control", json={"mode": "ok", "delay_ms": delay_ms})
        answer.raise_for_status()
