"""The one step of /revoke that waits: the admin confirms the revocation typed with its reason."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Revoking(StatesGroup):
    confirm = State()
