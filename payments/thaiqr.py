"""Thai QR payment payloads (EMVCo merchant-presented QR): build and parse.

Fields are ``ID(2) LEN(2) VALUE``. We build PromptPay transfers (tag 29: phone, national/tax ID or
e-wallet) and bill payments (tag 30: biller ID, reference 1, reference 2), static (01 = "11") or
dynamic with an amount (01 = "12"), ending in tag 63: CRC-16/CCITT-FALSE over everything before the
CRC value, "6304" included, as four upper-case hex digits.

The parser accepts fields in any order (generators differ, e.g. 53 before or after 58), keeps
optional fields it does not use (merchant name, city, additional data, templates 80-99), and
refuses with a clear message: a wrong CRC, a length that does not fit, a field it must understand
but does not (an unknown application ID or sub-field, a currency other than baht, reserved tags),
or an amount that is not a positive number with exactly two decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

PROMPTPAY_AID = "A000000677010111"
BILL_PAYMENT_AID = "A000000677010112"
_THAI_BAHT = "764"
_AMOUNT = re.compile(r"(?:0|[1-9][0-9]{0,9})\.[0-9]{2}")  # no leading zeros: "00.50" is not an amount
_DIGITS = re.compile(r"[0-9]+")
_REFERENCE = re.compile(r"[0-9A-Z]{1,20}")
# What other generators put in references when parsing their codes: printable ASCII, no spaces at the ends.
_PAYER_REFERENCE = re.compile(r"[!-~](?:[ -~]{0,23}[!-~])?")
# Tags whose meaning we must know to pay correctly; anything reserved for future use is refused.
_RESERVED = {f"{n:02d}" for n in range(65, 80)}
_OPTIONAL = {"52", "55", "56", "57", "59", "60", "61", "62", "64"} | {f"{n:02d}" for n in range(80, 100)}

Kind = Literal["promptpay", "bill"]
TargetKind = Literal["phone", "national_id", "ewallet"]


class ThaiQRError(ValueError):
    """The payload is not a Thai QR payment we can act on; the message says why."""


def crc16_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ThaiQRError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def _with_crc(body: str) -> str:
    body += "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def format_amount(amount: Decimal) -> str:
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ThaiQRError("the amount must be positive with at most two decimals")
    text = f"{amount:.2f}"
    if not _AMOUNT.fullmatch(text):
        raise ThaiQRError("the amount is too large")
    return text


def _promptpay_target(target: str) -> tuple[str, str]:
    """(sub-tag, value) of a PromptPay target: a 10-digit phone, 13-digit ID or 15-digit e-wallet."""
    if not _DIGITS.fullmatch(target):
        raise ThaiQRError("a PromptPay target is digits only")
    if len(target) == 10 and target.startswith("0"):
        return "01", "0066" + target[1:]
    if len(target) == 13:
        return "02", target
    if len(target) == 15:
        return "03", target
    raise ThaiQRError("a PromptPay target is a 10-digit phone, a 13-digit ID or a 15-digit e-wallet")


def _header(amount: Decimal | None) -> str:
    return _field("00", "01") + _field("01", "12" if amount is not None else "11")


def _trailer(amount: Decimal | None) -> str:
    tail = _field("53", _THAI_BAHT)
    if amount is not None:
        tail += _field("54", format_amount(amount))
    return tail + _field("58", "TH")


def build_promptpay(target: str, amount: Decimal | None = None) -> str:
    sub_tag, value = _promptpay_target(target)
    account = _field("00", PROMPTPAY_AID) + _field(sub_tag, value)
    return _with_crc(_header(amount) + _field("29", account) + _trailer(amount))


def build_bill_payment(
    biller_id: str, ref1: str, ref2: str | None = None, amount: Decimal | None = None
) -> str:
    if not (_DIGITS.fullmatch(biller_id) and len(biller_id) in (13, 15)):
        raise ThaiQRError("a biller ID is 13 or 15 digits (tax ID and suffix)")
    for name, reference in (("reference 1", ref1), ("reference 2", ref2)):
        if reference is not None and not _REFERENCE.fullmatch(reference):
            raise ThaiQRError(f"{name} is 1 to 20 characters of A-Z and 0-9")
    account = _field("00", BILL_PAYMENT_AID) + _field("01", biller_id) + _field("02", ref1)
    if ref2:
        account += _field("03", ref2)
    return _with_crc(_header(amount) + _field("30", account) + _trailer(amount))


@dataclass(frozen=True)
class ThaiQR:
    kind: Kind
    dynamic: bool
    amount: Decimal | None
    target_kind: TargetKind | None = None
    target: str | None = None
    """PromptPay: the phone as dialled in Thailand (0...), the ID, or the e-wallet."""
    biller_id: str | None = None
    ref1: str | None = None
    ref2: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    """Optional fields kept as they came (merchant name, city, additional data...)."""


def _fields(text: str, where: str) -> dict[str, str]:
    found: dict[str, str] = {}
    position = 0
    while position < len(text):
        if len(text) - position < 4:
            raise ThaiQRError(f"{where}: a field is cut short at position {position}")
        tag, length_text = text[position : position + 2], text[position + 2 : position + 4]
        if not (_DIGITS.fullmatch(tag) and _DIGITS.fullmatch(length_text)):
            raise ThaiQRError(f"{where}: expected a 2-digit field ID and length at position {position}")
        length = int(length_text)
        value = text[position + 4 : position + 4 + length]
        if len(value) != length:
            raise ThaiQRError(f"{where}: field {tag} says {length} characters but only {len(value)} remain")
        if tag in found:
            raise ThaiQRError(f"{where}: field {tag} appears twice")
        found[tag] = value
        position += 4 + length
    return found


def parse(payload: str) -> ThaiQR:
    text = payload.strip()
    if not text.isascii():
        raise ThaiQRError("a Thai QR payload is ASCII text")
    fields = _fields(text, "payload")
    crc = fields.get("63")
    if crc is None:
        raise ThaiQRError("the CRC field (63) is missing")
    if not text.endswith("63" + "04" + crc) or len(crc) != 4:
        raise ThaiQRError("the CRC field (63) must be last and four characters long")
    expected = f"{crc16_ccitt_false(text[:-4].encode('ascii')):04X}"
    if crc.upper() != expected:
        raise ThaiQRError(f"the CRC is {crc} but the payload's is {expected}: the code is damaged or altered")
    _check_mandatory(fields)
    amount = _parse_amount(fields.get("54"))
    dynamic = fields["01"] == "12"
    if dynamic and amount is None:
        raise ThaiQRError("a dynamic QR (01 = 12) must carry an amount (54)")
    extra = {tag: value for tag, value in fields.items() if tag not in _KNOWN}
    if ("29" in fields) == ("30" in fields):
        raise ThaiQRError("exactly one of PromptPay (29) or bill payment (30) must be present")
    if "29" in fields:
        return _promptpay(fields["29"], dynamic, amount, extra)
    return _bill(fields["30"], dynamic, amount, extra)


_KNOWN = {"00", "01", "29", "30", "53", "54", "58", "63"}


def _check_mandatory(fields: dict[str, str]) -> None:
    if fields.get("00") != "01":
        raise ThaiQRError("the payload format indicator (00) must be 01")
    if fields.get("01") not in ("11", "12"):
        raise ThaiQRError("the point of initiation (01) must be 11 (static) or 12 (dynamic)")
    if fields.get("53") != _THAI_BAHT:
        raise ThaiQRError("the currency (53) must be 764, Thai baht")
    if fields.get("58") != "TH":
        raise ThaiQRError("the country (58) must be TH")
    for tag in fields:
        other_scheme = "02" <= tag <= "51"  # other merchant account templates: kept, not used
        if tag in _RESERVED or (tag not in _KNOWN and tag not in _OPTIONAL and not other_scheme):
            raise ThaiQRError(f"field {tag} is not one a Thai QR payment may carry")


def _parse_amount(value: str | None) -> Decimal | None:
    if value is None:
        return None
    if not _AMOUNT.fullmatch(value) or Decimal(value) <= 0:
        raise ThaiQRError(f"the amount (54) {value!r} is not a positive number with two decimals")
    return Decimal(value)


def _promptpay(template: str, dynamic: bool, amount: Decimal | None, extra: dict[str, str]) -> ThaiQR:
    sub = _fields(template, "PromptPay (29)")
    if sub.get("00") != PROMPTPAY_AID:
        raise ThaiQRError(f"unknown PromptPay application ID {sub.get('00')!r}")
    unknown = set(sub) - {"00", "01", "02", "03"}
    if unknown:
        raise ThaiQRError(f"PromptPay (29) has unknown sub-fields {sorted(unknown)}")
    targets = [tag for tag in ("01", "02", "03") if tag in sub]
    if len(targets) != 1:
        raise ThaiQRError("PromptPay (29) must name exactly one target: phone, ID or e-wallet")
    tag, value = targets[0], sub[targets[0]]
    if tag == "01":
        if not (_DIGITS.fullmatch(value) and len(value) == 13 and value.startswith("0066")):
            raise ThaiQRError("a PromptPay phone is 0066 followed by nine digits")
        return ThaiQR(
            kind="promptpay",
            dynamic=dynamic,
            amount=amount,
            target_kind="phone",
            target="0" + value[4:],
            extra=extra,
        )
    expected_length = 13 if tag == "02" else 15
    if not (_DIGITS.fullmatch(value) and len(value) == expected_length):
        raise ThaiQRError(
            f"a PromptPay {'national or tax ID' if tag == '02' else 'e-wallet'} is {expected_length} digits"
        )
    kind: TargetKind = "national_id" if tag == "02" else "ewallet"
    return ThaiQR(
        kind="promptpay", dynamic=dynamic, amount=amount, target_kind=kind, target=value, extra=extra
    )


def _bill(template: str, dynamic: bool, amount: Decimal | None, extra: dict[str, str]) -> ThaiQR:
    sub = _fields(template, "bill payment (30)")
    if sub.get("00") != BILL_PAYMENT_AID:
        raise ThaiQRError(f"unknown bill payment application ID {sub.get('00')!r}")
    unknown = set(sub) - {"00", "01", "02", "03"}
    if unknown:
        raise ThaiQRError(f"bill payment (30) has unknown sub-fields {sorted(unknown)}")
    biller, ref1 = sub.get("01"), sub.get("02")
    if not biller or not _DIGITS.fullmatch(biller) or len(biller) not in (13, 15):
        raise ThaiQRError("the biller ID (30/01) is 13 or 15 digits")
    if not ref1:
        raise ThaiQRError("reference 1 (30/02) is missing")
    for name, reference in (("reference 1 (30/02)", ref1), ("reference 2 (30/03)", sub.get("03"))):
        if reference is not None and not _PAYER_REFERENCE.fullmatch(reference):
            raise ThaiQRError(f"{name} must be 1 to 25 printable characters")
    return ThaiQR(
        kind="bill",
        dynamic=dynamic,
        amount=amount,
        biller_id=biller,
        ref1=ref1,
        ref2=sub.get("03"),
        extra=extra,
    )
