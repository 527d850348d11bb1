"""Reads that scan many rows, kept off the event loop: on an SQLite file on a worker thread's own connection.

The bot's SQLite connections run on the loop's thread (storage/sqlite_inline.py), so a query over a
national table would hold every chat for as long as it runs. A long read only needs committed data,
so on an SQLite file it runs on a thread with a connection of its own (WAL: it neither waits for nor
blocks the writers); sqlite3 releases the GIL while SQLite works, and the loop goes on serving.
Elsewhere (PostgreSQL, an in-memory SQLite) it runs through the session as usual: asyncpg awaits the
server without holding the loop; several long reads at once on PostgreSQL each take a pooled connection, so
the server runs them side by side.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Executable, Row, create_engine, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import NullPool


@lru_cache(maxsize=8)
def _reader(database: str) -> Engine:
    # A connection per read (NullPool): opening an SQLite file costs microseconds, and no connection is
    # shared between threads.
    return create_engine(f"sqlite:///{database}", poolclass=NullPool, hide_parameters=True)


def _sqlite_file(session: AsyncSession) -> str | None:
    bind = session.get_bind()
    url = make_url(str(bind.engine.url)) if hasattr(bind, "engine") else None
    if url is None or url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


def _run(database: str, statement: Executable) -> list[Row[Any]]:
    with _reader(database).connect() as connection:
        return list(connection.execute(statement).all())


async def read_rows(session: AsyncSession, statement: Executable) -> Sequence[Any]:
    """The statement's rows, read from committed data; off the loop on an SQLite file."""
    database = _sqlite_file(session)
    if database is None:
        return (await session.execute(statement)).all()
    return await asyncio.to_thread(_run, database, statement)


async def read_many(session: AsyncSession, statements: Sequence[Executable]) -> list[Sequence[Any]]:
    """Each statement's rows, all at once: on an SQLite file each on a worker thread with its own
    connection (SQLite works without the GIL, so they share the cores); on a database server each on a
    pooled connection of its own (one connection runs one statement at a time, the server runs several);
    elsewhere one after another through the session."""
    database = _sqlite_file(session)
    if database is not None:
        return list(await asyncio.gather(*(asyncio.to_thread(_run, database, s) for s in statements)))
    engine = session.bind
    if isinstance(engine, AsyncEngine) and engine.dialect.name != "sqlite" and len(statements) > 1:
        return list(await asyncio.gather(*(_run_pooled(engine, s) for s in statements)))
    return [(await session.execute(statement)).all() for statement in statements]


async def _run_pooled(engine: AsyncEngine, statement: Executable) -> Sequence[Any]:
    async with engine.connect() as connection:
        return (await connection.execute(statement)).all()


async def read_scalar(session: AsyncSession, statement: Executable) -> Any:
    rows = await read_rows(session, statement)
    return rows[0][0] if rows else None


async def next_bound(session: AsyncSession, column: Any, after: int | None, step: int) -> int | None:
    """The value of `column` (an indexed integer key) ending the range of `step` rows after `after`; None
    when fewer are left. Work over (after, bound] then reads a bounded number of rows, however sparse the
    keys are (Telegram user ids)."""
    query = select(column).order_by(column).offset(step - 1).limit(1)
    if after is not None:
        query = query.where(column > after)
    bound = await read_scalar(session, query)
    return None if bound is None else int(bound)
