"""Message verification codes and the signed statement behind them (docs/genuine-messages.md)."""

from __future__ import annotations

import base64
import os
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.applications.signing import DocumentSigner
from backend.genuine import codes, statement

SENT = datetime(2026, 12, 5, 14, 30, 5, tzinfo=timezone(timedelta(hours=7)))
TEXT_HASH = statement.text_sha256("ทดสอบ\nA test")


def _statement(code: str = "7K3MQX9P2RTVH8W0", recipient: bytes = b"\x01" * 32) -> bytes:
    return statement.statement(
        code=code, sender="DOPA", recipient=recipient.hex(), channel="sms", sent_at=SENT, text_hash=TEXT_HASH
    )


def test_a_new_code_is_sixteen_unambiguous_characters_that_read_back_as_itself() -> None:
    code = codes.new_code()
    assert len(code) == 16
    assert set(code) <= set(codes.ALPHABET)
    assert not set(code) & set("ILOU")
    assert codes.normalise(code) == code
    assert codes.grouped(code) == f"{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}"


def test_a_code_typed_in_lower_case_with_spaces_or_o_for_zero_is_still_the_code() -> None:
    random_part = "0K3MQX1P2RTVH8W"
    code = random_part + codes.check_character(random_part)
    typed = codes.grouped(code).lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert codes.normalise(typed) == code
    assert codes.normalise(codes.grouped(code).replace("-", "\u2013")) == code


def test_a_mistyped_check_character_wrong_length_or_letter_is_refused_without_a_look_up() -> None:
    code = codes.new_code()
    wrong_check = code[:-1] + next(c for c in codes.ALPHABET if c != code[-1])
    assert codes.normalise(wrong_check) is None
    assert codes.normalise(code[:-2]) is None
    assert codes.normalise(code + "0") is None
    assert codes.normalise("U" + code[1:]) is None
    assert codes.normalise("x" * 10_000) is None
    assert codes.normalise("") is None


def test_the_code_is_found_in_a_pasted_sms() -> None:
    code = codes.new_code()
    sms = f"กรมการปกครอง: บัตรของท่านพร้อมรับแล้ว รหัสตรวจสอบ {codes.grouped(code)} https://x.go.th/m"
    found = [codes.normalise(match) for match in codes.FOUND_IN_TEXT.findall(sms)]
    assert found == [code]


def test_the_statement_has_the_documented_lines_in_utc() -> None:
    assert _statement() == (
        b"citizen-message-v1\ncode:7K3MQX9P2RTVH8W0\nsender:DOPA\nrecipient:" + b"01" * 32 + b"\n"
        b"channel:sms\nsent:2026-12-05T07:30:05Z\ntext-sha256:" + TEXT_HASH.encode() + b"\n"
    )


def test_a_value_cannot_forge_another_line_and_the_channel_is_one_of_four() -> None:
    with pytest.raises(ValueError, match="one line"):
        _statement(code="A\nsender:OTHER")
    with pytest.raises(ValueError, match="channel"):
        statement.statement(
            code="A", sender="S", recipient="00" * 32, channel="fax", sent_at=SENT, text_hash=TEXT_HASH
        )
    with pytest.raises(ValueError, match="timezone-aware"):
        statement.statement(
            code="A",
            sender="S",
            recipient="00" * 32,
            channel="sms",
            sent_at=datetime(2026, 1, 1),
            text_hash=TEXT_HASH,
        )


def test_the_recipient_tag_differs_per_code_and_per_person_and_never_holds_the_hash() -> None:
    person, other = os.urandom(32), os.urandom(32)
    tags = {
        statement.recipient_tag(person, "A" * 16),
        statement.recipient_tag(person, "B" * 16),
        statement.recipient_tag(other, "A" * 16),
    }
    assert len(tags) == 3
    assert all(person not in tag and other not in tag for tag in tags)


def test_tampering_with_any_byte_of_the_statement_fails_verification() -> None:
    signer = DocumentSigner({"msg1": os.urandom(32)})
    message = _statement()
    key_id, signature = signer.sign(message)
    assert signer.verify(key_id, message, signature)
    for position in range(len(message)):
        changed = bytearray(message)
        changed[position] ^= 0x01
        assert not signer.verify(key_id, bytes(changed), signature), position
    for position in range(len(signature)):
        bad = bytearray(signature)
        bad[position] ^= 0x80
        assert not signer.verify(key_id, message, bytes(bad)), position


def test_the_signature_checks_with_cryptography_alone_against_the_published_key() -> None:
    signer = DocumentSigner({"new": os.urandom(32), "old": os.urandom(32)})
    message = _statement()
    key_id, signature = signer.sign(message)
    published = {key["kid"]: key for key in signer.jwks()["keys"]}
    raw = base64.urlsafe_b64decode(published[key_id]["x"] + "==")
    Ed25519PublicKey.from_public_bytes(raw).verify(signature, message)  # raises if not genuine
    other = base64.urlsafe_b64decode(published["old"]["x"] + "==")
    with pytest.raises(InvalidSignature):
        Ed25519PublicKey.from_public_bytes(other).verify(signature, message)


@settings(max_examples=5, deadline=None)
@given(st.integers(min_value=20_000, max_value=60_000))
def test_codes_never_collide_in_a_large_sample(sample: int) -> None:
    drawn = [codes.new_code() for _ in range(sample)]
    assert len(set(drawn)) == sample
    assert all(codes.normalise(code) == code for code in drawn[:1000])


@given(st.text(max_size=80))
def test_anything_typed_is_either_refused_or_a_well_formed_code(typed: str) -> None:
    code = codes.normalise(typed)
    assert code is None or (len(code) == 16 and codes.check_character(code[:15]) == code[15])
