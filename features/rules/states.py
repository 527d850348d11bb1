"""The steps of loading a rule set: the file, the academic year it starts, the confirmation."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class LoadingRules(StatesGroup):
    file = State()
    year = State()
    confirm = State()
