"""Files people send: fetched at once from the Bot API server, kept in the file store, and sent on from it.

A Telegram `file_id` belongs to one bot: after a new bot or token every one of them is refused. It is only a
cache of the file store's copy, which is sent when Telegram no longer knows the id.
"""

from __future__ import annotations

import logging
from io import BytesIO
from pathlib import Path, PurePosixPath

from aiogram import Bot
from aiogram.client.telegram import BareFilesPathWrapper, FilesPathWrapper, TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile
from sqlalchemy.ext.asyncio import AsyncSession

from bot.pipeline.outbox import KeptFile, StoredDocument
from bot.refusal import Refusal
from bot.settings import OFFICIAL_BOT_API_URL, Settings
from scoring.documents import MAX_FILE_BYTES
from storage.checklist_models import UploadedFile
from storage.commission_models import GeneratedDocument
from storage.file_models import StoredFile
from storage.file_repository import FileRepository
from storage.files import FileStore, MissingFile, UnacceptedFile
from storage.files.detection import FileType
from storage.files.service import FileStoreService

log = logging.getLogger(__name__)


class MountedFiles(FilesPathWrapper):
    """Local-file mode with the server's working directory mounted elsewhere here (another container): a path
    getFile names under `server_dir` is read under `local_dir`, and nothing outside it is read at all."""

    def __init__(self, server_dir: Path, local_dir: Path) -> None:
        self.server_dir = PurePosixPath(server_dir)
        self.local_dir = local_dir

    def to_local(self, path: Path | str) -> Path:
        inside = PurePosixPath(path)
        if ".." in inside.parts or not inside.is_relative_to(self.server_dir):
            raise ValueError("getFile named a path outside the Bot API server's directory")
        return self.local_dir.joinpath(*inside.relative_to(self.server_dir).parts)

    def to_server(self, path: Path | str) -> Path:
        return Path(self.server_dir.joinpath(*Path(path).relative_to(self.local_dir).parts))


def bot_api_server(settings: Settings) -> TelegramAPIServer:
    """The Bot API server BOT_API_URL names; with BOT_API_LOCAL_FILES (a `telegram-bot-api --local`) getFile
    answers with a path on its disk, which the bot reads (through BOT_API_FILES_MOUNT when it is mounted
    elsewhere here) instead of downloading it."""
    wrapper: FilesPathWrapper = BareFilesPathWrapper()
    if settings.bot_api_local_files and settings.bot_api_files_mount is not None:
        wrapper = MountedFiles(*settings.bot_api_files_mount)
    return TelegramAPIServer.from_base(settings.bot_api_url.rstrip("/"), is_local=settings.bot_api_local_files,
                                       wrap_local_file=wrapper)


class TelegramFiles:
    """The files of updates, as the Bot API server this bot talks to hands them over."""

    def __init__(self, bot: Bot, settings: Settings) -> None:
        self.bot = bot
        self.settings = settings

    @property
    def size_limit(self) -> int | None:
        """The official server hands a bot files of at most 20 MB; a local one (`--local`) has no such limit."""
        official = self.settings.bot_api_url.rstrip("/") == OFFICIAL_BOT_API_URL
        return MAX_FILE_BYTES if official else None

    async def download(self, file_id: str) -> bytes:
        """The file's bytes: over HTTP, or with BOT_API_LOCAL_FILES read from the path on the local server's disk
        that getFile names (the bot's session is made for it: app.factory.bot_api_server)."""
        buffer = BytesIO()
        await self.bot.download(file_id, destination=buffer)
        return buffer.getvalue()


async def keep_upload(session: AsyncSession, store: FileStore, owner_user_id: int, data: bytes) -> StoredFile:
    """The department's copy of an upload; refused (nothing written) when its bytes are not an accepted type."""
    try:
        return await FileStoreService(session, store).store_upload(owner_user_id, data)
    except UnacceptedFile as unaccepted:
        raise Refusal(unaccepted.reason) from None


class KeptFiles:
    """Sending a kept file on: an upload by its Telegram file_id while that works, else from the file store; a
    generated document from the store."""

    def __init__(self, session: AsyncSession, store: FileStore) -> None:
        self.files = FileStoreService(session, store)
        self.rows = FileRepository(session)

    async def send(self, bot: Bot, chat_id: int, upload: UploadedFile, caption: str) -> None:
        stored = await self.rows.get(upload.stored_file_id) if upload.stored_file_id is not None else None
        if stored is None or await _known_to_telegram(bot, upload.file_id):
            await self._by_file_id(bot, chat_id, upload, caption)
            return
        log.info("file %d sent from the file store: Telegram no longer knows its file_id", upload.id)
        await self._from_store(bot, chat_id, upload, stored, caption)

    async def document(self, document: GeneratedDocument) -> BufferedInputFile | None:
        """A generated document to send again: the file store's copy, or (written before the store) its row's
        bytes; None when neither is left (past its retention)."""
        stored = await self.rows.get(document.stored_file_id) if document.stored_file_id is not None else None
        if stored is not None:
            try:
                return KeptFile(await self.files.read(stored), document.filename, stored.id)
            except MissingFile:
                log.error("generated document %d is missing from the file store", document.id)
                return None
        return StoredDocument(document) if document.content is not None else None

    @staticmethod
    async def _by_file_id(bot: Bot, chat_id: int, upload: UploadedFile, caption: str) -> None:
        if upload.kind == "photo":
            await bot.send_photo(chat_id, upload.file_id, caption=caption)
        else:
            await bot.send_document(chat_id, upload.file_id, caption=caption)

    async def _from_store(self, bot: Bot, chat_id: int, upload: UploadedFile, stored: StoredFile,
                          caption: str) -> None:
        kind = FileType(stored.detected_type)
        # By reference: the outbox row names the stored file, the deliverer reads it again (bot/pipeline/outbox.py).
        content = KeptFile(await self.files.read(stored), upload.file_name or f"{upload.item_id}.{kind}", stored.id)
        if upload.kind == "photo" and kind in (FileType.JPEG, FileType.PNG):
            await bot.send_photo(chat_id, content, caption=caption)
        else:
            await bot.send_document(chat_id, content, caption=caption)


async def _known_to_telegram(bot: Bot, file_id: str) -> bool:
    """Whether this bot's Bot API server still knows the file_id. Asked first because a send is only made
    after the update commits (bot/pipeline/deferred.py), too late to send the store's copy instead."""
    try:
        await bot.get_file(file_id)
    except TelegramBadRequest:
        return False
    return True
