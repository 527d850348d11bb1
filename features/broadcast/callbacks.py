"""Callback data of admin broadcasts (prefixes bc, bcseg, bcok, bcpay). Client-controlled: admins only, re-checked."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId
from storage.broadcast_repository import (
    SEGMENT_ALL,
    SEGMENT_CLAIMED,
    SEGMENT_COMMISSION,
    SEGMENT_DISTRICT,
    SEGMENT_NOT_SUBMITTED,
    SEGMENT_ORG,
    SEGMENT_REGION,
)


class ControlAct(StrEnum):
    """A button of the live progress message."""

    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    REFRESH = "refresh"


class Segment(StrEnum):
    """Who a broadcast reaches (the repository's segment kinds)."""

    ALL = SEGMENT_ALL
    NOT_SUBMITTED = SEGMENT_NOT_SUBMITTED
    REGION = SEGMENT_REGION
    DISTRICT = SEGMENT_DISTRICT
    ORG = SEGMENT_ORG
    CLAIMED = SEGMENT_CLAIMED
    COMMISSION = SEGMENT_COMMISSION


class BroadcastControlCallback(CallbackData, prefix="bc"):
    """Pause, resume, cancel or refresh broadcast `id`."""

    action: ControlAct
    id: RowId


class BroadcastSegmentCallback(CallbackData, prefix="bcseg"):
    """While composing: a segment kind, then (for region/category) its value; value '' = not chosen yet."""

    kind: Segment
    value: str = ""


class BroadcastConfirmCallback(CallbackData, prefix="bcok"):
    """Send the composed broadcast at the free rate, or cancel it."""

    confirm: bool


class BroadcastPaidCallback(CallbackData, prefix="bcpay"):
    """A paid broadcast: first what it would take and cost (`send` False), then its confirmation."""

    send: bool = False
