"""The outbox on SQLite and PostgreSQL: a due message is claimed by exactly one of several takers; a
message waiting for another try is left alone until its time; sent rows are gone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.outbox_repository import OutboxRepository

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


async def test_one_taker_wins_and_sent_rows_are_gone(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as s:
        repo = OutboxRepository(s)
        left_id, done_id = await repo.add_many([(7, "sendMessage", {"text": "hello"}),
                                                (8, "sendMessage", {"text": "sent"})], NOW)
        await repo.forget_sent([done_id])
        await s.commit()
    assert done_id != left_id

    later = NOW + LEASE + timedelta(seconds=1)
    async with sessions() as s:
        assert await OutboxRepository(s).due(NOW + LEASE / 2, LEASE) == []
        assert await OutboxRepository(s).due(later, LEASE) == [left_id]

    async def take() -> bool:
        async with sessions() as s:
            won = await OutboxRepository(s).claim(left_id, later, LEASE)
            await s.commit()
            return won

    assert sorted(await asyncio.gather(*(take() for _ in range(4)))) == [False, False, False, True]
    async with sessions() as s:
        assert await OutboxRepository(s).due(later, LEASE) == []  # its new claim is fresh
        await OutboxRepository(s).give_up(left_id, later, 3, "blocked")
        await s.commit()
    async with sessions() as s:
        assert await OutboxRepository(s).due(later + LEASE * 5, LEASE) == []
        assert await OutboxRepository(s).failed_since(NOW) == 1


async def test_a_message_waiting_for_another_try_is_due_only_at_its_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as s:
        repo = OutboxRepository(s)
        [message_id] = await repo.add_many([(7, "sendMessage", {"text": "hello"})], NOW)
        await repo.retry_later(message_id, NOW + timedelta(seconds=30), 1, "429")
        await s.commit()
    async with sessions() as s:
        repo = OutboxRepository(s)
        # Unclaimed, but not yet due: a lease long past does not make it due before its time.
        assert await repo.due(NOW + timedelta(seconds=29), LEASE) == []
        assert await repo.claim(message_id, NOW + timedelta(seconds=29), LEASE) is False
        assert await repo.due(NOW + timedelta(seconds=30), LEASE) == [message_id]
        assert await repo.claim(message_id, NOW + timedelta(seconds=30), LEASE) is True
        await s.commit()
