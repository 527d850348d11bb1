"""The embedded file store: a folder on this server, next to the SQLite database by default.

Layout: `<root>/<owner id mod 1000, 3 digits>/<owner id>/<sha256>`. An owner has a handful of files, so the
folders are sharded by owner (a region's 600,000 teachers make 600 folders of about 1,000 each); the file
name is the content's hash. A write goes to a temporary file in the same folder, is flushed to disk and
then renamed over the final name, so a reader sees the whole file or none, even after a crash. Folders are
created 0700 and files 0600: they are personal data.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

from storage.files.store import KEY, MissingFile, object_key, parse_key, sha256_of

SHARDS = 1000


class LocalFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _owner_dir(self, owner_id: int) -> Path:
        return self.root / f"{owner_id % SHARDS:03d}" / str(owner_id)

    def _path(self, key: str) -> Path:
        owner_id, sha256 = parse_key(key)
        return self._owner_dir(owner_id) / sha256

    async def put(self, owner_id: int, data: bytes) -> str:
        key = object_key(owner_id, sha256_of(data))
        await asyncio.to_thread(self._write, self._path(key), data)
        return key

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError:
            raise MissingFile(key) from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._remove, self._path(key))

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    async def keys_of(self, owner_id: int) -> list[str]:
        return await asyncio.to_thread(self._list, owner_id)

    async def close(self) -> None:
        return None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        if path.is_file():
            return  # content-addressed: the same name holds the same bytes
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _sync_dir(path.parent)

    @staticmethod
    def _remove(path: Path) -> None:
        path.unlink(missing_ok=True)
        # The owner's folder goes with its last file (a non-empty folder stays: rmdir refuses).
        with contextlib.suppress(OSError):
            path.parent.rmdir()

    def _list(self, owner_id: int) -> list[str]:
        folder = self._owner_dir(owner_id)
        if not folder.is_dir():
            return []
        keys = (f"{owner_id}/{entry.name}" for entry in folder.iterdir() if entry.is_file())
        return sorted(key for key in keys if KEY.match(key))


def _sync_dir(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk too.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
