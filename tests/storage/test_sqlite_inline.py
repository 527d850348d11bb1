"""SQLite on the loop's thread: a writer waiting for a lock sleeps on the loop (other tasks run), gives up
after the busy budget with SQLite's own error, and other errors are not retried."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.sqlite_inline as inline
from storage.db import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("create table kv (k integer primary key, v text not null)"))
    yield engine
    await engine.dispose()


def other_writer(engine: AsyncEngine) -> sqlite3.Connection:
    """A second process's connection (the scheduler, a migration) holding SQLite's write lock."""
    path = engine.url.database
    assert path
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("begin immediate")
    holder.execute("insert into kv values (1, 'other')")
    return holder


async def test_engine_connections_run_on_the_loop_thread(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.driver_connection, inline.InlineConnection)
        assert await conn.scalar(text("pragma busy_timeout")) == 0
        assert await conn.scalar(text("pragma journal_mode")) == "wal"


async def test_a_locked_write_waits_without_blocking_the_loop(engine: AsyncEngine) -> None:
    holder = other_writer(engine)
    ticks = 0

    async def other_work() -> None:
        nonlocal ticks
        for _ in range(20):
            await asyncio.sleep(0.005)
            ticks += 1
        holder.commit()

    async def write() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("insert into kv values (2, 'ours')"))

    await asyncio.gather(write(), other_work())
    # The other task kept running while the write waited, and the write landed after the lock was freed.
    assert ticks == 20
    async with engine.connect() as conn:
        rows = (await conn.execute(text("select k, v from kv order by k"))).all()
    assert [tuple(r) for r in rows] == [(1, "other"), (2, "ours")]
    holder.close()


async def test_a_lock_held_too_long_is_sqlites_database_is_locked(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inline, "BUSY_TIMEOUT_S", 0.05)
    holder = other_writer(engine)
    with pytest.raises(OperationalError, match="database is locked"):
        async with engine.begin() as conn:
            await conn.execute(text("insert into kv values (2, 'ours')"))
    holder.rollback()
    holder.close()


def sqlite_error(kind: type[sqlite3.Error], code: int) -> sqlite3.Error:
    error = kind("database is locked" if code in (sqlite3.SQLITE_BUSY, 517) else "UNIQUE constraint failed")
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(("error", "attempts"), [
    (sqlite_error(sqlite3.OperationalError, sqlite3.SQLITE_BUSY), 3),  # waited out, then done
    (sqlite_error(sqlite3.OperationalError, 517), 1),  # BUSY_SNAPSHOT: the transaction must restart
    (sqlite_error(sqlite3.IntegrityError, sqlite3.SQLITE_CONSTRAINT), 1),
])
async def test_only_a_plain_busy_is_retried(error: sqlite3.Error, attempts: int) -> None:
    calls = 0

    def call() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise error
        return "done"

    if attempts == 1:
        with pytest.raises(type(error)):
            await inline._patiently(call)
    else:
        assert await inline._patiently(call) == "done"
    assert calls == attempts


async def test_memory_database_and_rollback(tmp_path: Path) -> None:
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    async with engine.connect() as conn:
        await conn.execute(text("create table t (n integer)"))
        await conn.commit()
        await conn.execute(text("insert into t values (1)"))
        await conn.rollback()
        assert await conn.scalar(text("select count(*) from t")) == 0
    await engine.dispose()


async def test_isolation_level_is_set_without_a_thread(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await auto.execute(text("insert into kv values (5, 'kept')"))
        raw = await auto.get_raw_connection()
        assert raw.driver_connection._conn.isolation_level is None
    # Written in autocommit mode: another connection sees it without any commit.
    async with engine.connect() as conn:
        assert await conn.scalar(text("select v from kv where k = 5")) == "kept"


async def test_a_closed_connection_reads_as_a_disconnect() -> None:
    connection = await inline.inline_creator(":memory:")()
    await connection.close()
    await connection.close()  # closing twice is harmless
    with pytest.raises(ValueError, match="no active connection"):
        connection.cursor()


async def test_commits_leave_the_checkpoint_to_a_worker_thread(engine: AsyncEngine,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own checkpoint would run inside a commit, on the loop; it is off, and a commit hands the
    WAL to a passive checkpoint on another thread, at most once per interval."""
    import threading

    threads: list[int] = []
    real = inline.checkpoint

    def recording(path: str) -> None:
        threads.append(threading.get_ident())
        real(path)

    monkeypatch.setattr(inline, "checkpoint", recording)
    monkeypatch.setattr(inline, "CHECKPOINT_INTERVAL_S", 0.3)
    await asyncio.sleep(0.35)  # past the interval of the fixture's own commit
    async with engine.connect() as conn:
        assert await conn.scalar(text("pragma wal_autocheckpoint")) == 0
        for k in range(10, 30):
            await conn.execute(text("insert into kv values (:k, 'x')"), {"k": k})
            await conn.commit()
        await asyncio.sleep(0.1)
    assert len(threads) == 1  # twenty commits within the interval: one checkpoint
    assert threads[0] != threading.get_ident()
    path = engine.url.database
    assert path
    with sqlite3.connect(path) as check:  # the checkpoint copied every frame into the database
        busy, log, done = check.execute("pragma wal_checkpoint(passive)").fetchone()
        assert busy == 0 and log == done
