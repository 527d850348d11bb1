"""Callback data factories. Callback data is client-controlled: handlers re-check everything."""

from __future__ import annotations

import re
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Row ids are INTEGER columns (32 bits on PostgreSQL), Telegram user ids BIGINT. A forged number beyond
# them fails the factory's validation, so its button is answered as stale instead of breaking a query's
# bound parameter (pydantic also refuses digits such as "²" that str.isdigit() lets through).
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
RowId = Annotated[int, Field(ge=0, le=INT32_MAX)]
_ASCII_NUMBER = re.compile(r"[0-9]{1,19}")


def number_in(text: str, maximum: int) -> int | None:
    """A non-negative number carried as text in callback data (a user id, a row id): ASCII digits only,
    at most `maximum`; None for anything else."""
    if not _ASCII_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if value <= maximum else None


def row_id_in(text: str) -> int | None:
    return number_in(text, INT32_MAX)


def user_id_in(text: str) -> int | None:
    return number_in(text, INT64_MAX)


class LanguageCallback(CallbackData, prefix="lang"):
    code: str


class ConsentCallback(CallbackData, prefix="consent"):
    agree: bool


class ChoiceCallback(CallbackData, prefix="pick"):
    """An answer to the profile question `field`; accepted only while that question is open."""

    field: str
    value: str


class ToggleCallback(CallbackData, prefix="tick"):
    """Multi-select question: toggle `value`, or finish when value is '.'."""

    field: str
    value: str


class EditFieldCallback(CallbackData, prefix="edit"):
    field: str


class DeleteMeCallback(CallbackData, prefix="erase"):
    confirm: bool


class ReminderMuteCallback(CallbackData, prefix="rm"):
    mute: bool


class WindowCallback(CallbackData, prefix="win"):
    """Reset the application window of academic year `year` to the default."""

    action: str
    year: RowId


class AreaCallback(CallbackData, prefix="area"):
    """The district question: `action` page (show page `page` of the list) or pick (choose area `code`).
    Accepted only while that question is open, and only for an area of her region."""

    action: str
    code: str = ""
    page: int = 0
