"""Callback data of a member scoring a candidate's sheet (prefix pt). Client-controlled: every press is
re-checked like a vote."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class PointsAct(StrEnum):
    """The sheet's buttons: those of /score a member gets (the same values as ScoreAct's), open and back."""

    OPEN = "open"  # from the ballot: the sheet's first criterion
    BACK = "back"  # to the ballot
    GO = "go"
    SUMMARY = "sum"
    NEXT = "next"
    PREV = "prev"
    NONE = "none"
    REMOVE_OBSERVATION = "obx"
    LEVEL = "lv"
    COUNT = "count"
    COAUTHORED = "coauth"
    BONUS = "bonus"
    REMOVE_KIND = "kdel"


class PointsCallback(CallbackData, prefix="pt"):
    """Action `a` of a member scoring candidate `item` of session `sid`, on criterion `crit` with value `v`."""

    sid: RowId
    item: RowId
    a: PointsAct
    crit: str = ""
    v: str = ""
