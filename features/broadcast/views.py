"""Broadcast screens: the composer's segment and confirmation, and the admin's live progress message (text and
control buttons, in the admin's language).

`tr` is the translation function: the handler's gettext for the current update, or the sender's
`i18n.gettext(..., locale=admin_locale)` when it edits the message in the background.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import in_reading_order
from bot.keyboards import grid
from features.broadcast.callbacks import (
    BroadcastConfirmCallback,
    BroadcastControlCallback,
    BroadcastSegmentCallback,
    ControlAct,
    Segment,
)
from features.broadcast.service import StatusReport
from scoring.categories import Category
from scoring.i18n import N_
from scoring.regions import REGIONS, region_by_id
from storage.broadcast_models import Broadcast, BroadcastStatus, RecipientStatus

Translate = Callable[[str], str]

STATUS_LABELS = {
    BroadcastStatus.RUNNING: N_("sending"),
    BroadcastStatus.PAUSED: N_("paused"),
    BroadcastStatus.CANCELLED: N_("cancelled"),
    BroadcastStatus.DONE: N_("finished"),
}


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_text(tr: Translate, broadcast: Broadcast, counts: dict[str, int], rate: float | None,
                  configured_rate: float) -> str:
    """Sent / failed / blocked / remaining, the rate and the ETA; at the end, the summary."""
    remaining = counts.get(RecipientStatus.PENDING, 0) + counts.get(RecipientStatus.SENDING, 0)
    lines = [
        tr(N_("Broadcast #{id}: {status}")).format(
            id=broadcast.id, status=tr(STATUS_LABELS[BroadcastStatus(broadcast.status)])),
        tr(N_("Recipients: {total}")).format(total=broadcast.total),
        tr(N_("Sent: {n}")).format(n=counts.get(RecipientStatus.SENT, 0)),
        tr(N_("Failed: {n}")).format(n=counts.get(RecipientStatus.FAILED, 0)),
        tr(N_("Blocked the bot: {n}")).format(n=counts.get(RecipientStatus.BLOCKED, 0)),
    ]
    if counts.get(RecipientStatus.UNKNOWN):
        lines.append(tr(N_("In doubt after a restart (not resent): {n}")).format(n=counts[RecipientStatus.UNKNOWN]))
    if counts.get(RecipientStatus.CANCELLED):
        lines.append(tr(N_("Not sent (cancelled): {n}")).format(n=counts[RecipientStatus.CANCELLED]))
    if broadcast.status in (BroadcastStatus.RUNNING, BroadcastStatus.PAUSED):
        lines.append(tr(N_("Remaining: {n}")).format(n=remaining))
    if broadcast.status == BroadcastStatus.RUNNING:
        speed = rate if rate else configured_rate
        lines.append(tr(N_("Rate: {rate} msg/s, about {eta} left")).format(
            rate=f"{speed:.1f}", eta=_duration(remaining / speed)))
    if broadcast.status == BroadcastStatus.DONE and broadcast.started_at and broadcast.finished_at:
        lines.append(tr(N_("Took {time}.")).format(
            time=_duration((broadcast.finished_at - broadcast.started_at).total_seconds())))
    return "\n".join(lines)


def control_keyboard(tr: Translate, broadcast: Broadcast) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()

    def button(text: str, act: ControlAct) -> None:
        builder.button(text=tr(text), callback_data=BroadcastControlCallback(action=act, id=broadcast.id))

    if broadcast.status == BroadcastStatus.RUNNING:
        button(N_("⏸ Pause"), ControlAct.PAUSE)
    elif broadcast.status == BroadcastStatus.PAUSED:
        button(N_("▶️ Resume"), ControlAct.RESUME)
    else:
        return None
    button(N_("⏹ Cancel"), ControlAct.CANCEL)
    button(N_("🔄 Refresh"), ControlAct.REFRESH)
    return builder.as_markup()


# --- composing (the current update's language) -----------------------------------------------------

SEGMENT_LABELS: dict[Segment, str] = {
    Segment.ALL: N_("All teachers"),
    Segment.NOT_SUBMITTED: N_("Not yet submitted"),
    Segment.REGION: N_("By region"),
    Segment.DISTRICT: N_("By district"),
    Segment.ORG: N_("By organisation"),
    Segment.CLAIMED: N_("By claimed category"),
    Segment.COMMISSION: N_("Commission members"),
}


def segment_keyboard() -> InlineKeyboardMarkup:
    return grid([
        InlineKeyboardButton(text=_(label), callback_data=BroadcastSegmentCallback(kind=kind).pack())
        for kind, label in SEGMENT_LABELS.items()
    ])


def value_keyboard(kind: Segment) -> InlineKeyboardMarkup:
    """The regions, or the categories, to pick one from."""
    if kind is Segment.REGION:
        options = in_reading_order((region.id, region.label) for region in REGIONS)
    else:
        options = [(category.value, category.label) for category in Category]
    return grid([
        InlineKeyboardButton(text=_(label), callback_data=BroadcastSegmentCallback(kind=kind, value=value).pack())
        for value, label in options
    ], 2)


def segment_description(kind: Segment, value: str | None) -> str:
    label = _(SEGMENT_LABELS[kind])
    if kind is Segment.REGION and value:
        region = region_by_id(value)
        return f"{label}: {_(region.label) if region else value}"
    if kind is Segment.CLAIMED and value:
        return f"{label}: {_(Category(value).label)}"
    return f"{label}: {value}" if value else label


def confirm_text(kind: Segment, value: str | None, count: int) -> tuple[str, InlineKeyboardMarkup]:
    """The recipient count under the two texts, then Confirm / Cancel."""
    text = _("Segment: {segment}\nRecipients: {count}\n\nThe Kazakh and the Russian text are the two messages "
             "above.").format(segment=segment_description(kind, value), count=count)
    return text, InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=_("✅ Send to {count}").format(count=count),
                             callback_data=BroadcastConfirmCallback(confirm=True).pack()),
        InlineKeyboardButton(text=_("❌ Cancel"), callback_data=BroadcastConfirmCallback(confirm=False).pack()),
    ]])


def status_text(report: StatusReport, configured_rate: float) -> str:
    """/broadcast_status: the newest broadcast's progress, then a line for each one before it."""
    newest = report.newest
    text = progress_text(_, newest.broadcast, newest.counts, None, configured_rate)
    if not report.older:
        return text
    lines = [_("Earlier:")]
    for item in report.older:
        lines.append(_("#{id}: {sent} of {total} sent").format(id=item.broadcast.id, sent=item.counts.get("sent", 0),
                                                                total=item.broadcast.total))
    return text + "\n\n" + "\n".join(lines)
