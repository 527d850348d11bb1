"""Callback data of complaints (§26). Client-controlled: every press is re-checked on the server."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId
from storage.appeal_models import AppealSubject


class AppealStartCallback(CallbackData, prefix="apl"):
    """/status: complain about the refusal or decision `subject` on application `application`."""

    application: RowId
    subject: AppealSubject


class FormAct(StrEnum):
    FILES_DONE = "done"  # no more files
    ATTEND = "attend"  # she wants to attend the review
    ABSENT = "absent"  # she does not


class AppealFormCallback(CallbackData, prefix="aplf"):
    act: FormAct


class DeskAct(StrEnum):
    FORWARD = "fwd"  # recorded as sent to the quality-control body
    SCHEDULE = "sched"  # the review's date and time (typed next)
    REVOTE = "revote"  # upheld: the commission votes again
    CORRECT = "correct"  # upheld: the decision is corrected
    REJECT = "reject"  # rejected (the reasons typed next)


class AppealDeskCallback(CallbackData, prefix="apld"):
    """A holder's action on complaint `appeal`."""

    act: DeskAct
    appeal: RowId
