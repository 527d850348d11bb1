"""Callback data of the checklist, essay and submission; client-controlled, re-checked."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ChecklistCallback(CallbackData, prefix="ck"):
    """/checklist: open an item, go back, remove a file (arg = file row id), clear an item's files,
    mark not applicable (arg 1/0), answer "in state systems?" (arg 1/0)."""

    action: str
    item: str = ""
    arg: str = ""


class EssayCallback(CallbackData, prefix="es"):
    """/essay: finish the pasted messages ("done") or drop them ("cancel")."""

    action: str


class SubmissionCallback(CallbackData, prefix="sub"):
    """/submit and /withdraw confirmations: "submit", "withdraw", "keep"."""

    action: str
