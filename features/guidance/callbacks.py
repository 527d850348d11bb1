"""Callback data of the "what next" steps and the readiness check's fixes."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class GuideStep(StrEnum):
    """What a guidance button opens, as its command would open it."""

    CHECKLIST = "checklist"
    ITEM = "item"  # an item of the checklist (`item`)
    ESSAY = "essay"
    SCORE = "score"
    SUBMIT = "submit"
    PROFILE = "profile"  # finish it: the next unanswered question
    EDIT = "edit"  # review it: the profile card


class GuideCallback(CallbackData, prefix="go"):
    """A step of the "what next" message or a fix offered by the readiness check. Nothing is trusted: each
    step re-reads the teacher's own data."""

    step: GuideStep
    item: str = ""
