"""The one way to tell another person something (a secretary, a teacher, a member).

`reach` sends a text, `reach_document` a generated document. Inside an update the call is held and goes
out through the outbox after the commit (bot/pipeline/deferred.py); outside one it is sent at once. The
update's own locale is the sender's: the addressee reads the text in the language they chose, so it is
translated with `locale_of` before it is handed over.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import SendDocument, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.pipeline.outbox import KeptFile, encode
from storage.outbox_repository import OutboxRepository
from storage.profile_models import User
from storage.profile_repository import UserRepository

log = logging.getLogger(__name__)


async def locale_of(session: AsyncSession, user_id: int, default: str) -> str:
    user = await session.get(User, user_id)
    return (user.locale if user else None) or default


async def locales_of(session: AsyncSession, user_ids: list[int], default: str) -> dict[int, str]:
    """`locale_of` for many people, in one query per 5,000 of them."""
    stored = await UserRepository(session).locales(user_ids)
    return {user_id: stored.get(user_id) or default for user_id in user_ids}


async def reach(bot: Bot, user_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """A text (with buttons) to another person: after the update's commit, or at once outside one."""
    await _send_to_other(bot, SendMessage(chat_id=user_id, text=text, reply_markup=reply_markup))


async def reach_many(session: AsyncSession, bot: Bot, messages: list[tuple[int, str]]) -> None:
    """Texts to many people at once (each her own): queued in the outbox with the update's commit and sent
    by its deliverer, paced, so the update that causes them does not send thousands itself."""
    rows = []
    for user_id, text in messages:
        call = SendMessage(chat_id=user_id, text=text)
        rows.append((user_id, call.__api_method__, await encode(bot, call)))
    await OutboxRepository(session).queue_many(rows, datetime.now(UTC))


async def reach_document(bot: Bot, user_id: int, document: KeptFile, caption: str | None = None) -> None:
    """A generated document (protocol, extract, certificate) from the file store to another person."""
    await _send_to_other(bot, SendDocument(chat_id=user_id, document=document, caption=caption))


async def _send_to_other(bot: Bot, method: TelegramMethod[Any]) -> None:
    # Inside an update the call is held for the commit (bot/pipeline/deferred.py) and answers at once; outside,
    # a person who cannot be reached (blocked the bot, never started it) must not stop the caller.
    try:
        await bot(method)
    except (TelegramForbiddenError, TelegramBadRequest) as error:
        log.warning("Could not reach a person (%s): %s", method.__api_method__, error.message)
