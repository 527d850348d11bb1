"""/score: self-assessment on the official scoring sheet, criterion by criterion, then the summary.

Each handler hands the press to ScoreFlow (which decides and saves) and shows the screen it returns.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import render
from bot.rule_book import TeacherSets
from bot.settings import Settings
from features.miniapp.links import sheet_url
from features.self_assessment.answers import AnswerButton
from features.self_assessment.callbacks import ObservationCallback, ScoreAct, ScoreCallback
from features.self_assessment.flow import ScoreFlow
from features.self_assessment.screens import Shown
from features.self_assessment.states import SCORE_STATES
from features.self_assessment.views import form_offer, render_screen


async def show(bot: Bot, chat_id: int, shown: Shown, edit: int | None = None,
               callback_answer: CallbackAnswer | None = None) -> None:
    """Edit the message the button was on, or send a new one after a typed answer or a command."""
    if shown.toast is not None and callback_answer is not None:
        callback_answer.text = render(shown.toast)
    if shown.before is not None:
        await bot.send_message(chat_id, render(shown.before))
    screen = render_screen(shown.screen)
    if edit is None:
        await bot.send_message(chat_id, screen.text, reply_markup=screen.markup, **screen.extra)
        return
    with contextlib.suppress(TelegramBadRequest):  # "message is not modified" on a repeated tap
        await bot.edit_message_text(text=screen.text, chat_id=chat_id, message_id=edit, reply_markup=screen.markup,
                                    **screen.extra)


async def _show_pressed(callback: CallbackQuery, shown: Shown, callback_answer: CallbackAnswer) -> None:
    assert callback.bot is not None
    edit = callback.message.message_id if callback.message is not None else None
    await show(callback.bot, callback.from_user.id, shown, edit, callback_answer)


async def _score_flow(state: FSMContext, session: AsyncSession, user_id: int, sets: TeacherSets) -> ScoreFlow:
    """Her self-assessment, on her set's sheets."""
    return ScoreFlow(state, session, user_id, await sets.of(session, user_id))


async def _flow(callback: CallbackQuery, state: FSMContext, session: AsyncSession, sets: TeacherSets) -> ScoreFlow:
    return await _score_flow(state, session, callback.from_user.id, sets)


async def start_score(bot: Bot, user_id: int, state: FSMContext, session: AsyncSession,
                      teacher_sets: TeacherSets, form_url: str | None = None) -> None:
    """Where the self-assessment stands (/score, and the "what next" buttons); with `form_url` (WEBAPP_URL
    set) the Mini App's form is offered first, beside the chat flow."""
    shown = await (await _score_flow(state, session, user_id, teacher_sets)).start()
    offer = form_offer(shown, form_url)
    if offer is not None:
        await bot.send_message(user_id, offer.text, reply_markup=offer.markup)
    await show(bot, user_id, shown)


async def score_command(message: Message, state: FSMContext, session: AsyncSession, teacher_sets: TeacherSets,
                        settings: Settings) -> None:
    assert message.bot is not None and message.from_user is not None
    await start_score(message.bot, message.from_user.id, state, session, teacher_sets, sheet_url(settings))


async def on_variant(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                     session: AsyncSession, callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    flow = await _flow(callback, state, session, teacher_sets)
    shown = await flow.choose_variant(callback_data.value)
    await _show_pressed(callback, shown, callback_answer)


async def on_summary(callback: CallbackQuery, state: FSMContext, session: AsyncSession,
                     callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    flow = await _flow(callback, state, session, teacher_sets)
    await _show_pressed(callback, await flow.summary(), callback_answer)


async def on_go(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                session: AsyncSession, callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    flow = await _flow(callback, state, session, teacher_sets)
    await _show_pressed(callback, await flow.go(callback_data.crit), callback_answer)


async def on_more(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                  session: AsyncSession, callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    flow = await _flow(callback, state, session, teacher_sets)
    shown = await flow.another_kind(callback_data.crit)
    await _show_pressed(callback, shown, callback_answer)


async def on_step(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                  session: AsyncSession, callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    forward = callback_data.action is ScoreAct.NEXT
    flow = await _flow(callback, state, session, teacher_sets)
    shown = await flow.step(callback_data.crit, forward)
    await _show_pressed(callback, shown, callback_answer)


async def on_none(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                  session: AsyncSession, callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    flow = await _flow(callback, state, session, teacher_sets)
    await _show_pressed(callback, await flow.none(callback_data.crit), callback_answer)


async def on_answer(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                    session: AsyncSession, callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    button = AnswerButton(callback_data.action.value)
    flow = await _flow(callback, state, session, teacher_sets)
    shown = await flow.press_answer(callback_data.crit, button, callback_data.value)
    await _show_pressed(callback, shown, callback_answer)


async def on_fill(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                  session: AsyncSession, callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    flow = await _flow(callback, state, session, teacher_sets)
    shown = await flow.start_filling(callback_data.crit)
    await _show_pressed(callback, shown, callback_answer)


async def on_remove_observation(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                                session: AsyncSession, callback_answer: CallbackAnswer,
                                teacher_sets: TeacherSets) -> None:
    flow = await _flow(callback, state, session, teacher_sets)
    shown = await flow.remove_observation(callback_data.crit)
    await _show_pressed(callback, shown, callback_answer)


async def on_stop_filling(callback: CallbackQuery, state: FSMContext, session: AsyncSession,
                          callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    flow = await _flow(callback, state, session, teacher_sets)
    await _show_pressed(callback, await flow.stop_filling(), callback_answer)


async def on_rating(callback: CallbackQuery, callback_data: ObservationCallback, state: FSMContext,
                    session: AsyncSession, callback_answer: CallbackAnswer, teacher_sets: TeacherSets) -> None:
    flow = await _flow(callback, state, session, teacher_sets)
    shown = await flow.rate(callback_data.index, callback_data.rating)
    await _show_pressed(callback, shown, callback_answer)


async def on_text(message: Message, state: FSMContext, session: AsyncSession, teacher_sets: TeacherSets) -> None:
    assert message.bot is not None and message.from_user is not None and message.text is not None
    shown = await (await _score_flow(state, session, message.from_user.id, teacher_sets)).type_answer(message.text)
    await show(message.bot, message.chat.id, shown)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="scoring")
    router.message.register(score_command, Command("score"))
    press = router.callback_query.register
    press(on_variant, ScoreCallback.filter(F.action == ScoreAct.VARIANT))
    press(on_summary, ScoreCallback.filter(F.action == ScoreAct.SUMMARY))
    press(on_go, ScoreCallback.filter(F.action == ScoreAct.GO))
    press(on_more, ScoreCallback.filter(F.action == ScoreAct.MORE))
    press(on_step, ScoreCallback.filter(F.action.in_({ScoreAct.NEXT, ScoreAct.PREV})))
    press(on_none, ScoreCallback.filter(F.action == ScoreAct.NONE))
    press(on_answer, ScoreCallback.filter(F.action.in_(set(AnswerButton))))
    press(on_fill, ScoreCallback.filter(F.action == ScoreAct.FILL_OBSERVATION))
    press(on_remove_observation, ScoreCallback.filter(F.action == ScoreAct.REMOVE_OBSERVATION))
    press(on_stop_filling, ScoreCallback.filter(F.action == ScoreAct.STOP_FILLING))
    press(on_rating, ObservationCallback.filter())
    router.message.register(on_text, StateFilter(*SCORE_STATES), F.text, ~F.text.startswith("/"))
    return router
