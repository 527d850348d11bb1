"""The file store's one interface: bytes in, a key out; read, delete, test and list by owner.

A key is `"<owner id>/<sha256 of the bytes>"`: content-addressed within its owner, so the same bytes put twice
by one person are one object, and erasing a person's files never touches another's copy of the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from typing import Protocol

KEY = re.compile(r"^(\d+)/([0-9a-f]{64})$")


class MissingFile(LookupError):
    """The store has no object under this key (never stored, erased, or lost)."""


class FileStore(Protocol):
    async def put(self, owner_id: int, data: bytes) -> str:
        """Store the bytes (atomically; a second put of the same bytes is a no-op) and return their key."""
        ...

    async def get(self, key: str) -> bytes:
        """The bytes under the key; MissingFile when there are none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; removing one that is not there is not an error."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def keys_of(self, owner_id: int) -> list[str]:
        """Every key of the owner's objects, sorted."""
        ...

    async def close(self) -> None: ...


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def object_key(owner_id: int, sha256: str) -> str:
    key = f"{owner_id}/{sha256}"
    parse_key(key)
    return key


def parse_key(key: str) -> tuple[int, str]:
    """The owner and the sha256 of a key; a ValueError for anything else (a key never names a path)."""
    match = KEY.match(key)
    if match is None:
        raise ValueError("not a file store key")
    return int(match.group(1)), match.group(2)
