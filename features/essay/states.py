"""FSM states of /essay: the pasted messages being collected until Done."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class EssayForm(StatesGroup):
    collecting = State()  # data: {"parts": [str, ...]}
