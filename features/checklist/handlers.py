"""/checklist: the documents of the attestation, one board message edited in place; files per item."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.downloads import TelegramFiles
from bot.i18n import render
from bot.refusal import Refusal
from bot.rule_book import TeacherSets
from bot.settings import Settings
from bot.text_input import max_length
from features.checklist import views
from features.checklist.callbacks import ITEM_LINK_PREFIX, ChecklistAct, ChecklistCallback, item_of_payload
from features.checklist.service import FILE_GONE, AddResult, Card, Checklist, ChecklistService, Clock, Incoming, utc_now
from features.checklist.states import ChecklistForm
from features.miniapp.links import checklist_url
from scoring.documents import Item
from storage.checklist_models import UploadedFile
from storage.files import FileStore


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


async def _uploading(state: FSMContext, card: Card | None) -> None:
    """The item whose card is open waits for her files; the board (card None) waits for nothing."""
    if card is not None and card.accepts_files:
        await state.set_state(ChecklistForm.uploading)
        await state.update_data(item=card.state.item.id)
    elif await state.get_state() == ChecklistForm.uploading.state:
        await state.clear()


async def send_board(bot: Bot, user_id: int, state: FSMContext, service: ChecklistService,
                     page_url: str | None = None) -> None:
    """The board as a new message (/checklist, and the "what next" and readiness buttons); `page_url`: the
    Mini App's checklist page, offered on the board."""
    checklist = await service.load(user_id)
    if checklist is None:
        await bot.send_message(user_id, render(await service.why_unavailable(user_id)))
        return
    await _uploading(state, None)
    await bot.send_message(user_id, views.board_text(checklist),
                           reply_markup=views.board_keyboard(checklist, page_url))


async def send_card(bot: Bot, user_id: int, item_id: str, state: FSMContext, service: ChecklistService) -> bool:
    """An item's card as a new message, ready for its files; False if the item is not on her checklist."""
    card = await service.card(user_id, item_id)
    if card is None:
        return False
    await _uploading(state, card)
    await bot.send_message(user_id, views.card_text(card.checklist, card.state, card.files),
                           reply_markup=views.card_keyboard(card.checklist, card.state, card.files))
    return True


async def checklist_command(message: Message, state: FSMContext, session: AsyncSession,
                            teacher_sets: TeacherSets, settings: Settings) -> None:
    assert message.from_user is not None and message.bot is not None
    service = await ChecklistService.of_teacher(session, teacher_sets, message.from_user.id)
    await send_board(message.bot, message.from_user.id, state, service, checklist_url(settings))


# /start with a checklist item's payload: onboarding registers it before its own /start, which takes any other.
ITEM_LINK = CommandStart(deep_link=True, magic=F.args.startswith(ITEM_LINK_PREFIX))


async def open_from_link(message: Message, command: CommandObject, state: FSMContext, session: AsyncSession,
                         teacher_sets: TeacherSets) -> None:
    """/start ck-<item>: the Mini App's "open in the chat" — the item's card, ready for its files."""
    assert message.from_user is not None and message.bot is not None
    service = await ChecklistService.of_teacher(session, teacher_sets, message.from_user.id)
    item_id = item_of_payload(command.args)
    if await service.load(message.from_user.id) is None:
        await message.answer(render(await service.why_unavailable(message.from_user.id)))
    elif item_id is None or not await send_card(message.bot, message.from_user.id, item_id, state, service):
        await message.answer(views.link_refused_text())


async def _show_card(callback: CallbackQuery, state: FSMContext, card: Card) -> None:
    """The card in place of the tapped message."""
    assert callback.bot is not None
    await _uploading(state, card)
    message_id = callback.message.message_id if callback.message else None
    await edit_or_send(callback.bot, callback.from_user.id, message_id,
                       views.card_text(card.checklist, card.state, card.files),
                       views.card_keyboard(card.checklist, card.state, card.files))


async def _show_board(callback: CallbackQuery, state: FSMContext, checklist: Checklist,
                      page_url: str | None) -> None:
    assert callback.bot is not None
    await _uploading(state, None)
    message_id = callback.message.message_id if callback.message else None
    await edit_or_send(callback.bot, callback.from_user.id, message_id, views.board_text(checklist),
                       views.board_keyboard(checklist, page_url))


async def back_to_board(callback: CallbackQuery, state: FSMContext, session: AsyncSession,
                        teacher_sets: TeacherSets, settings: Settings) -> None:
    service = await ChecklistService.of_teacher(session, teacher_sets, callback.from_user.id)
    await _show_board(callback, state, await service.board(callback.from_user.id), checklist_url(settings))


async def open_item(callback: CallbackQuery, callback_data: ChecklistCallback, state: FSMContext,
                    session: AsyncSession, teacher_sets: TeacherSets) -> None:
    service = await ChecklistService.of_teacher(session, teacher_sets, callback.from_user.id)
    card = await service.open_card(callback.from_user.id, callback_data.item)
    await _show_card(callback, state, card)


async def remove_file(callback: CallbackQuery, callback_data: ChecklistCallback, state: FSMContext,
                      session: AsyncSession, teacher_sets: TeacherSets) -> None:
    service = await ChecklistService.of_teacher(session, teacher_sets, callback.from_user.id)
    card = await service.detach(callback.from_user.id, callback_data.item, callback_data.file)
    await _show_card(callback, state, card)


async def replace_all(callback: CallbackQuery, callback_data: ChecklistCallback, state: FSMContext,
                      session: AsyncSession, teacher_sets: TeacherSets) -> None:
    service = await ChecklistService.of_teacher(session, teacher_sets, callback.from_user.id)
    card = await service.detach_all(callback.from_user.id, callback_data.item)
    await _show_card(callback, state, card)


async def mark_not_applicable(callback: CallbackQuery, callback_data: ChecklistCallback, state: FSMContext,
                              session: AsyncSession, teacher_sets: TeacherSets, clock: Clock = utc_now) -> None:
    service = await ChecklistService.of_teacher(session, teacher_sets, callback.from_user.id)
    card = await service.mark_not_applicable(
        callback.from_user.id, callback_data.item, callback_data.yes, clock())
    await _show_card(callback, state, card)


async def answer_in_state_systems(callback: CallbackQuery, callback_data: ChecklistCallback, state: FSMContext,
                                  session: AsyncSession, teacher_sets: TeacherSets, clock: Clock = utc_now) -> None:
    service = await ChecklistService.of_teacher(session, teacher_sets, callback.from_user.id)
    card = await service.answer_in_state_systems(
        callback.from_user.id, callback_data.item, callback_data.yes, clock())
    await _show_card(callback, state, card)


async def file_not_attached(callback: CallbackQuery) -> None:
    raise Refusal(FILE_GONE)


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


async def _open_item(state: FSMContext, service: ChecklistService) -> Item | None:
    return service.item((await state.get_data()).get("item", ""))


async def on_file(message: Message, state: FSMContext, session: AsyncSession, teacher_sets: TeacherSets,
                  bot: Bot, settings: Settings, file_store: FileStore, clock: Clock = utc_now) -> None:
    assert message.from_user is not None
    service = await ChecklistService.of_teacher(session, teacher_sets, message.from_user.id, file_store)
    item, incoming = await _open_item(state, service), incoming_of(message)
    if item is None or incoming is None:
        await state.clear()
        await message.answer(views.tap_an_item_text())
        return
    attached = await service.attach(message.from_user.id, item, incoming, clock(), TelegramFiles(bot, settings))
    if attached.result is AddResult.FROZEN:
        await state.clear()
    text, markup = views.attached_reply(item, incoming, attached)
    await message.answer(text, reply_markup=markup)


def content_of(message: Message) -> views.Content:
    if message.text:
        return views.Content.TEXT
    if message.sticker:
        return views.Content.STICKER
    if message.voice or message.audio or message.video_note:
        return views.Content.SOUND
    return views.Content.OTHER


async def on_other_content(message: Message, state: FSMContext, session: AsyncSession,
                           teacher_sets: TeacherSets) -> None:
    """Stickers, voice notes, videos, text… while an item waits for files."""
    assert message.from_user is not None
    item = await _open_item(state, await ChecklistService.of_teacher(session, teacher_sets, message.from_user.id))
    if item is None:
        await state.clear()
        await message.answer(_("Open /checklist and tap an item first."))
        return
    await message.answer(views.not_a_file_text(item, content_of(message)), reply_markup=views.done_keyboard())


async def file_without_item(message: Message) -> None:
    await message.answer(views.file_without_item_text())


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="checklist")
    router.message.register(checklist_command, Command("checklist"))
    for handler, act in ((back_to_board, ChecklistAct.BACK), (open_item, ChecklistAct.OPEN),
                         (remove_file, ChecklistAct.REMOVE), (replace_all, ChecklistAct.CLEAR),
                         (mark_not_applicable, ChecklistAct.NOT_APPLICABLE),
                         (answer_in_state_systems, ChecklistAct.IN_STATE_SYSTEMS)):
        router.callback_query.register(handler, ChecklistCallback.filter(F.action == act))
    # A remove button whose file id is no row id (forged) names no file she has attached.
    router.callback_query.register(file_not_attached,
                                   F.data.startswith(f"{ChecklistCallback.__prefix__}:{ChecklistAct.REMOVE}:"))
    router.message.register(on_file, StateFilter(ChecklistForm.uploading), F.document | F.photo)
    router.message.register(on_other_content, StateFilter(ChecklistForm.uploading), ~F.text.startswith("/"))
    router.message.register(file_without_item, StateFilter(None), F.document | F.photo)
    return router
