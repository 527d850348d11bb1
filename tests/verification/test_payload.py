"""The signed QR payload and the short code, without the bot: a payload verifies with the key that signed it and
with no other; any altered fact, signature or link code makes it invalid; a typed code is read however typed."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from features.verification import payload as p
from features.verification.keys import load_public_key, public_pem, public_raw, signing_key

FACTS = p.Facts(kind="certificate", code="7K3MZQ9W2H", full_name="Әбенова Гүлнұр Серікқызы", iin_last4="0123",
                category="expert", decided_on=date(2026, 5, 20),
                commission="Қарағанды қаласының аттестаттау комиссиясы",
                valid_until=date(2031, 5, 20), number="45-к/2026-001")


def test_a_signed_payload_verifies_and_gives_back_its_facts() -> None:
    key = Ed25519PrivateKey.generate()
    text = p.assemble(FACTS, p.sign(FACTS, key))
    assert text.startswith("AV1.") and text.count(".") == 2
    assert p.verify(text, key.public_key()) == FACTS


@pytest.mark.parametrize("change", [dict(full_name="Әбенова Гүлнұр"), dict(category="master"),
                                    dict(valid_until=date(2036, 5, 20)), dict(iin_last4="9999"),
                                    dict(code="7K3MZQ9W2J"), dict(kind="extract")])
def test_a_payload_with_an_altered_fact_is_invalid(change: dict[str, object]) -> None:
    key = Ed25519PrivateKey.generate()
    signature = p.sign(FACTS, key)
    forged = p.assemble(replace(FACTS, **change), signature)  # type: ignore[arg-type]
    with pytest.raises(p.InvalidPayload):
        p.verify(forged, key.public_key())


def test_a_payload_signed_with_another_key_is_invalid() -> None:
    text = p.assemble(FACTS, p.sign(FACTS, Ed25519PrivateKey.generate()))
    with pytest.raises(p.InvalidPayload):
        p.verify(text, Ed25519PrivateKey.generate().public_key())


@pytest.mark.parametrize("text", ["", "AV1", "AV1.x.y", "AV2.e30.AAAA", "hello world", "AV1.e30.", "AV1.!!.??"])
def test_garbage_is_invalid_not_an_error(text: str) -> None:
    with pytest.raises(p.InvalidPayload):
        p.verify(text, Ed25519PrivateKey.generate().public_key())


def test_one_flipped_character_anywhere_is_invalid() -> None:
    key = Ed25519PrivateKey.generate()
    text = p.assemble(FACTS, p.sign(FACTS, key))
    for i in range(4, len(text), 7):
        if text[i] == ".":
            continue
        flipped = text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:]
        with pytest.raises(p.InvalidPayload):
            p.verify(flipped, key.public_key())


def test_a_verification_link_carries_the_payload_and_its_code_must_match() -> None:
    key = Ed25519PrivateKey.generate()
    link = p.qr_text(FACTS, p.sign(FACTS, key), "https://bot.example.kz/verify/")
    assert link.startswith("https://bot.example.kz/verify/7K3M-ZQ9W-2H#AV1.")
    assert p.verify(link, key.public_key()) == FACTS
    with pytest.raises(p.InvalidPayload):
        p.verify(link.replace("7K3M-ZQ9W-2H#", "7K3M-ZQ9W-2J#"), key.public_key())


def test_codes_are_random_of_the_alphabet_and_read_however_typed() -> None:
    codes = {p.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 10 and set(c) <= set(p.ALPHABET) for c in codes)
    assert p.display_code("7K3MZQ9W2H") == "7K3M-ZQ9W-2H"
    for typed in ("7K3M-ZQ9W-2H", "7k3m zq9w 2h", " 7k3mzq9w2h ", "7К3М–ZQ9W—2Н", "7k3m_zq9w.2h"):
        assert p.normalise_code(typed) == "7K3MZQ9W2H", typed
    assert p.normalise_code("0O1IL-ABCDE") == "00111ABCDE"  # O reads as 0, I and L as 1 (Crockford)
    for bad in ("", "7K3M-ZQ9W", "7K3M-ZQ9W-2H-X", "7K3M-ZQ9W-2!", "ЖЖЖЖЖЖЖЖЖЖ"):
        assert p.normalise_code(bad) is None, bad


def test_the_key_file_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing_key.pem"
    key = signing_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert signing_key.__wrapped__(path).public_key().public_bytes_raw() == key.public_key().public_bytes_raw()
    public = key.public_key()
    assert load_public_key(public_pem(public)).public_bytes_raw() == public.public_bytes_raw()
    assert load_public_key(public_raw(public)).public_bytes_raw() == public.public_bytes_raw()


def test_the_payload_and_the_offline_command_need_no_aiogram() -> None:
    code = ("import sys, features.verification.payload, features.verification.__main__; "
            "sys.exit('aiogram' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2]).returncode == 0
