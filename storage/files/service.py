"""Storing, reading and erasing the department's copy of documents: the file store and its rows together.

An upload is checked first (its bytes must be a PDF, JPEG, PNG or DOCX), then written to the store, then
recorded; the same bytes of the same owner again return the row already there. Erasing goes the other way:
the objects first, then the rows, so an erasure cut short (a crash, a failed commit) leaves rows whose
objects are gone, and running it again finishes it. The log gets counts, never names or file contents.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.file_models import StoredFile
from storage.file_repository import FileRepository
from storage.files.detection import FileType, accepted_type
from storage.files.retention import RECORDS_OWNER
from storage.files.store import FileStore, MissingFile, sha256_of

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class FileStoreService:
    def __init__(self, session: AsyncSession, store: FileStore, clock: Callable[[], datetime] = utc_now):
        self.session = session
        self.store = store
        self.repo = FileRepository(session)
        self.clock = clock

    async def store_upload(self, owner_user_id: int, data: bytes) -> StoredFile:
        """Keep an upload of this person's; UnacceptedFile (with the reason to show) when its bytes are not
        an accepted type. Nothing is written before that check."""
        # Hashing and reading a large upload take a while: off the event loop.
        kind, sha256 = await asyncio.to_thread(_examine, data)
        known = await self.repo.find(owner_user_id, sha256)
        if known is not None and await self.store.exists(known.store_key):
            return known
        key = await self.store.put(owner_user_id, data)
        return await self.repo.record(owner_user_id=owner_user_id, sha256=sha256, size=len(data),
                                      detected_type=kind.value, store_key=key, created_at=self.clock())

    async def store_record(self, data: bytes, keep_until: datetime) -> StoredFile:
        """Keep a document the commission generated (a protocol, an extract, a certificate) as one of its
        records (RECORDS_OWNER), until `keep_until`, the end of its retention."""
        stored = await self.store_upload(RECORDS_OWNER, data)
        stored.keep_until = max(keep_until, _aware(stored.keep_until)) if stored.keep_until else keep_until
        await self.session.flush()
        return stored

    async def store_made(self, owner_user_id: int, data: bytes, detected_type: str,
                         keep_until: datetime) -> StoredFile:
        """Keep a file the bot made for someone (a dossier's PDF or ZIP) just long enough to send it: its
        bytes, of a type the bot made itself rather than one checked on upload, until `keep_until`, after
        which the retention job erases it. The same bytes again extend the row already there."""
        sha256 = await asyncio.to_thread(sha256_of, data)
        known = await self.repo.find(owner_user_id, sha256)
        if known is None or not await self.store.exists(known.store_key):
            key = await self.store.put(owner_user_id, data)
            known = await self.repo.record(owner_user_id=owner_user_id, sha256=sha256, size=len(data),
                                           detected_type=detected_type, store_key=key, created_at=self.clock())
        known.keep_until = max(keep_until, _aware(known.keep_until)) if known.keep_until else keep_until
        await self.session.flush()
        return known

    async def read(self, stored: StoredFile) -> bytes:
        """The file's bytes from the store; MissingFile when they are gone or no longer match the checksum."""
        data = await self.store.get(stored.store_key)
        if sha256_of(data) != stored.sha256:
            log.error("stored file %d does not match its checksum", stored.id)
            raise MissingFile(stored.store_key)
        return data

    async def keep_until(self, files: Sequence[StoredFile], until: datetime) -> None:
        """Set the retention date of these files (when the application they belong to is decided)."""
        await self.repo.keep_until([stored.id for stored in files], until)

    async def erase_owner(self, owner_user_id: int) -> int:
        """Erase every file of this person from the store and its rows; the number of objects erased.

        The store is listed as well as the rows, so an upload whose row was never committed goes too."""
        keys = {stored.store_key for stored in await self.repo.of_owner(owner_user_id)}
        keys.update(await self.store.keys_of(owner_user_id))
        for key in sorted(keys):
            await self.store.delete(key)
        await self.repo.remove_of_owner(owner_user_id)
        log.info("erased %d stored files of user %d", len(keys), owner_user_id)
        return len(keys)

    async def erase_expired(self, batch: int = 500) -> int:
        """Erase the files whose retention date has passed (none of an owner with an application under way,
        which may hold them again); how many."""
        now, erased = self.clock(), 0
        while rows := await self.repo.expired(now, limit=batch):
            for stored in rows:
                await self.store.delete(stored.store_key)
            erased += await self.repo.remove([stored.id for stored in rows])
            await self.session.flush()
        return erased


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _examine(data: bytes) -> tuple[FileType, str]:
    return accepted_type(data), sha256_of(data)


async def erase_expired_files(sessions: async_sessionmaker[AsyncSession], store: FileStore,
                              clock: Callable[[], datetime] = utc_now) -> int:
    """The retention job: erase every file past its retention date, commit, and log how many."""
    async with sessions() as session:
        erased = await FileStoreService(session, store, clock).erase_expired()
        await session.commit()
    log.info("retention: erased %d stored files past their retention date", erased)
    return erased
