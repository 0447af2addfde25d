"""Sending a submitted application to an agency that takes them through its connector.

A task (save, then queue) written in the submission's own transaction, so no submitted application
goes unsent: failures are retried with the outbox's back-off, and the agency de-duplicates by
tracking number (contract version 1 says so). Each attempt is recorded in the applicant's "who
accessed my data", because it sends their national ID and answers to the agency's system.
"""

from __future__ import annotations

import base64
import uuid

from backend.applications import files_queries, queries
from backend.applications.files import FileStore
from backend.applications.states import DELIVER_TASK
from backend.connectors import queries as connector_queries
from backend.connectors.client import ConnectorClient, ConnectorFailure
from backend.connectors.contract import ApplicationFile, ApplicationSubmission
from backend.connectors.entitlements import target_from_row
from backend.core.crypto import NationalIdCipher
from backend.core.tasks import TaskContext, task_handler

PURPOSE = "Sending your application {number} to the agency"
FIELDS = ["name", "national ID", "birth date", "answers", "files"]


@task_handler(DELIVER_TASK)
async def deliver_application(ctx: TaskContext, application_id: str) -> None:
    settings = ctx.resources.settings
    found = await queries.delivery_target(ctx.connection, application_id)
    if found is None or found.connector_id is None or found.agency_reference is not None:
        return  # gone, no longer sent by connector, or already accepted
    connectors = await connector_queries.agency_connectors(ctx.connection, found.agency_id)
    row = next((item for item in connectors if item["id"] == found.connector_id), None)
    if row is None or row["status"] != "active":
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
    ]
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
    )
    client = ConnectorClient(ctx.resources.redis, ctx.resources.outbound)
    outcome, detail, reference = "ok", None, None
    try:
        reference = (await client.submit_application(target_from_row(row, cipher), submission)).reference
    except ConnectorFailure as failure:
        outcome = "timeout" if failure.kind == "timeout" else "failed"
        detail = f"{failure.kind}: {failure.detail}"[:300]
    # A failed attempt is recorded outside the task's transaction, which its retry rolls back.
    await connector_queries.record_access(
        ctx.connection if reference else ctx.resources.pool,
        citizen_id=found.citizen_id, agency_id=found.agency_id, connector_id=row["id"],
        actor_kind="system", actor_id=None, purpose=PURPOSE.format(number=found.tracking_number),
        fields=FIELDS, outcome=outcome, detail=detail,
    )  # fmt: skip
    if reference is None:
        raise ConnectorFailure("unreachable", detail or "not accepted")
    await queries.set_agency_reference(ctx.connection, application_id, reference)
