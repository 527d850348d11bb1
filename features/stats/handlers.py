"""/stats (administrators): this academic year's progress in numbers, then the same as a chart."""

from __future__ import annotations

import asyncio
from functools import partial

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import IsAdmin
from bot.refusal import Refusal
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.checklist.service import Clock, utc_now
from features.stats.service import StatsService
from features.stats.views import report_chart, report_text
from scoring.i18n import N_, Phrase


async def stats_command(message: Message, session: AsyncSession, settings: Settings, i18n: I18n,
                        rule_book: RuleBook, clock: Clock = utc_now) -> None:
    now = clock()
    ruleset = rule_book.in_force(now, settings.timezone)
    report = await StatsService(session, ruleset, settings.timezone).report(now, settings.clock_fixed_date)
    locale = i18n.current_locale

    def tr(text: str) -> str:
        return i18n.gettext(text, locale=locale)

    await message.answer(report_text(report, tr, locale))
    # Drawing takes a noticeable fraction of a second: off the event loop, so other chats are not held up.
    chart = await asyncio.to_thread(partial(report_chart, report, tr, locale))
    await message.answer_photo(BufferedInputFile(chart, filename=f"attestation-{report.year}.png"))


async def not_for_you(message: Message) -> None:
    raise Refusal(Phrase(N_("This command is for administrators only.")))


def create_router() -> Router:
    router = Router(name="stats")
    router.message.register(stats_command, Command("stats"), IsAdmin())
    router.message.register(not_for_you, Command("stats"), ~IsAdmin())
    return router
