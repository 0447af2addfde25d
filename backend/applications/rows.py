"""What the queries return: typed rows of applications, their services and applicants, and of issued
documents and their share links (request and response shapes are in ``schemas.py``)."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.applications.forms import Form, StartPage
from backend.core.jsontypes import JsonObject


class ServiceRow(msgspec.Struct, kw_only=True):
    id: int
    agency_id: int
    tile_id: int
    code: str
    form: Form
    start_page: StartPage | None
    fee_satang: int | None
    biller_id: str | None
    delivery: str
    connector_id: int | None
    status: str
    updated_at: dt.datetime
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    description_th: str
    description_en: str
    is_published: bool


class ApplicationRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tracking_number: str
    service_id: int
    agency_id: int
    citizen_id: uuid.UUID
    state: str
    answers: JsonObject
    """The citizen's answers as they sent them (JSON, checked against the form)."""
    invalid_answers: JsonObject
    """A draft's answers that do not fit the form yet, as typed: the citizen's alone, never sent."""
    pending_request: str | None
    bill_id: uuid.UUID | None
    agency_reference: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    service_code: str
    tile_id: int
    title_th: str
    title_en: str
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    service_fee_satang: int | None
    document_id: uuid.UUID | None


class AgencyApplicationRow(ApplicationRow, kw_only=True):
    applicant_name_th: str | None
    applicant_name_en: str | None


class ApplicantRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    national_id_hash: bytes
    national_id_key_id: str
    national_id_ciphertext: bytes
    name_th: str | None
    name_en: str | None
    birthdate: dt.date | None


class DeliveryTarget(msgspec.Struct, kw_only=True):
    """A submitted application with what sending it to the agency's connector needs."""

    application_id: uuid.UUID
    tracking_number: str
    answers: JsonObject
    submitted_at: dt.datetime
    """Set on every application but a draft (a CHECK), and only submitted ones are sent."""
    agency_id: int
    citizen_id: uuid.UUID
    agency_reference: str | None
    service_code: str
    connector_id: int | None
    national_id_key_id: str
    national_id_ciphertext: bytes
    name_th: str | None
    name_en: str | None
    birthdate: dt.date | None


# --- documents ---------------------------------------------------------------------------------


class DocumentRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    citizen_id: uuid.UUID
    agency_id: int
    application_id: uuid.UUID | None
    title_th: str
    title_en: str
    content_type: str
    size_bytes: int
    sha256: str
    verification_code: str
    issuer_code: str
    issued_at: dt.datetime
    signing_key_id: str
    signature: bytes
    revoked_at: dt.datetime | None
    revoked_reason: str | None
    agency_name_th: str
    agency_name_en: str
    holder_name_th: str | None
    holder_name_en: str | None


class NewDocumentRow(msgspec.Struct, kw_only=True):
    """A document as it is stored when issued (signed and its file already in the store)."""

    citizen_id: uuid.UUID
    agency_id: int
    application_id: uuid.UUID
    title_th: str
    title_en: str
    content_type: str
    size_bytes: int
    sha256: str
    verification_code: str
    issuer_code: str
    issued_at: dt.datetime
    signing_key_id: str
    signature: bytes
    issued_by: uuid.UUID | None
    issued_by_client: str | None


class ShareRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    document_id: uuid.UUID
    created_at: dt.datetime
    expires_at: dt.datetime
    opened_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ShareViewing(msgspec.Struct, kw_only=True):
    """A share link opened moments ago, whose short-lived viewing token fetches the file."""

    id: uuid.UUID
    document_id: uuid.UUID
