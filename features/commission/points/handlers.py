"""A member scores the candidate's sheet (commission points) from the ballot, before voting.

The criterion screens are those of /score; PointsFlow checks each press like a vote and decides it, the
views render the screen for this candidate.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import render
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.commission.points.callbacks import PointsAct, PointsCallback
from features.commission.points.flow import PointsFlow, Pressed, Shown
from features.commission.points.states import PointsForm
from features.commission.points.views import render_points
from features.self_assessment.answers import AnswerButton


async def _show(bot: Bot, chat_id: int, shown: Shown, edit: int | None) -> None:
    text, markup = render_points(shown)
    if edit is None:
        await bot.send_message(chat_id, text, reply_markup=markup)
        return
    with contextlib.suppress(TelegramBadRequest):  # "message is not modified" on a repeated tap
        await bot.edit_message_text(text=text, chat_id=chat_id, message_id=edit, reply_markup=markup)


def _edit_id(callback: CallbackQuery) -> int | None:
    return callback.message.message_id if callback.message is not None else None


async def _answer(callback: CallbackQuery, pressed: Pressed, callback_answer: CallbackAnswer) -> None:
    assert callback.bot is not None
    if pressed.toast is not None:
        callback_answer.text = render(pressed.toast)
    await _show(callback.bot, callback.from_user.id, pressed.shown, _edit_id(callback))


def _flow(callback: CallbackQuery, state: FSMContext, session: AsyncSession, settings: Settings,
          rule_book: RuleBook) -> PointsFlow:
    return PointsFlow(state, session, settings, rule_book, callback.from_user.id)


async def on_open(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                  session: AsyncSession, settings: Settings, rule_book: RuleBook,
                      callback_answer: CallbackAnswer) -> None:
    pressed = await _flow(callback, state, session, settings, rule_book).open(
        callback_data.sid, callback_data.item, _edit_id(callback))
    await _answer(callback, pressed, callback_answer)


async def on_back(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                  session: AsyncSession, settings: Settings, rule_book: RuleBook,
                      callback_answer: CallbackAnswer) -> None:
    pressed = await _flow(callback, state, session, settings, rule_book).back(
        callback_data.sid, callback_data.item, _edit_id(callback))
    await _answer(callback, pressed, callback_answer)


async def on_summary(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                     session: AsyncSession, settings: Settings, rule_book: RuleBook,
                         callback_answer: CallbackAnswer) -> None:
    pressed = await _flow(callback, state, session, settings, rule_book).summary(
        callback_data.sid, callback_data.item, _edit_id(callback))
    await _answer(callback, pressed, callback_answer)


async def on_go(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                session: AsyncSession, settings: Settings, rule_book: RuleBook,
                    callback_answer: CallbackAnswer) -> None:
    pressed = await _flow(callback, state, session, settings, rule_book).go(
        callback_data.sid, callback_data.item, _edit_id(callback), callback_data.crit)
    await _answer(callback, pressed, callback_answer)


async def on_step(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                  session: AsyncSession, settings: Settings, rule_book: RuleBook,
                      callback_answer: CallbackAnswer) -> None:
    pressed = await _flow(callback, state, session, settings, rule_book).step(
        callback_data.sid, callback_data.item, _edit_id(callback), callback_data.crit,
        forward=callback_data.a is PointsAct.NEXT)
    await _answer(callback, pressed, callback_answer)


async def on_none(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                  session: AsyncSession, settings: Settings, rule_book: RuleBook,
                      callback_answer: CallbackAnswer) -> None:
    pressed = await _flow(callback, state, session, settings, rule_book).none(
        callback_data.sid, callback_data.item, _edit_id(callback), callback_data.crit)
    await _answer(callback, pressed, callback_answer)


async def on_remove_observation(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                                session: AsyncSession, settings: Settings, rule_book: RuleBook,
                                    callback_answer: CallbackAnswer) -> None:
    pressed = await _flow(callback, state, session, settings, rule_book).remove_observation(
        callback_data.sid, callback_data.item, _edit_id(callback), callback_data.crit)
    await _answer(callback, pressed, callback_answer)


async def on_answer(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                    session: AsyncSession, settings: Settings, rule_book: RuleBook,
                        callback_answer: CallbackAnswer) -> None:
    pressed = await _flow(callback, state, session, settings, rule_book).press_answer(
        callback_data.sid, callback_data.item, _edit_id(callback), callback_data.crit,
        AnswerButton(callback_data.a.value), callback_data.v)
    await _answer(callback, pressed, callback_answer)


async def on_text(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                  rule_book: RuleBook) -> None:
    """A typed answer (hours, percent, observation totals) for the criterion on screen."""
    assert message.bot is not None and message.from_user is not None and message.text is not None
    shown = await PointsFlow(state, session, settings, rule_book, message.from_user.id).type_answer(message.text)
    await _show(message.bot, message.chat.id, shown, None)


def create_router() -> Router:
    router = Router(name="commission_points")
    press = router.callback_query.register
    press(on_open, PointsCallback.filter(F.a == PointsAct.OPEN))
    press(on_back, PointsCallback.filter(F.a == PointsAct.BACK))
    press(on_summary, PointsCallback.filter(F.a == PointsAct.SUMMARY))
    press(on_go, PointsCallback.filter(F.a == PointsAct.GO))
    press(on_step, PointsCallback.filter(F.a.in_({PointsAct.NEXT, PointsAct.PREV})))
    press(on_none, PointsCallback.filter(F.a == PointsAct.NONE))
    press(on_remove_observation, PointsCallback.filter(F.a == PointsAct.REMOVE_OBSERVATION))
    press(on_answer, PointsCallback.filter(F.a.in_(set(AnswerButton))))
    router.message.register(on_text, StateFilter(PointsForm.criterion), F.text, ~F.text.startswith("/"))
    return router
