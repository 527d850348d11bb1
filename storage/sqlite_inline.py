"""SQLite for the async engine without a thread hop per statement.

aiosqlite runs every call (execute, fetch, commit) on a worker thread and wakes the event loop when it
is done; measured here that hop costs about 60 µs, and an update of the bot makes some twenty of them,
while SQLite itself answers a primary-key read or a WAL commit in about 10 µs. This module gives
SQLAlchemy's aiosqlite dialect (through its documented ``async_creator`` hook) a connection with the
same interface whose calls run on the event loop's own thread, so a statement costs what SQLite costs.

What a thread bought aiosqlite and how it is kept here:
- a writer waiting for another connection's write lock must not stall the loop (that connection may be
  the one that needs the loop to commit), so SQLite's own busy wait is off and a busy statement is
  retried after an ``asyncio.sleep`` instead, up to the same ``busy_timeout`` budget;
- a long query does block the loop while it runs; the bot's queries are keyed lookups on a district's
  data, and a whole region belongs on PostgreSQL (README, "Deploying for a region"); the long reads
  run on a thread (storage/long_reads.py);
- SQLite's automatic checkpoint (copying the WAL into the database, with an fsync) runs inside the
  commit that crosses its threshold, which held the loop for 50–200 ms during the reminder run; these
  connections turn it off (storage/db.py) and a commit sets off a passive checkpoint on a worker
  thread with a connection of its own instead, at most once per `CHECKPOINT_INTERVAL_S`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

# How long a statement may wait for another connection's write lock before "database is locked".
BUSY_TIMEOUT_S = 5.0
_FIRST_RETRY_S = 0.001
_LONGEST_RETRY_S = 0.05
# How often a committing connection hands the WAL to a checkpoint on a worker thread, at most.
CHECKPOINT_INTERVAL_S = 1.0


async def _patiently(call: Callable[[], T]) -> T:
    """Runs a SQLite call; while another connection holds the lock, waits on the loop and tries again."""
    delay = _FIRST_RETRY_S
    deadline: float | None = None
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            # Only plain SQLITE_BUSY clears by waiting; BUSY_SNAPSHOT (a stale read snapshot in WAL)
            # needs the transaction to start again, so it goes up at once, as it would from SQLite.
            if getattr(error, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
                raise
            now = time.monotonic()
            deadline = deadline if deadline is not None else now + BUSY_TIMEOUT_S
            if now >= deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, _LONGEST_RETRY_S)


def checkpoint(path: str) -> None:
    """A passive checkpoint on a connection of its own (a worker thread's): it copies what no reader still
    needs and waits for no lock, so neither the loop's writers nor its readers wait for it."""
    connection = sqlite3.connect(path, timeout=0)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.OperationalError:
        pass  # busy with another checkpoint: the next commit sets off another
    finally:
        connection.close()


class _Checkpoints:
    """One database file's background checkpoints: at most one in flight, at most one per interval."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.last = 0.0
        self.running: asyncio.Future[None] | None = None

    def after_commit(self) -> None:
        now = time.monotonic()
        if (self.running is not None and not self.running.done()) or now - self.last < CHECKPOINT_INTERVAL_S:
            return
        self.last = now
        self.running = asyncio.get_running_loop().run_in_executor(None, checkpoint, self.path)


class InlineCursor:
    """The part of ``aiosqlite.Cursor`` that SQLAlchemy's adapter uses."""

    def __init__(self, cursor: sqlite3.Cursor):
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        if parameters is None:
            await _patiently(lambda: self._cursor.execute(sql))
        else:
            await _patiently(lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        rows = list(parameters)
        await _patiently(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def setinputsizes(self, *sizes: Any) -> None:
        return None

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _ImmediateQueue:
    """SQLAlchemy sets the isolation level by queueing a call on aiosqlite's thread (``_tx``); with no
    thread, the call runs at once and its future is resolved."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the awaiting caller, as aiosqlite's thread does
            future.set_exception(error)


class InlineConnection:
    """The part of ``aiosqlite.Connection`` that SQLAlchemy's adapter uses, on the loop's thread."""

    def __init__(self, connection: sqlite3.Connection, checkpoints: _Checkpoints | None = None):
        self._connection: sqlite3.Connection | None = connection  # None once closed, as in aiosqlite
        self._tx = _ImmediateQueue()
        self._checkpoints = checkpoints

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            # aiosqlite's wording: SQLAlchemy reads it as a disconnect.
            raise ValueError("no active connection")
        return self._connection

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await _patiently(self._conn.commit)
        if self._checkpoints is not None:
            self._checkpoints.after_commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Any) -> None:
        self._conn.isolation_level = value


def inline_creator(path: str, **connect_args: Any) -> Callable[[], Awaitable[InlineConnection]]:
    """An ``async_creator`` for ``create_async_engine``: each pooled connection is an inline one."""

    checkpoints = _Checkpoints(path) if path and path != ":memory:" else None

    async def connect() -> InlineConnection:
        # The pool may hand a connection to any task of the loop; all of them run on one thread, but a
        # connection collected at interpreter exit is closed from elsewhere, hence no thread check.
        raw = sqlite3.connect(path, check_same_thread=False, **connect_args)
        return InlineConnection(raw, checkpoints)

    return connect
