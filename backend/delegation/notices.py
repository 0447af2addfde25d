"""Inbox notices about acting for someone (docs/delegation.md "Notices"), from the platform's own sender
("ทางรัฐ"): to the grantor for every change to a grant and for each step a delegate takes that the
route says ``tells`` (money, applications, replies, shares); to the delegate for what the grantor did to
the grant (asked, renewed, ended). Thai and English with the other person's name, never a national ID.
Each is written in the transaction of what it tells (the grant's event row; the delegate step's
data-access record) and keyed by it, so a retry writes no second notice."""

from __future__ import annotations

import datetime as dt
import uuid

from backend.connectors.schemas import Said
from backend.core.dates import THAILAND, english_date, thai_date
from backend.core.principal import ActingFor
from backend.core.tasks import UnitOfWork
from backend.delegation.schemas import DelegationRow
from notifications.platform import DELEGATION_CATEGORY, send_from_platform

_RECORD_URL = "/data-access"
_SETTINGS_URL = "/settings"
_ASSISTED_URL = "/settings#assisted"
"""Settings' "help at a service counter", where the citizen confirms a counter request."""
ASK_MINUTES = 10
"""How long a counter request waits (``assisted.ASK_LAPSES_MINUTES``, which is this)."""
_SEE_RECORD = Said(
    "ดูทุกอย่างที่ทำแทนคุณได้ที่ “ใครเข้าถึงข้อมูลของฉัน” และยกเลิกสิทธิ์ได้ทุกเมื่อที่หน้าตั้งค่า",
    "Everything done for you is in “Who accessed my data”; you can end this at any time in Settings.",
)


def _person(th: str | None, en: str | None, *, grantor: bool) -> Said:
    fallback = (
        Said("ผู้ที่ให้คุณทำแทน", "the person you act for")
        if grantor
        else Said("ผู้ทำแทนคุณ", "the person acting for you")
    )
    return Said(th or en or fallback.th, en or th or fallback.en)


async def _send(work: UnitOfWork, citizen_id: uuid.UUID, title: Said, body: Said, url: str, key: str) -> None:
    await send_from_platform(
        work,
        citizen_id=citizen_id,
        category=DELEGATION_CATEGORY,
        texts={"title_th": title.th, "title_en": title.en, "body_th": body.th, "body_en": body.en},
        url=url,
        idempotency_key=key,
    )


async def tell_grantor_of_step(
    work: UnitOfWork, grantor_id: uuid.UUID, acting: ActingFor, did: Said, request: str
) -> None:
    """ "สุดา ใจดี เริ่มชำระบิลแทนคุณ": ``request`` identifies the request (a retry is the same one)."""
    name = _person(acting.delegate_name_th, acting.delegate_name_en, grantor=False)
    await _send(
        work,
        grantor_id,
        Said(f"{name.th} {did.th}", f"{name.en} {did.en}"),
        _SEE_RECORD,
        _RECORD_URL,
        f"delegate-step:{acting.delegation_id}:{request}",
    )


async def tell_of_change(
    work: UnitOfWork, row: DelegationRow, event_id: int, kind: str, *, by_delegate: bool
) -> None:
    """The notices of one ``delegation_events`` row: the grantor's always, the delegate's when the
    grantor made the change (the delegate's own answer needs no notice to themselves)."""
    delegate = _person(row.delegate_name_th, row.delegate_name_en, grantor=False)
    grantor = _person(row.grantor_name_th, row.grantor_name_en, grantor=True)
    until = Said(f"ถึงวันที่ {thai_date(row.ends_on)}", f"until {english_date(row.ends_on)}")
    d, g = delegate, grantor
    to_grantor: dict[str, Said] = {
        "invited": Said(f"คุณขอให้ {d.th} ทำแทนคุณ {until.th}", f"You asked {d.en} to act for you {until.en}"),
        "accepted": Said(f"{d.th} ตอบรับทำแทนคุณ {until.th}", f"{d.en} agreed to act for you {until.en}"),
        "declined": Said(f"{d.th} ปฏิเสธคำขอให้ทำแทนคุณ", f"{d.en} declined to act for you"),
        "ended": Said(f"{d.th} เลิกทำแทนคุณแล้ว", f"{d.en} stopped acting for you")
        if by_delegate
        else Said(f"คุณยกเลิกการให้ {d.th} ทำแทนคุณ", f"You ended {d.en}'s right to act for you"),
        "renewed": Said(
            f"คุณต่ออายุการให้ {d.th} ทำแทนคุณ {until.th}", f"You renewed {d.en}'s right to act for you {until.en}"
        ),
    }
    to_delegate: dict[str, tuple[Said, Said]] = {
        "invited": (
            Said(f"{g.th} ขอให้คุณทำแทน {until.th}", f"{g.en} asked you to act for them {until.en}"),
            Said(
                "ตอบรับหรือปฏิเสธได้ที่หน้าตั้งค่า ในหัวข้อ “คนที่คุณทำแทน”",
                "Accept or decline it in Settings, under “People you act for”.",
            ),
        ),
        "ended": (
            Said(f"{g.th} ยกเลิกการให้คุณทำแทนแล้ว", f"{g.en} ended your right to act for them"),
            Said("คุณทำแทนเขาไม่ได้อีกต่อไป", "You can no longer act for them."),
        ),
        "renewed": (
            Said(
                f"{g.th} ต่ออายุการให้คุณทำแทน {until.th}",
                f"{g.en} renewed your right to act for them {until.en}",
            ),
            Said("ดูสิ่งที่คุณทำแทนได้ที่หน้าตั้งค่า", "See what you may do for them in Settings."),
        ),
    }
    if row.kind == "assisted":
        # The citizen's side only: the staff member's own inbox gets nothing.
        await tell_of_assisted(work, row, event_id, kind, by_staff=by_delegate)
        return
    key = f"delegation-event:{event_id}"
    await _send(work, row.grantor_id, to_grantor[kind], _SEE_RECORD, _RECORD_URL, key)
    if not by_delegate and kind in to_delegate:
        title, body = to_delegate[kind]
        await _send(work, row.delegate_id, title, body, _SETTINGS_URL, key)


def _clock(moment: dt.datetime | None) -> Said:
    local = (moment or dt.datetime.now(dt.UTC)).astimezone(THAILAND)
    return Said(f"{local:%H:%M} น.", f"{local:%H:%M}")


async def tell_of_assisted(
    work: UnitOfWork, row: DelegationRow, event_id: int, kind: str, *, by_staff: bool
) -> None:
    """The citizen's notice of one event of counter help, worded for help at a counter (the staff member
    and the service point named), never to the staff member: their own step needs no notice. A request
    links to Settings, where the citizen confirms; the rest to "who accessed my data"."""
    staff = _person(row.delegate_name_th, row.delegate_name_en, grantor=False)
    who = Said(f"เจ้าหน้าที่ {staff.th}", f"{staff.en}, counter staff,")
    point = row.service_point or ""
    until = _clock(row.ends_at)
    said: dict[str, tuple[Said, Said]] = {
        "invited": (
            Said(
                f"{who.th} ที่ {point} ขอช่วยทำรายการแทนคุณ 1 ชั่วโมง",
                f"{who.en} at {point}, asks to help you for one hour",
            ),
            Said(
                f"ถ้าคุณอยู่ที่จุดบริการนี้ ยืนยันได้ที่หน้าตั้งค่า ภายใน {ASK_MINUTES} นาที"
                " ถ้าคุณไม่ได้ขอให้ช่วย ไม่ต้องทำอะไร คำขอจะหมดเวลาเอง",
                f"If you are at this service point, confirm it in Settings within {ASK_MINUTES} minutes."
                " If you did not ask for help, do nothing: the request lapses by itself.",
            ),
        ),
        "accepted": (
            Said(
                f"{who.th} ที่ {point} เริ่มการช่วยเหลือคุณ ถึงเวลา {until.th}",
                f"{who.en} at {point}, started helping you until {until.en}",
            ),
            _SEE_RECORD,
        ),
        "ended": (
            Said(f"{who.th} จบการช่วยเหลือคุณแล้ว", f"{who.en} stopped helping you")
            if by_staff
            else Said(f"คุณจบการช่วยเหลือของ{who.th}แล้ว", f"You ended the help of {who.en}".rstrip(",")),
            _SEE_RECORD,
        ),
        "declined": (
            Said(f"{who.th} ยกเลิกคำขอช่วยทำรายการแทนคุณแล้ว", f"{who.en} withdrew the request to help you"),
            _SEE_RECORD,
        ),
    }
    if kind not in said:
        return
    title, body = said[kind]
    url = _ASSISTED_URL if kind == "invited" else _RECORD_URL
    await _send(work, row.grantor_id, title, body, url, f"delegation-event:{event_id}")


async def tell_of_hour_up(work: UnitOfWork, row: DelegationRow, event_id: int) -> None:
    """The hour of counter help is up: the citizen's notice of the ``ended`` event nobody wrote."""
    staff = _person(row.delegate_name_th, row.delegate_name_en, grantor=False)
    title = Said(
        f"ครบ 1 ชั่วโมงแล้ว เจ้าหน้าที่ {staff.th} จบการช่วยเหลือคุณ",
        f"The hour is up: {staff.en}, counter staff, no longer helps you",
    )
    await _send(work, row.grantor_id, title, _SEE_RECORD, _RECORD_URL, f"delegation-event:{event_id}")
