"""/checklist: the documents of the attestation, one board message edited in place; files per item."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attestation_callbacks import ChecklistCallback
from bot.callbacks import row_id_in
from bot.i18n import render
from bot.text_input import max_length
from bot.views import answer_stale
from features.checklist import views
from features.checklist.service import AddResult, ChecklistService, Clock, Incoming, check_upload, utc_now
from scoring.documents import BY_ID, formats_label
from storage.checklist_models import Application, UploadedFile
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository


class ChecklistForm(StatesGroup):
    uploading = State()  # data: {"item": item id}


async def edit_or_send(
    bot: Bot, chat_id: int, message_id: int | None, text: str, markup: InlineKeyboardMarkup | None,
) -> None:
    """Edit the tapped message in place; send a new one only if it cannot be edited."""
    if message_id is not None:
        try:
            await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
            return
        except TelegramBadRequest as error:
            if "not modified" in str(error).lower():
                return
    await bot.send_message(chat_id, text, reply_markup=markup)


def frozen_text(app: Application) -> str:
    return _("Your application No. {number} is submitted, so the documents are frozen. To change anything, "
             "/withdraw the application first (only while the window is open).").format(number=app.number)


def no_checklist_text(profile: TeacherProfile | None) -> str:
    if profile is None:
        return _("Send /start first: the checklist needs your consent and your profile.")
    return _("Your checklist depends on your position and type of organisation: finish your profile with /start.")


async def send_board(bot: Bot, user_id: int, state: FSMContext, service: ChecklistService) -> None:
    """The board as a new message (/checklist, and the "what next" and readiness buttons)."""
    checklist = await service.load(user_id)
    if checklist is None:
        await bot.send_message(user_id, no_checklist_text(await ProfileRepository(service.session).get(user_id)))
        return
    if await state.get_state() == ChecklistForm.uploading.state:
        await state.clear()
    await bot.send_message(user_id, views.board_text(checklist), reply_markup=views.board_keyboard(checklist))


async def send_card(bot: Bot, user_id: int, item_id: str, state: FSMContext, service: ChecklistService) -> bool:
    """An item's card as a new message, ready for its files; False if the item is not on her checklist."""
    checklist = await service.load(user_id)
    s = checklist.state_of(item_id) if checklist else None
    if checklist is None or s is None:
        return False
    files = await service.files(user_id, item_id)
    await _uploading(state, item_id, s.item.uploadable and checklist.frozen is None)
    await bot.send_message(user_id, views.card_text(checklist, s, files),
                           reply_markup=views.card_keyboard(checklist, s, files))
    return True


async def _uploading(state: FSMContext, item_id: str, accepts_files: bool) -> None:
    if accepts_files:
        await state.set_state(ChecklistForm.uploading)
        await state.update_data(item=item_id)
    elif await state.get_state() == ChecklistForm.uploading.state:
        await state.clear()


async def checklist_command(message: Message, state: FSMContext, session: AsyncSession) -> None:
    assert message.from_user is not None and message.bot is not None
    await send_board(message.bot, message.from_user.id, state, ChecklistService(session))


async def _render_card(
    callback: CallbackQuery, service: ChecklistService, item_id: str, state: FSMContext,
) -> None:
    assert callback.bot is not None
    user_id = callback.from_user.id
    checklist = await service.load(user_id)
    s = checklist.state_of(item_id) if checklist else None
    if checklist is None or s is None:
        await answer_stale(callback)
        return
    await callback.answer()
    files = await service.files(user_id, item_id)
    await _uploading(state, item_id, s.item.uploadable and checklist.frozen is None)
    message_id = callback.message.message_id if callback.message else None
    await edit_or_send(callback.bot, user_id, message_id, views.card_text(checklist, s, files),
                       views.card_keyboard(checklist, s, files))


async def _render_board(callback: CallbackQuery, service: ChecklistService, state: FSMContext) -> None:
    assert callback.bot is not None
    checklist = await service.load(callback.from_user.id)
    if checklist is None:
        await answer_stale(callback)
        return
    await callback.answer()
    if await state.get_state() == ChecklistForm.uploading.state:
        await state.clear()
    message_id = callback.message.message_id if callback.message else None
    await edit_or_send(callback.bot, callback.from_user.id, message_id, views.board_text(checklist),
                       views.board_keyboard(checklist))


async def on_button(
    callback: CallbackQuery, callback_data: ChecklistCallback, state: FSMContext, session: AsyncSession,
    clock: Clock = utc_now,
) -> None:
    service = ChecklistService(session)
    user_id = callback.from_user.id
    action = callback_data.action
    if action == "back":
        await _render_board(callback, service, state)
        return
    item = BY_ID.get(callback_data.item)
    if item is None:
        await answer_stale(callback)
        return
    if action == "open":
        await _render_card(callback, service, item.id, state)
        return
    frozen = await service.frozen(user_id)
    if frozen is not None:
        await callback.answer(frozen_text(frozen), show_alert=True)
        return
    now = clock()
    if action == "rm":
        file_id = row_id_in(callback_data.arg)
        if file_id is None or await service.remove_file(user_id, file_id) is None:
            await callback.answer(_("This file is no longer attached."), show_alert=True)
            return
    elif action == "clear":
        await service.clear_item(user_id, item.id)
    elif action == "na":
        if not await service.set_not_applicable(user_id, item, callback_data.arg == "1", now):
            await callback.answer(_("This document is required: it cannot be marked not applicable."),
                                  show_alert=True)
            return
    elif action == "ss":
        if not await service.set_in_state_systems(user_id, item, callback_data.arg == "1", now):
            await answer_stale(callback)
            return
    else:
        await answer_stale(callback)
        return
    await _render_card(callback, service, item.id, state)


def _fitting(value: str | None, column: Any) -> str | None:
    """A file's name or type as its column can hold it: a longer name keeps its end (the extension)."""
    limit = max_length(column)
    return value if value is None or len(value) <= limit else "…" + value[-(limit - 1):]


def incoming_of(message: Message) -> Incoming | None:
    if message.document is not None:
        d = message.document
        return Incoming(d.file_id, d.file_unique_id, False, _fitting(d.file_name, UploadedFile.file_name),
                        _fitting(d.mime_type, UploadedFile.mime_type), d.file_size)
    if message.photo:
        p = message.photo[-1]  # the largest size
        return Incoming(p.file_id, p.file_unique_id, True, None, "image/jpeg", p.file_size)
    return None


async def on_file(message: Message, state: FSMContext, session: AsyncSession, clock: Clock = utc_now) -> None:
    assert message.from_user is not None
    item = BY_ID.get((await state.get_data()).get("item", ""))
    incoming = incoming_of(message)
    if item is None or incoming is None:
        await state.clear()
        await message.answer(_("Open /checklist and tap the item this file belongs to, then send it again."))
        return
    problem = check_upload(item, incoming)
    if problem is not None:
        await message.answer(render(problem) + "\n" + _("Nothing was saved; «{item}» is still open.").format(
            item=_(item.title)))
        return
    service = ChecklistService(session)
    result = await service.add_file(message.from_user.id, item, incoming, clock())
    name = incoming.file_name or _("photo")
    if result is AddResult.FROZEN:
        frozen = await service.frozen(message.from_user.id)
        assert frozen is not None
        await state.clear()
        await message.answer(frozen_text(frozen))
        return
    if result is AddResult.DUPLICATE:
        await message.answer(_("This file is already attached to «{item}»; it is kept once.").format(
            item=_(item.title)), reply_markup=views.done_keyboard())
        return
    files = await service.files(message.from_user.id, item.id)
    if result is AddResult.FULL:
        await message.answer(
            _("«{item}» takes one file and already has «{name}». To send another, open the item and press "
              "🔁 Replace all; this file was not saved.").format(item=_(item.title), name=views.file_label(files[0])),
            reply_markup=views.done_keyboard(),
        )
        return
    if item.multiple:
        text = _("📎 Saved «{name}» for «{item}» (files: {n}). Send more, or press ✅ Done.").format(
            name=name, item=_(item.title), n=len(files))
    else:
        text = _("📎 Saved «{name}» for «{item}». Press ✅ Done.").format(name=name, item=_(item.title))
    await message.answer(text, reply_markup=views.done_keyboard())


async def on_other_content(message: Message, state: FSMContext) -> None:
    """Stickers, voice notes, videos, text… while an item waits for files."""
    item = BY_ID.get((await state.get_data()).get("item", ""))
    if item is None:
        await state.clear()
        await message.answer(_("Open /checklist and tap an item first."))
        return
    if message.text:
        text = _("«{item}» is waiting for files ({formats}). Send them, or press ✅ Done.")
    elif message.sticker:
        text = _("A sticker cannot be attached to «{item}». Send a file ({formats}) as a document or a photo.")
    elif message.voice or message.audio or message.video_note:
        text = _("A voice or audio message cannot be attached to «{item}». Send a file ({formats}) as a document "
                 "or a photo.")
    else:
        text = _("This cannot be attached to «{item}»: stickers, voice notes, videos and other media are not "
                 "documents. Send a file ({formats}) as a document or a photo.")
    await message.answer(text.format(item=_(item.title), formats=formats_label(item.formats)),
                         reply_markup=views.done_keyboard())


async def file_without_item(message: Message) -> None:
    await message.answer(_("Which document is this? Open /checklist and tap its item first, then send the file "
                           "again. Nothing was saved."))


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="checklist")
    router.message.register(checklist_command, Command("checklist"))
    router.callback_query.register(on_button, ChecklistCallback.filter())
    router.message.register(on_file, StateFilter(ChecklistForm.uploading), F.document | F.photo)
    router.message.register(on_other_content, StateFilter(ChecklistForm.uploading), ~F.text.startswith("/"))
    router.message.register(file_without_item, StateFilter(None), F.document | F.photo)
    return router
