from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from backend.core.crypto import NationalIdCipher, is_valid_national_id, mask_national_id

# A copy of shared/vectors/thai-national-id.txt, so that the tests run from any clone.
VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "thai-national-id.txt"


def _vectors() -> list[tuple[str, bool]]:
    text = VECTORS.read_text()
    pairs = []
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            kind, value = line.strip().split("=", 1)
            pairs.append((value, kind == "valid"))
    return pairs


@pytest.mark.parametrize(("value", "valid"), _vectors())
def test_national_id_vectors(value: str, valid: bool) -> None:
    assert is_valid_national_id(value) is valid


FULLWIDTH_DIGITS = "\uff11\uff11\uff10\uff11\uff17\uff10\uff10\uff12\uff10\uff17\uff15\uff13\uff16"


@pytest.mark.parametrize("value", ["", " 1101700207536", FULLWIDTH_DIGITS, "1101700207536\n"])
def test_whitespace_and_non_ascii_digits_are_not_national_ids(value: str) -> None:
    assert not is_valid_national_id(value)


def _cipher(**keys: bytes) -> NationalIdCipher:
    return NationalIdCipher(keys or {"k1": os.urandom(32)}, hash_key=b"h" * 32)


def test_encryption_round_trips_and_never_repeats_a_ciphertext() -> None:
    cipher = _cipher()
    key_id, first = cipher.encrypt("1101700207536")
    _, second = cipher.encrypt("1101700207536")
    assert key_id == "k1"
    assert first != second
    assert b"1101700207536" not in first
    assert cipher.decrypt(key_id, first) == "1101700207536"


def test_old_rows_stay_readable_after_a_key_rotation() -> None:
    old_key, new_key = os.urandom(32), os.urandom(32)
    key_id, blob = _cipher(old=old_key).encrypt("3100400123456")
    rotated = _cipher(new=new_key, old=old_key)
    assert rotated.decrypt(key_id, blob) == "3100400123456"
    assert rotated.encrypt("3100400123456")[0] == "new"


def test_a_tampered_ciphertext_is_refused() -> None:
    cipher = _cipher()
    key_id, blob = cipher.encrypt("1101700207536")
    with pytest.raises(InvalidTag):
        cipher.decrypt(key_id, blob[:-1] + bytes([blob[-1] ^ 1]))


def test_the_lookup_hash_is_keyed_and_stable() -> None:
    assert _cipher().lookup_hash("1101700207536") == _cipher().lookup_hash("1101700207536")
    other = NationalIdCipher({"k1": os.urandom(32)}, hash_key=b"x" * 32)
    assert other.lookup_hash("1101700207536") != _cipher().lookup_hash("1101700207536")


def test_staff_see_only_the_last_three_digits() -> None:
    assert mask_national_id("1101700207536") == "x-xxxx-xxxxx-53-6"
