"""A file a person sent, fetched at once from the Bot API server, and the storing of it in the file store."""

from __future__ import annotations

from io import BytesIO

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal
from bot.settings import OFFICIAL_BOT_API_URL, Settings
from scoring.documents import MAX_FILE_BYTES
from storage.file_models import StoredFile
from storage.files import FileStore, UnacceptedFile
from storage.files.service import FileStoreService


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
        buffer = BytesIO()
        await self.bot.download(file_id, destination=buffer)
        return buffer.getvalue()


async def keep_upload(session: AsyncSession, store: FileStore, owner_user_id: int, data: bytes) -> StoredFile:
    """The department's copy of an upload; refused (nothing written) when its bytes are not an accepted type."""
    try:
        return await FileStoreService(session, store).store_upload(owner_user_id, data)
    except UnacceptedFile as unaccepted:
        raise Refusal(unaccepted.reason) from None
