"""/window: an admin shows, sets or resets the application window of an academic year."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import IsAdmin
from bot.refusal import Refusal
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.checklist.service import Clock, utc_now
from features.submission.callbacks import WindowAct, WindowCallback
from features.submission.window import views
from features.submission.window.service import WindowService, window_setting_of
from scoring.i18n import N_, Phrase
from storage.profile_models import User

FOR_ADMINS = Phrase(N_("This command is for administrators only."))


def _service(session: AsyncSession, settings: Settings, rule_book: RuleBook) -> WindowService:
    return WindowService(session, settings.timezone, lambda year: rule_book.registry.for_academic_year(year).rules)


async def show_windows(message: Message, session: AsyncSession, settings: Settings, rule_book: RuleBook,
                       clock: Clock = utc_now) -> None:
    text, markup = views.windows_view(await _service(session, settings, rule_book).current(clock()))
    await message.answer(text, reply_markup=markup)


async def set_window(message: Message, command: CommandObject, session: AsyncSession, settings: Settings,
                     db_user: User, rule_book: RuleBook) -> None:
    setting = window_setting_of((command.args or "").split())
    window = await _service(session, settings, rule_book).set(setting, db_user.id)
    await message.answer(views.window_set_text(window))


async def reset_window(callback: CallbackQuery, callback_data: WindowCallback, session: AsyncSession,
                       settings: Settings, callback_answer: CallbackAnswer, rule_book: RuleBook,
                       clock: Clock = utc_now) -> None:
    service = _service(session, settings, rule_book)
    await service.reset(callback_data.year)
    callback_answer.text = views.window_reset_text()
    text, markup = views.windows_view(await service.current(clock()))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)


async def not_for_you(event: Message | CallbackQuery) -> None:
    raise Refusal(FOR_ADMINS)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="window")
    router.message.register(set_window, Command("window", magic=F.args.regexp(r"\S")), IsAdmin())
    router.message.register(show_windows, Command("window"), IsAdmin())
    router.message.register(not_for_you, Command("window"), ~IsAdmin())
    router.callback_query.register(reset_window, WindowCallback.filter(F.action == WindowAct.RESET), IsAdmin())
    router.callback_query.register(not_for_you, WindowCallback.filter(), ~IsAdmin())
    return router
