"""Broadcast delivery: the real sender against the sandbox Bot API server with Telegram's limits on.

    .venv/bin/python benchmarks/broadcast.py [--recipients 10000] [--rate 25]

The sandbox enforces 30 messages/s overall and 1/s per chat (HTTP 429 + retry_after). The sender
runs in a separate process on a SQLite database, as in the bot. Two runs:

1. one broadcast to N recipients, undisturbed: achieved rate ÷ configured rate, duplicates, losses;
2. a second broadcast to the same N, the sender process killed with SIGKILL at a random moment and
   started again: duplicates and losses counted from what the server actually delivered.

A message is a duplicate when a recipient got the broadcast more than once, and lost when they did
not get it. The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from pydantic import SecretStr
from sqlalchemy import insert

from bot.i18n import create_i18n
from bot.settings import Settings
from features.broadcast.sender import BroadcastSender
from sandbox.botapi import BotAPIServer, RateLimit
from storage.broadcast_models import BroadcastStatus
from storage.broadcast_repository import BroadcastRepository
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.profile_models import TeacherProfile, User

TOKEN = "5555:BENCHMARK-broadcast"
# Short, so the restarted sender takes the broadcast over soon after the kill.
LEASE_SECONDS = 2.0


def settings_for(database_url: str, api_url: str, rate: float) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr(TOKEN), bot_api_url=api_url, database_url=database_url, broadcast_rate=rate,
        broadcast_lease_seconds=LEASE_SECONDS,
    )


# --- the sender process ---------------------------------------------------------------------------


async def worker(database_url: str, api_url: str, rate: float, broadcast_id: int) -> None:
    """Deliver the broadcast until it is done (after a restart: once the dead run's lease ran out)."""
    settings = settings_for(database_url, api_url, rate)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    sender = BroadcastSender(bot, sessions, create_i18n("kk"), settings)
    try:
        while True:
            await sender.deliver_broadcast(broadcast_id)
            async with sessions() as session:
                broadcast = await BroadcastRepository(session).get(broadcast_id)
            if broadcast is None or broadcast.status != BroadcastStatus.RUNNING:
                return
            await asyncio.sleep(0.2)
    finally:
        await bot.session.close()
        await engine.dispose()


# --- the harness ----------------------------------------------------------------------------------


async def seed(server: BotAPIServer, database_url: str, n: int) -> list[int]:
    ids = []
    for i in range(n):
        user = server.create_user(language_code="kk" if i % 2 else "ru")
        await server.send_text(user.id, "/start")  # the bot may write only to users who started it
        ids.append(user.id)
    server.bot(TOKEN).pending.clear()  # nobody polls in this benchmark
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(insert(User), [
            {"id": uid, "locale": "kk" if i % 2 else "ru", "is_active": True} for i, uid in enumerate(ids)])
        await conn.execute(insert(TeacherProfile), [{"user_id": uid, "consent_at": now} for uid in ids])
    await engine.dispose()
    return ids


async def new_broadcast(database_url: str, label: str) -> int:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        broadcast = await BroadcastRepository(session).create(
            created_by=1, admin_locale="kk", text_kk=f"{label} kk", text_ru=f"{label} ru", kind="all", value=None,
            default_locale="kk",
        )
        await session.commit()
        broadcast_id = broadcast.id
    await engine.dispose()
    return broadcast_id


async def spawn(database_url: str, api_url: str, rate: float, broadcast_id: int) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--worker", "--database-url", database_url, "--api-url", api_url,
        "--rate", str(rate), "--broadcast", str(broadcast_id),
    )


def tally(server: BotAPIServer, label: str, recipients: list[int]) -> tuple[Counter[int], list[float]]:
    delivered: Counter[int] = Counter()
    times = []
    for request in server.requests("sendMessage"):
        if request.ok and str(request.params.get("text", "")).startswith(label):
            delivered[int(request.params["chat_id"])] += 1
            times.append(request.time)
    return delivered, sorted(times)


def faults(delivered: Counter[int], recipients: list[int]) -> tuple[int, int]:
    duplicates = sum(count - 1 for count in delivered.values() if count > 1)
    losses = sum(1 for uid in recipients if delivered[uid] == 0)
    return duplicates, losses


async def statuses(database_url: str, broadcast_id: int) -> dict[str, int]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        counts = await BroadcastRepository(session).counts(broadcast_id)
    await engine.dispose()
    return counts


async def bench(n: int, rate: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as tmp:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bot.db'}"
        await upgrade(database_url)
        async with BotAPIServer(Path(tmp) / "botapi", default_token=TOKEN) as server:
            recipients = await seed(server, database_url, n)
            server.rate_limit = RateLimit(global_per_second=30, per_chat_per_second=1)
            print(f"{n} recipients, configured rate {rate}/s; the sandbox allows 30/s and 1/s per chat", flush=True)

            # 1. Undisturbed.
            first = await new_broadcast(database_url, "first")
            started = time.monotonic()
            process = await spawn(database_url, server.url, rate, first)
            await process.wait()
            delivered, times = tally(server, "first", recipients)
            achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
            duplicates, losses = faults(delivered, recipients)
            refused = sum(1 for r in server.requests("sendMessage") if not r.ok)
            print(f"run 1: {len(times)} delivered in {time.monotonic() - started:.1f} s, {achieved:.2f} msg/s "
                  f"(ratio {achieved / rate:.3f}), {refused} answered 429, {duplicates} duplicates, "
                  f"{losses} losses", flush=True)

            # 2. kill -9 at a random moment, then a restart.
            server.clear_requests()
            second = await new_broadcast(database_url, "second")
            process = await spawn(database_url, server.url, rate, second)
            # A random moment of the delivery itself (not of the interpreter's start-up).
            while not any(tally(server, "second", recipients)[0].values()):
                await asyncio.sleep(0.05)
            kill_after = random.uniform(0.0, 0.9) * n / rate
            await asyncio.sleep(kill_after)
            os.kill(process.pid, signal.SIGKILL)
            await process.wait()
            at_kill = sum(tally(server, "second", recipients)[0].values())
            restart = await spawn(database_url, server.url, rate, second)
            await restart.wait()
            delivered2, _ = tally(server, "second", recipients)
            duplicates2, losses2 = faults(delivered2, recipients)
            in_doubt = (await statuses(database_url, second)).get("unknown", 0)
            print(f"run 2: killed {kill_after:.1f} s into the delivery ({at_kill} delivered), restarted: "
                  f"{sum(delivered2.values())} delivered, {in_doubt} row(s) in doubt (not resent), "
                  f"{duplicates2} duplicates, {losses2} losses", flush=True)
    return {
        "recipients": n, "rate": rate, "rate_ratio": round(achieved / rate, 4), "duplicates": duplicates,
        "losses": losses, "after_kill": {"duplicates": duplicates2, "losses": losses2},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--broadcast", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker(args.database_url, args.api_url, args.rate, args.broadcast))
        return 0
    if not 0 < args.rate <= 30:
        parser.error("--rate must be in (0, 30]: Telegram allows about 30 messages/s")
    if args.recipients < 2:
        parser.error("--recipients must be at least 2")
    print(json.dumps(asyncio.run(bench(args.recipients, args.rate))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
