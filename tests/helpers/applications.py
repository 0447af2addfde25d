"""Applications: a form, its answers and files, and an agency office taking them."""

from __future__ import annotations

import io
from typing import Any

import httpx
from PIL import Image

from backend.applications import queries as application_queries
from backend.catalogue import queries as catalogue_queries
from backend.catalogue.schemas import TileContent
from backend.core.resources import Resources
from payments.queries import assign_biller
from tests.factories import make_agency, make_application
from tests.integration.conftest import SignIn

BILLER = "0994000158378"


FORM: dict[str, Any] = {
    "fields": [
        {"name": "school", "kind": "text", "label_th": "โรงเรียน", "label_en": "School", "required": True,
         "max_length": 100},
        {"name": "years", "kind": "number", "label_th": "ปี", "label_en": "Years", "integer": True,
         "minimum": 1,
         "maximum": 15},
        {"name": "finished", "kind": "date", "label_th": "วันที่จบ", "label_en": "Finished", "required": True,
         "max_date": "today"},
        {"name": "level", "kind": "choice", "label_th": "ระดับ", "label_en": "Level", "required": True,
         "choices": [{"value": "M3", "label_th": "ม.3", "label_en": "M3"},
                     {"value": "M6", "label_th": "ม.6", "label_en": "M6"}]},
        {"name": "address", "kind": "thai_address", "label_th": "ที่อยู่", "label_en": "Address"},
        {"name": "transcript", "kind": "file", "label_th": "ใบแสดงผล", "label_en": "Transcript",
         "required": True,
         "max_files": 2},
    ]
}  # fmt: skip


ANSWERS: dict[str, Any] = {
    "school": "Tokyo Metropolitan High School",
    "years": 3,
    "finished": "2020-03-31",
    "level": "M6",
    "address": {"house_number": "99/1", "subdistrict": "Lumphini", "district": "Pathum Wan",
                "province": "Bangkok", "postcode": "10330"},
}  # fmt: skip


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


async def application_tile(resources: Resources, agency_id: int) -> int:
    tile_id = await catalogue_queries.create_tile(resources.pool, agency_id)
    content = TileContent(
        title_th="เทียบวุฒิ",
        title_en="Qualification equivalence",
        icon="diploma",
        category="education",
        life_events=["school"],
        kind="application",
    )
    await catalogue_queries.insert_version(resources.pool, tile_id, 1, content, None)
    await catalogue_queries.publish(resources.pool, tile_id, 1)
    return tile_id


class Office:
    """An agency offering one application service, with its administrator and a case officer."""

    def __init__(
        self,
        agency_id: int,
        tile_id: int,
        service_id: int,
        admin: httpx.AsyncClient,
        officer: httpx.AsyncClient,
    ):
        self.agency_id, self.tile_id, self.service_id = agency_id, tile_id, service_id
        self.admin, self.officer = admin, officer

    def url(self, application_id: str, tail: str = "") -> str:
        return f"/api/v1/agency/{self.agency_id}/applications/{application_id}{tail}"

    async def move(self, application_id: str, state: str, **extra: Any) -> httpx.Response:
        return await self.officer.post(self.url(application_id, "/status"), json={"state": state, **extra})


async def new_office(sign_in: SignIn, resources: Resources, *, biller: str | None = BILLER) -> Office:
    agency_id = await make_agency(resources.pool, status="approved")
    if biller is not None:
        await assign_biller(resources.pool, biller, agency_id, None)
    tile_id = await application_tile(resources, agency_id)
    admin = await sign_in(("agency_admin", agency_id))
    officer = await sign_in(("agency_officer", agency_id))
    definition: dict[str, Any] = {"tile_id": tile_id, "form": FORM}
    if biller is not None:
        definition |= {"fee_satang": 20000, "biller_id": biller}
    defined = await admin.put(f"/api/v1/agency/{agency_id}/application-services/equivalence", json=definition)
    assert defined.status_code == 200, defined.text
    return Office(agency_id, tile_id, defined.json()["id"], admin, officer)


async def submitted(citizen: httpx.AsyncClient, office: Office) -> str:
    """A complete application, sent."""
    application_id: str = (
        await citizen.post("/api/v1/applications", json={"service_id": office.service_id})
    ).json()["id"]
    uploaded = await citizen.post(
        f"/api/v1/applications/{application_id}/files",
        data={"field": "transcript"},
        files={"file": ("transcript.png", png(), "image/png")},
    )
    assert uploaded.status_code == 201, uploaded.text
    answers = {**ANSWERS, "transcript": [uploaded.json()["id"]]}
    assert (
        await citizen.put(f"/api/v1/applications/{application_id}/answers", json={"answers": answers})
    ).status_code == 200
    sent = await citizen.post(f"/api/v1/applications/{application_id}/submit")
    assert sent.status_code == 200, sent.text
    return application_id


async def sent_application(resources: Resources, citizen: httpx.AsyncClient, office: Office) -> str:
    """The citizen's application to the office's service, written straight in the submitted state (for
    tests of what comes after sending: ``submitted`` goes through the citizen's HTTP steps)."""
    citizen_id = (await citizen.get("/api/v1/me")).json()["id"]
    service = await application_queries.service(resources.pool, office.service_id)
    assert service is not None
    return str((await make_application(resources.pool, service, citizen_id, answers=ANSWERS)).id)


async def issued_document(
    sign_in: SignIn, resources: Resources
) -> tuple[httpx.AsyncClient, dict[str, Any], Office]:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    application_id = await submitted(citizen, office)
    assert (await office.move(application_id, "approved")).status_code == 200
    issued = await office.officer.post(
        office.url(application_id, "/document"),
        json={"title_th": "หนังสือรับรอง", "title_en": "Certificate", "details": [
            {"label_th": "ระดับ", "label_en": "Level", "value": "M6"}]},
    )  # fmt: skip
    assert issued.status_code == 201, issued.text
    return citizen, issued.json(), office
