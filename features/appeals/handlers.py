"""Complaints (§26): the teacher files one from /status; its holders forward, schedule and decide it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_today
from bot.downloads import TelegramFiles
from bot.messaging import locale_of, reach, reach_document
from bot.pipeline.outbox import KeptFile
from bot.refusal import Refusal, StaleButton
from bot.rule_book import RuleBook
from bot.settings import Settings
from bot.text_input import TYPED_TEXT
from features.appeals import document, views
from features.appeals.callbacks import AppealDeskCallback, AppealFormCallback, AppealStartCallback, DeskAct, FormAct
from features.appeals.service import (
    EMPTY_GROUNDS,
    GROUNDS_MAX,
    REASONS_MAX,
    AppealService,
    checked_text,
    utc_now,
)
from features.appeals.states import AppealDesk, AppealForm
from features.checklist.service import Clock
from scoring.dates import parse_day
from scoring.i18n import Phrase
from storage.appeal_models import Appeal, AppealRemedy, AppealSubject
from storage.files import FileStore
from storage.verification_models import IssuedDocument

_MOMENT = re.compile(r"^(\S+)\s+([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _service(session: AsyncSession, settings: Settings, rule_book: RuleBook,
             file_store: FileStore | None = None) -> AppealService:
    return AppealService(session, settings, rule_book, local_today(settings), file_store)


def _translator(i18n: I18n, locale: str) -> views.Translate:
    return partial(i18n.gettext, locale=locale)


async def with_complaints(session: AsyncSession, settings: Settings, rule_book: RuleBook, user_id: int,
                          text: str, markup: InlineKeyboardMarkup) -> tuple[str, InlineKeyboardMarkup]:
    """/status (the hook of features/submission) with her complaints and where each is, and a button per refusal
    or decision she may complain about now."""
    service = _service(session, settings, rule_book)
    lines = views.my_appeals_lines(_, await service.of_teacher(user_id))
    rows = views.status_buttons(_, await service.appealable(user_id))
    return ("\n\n".join([text, "\n".join(lines)]) if lines else text,
            InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, *rows]) if rows else markup)


# --- filing ----------------------------------------------------------------------------------------------


async def start(callback: CallbackQuery, callback_data: AppealStartCallback, state: FSMContext,
                session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    chosen = await _service(session, settings, rule_book).start(callback.from_user.id, callback_data.application,
                                                                callback_data.subject)
    await state.set_state(AppealForm.grounds)
    await state.set_data({"application": callback_data.application, "subject": callback_data.subject.value,
                          "files": []})
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, views.ask_grounds(_, chosen, GROUNDS_MAX))


async def on_grounds(message: Message, state: FSMContext) -> None:
    grounds = checked_text(message.text, GROUNDS_MAX, EMPTY_GROUNDS)
    await state.update_data(grounds=grounds)
    await state.set_state(AppealForm.files)
    text, markup = views.ask_files(_)
    await message.answer(text, reply_markup=markup)


async def grounds_not_text(message: Message) -> None:
    raise Refusal(Phrase(EMPTY_GROUNDS))


async def on_file(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                  rule_book: RuleBook, file_store: FileStore, bot: Bot) -> None:
    assert message.from_user is not None
    files: list[dict[str, Any]] = list((await state.get_data()).get("files", []))
    if message.document is not None:
        file_id, size, name, kind = (message.document.file_id, message.document.file_size,
                                     (message.document.file_name or "")[:255] or None, "document")
    else:
        assert message.photo
        file_id, size, name, kind = message.photo[-1].file_id, message.photo[-1].file_size, None, "photo"
    stored = await _service(session, settings, rule_book, file_store).keep_file(
        message.from_user.id, file_id, size, len(files), TelegramFiles(bot, settings))
    files.append({"stored": stored, "file_id": file_id, "name": name, "kind": kind})
    await state.update_data(files=files)
    text, markup = views.file_kept(_, len(files))
    await message.answer(text, reply_markup=markup)


async def not_a_file(message: Message) -> None:
    text, markup = views.not_a_file(_)
    await message.answer(text, reply_markup=markup)


async def files_done(callback: CallbackQuery, state: FSMContext) -> None:
    if await state.get_state() != AppealForm.files.state:
        raise StaleButton()
    await state.set_state(AppealForm.attend)
    text, markup = views.ask_attend(_)
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


async def answer_attend(callback: CallbackQuery, callback_data: AppealFormCallback, state: FSMContext,
                        session: AsyncSession, settings: Settings, rule_book: RuleBook, i18n: I18n,
                        clock: Clock = utc_now) -> None:
    data = await state.get_data()
    if await state.get_state() != AppealForm.attend.state or "grounds" not in data:
        raise StaleButton()
    service = _service(session, settings, rule_book)
    filed = await service.file(callback.from_user.id, int(data["application"]), AppealSubject(data["subject"]),
                               str(data["grounds"]), callback_data.act is FormAct.ATTEND, data.get("files", []),
                               i18n.current_locale, clock())
    await state.clear()
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, views.acknowledgement(_, filed))
    card = await service.card(filed.appeal)
    for holder in filed.holders:
        t = _translator(i18n, await locale_of(session, holder, settings.default_locale))
        await reach(callback.bot, holder, views.card_text(t, card, service.zone),
                    reply_markup=views.desk_keyboard(t, filed.appeal))


# --- the holders ----------------------------------------------------------------------------------------


async def _tell_teacher(bot: Bot, session: AsyncSession, i18n: I18n, appeal: Appeal, text_of: Any) -> None:
    t = _translator(i18n, await locale_of(session, appeal.user_id, appeal.locale))
    await reach(bot, appeal.user_id, text_of(t))


async def _show_card(bot: Bot, user_id: int, service: AppealService, appeal: Appeal, done: str) -> None:
    card = await service.card(appeal)
    await bot.send_message(user_id, done + "\n\n" + views.card_text(_, card, service.zone),
                           reply_markup=views.desk_keyboard(_, appeal))


async def forward(callback: CallbackQuery, callback_data: AppealDeskCallback, session: AsyncSession,
                  settings: Settings, rule_book: RuleBook, i18n: I18n, clock: Clock = utc_now) -> None:
    assert callback.bot is not None
    service = _service(session, settings, rule_book)
    appeal = await service.forward(callback.from_user.id, callback_data.appeal, clock())
    await _tell_teacher(callback.bot, session, i18n, appeal, lambda t: views.forwarded_to_teacher(t, appeal))
    await _show_card(callback.bot, callback.from_user.id, service, appeal, views.done_text(_, appeal))


async def ask_review_at(callback: CallbackQuery, callback_data: AppealDeskCallback, state: FSMContext,
                        session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    appeal = await _service(session, settings, rule_book).held(callback.from_user.id, callback_data.appeal)
    await state.set_state(AppealDesk.review_at)
    await state.set_data({"appeal": appeal.id})
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, views.ask_review_at(_, appeal))


async def on_review_at(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                       rule_book: RuleBook, i18n: I18n, bot: Bot) -> None:
    assert message.from_user is not None
    zone = ZoneInfo(settings.timezone)
    match = _MOMENT.match(message.text or "")
    day = parse_day(match.group(1)) if match else None
    if match is None or day is None:
        await message.answer(views.bad_review_at(_))
        return
    moment = views.review_moment(day, int(match.group(2)), int(match.group(3)), zone)
    service = _service(session, settings, rule_book)
    appeal = await service.schedule(message.from_user.id, int((await state.get_data())["appeal"]), moment)
    await state.clear()
    await _tell_teacher(bot, session, i18n, appeal, lambda t: views.scheduled_to_teacher(t, appeal, zone))
    await _show_card(bot, message.from_user.id, service, appeal, views.scheduled_done(_, appeal))


async def _deliver_outcome(bot: Bot, session: AsyncSession, i18n: I18n, service: AppealService,
                           appeal: Appeal, actor: int, revoked: Sequence[IssuedDocument] = ()) -> None:
    """The teacher told (with the documents the upholding revoked: one message, not a notice each), the
    outcome's document drawn in her language, kept in her record and sent to her from the file store."""
    locale = await locale_of(session, appeal.user_id, appeal.locale)
    t = _translator(i18n, locale)
    card = await service.card(appeal)
    data = document.outcome_pdf(t, card, service.zone, service.settings.document_templates_dir)
    stored_id = await service.record_outcome_document(appeal, data)
    await reach(bot, appeal.user_id, views.outcome_to_teacher(t, appeal, revoked))
    await reach_document(bot, appeal.user_id, KeptFile(data, document.filename(appeal.number), stored_id))
    done = views.upheld_done(_, appeal) if appeal.remedy else views.done_text(_, appeal)
    await _show_card(bot, actor, service, appeal, done)


async def uphold(callback: CallbackQuery, callback_data: AppealDeskCallback, session: AsyncSession,
                 settings: Settings, rule_book: RuleBook, i18n: I18n, file_store: FileStore,
                 clock: Clock = utc_now) -> None:
    assert callback.bot is not None
    remedy = AppealRemedy.REVOTE if callback_data.act is DeskAct.REVOTE else AppealRemedy.CORRECTION
    service = _service(session, settings, rule_book, file_store)
    upheld = await service.uphold(callback.from_user.id, callback_data.appeal, remedy, clock())
    await _deliver_outcome(callback.bot, session, i18n, service, upheld.appeal, callback.from_user.id, upheld.revoked)


async def ask_reasons(callback: CallbackQuery, callback_data: AppealDeskCallback, state: FSMContext,
                      session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    appeal = await _service(session, settings, rule_book).held(callback.from_user.id, callback_data.appeal)
    await state.set_state(AppealDesk.reasons)
    await state.set_data({"appeal": appeal.id})
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, views.ask_reasons(_, appeal, REASONS_MAX))


async def on_reasons(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                     rule_book: RuleBook, i18n: I18n, file_store: FileStore, bot: Bot,
                     clock: Clock = utc_now) -> None:
    assert message.from_user is not None
    service = _service(session, settings, rule_book, file_store)
    appeal = await service.reject(message.from_user.id, int((await state.get_data())["appeal"]),
                                  message.text or "", clock())
    await state.clear()
    await _deliver_outcome(bot, session, i18n, service, appeal, message.from_user.id)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="appeals")
    router.callback_query.register(start, AppealStartCallback.filter())
    router.callback_query.register(files_done, AppealFormCallback.filter(F.act == FormAct.FILES_DONE))
    for act in (FormAct.ATTEND, FormAct.ABSENT):
        router.callback_query.register(answer_attend, AppealFormCallback.filter(F.act == act))
    router.callback_query.register(forward, AppealDeskCallback.filter(F.act == DeskAct.FORWARD))
    router.callback_query.register(ask_review_at, AppealDeskCallback.filter(F.act == DeskAct.SCHEDULE))
    router.callback_query.register(uphold, AppealDeskCallback.filter(F.act == DeskAct.REVOTE))
    router.callback_query.register(uphold, AppealDeskCallback.filter(F.act == DeskAct.CORRECT))
    router.callback_query.register(ask_reasons, AppealDeskCallback.filter(F.act == DeskAct.REJECT))
    router.message.register(on_grounds, AppealForm.grounds, TYPED_TEXT)
    router.message.register(grounds_not_text, AppealForm.grounds, ~F.text)
    router.message.register(on_file, AppealForm.files, F.document | F.photo)
    router.message.register(not_a_file, AppealForm.files, ~F.text.startswith("/"))
    router.message.register(on_review_at, AppealDesk.review_at, TYPED_TEXT)
    router.message.register(on_reasons, AppealDesk.reasons, TYPED_TEXT)
    return router
