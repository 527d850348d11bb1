"""The deployment's calendar day: what "today" is in its time zone (or the fixed day of the sandbox and tests)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.settings import Settings


def local_today(settings: Settings) -> date:
    """Today in TIMEZONE; CLOCK_FIXED_DATE instead when it is set (the sandbox and tests only)."""
    if settings.clock_fixed_date is not None:
        return settings.clock_fixed_date
    return datetime.now(ZoneInfo(settings.timezone)).date()
