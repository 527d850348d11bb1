"""/reminders: a teacher turns her reminders off or on again."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from features.reminders import views
from features.reminders.callbacks import ReminderMuteCallback
from features.reminders.service import ReminderPreferences
from storage.profile_models import User


async def reminders_command(message: Message, session: AsyncSession, db_user: User) -> None:
    text, markup = views.reminders_view(await ReminderPreferences(session).is_muted(db_user.id))
    await message.answer(text, reply_markup=markup)


async def set_mute(callback: CallbackQuery, callback_data: ReminderMuteCallback, session: AsyncSession,
                   db_user: User, callback_answer: CallbackAnswer) -> None:
    # Anyone may press it, but only for themselves: the user is the one who pressed.
    await ReminderPreferences(session).set_muted(db_user.id, callback_data.mute)
    callback_answer.text = views.muted_toast(callback_data.mute)
    text, markup = views.reminders_view(callback_data.mute)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="reminders")
    router.message.register(reminders_command, Command("reminders"))
    router.callback_query.register(set_mute, ReminderMuteCallback.filter())
    return router
