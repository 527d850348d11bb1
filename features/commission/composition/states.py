"""The steps of creating a commission, of choosing an existing commission's area, and of joining one."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class NewCommission(StatesGroup):
    level = State()
    name = State()
    region = State()
    area = State()
    organisation = State()
    order_number = State()
    order_date = State()
    language = State()


class CommissionArea(StatesGroup):
    """The admin chooses the area of an existing commission (one whose typed area matched no list entry)."""

    area = State()  # data["commission"]


class Join(StatesGroup):
    role = State()  # data["code"]: the invite
    name = State()
