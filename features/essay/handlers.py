"""/essay: the year's topics, then the essay pasted as messages (joined until Done) or sent as a file;
/topics: an admin sets the topics of the current academic year."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import SUPPORTED_LOCALES
from bot.keyboards import LANGUAGE_NAMES
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND, TYPED_TEXT
from bot.views import answer_stale
from features.checklist.service import Clock, utc_now
from features.checklist.views import frozen_text
from features.essay.callbacks import EssayCallback
from features.essay.service import (
    MAX_ESSAY_FILE_BYTES,
    MAX_TOPIC_CHARS,
    MAX_TOPICS_CHARS,
    EssayService,
    essay_file_kind,
    join_parts,
    parse_topics,
    split_language,
    topics_fit,
)
from scoring.essay import EssayFileError, EssayVerdict
from storage.checklist_repository import ApplicationRepository
from storage.profile_repository import ProfileRepository


class EssayForm(StatesGroup):
    collecting = State()  # data: {"parts": [str, ...]}


def essay_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Done"), callback_data=EssayCallback(action="done"))
    builder.button(text=_("✖ Cancel"), callback_data=EssayCallback(action="cancel"))
    return builder.as_markup()


def verdict_text(v: EssayVerdict) -> str:
    if v.ok:
        return _("✅ Your essay has {words} words: within {min}–{max}. It is saved.").format(
            words=v.words, min=v.min, max=v.max)
    if v.to_add:
        return _("Your essay has {words} words: add {n} more to reach {min} (the essay must be {min}–{max} words). "
                 "It is saved as a draft; send /essay to replace it.").format(
            words=v.words, n=v.to_add, min=v.min, max=v.max)
    return _("Your essay has {words} words: cut {n} to get down to {max} (the essay must be {min}–{max} words). "
             "It is saved as a draft; send /essay to replace it.").format(
        words=v.words, n=v.to_cut, min=v.min, max=v.max)


def _service(session: AsyncSession, settings: Settings) -> EssayService:
    return EssayService(session, timezone=settings.timezone)


def other_locale(locale: str) -> str:
    return next(code for code in SUPPORTED_LOCALES if code != locale)


def numbered(topics: list[str]) -> list[str]:
    return [f"{n}. {t}" for n, t in enumerate(topics, 1)]


async def topics_lines(service: EssayService, now: datetime, locale: str) -> list[str]:
    """The year's topics in the reader's language; if there are none in it yet, said, with the other
    language's list rather than nothing."""
    topics = await service.topics(now, locale)
    if topics:
        return [_("This year's topics:"), *numbered(topics)]
    other = other_locale(locale)
    elsewhere = await service.topics(now, other)
    if elsewhere:
        return [_("This year's topics have not been published in your language yet; in {language} they are:")
                .format(language=LANGUAGE_NAMES[other]), *numbered(elsewhere)]
    return [_("This year's topics have not been published in the bot yet; ask your methodist.")]


async def essay_command(
    message: Message, state: FSMContext, session: AsyncSession, settings: Settings, i18n: I18n,
    clock: Clock = utc_now,
) -> None:
    assert message.from_user is not None and message.bot is not None
    await start_essay(message.bot, message.from_user.id, state, session, settings, i18n.current_locale, clock())


async def start_essay(bot: Bot, user_id: int, state: FSMContext, session: AsyncSession, settings: Settings,
                      locale: str, now: datetime) -> None:
    """The topics and the invitation to paste or send the essay (/essay, and the "what next" buttons)."""
    if await ProfileRepository(session).get(user_id) is None:
        await bot.send_message(user_id, _("Send /start first: the essay is part of your application, which needs "
                                          "your consent."))
        return
    frozen = await ApplicationRepository(session).active(user_id)
    if frozen is not None:
        await bot.send_message(user_id, frozen_text(frozen))
        return
    service = _service(session, settings)
    lines = [_("Essay (§27): {min}–{max} words.").format(min=service.rules.essay_min, max=service.rules.essay_max)]
    lines += ["", *await topics_lines(service, now, locale)]
    current = await service.current(user_id)
    if current is not None:
        lines += ["", _("Your saved essay has {words} words; what you send now replaces it.").format(
            words=current.words)]
    lines += ["", _("Paste the essay as text (several messages are fine) and press ✅ Done, or send it as a .docx "
                    "or .txt file.")]
    await state.set_state(EssayForm.collecting)
    await state.update_data(parts=[])
    await bot.send_message(user_id, "\n".join(lines), reply_markup=essay_keyboard())


def too_long_text(service: EssayService, words: int) -> str:
    limit = service.draft_limit
    return _("This is far longer than an essay of {min}–{max} words ({words} words): at most {limit} words can be "
             "kept as a draft. Please send the essay itself.").format(
        min=service.rules.essay_min, max=service.rules.essay_max, words=words, limit=limit.words)


async def essay_text(message: Message, state: FSMContext, session: AsyncSession, settings: Settings) -> None:
    assert message.text is not None
    service = _service(session, settings)
    parts = list((await state.get_data()).get("parts", []))
    draft = join_parts([*parts, message.text])
    if service.draft_limit.exceeded_by(draft):
        await message.answer(too_long_text(service, service.verdict(draft).words) + "\n" + _(
            "This message was not added; what you sent before is kept. Press ✅ Done to check it, or ✖ Cancel."),
            reply_markup=essay_keyboard())
        return
    parts.append(message.text)
    await state.update_data(parts=parts)
    words = service.verdict(draft).words
    await message.answer(_("Received: {words} words so far. Send the next part, or press ✅ Done.").format(
        words=words), reply_markup=essay_keyboard())


async def essay_button(
    callback: CallbackQuery, callback_data: EssayCallback, state: FSMContext, session: AsyncSession,
    settings: Settings, clock: Clock = utc_now,
) -> None:
    assert callback.bot is not None
    if await state.get_state() != EssayForm.collecting.state:
        await answer_stale(callback)
        return
    if callback_data.action == "cancel":
        await callback.answer()
        await state.clear()
        await callback.bot.send_message(callback.from_user.id, _("Stopped. Your saved essay, if any, is unchanged."))
        return
    if callback_data.action != "done":
        await answer_stale(callback)
        return
    text = join_parts(list((await state.get_data()).get("parts", [])))
    if not text:
        await callback.answer(_("Nothing received yet: paste the essay first."), show_alert=True)
        return
    await callback.answer()
    saved = await _service(session, settings).save_text(callback.from_user.id, text, "text", clock())
    await state.clear()
    await callback.bot.send_message(callback.from_user.id, verdict_text(saved.verdict))


async def essay_file(
    message: Message, state: FSMContext, session: AsyncSession, settings: Settings, bot: Bot,
    clock: Clock = utc_now,
) -> None:
    assert message.document is not None and message.from_user is not None
    doc = message.document
    kind = essay_file_kind(doc.file_name, doc.mime_type)
    if kind is None:
        await message.answer(_("Only a .docx or .txt file can be read as the essay (or paste the text)."))
        return
    if doc.file_size is not None and doc.file_size > MAX_ESSAY_FILE_BYTES:
        await message.answer(_("This file is too large for an essay of a few hundred words (over 2 MB). Please "
                               "send the text itself, or a .docx without pictures."))
        return
    buffer = BytesIO()
    await bot.download(doc.file_id, destination=buffer)
    service = _service(session, settings)
    try:
        text = service.read_file(buffer.getvalue(), kind)
    except EssayFileError:
        await message.answer(_("This file cannot be read: send a .docx saved by Word or LibreOffice, or a UTF-8 "
                               ".txt, or paste the text."))
        return
    if not text.strip():
        await message.answer(_("There is no text in this file. Please check it and send it again."))
        return
    if service.draft_limit.exceeded_by(text):
        await message.answer(too_long_text(service, service.verdict(text).words))
        return
    saved = await service.save_text(message.from_user.id, text, kind, clock())
    await state.clear()
    await message.answer(verdict_text(saved.verdict))


async def essay_other(message: Message) -> None:
    if message.photo:
        await message.answer(_("A photo cannot be read as the essay. Paste the text, or send it as a .docx or .txt "
                               "file."))
        return
    await message.answer(_("Please paste the essay as text, or send it as a .docx or .txt file."))


async def topics_command(
    message: Message, command: CommandObject, session: AsyncSession, settings: Settings, i18n: I18n,
    is_admin: bool = False, clock: Clock = utc_now,
) -> None:
    assert message.from_user is not None
    if not is_admin:
        await message.answer(_("This command is for administrators."))
        return
    service = _service(session, settings)
    now = clock()
    year = service.year_of(now)
    locale, rest = split_language(command.args or "", i18n.current_locale, SUPPORTED_LOCALES)
    topics = parse_topics(rest)
    if not topics_fit(topics):
        await message.answer(_("Each topic can have at most {each} characters, and all of them together {total} "
                               "(teachers read them in one message). Please shorten them.").format(
            each=MAX_TOPIC_CHARS, total=MAX_TOPICS_CHARS))
        return
    if not topics:
        lists = []
        for code in SUPPORTED_LOCALES:
            lists += [f"{LANGUAGE_NAMES[code]} ({code}):", *(numbered(await service.topics(now, code)) or ["—"]), ""]
        await message.answer(_("Essay topics of {year}/{next}, in each language:").format(year=year, next=year + 1)
                             + "\n\n" + "\n".join(lists) + "\n" + _(
            "To set a language's topics, send /topics kk or /topics ru followed by the topics, one per line. "
            "Without the code they are set for your language, {language}.").format(
            language=LANGUAGE_NAMES[i18n.current_locale]))
        return
    await service.set_topics(topics, locale, message.from_user.id, now)
    other = other_locale(locale)
    await message.answer(_("Saved {n} essay topics in {language} for {year}/{next}. In {other}: {count} (/topics "
                           "{code} followed by the topics sets them).").format(
        n=len(topics), language=LANGUAGE_NAMES[locale], year=year, next=year + 1, other=LANGUAGE_NAMES[other],
        count=len(await service.topics(now, other)), code=other))


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="essay")
    router.message.register(essay_command, Command("essay"))
    router.message.register(topics_command, Command("topics"))
    router.callback_query.register(essay_button, EssayCallback.filter())
    router.message.register(essay_text, StateFilter(EssayForm.collecting), TYPED_TEXT)
    router.message.register(essay_file, StateFilter(EssayForm.collecting), F.document)
    router.message.register(essay_other, StateFilter(EssayForm.collecting), NOT_A_COMMAND)
    return router
