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
    BroadcastPaidCallback,
    BroadcastSegmentCallback,
    ControlAct,
    Segment,
)
from features.broadcast.service import Estimate, StatusReport
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
    if broadcast.paid:
        lines.append(tr(N_("Paid broadcast: Telegram Stars are withdrawn from the bot's balance.")))
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


def _rate(rate: float) -> str:
    return f"{rate:g}"


def _stars(stars: int) -> str:
    return f"{stars:,}".replace(",", "\u00a0")  # 50 000: the thousands separator of Kazakh and Russian


def spoken_duration(seconds: float) -> str:
    """About how long: «5 h 33 min», «8 min 20 s», «40 s»."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    if minutes:
        return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=secs)
    return _("{seconds} s").format(seconds=secs)


def confirm_text(kind: Segment, value: str | None, estimate: Estimate) -> tuple[str, InlineKeyboardMarkup]:
    """The recipient count under the two texts and the time at the free rate, then Send / Paid… / Cancel."""
    count = estimate.count
    text = _("Segment: {segment}\nRecipients: {count}\n\nThe Kazakh and the Russian text are the two messages "
             "above.").format(segment=segment_description(kind, value), count=count)
    text += "\n" + _("At the free rate ({rate} messages/s) it takes about {time}.").format(
        rate=_rate(estimate.free_rate), time=spoken_duration(estimate.free_seconds))
    return text, InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=_("✅ Send to {count}").format(count=count),
                             callback_data=BroadcastConfirmCallback(confirm=True).pack()),
        InlineKeyboardButton(text=_("❌ Cancel"), callback_data=BroadcastConfirmCallback(confirm=False).pack()),
    ], [
        InlineKeyboardButton(text=_("⭐ Faster, paid…"), callback_data=BroadcastPaidCallback().pack()),
    ]])


def paid_confirm_text(estimate: Estimate) -> tuple[str, InlineKeyboardMarkup]:
    """A paid broadcast's time and cost in Stars, then Send paid / Send free / Cancel."""
    text = _("A paid broadcast sends up to {rate} messages/s: about {time} for {count} recipients instead of "
             "{free_time}. Telegram charges {price} Star per message: about {stars} Stars from the bot's "
             "balance.").format(
        rate=_rate(estimate.paid_rate), time=spoken_duration(estimate.paid_seconds), count=estimate.count,
        free_time=spoken_duration(estimate.free_seconds), price=_rate(estimate.stars_per_message),
        stars=_stars(estimate.paid_stars))
    return text, InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=_("⭐ Send paid, about {stars} Stars").format(stars=_stars(estimate.paid_stars)),
                             callback_data=BroadcastPaidCallback(send=True).pack()),
    ], [
        InlineKeyboardButton(text=_("✅ Send free, {count}").format(count=estimate.count),
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
