"""The Cancel of every multi-step commission action: the step is left and its buttons are taken away."""

from __future__ import annotations

import contextlib

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import StatesGroup
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from features.commission.agenda.states import Refuse
from features.commission.composition.states import NewCommission
from features.commission.flows import CancelCallback, Flow
from features.commission.order.states import OrderForm
from features.commission.session.states import ChangeDate, NewSession, ReasonForm

# The FSM states each flow's Cancel clears (None: a chain of buttons, nothing stored).
FLOW_STATES: dict[Flow, type[StatesGroup] | None] = {
    Flow.NEW_COMMISSION: NewCommission, Flow.REFUSE: Refuse, Flow.NEW_SESSION: NewSession,
    Flow.CHANGE_DATE: ChangeDate, Flow.REASON: ReasonForm, Flow.ORDER: OrderForm, Flow.REMOVE_MEMBER: None,
    Flow.CLOSE_ANYWAY: None, Flow.POSTPONE: None,
}


async def cancel(callback: CallbackQuery, callback_data: CancelCallback, state: FSMContext,
                 callback_answer: CallbackAnswer) -> None:
    await leave(callback, callback_data.flow, state, callback_answer)


async def leave(callback: CallbackQuery, flow: Flow, state: FSMContext, callback_answer: CallbackAnswer) -> None:
    group = FLOW_STATES[flow]
    current = await state.get_state()
    if group is not None and current is not None and current in group.__all_states_names__:
        await state.clear()
    callback_answer.text = _("Cancelled.")
    if callback.message is not None and callback.bot is not None:
        with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
            await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                         message_id=callback.message.message_id, reply_markup=None)


def create_router() -> Router:
    router = Router(name="commission-cancel")
    router.callback_query.register(cancel, CancelCallback.filter())
    return router
