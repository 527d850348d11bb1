"""Callback data of commission sessions: the secretary's panel and its actions. Client-controlled:
every press is re-checked on the server."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class SessionAct(StrEnum):
    PANEL = "panel"  # open the session's panel
    NEW = "new"  # a new session of commission `commission`
    ORDER = "order"  # enter the order assigning the categories of session `session`


class SessionCallback(CallbackData, prefix="ss"):
    """An action on session `session` (or, for NEW, on commission `commission`)."""

    act: SessionAct
    session: RowId = 0
    commission: RowId = 0
