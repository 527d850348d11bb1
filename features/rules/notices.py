"""The teachers' change notices of a loaded rule set, worked out beside the dispatcher in batches.

Confirming /rules stores the set with its notices pending (storage: rule_sets.notices_*); each step here
takes the next batch of teachers in progress, queues what the set changes for each in the outbox and
records the batch, in one transaction. A restart resumes after the last recorded batch; two workers never
tell a teacher twice (the batch is recorded only if no other worker recorded it first).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messaging import locale_of, reach_many
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.rules import views
from features.rules.service import RuleSetService
from scoring.calendar import academic_year
from storage.ruleset_repository import RuleSetRepository

log = logging.getLogger(__name__)

BATCH = 200  # teachers per transaction
CHECK_EVERY = 30.0  # seconds between looks for a set whose notices are pending


class ChangeNotices:
    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession], i18n: I18n, settings: Settings,
                 book: RuleBook, batch: int = BATCH) -> None:
        self.bot, self.sessions, self.i18n, self.settings, self.book = bot, sessions, i18n, settings, book
        self.batch = batch
        self._task: asyncio.Task[None] | None = None

    async def step(self) -> bool:
        """One batch of the earliest pending set's notices; False when no set's notices are pending."""
        async with self.sessions() as session:
            repo = RuleSetRepository(session)
            row = await repo.pending_notices()
            if row is None:
                return False
            await self.book.refresh(session, force=True)
            assert row.notices_on is not None
            profiles = await repo.teachers_in_progress(academic_year(row.notices_on), after=row.notices_after,
                                                       limit=self.batch)
            service = RuleSetService(session, self.book, self.settings)
            messages = await service.notices(row, profiles, self.i18n, views.changes_message)
            done = len(profiles) < self.batch
            after = profiles[-1].user_id if profiles else row.notices_after
            told, key, admin = row.notices_told + len(messages), row.key, row.loaded_by
            if not await repo.advance_notices(row, after, len(messages), datetime.now(UTC) if done else None):
                await session.rollback()  # another worker recorded this batch: it is theirs
                return True
            if done and admin is not None:  # None: the admin who loaded it has since been erased
                messages.append((admin, await self._report(session, key, told, admin)))
            await reach_many(session, self.bot, messages)
            await session.commit()
        return True

    async def _report(self, session: AsyncSession, key: str, told: int, admin: int) -> str:
        locale = await locale_of(session, admin, self.settings.default_locale)
        return views.notices_done_text(key, told, lambda text: self.i18n.gettext(text, locale=locale))

    async def run(self) -> None:
        """Every pending batch, until none is left."""
        while await self.step():
            pass

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            try:
                await self.run()
            except Exception:  # a database hiccup must not end the loop for good
                log.exception("Rule set notices failed")
            await asyncio.sleep(CHECK_EVERY)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


