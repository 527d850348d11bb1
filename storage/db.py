"""Engine and session factory for SQLite (embedded default) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.sqlite_inline import BUSY_TIMEOUT_S, inline_creator

log = logging.getLogger(__name__)


class _WithoutRows(logging.Filter):
    """At DEBUG SQLAlchemy logs every row it fetches ("Row (…)"): names, IINs, essays. LOG_LEVEL=DEBUG
    must not put them in the log; statements stay (their parameters hidden)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


# SQLAlchemy's engines log through this logger (or a child named after the engine, which we never name).
logging.getLogger("sqlalchemy.engine.Engine").addFilter(_WithoutRows())

# How long an erasure waits for readers of older snapshots to finish before the WAL can be emptied.
CHECKPOINT_WAIT_S = 5.0


def ensure_sqlite_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    ensure_sqlite_dir(url)
    parsed = make_url(url)
    inline = parsed.get_backend_name() == "sqlite" and not parsed.query and "async_creator" not in kwargs
    if inline:
        # SQLite's calls run on the loop's thread (see storage/sqlite_inline.py); its own busy wait is
        # off there (timeout=0) because waiting for a lock is done by sleeping on the loop instead.
        kwargs["async_creator"] = inline_creator(parsed.database or ":memory:", timeout=0)
    # SQLAlchemy prints a statement's parameters in its error messages and its echo: they are what people
    # typed (names, IIN, phone), and error messages reach the log.
    kwargs.setdefault("hide_parameters", True)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        # WAL lets the scheduler and the bot read while a write is in flight; a busy timeout
        # turns a momentary lock into a short wait instead of "database is locked".
        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted rows are overwritten with zeros, freed pages too (not only within a page, as FAST
            # does): an erased person's data must not stay readable in the file's free space.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute(f"PRAGMA busy_timeout={0 if inline else 5000}")
            if inline:  # checkpoints run on a worker thread instead (storage/sqlite_inline.py)
                cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.close()

    event.listen(engine.sync_engine, "handle_error", _without_row_values)
    return engine


def _without_row_values(context: ExceptionContext) -> None:
    """PostgreSQL's DETAIL line repeats the failing row's values ("Failing row contains (…)", "Key (iin)=(…)");
    asyncpg prints it with the error, and so does the traceback of every logged error. The error keeps its
    code and message, not the values."""
    error: BaseException | None = context.original_exception
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if getattr(error, "detail", None):
            error.detail = None  # type: ignore[attr-defined]
        error = error.__cause__ or error.__context__


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def empty_wal(session: AsyncSession) -> bool:
    """After a committed erasure on SQLite: copy the WAL into the database and truncate it to zero bytes,
    so the erased rows' old page versions are gone from the -wal file (with secure_delete on, the
    database file's copies are zeros already). Waits on the loop while other connections still read
    an older snapshot; False if they did not finish in time (SQLite then overwrites the frames as the
    WAL is reused). Nothing to do on PostgreSQL."""
    if session.get_bind().dialect.name != "sqlite":
        return True
    deadline = time.monotonic() + CHECKPOINT_WAIT_S
    while True:
        try:
            busy, _log, _done = (await session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))).one()
            await session.commit()
        except DBAPIError as error:  # the erasure is committed: a checkpoint that cannot run must not undo its reply
            log.warning("WAL not emptied after an erasure: %s", type(error).__name__)
            await session.rollback()
            return False
        if not busy:
            return True
        if time.monotonic() >= deadline:
            log.warning("WAL not emptied after an erasure: other connections kept reading")
            return False
        await asyncio.sleep(0.05)


def _vacuum(path: str) -> None:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        connection.execute("PRAGMA secure_delete=ON")
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


async def rebuild_file(session: AsyncSession) -> bool:
    """SQLite: rewrite the database file page by page (VACUUM). Pages SQLite reorganised as rows grew can keep
    stale copies of a row in their free space, which no delete reaches; a rebuilt file has none. It holds the
    write lock for as long as it takes (seconds for a district's file), so it runs in the night, on a thread
    of its own: the loop goes on serving. False on PostgreSQL, whose (auto)vacuum is the operator's."""
    bind = session.get_bind()
    url = bind.url if isinstance(bind, Engine) else bind.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return False
    await asyncio.to_thread(_vacuum, url.database)
    return True
