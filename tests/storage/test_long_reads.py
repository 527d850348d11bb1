"""Long reads: committed data only; on an SQLite file on a worker thread, elsewhere through the session."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import storage.long_reads as long_reads
from storage.long_reads import next_bound, read_many, read_rows, read_scalar
from storage.profile_models import User


async def test_reads_committed_rows_off_the_loop_on_sqlite(sessions: async_sessionmaker[AsyncSession], db_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    run = long_reads._run

    def recording(*args: object) -> object:
        threads.append(threading.get_ident())
        return run(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(long_reads, "_run", recording)
    async with sessions() as session:
        session.add_all([User(id=i, locale="kk", is_active=True) for i in (5, 9, 12, 40)])
        await session.commit()
    async with sessions() as writer, sessions() as reader:
        writer.add(User(id=50, locale="ru", is_active=True))
        await writer.flush()  # not committed: a long read does not see it
        assert await read_scalar(reader, select(func.count()).select_from(User)) == 4
        rows = await read_rows(reader, select(User.id).order_by(User.id))
        assert [tuple(r) for r in rows] == [(5,), (9,), (12,), (40,)]
        assert await next_bound(reader, User.id, None, 2) == 9
        assert await next_bound(reader, User.id, 9, 2) == 40
        assert await next_bound(reader, User.id, 40, 2) is None
        await writer.rollback()
    if db_url.startswith("sqlite"):
        assert threads and threading.get_ident() not in threads
    else:
        assert threads == []  # asyncpg awaits the server: no thread needed


async def test_several_long_reads_run_side_by_side_on_committed_data(sessions: async_sessionmaker[AsyncSession],
                                                                    db_url: str) -> None:
    async with sessions() as session:
        session.add_all([User(id=i, locale="kk" if i % 2 else "ru", is_active=True) for i in (3, 4, 7, 8, 11)])
        await session.commit()
    async with sessions() as writer, sessions() as reader:
        writer.add(User(id=60, locale="kk", is_active=True))
        await writer.flush()  # not committed: no long read sees it
        count = select(func.count()).select_from(User)
        per_locale = select(User.locale, func.count()).group_by(User.locale).order_by(User.locale)
        counted, by_locale = await read_many(reader, [count, per_locale])
        assert counted[0][0] == 5
        assert [tuple(r) for r in by_locale] == [("kk", 3), ("ru", 2)]
        await writer.rollback()
        if db_url.startswith("postgresql"):
            # Each read on a server connection of its own, so the server runs them at once.
            backend = text("SELECT pg_backend_pid()")
            first, second = await read_many(reader, [backend, backend])
            assert first[0][0] != second[0][0]
