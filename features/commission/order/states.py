"""The steps of entering the order that assigns the categories."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class OrderForm(StatesGroup):
    """The order assigning the categories (§12): number, date, who issued it, who signs the certificates."""

    number = State()
    date = State()
    issuer = State()
    signatory = State()
    confirm = State()
