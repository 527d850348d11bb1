"""Callback data of a commission's composition: creating it, its area, invites, the chair, its members.

Client-controlled: every press is re-checked on the server.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.callbacks import INT64_MAX, RowId
from scoring.categories import CommissionLevel
from scoring.commission import MemberRole

UserId = Annotated[int, Field(ge=0, le=INT64_MAX)]


class LevelCallback(CallbackData, prefix="cnl"):
    """/commission_new: the level of the new commission."""

    level: CommissionLevel


class RegionCallback(CallbackData, prefix="cnr"):
    """/commission_new: the region the new commission serves (scoring.regions)."""

    region: str


class DocumentsLanguageCallback(CallbackData, prefix="cng"):
    """/commission_new: the language of the new commission's documents."""

    code: str


class AreaAct(StrEnum):
    PAGE = "page"  # show page `page` of the list
    PICK = "pick"  # choose area `code`


class CommissionAreaCallback(CallbackData, prefix="ca"):
    """The district or city a commission serves, from the list (a new commission's, or an existing one's)."""

    act: AreaAct
    code: str = ""
    page: int = 0


class CommissionAct(StrEnum):
    INVITE_MEMBER = "invm"
    INVITE_SECRETARY = "invs"
    ELECT_CHAIR = "chairv"  # a member: the list to vote from
    RECORD_CHAIR = "rchair"  # an admin: the list to record an elected chair from
    REMOVE_MEMBER = "rmm"  # an admin: whom to remove
    SET_AREA = "setarea"  # an admin: the district or city it serves


class CommissionCallback(CallbackData, prefix="co"):
    """A button of the commission card, on commission `commission`."""

    act: CommissionAct
    commission: RowId


class MemberAct(StrEnum):
    VOTE_CHAIR = "chair"
    RECORD_CHAIR = "setchair"
    ASK_REMOVAL = "rmmask"  # are you sure?
    REMOVE = "rmmok"


class MemberCallback(CallbackData, prefix="cmb"):
    """An action on member `user` of commission `commission`."""

    act: MemberAct
    commission: RowId
    user: UserId


class InviteRoleCallback(CallbackData, prefix="inv"):
    """The role a new member states while using an invite."""

    role: MemberRole
