"""Callback data of /submit, /withdraw and the admins' /window. Client-controlled, re-checked."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class SubmissionAct(StrEnum):
    SUBMIT = "submit"  # file the application with the commission working in this bot
    PACKAGE = "package"  # a portal deployment: the package and the portal's steps
    WITHDRAW = "withdraw"  # withdraw the submitted application
    KEEP = "keep"  # "Not now": nothing changes


class SubmissionCallback(CallbackData, prefix="sub"):
    action: SubmissionAct


class WindowAct(StrEnum):
    RESET = "reset"  # back to the rule set's default window


class WindowCallback(CallbackData, prefix="win"):
    """An admin's action on the application window of academic year `year`."""

    action: WindowAct
    year: RowId
