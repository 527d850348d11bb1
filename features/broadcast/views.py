"""The admin's live progress message of a broadcast: text and control buttons, in the admin's language.

`tr` is the translation function: the handler's gettext for the current update, or the sender's
`i18n.gettext(..., locale=admin_locale)` when it edits the message in the background.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import BroadcastControlCallback
from scoring.i18n import N_
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
    if broadcast.status == BroadcastStatus.RUNNING:
        builder.button(text=tr(N_("⏸ Pause")), callback_data=BroadcastControlCallback(action="pause", id=broadcast.id))
    elif broadcast.status == BroadcastStatus.PAUSED:
        builder.button(text=tr(N_("▶️ Resume")),
                       callback_data=BroadcastControlCallback(action="resume", id=broadcast.id))
    else:
        return None
    builder.button(text=tr(N_("⏹ Cancel")), callback_data=BroadcastControlCallback(action="cancel", id=broadcast.id))
    builder.button(text=tr(N_("🔄 Refresh")), callback_data=BroadcastControlCallback(action="refresh", id=broadcast.id))
    return builder.as_markup()
