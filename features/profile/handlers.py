"""/profile (view and edit any field) and /delete_me (withdraw consent, erase personal data)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from bot.callbacks import DeleteMeCallback, EditFieldCallback
from bot.i18n import render
from bot.settings import Settings
from bot.views import answer_stale, local_today, send_profile
from features.privacy.service import ErasureService
from features.privacy.views import erasure_done, erasure_prompt
from features.profile.form import BY_FIELD
from features.profile.onboarding import ask, frozen_text
from features.profile.service import ProfileService
from scoring.config import default_rules
from scoring.i18n import Phrase


async def show_profile(message: Message, state: FSMContext, session: AsyncSession, settings: Settings) -> None:
    assert message.bot is not None and message.from_user is not None
    service = ProfileService(session)
    profile = await service.get(message.from_user.id)
    if profile is None:
        await message.answer(_("You have no profile yet. Send /start to begin."))
        return
    await state.clear()
    await send_profile(message.bot, message.chat.id, profile, local_today(settings),
                       await service.locked_fields(profile))


async def edit_field(
    callback: CallbackQuery, callback_data: EditFieldCallback, state: FSMContext, session: AsyncSession,
) -> None:
    assert callback.bot is not None
    service = ProfileService(session)
    profile = await service.get(callback.from_user.id)
    question = BY_FIELD.get(callback_data.field)
    if profile is None or question is None or not question.applies(profile):
        await answer_stale(callback)
        return
    if question.field in await service.locked_fields(profile):
        await callback.answer(frozen_text(), show_alert=True)
        return
    await callback.answer()
    await state.clear()
    await state.update_data(editing=True, edited=question.field)
    await ask(callback.bot, callback.from_user.id, question, profile, state)


async def delete_me(message: Message, session: AsyncSession) -> None:
    assert message.from_user is not None
    preview = await ErasureService(session, default_rules()).preview(message.from_user.id)
    if preview is None:
        await message.answer(_("There is no personal data of yours to erase."))
    elif preview.refusal is not None:
        await message.answer(render(preview.refusal))
    else:
        await message.answer(erasure_prompt(preview.kept), reply_markup=keyboards.delete_me_keyboard())


async def delete_me_confirm(
    callback: CallbackQuery, callback_data: DeleteMeCallback, state: FSMContext, session: AsyncSession,
) -> None:
    assert callback.bot is not None
    await callback.answer()
    chat_id = callback.from_user.id
    if callback.message is not None:
        await callback.bot.edit_message_reply_markup(chat_id=chat_id, message_id=callback.message.message_id)
    if not callback_data.confirm:
        await callback.bot.send_message(chat_id, _("Nothing was erased."))
        return
    result = await ErasureService(session, default_rules()).erase(callback.from_user.id, state)
    if isinstance(result, Phrase):
        await callback.bot.send_message(chat_id, render(result))
    elif result.existed:
        await callback.bot.send_message(chat_id, erasure_done(result))
    else:
        await callback.bot.send_message(chat_id, _("There is no personal data of yours to erase."))


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="profile")
    router.message.register(show_profile, Command("profile"))
    router.callback_query.register(edit_field, EditFieldCallback.filter())
    router.message.register(delete_me, Command("delete_me"))
    router.callback_query.register(delete_me_confirm, DeleteMeCallback.filter())
    return router
