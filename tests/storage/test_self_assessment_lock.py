"""A chat press and a Mini App save on the same self-assessment at once: the second waits for the first's row
lock and keeps both answers (PostgreSQL: SELECT … FOR UPDATE; SQLite serialises writers and has no FOR UPDATE)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.profile_models import User
from storage.scoring_repository import SelfAssessmentRepository, locked

TEACHER = 801


def test_the_read_before_the_rewrite_locks_the_row() -> None:
    assert "FOR UPDATE" in str(locked(TEACHER, "teacher").compile(dialect=postgresql.dialect()))


async def answer(sessions: async_sessionmaker[AsyncSession], criterion: str, hold: asyncio.Event | None,
                 locked_now: asyncio.Event | None) -> None:
    async with sessions() as s:
        repo = SelfAssessmentRepository(s)
        row = await repo.get_or_create(TEACHER, "teacher")
        if locked_now is not None:
            locked_now.set()
        if hold is not None:
            await hold.wait()  # the other save arrives while this one holds the row
        criteria = dict(row.answers["criteria"])
        criteria[criterion] = {"level": "a"}
        await repo.save(row, {"criteria": criteria}, [])
        await s.commit()


async def test_two_saves_at_once_keep_both_answers(sessions: async_sessionmaker[AsyncSession], db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no row locks: it serialises writers")
    async with sessions() as s:
        s.add(User(id=TEACHER, locale="kk", is_active=True))
        await s.commit()
    await answer(sessions, "1.1", None, None)  # the row exists
    hold, locked_now = asyncio.Event(), asyncio.Event()
    chat = asyncio.create_task(answer(sessions, "1.2", hold, locked_now))
    await locked_now.wait()
    form = asyncio.create_task(answer(sessions, "1.3", None, None))
    await asyncio.sleep(0.3)
    assert not form.done()  # waiting for the chat's lock
    hold.set()
    await asyncio.gather(chat, form)
    async with sessions() as s:
        row = await SelfAssessmentRepository(s).get(TEACHER, "teacher")
        assert row is not None and set(row.answers["criteria"]) == {"1.1", "1.2", "1.3"}
