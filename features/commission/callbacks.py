"""Callback data of commissions (prefixes cm, inv). Client-controlled: handlers re-check everything.

A member's scoring of a sheet has its own factory: features.commission.points.callbacks.PointsCallback.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId
from features.commission.points.callbacks import PointsCallback

# Re-exported until the ballot builds its button with features.commission.points.views.points_button.
__all__ = ["CmCallback", "PointsCallback"]


class CmCallback(CallbackData, prefix="cm"):
    """A commission action `act` on the commission, application or session `ref`, with an argument."""

    act: str
    ref: RowId = 0
    arg: str = ""


