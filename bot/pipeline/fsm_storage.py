"""aiogram FSM storage on the project's own database, so a conversation survives a restart.

aiogram ships Memory (lost on restart), Redis and Mongo storages; SQL is third-party only, and the
embedded default must need nothing but the database the bot already has.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, cast

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.fsm_models import FsmRecord

# The session of the update being handled (set by DatabaseMiddleware). FSM writes join its
# transaction: one commit per update, and no second writer fighting SQLite's single write lock.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)
_SEEN = "fsm_records"
# The most one conversation step may keep, as UTF-8 JSON. Steps hold ids, choices and a few typed texts
# (each bounded where it is typed: the essay draft and the broadcast texts, the largest, stay under 48 KiB);
# anything larger is a defect, refused here before it reaches the database.
MAX_DATA_BYTES = 64 * 1024

# Read and written on most updates: built once, so each use is a cache hit with nothing to construct.
_READ = select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == bindparam("key"))
_TABLE = cast(Table, FsmRecord.__table__)


def _upserts(column: str) -> dict[str, Any]:
    """Per dialect, the statement that writes one column of a record (inserting the record if new)."""
    statements: dict[str, Any] = {}
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert)):
        stmt = insert(_TABLE).values({"key": bindparam("key"), column: bindparam("value", type_=_TABLE.c[column].type)})
        statements[dialect] = stmt.on_conflict_do_update(index_elements=[_TABLE.c.key],
                                                         set_={column: stmt.excluded[column]})
    return statements


_WRITE = {"state": _upserts("state"), "data": _upserts("data")}


class FsmDataTooLarge(ValueError):
    """FSM data over MAX_DATA_BYTES. Raised by set_data before anything is written: the update fails,
    its transaction is rolled back (the step keeps what it had), and the error handler answers the person."""

    def __init__(self, size: int) -> None:
        super().__init__(f"FSM data of {size} bytes is over the limit of {MAX_DATA_BYTES} bytes")
        self.size = size


def data_size(data: Mapping[str, Any]) -> int:
    """The size of FSM data as stored text (UTF-8 JSON); values JSON cannot hold count as their str()."""
    return len(json.dumps(dict(data), ensure_ascii=False, default=str).encode())


class SqlStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], key_builder: KeyBuilder | None = None):
        self.sessions = sessions
        self.key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    def record_key(self, key: StorageKey) -> str:
        """The record's key in the table, for reading it ahead (see `remember`)."""
        return self._key(key)

    @classmethod
    def remember(cls, session: AsyncSession, record_key: str, state: str | None, data: dict[str, Any]) -> None:
        """The record as the update's session read it with its first statement (bot/pipeline/middlewares.py),
        so the FSM's reads in this update cost nothing more."""
        cls._seen(session)[record_key] = (state, dict(data))

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        shared = current_session.get()
        if shared is not None:
            yield shared
            return
        async with self.sessions() as own:
            yield own
            await own.commit()

    @staticmethod
    def _seen(session: AsyncSession) -> dict[str, tuple[str | None, dict[str, Any]]]:
        # Within one update's transaction a record is read once: the state for the filters and the data
        # for the handler come from the same row, and this session's own writes keep it current.
        seen: dict[str, tuple[str | None, dict[str, Any]]] = session.info.setdefault(_SEEN, {})
        return seen

    async def _record(self, key: str) -> tuple[str | None, dict[str, Any]]:
        async with self._session() as session:
            seen = self._seen(session)
            if key not in seen:
                row = (await session.execute(_READ, {"key": key})).first()
                seen[key] = (row.state, dict(row.data or {})) if row else (None, {})
            return seen[key]

    async def _upsert(self, key: str, column: str, value: Any) -> None:
        async with self._session() as session:
            dialect = "postgresql" if session.bind and session.bind.dialect.name == "postgresql" else "sqlite"
            await session.execute(_WRITE[column][dialect], {"key": key, "value": value})
            seen = self._seen(session)
            if key in seen:
                state, data = seen[key]
                seen[key] = (value, data) if column == "state" else (state, dict(value))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(self._key(key), "state", value)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._record(self._key(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        size = data_size(data)
        if size > MAX_DATA_BYTES:
            raise FsmDataTooLarge(size)
        await self._upsert(self._key(key), "data", dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._record(self._key(key))
        return dict(data)

    async def close(self) -> None:
        return None
