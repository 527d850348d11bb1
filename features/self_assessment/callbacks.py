"""Callback data of /score. Client-controlled: handlers re-check the state and the criterion."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# An indicator's number and its rating are small; anything else is forged (and refused by the factory).
SmallNumber = Annotated[int, Field(ge=0, le=999)]


class ScoreAct(StrEnum):
    """A button of the /score screens (the values are short: they travel in the callback data)."""

    VARIANT = "var"  # with or without criterion 1.1; value "1" / "0"
    GO = "go"  # open criterion `crit`
    SUMMARY = "sum"
    MORE = "more"  # record another kind of work on `crit`
    NEXT = "next"
    PREV = "prev"
    NONE = "none"  # "I have none": 0 points on `crit`
    LEVEL = "lv"  # value: the level's index, or "met" for a yes/no criterion
    COUNT = "count"  # value: how many events of the last kind of work
    COAUTHORED = "coauth"
    BONUS = "bonus"
    REMOVE_KIND = "kdel"  # value: "<position>-<level>"
    FILL_OBSERVATION = "obf"  # fill in one observation sheet, indicator by indicator
    REMOVE_OBSERVATION = "obx"
    STOP_FILLING = "obc"


class ScoreCallback(CallbackData, prefix="sc"):
    """An action on criterion `crit` of the open sheet; `value` is the level index, count or choice."""

    action: ScoreAct
    crit: str = ""
    value: str = ""


class ObservationCallback(CallbackData, prefix="ob"):
    """Rating `rating` of indicator number `index` of the observation sheet being filled in."""

    index: SmallNumber
    rating: SmallNumber
