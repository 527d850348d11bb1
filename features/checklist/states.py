"""FSM states of /checklist: an item's card open, waiting for its files."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class ChecklistForm(StatesGroup):
    uploading = State()  # data: {"item": item id}
