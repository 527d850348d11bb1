"""Callback data of commissions (prefixes cm, inv, pt). Client-controlled: handlers re-check everything."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class CmCallback(CallbackData, prefix="cm"):
    """A commission action `act` on the commission, application or session `ref`, with an argument."""

    act: str
    ref: RowId = 0
    arg: str = ""


class InviteRoleCallback(CallbackData, prefix="inv"):
    """The role a new member states while using an invite."""

    role: str


class PointsCallback(CallbackData, prefix="pt"):
    """A member scoring candidate `item` of session `sid`: action `a` (scoring.ScoreCallback's actions, plus
    open / back) on criterion `crit` with value `v`."""

    sid: RowId
    item: RowId
    a: str
    crit: str = ""
    v: str = ""
