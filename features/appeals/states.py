"""The FSM steps of filing a complaint and of a holder's typed answers."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class AppealForm(StatesGroup):
    grounds = State()  # her grounds, typed
    files = State()  # documents that support it, or «Done»
    attend = State()  # whether she attends the review


class AppealDesk(StatesGroup):
    review_at = State()  # the review's date and time, typed by a holder
    reasons = State()  # why it is rejected, typed by a holder
