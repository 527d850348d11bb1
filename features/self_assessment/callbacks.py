"""Callback data of /score. Client-controlled: handlers re-check the state and the criterion."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# An indicator's number and its rating are small; anything else is forged (and refused by the factory).
SmallNumber = Annotated[int, Field(ge=0, le=999)]


class ScoreCallback(CallbackData, prefix="sc"):
    """An action on criterion `crit` of the open sheet; `value` is the level index, count or choice."""

    action: str
    crit: str = ""
    value: str = ""


class ObservationCallback(CallbackData, prefix="ob"):
    """Rating `rating` of indicator number `index` of the observation sheet being filled in."""

    index: SmallNumber
    rating: SmallNumber
