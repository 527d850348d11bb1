"""The buttons of the "what next" message and of the readiness check: each opens its step as the command
would (/checklist, an item of it, /essay, /score, /submit, the profile), in a new message."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attestation_callbacks import GuideCallback
from bot.settings import Settings
from bot.views import answer_stale, local_today, send_profile
from features.checklist.handlers import send_board, send_card
from features.checklist.service import ChecklistService, Clock, utc_now
from features.essay.handlers import start_essay
from features.profile.form import next_question
from features.profile.onboarding import ask
from features.profile.service import ProfileService
from features.self_assessment.handlers import start_score
from features.submission.handlers import start_submit


async def open_profile(bot: Bot, user_id: int, step: str, state: FSMContext, session: AsyncSession,
                       settings: Settings) -> bool:
    """"profile": the next unanswered question (or the profile once none is left); "edit": the profile."""
    service = ProfileService(session)
    profile = await service.get(user_id)
    if profile is None:
        return False
    upcoming = next_question(profile) if step == "profile" else None
    await state.clear()
    if upcoming is not None:
        await ask(bot, user_id, upcoming, profile, state)
    else:
        await send_profile(bot, user_id, profile, local_today(settings), await service.locked_fields(profile))
    return True


async def on_step(callback: CallbackQuery, callback_data: GuideCallback, state: FSMContext, session: AsyncSession,
                  settings: Settings, i18n: I18n, clock: Clock = utc_now) -> None:
    assert callback.bot is not None
    bot, user_id, step = callback.bot, callback.from_user.id, callback_data.step
    if step == "item":
        # Only an item on her own checklist opens (the callback data is hers to forge).
        if not await send_card(bot, user_id, callback_data.item, state, ChecklistService(session)):
            await answer_stale(callback)
            return
        await callback.answer()
        return
    if step in ("profile", "edit"):
        if not await open_profile(bot, user_id, step, state, session, settings):
            await answer_stale(callback)
            return
        await callback.answer()
        return
    if step not in ("checklist", "essay", "score", "submit"):
        await answer_stale(callback)
        return
    await callback.answer()
    if step == "checklist":
        await send_board(bot, user_id, state, ChecklistService(session))
    elif step == "essay":
        await start_essay(bot, user_id, state, session, settings, i18n.current_locale, clock())
    elif step == "score":
        await start_score(bot, user_id, state, session)
    else:
        await start_submit(bot, user_id, state, session, settings, clock())


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="guidance")
    router.callback_query.register(on_step, GuideCallback.filter())
    return router
