"""Request and response shapes of the catalogue, and its named vocabularies."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from backend.core.input import Input

Category = Literal[
    "welfare", "health", "family", "education", "work", "tax", "utilities",
    "documents", "transport", "housing", "agriculture", "safety",
]  # fmt: skip
LifeEvent = Literal[
    "newborn", "school", "work", "marriage", "moving", "retirement", "disability", "bereavement", "business"
]
TileKind = Literal["link", "entitlement", "bill_payment", "application"]
TileState = Literal["draft", "in_review", "published", "retired"]
Language = Literal["th", "en"]

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "welfare": ("สวัสดิการ", "Welfare"),
    "health": ("สุขภาพ", "Health"),
    "family": ("ครอบครัว", "Family"),
    "education": ("การศึกษา", "Education"),
    "work": ("การทำงาน", "Work"),
    "tax": ("ภาษี", "Tax"),
    "utilities": ("สาธารณูปโภค", "Utilities"),
    "documents": ("เอกสาร", "Documents"),
    "transport": ("การเดินทาง", "Transport"),
    "housing": ("ที่อยู่อาศัย", "Housing"),
    "agriculture": ("เกษตร", "Agriculture"),
    "safety": ("ความปลอดภัย", "Safety"),
}
LIFE_EVENT_LABELS: dict[str, tuple[str, str]] = {
    "newborn": ("มีบุตร", "Having a baby"),
    "school": ("เข้าเรียน", "Going to school"),
    "work": ("เริ่มทำงาน", "Starting work"),
    "marriage": ("แต่งงาน", "Getting married"),
    "moving": ("ย้ายที่อยู่", "Moving house"),
    "retirement": ("เกษียณ", "Retiring"),
    "disability": ("คนพิการ", "Living with a disability"),
    "bereavement": ("สูญเสียคนในครอบครัว", "Losing a loved one"),
    "business": ("เริ่มธุรกิจ", "Starting a business"),
}
# The group of tiles tied to no life event: a key no tile can be given, so it never clashes.
OTHER_LIFE_EVENT = "other"
OTHER_LIFE_EVENT_LABEL = ("อื่น ๆ", "Other")

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Description = Annotated[str, msgspec.Meta(max_length=500)]
Age = Annotated[int, msgspec.Meta(ge=0, le=150)]
Keyword = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


class TileFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What an agency writes for a tile; every save is kept as a new version."""

    title_th: Title
    title_en: Title
    description_th: Description = ""
    description_en: Description = ""
    icon: Annotated[str, msgspec.Meta(pattern="^[a-z0-9-]{1,40}$")]
    category: Category
    life_events: Annotated[list[LifeEvent], msgspec.Meta(max_length=9)] = msgspec.field(default_factory=list)
    keywords: Annotated[list[Keyword], msgspec.Meta(max_length=30)] = msgspec.field(default_factory=list)
    """The topic's words citizens search by, Thai and English ("ค่ารถ", "bus fare")."""
    synonyms: Annotated[list[Keyword], msgspec.Meta(max_length=30)] = msgspec.field(default_factory=list)
    """Other names people call the service, Thai and English ("เบี้ยคนแก่", "old age allowance")."""
    audience_min_age: Age | None = None
    audience_max_age: Age | None = None
    kind: TileKind
    link_url: Annotated[str, msgspec.Meta(max_length=2000, pattern="^https://")] | None = None
    """Required for link tiles: the agency's own page, opened from the tile."""
    sort_order: Annotated[int, msgspec.Meta(ge=-1000, le=1000)] = 0


class TileContent(TileFields, Input, kw_only=True):
    """A tile's content as a request carries it (a stored version is not checked again on reading)."""


class TileVersionView(TileFields, kw_only=True):
    version: int
    created_at: dt.datetime


class AgencyTileView(msgspec.Struct, kw_only=True):
    id: int
    agency_id: int
    state: TileState
    draft_version: int | None
    published_version: int | None
    review_comment: str | None
    retired_at: dt.datetime | None
    updated_at: dt.datetime
    draft: TileVersionView | None
    published: TileVersionView | None
    submitted_by_th: str | None = None
    """Who sent the version in review (reviewers' list only)."""
    submitted_by_en: str | None = None
    submitted_by_client: str | None = None
    """The agency's machine client that sent it, by its name, when no person did; none of the three:
    the platform itself (the demo data)."""


class ReviewDecision(Input, forbid_unknown_fields=True):
    comment: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class Retirement(Input, forbid_unknown_fields=True):
    """Why a tile is taken out of the catalogue: kept with the review record and shown with the tile."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class NewAgency(Input, kw_only=True, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(pattern="^[a-z][a-z0-9-]{1,31}$")]
    name_th: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    name_en: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    logo_url: Annotated[str, msgspec.Meta(max_length=2000, pattern="^https://")] | None = None
    contact_email: Annotated[str, msgspec.Meta(max_length=200, pattern="^[^@\\s]+@[^@\\s]+$")]
    contact_phone: Annotated[str, msgspec.Meta(max_length=30, pattern="^[0-9+ -]{3,30}$")] | None = None


class AgencyView(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name_th: str
    name_en: str
    logo_url: str | None
    contact_email: str | None
    contact_phone: str | None
    status: str
    is_demo: bool


class CitizenTile(msgspec.Struct, kw_only=True):
    id: int
    agency_code: str
    agency_name: str
    title: str
    description: str
    icon: str
    category: str
    life_events: list[str]
    kind: str
    link_url: str | None
    favourite: bool = False


class TileGroup(msgspec.Struct, kw_only=True):
    key: str
    label: str
    tiles: list[CitizenTile]


class CatalogueView(msgspec.Struct, kw_only=True):
    language: Language
    favourites: list[CitizenTile]
    recent: list[CitizenTile]
    categories: list[TileGroup]
    life_events: list[TileGroup]
    total: int
    """Tiles matching the filters (each appears once in categories, and under each of its life events)."""


class OpenTile(msgspec.Struct, kw_only=True):
    """The open-data shape of a published tile: no personal data, both languages."""

    id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    description_th: str
    description_en: str
    category: str
    life_events: list[str]
    kind: str
    link_url: str | None
    audience_min_age: int | None
    audience_max_age: int | None
    version: int


class OpenedTile(msgspec.Struct, frozen=True):
    id: int
    kind: str
    link_url: str | None


# --- rows as the queries return them ------------------------------------------------------------


class DecidedAgency(msgspec.Struct, kw_only=True):
    """An agency just approved or suspended, with what the decision needs to know of before."""

    agency: AgencyView
    proposed_by: uuid.UUID | None
    previous_status: str


class TileLock(msgspec.Struct, kw_only=True):
    """A tile's workflow columns, read with the row locked (``FOR UPDATE``) for a change."""

    id: int
    agency_id: int
    draft_version: int | None
    draft_state: str | None
    published_version: int | None
    retired_at: dt.datetime | None
    latest_version: int


class TileInReview(msgspec.Struct, kw_only=True):
    id: int
    agency_id: int
    draft_version: int


class TileRow(msgspec.Struct, kw_only=True):
    """A tile with its draft and published versions, as agencies and reviewers see it."""

    id: int
    agency_id: int
    draft_version: int | None
    draft_state: str | None
    published_version: int | None
    review_comment: str | None
    retired_at: dt.datetime | None
    updated_at: dt.datetime
    draft: TileVersionView | None
    published: TileVersionView | None


class PublishedTile(msgspec.Struct, kw_only=True, frozen=True):
    """A tile as citizens see it: its published version, of an approved agency."""

    id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    version: int
    title_th: str
    title_en: str
    description_th: str
    description_en: str
    icon: str
    category: str
    life_events: list[str]
    audience_min_age: int | None
    audience_max_age: int | None
    kind: str
    link_url: str | None
    sort_order: int
