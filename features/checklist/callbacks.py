"""Callback data of /checklist: the board, an item's card and its buttons. Client-controlled, re-checked."""

from __future__ import annotations

import re
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


# The Mini App's "open in the chat" button: https://t.me/<bot>?start=ck-<item>. A /start payload is at most 64
# characters of A-Z a-z 0-9 _ - (Telegram's deep links); like callback data it is hers to forge, so the handler
# opens only an item of her own checklist.
ITEM_LINK_PREFIX = "ck-"
_ITEM_LINK = re.compile(rf"^{ITEM_LINK_PREFIX}([a-z0-9_]{{1,61}})$")


def item_link_payload(item_id: str) -> str:
    payload = f"{ITEM_LINK_PREFIX}{item_id}"
    assert _ITEM_LINK.match(payload), "a checklist item id fits a /start payload"
    return payload


def item_of_payload(payload: str | None) -> str | None:
    """The item id a /start payload names, or None when it is not one of ours."""
    found = _ITEM_LINK.match(payload or "")
    return found.group(1) if found else None
