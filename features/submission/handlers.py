"""/submit (checks, then the App 6 acceptance or App 7 refusal notice), /status and /withdraw."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message, TelegramObject
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal
from bot.rule_book import RuleBook, TeacherSets
from bot.settings import Settings
from features.appeals import handlers as appeals
from features.checklist.service import Clock, utc_now
from features.commission.routing import route_and_notify
from features.guidance.service import GuidanceService, Standing
from features.guidance.views import package_summary, portal_steps, readiness_view
from features.profile.form import next_question
from features.profile.onboarding import AREA_FIELD, ask
from features.submission import views
from features.submission.callbacks import SubmissionAct, SubmissionCallback
from features.submission.service import SubmissionService, SubmitOutcome
from scoring.appeals import AppealPeriods
from scoring.i18n import N_, Phrase


async def _service(session: AsyncSession, settings: Settings, teacher_sets: TeacherSets,
                   user_id: int) -> SubmissionService:
    """Judged by her set: her application's once submitted, else the one she submits under (in a window, the
    set in force today), stored with the application she submits now."""
    return SubmissionService(session, await teacher_sets.of(session, user_id), settings.timezone)


async def start_submit(bot: Bot, user_id: int, state: FSMContext, session: AsyncSession, settings: Settings,
                       now: datetime, teacher_sets: TeacherSets) -> None:
    """The readiness check: what is done and what is missing, each with its fix; the submit (or, for a
    portal, the package) button once everything is ready. Nothing is filed or recorded here."""
    standing = await GuidanceService(session, settings, await teacher_sets.of(session, user_id)).standing(user_id, now)
    if standing is None:
        await bot.send_message(user_id, views.no_consent_text())
        return
    if standing.review.already is not None and settings.files_in_bot:
        await bot.send_message(user_id, views.already_text(standing.review.already))
        return
    assert standing.review.profile is not None
    upcoming = next_question(standing.review.profile)
    if upcoming is not None and upcoming.field == AREA_FIELD:
        # A district typed before districts were a list, and matching none of it: asked here, not refused.
        await bot.send_message(user_id, views.choose_area_text())
        await ask(bot, user_id, upcoming, standing.review.profile, state)
        return
    text, markup = readiness_view(standing)
    await bot.send_message(user_id, text, reply_markup=markup)


async def submit_command(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                         teacher_sets: TeacherSets, clock: Clock = utc_now) -> None:
    assert message.from_user is not None and message.bot is not None
    await start_submit(message.bot, message.from_user.id, state, session, settings, clock(), teacher_sets)


async def send_package(bot: Bot, user_id: int, state: FSMContext, session: AsyncSession, settings: Settings,
                       now: datetime, teacher_sets: TeacherSets) -> None:
    """For a portal: her data, every document's files re-sent, the essay as a file, and the portal's steps.
    If something is missing after all, the readiness check again (the bot refuses nothing: the portal does)."""
    guidance = GuidanceService(session, settings, await teacher_sets.of(session, user_id))
    standing = await guidance.standing(user_id, now)
    if standing is None or not standing.review.passed:
        await start_submit(bot, user_id, state, session, settings, now, teacher_sets)
        return
    files = await guidance.package_files(user_id)
    await bot.send_message(user_id, package_summary(standing, files))
    assert standing.review.checklist is not None
    for s in standing.review.checklist.states:
        for f in files.get(s.item.id, []):
            caption = _(s.item.title)
            if f.kind == "photo":
                await bot.send_photo(user_id, f.file_id, caption=caption)
            else:
                await bot.send_document(user_id, f.file_id, caption=caption)
    essay = standing.review.essay
    if essay is not None:
        await bot.send_document(user_id, BufferedInputFile(essay.text.encode("utf-8"), filename="essay.txt"),
                                caption=views.essay_caption(essay.words))
    await bot.send_message(user_id, portal_steps(standing))


async def _take_buttons_away(callback: CallbackQuery) -> None:
    """The confirmation is answered: its buttons go, so that it cannot be pressed twice."""
    if callback.message is not None and callback.bot is not None:
        await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                     message_id=callback.message.message_id)


async def keep(callback: CallbackQuery) -> None:
    assert callback.bot is not None
    await _take_buttons_away(callback)
    await callback.bot.send_message(callback.from_user.id, views.nothing_changed_text())


async def confirm_submit(callback: CallbackQuery, state: FSMContext, session: AsyncSession, settings: Settings,
                         i18n: I18n, teacher_sets: TeacherSets, rule_book: RuleBook, clock: Clock = utc_now) -> None:
    assert callback.bot is not None
    bot, user_id = callback.bot, callback.from_user.id
    await _take_buttons_away(callback)
    now = clock()
    submission = await (await _service(session, settings, teacher_sets, user_id)).submit(
        user_id, now, i18n.current_locale, views.NOTICES)
    if submission.outcome is SubmitOutcome.ACCEPTED:
        await state.clear()
    for text in views.submission_texts(submission):
        await bot.send_message(user_id, text)
    if submission.outcome is SubmitOutcome.ACCEPTED:
        # The commission's secretary hears of it at once: acceptance is due within one working day (§23).
        await route_and_notify(bot, session, i18n, settings, rule_book)


async def take_package(callback: CallbackQuery, state: FSMContext, session: AsyncSession, settings: Settings,
                       teacher_sets: TeacherSets, clock: Clock = utc_now) -> None:
    assert callback.bot is not None
    await _take_buttons_away(callback)
    await send_package(callback.bot, callback.from_user.id, state, session, settings, clock(), teacher_sets)


async def confirm_withdraw(callback: CallbackQuery, session: AsyncSession, settings: Settings,
                           teacher_sets: TeacherSets, clock: Clock = utc_now) -> None:
    assert callback.bot is not None
    now = clock()
    withdrawn = await (await _service(session, settings, teacher_sets, callback.from_user.id)).withdraw_latest(
        callback.from_user.id, now)
    await _take_buttons_away(callback)
    await callback.bot.send_message(callback.from_user.id, views.withdrawn_text(withdrawn))


async def withdraw_command(message: Message, session: AsyncSession, settings: Settings,
                           teacher_sets: TeacherSets, clock: Clock = utc_now) -> None:
    assert message.from_user is not None
    now = clock()
    app = await (await _service(session, settings, teacher_sets, message.from_user.id)).withdrawable(
        message.from_user.id, now)
    text, markup = views.withdraw_question(app)
    await message.answer(text, reply_markup=markup)


async def status_command(message: Message, session: AsyncSession, settings: Settings, i18n: I18n,
                         teacher_sets: TeacherSets, rule_book: RuleBook, clock: Clock = utc_now) -> None:
    assert message.from_user is not None
    ruleset = await teacher_sets.of(session, message.from_user.id)
    standing = await GuidanceService(session, settings, ruleset).standing(message.from_user.id, clock())
    if standing is None:
        raise Refusal(Phrase(N_("Send /start first.")))
    # With her complaints, and a button for each refusal or decision she may still complain about (§26).
    text, markup = await appeals.with_complaints(session, settings, rule_book, message.from_user.id,
                                                 views.status_text(standing, ZoneInfo(settings.timezone), i18n,
                                                                   appeal_periods(rule_book, standing)),
                                                 views.status_keyboard(standing))
    await message.answer(text, reply_markup=markup)


def appeal_periods(rule_book: RuleBook, standing: Standing) -> AppealPeriods:
    """§26's numbers of the set that judged her application (the pilot's before she has one)."""
    app = standing.application
    return AppealPeriods.of((rule_book.for_application(app) if app is not None else rule_book.builtin).rules)


class FilesInBot(Filter):
    """A commission works in this bot (SUBMISSION_MODE): the application is filed here; else on a portal."""

    async def __call__(self, event: TelegramObject, settings: Settings) -> bool:
        return settings.files_in_bot


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="submission")
    router.message.register(submit_command, Command("submit"))
    router.message.register(status_command, Command("status"))
    router.message.register(withdraw_command, Command("withdraw"))
    # A submit button of a portal deployment, or a package one where the commission works in the bot, is
    # stale: no handler takes it and the fallback says so.
    router.callback_query.register(keep, SubmissionCallback.filter(F.action == SubmissionAct.KEEP))
    router.callback_query.register(confirm_submit, SubmissionCallback.filter(F.action == SubmissionAct.SUBMIT),
                                   FilesInBot())
    router.callback_query.register(take_package, SubmissionCallback.filter(F.action == SubmissionAct.PACKAGE),
                                   ~FilesInBot())
    router.callback_query.register(confirm_withdraw, SubmissionCallback.filter(F.action == SubmissionAct.WITHDRAW))
    return router
