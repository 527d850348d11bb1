"""Callback data of the export's buttons (prefix exp). Client-controlled: the handler re-checks the admin."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class ExportAct(StrEnum):
    CSV = "csv"  # the same rows as the workbook just sent, as a CSV file


class ExportCallback(CallbackData, prefix="exp"):
    act: ExportAct
