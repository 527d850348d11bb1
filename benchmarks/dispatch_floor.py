"""How fast can any update that saves one thing be? The floor under `dispatch.py`'s ratio.

    .venv/bin/python benchmarks/dispatch_floor.py [--updates 5000]

The same echo bot as `dispatch.py`'s bare one (one handler, one reply through a recording session),
measured as it is and then with the least durable work an update can do: store the message text under
the chat's id (one upsert) and commit, before replying. The write goes through, in turn:
- `sqlite3` called directly (what SQLite itself costs);
- SQLAlchemy's `AsyncConnection` on the project's engine (SQLite calls on the loop's thread);
- an `AsyncSession` on that engine (what a repository uses);
- an `AsyncSession` on SQLAlchemy's stock aiosqlite engine (a worker-thread hop per call).
Each line gives updates/s and the ratio to the bare echo; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.db import create_engine, create_session_factory
from tests.fakes import RecordingSession

UPSERT = "insert into kv values (:k, :v) on conflict(k) do update set v = excluded.v"
CHATS = 50
ids = itertools.count(1)

Save = Callable[[int, str], Awaitable[None]]


def update(chat: int, text_: str) -> Update:
    user = User(id=chat, is_bot=False, first_name="E")
    return Update(update_id=next(ids), message=Message(
        message_id=next(ids), date=datetime.now(UTC), chat=Chat(id=chat, type="private"), from_user=user,
        text=text_))


async def per_second(save: Save | None, n: int) -> float:
    router = Router()

    @router.message()
    async def echo(msg: Message) -> None:
        if save is not None:
            await save(msg.chat.id, msg.text or "")
        await msg.answer(msg.text or "…")

    dp = Dispatcher()
    dp.include_router(router)
    bot = Bot("42:FLOOR", session=RecordingSession(keep=False))
    updates = [update(1000 + i % CHATS, f"echo {i}") for i in range(n)]
    started = time.perf_counter()
    for item in updates:
        await dp.feed_update(bot, item)
    return n / (time.perf_counter() - started)


async def with_table(engine: AsyncEngine) -> AsyncEngine:
    async with engine.begin() as conn:
        await conn.execute(text("create table if not exists kv (k integer primary key, v text)"))
    return engine


async def main(n: int) -> dict[str, Any]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/floor.db"
        engine = await with_table(create_engine(url))
        stock = await with_table(create_async_engine(url))  # SQLAlchemy's own aiosqlite pool
        raw = sqlite3.connect(f"{tmp}/floor.db")
        raw.execute("pragma journal_mode=WAL")
        raw.execute("pragma synchronous=NORMAL")

        async def direct(chat: int, value: str) -> None:
            raw.execute(UPSERT, {"k": chat, "v": value})
            raw.commit()

        async def connection(chat: int, value: str) -> None:
            async with engine.begin() as conn:
                await conn.execute(text(UPSERT), {"k": chat, "v": value})

        def in_session(target: AsyncEngine) -> Save:
            sessions = create_session_factory(target)

            async def save(chat: int, value: str) -> None:
                async with sessions() as session:
                    await session.execute(text(UPSERT), {"k": chat, "v": value})
                    await session.commit()

            return save

        runs: dict[str, Save | None] = {
            "bare_echo": None,
            "sqlite3_direct": direct,
            "async_connection": connection,
            "async_session": in_session(engine),
            "async_session_aiosqlite_thread": in_session(stock),
        }
        for name, save in runs.items():
            figures[name] = await per_second(save, n)
            bare = figures["bare_echo"]
            print(f"{name:32} {figures[name]:8.0f} updates/s   ratio {figures[name] / bare:.3f}")
        raw.close()
        await engine.dispose()
        await stock.dispose()
    bare = figures["bare_echo"]
    return {"updates": n, **{f"{k}_per_s": round(v, 1) for k, v in figures.items()},
            **{f"{k}_ratio": round(v / bare, 3) for k, v in figures.items() if k != "bare_echo"}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=5_000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.updates))))
