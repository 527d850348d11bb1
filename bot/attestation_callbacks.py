"""Callback data of the "what next" steps; the checklist's, essay's and submission's are in their areas."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

# Still imported from here by the guidance and self-assessment areas.
from features.checklist.callbacks import ChecklistCallback
from features.submission.callbacks import SubmissionCallback

__all__ = ["ChecklistCallback", "GuideCallback", "SubmissionCallback"]


class GuideCallback(CallbackData, prefix="go"):
    """A step of the "what next" message or a fix offered by the readiness check, opened as its command
    would open it: "checklist", "item" (with `item`), "essay", "score", "submit", "profile" (finish it),
    "edit" (review it). Nothing is trusted: each step re-reads the teacher's own data."""

    step: str
    item: str = ""
