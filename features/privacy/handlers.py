"""/delete_me: withdraw consent and erase personal data, after a confirmation that says what is kept."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rule_book import RuleBook
from bot.settings import Settings
from features.privacy.callbacks import DeleteMeCallback
from features.privacy.service import ErasureService
from features.privacy.views import delete_me_keyboard, erasure_outcome, erasure_prompt
from storage.files import FileStore


def _service(session: AsyncSession, settings: Settings, rule_book: RuleBook,
             file_store: FileStore | None = None) -> ErasureService:
    return ErasureService(session, rule_book.in_force(datetime.now(UTC), settings.timezone).rules, file_store)


async def delete_me(message: Message, session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    assert message.from_user is not None
    kept = await _service(session, settings, rule_book).preview(message.from_user.id)
    await message.answer(erasure_prompt(kept), reply_markup=delete_me_keyboard())


async def remove_buttons(callback: CallbackQuery) -> None:
    assert callback.bot is not None
    if callback.message is not None:
        await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                     message_id=callback.message.message_id)


async def erase_confirmed(callback: CallbackQuery, state: FSMContext, session: AsyncSession, settings: Settings,
                          rule_book: RuleBook, file_store: FileStore) -> None:
    assert callback.bot is not None
    await remove_buttons(callback)
    result = await _service(session, settings, rule_book, file_store).erase(callback.from_user.id, state)
    await callback.bot.send_message(callback.from_user.id, erasure_outcome(result))


async def erase_declined(callback: CallbackQuery) -> None:
    assert callback.bot is not None
    await remove_buttons(callback)
    await callback.bot.send_message(callback.from_user.id, _("Nothing was erased."))


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="privacy")
    router.message.register(delete_me, Command("delete_me"))
    router.callback_query.register(erase_confirmed, DeleteMeCallback.filter(F.confirm))
    router.callback_query.register(erase_declined, DeleteMeCallback.filter(~F.confirm))
    return router
