"""The order assigning the categories on a session's protocol (§12), and the certificates that cite it.

The secretary (or an administrator) enters it once it is signed: its number and date, the organisation or
authority that issued it and the head who signs the certificates (both offered again from the commission's
previous order), then confirms; the certificates (App 1) are generated and sent to each teacher.
"""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import render
from bot.keyboards import grid
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND, max_length
from bot.views import answer_stale
from features.commission.callbacks import CmCallback
from features.commission.documents.delivery import DocumentDelivery
from features.commission.session.handlers import (
    OrderForm,
    button,
    cancel_button,
    cancel_markup,
    d,
    parse_date,
    services,
)
from features.commission.session.service import SessionService
from scoring.i18n import Phrase
from storage.commission_models import Commission, CommissionSession

FLOW = "order"
LIMITS = {"number": (1, max_length(CommissionSession.order_number)),
          "issuer": (3, max_length(CommissionSession.order_issuer)),
          "signatory": (3, max_length(CommissionSession.order_signatory))}


async def _target(user_id: int, session_id: int, session: AsyncSession, settings: Settings,
                  is_admin: bool) -> tuple[SessionService, CommissionSession, Commission] | Phrase:
    _c, sessions = services(session, settings)
    found = await sessions.order_target(user_id, session_id, is_admin)
    if isinstance(found, Phrase):
        return found
    return sessions, *found


async def order_start(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, session: AsyncSession,
                      settings: Settings, is_admin: bool) -> None:
    found = await _target(callback.from_user.id, callback_data.ref, session, settings, is_admin)
    if isinstance(found, Phrase):
        await callback.answer(render(found), show_alert=True)
        return
    _sessions, s, _c = found
    await callback.answer()
    await state.set_state(OrderForm.number)
    await state.set_data({"session": s.id})
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, _(
        "The order that assigns the categories on protocol No. {number} of {date} (§12). Its number:").format(
        number=s.number, date=d(s.session_date)), reply_markup=cancel_markup(FLOW, s.id))


async def _current(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                   is_admin: bool) -> tuple[SessionService, CommissionSession, Commission] | None:
    assert message.from_user is not None
    found = await _target(message.from_user.id, int((await state.get_data()).get("session", 0)), session, settings,
                          is_admin)
    if isinstance(found, Phrase):
        await state.clear()
        await message.answer(render(found))
        return None
    return found


async def _typed(message: Message, field: str, session_id: int) -> str | None:
    """The typed text when its length fits the column, else None after saying what is expected."""
    text = " ".join((message.text or "").split())
    low, high = LIMITS[field]
    if low <= len(text) <= high:
        return text
    await message.answer(_("Please send it as text, {min} to {max} characters (this was {n}).").format(
        min=low, max=high, n=len(text)), reply_markup=cancel_markup(FLOW, session_id))
    return None


async def got_number(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                     is_admin: bool) -> None:
    found = await _current(message, state, session, settings, is_admin)
    if found is None:
        return
    number = await _typed(message, "number", found[1].id)
    if number is None:
        return
    await state.update_data(number=number)
    await state.set_state(OrderForm.date)
    await message.answer(_("Date of the order, DD.MM.YYYY:"), reply_markup=cancel_markup(FLOW, found[1].id))


async def got_date(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                   is_admin: bool) -> None:
    found = await _current(message, state, session, settings, is_admin)
    if found is None:
        return
    sessions, s, c = found
    when = parse_date(message.text or "")
    problem = sessions.order_date_problem(s, when)
    if problem is not None:
        await message.answer(render(problem), reply_markup=cancel_markup(FLOW, s.id))
        return
    assert when is not None
    await state.update_data(date=when.isoformat())
    await state.set_state(OrderForm.issuer)
    last = await sessions.last_order(c)
    await message.answer(_("Full name of the education organisation or education authority that issued the order (as "
                           "on the certificate, App 1):"),
                         reply_markup=_with_previous(last.order_issuer if last else None, "issuer", s.id))


def _with_previous(previous: str | None, field: str, session_id: int) -> InlineKeyboardMarkup:
    buttons = [button(_("As before: {value}").format(value=previous)[:60], "ordsame", session_id, field)] if (
        previous) else []
    return grid([*buttons, cancel_button(FLOW, session_id)])


async def got_issuer(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                     is_admin: bool) -> None:
    found = await _current(message, state, session, settings, is_admin)
    if found is None:
        return
    issuer = await _typed(message, "issuer", found[1].id)
    if issuer is None:
        return
    await _ask_signatory(message, state, found, issuer)


async def _ask_signatory(message: Message, state: FSMContext,
                         found: tuple[SessionService, CommissionSession, Commission], issuer: str) -> None:
    sessions, s, c = found
    await state.update_data(issuer=issuer)
    await state.set_state(OrderForm.signatory)
    last = await sessions.last_order(c)
    assert message.bot is not None
    await message.bot.send_message(message.chat.id, _(
        "Surname, name and patronymic of the head of the organisation or authority, who signs the certificates:"),
        reply_markup=_with_previous(last.order_signatory if last else None, "signatory", s.id))


async def got_signatory(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                        is_admin: bool) -> None:
    found = await _current(message, state, session, settings, is_admin)
    if found is None:
        return
    signatory = await _typed(message, "signatory", found[1].id)
    if signatory is None:
        return
    await _confirm(message, state, found[1], signatory)


async def _confirm(message: Message, state: FSMContext, s: CommissionSession, signatory: str) -> None:
    await state.update_data(signatory=signatory)
    await state.set_state(OrderForm.confirm)
    data = await state.get_data()
    assert message.bot is not None
    await message.bot.send_message(message.chat.id, _(
        "Order No. {number} of {date} of «{issuer}»; the certificates are signed by {signatory}.\nIssue the "
        "certificates of protocol No. {protocol} and send them to the teachers?").format(
        number=data["number"], date=d(parse_date_iso(data["date"])), issuer=data["issuer"], signatory=signatory,
        protocol=s.number), reply_markup=grid([button(_("✅ Issue the certificates"), "ordok", s.id),
                                                cancel_button(FLOW, s.id)]))


def parse_date_iso(value: str) -> date:
    return date.fromisoformat(value)


async def same_as_before(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext,
                         session: AsyncSession, settings: Settings, is_admin: bool) -> None:
    """The issuer or signatory of the commission's previous order, with one tap."""
    expected = {"issuer": OrderForm.issuer.state, "signatory": OrderForm.signatory.state}.get(callback_data.arg)
    data = await state.get_data()
    if expected is None or await state.get_state() != expected or data.get("session") != callback_data.ref:
        await answer_stale(callback)
        return
    found = await _target(callback.from_user.id, callback_data.ref, session, settings, is_admin)
    if isinstance(found, Phrase):
        await state.clear()
        await callback.answer(render(found), show_alert=True)
        return
    last = await found[0].last_order(found[2])
    value = getattr(last, f"order_{callback_data.arg}", None) if last is not None else None
    if not value:
        await answer_stale(callback)
        return
    await callback.answer()
    assert isinstance(callback.message, Message)
    if callback_data.arg == "issuer":
        await _ask_signatory(callback.message, state, found, value)
    else:
        await _confirm(callback.message, state, found[1], value)


async def issue(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, session: AsyncSession,
                settings: Settings, i18n: I18n, is_admin: bool) -> None:
    data = await state.get_data()
    if await state.get_state() != OrderForm.confirm.state or data.get("session") != callback_data.ref:
        await answer_stale(callback)
        return
    found = await _target(callback.from_user.id, callback_data.ref, session, settings, is_admin)
    await state.clear()
    if isinstance(found, Phrase):
        await callback.answer(render(found), show_alert=True)
        return
    sessions, s, c = found
    problem = await sessions.record_order(s, data["number"], parse_date_iso(data["date"]), data["issuer"],
                                          data["signatory"])
    if problem is not None:
        await callback.answer(render(problem), show_alert=True)
        return
    count = await DocumentDelivery(session, settings, i18n, sessions.commissions).issue_certificates(
        callback.bot, s, c) if callback.bot is not None else 0
    await callback.answer(_("Certificates issued: {count}.").format(count=count), show_alert=True)
    if callback.message is not None and callback.bot is not None:
        await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                     message_id=callback.message.message_id, reply_markup=None)


def create_router() -> Router:
    router = Router(name="commission_order")
    router.message.register(got_number, StateFilter(OrderForm.number), NOT_A_COMMAND)
    router.message.register(got_date, StateFilter(OrderForm.date), NOT_A_COMMAND)
    router.message.register(got_issuer, StateFilter(OrderForm.issuer), NOT_A_COMMAND)
    router.message.register(got_signatory, StateFilter(OrderForm.signatory), NOT_A_COMMAND)
    router.callback_query.register(order_start, CmCallback.filter(F.act == "order"))
    router.callback_query.register(same_as_before, CmCallback.filter(F.act == "ordsame"))
    router.callback_query.register(issue, CmCallback.filter(F.act == "ordok"))
    return router
