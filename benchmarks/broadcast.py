"""Broadcast delivery: the real sender against the sandbox Bot API server with Telegram's limits on.

    .venv/bin/python benchmarks/broadcast.py [--recipients 10000] [--rate 25] [--paid-rate 1000]
        [--rtt-ms 50] [--database sqlite|postgresql|both]

The sandbox enforces 30 messages/s overall and 1/s per chat (HTTP 429 + retry_after); with
`--paid-rate` the broadcasts are paid ones (allow_paid_broadcast) and the sandbox allows that rate
overall instead, as Telegram does for paid broadcasts. `--rtt-ms` makes the sandbox answer every
sendMessage that much later (its `delay` fault: the message is delivered, the answer is late), the
round trip to the Bot API from far away. The sender runs in a separate process on a SQLite database,
as in the bot, or on a throwaway PostgreSQL server (tests/services.py). Two runs per database:

1. one broadcast to N recipients, undisturbed: achieved rate ÷ target rate, duplicates, losses;
2. a second broadcast to the same N, the sender process killed with SIGKILL at a random moment and
   started again: duplicates and losses counted from what the server actually delivered.

A message is a duplicate when a recipient got the broadcast more than once, and lost when they did
not get it. "In doubt" rows are those the killed process had claimed and not recorded: never resent,
shown to the admin; how many of them were not delivered is printed too (the at-most-once price of a
kill). The last line of output is one JSON object.
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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from pydantic import SecretStr
from sqlalchemy import insert, select

from bot.i18n import create_i18n
from bot.settings import Settings
from features.broadcast.sender import BroadcastSender
from sandbox.botapi import BotAPIServer, RateLimit
from storage.broadcast_models import BroadcastRecipient, BroadcastStatus, RecipientStatus
from storage.broadcast_repository import BroadcastRepository
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.profile_models import TeacherProfile, User

TOKEN = "5555:BENCHMARK-broadcast"
# Short, so the restarted sender takes the broadcast over soon after the kill.
LEASE_SECONDS = 2.0


def settings_for(database_url: str, api_url: str, rate: float, paid_rate: float | None) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr(TOKEN), bot_api_url=api_url, database_url=database_url, broadcast_rate=rate,
        broadcast_paid_rate=paid_rate or 1000.0, broadcast_lease_seconds=LEASE_SECONDS,
    )


# --- the sender process ---------------------------------------------------------------------------


async def worker(database_url: str, api_url: str, rate: float, paid_rate: float | None, broadcast_id: int) -> None:
    """Deliver the broadcast until it is done (after a restart: once the dead run's lease ran out)."""
    settings = settings_for(database_url, api_url, rate, paid_rate)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    sender = BroadcastSender(bot, sessions, create_i18n("kk"), settings)
    ready = cpu_seconds()  # imports and set-up are not the delivery's
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
        print(f"sender-cpu {cpu_seconds() - ready:.3f}", flush=True)


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


async def new_broadcast(database_url: str, label: str, paid: bool) -> int:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        broadcast = await BroadcastRepository(session).create(
            created_by=1, admin_locale="kk", text_kk=f"{label} kk", text_ru=f"{label} ru", kind="all", value=None,
            default_locale="kk", paid=paid,
        )
        await session.commit()
        broadcast_id = broadcast.id
    await engine.dispose()
    return broadcast_id


async def spawn(database_url: str, api_url: str, rate: float, paid_rate: float | None,
                broadcast_id: int, *, capture: bool = False) -> asyncio.subprocess.Process:
    paid = ["--paid-rate", str(paid_rate)] if paid_rate else []
    return await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--worker", "--database-url", database_url, "--api-url", api_url,
        "--rate", str(rate), *paid, "--broadcast", str(broadcast_id),
        stdout=asyncio.subprocess.PIPE if capture else None,
    )


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


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


async def in_doubt_users(database_url: str, broadcast_id: int) -> list[int]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        users = await session.scalars(select(BroadcastRecipient.user_id).where(
            BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.status == RecipientStatus.UNKNOWN))
        found = [int(u) for u in users]
    await engine.dispose()
    return found


async def statuses(database_url: str, broadcast_id: int) -> dict[str, int]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        counts = await BroadcastRepository(session).counts(broadcast_id)
    await engine.dispose()
    return counts


@contextmanager
def database(kind: str, tmp: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{Path(tmp) / 'bot.db'}"
        return
    from tests.services import postgres_server

    with postgres_server() as url:
        yield url


async def bench(n: int, rate: float, paid_rate: float | None, rtt_ms: float, kind: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as tmp, database(kind, tmp) as database_url:
        await upgrade(database_url)
        async with BotAPIServer(Path(tmp) / "botapi", default_token=TOKEN) as server:
            recipients = await seed(server, database_url, n)
            target = paid_rate or rate
            server.rate_limit = RateLimit(global_per_second=paid_rate or 30, per_chat_per_second=1)
            if rtt_ms:
                server.add_fault("delay", method="sendMessage", times=None, seconds=rtt_ms / 1000)
            print(f"{kind}: {n} recipients, {'paid' if paid_rate else 'free'} broadcast at {target}/s, round trip "
                  f"{rtt_ms:g} ms; the sandbox allows {paid_rate or 30}/s and 1/s per chat", flush=True)
            first = await undisturbed(server, database_url, recipients, rate, paid_rate)
            server.clear_requests()
            second = await killed(server, database_url, recipients, rate, paid_rate)
    return {"database": kind, "recipients": n, "paid": bool(paid_rate), "target_rate": target, "rtt_ms": rtt_ms,
            **first, "after_kill": second}


async def undisturbed(server: BotAPIServer, database_url: str, recipients: list[int], rate: float,
                      paid_rate: float | None) -> dict[str, object]:
    target = paid_rate or rate
    first = await new_broadcast(database_url, "first", bool(paid_rate))
    started, harness_cpu = time.monotonic(), cpu_seconds()
    process = await spawn(database_url, server.url, rate, paid_rate, first, capture=True)
    output, _ = await process.communicate()
    harness_cpu = cpu_seconds() - harness_cpu
    sender_cpu = float(output.decode().split()[-1])  # its last line: "sender-cpu <seconds>" of the delivery
    delivered, times = tally(server, "first", recipients)
    achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    duplicates, losses = faults(delivered, recipients)
    refused = sum(1 for r in server.requests("sendMessage") if not r.ok)
    paid_flags = sum(1 for r in server.requests("sendMessage") if r.params.get("allow_paid_broadcast"))
    print(f"run 1: {len(times)} delivered in {time.monotonic() - started:.1f} s, {achieved:.2f} msg/s "
          f"(ratio {achieved / target:.3f}), {refused} answered 429, {paid_flags} carried allow_paid_broadcast, "
          f"{duplicates} duplicates, {losses} losses", flush=True)
    n = max(len(times), 1)
    print(f"CPU per message: the sender process {1000 * sender_cpu / n:.2f} ms, the sandbox server (and this "
          f"harness) {1000 * harness_cpu / n:.2f} ms", flush=True)
    return {"achieved_rate": round(achieved, 2), "rate_ratio": round(achieved / target, 4), "refused": refused,
            "duplicates": duplicates, "losses": losses, "sender_cpu_ms_per_message": round(1000 * sender_cpu / n, 3),
            "sandbox_cpu_ms_per_message": round(1000 * harness_cpu / n, 3)}


async def killed(server: BotAPIServer, database_url: str, recipients: list[int], rate: float,
                 paid_rate: float | None) -> dict[str, object]:
    """kill -9 at a random moment of the delivery itself (not of the interpreter's start-up), then a restart."""
    n, target = len(recipients), paid_rate or rate
    second = await new_broadcast(database_url, "second", bool(paid_rate))
    process = await spawn(database_url, server.url, rate, paid_rate, second)
    while not any(tally(server, "second", recipients)[0].values()):
        await asyncio.sleep(0.05)
    kill_after = random.uniform(0.0, 0.9) * n / target
    await asyncio.sleep(kill_after)
    os.kill(process.pid, signal.SIGKILL)
    await process.wait()
    await asyncio.sleep(0.5)  # requests already on the wire are answered (and delivered) by the server
    at_kill = sum(tally(server, "second", recipients)[0].values())
    restart = await spawn(database_url, server.url, rate, paid_rate, second)
    await restart.wait()
    delivered, _ = tally(server, "second", recipients)
    duplicates, losses = faults(delivered, recipients)
    counts = await statuses(database_url, second)
    doubtful = await in_doubt_users(database_url, second)
    undelivered = sum(1 for uid in doubtful if delivered[uid] == 0)
    # A silent loss: a recipient who got nothing and whom the admin's summary does not show in doubt.
    silent = sum(1 for uid in recipients if delivered[uid] == 0) - undelivered
    print(f"run 2: killed {kill_after:.1f} s into the delivery ({at_kill} delivered), restarted: "
          f"{sum(delivered.values())} delivered, {len(doubtful)} row(s) in doubt (not resent; {undelivered} of them "
          f"had not reached the server), {duplicates} duplicates, {losses} losses ({silent} silent)", flush=True)
    return {"duplicates": duplicates, "losses": losses, "silent_losses": silent, "in_doubt": len(doubtful),
            "in_doubt_undelivered": undelivered, "statuses": counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="the free rate, BROADCAST_RATE (at most 30)")
    parser.add_argument("--paid-rate", type=float, default=None,
                        help="send paid broadcasts at this rate, BROADCAST_PAID_RATE (at most 1000)")
    parser.add_argument("--rtt-ms", type=float, default=0.0, help="the Bot API answers every send this much later")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--broadcast", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker and os.environ.get("BENCH_PROFILE"):
        import cProfile

        # CPU time, not wall time: on a shared machine a wall-clock profile counts the waits for a core.
        # One file per sender process (the killed run and its restart too): BENCH_PROFILE.<pid>.
        profile = cProfile.Profile(time.process_time)
        profile.runctx("asyncio.run(worker(args.database_url, args.api_url, args.rate, args.paid_rate, "
                       "args.broadcast))", globals(), {"args": args})
        profile.dump_stats(f"{os.environ['BENCH_PROFILE']}.{os.getpid()}")
        return 0
    if args.worker:
        asyncio.run(worker(args.database_url, args.api_url, args.rate, args.paid_rate, args.broadcast))
        return 0
    if not 0 < args.rate <= 30:
        parser.error("--rate must be in (0, 30]: Telegram allows about 30 messages/s")
    if args.paid_rate is not None and not 0 < args.paid_rate <= 1000:
        parser.error("--paid-rate must be in (0, 1000]: Telegram allows up to 1000 paid messages/s")
    if args.recipients < 2:
        parser.error("--recipients must be at least 2")
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    results = [asyncio.run(bench(args.recipients, args.rate, args.paid_rate, args.rtt_ms, kind)) for kind in kinds]
    print(json.dumps(results if len(results) > 1 else results[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
