"""Callback data of the dossier buttons (/status, the applicant's card). Client-controlled: every press re-checked."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class DossierAct(StrEnum):
    OWN = "own"  # the teacher's own (from /status)
    REVIEW = "rev"  # a commission's (from the applicant's card)


class DossierCallback(CallbackData, prefix="dos"):
    """The dossier of application `application`; for OWN, 0 is what she has prepared (nothing filed yet)."""

    act: DossierAct
    application: RowId
