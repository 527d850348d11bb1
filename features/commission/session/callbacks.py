"""Callback data of commission sessions: the secretary's panel, attendance and the members' ballots.
Client-controlled: every press is re-checked on the server."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.callbacks import RowId
from scoring.categories import Category
from scoring.commission import Decision


class SessionAct(StrEnum):
    PANEL = "panel"  # open the session's panel
    NEW = "new"  # a new session of commission `commission`
    ORDER = "order"  # enter the order assigning the categories of session `session`
    OPEN = "open"  # open the session for attendance
    DATE = "date"  # change the date of a session not opened yet
    VOTING = "vote"  # start voting (the quorum is checked)
    PUT = "put"  # put candidate `item` to the vote
    CLOSE_VOTE = "close"  # close the vote on candidate `item`
    CLOSE_ANYWAY = "force"  # close it although those named by `absent` have not voted
    NUDGE = "nudge"  # send the ballot again to who has not voted on `item`
    REASON = "reason"  # type the reason of the decision on `item`
    POSTPONE_PICK = "ppick"  # choose the candidate to postpone
    POSTPONE_ASK = "ppask"  # confirm postponing `item`
    POSTPONE = "pp"  # postpone `item` to a later session
    CLOSE = "end"  # close the session and issue the documents


# service.absent_key: a fingerprint of the members who had not voted when "close anyway" was offered.
AbsentKey = Annotated[str, Field(pattern=r"^([0-9a-f]{8})?$")]


class SessionCallback(CallbackData, prefix="ss"):
    """A secretary's action on session `session` (or, for NEW, on commission `commission`)."""

    act: SessionAct
    session: RowId = 0
    commission: RowId = 0
    item: RowId = 0
    absent: AbsentKey = ""


class PresenceCallback(CallbackData, prefix="here"):
    """A member marks themselves present at session `session`."""

    session: RowId


class VoteCallback(CallbackData, prefix="vt"):
    """A press on a member's ballot on candidate `item`: a decision (then, where it needs one, its category);
    no decision is the way back from the categories to the decisions."""

    session: RowId
    item: RowId
    decision: Decision | None = None
    category: Category | None = None


class CandidateFilesCallback(CallbackData, prefix="vf"):
    """A member asks for the submitted files of candidate `item` of session `session`."""

    session: RowId
    item: RowId
