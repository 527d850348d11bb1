"""The order assigning the categories on a session's protocol (§12), and the certificates that cite it.

The secretary (or an administrator) enters it once it is signed: its number and date, the organisation or
authority that issued it and the head who signs the certificates (both offered again from the commission's
previous order), then confirms; the certificates (App 1) are generated and sent to each teacher.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import StaleButton
from bot.rule_book import RuleBook
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND
from features.commission import flows
from features.commission.documents.delivery import DocumentDelivery
from features.commission.flows import Flow
from features.commission.order import views
from features.commission.order.callbacks import OrderAct, OrderCallback
from features.commission.order.service import OrderService, OrderStep
from features.commission.order.states import OrderForm
from features.commission.session.callbacks import SessionAct, SessionCallback
from features.commission.session.handlers import bot_of, session_service, strip_buttons, typed_step
from storage.files import FileStore

# The step each "as before" button answers.
AS_BEFORE = {OrderAct.SAME_ISSUER: OrderForm.issuer, OrderAct.SAME_SIGNATORY: OrderForm.signatory}


def order_service(session: AsyncSession, settings: Settings, rule_book: RuleBook, user_id: int,
                  is_admin: bool) -> OrderService:
    return OrderService(session_service(session, settings, rule_book), user_id, is_admin)


async def order_start(callback: CallbackQuery, callback_data: SessionCallback, state: FSMContext,
                      session: AsyncSession, settings: Settings, rule_book: RuleBook, is_admin: bool) -> None:
    orders = order_service(session, settings, rule_book, callback.from_user.id, is_admin)
    s, _c = await orders.target(callback_data.session)
    await state.set_state(OrderForm.number)
    await state.set_data({"session": s.id})
    await bot_of(callback).send_message(callback.from_user.id, views.number_prompt(s),
                                        reply_markup=flows.cancel_markup(Flow.ORDER, s.id))


Answer = Callable[[OrderService, int, str], Awaitable[OrderStep]]


async def _answered(message: Message, state: FSMContext, session: AsyncSession, settings: Settings, rule_book: RuleBook,
                    is_admin: bool, answer: Answer) -> OrderStep:
    """The typed answer of the current step, taken by the OrderService method `answer`."""
    assert message.from_user is not None
    session_id = int((await state.get_data()).get("session", 0))
    orders = order_service(session, settings, rule_book, message.from_user.id, is_admin)
    async with typed_step(state, Flow.ORDER, session_id):
        return await answer(orders, session_id, message.text or "")


async def got_number(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                     rule_book: RuleBook,
                     is_admin: bool) -> None:
    step = await _answered(message, state, session, settings, rule_book, is_admin, OrderService.number)
    await state.update_data(number=step.value)
    await state.set_state(OrderForm.date)
    await message.answer(views.date_prompt(), reply_markup=flows.cancel_markup(Flow.ORDER, step.session.id))


async def got_date(message: Message, state: FSMContext, session: AsyncSession, settings: Settings, rule_book: RuleBook,
                   is_admin: bool) -> None:
    step = await _answered(message, state, session, settings, rule_book, is_admin, OrderService.day)
    await state.update_data(date=step.value)
    await state.set_state(OrderForm.issuer)
    await message.answer(views.issuer_prompt(),
                         reply_markup=views.with_previous(step.session, step.previous, OrderAct.SAME_ISSUER))


async def got_issuer(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                     rule_book: RuleBook,
                     is_admin: bool) -> None:
    step = await _answered(message, state, session, settings, rule_book, is_admin, OrderService.issuer)
    await _ask_signatory(message, state, step)


async def _ask_signatory(message: Message, state: FSMContext, step: OrderStep) -> None:
    await state.update_data(issuer=step.value)
    await state.set_state(OrderForm.signatory)
    await bot_of(message).send_message(message.chat.id, views.signatory_prompt(), reply_markup=views.with_previous(
        step.session, step.previous, OrderAct.SAME_SIGNATORY))


async def got_signatory(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                        rule_book: RuleBook,
                        is_admin: bool) -> None:
    step = await _answered(message, state, session, settings, rule_book, is_admin, OrderService.signatory)
    await _confirm(message, state, step)


async def _confirm(message: Message, state: FSMContext, step: OrderStep) -> None:
    await state.update_data(signatory=step.value)
    await state.set_state(OrderForm.confirm)
    data = await state.get_data()
    text, markup = views.confirm_prompt(step.session, data["number"], date.fromisoformat(data["date"]),
                                        data["issuer"], step.value)
    await bot_of(message).send_message(message.chat.id, text, reply_markup=markup)


async def _expect(state: FSMContext, step: State, session_id: int) -> dict[str, str]:
    """The order's data, when its flow is at `step` for this session; the button is stale otherwise."""
    data = await state.get_data()
    if await state.get_state() != step.state or data.get("session") != session_id:
        raise StaleButton()
    return data


async def same_as_before(callback: CallbackQuery, callback_data: OrderCallback, state: FSMContext,
                         session: AsyncSession, settings: Settings, rule_book: RuleBook, is_admin: bool) -> None:
    """The issuer or signatory of the commission's previous order, with one tap."""
    await _expect(state, AS_BEFORE[callback_data.act], callback_data.session)
    orders = order_service(session, settings, rule_book, callback.from_user.id, is_admin)
    field = "issuer" if callback_data.act is OrderAct.SAME_ISSUER else "signatory"
    async with typed_step(state, Flow.ORDER, callback_data.session):
        step = await orders.as_before(callback_data.session, field)
    assert isinstance(callback.message, Message)
    if callback_data.act is OrderAct.SAME_ISSUER:
        await _ask_signatory(callback.message, state, step)
    else:
        await _confirm(callback.message, state, step)


async def issue(callback: CallbackQuery, callback_data: OrderCallback, state: FSMContext, session: AsyncSession,
                settings: Settings, rule_book: RuleBook, i18n: I18n, is_admin: bool, file_store: FileStore,
                callback_answer: CallbackAnswer) -> None:
    data = await _expect(state, OrderForm.confirm, callback_data.session)
    await state.clear()
    orders = order_service(session, settings, rule_book, callback.from_user.id, is_admin)
    s, c = await orders.record(callback_data.session, data["number"], date.fromisoformat(data["date"]),
                               data["issuer"], data["signatory"])
    count = await DocumentDelivery(session, settings, i18n, orders.sessions.commissions, file_store).issue_certificates(
        bot_of(callback), s, c)
    callback_answer.text, callback_answer.show_alert = views.issued_text(count), True
    await strip_buttons(callback)


def create_router() -> Router:
    router = Router(name="commission_order")
    router.message.register(got_number, StateFilter(OrderForm.number), NOT_A_COMMAND)
    router.message.register(got_date, StateFilter(OrderForm.date), NOT_A_COMMAND)
    router.message.register(got_issuer, StateFilter(OrderForm.issuer), NOT_A_COMMAND)
    router.message.register(got_signatory, StateFilter(OrderForm.signatory), NOT_A_COMMAND)
    router.callback_query.register(order_start, SessionCallback.filter(F.act == SessionAct.ORDER))
    router.callback_query.register(same_as_before, OrderCallback.filter(F.act.in_(set(AS_BEFORE))))
    router.callback_query.register(issue, OrderCallback.filter(F.act == OrderAct.ISSUE))
    return router
