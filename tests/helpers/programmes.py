"""Programmes for the waiting-room tests: one defined through the agency API, and a tick of admission
at a chosen moment (the worker runs ``admit_all`` each second on the clock)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.core.resources import Resources
from backend.programmes.admission import admit_all
from tests.factories import make_agency
from tests.integration.conftest import SignIn


def programme_body(**overrides: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    return {
        "name_th": "โครงการเติมเงินดิจิทัล",
        "name_en": "Digital wallet top-up",
        "description_th": "ลงทะเบียนรับเงิน 10,000 บาท ผ่านแอป",
        "description_en": "Register to receive 10,000 baht through the app.",
        "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
        "admit_per_second": 5,
        **overrides,
    }


async def new_programme(resources: Resources, sign_in: SignIn, **overrides: Any) -> str:
    """An approved agency's programme, open since an hour ago unless ``overrides`` say otherwise."""
    agency_id = await make_agency(resources.pool, status="approved")
    staff = await sign_in(("agency_editor", agency_id))
    made = await staff.post(f"/api/v1/agency/{agency_id}/programmes", json=programme_body(**overrides))
    assert made.status_code == 201, made.text
    programme_id: str = made.json()["id"]
    return programme_id


class Clock:
    """Admission ticks at moments a test chooses, each a second after the last."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime.now(dt.UTC)

    async def tick(self, resources: Resources, seconds: float = 1.0) -> int:
        self.now += dt.timedelta(seconds=seconds)
        return await admit_all(resources, self.now)
