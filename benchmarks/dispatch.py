"""Dispatch throughput: the real bot (middlewares, services, SQLite) against a bare echo dispatcher.

    .venv/bin/python benchmarks/dispatch.py [--updates 20000] [--database-url URL] [--postgres] [--profile FILE]

Feeds N updates of simulated teachers going through onboarding (valid and invalid answers mixed)
through the real Dispatcher with a recording bot session (no network), then N updates through a bare
aiogram Dispatcher with one echo handler, in the same run. Each update is first stored in the inbox,
as the webhook and long polling do. `cpu_ms_per_update` is this process's CPU time per update (the
database server's own is not counted: one worker's cost). `statements_per_update` counts the SQL statements
the application's engine sent, `round_trips_per_update` (PostgreSQL) those plus asyncpg's BEGIN and COMMIT
(each a round trip of its own; a statement prepared anew would be one more, and none is after the first few
updates). `--postgres` starts a throwaway PostgreSQL
(tests/services.py); `--profile FILE` writes a cProfile of the real bot's run. The last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import itertools
import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher, Router
from aiogram.types import CallbackQuery, Chat, Contact, Message, MessageEntity, Update, User
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.factory import create_application
from bot.i18n import Locale
from bot.pipeline.inbox import store
from bot.settings import Settings
from features.profile.callbacks import ChoiceCallback, ConsentCallback, LanguageCallback, ToggleCallback
from features.profile.form import ProfileField
from scoring.iin import check_digit
from storage.migrate import upgrade
from tests.fakes import RecordingSession
from tests.services import postgres_server


def iin_of(user_id: int) -> str:
    """A valid IIN of each simulated teacher's own (one IIN belongs to one account): the serial digits are
    the id's last four, the century digit (men, women) and the day of birth vary until the check digit exists."""
    for day in range(1, 29):
        for century in "34":
            first_eleven = f"8503{day:02d}{century}{user_id % 10_000:04d}"
            digit = check_digit(first_eleven)
            if digit is not None:
                return first_eleven + str(digit)
    raise AssertionError(user_id)
ids = itertools.count(1)


def message(user: User, text: str | None = None, **extra: Any) -> Update:
    entities = [MessageEntity(type="bot_command", offset=0, length=len(text))] if text and text[0] == "/" else None
    msg = Message(message_id=next(ids), date=datetime.now(UTC), chat=Chat(id=user.id, type="private"),
                  from_user=user, text=text, entities=entities, **extra)
    return Update(update_id=next(ids), message=msg)


def press(user: User, data: str) -> Update:
    msg = Message(message_id=next(ids), date=datetime.now(UTC), chat=Chat(id=user.id, type="private"), text="…")
    return Update(update_id=next(ids), callback_query=CallbackQuery(
        id=str(next(ids)), from_user=user, chat_instance="b", message=msg, data=data))


def teacher_script(user: User) -> Iterator[Update]:
    lang = "kk" if user.id % 2 else "ru"
    yield message(user, "/start")
    yield press(user, LanguageCallback(code=Locale(lang)).pack())
    yield press(user, ConsentCallback(agree=True).pack())
    yield message(user, "x")  # invalid name
    yield message(user, "Ахметова Айгуль")
    yield message(user, "12345")  # invalid IIN
    yield message(user, iin_of(user.id))
    yield message(user, "teacher")  # text where a button is expected
    yield press(user, ChoiceCallback(field=ProfileField.ROLE, value="teacher").pack())
    yield press(user, ChoiceCallback(field=ProfileField.TEACHING_POST, value="subject").pack())
    yield press(user, ChoiceCallback(field=ProfileField.ORG_TYPE, value="general_secondary").pack())
    yield message(user, "School No. 7")
    yield press(user, ChoiceCallback(field=ProfileField.REGION, value="karaganda").pack())
    yield message(user, "Karaganda")
    yield press(user, ChoiceCallback(field=ProfileField.CURRENT_CATEGORY, value="moderator").pack())
    yield message(user, "32.13.2026")  # invalid date
    yield message(user, "31.12.2026")
    yield message(user, "8")
    yield press(user, ChoiceCallback(field=ProfileField.EDUCATION, value="higher_pedagogical").pack())
    yield press(user, ChoiceCallback(field=ProfileField.CLAIMED_CATEGORY, value="expert").pack())
    yield press(user, ChoiceCallback(field=ProfileField.ATTESTATION_KIND, value="regular").pack())
    yield press(user, ToggleCallback(field=ProfileField.CERTIFICATES, value=".").pack())
    yield message(user, "not-an-email")
    yield message(user, "t@mail.kz")
    yield message(user, contact=Contact(phone_number="77011234567", first_name="A", user_id=user.id))
    yield message(user, "/profile")


def workload(n: int) -> list[list[Update]]:
    """N updates as one script per teacher (a chat's updates must stay in order)."""
    scripts: list[list[Update]] = []
    total = 0
    for uid in itertools.count(100_000):
        script = list(teacher_script(User(id=uid, is_bot=False, first_name="T")))[: n - total]
        scripts.append(script)
        total += len(script)
        if total >= n:
            return scripts
    raise AssertionError


async def timed(dp: Dispatcher, bot: Bot, scripts: list[list[Update]], concurrency: int,
                inbox: Any = None) -> tuple[float, list[float]]:
    """Feeds the scripts with `concurrency` chats in flight at once, as long polling does (one task per
    update, different chats in parallel); each chat's updates in order, each stored first when `inbox`
    (the application's session factory) is given."""
    latencies: list[float] = []
    pending = iter(scripts)

    async def worker() -> None:
        for script in pending:
            for update in script:
                t0 = time.perf_counter()
                if inbox is not None:
                    await store(inbox, bot, [update])
                await dp.feed_update(bot, update)
                latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


@contextlib.contextmanager
def counting(engine: AsyncEngine) -> Iterator[list[int]]:
    """[statements, simple queries (BEGIN, COMMIT…)] sent while the block runs."""
    import asyncpg

    counts = [0, 0]
    plain = asyncpg.Connection.execute

    def statement(*_args: Any) -> None:
        counts[0] += 1

    async def simple(self: asyncpg.Connection, query: str, *args: Any, **kwargs: Any) -> str:
        counts[1] += 1
        return await plain(self, query, *args, **kwargs)

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    asyncpg.Connection.execute = simple  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        asyncpg.Connection.execute = plain  # type: ignore[method-assign]
        event.remove(engine.sync_engine, "before_cursor_execute", statement)


async def main(n: int, concurrency: int = 1, database_url: str | None = None,
               profile: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, bot_token="42:BENCH",  # type: ignore[call-arg,arg-type]
                            database_url=database_url or f"sqlite+aiosqlite:///{tmp}/bench.db")
        await upgrade(settings.database_url)
        app = create_application(settings)
        bot = Bot(settings.token, session=RecordingSession(keep=False))
        scripts = workload(n)
        profiler = cProfile.Profile() if profile else None
        with counting(app.engine) as counts:
            cpu = time.process_time()
            if profiler:
                profiler.enable()
            elapsed, latencies = await timed(app.dispatcher, bot, scripts, concurrency, app.sessions)
            if profiler:
                profiler.disable()
                profiler.dump_stats(profile)  # type: ignore[arg-type]
            cpu_ms = (time.process_time() - cpu) * 1000 / n
        await app.close()

        bare = Dispatcher()
        router = Router()

        @router.message()
        async def echo(msg: Message) -> None:
            await msg.answer(msg.text or "…")

        bare.include_router(router)
        chats = [User(id=7 + c, is_bot=False, first_name="E") for c in range(concurrency)]
        plain = [[message(chats[c], f"echo {i}") for i in range(c, n, concurrency)] for c in range(concurrency)]
        bare_bot = Bot(settings.token, session=RecordingSession(keep=False))
        bare_elapsed, _ = await timed(bare, bare_bot, plain, concurrency)

    latencies.sort()
    per_s = n / elapsed
    bare_per_s = n / bare_elapsed
    return {
        "updates": n,
        "database": settings.database_url.split(":", 1)[0],
        "concurrency": concurrency,
        "cpu_ms_per_update": round(cpu_ms, 2),
        "statements_per_update": round(counts[0] / n, 2),
        "round_trips_per_update": round(sum(counts) / n, 2) if settings.database_url.startswith("postgresql") else None,
        "per_s": round(per_s, 1),
        "bare_per_s": round(bare_per_s, 1),
        "ratio": round(per_s / bare_per_s, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=1,
                        help="chats handled at once (long polling runs one task per update)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server (tests/services.py)")
    parser.add_argument("--profile", help="write a cProfile of the real bot's run to this file")
    args = parser.parse_args()
    with postgres_server() if args.postgres else contextlib.nullcontext(args.database_url) as url:
        result = asyncio.run(main(args.updates, args.concurrency, url, args.profile))
    print(f"real bot: {result['per_s']} updates/s ({result['cpu_ms_per_update']} ms CPU each), "
          f"bare echo: {result['bare_per_s']} updates/s")
    print(json.dumps(result))
