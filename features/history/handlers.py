"""/history: a teacher's attestations across academic years, and the documents of her decisions sent again."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.downloads import KeptFiles
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.history import views
from features.history.callbacks import HistoryAct, HistoryCallback
from features.history.service import HistoryService
from storage.files import FileStore


def service(session: AsyncSession, settings: Settings, rule_book: RuleBook) -> HistoryService:
    return HistoryService(session, rule_book, settings.timezone)


async def history_command(message: Message, session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    assert message.from_user is not None
    history = await service(session, settings, rule_book).of(message.from_user.id)
    text, markup = views.history_view(history)
    await message.answer(text, reply_markup=markup)


async def history_page(callback: CallbackQuery, callback_data: HistoryCallback, session: AsyncSession,
                       settings: Settings, rule_book: RuleBook) -> None:
    """Another page of her own record (whoever presses sees only theirs)."""
    history = await service(session, settings, rule_book).of(callback.from_user.id)
    text, markup = views.history_view(history, callback_data.page)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)


async def resend_documents(callback: CallbackQuery, callback_data: HistoryCallback, bot: Bot,
                           session: AsyncSession, settings: Settings, rule_book: RuleBook,
                           file_store: FileStore) -> None:
    resent = await service(session, settings, rule_book).documents(callback.from_user.id, callback_data.item,
                                                                   callback_data.kind)
    caption = views.document_caption(resent)
    kept = KeptFiles(session, file_store)  # the file store's copy of each
    for document in resent.documents:
        file = await kept.document(document)
        if file is not None:
            await bot.send_document(callback.from_user.id, file, caption=caption)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="history")
    router.message.register(history_command, Command("history"))
    router.callback_query.register(history_page, HistoryCallback.filter(F.act == HistoryAct.PAGE))
    router.callback_query.register(resend_documents, HistoryCallback.filter(F.act == HistoryAct.RESEND))
    return router
