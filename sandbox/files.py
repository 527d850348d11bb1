"""File storage: uploads from the bot or a simulated user, kept on disk under a data directory."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import mimetypes
import re
import secrets
import struct
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# Telegram lets bots download files up to this size with getFile.
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024


@dataclass
class FileRecord:
    file_unique_id: str
    sha256: str
    size: int
    kind: str  # "documents" or "photos"; also the first segment of file_path, as on Telegram
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None


def _number_in(file_path: str) -> int:
    """`documents/file_12.pdf` -> 12: new paths continue after the ones already handed out."""
    match = re.search(r"file_(\d+)", file_path)
    return int(match.group(1)) if match else 0


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG; None when it is not an image Telegram accepts."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 9 < len(data):
            if data[pos] != 0xFF:
                pos += 1
                continue
            marker = data[pos + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            (segment,) = struct.unpack(">H", data[pos + 2:pos + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
                return int(width), int(height)
            pos += 2 + segment
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP" and data[12:16] == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


class FileStore:
    """Content-addressed blobs on disk; many file_ids may point at one blob.

    Which file_id names which blob is appended to `index.jsonl` beside the blobs: the bot keeps file_ids
    in its database (a teacher's uploads), so they must still resolve after the sandbox restarts.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "blobs").mkdir(parents=True, exist_ok=True)
        self._by_id: dict[str, FileRecord] = {}
        self._by_path: dict[str, FileRecord] = {}
        self._counter = 0
        self._index = root / "index.jsonl"
        self._load()

    def _load(self) -> None:
        if not self._index.exists():
            return
        for line in self._index.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                file_id = entry.pop("file_id")
                record = FileRecord(**entry)
            except (ValueError, TypeError, KeyError):
                continue  # a line cut short by a crash: that one id is lost, the rest still resolve
            if not self.blob_path(record).exists():
                continue
            self._by_id[file_id] = record
            self._by_path[record.file_path] = record
            self._counter = max(self._counter, _number_in(record.file_path))

    def _remember(self, file_id: str, record: FileRecord) -> None:
        with self._index.open("a", encoding="utf-8") as index:
            index.write(json.dumps({"file_id": file_id, **asdict(record)}, ensure_ascii=False) + "\n")

    def blob_path(self, record: FileRecord) -> Path:
        return self.root / "blobs" / record.sha256

    @staticmethod
    def _unique_id(digest: bytes) -> str:
        return "AgAD" + base64.urlsafe_b64encode(digest[:12]).decode().rstrip("=")

    @classmethod
    def unique_id_of(cls, content: bytes) -> str:
        """The file_unique_id this store gives `content` (the same bytes always get the same one)."""
        return cls._unique_id(hashlib.sha256(content).digest())

    async def add(
        self, content: bytes, *, kind: str, file_name: str | None = None, mime_type: str | None = None,
        width: int | None = None, height: int | None = None, file_id: str | None = None,
    ) -> tuple[str, FileRecord]:
        """Store content and return a new file_id with its record (or `file_id` itself, when one is given)."""
        digest = hashlib.sha256(content).digest()
        record_sha = digest.hex()
        blob = self.root / "blobs" / record_sha
        if not blob.exists():
            # Off the event loop: uploads may be tens of megabytes.
            await asyncio.to_thread(blob.write_bytes, content)
        if mime_type in (None, "", "application/octet-stream") and file_name:
            mime_type = mimetypes.guess_type(file_name)[0] or mime_type
        self._counter += 1
        suffix = Path(file_name).suffix.lower() if file_name else (".jpg" if kind == "photos" else "")
        record = FileRecord(
            file_unique_id=self._unique_id(digest), sha256=record_sha, size=len(content), kind=kind,
            file_path=f"{kind}/file_{self._counter}{suffix}", file_name=file_name,
            mime_type=mime_type or None, width=width, height=height,
        )
        self._by_path[record.file_path] = record
        return self.new_file_id(record, file_id), record

    def new_file_id(self, record: FileRecord, file_id: str | None = None) -> str:
        """A fresh file_id for the record; a given `file_id` (seed data kept in a database) is used as it is."""
        if file_id is None:
            prefix = "AgACAgIAAxkBAA" if record.kind == "photos" else "BQACAgIAAxkBAA"
            file_id = prefix + secrets.token_urlsafe(36)
        if self._by_id.get(file_id) != record:
            self._by_id[file_id] = record
            self._remember(file_id, record)
        return file_id

    def get(self, file_id: str) -> FileRecord | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> FileRecord | None:
        return self._by_path.get(file_path)

    def read(self, record: FileRecord) -> bytes:
        return self.blob_path(record).read_bytes()


def document_json(file_id: str, record: FileRecord) -> dict[str, Any]:
    doc: dict[str, Any] = {"file_id": file_id, "file_unique_id": record.file_unique_id, "file_size": record.size}
    if record.file_name:
        doc["file_name"] = record.file_name
    if record.mime_type:
        doc["mime_type"] = record.mime_type
    return doc


def photo_json(file_id: str, record: FileRecord) -> list[dict[str, Any]]:
    return [{
        "file_id": file_id, "file_unique_id": record.file_unique_id, "file_size": record.size,
        "width": record.width or 0, "height": record.height or 0,
    }]
