"""The message categories a citizen can turn off, named in Thai and English, and what they can turn off
in their notification settings: the agencies that write to people and the categories in use.

A template's category is the agency's own word; only the ones named here are offered (a screen shows
no raw code), and the platform's own messages use theirs whether any template does or not."""

from __future__ import annotations

import uuid

from backend.core.resources import Resources
from notifications.queries import inbox as inbox_queries
from notifications.schemas import MutableCategory, NotificationSources
from notifications.service import RESERVED_CATEGORIES

# In the order the settings screen lists them: the platform's own first, then the agencies' usual ones.
CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "payments": ("การชำระเงินและใบเสร็จ", "Payments and receipts"),
    "applications": ("คำขอที่ยื่นไว้", "Your applications"),
    "entitlements": ("สิทธิ์และสวัสดิการของคุณ", "Your entitlements"),
    "delegation": ("ผู้ทำแทนคุณและคนที่คุณทำแทน", "People acting for you, and for whom you act"),
    "turns": ("ถึงคิวที่คุณจองไว้", "Your turn in a line you joined"),
    "safety": ("ความปลอดภัยและเหตุฉุกเฉิน", "Safety and emergencies"),
    "bills": ("บิลและค่าบริการ", "Bills"),
    "welfare": ("สวัสดิการ", "Welfare"),
    "health": ("สุขภาพ", "Health"),
    "family": ("ครอบครัว", "Family"),
    "education": ("การศึกษา", "Education"),
    "work": ("การงาน", "Work"),
    "tax": ("ภาษี", "Tax"),
    "utilities": ("น้ำ ไฟ สาธารณูปโภค", "Water, power and utilities"),
    "documents": ("เอกสาร", "Documents"),
    "transport": ("การเดินทาง", "Transport"),
    "housing": ("ที่อยู่อาศัย", "Housing"),
    "agriculture": ("การเกษตร", "Farming"),
    "general": ("ข่าวสารทั่วไป", "General news"),
}
# The platform sends these itself (payments, application updates, entitlement changes, notices about
# acting for someone, a waiting room's "your turn").
PLATFORM_CATEGORIES = frozenset({"payments", "applications", "entitlements", "delegation", "turns"})


async def notification_sources(resources: Resources, citizen_id: uuid.UUID) -> NotificationSources:
    """Agencies that write to citizens or wrote to this one, and the named categories in use; those the
    citizen already turned off are listed whatever else is true, so that they can be turned on again."""
    muted = await inbox_queries.preferences(resources.pool, citizen_id)
    muted_agencies = muted.opt_out_agencies if muted else []
    muted_categories = set(muted.opt_out_categories) if muted else set()
    agencies = await inbox_queries.message_senders(resources.pool, citizen_id, muted_agencies)
    in_use = (
        PLATFORM_CATEGORIES | muted_categories | set(await inbox_queries.template_categories(resources.pool))
    )
    return NotificationSources(
        agencies=agencies,
        categories=[
            MutableCategory(key=key, name_th=th, name_en=en, urgent_passes=key in RESERVED_CATEGORIES)
            for key, (th, en) in CATEGORY_NAMES.items()
            if key in in_use
        ],
    )
