"""Sends the reminders that are due, each once, in the teacher's language.

Decisions are pure (scoring/reminders.py); for the teachers they are turned into queries
(selection.py) that find, a range of teachers at a time, who is due and not yet in `sent_reminders`
(an anti-join on its unique key). Each batch of about a second's sends: its keys are inserted and
committed (the claim: a key another process or run inserted first is skipped), then the messages are
sent, then the outcomes are recorded in one statement. A crash between the claim and the sends loses
those reminders (at most a batch) rather than sending any twice.

Other areas add reminders by appending a provider to `ReminderService.providers` (e.g. the
commission secretaries' working-day deadlines): a provider returns (user id, locale, occasion, extra
text) candidates and gets the same once-only claim, quiet hours are its own business.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messaging import locales_of
from bot.pipeline.metrics import REMINDER_RUN_FINISHED, REMINDERS
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.broadcast.delivery import Outcome, RateLimiter, RetryPolicy, send_paced
from features.checklist.service import ChecklistService
from features.commission.reminders import remind_secretaries
from features.reminders.selection import plan_teacher_reminders
from scoring import documents
from scoring.calendar import academic_year, default_window, is_working_day
from scoring.config import Rules
from scoring.i18n import N_, Phrase
from scoring.reminders import (
    Occasion,
    ReminderKind,
    ReminderRules,
    session_eve_occasion,
    windows_to_check,
)
from storage.broadcast_repository import BroadcastRepository
from storage.commission_models import SessionStatus
from storage.commission_repository import CommissionRepository
from storage.reminder_repository import PageKey, ReminderRepository

log = logging.getLogger(__name__)

# Reminders per selection query: a page's are sent before the next page is read, so memory stays
# bounded whatever the country's size.
SELECTION_PAGE = 5_000
# The most keys claimed in one statement (at a paid broadcast rate; at the free rate, a second's worth).
CLAIM_BATCH_MAX = 500


@dataclass(frozen=True)
class Candidate:
    user_id: int
    locale: str
    occasion: Occasion


Provider = Callable[[AsyncSession, datetime], Awaitable[list[Candidate]]]


async def window_of(session: AsyncSession, years: list[int], rules: Rules) -> dict[int, tuple]:
    """Each academic year's window: the admin's (/window) or the default of the rule set."""
    stored = await ReminderRepository(session).windows(years)
    return {year: stored.get(year) or default_window(year, rules) for year in years}


class ReminderPreferences:
    """Whether a teacher wants reminders (/reminders)."""

    def __init__(self, session: AsyncSession) -> None:
        self.repo = ReminderRepository(session)

    async def is_muted(self, user_id: int) -> bool:
        return await self.repo.is_muted(user_id)

    async def set_muted(self, user_id: int, muted: bool) -> None:
        await self.repo.set_muted(user_id, muted)


class ReminderService:
    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession], i18n: I18n, settings: Settings, *,
                 rule_book: RuleBook, limiter: RateLimiter | None = None) -> None:
        self.bot = bot
        self.sessions = sessions
        self.i18n = i18n
        self.settings = settings
        self.book = rule_book  # app/background's, the dispatcher's own
        self.tz = ZoneInfo(settings.timezone)
        self.limiter = limiter or RateLimiter(settings.broadcast_rate)
        self.policy = RetryPolicy(settings.broadcast_max_retries, settings.broadcast_retry_backoff)
        self.providers: list[Provider] = [self.session_reminders]

    def rules(self, now: datetime) -> Rules:
        """The rule sections in force today (the windows, working hours and reminder days)."""
        return self.book.in_force(now, self.settings.timezone).rules

    async def teacher_batches(self, now: datetime) -> AsyncIterator[list[Candidate]]:
        """The teacher reminders due at `now` and not sent before, a page of `SELECTION_PAGE` at a time (each
        page a fresh short session: no snapshot is held while a batch is being sent)."""
        year = academic_year(now.astimezone(self.tz).date())
        rules = self.rules(now)
        async with self.sessions() as session:
            windows = windows_to_check(now, self.tz, await window_of(session, [year, year + 1], rules))
        # Some 40 ms of pure Python (an expiry chain per day of the year ahead): on a worker thread, so the
        # loop goes on serving chats (the GIL passes between them every few milliseconds).
        plan = await asyncio.to_thread(plan_teacher_reminders, now, windows, self.tz, ReminderRules.from_rules(rules))
        if not plan.conditions:
            return
        for index, condition in enumerate(plan.conditions):
            after: PageKey | None = None
            while True:
                async with self.sessions() as session:
                    rows, after = await ReminderRepository(session).due_page(year, condition, index, after,
                                                                             SELECTION_PAGE)
                if rows:
                    yield [Candidate(user_id, locale or self.settings.default_locale, plan.occasion(i, valid_until))
                           for user_id, locale, i, valid_until in rows]
                if after is None:
                    break

    async def session_reminders(self, session: AsyncSession, now: datetime) -> list[Candidate]:
        """Members and the secretary of a session scheduled for the next working day (quorum, §18); a few
        queries whatever the number of sessions and people."""
        commissions = CommissionRepository(session)
        by_id = {c.id: c for c in await commissions.all()}
        working_start = self.rules(now).working_start
        due: list[tuple[int, Occasion]] = []
        for s in await commissions.sessions_of(SessionStatus.DRAFT, list(by_id)):
            c = by_id[s.commission_id]
            occasion = session_eve_occasion(s.id, s.number, c.name, s.session_date, self.tz, working_start)
            if occasion.due <= now < occasion.until:
                due.append((c.id, occasion))
        members: dict[int, list[int]] = {}
        for m in await commissions.members_of([commission_id for commission_id, _o in due]):
            members.setdefault(m.commission_id, []).append(m.user_id)
        people = [(user_id, occasion) for commission_id, occasion in due
                  for user_id in self._people(members.get(commission_id, []), by_id[commission_id].secretary_user_id)]
        locales = await locales_of(session, [user_id for user_id, _o in people], self.settings.default_locale)
        return [Candidate(user_id, locales[user_id], occasion) for user_id, occasion in people]

    @staticmethod
    def _people(members: list[int], secretary: int | None) -> list[int]:
        return [*members, secretary] if secretary is not None else members

    async def run(self, now: datetime | None = None) -> int:
        """Send every due reminder not sent before; returns how many went out."""
        now = now or datetime.now(UTC)
        async with self.sessions() as session:
            await self.book.refresh(session)
            others = [c for provider in self.providers for c in await provider(session, now)]
        delivered = await self.deliver(others, now)
        async for batch in self.teacher_batches(now):
            delivered += await self.deliver(batch, now)
        async with self.sessions() as session:
            delivered += await self.secretary_reminders(session, now)
            await session.commit()
        REMINDER_RUN_FINISHED.set_to_current_time()
        return delivered

    async def secretary_reminders(self, session: AsyncSession, now: datetime) -> int:
        """Secretaries late with a review (1 working day, §23) or an extract (3, §20); each item once.

        The deadlines are in working days, so the reminders go out in working hours only."""
        local, rules = now.astimezone(self.tz), self.rules(now)
        if not is_working_day(local.date()) or not rules.working_start <= local.time() < rules.working_end:
            return 0
        return await remind_secretaries(self.bot, session, self.i18n, self.settings.default_locale,
                                        self.book, self.settings.timezone, now)

    @property
    def claim_batch(self) -> int:
        """About one second of sends: a claimed reminder waits at most that long for its send, so a crash
        loses (never duplicates) no more than a second's worth."""
        return max(1, min(CLAIM_BATCH_MAX, round(1 / self.limiter.interval)))

    async def deliver(self, candidates: list[Candidate], now: datetime) -> int:
        delivered = 0
        for i in range(0, len(candidates), self.claim_batch):
            delivered += await self._deliver(candidates[i:i + self.claim_batch], now)
        return delivered

    async def claim(self, batch: list[Candidate], now: datetime) -> list[tuple[int, Candidate]]:
        """Insert the batch's keys and commit (the claim); the claimed ones with their row ids. A key that
        exists (another process or run claimed it first) is skipped."""
        async with self.sessions() as session:
            claims = await ReminderRepository(session).claim_many([c.occasion.key(c.user_id) for c in batch], now)
            await session.commit()
        await asyncio.sleep(0)  # SQLite's calls do not yield (storage/sqlite_inline.py): let other chats in
        mine = []
        for candidate in batch:
            claim_id = claims.pop(candidate.occasion.key(candidate.user_id), None)
            if claim_id is not None:
                mine.append((claim_id, candidate))
        return mine

    async def record(self, outcomes: list[tuple[int, str, str | None]], blocked: list[int]) -> None:
        """The batch's outcomes in one statement; teachers who blocked the bot are marked so."""
        async with self.sessions() as session:
            await ReminderRepository(session).record_many(outcomes)
            for user_id in blocked:
                await BroadcastRepository(session).mark_user_blocked(user_id)
            await session.commit()
        await asyncio.sleep(0)

    async def _deliver(self, batch: list[Candidate], now: datetime) -> int:
        mine = await self.claim(batch, now)
        if not mine:
            return 0
        async with self.sessions() as session:
            texts = [await self.text(session, candidate, now) for _claim, candidate in mine]
        outcomes: list[tuple[int, str, str | None]] = []
        blocked: list[int] = []
        for (claim_id, candidate), text in zip(mine, texts, strict=True):
            result = await send_paced(self.bot, candidate.user_id, text, self.limiter, self.policy)
            outcomes.append((claim_id, result.outcome.value, result.error))
            if result.outcome is Outcome.BLOCKED:
                blocked.append(candidate.user_id)
        await self.record(outcomes, blocked)
        for _claim_id, outcome, _error in outcomes:
            REMINDERS.labels(outcome).inc()
        return sum(1 for _i, outcome, _e in outcomes if outcome == Outcome.SENT.value)

    async def text(self, session: AsyncSession, candidate: Candidate, now: datetime) -> str:
        def tr(text: str) -> str:
            return self.i18n.gettext(text, locale=candidate.locale)

        parts = [candidate.occasion.message.render(tr)]
        if candidate.occasion.kind is ReminderKind.BEFORE_CLOSE:
            parts += await self.progress(session, candidate.user_id, tr, now)
        return "\n\n".join(parts)

    async def progress(self, session: AsyncSession, user_id: int, tr: Callable[[str], str],
                       now: datetime) -> list[str]:
        """The teacher's own checklist progress and what is still missing, by her set's documents."""
        ruleset = await self.book.of_teacher(session, user_id, now, self.settings.timezone)
        checklist = await ChecklistService(session, ruleset).load(user_id)
        if checklist is None:
            return []
        lines = [Phrase(N_("Your checklist: {done} of {total} done."),
                         {"done": checklist.progress.done, "total": checklist.progress.total}).render(tr)]
        missing = documents.missing(checklist.states)
        if missing:
            lines.append(tr(N_("Still missing:")) + "\n" + "\n".join(f"• {tr(s.item.title)}" for s in missing))
        lines.append(tr(N_("Open /checklist to continue.")))
        return ["\n".join(lines)]
