"""Texts and keyboards of /window: this and next academic year's windows, and the reset buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from features.submission.callbacks import WindowAct, WindowCallback
from features.submission.window.service import YearWindow
from scoring.dates import format_day


def windows_view(windows: list[YearWindow]) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [_("Application windows:")]
    buttons = []
    for w in windows:
        source = _("set by an admin") if w.set_by_admin else _("default")
        lines.append(_("{year}/{next}: {opens} – {closes} ({source})").format(
            year=w.year, next=w.year + 1, opens=format_day(w.opens), closes=format_day(w.closes), source=source))
        if w.set_by_admin:
            buttons.append(InlineKeyboardButton(
                text=_("↩️ Default for {year}/{next}").format(year=w.year, next=w.year + 1),
                callback_data=WindowCallback(action=WindowAct.RESET, year=w.year).pack()))
    lines.append("")
    lines.append(_("To set one: /window 01.09.2026 31.12.2026 (the academic year is the one the first day "
                   "falls in), or /window 2025 01.06.2026 31.08.2026 to name the academic year."))
    markup = InlineKeyboardMarkup(inline_keyboard=[[b] for b in buttons]) if buttons else None
    return "\n".join(lines), markup


def window_set_text(w: YearWindow) -> str:
    return _("The application window of {year}/{next} is now {opens} – {closes}.").format(
        year=w.year, next=w.year + 1, opens=format_day(w.opens), closes=format_day(w.closes))


def window_reset_text() -> str:
    return _("Back to the default window.")
