"""What support staff may open of a citizen's applications: each look is written to the citizen's "who
accessed my data" log (``backend.support.lookups``), with what was seen."""

from __future__ import annotations

import uuid

import msgspec

from backend.applications import files_queries, queries
from backend.applications.context import Applications, Download
from backend.applications.schemas import SupportApplication
from backend.applications.service import MAX_LISTED, stored_file
from backend.connectors.access_log import ATTACHED_FILE
from backend.connectors.schemas import Said
from backend.core.errors import NotFound
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.identity.service import Identity
from backend.support.lookups import look_up_citizen


async def support_applications(
    applications: Applications,
    resources: Resources,
    identity: Identity,
    principal: Principal,
    citizen_id: uuid.UUID,
) -> list[SupportApplication]:
    """A citizen's applications with their files and timelines (the look is recorded for the citizen)."""
    found = await look_up_citizen(
        resources, identity, citizen_id, staff_id=citizen_of(principal),
        purpose=Said("เจ้าหน้าที่ดูคำขอของคุณ", "Support looked at your applications"),
        fields=[Said("คำขอ", "applications"), Said("ชื่อไฟล์", "file names"),
                Said("ความคืบหน้าของคำขอ", "timelines")],
    )  # fmt: skip
    pool = applications.pool
    return [
        msgspec.convert(
            {
                **msgspec.structs.asdict(row),
                "files": await files_queries.files(pool, row.id),
                "events": await queries.events(pool, row.id),
            },
            SupportApplication,
        )
        for row in await queries.applications_of_citizen(pool, found.citizen_id, MAX_LISTED)
    ]


async def support_file(
    applications: Applications,
    resources: Resources,
    identity: Identity,
    principal: Principal,
    application_id: uuid.UUID,
    file_id: uuid.UUID,
) -> Download:
    found = await queries.application(applications.pool, application_id)
    if found is None:
        raise NotFound("No such application.")
    _, download = await stored_file(applications, application_id, file_id)
    await look_up_citizen(
        resources, identity, found.citizen_id, staff_id=citizen_of(principal),
        purpose=Said(f"เจ้าหน้าที่เปิดไฟล์ในคำขอ {found.tracking_number}",
                     f"Support opened a file of your application {found.tracking_number}"),
        fields=[ATTACHED_FILE],
    )  # fmt: skip
    return download
