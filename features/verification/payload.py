"""The signed facts a certificate's or extract's QR code carries, its short code, and their checks (pure: no aiogram).

A payload is `AV1.<facts>.<signature>`: the facts as compact JSON (sorted keys, UTF-8) in base64url, and the
Ed25519 signature over the ASCII text `AV1.<facts>` in base64url, as in a JWS. The signature covers the exact
bytes it travels with, so no verifier has to re-encode anything; the text is URL-safe, so it also rides in
the fragment of a verification URL (`VERIFY_URL/<code>#<payload>`) and on a command line without quoting.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "AV1"

# Crockford's base32: no I, L, O or U, so nothing reads as another symbol; 10 symbols are 50 random bits.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
# What a person may type for a symbol: lower case, the letters Crockford reads as digits, and the Cyrillic
# (Kazakh and Russian) letters that look like Latin ones on a printed page or a phone keyboard.
_LOOK_ALIKES = str.maketrans({
    "O": "0", "I": "1", "L": "1",
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "0", "Р": "P", "Т": "T",
    "Х": "X", "У": "Y", "Ү": "Y", "З": "3", "І": "1", "Һ": "H", "Ѕ": "S", "Ј": "J",
})
_SEPARATORS = str.maketrans("", "", " -‐‑‒–—_.\u00a0\t")


class InvalidPayload(ValueError):
    """Not a payload this format produces, or its signature does not match its facts."""


@dataclass(frozen=True)
class Facts:
    kind: str  # certificate / extract
    code: str  # normalised: CODE_LENGTH symbols of ALPHABET, no dashes
    full_name: str
    iin_last4: str  # the last four digits of the IIN, "" if none was known
    category: str  # its key (scoring.categories.Category), the same in every language
    decided_on: date
    commission: str
    valid_until: date | None
    number: str  # the certificate's registration number; for an extract, the number of the minutes

    def as_json(self) -> dict[str, str]:
        return {"k": self.kind, "c": self.code, "n": self.full_name, "i": self.iin_last4, "g": self.category,
                "d": self.decided_on.isoformat(), "m": self.commission,
                "u": self.valid_until.isoformat() if self.valid_until else "", "r": self.number}

    @classmethod
    def from_json(cls, data: object) -> Facts:
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in "kcnigdmur"):
            raise InvalidPayload("the facts are incomplete")
        try:
            return cls(kind=data["k"], code=data["c"], full_name=data["n"], iin_last4=data["i"],
                       category=data["g"], decided_on=date.fromisoformat(data["d"]), commission=data["m"],
                       valid_until=date.fromisoformat(data["u"]) if data["u"] else None, number=data["r"])
        except ValueError as error:
            raise InvalidPayload("a date in the facts is not a date") from error


# --- the short code --------------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str | None:
    """The code a person typed (any case, spaces, dashes, Cyrillic look-alikes), or None if it cannot be one."""
    text = unicodedata.normalize("NFKC", typed).upper().translate(_SEPARATORS).translate(_LOOK_ALIKES)
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def display_code(code: str) -> str:
    """ABCD-EFGH-JK: grouped for reading aloud and typing."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# --- signing and checking ----------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidPayload("not base64url") from error


def encode_facts(facts: Facts) -> str:
    """`AV1.<facts>`: the part the signature covers."""
    body = json.dumps(facts.as_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"{FORMAT}.{_b64(body.encode('utf-8'))}"


def sign(facts: Facts, key: Ed25519PrivateKey) -> str:
    """The signature (base64url) over the facts' encoding."""
    return _b64(key.sign(encode_facts(facts).encode("ascii")))


def assemble(facts: Facts, signature: str) -> str:
    return f"{encode_facts(facts)}.{signature}"


def qr_text(facts: Facts, signature: str, verify_url: str | None) -> str:
    """What the QR code holds: the payload, or a link to the verification page carrying it in its fragment
    (which a browser never sends to the server)."""
    payload = assemble(facts, signature)
    if not verify_url:
        return payload
    return f"{verify_url.rstrip('/')}/{display_code(facts.code)}#{payload}"


def verify(text: str, key: Ed25519PublicKey) -> Facts:
    """The facts of a payload (or of a verification URL carrying one) whose signature `key` made; raises
    InvalidPayload otherwise, also when a URL's code is not the one its payload signs."""
    text = text.strip()
    url_code = None
    if "#" in text:
        url, _, text = text.partition("#")
        url_code = normalise_code(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    parts = text.split(".")
    if len(parts) != 3 or parts[0] != FORMAT:
        raise InvalidPayload("not a verification payload")
    try:
        key.verify(_unb64(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (InvalidSignature, UnicodeEncodeError) as error:
        raise InvalidPayload("the signature does not match the facts") from error
    try:
        facts = Facts.from_json(json.loads(_unb64(parts[1]).decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidPayload("the facts are not JSON") from error
    if url_code is not None and url_code != facts.code:
        raise InvalidPayload("the link's code is not the signed one")
    return facts


def masked_iin(last4: str) -> str:
    return f"********{last4}" if last4 else "—"
