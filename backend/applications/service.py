"""Applications from draft to issued document, and the documents wallet.

- A state change is an event row that references the transitions table (the database refuses an
  illegal move), the application's new state, and the citizen's inbox message with its pushes: one
  transaction. The row is locked first, so two officers acting at once give one change, not two.
- A fee is a bill issued to the applicant (payments feature); the bill's payment runs
  ``move_on_payment`` inside the payment's own transaction, so "paid" and the money cannot disagree.
- Documents are signed by the platform (``signing.py``) over a statement naming the file's SHA-256;
  share links are random tokens kept only as hashes and used up by their first open.
- Every look at a citizen's application or document by someone else is written to their
  "who accessed my data" log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import asyncpg
import structlog

from backend.applications import queries
from backend.applications.certificate import CertificateContent, render_certificate
from backend.applications.files import CheckedUpload, FileStore, check_upload
from backend.applications.forms import check_answers, file_fields, parse_form, text_values
from backend.applications.signing import DocumentSigner, statement
from backend.applications.storage import UploadQuota
from backend.connectors.queries import record_access
from backend.core.crypto import NationalIdCipher
from backend.core.db import Connection, Pool
from backend.core.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from backend.core.tasks import UnitOfWork, unit_of_work
from backend.core.text import hidden_character
from notifications.service import enqueue_notification
from payments import queries as payment_queries
from payments.service import on_bill_paid

if TYPE_CHECKING:
    from saq.queue.base import Queue

_log = structlog.get_logger(__name__)

_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's: no I, L, O, U to misread
FEE_DUE_DAYS = 30
SHARE_VIEW_MINUTES = 10
MAX_SHARE_MINUTES = 1440
DELIVER_TASK = "applications.deliver"

# What the citizen is told at each step (title Thai, title English).
STEP_WORDS: dict[str, tuple[str, str]] = {
    "submitted": ("ได้รับคำขอของคุณแล้ว", "We received your application"),
    "in_review": ("เจ้าหน้าที่กำลังพิจารณาคำขอ", "Your application is being reviewed"),
    "more_information_requested": ("ต้องการข้อมูลเพิ่มเติม", "More information is needed"),
    "approved": ("คำขอได้รับการอนุมัติ", "Your application was approved"),
    "rejected": ("คำขอไม่ได้รับการอนุมัติ", "Your application was not approved"),
    "fee_due": ("กรุณาชำระค่าธรรมเนียม", "A fee is due"),
    "paid": ("ชำระค่าธรรมเนียมแล้ว", "Fee paid"),
    "document_issued": ("เอกสารของคุณพร้อมแล้ว", "Your document is ready"),
    "closed": ("ปิดคำขอแล้ว", "Application closed"),
}


def random_code(length: int) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts for an agency: a staff member (citizen id) or an agency system (client id)."""

    staff_id: str | None
    client_id: str | None

    @property
    def recorded_as(self) -> str | None:
        return self.staff_id or (f"client:{self.client_id}" if self.client_id else None)


class Applications:
    def __init__(
        self,
        pool: Pool,
        queue: Queue,
        store: FileStore,
        signer: DocumentSigner,
        cipher: NationalIdCipher,
        public_url: str,
    ) -> None:
        self.pool = pool
        self.queue = queue
        self.store = store
        self.signer = signer
        self.cipher = cipher
        self.public_url = public_url

    # --- citizens -----------------------------------------------------------------------------

    async def open_service(self, tile_id: int) -> dict[str, Any]:
        service = await queries.service_for_tile(self.pool, tile_id)
        if service is None or not service["is_published"] or service["status"] != "open":
            raise NotFound("This service does not take applications in the app.")
        return service

    async def start(self, citizen_id: str, service_id: int) -> tuple[str, bool]:
        """(application id, created now): a citizen's existing draft of the service is reopened."""
        service = await queries.service(self.pool, service_id)
        if service is None or not service["is_published"] or service["status"] != "open":
            raise NotFound("This service does not take applications in the app.")
        existing = await queries.draft_for(self.pool, citizen_id, service_id)
        if existing is not None:
            return existing, False
        async with self.pool.acquire() as connection, connection.transaction():
            for _ in range(5):  # a clash of random tracking numbers is rare; try another
                try:
                    async with connection.transaction():
                        created = await queries.insert_application(
                            connection,
                            tracking_number="AP" + random_code(10),
                            service_id=service_id,
                            agency_id=service["agency_id"],
                            citizen_id=citizen_id,
                        )
                except asyncpg.UniqueViolationError:
                    continue
                if created is None:  # a draft was started at the same moment: use it
                    again = await queries.draft_for(connection, citizen_id, service_id)
                    assert again is not None
                    return again, False
                return created, True
        raise Conflict("Could not start the application; please try again.")

    async def citizens_application(self, citizen_id: str, application_id: str) -> dict[str, Any]:
        found = await queries.application(self.pool, application_id)
        if found is None or found["citizen_id"] != citizen_id:
            raise NotFound("No such application.")
        return found

    async def save_draft(self, citizen_id: str, application_id: str, answers: dict[str, Any]) -> dt.datetime:
        found = await self.citizens_application(citizen_id, application_id)
        if found["state"] not in ("draft", "more_information_requested"):
            raise Conflict("This application was sent; it can no longer be changed.")
        service = await queries.service(self.pool, found["service_id"])
        assert service is not None
        _refuse_hidden(parse_form(service["form"]), answers)
        await self._check_answers(
            service, application_id, answers, complete=False, refusal="Some answers cannot be saved."
        )
        async with self.pool.acquire() as connection, connection.transaction():
            locked = await queries.lock_application(connection, application_id)
            assert locked is not None
            if locked["state"] != found["state"]:
                raise Conflict("This application changed meanwhile; reload it.")
            return await queries.save_answers(connection, application_id, answers)

    async def add_file(
        self,
        citizen_id: str,
        application_id: str,
        field: str,
        name: str,
        content: bytes,
        quota: UploadQuota | None = None,
    ) -> dict[str, Any]:
        found = await self.citizens_application(citizen_id, application_id)
        if found["state"] not in ("draft", "more_information_requested"):
            raise Conflict("This application was sent; files can no longer be added.")
        service = await queries.service(self.pool, found["service_id"])
        assert service is not None
        fields = file_fields(parse_form(service["form"]))
        if field not in fields:
            raise InvalidInput(errors=[FieldError(field="field", message="is not a file field of this form")])
        if quota is not None:  # before the costly check; again under the lock before the insert
            await quota.check(self.pool, citizen_id, len(content))
        upload: CheckedUpload = await asyncio.to_thread(check_upload, name, content)
        if await queries.count_files(self.pool, application_id, field) >= fields[field].max_files:
            raise Conflict(f"This field takes at most {fields[field].max_files} file(s); remove one first.")
        await self.store.put(content)
        async with self.pool.acquire() as connection, connection.transaction():
            if quota is not None:
                await quota.check(connection, citizen_id, upload.size, lock=True)
            return await queries.insert_file(
                connection,
                application_id,
                field,
                {"name": upload.name, "content_type": upload.content_type, "size": upload.size,
                 "sha256": upload.sha256},
            )  # fmt: skip

    async def remove_file(self, citizen_id: str, application_id: str, file_id: str) -> None:
        found = await self.citizens_application(citizen_id, application_id)
        if found["state"] not in ("draft", "more_information_requested"):
            raise Conflict("This application was sent; its files can no longer be removed.")
        async with self.pool.acquire() as connection, connection.transaction():
            if not await queries.remove_file(connection, application_id, file_id):
                raise NotFound("No such file.")
            answers = {
                name: [item for item in value if item != file_id] if isinstance(value, list) else value
                for name, value in found["answers"].items()
            }
            await queries.save_answers(connection, application_id, answers)

    async def submit(self, citizen_id: str, application_id: str) -> None:
        found = await self.citizens_application(citizen_id, application_id)
        if found["state"] != "draft":
            raise Conflict("This application was already sent.")
        service = await queries.service(self.pool, found["service_id"])
        assert service is not None
        if not service["is_published"] or service["status"] != "open":
            raise Conflict("This service no longer takes applications.")
        await self._check_answers(
            service, application_id, found["answers"], complete=True,
            refusal="Some answers need attention before the application can be sent.",
        )  # fmt: skip
        async with unit_of_work(self.pool, self.queue) as work:
            await change_state(work, application_id, "submitted", "citizen", citizen_id, None, expect="draft")
            if service["delivery"] == "connector":
                await work.add_task(DELIVER_TASK, application_id)

    async def reply(
        self, citizen_id: str, application_id: str, message: str, answers: dict[str, Any] | None
    ) -> None:
        if answers is not None:
            await self.save_draft(citizen_id, application_id, answers)
        found = await self.citizens_application(citizen_id, application_id)
        if found["state"] != "more_information_requested":
            raise Conflict("No information was asked for.")
        # It goes back to the agency as complete as it was sent: a reply may change answers, not drop them.
        service = await queries.service(self.pool, found["service_id"])
        assert service is not None
        await self._check_answers(
            service, application_id, found["answers"], complete=True,
            refusal="Some answers need attention before you reply.",
        )  # fmt: skip
        async with unit_of_work(self.pool, self.queue) as work:
            await change_state(
                work, application_id, "in_review", "citizen", citizen_id, message, expect=found["state"]
            )

    async def _check_answers(
        self,
        service: dict[str, Any],
        application_id: str,
        answers: dict[str, Any],
        *,
        complete: bool,
        refusal: str,
    ) -> None:
        """400 naming each field when the answers do not fit the service's form (and its uploaded files)."""
        file_ids = {row["id"] for row in await queries.files(self.pool, application_id)}
        errors = check_answers(parse_form(service["form"]), answers, file_ids=file_ids, complete=complete)
        if errors:
            raise InvalidInput(refusal, errors=errors)

    async def withdraw(self, citizen_id: str, application_id: str) -> None:
        found = await self.citizens_application(citizen_id, application_id)
        if found["state"] not in ("submitted", "in_review", "more_information_requested"):
            raise Conflict("Only an application that is still being decided can be withdrawn.")
        async with unit_of_work(self.pool, self.queue) as work:
            await change_state(
                work,
                application_id,
                "closed",
                "citizen",
                citizen_id,
                "withdrawn by the applicant",
                expect=found["state"],
            )

    async def file_for(self, application_id: str, file_id: str) -> tuple[dict[str, Any], bytes]:
        row = await queries.file(self.pool, application_id, file_id)
        if row is None:
            raise NotFound("No such file.")
        return row, await self.store.get(row["sha256"])

    # --- agencies -----------------------------------------------------------------------------

    async def agencys_application(self, agency_id: int, application_id: str) -> dict[str, Any]:
        found = await queries.application(self.pool, application_id)
        if found is None or found["agency_id"] != agency_id or found["state"] == "draft":
            raise NotFound("No such application.")
        return found

    async def record_agency_look(
        self, found: dict[str, Any], actor: Actor, what: str, fields: list[str]
    ) -> None:
        await record_access(
            self.pool,
            citizen_id=found["citizen_id"],
            agency_id=found["agency_id"],
            connector_id=None,
            actor_kind="staff" if actor.staff_id else "system",
            actor_id=actor.recorded_as,
            purpose=f"{what}: application {found['tracking_number']} ({found['title_en']})",
            fields=fields,
            outcome="ok",
            detail=None,
        )

    async def agency_move(
        self,
        agency_id: int,
        application_id: str,
        to_state: str,
        *,
        note: str | None,
        fee_satang: int | None,
        actor: Actor,
    ) -> None:
        found = await self.agencys_application(agency_id, application_id)
        if to_state in ("more_information_requested", "rejected") and not (note or "").strip():
            raise InvalidInput(
                "Tell the applicant what is needed, or why not.",
                errors=[FieldError(field="note", message="tell the applicant what is needed or why")],
            )
        if to_state == "document_issued":
            raise Conflict("Issue the document itself (POST .../document); that moves the application on.")
        async with unit_of_work(self.pool, self.queue) as work:
            locked = await queries.lock_application(work.connection, application_id)
            assert locked is not None
            if to_state == "fee_due":
                await self._issue_fee(work.connection, locked, fee_satang, actor)
            if to_state == "closed" and locked["state"] == "fee_due" and locked["bill_id"]:
                await queries.cancel_unpaid_bill(work.connection, locked["bill_id"])
            await change_state(
                work, application_id, to_state, "agency", actor.recorded_as, note, expect=found["state"]
            )

    async def _issue_fee(
        self, connection: Connection, application: dict[str, Any], fee_satang: int | None, actor: Actor
    ) -> None:
        service = await queries.service(connection, application["service_id"])
        assert service is not None
        amount = fee_satang or service["fee_satang"]
        if amount is None:
            raise InvalidInput(
                errors=[FieldError(field="fee_satang", message="this service has no fee: name one")]
            )
        if service["biller_id"] is None:
            raise Conflict("This service has no biller ID to collect a fee with (the agency sets one).")
        applicant = await queries.applicant(connection, application["citizen_id"])
        assert applicant is not None
        key = f"application-fee:{application['id']}"
        bill_id = await payment_queries.insert_bill(
            connection,
            {
                "agency_id": application["agency_id"],
                "national_id_hash": applicant["national_id_hash"],
                "amount_satang": amount,
                "due_date": dt.date.today() + dt.timedelta(days=FEE_DUE_DAYS),
                "biller_id": service["biller_id"],
                "ref1": application["tracking_number"],
                "ref2": None,
                "description_th": f"ค่าธรรมเนียม {application['title_th']} ({application['tracking_number']})"[
                    :300
                ],
                "description_en": f"Fee: {application['title_en']} ({application['tracking_number']})"[:300],
                "idempotency_key": key,
                "request_hash": hashlib.sha256(key.encode()).digest(),
                "issued_by_client": actor.client_id,
                "issued_by": actor.staff_id,
            },
        )
        if bill_id is None:
            raise Conflict("A fee was already issued for this application.")
        await queries.set_bill(connection, application["id"], bill_id)

    async def issue_document(
        self,
        agency_id: int,
        application_id: str,
        *,
        title_th: str,
        title_en: str,
        details: list[tuple[str, str, str]],
        actor: Actor,
        uploaded: tuple[str, bytes] | None = None,
    ) -> str:
        """Signs and stores the document (the agency's own PDF, ``uploaded`` as name and bytes, or one
        rendered here), and moves the application to document_issued."""
        found = await self.agencys_application(agency_id, application_id)
        if found["state"] not in ("approved", "paid"):
            raise Conflict(
                "A document is issued once the application is approved (and its fee, if any, is paid)."
            )
        if uploaded is not None:
            checked = await asyncio.to_thread(check_upload, *uploaded)
            if checked.content_type != "application/pdf":
                raise InvalidInput(errors=[FieldError(field="file", message="an issued document is a PDF")])
        applicant = await queries.applicant(self.pool, found["citizen_id"])
        assert applicant is not None
        code = random_code(16)
        issued_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        content = CertificateContent(
            title_th=title_th,
            title_en=title_en,
            holder_name_th=applicant["name_th"] or applicant["name_en"] or "",
            holder_name_en=applicant["name_en"] or applicant["name_th"] or "",
            agency_name_th=found["agency_name_th"],
            agency_name_en=found["agency_name_en"],
            details=details,
            tracking_number=found["tracking_number"],
            verification_code=code,
            verification_url=self.verification_url(code),
            issued_at=issued_at,
        )
        pdf = uploaded[1] if uploaded is not None else await asyncio.to_thread(render_certificate, content)
        sha256 = await self.store.put(pdf)
        key_id, signature = self.signer.sign(
            statement(code=code, sha256=sha256, issuer=found["agency_code"], issued_at=issued_at)
        )
        async with unit_of_work(self.pool, self.queue) as work:
            locked = await queries.lock_application(work.connection, application_id)
            assert locked is not None
            document_id = await queries.insert_document(
                work.connection,
                {
                    "citizen_id": found["citizen_id"], "agency_id": agency_id,
                    "application_id": application_id,
                    "title_th": title_th, "title_en": title_en, "content_type": "application/pdf",
                    "size_bytes": len(pdf), "sha256": sha256, "verification_code": code,
                    "issuer_code": found["agency_code"], "issued_at": issued_at, "signing_key_id": key_id,
                    "signature": signature, "issued_by": actor.staff_id, "issued_by_client": actor.client_id,
                },
            )  # fmt: skip
            await change_state(
                work,
                application_id,
                "document_issued",
                "agency",
                actor.recorded_as,
                title_en,
                expect=found["state"],
                url=f"/wallet/{document_id}",
            )
        return document_id

    # --- documents ----------------------------------------------------------------------------

    def verification_url(self, code: str) -> str:
        return f"{self.public_url}/verify/{code}"

    async def citizens_document(self, citizen_id: str, document_id: str) -> dict[str, Any]:
        found = await queries.document(self.pool, document_id)
        if found is None or found["citizen_id"] != citizen_id:
            raise NotFound("No such document.")
        return found

    async def document_file(self, document: dict[str, Any]) -> bytes:
        return await self.store.get(document["sha256"])

    def is_genuine(self, document: dict[str, Any], sha256: str | None = None) -> bool:
        """The stored signature holds over the statement for this code and digest (the stored file's,
        or the one given), and the document was not revoked."""
        message = statement(
            code=document["verification_code"],
            sha256=sha256 or document["sha256"],
            issuer=document["issuer_code"],
            issued_at=document["issued_at"],
        )
        return document["revoked_at"] is None and self.signer.verify(
            document["signing_key_id"], message, bytes(document["signature"])
        )

    async def share(self, citizen_id: str, document_id: str, minutes: int) -> tuple[dict[str, Any], str]:
        document = await self.citizens_document(citizen_id, document_id)
        if document["revoked_at"] is not None:
            raise Conflict("This document was revoked by the agency that issued it.")
        token = secrets.token_urlsafe(24)
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
        async with self.pool.acquire() as connection, connection.transaction():
            share = await queries.insert_share(connection, document_id, token_hash(token), expires_at)
            await record_access(
                connection,
                citizen_id=citizen_id, agency_id=document["agency_id"], connector_id=None,
                actor_kind="citizen",
                actor_id=citizen_id, purpose=f"You shared a document: {document['title_en']}",
                fields=["document"], outcome="ok",
                detail=f"one-time link valid for {minutes} minute(s), until {expires_at:%Y-%m-%d %H:%M} UTC",
            )  # fmt: skip
        return share, token

    async def open_share(self, token: str) -> tuple[dict[str, Any], str]:
        """The shared document and a short-lived token to fetch its file; the link is then used up.
        A refused attempt is recorded too, so the citizen sees someone tried a used or late link."""
        view_token = secrets.token_urlsafe(24)
        view_until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=SHARE_VIEW_MINUTES)
        async with self.pool.acquire() as connection, connection.transaction():
            share = await queries.share_by_token(connection, token_hash(token))
            if share is None:
                raise NotFound("This link is not valid.")
            document = await queries.document(connection, share["document_id"])
            assert document is not None
            opened = await queries.open_share(connection, share["id"], token_hash(view_token), view_until)
            refusal = None
            if not opened:
                refusal = (
                    "the link was already used" if share["opened_at"] is not None
                    else "the link was withdrawn" if share["revoked_at"] is not None
                    else "the link had expired"
                )  # fmt: skip
            await record_access(
                connection,
                citizen_id=document["citizen_id"], agency_id=document["agency_id"], connector_id=None,
                actor_kind="share_recipient", actor_id=None,
                purpose=f"Someone you gave a link opened your document: {document['title_en']}",
                fields=["document"], outcome="ok" if opened else "refused", detail=refusal,
            )  # fmt: skip
        if refusal is not None:
            raise ShareUsed(
                f"This link cannot be opened: {refusal}. Ask the person who shared it for a new one."
            )
        return document, view_token

    async def shared_file(self, view_token: str) -> tuple[dict[str, Any], bytes]:
        share = await queries.share_by_view_token(self.pool, token_hash(view_token))
        if share is None:
            raise NotFound("This viewing link has ended; open the shared link again.")
        document = await queries.document(self.pool, share["document_id"])
        assert document is not None
        return document, await self.store.get(document["sha256"])


class ShareUsed(Forbidden):
    status_code = HTTPStatus.GONE
    problem_type = "share-link-used"
    title = "This link can no longer be opened"


def _refuse_hidden(form: Any, answers: dict[str, Any]) -> None:
    errors = [
        FieldError(field="answers", message=f"contains {hidden}")
        for value in text_values(form, answers)
        if (hidden := hidden_character(value)) is not None
    ]
    if errors:
        raise InvalidInput(errors=errors[:1])


async def change_state(
    work: UnitOfWork,
    application_id: str,
    to_state: str,
    actor_kind: str,
    actor_id: str | None,
    note: str | None,
    *,
    expect: str,
    url: str | None = None,
) -> None:
    """Event, state and the citizen's message in the caller's transaction; Conflict when the move is
    not allowed from the state the application is in (or it changed meanwhile)."""
    connection = work.connection
    try:
        async with connection.transaction():
            event_id = await queries.move(
                connection,
                application_id,
                from_state=expect,
                to_state=to_state,
                actor_kind=actor_kind,
                actor_id=actor_id,
                note=note,
            )
    except asyncpg.ForeignKeyViolationError as exc:
        raise Conflict(
            f"An application that is {expect.replace('_', ' ')} cannot become {to_state.replace('_', ' ')}."
        ) from exc
    if event_id is None:
        raise Conflict("This application changed meanwhile; reload it and try again.")
    found = await queries.application(connection, application_id)
    assert found is not None
    title_th, title_en = STEP_WORDS[to_state]
    body_note = (
        f" {note}" if note and to_state in ("more_information_requested", "rejected", "fee_due") else ""
    )
    fee_th = fee_en = ""
    bill = await queries.bill_summary(connection, found["bill_id"]) if found["bill_id"] else None
    if to_state == "fee_due" and bill is not None:
        fee_th = f" ค่าธรรมเนียม {bill['amount_satang'] / 100:,.2f} บาท"
        fee_en = f" Fee: {bill['amount_satang'] / 100:,.2f} baht."
    await enqueue_notification(
        work,
        citizen_id=found["citizen_id"],
        agency_id=found["agency_id"],
        category="applications",
        template_id=None,
        texts={
            "title_th": title_th,
            "title_en": title_en,
            "body_th": f"{found['title_th']} เลขที่ {found['tracking_number']}{fee_th}{body_note}"[:1000],
            "body_en": f"{found['title_en']}, tracking number {found['tracking_number']}.{fee_en}{body_note}"[
                :1000
            ],
        },
        url=url or f"/applications/{application_id}",
        urgency="high" if to_state in ("more_information_requested", "fee_due") else "normal",
        ttl_seconds=7 * 86400,
        idempotency_key=f"application-event:{event_id}",
        request_hash=b"application event",
    )
    _log.info("application_moved", application_id=application_id, to_state=to_state, actor_kind=actor_kind)


@on_bill_paid
async def move_on_payment(work: UnitOfWork, bill_id: str) -> None:
    """A paid fee moves its application from fee_due to paid (nothing happens for other bills)."""
    application_id = await queries.application_for_bill(work.connection, bill_id)
    if application_id is None:
        return
    locked = await queries.lock_application(work.connection, application_id)
    if locked is None or locked["state"] != "fee_due":
        _log.warning("application_fee_paid_out_of_step", application_id=application_id)
        return
    await change_state(work, application_id, "paid", "system", None, None, expect="fee_due")
