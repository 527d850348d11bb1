"""The application window of each academic year: the admin's (/window) or the default of the rule set."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal
from scoring.calendar import academic_year, default_window
from scoring.config import Rules
from scoring.dates import parse_day
from scoring.i18n import N_, Phrase
from storage.reminder_repository import ReminderRepository

MAX_WINDOW_DAYS = 366
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class YearWindow:
    """When applications of academic year `year` (starting in it) are accepted."""

    year: int
    opens: date
    closes: date
    set_by_admin: bool


@dataclass(frozen=True)
class WindowSetting:
    """/window [year] opens closes, as typed: the year is the one `opens` falls in unless named."""

    year: int | None
    opens: date
    closes: date


def window_setting_of(args: list[str]) -> WindowSetting:
    """Two days (D.M.YYYY or YYYY-MM-DD), optionally after the academic year; refused if unreadable."""
    year = int(args.pop(0)) if len(args) == 3 and _YEAR.fullmatch(args[0]) else None
    days = [parse_day(a, iso=True) for a in args] if len(args) == 2 else []
    if len(days) != 2 or days[0] is None or days[1] is None:
        raise Refusal(Phrase(N_("I could not read that. Send two dates, e.g. /window 01.09.2026 31.12.2026.")))
    return WindowSetting(year, days[0], days[1])


class WindowService:
    def __init__(self, session: AsyncSession, timezone: str, rules_of_year: Callable[[int], Rules]) -> None:
        """`rules_of_year`: the rule sections judging an academic year (its default window)."""
        self.repo = ReminderRepository(session)
        self.tz = ZoneInfo(timezone)
        self.rules_of_year = rules_of_year

    async def current(self, now: datetime) -> list[YearWindow]:
        """The windows of this academic year and the next."""
        year = academic_year(now.astimezone(self.tz).date())
        stored = await self.repo.windows([year, year + 1])
        return [YearWindow(y, *(stored.get(y) or default_window(y, self.rules_of_year(y))), set_by_admin=y in stored)
                for y in (year, year + 1)]

    async def set(self, setting: WindowSetting, by: int) -> YearWindow:
        if setting.closes < setting.opens:
            raise Refusal(Phrase(N_("The window must close after it opens.")))
        if setting.closes - setting.opens > timedelta(days=MAX_WINDOW_DAYS):
            raise Refusal(Phrase(N_("A window can be at most one year long.")))
        year = setting.year if setting.year is not None else academic_year(setting.opens)
        await self.repo.set_window(year, setting.opens, setting.closes, by)
        return YearWindow(year, setting.opens, setting.closes, set_by_admin=True)

    async def reset(self, year: int) -> None:
        """Back to the rule set's default window."""
        await self.repo.reset_window(year)
