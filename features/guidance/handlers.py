"""The buttons of the "what next" message and of the readiness check: each opens its step as the command
would (/checklist, an item of it, /essay, /score, /submit, the profile), in a new message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_today
from bot.refusal import StaleButton
from bot.rule_book import TeacherSets
from bot.settings import Settings
from features.checklist.handlers import send_board, send_card
from features.checklist.service import ChecklistService, Clock, utc_now
from features.essay.handlers import start_essay
from features.guidance.callbacks import GuideCallback, GuideStep
from features.miniapp.links import checklist_url, sheet_url
from features.profile.form import next_question
from features.profile.onboarding import ask
from features.profile.service import ProfileService
from features.profile.views import send_profile
from features.self_assessment.handlers import start_score
from features.submission.handlers import start_submit


async def open_checklist(callback: CallbackQuery, state: FSMContext, session: AsyncSession,
                         teacher_sets: TeacherSets, settings: Settings) -> None:
    assert callback.bot is not None
    service = await ChecklistService.of_teacher(session, teacher_sets, callback.from_user.id)
    await send_board(callback.bot, callback.from_user.id, state, service, checklist_url(settings))


async def open_item(callback: CallbackQuery, callback_data: GuideCallback, state: FSMContext,
                    session: AsyncSession, teacher_sets: TeacherSets) -> None:
    """Only an item on her own checklist opens (the callback data is hers to forge)."""
    assert callback.bot is not None
    service = await ChecklistService.of_teacher(session, teacher_sets, callback.from_user.id)
    if not await send_card(callback.bot, callback.from_user.id, callback_data.item, state, service):
        raise StaleButton()


async def open_essay(callback: CallbackQuery, state: FSMContext, session: AsyncSession, settings: Settings,
                     i18n: I18n, teacher_sets: TeacherSets, clock: Clock = utc_now) -> None:
    assert callback.bot is not None
    await start_essay(callback.bot, callback.from_user.id, state, session, settings, i18n.current_locale, clock(),
                      teacher_sets)


async def open_score(callback: CallbackQuery, state: FSMContext, session: AsyncSession,
                     teacher_sets: TeacherSets, settings: Settings) -> None:
    assert callback.bot is not None
    await start_score(callback.bot, callback.from_user.id, state, session, teacher_sets, sheet_url(settings))


async def open_submit(callback: CallbackQuery, state: FSMContext, session: AsyncSession, settings: Settings,
                      teacher_sets: TeacherSets, clock: Clock = utc_now) -> None:
    assert callback.bot is not None
    await start_submit(callback.bot, callback.from_user.id, state, session, settings, clock(), teacher_sets)


async def finish_profile(callback: CallbackQuery, state: FSMContext, session: AsyncSession,
                         settings: Settings) -> None:
    """The next unanswered question, or the profile card once none is left."""
    assert callback.bot is not None
    user_id = callback.from_user.id
    found = await ProfileService(session).locked_fields_of(user_id)
    if found is None:
        raise StaleButton()
    profile, locked = found
    await state.clear()
    upcoming = next_question(profile)
    if upcoming is not None:
        await ask(callback.bot, user_id, upcoming, profile, state)
    else:
        await send_profile(callback.bot, user_id, profile, local_today(settings), locked)


async def review_profile(callback: CallbackQuery, state: FSMContext, session: AsyncSession,
                         settings: Settings) -> None:
    """The profile card, each field to change."""
    assert callback.bot is not None
    found = await ProfileService(session).locked_fields_of(callback.from_user.id)
    if found is None:
        raise StaleButton()
    profile, locked = found
    await state.clear()
    await send_profile(callback.bot, callback.from_user.id, profile, local_today(settings), locked)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="guidance")
    steps: dict[GuideStep, Callable[..., Awaitable[None]]] = {
        GuideStep.CHECKLIST: open_checklist, GuideStep.ITEM: open_item, GuideStep.ESSAY: open_essay,
        GuideStep.SCORE: open_score, GuideStep.SUBMIT: open_submit, GuideStep.PROFILE: finish_profile,
        GuideStep.EDIT: review_profile,
    }
    for step, handler in steps.items():
        router.callback_query.register(handler, GuideCallback.filter(F.step == step))
    return router
