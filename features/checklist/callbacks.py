"""Callback data of /checklist: the board, an item's card and its buttons. Client-controlled, re-checked."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class ChecklistAct(StrEnum):
    OPEN = "open"  # the card of `item`
    BACK = "back"  # the board again (the card's ✅ Done)
    REMOVE = "rm"  # detach the file `file` of `item`
    CLEAR = "clear"  # detach every file of `item` (🔁 Replace all)
    NOT_APPLICABLE = "na"  # `yes`: the optional `item` does not apply to her; not `yes`: it does after all
    IN_STATE_SYSTEMS = "ss"  # her answer (`yes`) to "is `item` in the state information systems?"


class ChecklistCallback(CallbackData, prefix="ck"):
    """An action on the checklist item `item` (a scoring.documents item id, re-checked against hers)."""

    action: ChecklistAct
    item: str = ""
    file: RowId = 0
    yes: bool = False
