"""Callback data of /rules (prefix rs): the academic year a checked set starts, confirm, cancel."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class RulesAct(StrEnum):
    YEAR = "year"
    CONFIRM = "ok"
    CANCEL = "no"


class RulesCallback(CallbackData, prefix="rs"):
    act: RulesAct
    year: int = 0
