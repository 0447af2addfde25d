"""What a delegate may call while acting for someone, by scope: the one list the acting middleware
(``backend.delegation.acting``) checks every request against. A person's route that is not here is
refused to a delegate (deny by default): granting onwards, the grantor's sessions, notification settings,
full national ID, consents and anything new until someone decides which scope it belongs to.

Each entry says, in the grantor's words, what the delegate did ("ชำระบิล" / "paid a bill"), whether
it changed something (always written to the grantor's log), and whether the grantor's inbox is told
(``tells``: money, applications, replies and shares; not a message marked read or a draft saved).
Keys are "METHOD path" as the app registers them (tests/integration/test_permissions_matrix.py uses
the same keys).
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.connectors.schemas import Said
from backend.delegation.schemas import Scope


@dataclass(frozen=True, slots=True)
class DelegateUse:
    scope: Scope
    did: Said
    """What the delegate did, as the grantor reads it after the delegate's name."""
    changes: bool = False
    tells: bool = False
    """A notice in the grantor's inbox too (``acting.py``)."""


def _saw(scope: Scope, th: str, en: str) -> DelegateUse:
    return DelegateUse(scope, Said(th, en))


def _did(scope: Scope, th: str, en: str) -> DelegateUse:
    return DelegateUse(scope, Said(th, en), changes=True)


def _told(scope: Scope, th: str, en: str) -> DelegateUse:
    return DelegateUse(scope, Said(th, en), changes=True, tells=True)


_BILL_PAYMENT = _saw("bills", "ดูรายการชำระบิลของคุณ", "looked at a payment of yours")
_RECEIPT = _saw("bills", "ดูใบเสร็จของคุณ", "looked at a receipt of yours")
_APPLICATION = _saw("applications", "ดูคำขอของคุณ", "looked at an application of yours")
_DRAFT = _did("applications", "แก้ไขคำขอฉบับร่างของคุณ", "worked on a draft application of yours")
_DOCUMENT = _saw("documents", "ดูเอกสารของคุณ", "looked at a document of yours")

DELEGATE_ROUTES: dict[str, DelegateUse] = {
    # see my entitlements
    "GET /api/v1/entitlements": _saw("entitlements", "ดูสิทธิ์และสวัสดิการของคุณ", "looked at your entitlements"),
    # see and pay my bills
    "GET /api/v1/bills": _saw("bills", "ดูบิลของคุณ", "looked at your bills"),
    "POST /api/v1/bills/{bill_id:uuid}/payments": _told(
        "bills", "เริ่มชำระบิลแทนคุณ (สร้าง QR ชำระเงิน)", "started paying a bill for you (a payment QR)"
    ),
    "GET /api/v1/payments/{payment_id:uuid}": _BILL_PAYMENT,
    "GET /api/v1/payments/{payment_id:uuid}/live": _BILL_PAYMENT,
    "GET /api/v1/payments/{payment_id:uuid}/qr.svg": _BILL_PAYMENT,
    "GET /api/v1/payments/{payment_id:uuid}/qr.png": _BILL_PAYMENT,
    "GET /api/v1/receipts": _saw("bills", "ดูรายการใบเสร็จของคุณ", "looked at your receipts"),
    "GET /receipts/{receipt_id:uuid}": _RECEIPT,
    "GET /api/v1/receipts/{receipt_id:uuid}/verification-qr.svg": _RECEIPT,
    # read my messages
    "GET /api/v1/inbox": _saw("messages", "อ่านกล่องข้อความของคุณ", "read your inbox"),
    "GET /api/v1/inbox/unread-count": _saw(
        "messages", "ดูจำนวนข้อความที่ยังไม่อ่าน", "saw how many messages are unread"
    ),
    "POST /api/v1/inbox/{notification_id:uuid}/read": _did(
        "messages", "เปิดอ่านข้อความของคุณ", "opened a message of yours"
    ),
    # apply for services and reply to agencies
    "GET /api/v1/tiles/{tile_id:int}/application-service": _saw(
        "applications", "เปิดแบบฟอร์มคำขอในนามของคุณ", "opened an application form in your name"
    ),
    "POST /api/v1/applications": _did(
        "applications", "เริ่มคำขอในนามของคุณ", "started an application in your name"
    ),
    "GET /api/v1/applications": _saw("applications", "ดูรายการคำขอของคุณ", "looked at your applications"),
    "GET /api/v1/applications/{application_id:uuid}": _APPLICATION,
    "PUT /api/v1/applications/{application_id:uuid}/answers": _DRAFT,
    "DELETE /api/v1/applications/{application_id:uuid}": _did(
        "applications", "ยกเลิกคำขอฉบับร่างของคุณ", "discarded a draft application of yours"
    ),
    "POST /api/v1/applications/{application_id:uuid}/files": _DRAFT,
    "POST /api/v1/applications/{application_id:uuid}/reply-files": _DRAFT,
    "GET /api/v1/applications/{application_id:uuid}/files/{file_id:uuid}": _APPLICATION,
    "DELETE /api/v1/applications/{application_id:uuid}/files/{file_id:uuid}": _DRAFT,
    "POST /api/v1/applications/{application_id:uuid}/submit": _told(
        "applications", "ยื่นคำขอในนามของคุณ", "submitted an application for you"
    ),
    "POST /api/v1/applications/{application_id:uuid}/reply": _told(
        "applications", "ตอบหน่วยงานในนามของคุณ", "replied to an agency for you"
    ),
    "POST /api/v1/applications/{application_id:uuid}/withdraw": _told(
        "applications", "ถอนคำขอของคุณ", "withdrew an application of yours"
    ),
    # register for a programme (a wallet programme: family registering their elders), through its line
    "GET /api/v1/programmes": _saw(
        "applications", "ดูโครงการที่เปิดลงทะเบียน", "looked at the programmes open for registration"
    ),
    "GET /api/v1/programmes/{programme_id:uuid}": _saw(
        "applications", "ดูโครงการที่เปิดลงทะเบียน", "looked at the programmes open for registration"
    ),
    "POST /api/v1/programmes/{programme_id:uuid}/queue": _did(
        "applications", "ต่อคิวลงทะเบียนโครงการในนามของคุณ", "joined a programme's line in your name"
    ),
    "GET /api/v1/programmes/{programme_id:uuid}/queue": _saw(
        "applications", "ดูคิวลงทะเบียนโครงการของคุณ", "looked at your place in a programme's line"
    ),
    "POST /api/v1/programmes/{programme_id:uuid}/registrations": _told(
        "applications", "ลงทะเบียนโครงการในนามของคุณ", "registered you for a programme"
    ),
    # see my documents and share them
    "GET /api/v1/documents": _saw("documents", "ดูรายการเอกสารของคุณ", "looked at your documents"),
    "GET /api/v1/documents/{document_id:uuid}": _DOCUMENT,
    "GET /api/v1/documents/{document_id:uuid}/file": _DOCUMENT,
    "POST /api/v1/documents/{document_id:uuid}/shares": _told(
        "documents", "แชร์เอกสารของคุณ", "shared a document of yours"
    ),
    "GET /api/v1/documents/{document_id:uuid}/shares": _DOCUMENT,
    "DELETE /api/v1/documents/{document_id:uuid}/shares/{share_id:uuid}": _told(
        "documents", "ยกเลิกลิงก์แชร์เอกสารของคุณ", "withdrew a share link of yours"
    ),
}
