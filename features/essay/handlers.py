"""/essay: the year's topics, then the essay pasted as messages (joined until Done) or sent as a file;
/topics: an admin sets the topics of the current academic year."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.downloads import TelegramFiles
from bot.filters import IsAdmin
from bot.refusal import Refusal
from bot.rule_book import TeacherSets
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND, TYPED_TEXT
from features.checklist.service import Clock, utc_now
from features.essay import views
from features.essay.callbacks import EssayAct, EssayCallback
from features.essay.service import EssayService, topics_of_command
from features.essay.states import EssayForm
from scoring.i18n import N_, Phrase
from storage.files import FileStore

FOR_ADMINS = Phrase(N_("This command is for administrators."))


async def _service(session: AsyncSession, settings: Settings, teacher_sets: TeacherSets, user_id: int,
                   file_store: FileStore | None = None) -> EssayService:
    """Her essay judged by her set's limits (§27): her application's, else the one she will submit under."""
    return EssayService(session, (await teacher_sets.of(session, user_id)).rules, settings.timezone, file_store)


async def essay_command(
    message: Message, state: FSMContext, session: AsyncSession, settings: Settings, i18n: I18n,
    teacher_sets: TeacherSets, clock: Clock = utc_now,
) -> None:
    assert message.from_user is not None and message.bot is not None
    await start_essay(message.bot, message.from_user.id, state, session, settings, i18n.current_locale, clock(),
                      teacher_sets)


async def start_essay(bot: Bot, user_id: int, state: FSMContext, session: AsyncSession, settings: Settings,
                      locale: str, now: datetime, teacher_sets: TeacherSets) -> None:
    """The topics and the invitation to paste or send the essay (/essay, and the "what next" buttons).

    A refusal is a message of its own here too: behind a "what next" button the press is answered already."""
    try:
        opening = await (await _service(session, settings, teacher_sets, user_id)).opening(user_id, now, locale)
    except Refusal as refusal:
        await bot.send_message(user_id, refusal.text())
        return
    await state.set_state(EssayForm.collecting)
    await state.update_data(parts=[])
    await bot.send_message(user_id, views.opening_text(opening), reply_markup=views.essay_keyboard())


async def _parts(state: FSMContext) -> list[str]:
    return list((await state.get_data()).get("parts", []))


async def essay_text(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                     teacher_sets: TeacherSets) -> None:
    assert message.text is not None and message.from_user is not None
    service = await _service(session, settings, teacher_sets, message.from_user.id)
    draft = service.add_part(await _parts(state), message.text)
    if not draft.kept:
        await message.answer(views.part_not_added_text(service.too_long(draft.words)),
                             reply_markup=views.essay_keyboard())
        return
    await state.update_data(parts=draft.parts)
    await message.answer(views.received_text(draft.words), reply_markup=views.essay_keyboard())


async def essay_done(callback: CallbackQuery, state: FSMContext, session: AsyncSession, settings: Settings,
                     teacher_sets: TeacherSets, clock: Clock = utc_now) -> None:
    assert callback.bot is not None
    service = await _service(session, settings, teacher_sets, callback.from_user.id)
    saved = await service.save_pasted(callback.from_user.id, await _parts(state), clock())
    await state.clear()
    await callback.bot.send_message(callback.from_user.id, views.verdict_text(saved.verdict))


async def essay_cancel(callback: CallbackQuery, state: FSMContext) -> None:
    assert callback.bot is not None
    await state.clear()
    await callback.bot.send_message(callback.from_user.id, views.stopped_text())


async def essay_file(
    message: Message, state: FSMContext, session: AsyncSession, settings: Settings, bot: Bot,
    teacher_sets: TeacherSets, file_store: FileStore, clock: Clock = utc_now,
) -> None:
    assert message.document is not None and message.from_user is not None
    doc = message.document
    service = await _service(session, settings, teacher_sets, message.from_user.id, file_store)
    kind = service.file_kind(doc.file_name, doc.mime_type, doc.file_size)
    data = await TelegramFiles(bot, settings).download(doc.file_id)
    saved = await service.save_file(message.from_user.id, data, kind, clock())
    await state.clear()
    await message.answer(views.verdict_text(saved.verdict))


async def essay_other(message: Message) -> None:
    await message.answer(views.not_an_essay_text(bool(message.photo)))


async def topics_command(
    message: Message, command: CommandObject, session: AsyncSession, settings: Settings, i18n: I18n,
    teacher_sets: TeacherSets, clock: Clock = utc_now,
) -> None:
    """/topics alone lists every language's topics; followed by topics, it sets them."""
    assert message.from_user is not None
    service, now = await _service(session, settings, teacher_sets, message.from_user.id), clock()
    locale, topics = topics_of_command(command.args or "", i18n.current_locale)
    if not topics:
        await message.answer(views.year_topics_text(await service.year_topics(now), i18n.current_locale))
        return
    published = await service.publish_topics(topics, locale, message.from_user.id, now)
    await message.answer(views.published_text(published))


async def topics_refused(message: Message) -> None:
    raise Refusal(FOR_ADMINS)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="essay")
    router.message.register(essay_command, Command("essay"))
    router.message.register(topics_command, Command("topics"), IsAdmin())
    router.message.register(topics_refused, Command("topics"), ~IsAdmin())
    # Outside the collecting state no handler takes these: the fallback answers them as stale.
    collecting = StateFilter(EssayForm.collecting)
    router.callback_query.register(essay_done, EssayCallback.filter(F.action == EssayAct.DONE), collecting)
    router.callback_query.register(essay_cancel, EssayCallback.filter(F.action == EssayAct.CANCEL), collecting)
    router.message.register(essay_text, collecting, TYPED_TEXT)
    router.message.register(essay_file, collecting, F.document)
    router.message.register(essay_other, collecting, NOT_A_COMMAND)
    return router
