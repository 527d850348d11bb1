"""Callback data of commissions (prefixes cm, vt, pt). Client-controlled: handlers re-check everything."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class CmCallback(CallbackData, prefix="cm"):
    """A commission action `act` on the commission, application or session `ref`, with an argument."""

    act: str
    ref: RowId = 0
    arg: str = ""


class VoteCallback(CallbackData, prefix="vt"):
    """A member's vote: decision code `d` (scoring.commission.DECISION_CODES), then the category `cat`."""

    sid: RowId
    item: RowId
    d: str
    cat: str = ""


class PointsCallback(CallbackData, prefix="pt"):
    """A member scoring candidate `item` of session `sid`: action `a` (scoring.ScoreCallback's actions, plus
    open / back) on criterion `crit` with value `v`."""

    sid: RowId
    item: RowId
    a: str
    crit: str = ""
    v: str = ""
