"""Callback data of the secretary's review of applications. Client-controlled: every press is re-checked."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId
from scoring.commission import RefusalGround


class ReviewAct(StrEnum):
    CARD = "card"  # the applicant's card
    FILES = "files"  # the files of the application, sent to the secretary
    ACCEPT = "acc"  # accept it for a session
    REFUSE = "ref"  # refuse it: grounds, then the documents concerned


class ReviewCallback(CallbackData, prefix="rv"):
    """The secretary's action on application `application`."""

    act: ReviewAct
    application: RowId


class GroundCallback(CallbackData, prefix="rg"):
    """While refusing application `application`: tick or untick a ground."""

    application: RowId
    ground: RefusalGround


class GroundsChosenCallback(CallbackData, prefix="rgd"):
    """While refusing application `application`: the grounds are chosen."""

    application: RowId
