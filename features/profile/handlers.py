"""/profile: the profile card, and any field of it asked again (/delete_me: features/privacy/handlers.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_today
from bot.settings import Settings
from features.privacy import handlers as privacy
from features.profile.callbacks import EditFieldCallback
from features.profile.onboarding import ask
from features.profile.service import ProfileService
from features.profile.views import send_profile


async def show_profile(message: Message, state: FSMContext, session: AsyncSession, settings: Settings) -> None:
    assert message.bot is not None and message.from_user is not None
    found = await ProfileService(session).locked_fields_of(message.from_user.id)
    if found is None:
        await message.answer(_("You have no profile yet. Send /start to begin."))
        return
    profile, locked = found
    await state.clear()
    await send_profile(message.bot, message.chat.id, profile, local_today(settings), locked)


async def edit_field(
    callback: CallbackQuery, callback_data: EditFieldCallback, state: FSMContext, session: AsyncSession,
) -> None:
    assert callback.bot is not None
    opened = await ProfileService(session).start_editing(callback.from_user.id, callback_data.field)
    await state.clear()
    await state.update_data(editing=True, edited=opened.question.field)
    await ask(callback.bot, callback.from_user.id, opened.question, opened.profile, state)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only); /delete_me's router with it."""
    router = Router(name="profile")
    router.message.register(show_profile, Command("profile"))
    router.callback_query.register(edit_field, EditFieldCallback.filter())
    router.include_router(privacy.create_router())
    return router
