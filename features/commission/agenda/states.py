"""The steps of the secretary's refusal of an application: its grounds, then the documents concerned."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Refuse(StatesGroup):
    grounds = State()  # data: "application", "grounds" ticked so far, "card" (the card's message id)
    documents = State()
