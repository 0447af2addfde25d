"""The platform's Ed25519 signature over a document statement: exact bytes, rotation, JWKS, settings."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from backend.applications.signing import DocumentSigner, new_signing_key, statement
from backend.core.errors import ConfigurationError
from backend.core.keyrings import parse_keyring

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
ISSUED = datetime(2026, 11, 22, 10, 15, 30, tzinfo=timezone(timedelta(hours=7)))


def _statement() -> bytes:
    return statement(code="K7QF-9M2X", sha256=DIGEST, issuer="MHESI", issued_at=ISSUED)


def test_the_statement_has_the_documented_lines_in_utc() -> None:
    assert _statement() == (
        b"citizen-document-v1\ncode:K7QF-9M2X\nsha256:" + DIGEST.encode() + b"\nissuer:MHESI\n"
        b"issued:2026-11-22T03:15:30Z\n"
    )


def test_a_statement_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        statement(code="C", sha256=DIGEST, issuer="I", issued_at=datetime(2026, 1, 1))


def test_a_value_cannot_forge_another_line_of_the_statement() -> None:
    with pytest.raises(ValueError, match="one line"):
        statement(code="C\nissuer:OTHER", sha256=DIGEST, issuer="I", issued_at=ISSUED)
    with pytest.raises(ValueError, match="64 lowercase hex"):
        statement(code="C", sha256=DIGEST.upper(), issuer="I", issued_at=ISSUED)


def test_a_signature_verifies_under_its_key() -> None:
    signer = DocumentSigner({"doc1": os.urandom(32)})
    key_id, signature = signer.sign(_statement())
    assert key_id == "doc1" == signer.current_key_id
    assert len(signature) == 64
    assert signer.verify(key_id, _statement(), signature)


def test_changing_any_bit_of_the_statement_fails_verification() -> None:
    signer = DocumentSigner({"doc1": os.urandom(32)})
    message = _statement()
    key_id, signature = signer.sign(message)
    for position in range(len(message)):
        changed = bytearray(message)
        changed[position] ^= 0x01
        assert not signer.verify(key_id, bytes(changed), signature), position


def test_a_changed_or_cut_signature_fails_verification() -> None:
    signer = DocumentSigner({"doc1": os.urandom(32)})
    key_id, signature = signer.sign(_statement())
    for position in range(len(signature)):
        changed = bytearray(signature)
        changed[position] ^= 0x80
        assert not signer.verify(key_id, _statement(), bytes(changed)), position
    assert not signer.verify(key_id, _statement(), signature[:-1])
    assert not signer.verify(key_id, _statement(), b"")


def test_documents_signed_before_a_rotation_still_verify() -> None:
    old_seed = os.urandom(32)
    key_id, signature = DocumentSigner({"doc1": old_seed}).sign(_statement())
    rotated = DocumentSigner({"doc2": os.urandom(32), "doc1": old_seed})
    assert rotated.current_key_id == "doc2"
    assert rotated.verify(key_id, _statement(), signature)
    assert rotated.sign(_statement())[0] == "doc2"


def test_an_unknown_key_id_does_not_verify() -> None:
    signer = DocumentSigner({"doc1": os.urandom(32)})
    _, signature = signer.sign(_statement())
    assert not signer.verify("doc9", _statement(), signature)


def test_a_signature_by_another_key_does_not_verify() -> None:
    signer = DocumentSigner({"doc1": os.urandom(32)})
    stranger = DocumentSigner({"doc1": os.urandom(32)})
    assert not signer.verify("doc1", _statement(), stranger.sign(_statement())[1])


def test_the_jwks_publishes_each_public_key_in_rfc_8037_form() -> None:
    seeds = {"doc2": os.urandom(32), "doc1": os.urandom(32)}
    signer = DocumentSigner(seeds)
    keys = signer.jwks()["keys"]
    assert [key["kid"] for key in keys] == ["doc2", "doc1"]
    for key in keys:
        assert {key["kty"], key["crv"], key["use"], key["alg"]} == {"OKP", "Ed25519", "sig", "EdDSA"}
        assert "=" not in key["x"]
        raw = base64.urlsafe_b64decode(key["x"] + "=" * (-len(key["x"]) % 4))
        expected = Ed25519PrivateKey.from_private_bytes(seeds[key["kid"]]).public_key()
        assert raw == expected.public_bytes(Encoding.Raw, PublicFormat.Raw)
        _, signature = DocumentSigner({key["kid"]: seeds[key["kid"]]}).sign(b"message")
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, b"message")
        assert "d" not in key


def test_a_signer_needs_keys_of_the_right_length() -> None:
    with pytest.raises(ValueError, match="at least one"):
        DocumentSigner({})
    with pytest.raises(ValueError, match="32 bytes"):
        DocumentSigner({"doc1": os.urandom(31)})


def test_the_setting_is_read_newest_first() -> None:
    first, second = new_signing_key(), new_signing_key()
    keyring = parse_keyring(f"doc2:{first}, doc1:{second}")
    assert list(keyring) == ["doc2", "doc1"]
    assert keyring["doc2"] == base64.b64decode(first)
    assert len(keyring["doc1"]) == 32
    assert first != second


@pytest.mark.parametrize(
    "value",
    [
        "",
        "doc1",
        f":{new_signing_key()}",
        "doc1:not base64!",
        "doc1:" + base64.b64encode(os.urandom(16)).decode(),
        "doc1:" + base64.urlsafe_b64encode(b"\xff" * 32).decode(),
        f"doc1:{new_signing_key()},doc1:{new_signing_key()}",
        f"doc1:{new_signing_key()},",
        f"doc 1:{new_signing_key()}",
    ],
)
def test_a_malformed_setting_names_document_signing_keys(value: str) -> None:
    with pytest.raises(ConfigurationError, match="DOCUMENT_SIGNING_KEYS") as caught:
        parse_keyring(value)
    for entry in value.split(","):
        key = entry.partition(":")[2].strip()
        assert len(key) < 8 or key not in str(caught.value)


def test_signing_is_deterministic_for_the_same_statement() -> None:
    signer = DocumentSigner({"doc1": os.urandom(32)})
    assert signer.sign(_statement()) == signer.sign(_statement())
    assert statement(code="C", sha256=DIGEST, issuer="I", issued_at=ISSUED) == statement(
        code="C", sha256=DIGEST, issuer="I", issued_at=ISSUED.astimezone(UTC)
    )
