"""The department's Ed25519 signing key (a PEM file, made on first start) and the public key it publishes."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def signing_key(path: Path) -> Ed25519PrivateKey:
    """The key in the file, made (readable by this user only) if there is none yet."""
    if not path.exists():
        _generate(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"{path} holds no Ed25519 private key: SIGNING_KEY_FILE must name one")
    return key


def _generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())
    # Written aside and linked into place: a worker starting at the same moment finds either no file or a whole
    # one, and the first link wins.
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, pem)
    finally:
        os.close(fd)
    try:
        os.link(draft, path)
        log.warning("Signing key generated at %s (fingerprint %s); keep a copy: certificates signed with it verify "
                    "only against its public key", path, fingerprint(signing_key_public(draft)))
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)


def signing_key_public(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key.public_key()


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_raw(key: Ed25519PublicKey) -> str:
    """The 32 bytes of the key in base64, the form some tools want."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw key, first 16 hex digits in groups: what a person compares by eye."""
    digest = hashlib.sha256(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4)).upper()


def load_public_key(text: str) -> Ed25519PublicKey:
    """A published public key: PEM, or its 32 raw bytes in base64."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    raw = base64.b64decode(text, validate=True)
    return Ed25519PublicKey.from_public_bytes(raw)
