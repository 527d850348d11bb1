"""The one way to tell another person something (a secretary, a teacher, a member).

`reach` sends a text, `reach_document` a generated document. Inside an update the call is held and goes
out through the outbox after the commit (bot/pipeline/deferred.py); outside one it is sent at once. The
update's own locale is the sender's: the addressee reads the text in the language they chose, so it is
translated with `locale_of` before it is handed over.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import SendDocument, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.pipeline.outbox import StoredDocument
from storage.commission_models import GeneratedDocument
from storage.profile_models import User

log = logging.getLogger(__name__)


async def locale_of(session: AsyncSession, user_id: int, default: str) -> str:
    user = await session.get(User, user_id)
    return (user.locale if user else None) or default


async def reach(bot: Bot, user_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """A text (with buttons) to another person: after the update's commit, or at once outside one."""
    await _send_to_other(bot, SendMessage(chat_id=user_id, text=text, reply_markup=reply_markup))


async def reach_document(bot: Bot, user_id: int, document: GeneratedDocument, caption: str | None = None) -> None:
    """A generated document (protocol, extract, certificate) to another person."""
    await _send_to_other(bot, SendDocument(chat_id=user_id, document=StoredDocument(document), caption=caption))


async def _send_to_other(bot: Bot, method: TelegramMethod[Any]) -> None:
    # Inside an update the call is held for the commit (bot/pipeline/deferred.py) and answers at once; outside,
    # a person who cannot be reached (blocked the bot, never started it) must not stop the caller.
    try:
        await bot(method)
    except (TelegramForbiddenError, TelegramBadRequest) as error:
        log.warning("Could not reach a person (%s): %s", method.__api_method__, error.message)
