"""The scheduler's look at open complaints: whoever holds one is reminded before its deadline, the admins are
told of one past it. Each once per deadline: the mark and the messages (outbox) are one transaction, so a
restart neither repeats nor loses them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import local_today
from bot.messaging import locale_of
from bot.pipeline.outbox import encode
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.appeals import views
from features.appeals.service import AppealService, current_deadline
from scoring import appeals
from storage.appeal_models import Appeal
from storage.outbox_repository import OutboxRepository

log = logging.getLogger(__name__)


class AppealWatch:
    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession], i18n: I18n, settings: Settings,
                 rule_book: RuleBook) -> None:
        self.bot, self.sessions, self.i18n, self.settings, self.book = bot, sessions, i18n, settings, rule_book

    async def run(self) -> tuple[int, int]:
        """(reminders, overdue reports) sent now."""
        reminded = flagged = 0
        async with self.sessions() as session:
            service = AppealService(session, self.settings, self.book, local_today(self.settings))
            for appeal in await service.open_appeals():
                sent = await self._look_at(session, service, appeal)
                reminded += sent == "reminded"
                flagged += sent == "overdue"
            await session.commit()
        if reminded or flagged:
            log.info("complaints: %d reminder(s), %d overdue report(s)", reminded, flagged)
        return reminded, flagged

    async def _look_at(self, session: AsyncSession, service: AppealService, appeal: Appeal) -> str | None:
        deadline, today = current_deadline(appeal), service.today
        if appeals.is_overdue(deadline, today):
            people = [a for a in self.settings.admin_ids if a != appeal.user_id]
            if people and await service.mark_reported_overdue(appeal, deadline):
                await self._send(session, appeal, people, lambda t: views.overdue_text(t, appeal, deadline))
                return "overdue"
            return None
        periods = await service.periods(appeal.application_id)
        if today >= appeals.reminder_day(deadline, periods):
            people = await service.holders(appeal)
            if people and await service.mark_reminded(appeal, deadline):
                await self._send(session, appeal, people, lambda t: views.reminder_text(t, appeal, deadline))
                return "reminded"
        return None

    async def _send(self, session: AsyncSession, appeal: Appeal, people: list[int],
                    text_of: Callable[[views.Translate], str]) -> None:
        """Each in her language, with the complaint's buttons: queued in the outbox with this transaction."""
        rows = []
        for person in people:
            t = partial(self.i18n.gettext, locale=await locale_of(session, person, self.settings.default_locale))
            call = SendMessage(chat_id=person, text=text_of(t), reply_markup=views.desk_keyboard(t, appeal))
            rows.append((person, call.__api_method__, await encode(self.bot, call)))
        await OutboxRepository(session).queue_many(rows, datetime.now(UTC))
