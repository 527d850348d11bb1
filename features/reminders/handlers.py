"""/reminders (a teacher mutes or unmutes reminders) and /window (admins set the application window)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from bot.views import answer_stale
from features.reminders.callbacks import ReminderMuteCallback
from features.submission.callbacks import WindowCallback
from scoring.calendar import academic_year, default_window
from scoring.config import default_rules
from storage.profile_models import User
from storage.reminder_repository import ReminderRepository

MAX_WINDOW_DAYS = 366


# --- /reminders -----------------------------------------------------------------------------------


def _reminders_view(muted: bool) -> tuple[str, InlineKeyboardMarkup]:
    if muted:
        text = _("Reminders are off: you will not get deadline or category-expiry reminders.")
        button = InlineKeyboardButton(text=_("🔔 Turn reminders on"),
                                      callback_data=ReminderMuteCallback(mute=False).pack())
    else:
        text = _("Reminders are on: the bot reminds you of the application window, its deadline and "
                 "your category's expiry (never between 21:00 and 09:00).")
        button = InlineKeyboardButton(text=_("🔕 Turn reminders off"),
                                      callback_data=ReminderMuteCallback(mute=True).pack())
    return text, InlineKeyboardMarkup(inline_keyboard=[[button]])


async def reminders_command(message: Message, session: AsyncSession, db_user: User) -> None:
    text, markup = _reminders_view(await ReminderRepository(session).is_muted(db_user.id))
    await message.answer(text, reply_markup=markup)


async def set_mute(callback: CallbackQuery, callback_data: ReminderMuteCallback, session: AsyncSession,
                   db_user: User) -> None:
    # Anyone may press it, but only for themselves: the user is the one who pressed.
    await ReminderRepository(session).set_muted(db_user.id, callback_data.mute)
    await callback.answer(_("Reminders off.") if callback_data.mute else _("Reminders on."))
    text, markup = _reminders_view(callback_data.mute)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)


# --- /window --------------------------------------------------------------------------------------

DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")


def parse_day(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


async def _windows_text(session: AsyncSession, settings: Settings) -> tuple[str, InlineKeyboardMarkup | None]:
    today = datetime.now(UTC).astimezone(ZoneInfo(settings.timezone)).date()
    year = academic_year(today)
    stored = await ReminderRepository(session).windows([year, year + 1])
    lines = [_("Application windows:")]
    buttons = []
    for y in (year, year + 1):
        opens, closes = stored.get(y) or default_window(y, default_rules())
        source = _("set by an admin") if y in stored else _("default")
        lines.append(_("{year}/{next}: {opens} – {closes} ({source})").format(
            year=y, next=y + 1, opens=_fmt(opens), closes=_fmt(closes), source=source))
        if y in stored:
            buttons.append(InlineKeyboardButton(
                text=_("↩️ Default for {year}/{next}").format(year=y, next=y + 1),
                callback_data=WindowCallback(action="reset", year=y).pack()))
    lines.append("")
    lines.append(_("To set one: /window 01.09.2026 31.12.2026 (the academic year is the one the first day "
                   "falls in), or /window 2025 01.06.2026 31.08.2026 to name the academic year."))
    markup = InlineKeyboardMarkup(inline_keyboard=[[b] for b in buttons]) if buttons else None
    return "\n".join(lines), markup


async def window_command(message: Message, command: CommandObject, session: AsyncSession, settings: Settings,
                         db_user: User, is_admin: bool = False) -> None:
    if not is_admin:
        await message.answer(_("This command is for administrators only."))
        return
    args = (command.args or "").split()
    if not args:
        text, markup = await _windows_text(session, settings)
        await message.answer(text, reply_markup=markup)
        return
    year: int | None = None
    if len(args) == 3 and re.fullmatch(r"\d{4}", args[0]):
        year = int(args.pop(0))
    days = [parse_day(a) for a in args] if len(args) == 2 else []
    if len(days) != 2 or days[0] is None or days[1] is None:
        await message.answer(_("I could not read that. Send two dates, e.g. /window 01.09.2026 31.12.2026."))
        return
    opens, closes = days[0], days[1]
    if closes < opens:
        await message.answer(_("The window must close after it opens."))
        return
    if closes - opens > timedelta(days=MAX_WINDOW_DAYS):
        await message.answer(_("A window can be at most one year long."))
        return
    year = year if year is not None else academic_year(opens)
    await ReminderRepository(session).set_window(year, opens, closes, db_user.id)
    await message.answer(_("The application window of {year}/{next} is now {opens} – {closes}.").format(
        year=year, next=year + 1, opens=_fmt(opens), closes=_fmt(closes)))


async def window_reset(callback: CallbackQuery, callback_data: WindowCallback, session: AsyncSession,
                       settings: Settings, is_admin: bool = False) -> None:
    if not is_admin:
        await callback.answer(_("This command is for administrators only."), show_alert=True)
        return
    if callback_data.action != "reset":
        await answer_stale(callback)
        return
    await ReminderRepository(session).reset_window(callback_data.year)
    await callback.answer(_("Back to the default window."))
    text, markup = await _windows_text(session, settings)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="reminders")
    router.message.register(reminders_command, Command("reminders"))
    router.callback_query.register(set_mute, ReminderMuteCallback.filter())
    router.message.register(window_command, Command("window"))
    router.callback_query.register(window_reset, WindowCallback.filter())
    return router
