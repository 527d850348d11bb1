"""A recording Bot API session for handler tests: no network, every request kept for assertions."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, File, InlineKeyboardMarkup, Message, PhotoSize, User

# What getFile serves for a file a test did not give content of: every upload is now kept in the file store,
# which takes only real documents (tests of what is refused give their own bytes in `files`).
A_DOCUMENT = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

BOT_USER = User(id=42, is_bot=True, first_name="Attestation", username="attestation_test_bot")


def _by_file_id(method: TelegramMethod[Any]) -> bool:
    """A send of a file by its Telegram file_id (not an upload), or a look-up of one."""
    content = getattr(method, "document", None) or getattr(method, "photo", None)
    return isinstance(method, GetFile) or (isinstance(method, SendDocument | SendPhoto) and isinstance(content, str))


class RecordingSession(BaseSession):
    def __init__(self, keep: bool = True) -> None:
        super().__init__()
        # keep=False: count only (benchmarks feed tens of thousands of updates).
        self.keep = keep
        self.count = 0
        self.requests: list[TelegramMethod[Any]] = []
        # Chats whose user blocked the bot: sending there fails as Telegram's 403 does.
        self.blocked: set[int] = set()
        self._ids = itertools.count(1000)
        # file_id -> content served by getFile + download (bot.download in handlers).
        self.files: dict[str, bytes] = {}
        # The token of the bot whose file_ids these are: another bot's are refused, as Telegram does (None: any).
        self.file_ids_of: str | None = None
        # Called with each request before it is answered (to look at the world as the request leaves).
        self.on_request: Callable[[TelegramMethod[Any]], Awaitable[None]] | None = None

    def _message(self, chat_id: int | str, **fields: Any) -> Message:
        markup = fields.pop("reply_markup", None)
        return Message(
            message_id=fields.pop("message_id", None) or next(self._ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            from_user=BOT_USER,
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            **fields,
        )

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> Any:
        self.count += 1
        if self.keep:
            self.requests.append(method)
        if self.on_request is not None:
            await self.on_request(method)
        if isinstance(method, GetMe):
            return BOT_USER
        chat = getattr(method, "chat_id", None)
        if chat is not None and int(chat) in self.blocked and isinstance(method, SendMessage | SendDocument):
            raise TelegramForbiddenError(method=method, message="Forbidden: bot was blocked by the user")
        if self.file_ids_of is not None and bot.token != self.file_ids_of and _by_file_id(method):
            raise TelegramBadRequest(method=method, message="Bad Request: wrong file identifier/HTTP URL specified")
        if isinstance(method, GetFile):
            content = self.files.get(method.file_id, A_DOCUMENT)
            return File(file_id=method.file_id, file_unique_id=f"u-{method.file_id}", file_size=len(content),
                        file_path=f"documents/{method.file_id}")
        return self._sent(method)

    def _sent(self, method: TelegramMethod[Any]) -> Any:
        """What Telegram returns for a send or an edit: the message as it now stands."""
        if isinstance(method, SendMessage):
            return self._message(method.chat_id, text=method.text, reply_markup=method.reply_markup)
        if isinstance(method, SendDocument):
            return self._message(method.chat_id, caption=method.caption)
        if isinstance(method, SendPhoto):
            return self._message(method.chat_id, caption=method.caption, photo=[PhotoSize(
                file_id=f"P{self.count}", file_unique_id=f"p{self.count}", width=1, height=1)])
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            assert method.chat_id is not None
            text = method.text if isinstance(method, EditMessageText) else "…"
            return self._message(method.chat_id, message_id=method.message_id, text=text,
                                 reply_markup=method.reply_markup)
        return True

    async def close(self) -> None:
        return None

    async def stream_content(
        self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30, chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield self.files.get(url.rsplit("/", 1)[-1], A_DOCUMENT)
