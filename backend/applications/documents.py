"""Documents: issued into the citizen's wallet, shared by one-time links, verified by anyone.

- Documents are signed by the platform (``signing.py``) over a statement naming the file's SHA-256; the
  platform renders the certificate (``certificate.py``) unless the agency sends its own PDF.
- Share links are random tokens kept only as hashes and used up by their first open; opening one gives
  a short-lived viewing token for the file.
- Sharing, every opening of a shared link and every refused attempt are written to the citizen's "who
  accessed my data" log.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import secrets
import uuid
from http import HTTPStatus

import msgspec

from backend.applications import documents_queries as queries
from backend.applications.certificate import CertificateContent, render_certificate
from backend.applications.context import Actor, Applications, Download, random_code
from backend.applications.files import check_upload
from backend.applications.rows import ApplicantRow, ApplicationRow, DocumentRow, NewDocumentRow, ShareRow
from backend.applications.schemas import (
    CopyCheck,
    CreatedShare,
    DocumentView,
    NewDocument,
    SharedDocument,
    ShareStatus,
    ShareView,
    Verification,
)
from backend.applications.signing import statement
from backend.connectors.access_log import DOCUMENT, record_access
from backend.connectors.schemas import Said
from backend.core.errors import Conflict, Forbidden, NotFound, invalid
from backend.core.principal import Principal, citizen_of
from backend.core.qr import qr_image
from backend.core.resources import Resources

SHARE_VIEW_MINUTES = 10  # how long the file of a shared document just opened can be fetched
_MAX_TOKEN_CHARS = 100
_CODE_CHARS = 16
KEYS_URL = "/api/v1/documents/signing-keys"


class ShareUsed(Forbidden):
    status_code = HTTPStatus.GONE
    problem_type = "share-link-used"
    title = "This link can no longer be opened"


def _link_valid(minutes: int, until: dt.datetime) -> Said:
    """When a share link stops working, in Bangkok time (the Thai with its Buddhist-era year)."""
    local = until.astimezone(dt.timezone(dt.timedelta(hours=7)))
    return Said(
        f"ลิงก์เปิดได้ครั้งเดียว ภายใน {minutes} นาที ถึง {local.day}/{local.month}/{local.year + 543} "
        f"{local:%H:%M} น.",
        f"one-time link valid for {minutes} minute(s), until {local:%Y-%m-%d %H:%M} Bangkok time",
    )


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def document_view(applications: Applications, row: DocumentRow) -> DocumentView:
    return msgspec.convert(
        {
            **msgspec.structs.asdict(row),
            "verification_url": applications.verification_url(row.verification_code),
            "file_url": f"/api/v1/documents/{row.id}/file",
        },
        DocumentView,
    )


def _as_download(row: DocumentRow, content: bytes) -> Download:
    return Download(file_name=f"{row.verification_code}.pdf", content_type=row.content_type, content=content)


def _share_status(row: ShareRow, now: dt.datetime) -> ShareStatus:
    if row.opened_at is not None:
        return "opened"
    if row.revoked_at is not None:
        return "withdrawn"
    return "expired" if row.expires_at <= now else "waiting"


def _share_view(row: ShareRow) -> ShareView:
    return msgspec.convert(
        {**msgspec.structs.asdict(row), "status": _share_status(row, dt.datetime.now(dt.UTC))}, ShareView
    )


def _short_name(name: str | None) -> str | None:
    """ "Somchai Jaidee" -> "Somchai J.": enough to match the paper, not to identify someone from a code."""
    if not name:
        return None
    first, _, rest = name.strip().partition(" ")
    return f"{first} {rest.strip()[0]}." if rest.strip() else first


def is_genuine(applications: Applications, document: DocumentRow, sha256: str | None = None) -> bool:
    """The stored signature holds over the statement for this code and digest (the stored file's, or
    the one given), and the document was not revoked."""
    message = statement(
        code=document.verification_code,
        sha256=sha256 or document.sha256,
        issuer=document.issuer_code,
        issued_at=document.issued_at,
    )
    return document.revoked_at is None and applications.signer.verify(
        document.signing_key_id, message, document.signature
    )


# --- issuing (the agency's case officer, from casework) ---------------------------------------


async def prepare(
    applications: Applications,
    application: ApplicationRow,
    applicant: ApplicantRow,
    data: NewDocument,
    actor: Actor,
    uploaded: tuple[str, bytes] | None,
) -> NewDocumentRow:
    """The document's file stored (the agency's own PDF, ``uploaded`` as name and bytes, or one rendered
    here) and signed: the row to insert with the application's move to document_issued."""
    if uploaded is not None:
        checked = await asyncio.to_thread(check_upload, *uploaded)
        if checked.content_type != "application/pdf":
            raise invalid("file", "an issued document is a PDF")
    code = random_code(_CODE_CHARS)
    issued_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    content = CertificateContent(
        title_th=data.title_th,
        title_en=data.title_en,
        holder_name_th=applicant.name_th or applicant.name_en or "",
        holder_name_en=applicant.name_en or applicant.name_th or "",
        agency_name_th=application.agency_name_th,
        agency_name_en=application.agency_name_en,
        details=[(line.label_th, line.label_en, line.value) for line in data.details],
        tracking_number=application.tracking_number,
        verification_code=code,
        verification_url=applications.verification_url(code),
        issued_at=issued_at,
    )
    pdf = uploaded[1] if uploaded is not None else await asyncio.to_thread(render_certificate, content)
    sha256 = await applications.store.put(pdf)
    key_id, signature = applications.signer.sign(
        statement(code=code, sha256=sha256, issuer=application.agency_code, issued_at=issued_at)
    )
    return NewDocumentRow(
        citizen_id=application.citizen_id, agency_id=application.agency_id, application_id=application.id,
        title_th=data.title_th, title_en=data.title_en, content_type="application/pdf", size_bytes=len(pdf),
        sha256=sha256, verification_code=code, issuer_code=application.agency_code, issued_at=issued_at,
        signing_key_id=key_id, signature=signature, issued_by=actor.staff_id,
        issued_by_client=actor.client_id,
    )  # fmt: skip


async def issued(applications: Applications, document_id: uuid.UUID) -> DocumentView:
    row = await queries.document(applications.pool, document_id)
    assert row is not None
    return document_view(applications, row)


# --- the citizen's wallet ---------------------------------------------------------------------


async def my_documents(applications: Applications, principal: Principal) -> list[DocumentView]:
    citizen_id = citizen_of(principal)
    rows = await queries.documents_of_citizen(applications.pool, citizen_id)
    return [document_view(applications, row) for row in rows]


async def _citizens_document(
    applications: Applications, citizen_id: uuid.UUID, document_id: uuid.UUID
) -> DocumentRow:
    found = await queries.document(applications.pool, document_id)
    if found is None or found.citizen_id != citizen_id:
        raise NotFound("No such document.")
    return found


async def my_document(
    applications: Applications, principal: Principal, document_id: uuid.UUID
) -> DocumentView:
    citizen_id = citizen_of(principal)
    return document_view(applications, await _citizens_document(applications, citizen_id, document_id))


async def my_document_file(
    applications: Applications, principal: Principal, document_id: uuid.UUID
) -> Download:
    citizen_id = citizen_of(principal)
    row = await _citizens_document(applications, citizen_id, document_id)
    return _as_download(row, await applications.store.get(row.sha256))


async def share(
    applications: Applications,
    resources: Resources,
    principal: Principal,
    document_id: uuid.UUID,
    minutes: int,
) -> CreatedShare:
    """A one-time link (and its QR code) that expires; only its hash is kept."""
    citizen_id = citizen_of(principal)
    document = await _citizens_document(applications, citizen_id, document_id)
    if document.revoked_at is not None:
        raise Conflict("This document was revoked by the agency that issued it.")
    token = secrets.token_urlsafe(24)
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    async with applications.pool.acquire() as connection, connection.transaction():
        row = await queries.insert_share(connection, document_id, token_hash(token), expires_at)
        # A delegate's share is recorded once, under the delegate, by the acting middleware
        # (backend.delegation.acting); "you shared" is only ever the citizen's own step.
        if principal.acting_for is None:
            await record_access(
                connection,
                citizen_id=citizen_id, agency_id=document.agency_id, connector_id=None, kind="document_share",
                actor_kind="citizen", actor_id=str(citizen_id),
                purpose=Said(
                    f"คุณแชร์เอกสาร: {document.title_th}", f"You shared a document: {document.title_en}"
                ),
                fields=[DOCUMENT], outcome="ok", detail=_link_valid(minutes, expires_at),
            )  # fmt: skip
    url = f"{resources.settings.public_url}/shared/{token}"
    svg = await qr_image(resources.redis, url, "svg")
    return CreatedShare(share=_share_view(row), url=url, qr_svg=svg.decode())


async def shares(applications: Applications, principal: Principal, document_id: uuid.UUID) -> list[ShareView]:
    citizen_id = citizen_of(principal)
    await _citizens_document(applications, citizen_id, document_id)
    return [_share_view(row) for row in await queries.shares(applications.pool, document_id)]


async def withdraw_share(
    applications: Applications, principal: Principal, document_id: uuid.UUID, share_id: uuid.UUID
) -> None:
    citizen_id = citizen_of(principal)
    await _citizens_document(applications, citizen_id, document_id)
    if not await queries.revoke_share(applications.pool, document_id, share_id):
        raise NotFound("No share link waiting to be opened has that id.")


# --- anyone: shared links and verification ----------------------------------------------------


async def open_shared(applications: Applications, token: str) -> SharedDocument:
    """The shared document and a short-lived link to its file; the link is then used up. A refused
    attempt is recorded too, so the citizen sees someone tried a used or late link."""
    if len(token) > _MAX_TOKEN_CHARS:
        raise NotFound("This link is not valid.")
    view_token = secrets.token_urlsafe(24)
    view_until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=SHARE_VIEW_MINUTES)
    async with applications.pool.acquire() as connection, connection.transaction():
        found = await queries.share_by_token(connection, token_hash(token))
        if found is None:
            raise NotFound("This link is not valid.")
        document = await queries.document(connection, found.document_id)
        assert document is not None
        opened = await queries.open_share(connection, found.id, token_hash(view_token), view_until)
        refusal = None
        if not opened:
            refusal = (
                Said("ลิงก์นี้ถูกใช้ไปแล้ว", "the link was already used") if found.opened_at is not None
                else Said("ลิงก์นี้ถูกยกเลิกแล้ว", "the link was withdrawn") if found.revoked_at is not None
                else Said("ลิงก์นี้หมดอายุแล้ว", "the link had expired")
            )  # fmt: skip
        await record_access(
            connection,
            citizen_id=document.citizen_id, agency_id=document.agency_id, connector_id=None,
            kind="document_share", actor_kind="share_recipient", actor_id=None,
            purpose=Said(f"ผู้ได้รับลิงก์จากคุณเปิดเอกสาร: {document.title_th}",
                         f"Someone you gave a link opened your document: {document.title_en}"),
            fields=[DOCUMENT], outcome="ok" if opened else "refused", detail=refusal,
        )  # fmt: skip
    if refusal is not None:
        raise ShareUsed(
            f"This link cannot be opened: {refusal.en}. Ask the person who shared it for a new one."
        )
    return msgspec.convert(
        {
            **msgspec.structs.asdict(document),
            "verification_url": applications.verification_url(document.verification_code),
            "genuine": is_genuine(applications, document),
            "file_url": f"/api/v1/shared/files/{view_token}",
            "file_expires_in_seconds": SHARE_VIEW_MINUTES * 60,
        },
        SharedDocument,
    )


async def shared_file(applications: Applications, view_token: str) -> Download:
    ended = "This viewing link has ended; open the shared link again."
    if len(view_token) > _MAX_TOKEN_CHARS:
        raise NotFound(ended)
    viewing = await queries.share_by_view_token(applications.pool, token_hash(view_token))
    if viewing is None:
        raise NotFound(ended)
    document = await queries.document(applications.pool, viewing.document_id)
    assert document is not None
    return _as_download(document, await applications.store.get(document.sha256))


def signing_keys(applications: Applications) -> dict[str, list[dict[str, str]]]:
    """The platform's document signing keys as a JWKS."""
    return applications.signer.jwks()


async def _by_code(applications: Applications, code: str) -> DocumentRow:
    found = (
        await queries.document_by_code(applications.pool, code.upper()) if len(code) == _CODE_CHARS else None
    )
    if found is None:
        raise NotFound("No document has this verification code.")
    return found


async def verify(applications: Applications, code: str) -> Verification:
    """What anyone may see from a verification code: enough to trust the paper in front of them."""
    found = await _by_code(applications, code)
    signed = statement(
        code=found.verification_code, sha256=found.sha256, issuer=found.issuer_code, issued_at=found.issued_at
    )
    return Verification(
        genuine=is_genuine(applications, found),
        revoked=found.revoked_at is not None,
        title_th=found.title_th,
        title_en=found.title_en,
        agency_name_th=found.agency_name_th,
        agency_name_en=found.agency_name_en,
        issuer_code=found.issuer_code,
        holder_name_th=_short_name(found.holder_name_th),
        holder_name_en=_short_name(found.holder_name_en),
        issued_at=found.issued_at,
        sha256=found.sha256,
        algorithm="Ed25519",
        signing_key_id=found.signing_key_id,
        signature=base64.urlsafe_b64encode(found.signature).rstrip(b"=").decode(),
        statement=signed.decode(),
        keys_url=KEYS_URL,
    )


async def verify_copy(applications: Applications, code: str, body: bytes) -> CopyCheck:
    """Whether ``body`` is exactly the file that was signed under ``code``."""
    found = await _by_code(applications, code)
    digest = hashlib.sha256(body).hexdigest()
    return CopyCheck(
        genuine=is_genuine(applications, found, digest), sha256=digest, expected_sha256=found.sha256
    )
