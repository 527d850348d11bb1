"""Callback data of commissions (prefixes cm, vt, inv). Client-controlled: handlers re-check everything.

A member's scoring of a sheet has its own factory: features.commission.points.callbacks.PointsCallback.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId
from features.commission.points.callbacks import PointsCallback

# Re-exported until the ballot builds its button with features.commission.points.views.points_button.
__all__ = ["CmCallback", "InviteRoleCallback", "PointsCallback", "VoteCallback"]


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


class InviteRoleCallback(CallbackData, prefix="inv"):
    """The role a new member states while using an invite."""

    role: str
