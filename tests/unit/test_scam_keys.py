"""Scam reports group by a link's host and a sender in one spelling each (backend/genuine/scam_keys.py)."""

from backend.genuine.scam_keys import host_of, link_in, sender_key


def test_a_link_is_found_in_text_with_or_without_its_scheme_and_without_trailing_punctuation() -> None:
    assert (
        link_in("กดรับสิทธิ https://Tax-Refund.example/claim?id=1.") == "https://Tax-Refund.example/claim?id=1"
    )
    assert link_in("ยืนยันที่ bit.ly/wallet-th ภายในวันนี้") == "bit.ly/wallet-th"
    assert link_in("ไม่มีลิงก์") == ""


def test_hosts_are_lower_case_idna_and_nonsense_has_none() -> None:
    assert host_of("HTTPS://Tax-Refund.example/x") == "tax-refund.example"
    assert host_of("tax-refund.example.") == "tax-refund.example"
    thai = host_of("https://กรมสรรพากร.example/")  # a lookalike in Thai letters: one ASCII spelling
    assert thai is not None
    assert thai.startswith("xn--")
    assert thai.endswith(".example")
    assert host_of("not a link") is None
    assert host_of("javascript:alert(1)") is None


def test_senders_are_one_spelling() -> None:
    assert sender_key("+66 81-234-5678") == sender_key("081 234 5678") == "0812345678"
    assert sender_key("  TH   Post ") == "th post"
    assert sender_key("   ") is None
