"""The outbox on SQLite and PostgreSQL: an abandoned message is claimed by exactly one of several takers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.outbox_repository import OutboxRepository

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


async def test_one_taker_wins_and_sent_rows_are_left_alone(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as s:
        repo = OutboxRepository(s)
        left = await repo.add(7, "sendMessage", {"text": "hello"}, NOW)
        done = await repo.add(8, "sendMessage", {"text": "sent"}, NOW)
        await repo.mark_sent(done.id, NOW)
        await s.commit()
        left_id = left.id

    later = NOW + LEASE + timedelta(seconds=1)
    async with sessions() as s:
        assert await OutboxRepository(s).abandoned(NOW + LEASE / 2, LEASE) == []
        assert await OutboxRepository(s).abandoned(later, LEASE) == [left_id]

    async def take() -> bool:
        async with sessions() as s:
            won = await OutboxRepository(s).claim(left_id, later, LEASE)
            await s.commit()
            return won

    assert sorted(await asyncio.gather(*(take() for _ in range(4)))) == [False, False, False, True]
    async with sessions() as s:
        assert await OutboxRepository(s).abandoned(later, LEASE) == []  # its new claim is fresh
        repo = OutboxRepository(s)
        assert await repo.note_attempt(left_id, "network") == 1
        await repo.give_up(left_id, later)
        await s.commit()
    async with sessions() as s:
        assert await OutboxRepository(s).abandoned(later + LEASE * 5, LEASE) == []
