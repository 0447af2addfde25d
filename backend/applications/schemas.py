"""Request and response shapes of applications and documents."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec
from litestar.datastructures import UploadFile

from backend.applications.forms import Form, FormField, StartPage
from backend.connectors.contract import OnBehalf
from backend.core.errors import FieldError
from backend.core.input import Input, Money
from backend.core.jsontypes import JsonObject

Note = Annotated[str, msgspec.Meta(max_length=2000)]
ApplicationState = Literal[
    "submitted",
    "in_review",
    "more_information_requested",
    "approved",
    "rejected",
    "fee_due",
    "paid",
    "document_issued",
    "closed",
]
AgencyState = Literal["in_review", "more_information_requested", "approved", "rejected", "fee_due", "closed"]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
MAX_REPLY_FILES = 5


class ServiceDefinition(Input, kw_only=True, forbid_unknown_fields=True):
    """What an agency says about one of its application services."""

    tile_id: Annotated[int, msgspec.Meta(ge=1)]
    form: Form
    fee_satang: Money | None = None
    biller_id: Annotated[str, msgspec.Meta(pattern="^[0-9]{13}([0-9]{2})?$")] | None = None
    delivery: Literal["console", "connector"] = "console"
    connector_id: Annotated[int, msgspec.Meta(ge=1)] | None = None
    status: Literal["open", "closed"] = "open"
    start_page: StartPage | None = None
    """What citizens read before they log in to apply: who can apply, what to have ready, how long."""


class Prefilled(msgspec.Struct, kw_only=True):
    """Known from the digital ID login: shown, never asked (once-only)."""

    name_th: str | None
    name_en: str | None
    national_id_masked: str
    birthdate: dt.date | None


class ServiceView(msgspec.Struct, kw_only=True):
    id: int
    tile_id: int
    code: str
    agency_id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    description_th: str
    description_en: str
    fee_satang: int | None
    biller_id: str | None
    delivery: str
    connector_id: int | None
    status: str
    form: Form
    start_page: StartPage | None = None
    prefilled: Prefilled | None = None
    draft_id: uuid.UUID | None = None
    """The citizen's draft of this service, when they have one (opening the form creates none)."""


class ServiceStart(msgspec.Struct, kw_only=True):
    """A service's start page, for anyone before logging in (GOV.UK's pattern)."""

    tile_id: int
    title_th: str
    title_en: str
    description_th: str
    description_en: str
    agency_name_th: str
    agency_name_en: str
    fee_satang: int | None
    start_page: StartPage | None
    files: list[FormField]
    """The form's file questions: the documents to have ready."""


class NewApplication(Input, forbid_unknown_fields=True):
    service_id: Annotated[int, msgspec.Meta(ge=1, le=2**62)]


class Answers(Input, forbid_unknown_fields=True):
    unchecked = frozenset({"answers"})  # against the form, naming the question

    answers: Annotated[dict[Annotated[str, msgspec.Meta(max_length=40)], Any], msgspec.Meta(max_length=60)]


class DraftCheck(msgspec.Struct, kw_only=True):
    """Where the citizen's own draft stands (never shown to the agency)."""

    invalid_answers: JsonObject
    """Answers kept as typed that do not fit the form yet: never sent."""
    problems: list[FieldError]
    """All that stops it being sent now: each invalid answer's problem, and required questions unanswered."""


class Saved(msgspec.Struct, kw_only=True):
    saved_at: dt.datetime
    draft: DraftCheck


class Reply(Input, kw_only=True, forbid_unknown_fields=True):
    unchecked = frozenset({"answers"})  # against the form, naming the question

    message: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    file_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=MAX_REPLY_FILES)] = msgspec.field(
        default_factory=list
    )
    """Files uploaded for this reply (``POST .../reply-files``)."""
    answers: (
        Annotated[dict[Annotated[str, msgspec.Meta(max_length=40)], Any], msgspec.Meta(max_length=60)] | None
    ) = None


class FileView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    field: str | None
    """The question it answers; none for a file sent with a reply to the agency."""
    reply_event_id: int | None = None
    """The reply it was sent with (none while it waits in the reply form)."""
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: dt.datetime


class EventView(msgspec.Struct, kw_only=True):
    id: int
    from_state: str
    to_state: str
    actor_kind: str
    note: str | None
    at: dt.datetime


class FeeBill(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    amount_satang: int
    status: str
    due_date: dt.date
    paid_at: dt.datetime | None


class ApplicationSummary(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tracking_number: str
    service_id: int
    tile_id: int
    """The tile whose form this is (a draft is continued from there)."""
    agency_id: int
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    state: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    document_id: uuid.UUID | None


class Applicant(msgspec.Struct, kw_only=True):
    """For the agency the citizen applied to: who is asking (the citizen sent it to them)."""

    name_th: str | None
    name_en: str | None
    national_id: str
    birthdate: dt.date | None


class ApplicationView(ApplicationSummary, kw_only=True):
    answers: dict[str, Any]
    pending_request: str | None
    service_fee_satang: int | None
    bill: FeeBill | None
    files: list[FileView]
    events: list[EventView]
    next_states: list[str]
    """Where the viewer may move it next (the citizen's or the agency's moves)."""
    agency_reference: str | None = None
    """The agency system's own reference, once its connector accepted the application."""
    applicant: Applicant | None = None
    on_behalf: OnBehalf | None = None
    """For the agency: who submitted it for the applicant (a delegate), when not the applicant."""
    draft: DraftCheck | None = None
    """For its citizen while they may change it."""


class AgencyApplicationItem(ApplicationSummary, kw_only=True):
    applicant_name_th: str | None
    applicant_name_en: str | None


class StatusChange(Input, kw_only=True, forbid_unknown_fields=True):
    state: AgencyState
    note: Note | None = None
    fee_satang: Money | None = None
    """For ``fee_due``: the amount, when it is not the service's usual fee."""


class DetailLine(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    label_th: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    label_en: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    value: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


class NewDocument(Input, kw_only=True, forbid_unknown_fields=True):
    title_th: Title
    title_en: Title
    details: Annotated[list[DetailLine], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)


# Multipart bodies (their other fields are let through, as browsers' forms may add some).


class FileUpload(Input):
    """A citizen's file for one of the form's file questions."""

    field: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    """The question's name."""
    file: UploadFile
    """PDF, JPEG or PNG, at most 5 MB."""


class ReplyFileUpload(Input):
    """A file sent with the reply to a request for more information."""

    file: UploadFile


class DocumentUpload(Input):
    """An agency's own PDF to issue, with its titles."""

    title_th: Title
    title_en: Title
    file: UploadFile


class DocumentView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    application_id: uuid.UUID | None
    title_th: str
    title_en: str
    agency_id: int
    agency_name_th: str
    agency_name_en: str
    issuer_code: str
    content_type: str
    size_bytes: int
    sha256: str
    verification_code: str
    verification_url: str
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    file_url: str


class NewShare(Input, forbid_unknown_fields=True):
    minutes: Annotated[int, msgspec.Meta(ge=1, le=1440)]


ShareStatus = Literal["waiting", "opened", "expired", "withdrawn"]


class ShareView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    created_at: dt.datetime
    expires_at: dt.datetime
    opened_at: dt.datetime | None
    revoked_at: dt.datetime | None
    status: ShareStatus


class CreatedShare(msgspec.Struct, kw_only=True):
    share: ShareView
    url: str
    """Shown once: only its hash is kept."""
    qr_svg: str


class SharedDocument(msgspec.Struct, kw_only=True):
    title_th: str
    title_en: str
    agency_name_th: str
    agency_name_en: str
    holder_name_th: str | None
    holder_name_en: str | None
    issued_at: dt.datetime
    verification_code: str
    verification_url: str
    sha256: str
    genuine: bool
    file_url: str
    file_expires_in_seconds: int


class Verification(msgspec.Struct, kw_only=True):
    """What anyone may see from a verification code: enough to trust the paper in front of them."""

    genuine: bool
    revoked: bool
    title_th: str
    title_en: str
    agency_name_th: str
    agency_name_en: str
    issuer_code: str
    holder_name_th: str | None
    holder_name_en: str | None
    """First name and the surname's initial only: whoever holds the paper can see the rest."""
    issued_at: dt.datetime
    sha256: str
    algorithm: str
    signing_key_id: str
    signature: str
    """Base64url (no padding) Ed25519 signature over ``statement``."""
    statement: str
    keys_url: str


class CopyCheck(msgspec.Struct, kw_only=True):
    genuine: bool
    """The copy's bytes are exactly those the platform signed."""
    sha256: str
    expected_sha256: str


class SupportApplication(ApplicationSummary, kw_only=True):
    files: list[FileView]
    events: list[EventView]
