"""Application services, applications in any state, their files and the documents issued for them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from backend.applications import documents_queries, files_queries
from backend.applications import queries as application_queries
from backend.applications.context import Applications, random_code
from backend.applications.files import CheckedUpload
from backend.applications.forms import Form, FormField
from backend.applications.rows import ApplicationRow, DocumentRow, NewDocumentRow, ServiceRow
from backend.applications.schemas import FileView, ServiceDefinition
from backend.applications.signing import statement
from backend.core.db import Db, Pool
from backend.core.jsontypes import JsonObject
from tests.factories._ids import Id, as_uuid
from tests.factories._numbers import next_number
from tests.factories.catalogue import make_tile

ApplicationState = Literal[
    "draft", "submitted", "in_review", "more_information_requested", "approved", "rejected", "fee_due",
    "paid", "document_issued", "closed", "discarded",
]  # fmt: skip
FORM = Form(
    fields=[
        FormField(name="school", kind="text", label_th="โรงเรียน", label_en="School", required=True),
        FormField(name="transcript", kind="file", label_th="ใบแสดงผล", label_en="Transcript"),
    ]
)
ANSWERS: JsonObject = {"school": "Triam Udom Suksa"}
# The smallest PDF the upload checks accept.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


async def make_service(
    db: Db,
    agency_id: int,
    *,
    form: Form = FORM,
    fee_satang: int | None = None,
    biller_id: str | None = None,
    status: Literal["open", "closed"] = "open",
) -> ServiceRow:
    """An application service on a new published tile of kind ``application``."""
    tile = await make_tile(db, agency_id, kind="application")
    definition = ServiceDefinition(
        tile_id=tile.id, form=form, fee_satang=fee_satang, biller_id=biller_id, status=status
    )
    service_id = await application_queries.upsert_service(
        db, agency_id, f"service-{next_number()}", definition, None
    )
    found = await application_queries.service(db, service_id)
    assert found is not None
    return found


async def make_application(
    pool: Pool,
    service: ServiceRow,
    citizen_id: Id,
    *,
    state: ApplicationState = "submitted",
    answers: JsonObject | None = None,
) -> ApplicationRow:
    """The citizen's application to the service, in ``state`` (written there directly: the moves between
    states are ``states.change_state``'s to test, not a set-up's)."""
    application_id: uuid.UUID = await pool.fetchval(
        """
        INSERT INTO applications (tracking_number, service_id, agency_id, citizen_id, state, answers,
                                  submitted_at)
        VALUES ($1, $2, $3, $4::uuid, $5, $6::jsonb,
                CASE WHEN $5 IN ('draft', 'discarded') THEN NULL ELSE now() END)
        RETURNING id
        """,
        "AP" + random_code(10),
        service.id,
        service.agency_id,
        citizen_id,
        state,
        ANSWERS if answers is None else answers,
    )
    found = await application_queries.application(pool, application_id)
    assert found is not None
    return found


async def make_file(
    applications: Applications,
    application_id: Id,
    *,
    field: str | None = "transcript",
    content: bytes = PDF,
    file_name: str = "transcript.pdf",
) -> FileView:
    """A PDF answering ``field`` (None: sent with a reply), its bytes in the file store."""
    sha256 = await applications.store.put(content)
    upload = CheckedUpload(name=file_name, content_type="application/pdf", size=len(content), sha256=sha256)
    async with applications.pool.acquire() as connection:
        return await files_queries.insert_file(connection, as_uuid(application_id), field, upload)


async def make_document(
    applications: Applications, application: ApplicationRow, *, content: bytes = PDF
) -> DocumentRow:
    """A document issued for the application, signed by the platform's key as an agency's issuing does
    (the application's state is left as it is)."""
    sha256 = await applications.store.put(content)
    code = random_code(16)
    issued_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    key_id, signature = applications.signer.sign(
        statement(code=code, sha256=sha256, issuer=application.agency_code, issued_at=issued_at)
    )
    new = NewDocumentRow(
        citizen_id=application.citizen_id, agency_id=application.agency_id, application_id=application.id,
        title_th="หนังสือรับรอง", title_en="Certificate", content_type="application/pdf",
        size_bytes=len(content), sha256=sha256, verification_code=code, issuer_code=application.agency_code,
        issued_at=issued_at, signing_key_id=key_id, signature=signature, issued_by=None,
        issued_by_client="tests",
    )  # fmt: skip
    async with applications.pool.acquire() as connection:
        document_id = await documents_queries.insert_document(connection, new)
    found = await documents_queries.document(applications.pool, document_id)
    assert found is not None
    return found
