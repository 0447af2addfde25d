"""Sending a submitted application to an agency that takes them through its connector.

A task (save, then queue) written in the submission's own transaction, so no submitted application
goes unsent: failures are retried with the outbox's back-off, and the agency de-duplicates by
tracking number (contract version 1 says so). Each attempt is recorded in the applicant's "who
accessed my data", because it sends their national ID and answers to the agency's system.
"""

from __future__ import annotations

import base64
import uuid

import msgspec

from backend.applications import files_queries, queries
from backend.applications.files import FileStore
from backend.applications.on_behalf import on_behalf_of
from backend.applications.states import ApplicationRef
from backend.connectors import access_log
from backend.connectors import queries as connector_queries
from backend.connectors.access_log import ANSWERS, BIRTH_DATE, FILES, NAME, NATIONAL_ID
from backend.connectors.client import PLAIN_REASONS, ConnectorClient, ConnectorFailure, FailureKind
from backend.connectors.contract import ApplicationFile, ApplicationSubmission
from backend.connectors.schemas import Said
from backend.connectors.targets import target_from_row
from backend.core.crypto import NationalIdCipher
from backend.core.tasks import TaskContext

FIELDS = [NAME, NATIONAL_ID, BIRTH_DATE, ANSWERS, FILES]


async def deliver_application(ctx: TaskContext, ref: ApplicationRef) -> None:
    settings, application_id = ctx.resources.settings, ref.application_id
    found = await queries.delivery_target(ctx.connection, application_id)
    if found is None or found.connector_id is None or found.agency_reference is not None:
        return  # gone, no longer sent by connector, or already accepted
    rows = await connector_queries.connectors_of(ctx.connection, found.agency_id, found.connector_id)
    row = rows[0] if rows else None
    if row is None or row.status != "active":
        raise ConnectorFailure("unreachable", "the agency's connector is disabled")  # retried later
    cipher = NationalIdCipher(settings.id_encryption_keyring(), base64.b64decode(settings.id_hash_key))
    store = FileStore(settings.files_path)
    files = [
        ApplicationFile(
            field=file.field,
            file_name=file.file_name,
            content_type=file.content_type,
            size_bytes=file.size_bytes,
            sha256=file.sha256,
            content_base64=base64.b64encode(await store.get(file.sha256)).decode(),
        )
        for file in await files_queries.files(ctx.connection, application_id)
        if file.field is not None  # the form's files; a reply's come later, through the agency API
    ]
    delegate = await on_behalf_of(ctx.connection, cipher, application_id)
    submission = ApplicationSubmission(
        tracking_number=found.tracking_number,
        service_code=found.service_code,
        national_id=cipher.decrypt(found.national_id_key_id, found.national_id_ciphertext),
        name_th=found.name_th,
        name_en=found.name_en,
        birthdate=found.birthdate,
        answers=found.answers,
        files=files,
        submitted_at=found.submitted_at,
        status_callback_url=f"{settings.public_url}/api/v1/agency/{found.agency_id}/applications/"
        f"{application_id}/status",
        request_id=uuid.uuid4().hex,
        on_behalf=delegate or msgspec.UNSET,  # absent when the citizen sent it themselves
    )
    client = ConnectorClient(ctx.resources.redis, ctx.resources.outbound)
    outcome, detail, reference = "ok", None, None
    failure_kind: FailureKind | None = None
    try:
        reference = (await client.submit_application(target_from_row(row, cipher), submission)).reference
    except ConnectorFailure as failure:
        outcome = "timeout" if failure.kind == "timeout" else "failed"
        failure_kind, detail = failure.kind, f"{failure.kind}: {failure.detail}"[:300]
    # A failed attempt is recorded outside the task's transaction, which its retry rolls back.
    await access_log.record_access(
        ctx.connection if reference else ctx.resources.pool,
        citizen_id=found.citizen_id, agency_id=found.agency_id, connector_id=row.id, kind="agency_call",
        actor_kind="system", actor_id=None,
        purpose=Said(f"ส่งคำขอ {found.tracking_number} ไปยังหน่วยงาน",
                     f"Sending your application {found.tracking_number} to the agency"),
        fields=FIELDS, outcome=outcome,
        detail=Said(*PLAIN_REASONS[failure_kind]) if failure_kind else None,
    )  # fmt: skip
    if reference is None:
        raise ConnectorFailure("unreachable", detail or "not accepted")
    await queries.set_agency_reference(ctx.connection, application_id, reference)
