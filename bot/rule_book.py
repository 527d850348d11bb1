"""The rule sets the bot judges with: the built-in 2024 pilot and the sets admins loaded (/rules).

One `RuleBook` lives in the dispatcher's workflow data (app/factory.py); handlers take it as `rule_book`
and give services the set they need: a teacher's (`for_teacher`), or an application's (`for_application`,
by the key stored when it was submitted). Several workers share the database, so each re-reads the stored
sets when another has loaded one (checked at most every REFRESH_EVERY seconds, and at once after a load).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.config import Rules, default_rules
from scoring.rulesets import RuleSet, RuleSetError, parse_ruleset, pilot, read_toml_text
from scoring.rulesets.registry import Registry, RegistryError, starting_in
from storage.checklist_models import Application
from storage.checklist_repository import ApplicationRepository
from storage.ruleset_models import StoredRuleSet
from storage.ruleset_repository import RuleSetRepository

log = logging.getLogger(__name__)

REFRESH_EVERY = 60.0


def stored_set(row: StoredRuleSet) -> RuleSet:
    """A stored set as it was confirmed: its file, judging from the academic year the admin chose."""
    origin = f"rule_sets:{row.key}"
    return starting_in(parse_ruleset(read_toml_text(row.text, origin), origin), row.first_year)


class RuleBook:
    """Which rule set applies, over every set loaded (scoring.rulesets.registry.Registry)."""

    def __init__(self, builtin: RuleSet | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        # The pilot with the RULES_FILE setting's tables (bot.settings): the set no update has to load.
        self.builtin = builtin or replace(pilot(), rules=default_rules())
        self.registry = Registry([self.builtin])
        self.clock = clock
        self._seen: tuple[int, datetime | None] | None = None
        self._checked_at: float | None = None

    @property
    def sets(self) -> tuple[RuleSet, ...]:
        return self.registry.sets

    def get(self, key: str | None) -> RuleSet:
        """The set stored with an application; one no longer loaded (never: sets are not deleted) is the pilot's."""
        found = self.registry.get(key) if key else None
        if found is None:
            if key and key != self.builtin.key:
                log.error("Rule set %s is not loaded; judged by %s", key, self.builtin.key)
            return self.builtin
        return found

    def for_application(self, application: Application) -> RuleSet:
        return self.get(application.rule_set_key)

    def for_submission(self, day: date) -> RuleSet:
        return self.registry.for_submission(day)

    def for_teacher(self, today: date) -> RuleSet:
        return self.registry.for_teacher(today)

    async def of_teacher(self, session: AsyncSession, user_id: int, now: datetime, timezone: str) -> RuleSet:
        """The set her screens judge with: her submitted application's, else the one she will submit under."""
        submitted = await ApplicationRepository(session).active(user_id)
        if submitted is not None:
            return self.for_application(submitted)
        return self.for_teacher(now.astimezone(ZoneInfo(timezone)).date())

    def in_force(self, now: datetime, timezone: str) -> RuleSet:
        """The set in force today: the one judging what is not tied to an application (a commission's
        composition, the window reminders, the statistics)."""
        return self.for_submission(now.astimezone(ZoneInfo(timezone)).date())

    def teacher_rules(self, timezone: str, now: datetime | None = None) -> Rules:
        """The rule sections a teacher who has not submitted sees today."""
        today = (now or datetime.now(ZoneInfo(timezone))).astimezone(ZoneInfo(timezone)).date()
        return self.for_teacher(today).rules

    def with_set(self, ruleset: RuleSet) -> Registry:
        """The registry this set would join; raises RegistryError if it cannot (same key, same first day)."""
        return Registry([*self.registry.sets, ruleset])

    async def refresh(self, session: AsyncSession, force: bool = False) -> None:
        """Re-read the stored sets if another worker (or this one) loaded one since the last look."""
        now = self.clock()
        if not force and self._checked_at is not None and now - self._checked_at < REFRESH_EVERY:
            return
        self._checked_at = now
        repo = RuleSetRepository(session)
        version = await repo.version()
        if version == self._seen:
            return
        sets = [self.builtin]
        for row in await repo.all():
            try:
                sets.append(stored_set(row))
            except RuleSetError as error:  # checked before it was stored: only a newer engine can refuse it
                log.error("Stored rule set %s cannot be used: %s", row.key, error)
        try:
            self.registry = Registry(sets)
        except RegistryError as error:
            log.error("Stored rule sets cannot be used side by side: %s", error)
            return
        self._seen = version


_STORED: dict[str, RuleSet] = {}


async def ruleset_of_application(session: AsyncSession, application_id: int, builtin: RuleSet) -> RuleSet:
    """The set that judges a submitted application: its stored set (a stored set never changes once
    confirmed, so each is parsed once per process), `builtin` for the pilot's."""
    return await ruleset_of_key(session, await RuleSetRepository(session).key_of(application_id), builtin)


async def ruleset_of_key(session: AsyncSession, key: str, builtin: RuleSet) -> RuleSet:
    """The set stored under `key` (parsed once per process), `builtin` when none is stored under it."""
    if key not in _STORED:
        row = await RuleSetRepository(session).get(key)
        if row is None:
            return builtin
        _STORED[key] = stored_set(row)
    return _STORED[key]


class TeacherSets:
    """The handlers' way to the set a teacher's screens judge with (`teacher_sets` in an update's data)."""

    def __init__(self, book: RuleBook, timezone: str, clock: Callable[[], datetime]) -> None:
        self.book, self.timezone, self.clock = book, timezone, clock

    async def of(self, session: AsyncSession, user_id: int) -> RuleSet:
        return await self.book.of_teacher(session, user_id, self.clock(), self.timezone)


def _utc_now() -> datetime:
    return datetime.now(UTC)


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class RuleBookMiddleware(BaseMiddleware):
    """Inside the update's database session: the rule book up to date with the stored sets."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        book: RuleBook | None = data.get("rule_book")
        session: AsyncSession | None = data.get("session")
        if book is not None and session is not None:
            await book.refresh(session)
            settings = data.get("settings")
            data["teacher_sets"] = TeacherSets(book, settings.timezone if settings else "Asia/Almaty",
                                               data.get("clock", _utc_now))
        return await handler(event, data)
