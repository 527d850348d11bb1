"""The step of a member scoring a candidate's sheet."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class PointsForm(StatesGroup):
    criterion = State()  # data: pt_sid, pt_item, pt_crit (typed answers: hours, percent, observation totals)
