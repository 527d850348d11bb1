"""The secretary's typed steps in a session: its date, a new date, the reason of a decision."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class NewSession(StatesGroup):
    date = State()  # data["commission"]


class ChangeDate(StatesGroup):
    date = State()  # data["session"]


class ReasonForm(StatesGroup):
    text = State()  # the secretary types the reason of data["rs_item"]'s decision (session data["rs_session"])
