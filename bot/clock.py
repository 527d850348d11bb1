"""The deployment's calendar day: what "today" is in its time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.settings import Settings


def local_today(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.timezone)).date()
