"""Callback data of /score (issue 4). Client-controlled: handlers re-check the state and the criterion."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ScoreCallback(CallbackData, prefix="sc"):
    """An action on criterion `crit` of the open sheet; `value` is the level index, count or choice."""

    action: str
    crit: str = ""
    value: str = ""


class ObservationCallback(CallbackData, prefix="ob"):
    """Rating `rating` of indicator number `index` of the observation sheet being filled in."""

    index: int
    rating: int
