"""The broadcast sender against the sandbox Bot API server: limits, blocks, network errors, crashes."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import ClientDecodeError, TelegramNetworkError
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import event, select, update

from app.factory import Application, create_application
from bot.pipeline.metrics import REGISTRY
from bot.settings import Settings
from features.broadcast.delivery import RateLimiter
from features.broadcast.sender import BroadcastSender
from sandbox.botapi import BotAPIServer, RateLimit
from sandbox.state import RateLimiter as SandboxRateLimiter
from storage.broadcast_models import Broadcast, BroadcastRecipient, BroadcastStatus
from storage.broadcast_repository import BroadcastRepository
from storage.migrate import upgrade
from storage.profile_models import TeacherProfile, User

TOKEN = "4242:SANDBOX-broadcast"


class Crash(BaseException):
    """Stands in for kill -9: nothing after it runs in the sender (not an Exception it could catch)."""


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[BotAPIServer]:
    server = BotAPIServer(tmp_path / "botapi", default_token=TOKEN)
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[Application]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=TOKEN, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", admin_ids=[1],
        broadcast_rate=30, broadcast_max_retries=3, broadcast_retry_backoff=1.0, broadcast_lease_seconds=60,
    )
    await upgrade(settings.database_url)
    application = create_application(settings)
    yield application
    await application.close()


class FlakySession(AiohttpSession):
    """A real HTTP session that fails some sendMessage calls the way the network does, or crashes."""

    def __init__(self, api: TelegramAPIServer, *, fail_first: int = 0, crash_at: int | None = None,
                 crash_after_send: bool = True, garbled_first: int = 0) -> None:
        super().__init__(api=api)
        self.fail_first = fail_first
        self.garbled_first = garbled_first
        self.crash_at = crash_at
        self.crash_after_send = crash_after_send
        self.sends = 0

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage):
            self.sends += 1
            if self.sends <= self.fail_first:
                raise TelegramNetworkError(method=method, message="Connection reset")
            if self.sends <= self.garbled_first:
                # What aiogram raises when a proxy answers an HTML 502 page instead of the Bot API's JSON.
                raise ClientDecodeError("Failed to deserialize object", ValueError("not JSON"),
                                        "<html><body>502 Bad Gateway</body></html>")
            if self.sends == self.crash_at:
                if self.crash_after_send:
                    await super().make_request(bot, method, timeout)
                raise Crash
        return await super().make_request(bot, method, timeout)


def make_bot(server: BotAPIServer, **flaky: Any) -> Bot:
    return Bot(TOKEN, session=FlakySession(TelegramAPIServer.from_base(server.url), **flaky))


class Clock:
    """Instant sleeps that record what was asked, and let a 429 window pass on the sandbox."""

    def __init__(self, server: BotAPIServer) -> None:
        self.server = server
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if seconds >= 1:
            self.server.world.rate_limiter = SandboxRateLimiter()

    async def pace(self, seconds: float) -> None:
        """The sender's own pacing: instant, and not what the tests look at."""


async def teachers(app: Application, server: BotAPIServer, n: int, locale: str = "ru") -> list[int]:
    ids = []
    async with app.sessions() as session:
        for _ in range(n):
            user = server.create_user()
            await server.send_text(user.id, "/start")  # the bot may write only to users who started it
            session.add(User(id=user.id, locale=locale, is_active=True))
            session.add(TeacherProfile(user_id=user.id, consent_at=datetime.now(UTC), region="astana"))
            ids.append(user.id)
        await session.commit()
    return ids


async def new_broadcast(app: Application) -> int:
    async with app.sessions() as session:
        broadcast = await BroadcastRepository(session).create(
            created_by=1, admin_locale="ru", text_kk="Сәлем", text_ru="Привет", kind="all", value=None,
            default_locale="kk",
        )
        await session.commit()
        return broadcast.id


def delivered(server: BotAPIServer) -> Counter[int]:
    return Counter(int(r.params["chat_id"]) for r in server.requests("sendMessage") if r.ok)


async def statuses(app: Application, broadcast_id: int) -> dict[str, int]:
    async with app.sessions() as session:
        return await BroadcastRepository(session).counts(broadcast_id)


def sender(app: Application, bot: Bot, clock: Clock, **kwargs: Any) -> BroadcastSender:
    limiter = RateLimiter(app.settings.broadcast_rate, sleep=clock.pace)
    return BroadcastSender(bot, app.sessions, app.i18n, app.settings, limiter=limiter, sleep=clock.sleep, **kwargs)


async def test_every_recipient_once_in_their_language(app: Application, server: BotAPIServer) -> None:
    ru = await teachers(app, server, 3, "ru")
    kk = await teachers(app, server, 2, "kk")
    broadcast_id = await new_broadcast(app)
    server.clear_requests()
    bot, clock = make_bot(server), Clock(server)
    await sender(app, bot, clock).run_pending()
    await bot.session.close()
    assert delivered(server) == Counter(ru + kk)
    texts = {int(r.params["chat_id"]): r.params["text"] for r in server.requests("sendMessage")}
    assert {texts[u] for u in ru} == {"Привет"} and {texts[u] for u in kk} == {"Сәлем"}
    assert await statuses(app, broadcast_id) == {"sent": 5}
    async with app.sessions() as session:
        assert (await session.get(Broadcast, broadcast_id)).status == BroadcastStatus.DONE  # type: ignore[union-attr]


async def test_429_waits_what_telegram_says_and_loses_nothing(app: Application, server: BotAPIServer) -> None:
    users = await teachers(app, server, 6)
    broadcast_id = await new_broadcast(app)
    server.clear_requests()
    server.rate_limit = RateLimit(global_per_second=2, per_chat_per_second=1)
    bot, clock = make_bot(server), Clock(server)
    await sender(app, bot, clock).run_pending()
    await bot.session.close()
    refused = [r for r in server.requests("sendMessage") if not r.ok]
    assert refused and all("Too Many Requests" in (r.error or "") for r in refused)
    assert 1 in clock.slept  # the retry_after the sandbox gave
    assert delivered(server) == Counter(users)
    assert await statuses(app, broadcast_id) == {"sent": 6}


async def test_blocked_user_marked_inactive_and_skipped(app: Application, server: BotAPIServer) -> None:
    users = await teachers(app, server, 4)
    first, second = await new_broadcast(app), await new_broadcast(app)
    server.set_blocked(users[1])
    bot, clock = make_bot(server), Clock(server)
    counted = {o: REGISTRY.get_sample_value("attestation_broadcast_messages_total", {"outcome": o}) or 0
               for o in ("sent", "blocked")}
    await sender(app, bot, clock).run_pending()
    await bot.session.close()
    assert await statuses(app, first) == {"sent": 3, "blocked": 1}
    # The metrics: six sent and one send refused as blocked (the second broadcast's skip sends nothing).
    assert REGISTRY.get_sample_value("attestation_broadcast_messages_total", {"outcome": "sent"}) == counted["sent"] + 6
    # Queued before the block was known, the second broadcast skips the user without a send.
    assert await statuses(app, second) == {"sent": 3, "blocked": 1}
    assert delivered(server)[users[1]] == 0
    assert len([r for r in server.requests("sendMessage") if int(r.params["chat_id"]) == users[1]]) == 1
    async with app.sessions() as session:
        assert (await session.get(User, users[1])).is_active is False  # type: ignore[union-attr]
        assert await BroadcastRepository(session).count_segment("all", None) == 3


async def test_network_errors_retried_with_backoff(app: Application, server: BotAPIServer) -> None:
    users = await teachers(app, server, 2)
    broadcast_id = await new_broadcast(app)
    bot, clock = make_bot(server, fail_first=2), Clock(server)
    await sender(app, bot, clock).run_pending()
    await bot.session.close()
    assert clock.slept.count(1.0) >= 1 and 2.0 in clock.slept  # 1 s, then 2 s
    assert delivered(server) == Counter(users)
    assert await statuses(app, broadcast_id) == {"sent": 2}


async def test_a_reply_that_is_not_the_bot_apis_json_is_retried(app: Application, server: BotAPIServer) -> None:
    users = await teachers(app, server, 2)
    broadcast_id = await new_broadcast(app)
    bot, clock = make_bot(server, garbled_first=2), Clock(server)
    await sender(app, bot, clock).run_pending()
    await bot.session.close()
    assert delivered(server) == Counter(users)
    assert await statuses(app, broadcast_id) == {"sent": 2}  # not "unknown", not dropped


async def test_network_errors_beyond_the_bound_fail_the_row(app: Application, server: BotAPIServer) -> None:
    users = await teachers(app, server, 2)
    broadcast_id = await new_broadcast(app)
    bot, clock = make_bot(server, fail_first=4), Clock(server)  # 1 try + 3 retries for the first row
    await sender(app, bot, clock).run_pending()
    await bot.session.close()
    assert [s for s in clock.slept if s >= 1] == [1.0, 2.0, 4.0]
    assert delivered(server) == Counter(users[1:])
    assert await statuses(app, broadcast_id) == {"failed": 1, "sent": 1}
    async with app.sessions() as session:
        row = await session.scalar(select(BroadcastRecipient).where(BroadcastRecipient.user_id == users[0]))
        assert row is not None and row.attempts == 1 and "Connection reset" in (row.error or "")


@pytest.mark.parametrize("crash_after_send", [True, False])
async def test_resume_after_a_crash(app: Application, server: BotAPIServer, crash_after_send: bool) -> None:
    users = await teachers(app, server, 10)
    broadcast_id = await new_broadcast(app)
    server.clear_requests()
    crashing, clock = make_bot(server, crash_at=4, crash_after_send=crash_after_send), Clock(server)
    with pytest.raises(Crash):
        await sender(app, crashing, clock, owner="dead-process").deliver_broadcast(broadcast_id)
    await crashing.session.close()
    async with app.sessions() as session:
        # kill -9 releases nothing: the dead process still holds the lease, now run out.
        await session.execute(update(Broadcast).values(
            lease_owner="dead-process", lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()
    assert (await statuses(app, broadcast_id)).get("sending") == 1
    bot = make_bot(server)
    await sender(app, bot, clock, owner="restarted").run_pending()
    await bot.session.close()
    assert await statuses(app, broadcast_id) == {"sent": 9, "unknown": 1}
    got = delivered(server)
    assert max(got.values()) == 1  # never twice
    in_doubt = users[3]
    assert got[in_doubt] == (1 if crash_after_send else 0)  # the documented at-most-one in doubt
    assert all(got[u] == 1 for u in users if u != in_doubt)


async def test_live_lease_keeps_a_second_process_out(app: Application, server: BotAPIServer) -> None:
    users = await teachers(app, server, 5)
    broadcast_id = await new_broadcast(app)
    async with app.sessions() as session:
        assert await BroadcastRepository(session).acquire_lease(
            broadcast_id, "other-live-process", datetime.now(UTC), timedelta(minutes=1))
        await session.commit()
    bot, clock = make_bot(server), Clock(server)
    await sender(app, bot, clock).run_pending()
    assert delivered(server) == Counter()
    async with app.sessions() as session:
        await BroadcastRepository(session).release_lease(broadcast_id, "other-live-process")
        await session.commit()
    await sender(app, bot, clock).run_pending()
    await bot.session.close()
    assert delivered(server) == Counter(users)


async def test_pause_stops_and_resume_finishes(app: Application, server: BotAPIServer) -> None:
    users = await teachers(app, server, 3)
    broadcast_id = await new_broadcast(app)
    async with app.sessions() as session:
        assert await BroadcastRepository(session).pause(broadcast_id)
        await session.commit()
    bot, clock = make_bot(server), Clock(server)
    await sender(app, bot, clock).run_pending()
    assert delivered(server) == Counter()
    assert await statuses(app, broadcast_id) == {"pending": 3}
    async with app.sessions() as session:
        assert await BroadcastRepository(session).resume(broadcast_id)
        await session.commit()
    await sender(app, bot, clock).run_pending()
    await bot.session.close()
    assert delivered(server) == Counter(users)


# --- several sends in flight, claims in batches, paid broadcasts ---------------------------------


async def paid_broadcast(app: Application) -> int:
    async with app.sessions() as session:
        broadcast = await BroadcastRepository(session).create(
            created_by=1, admin_locale="ru", text_kk="Сәлем", text_ru="Привет", kind="all", value=None,
            default_locale="kk", paid=True,
        )
        await session.commit()
        return broadcast.id


async def test_sends_overlap_while_no_chat_gets_two_within_a_second(app: Application, server: BotAPIServer) -> None:
    """A slow Bot API (0.3 s per answer): 30 sends one after another would take 9 s; in flight together,
    two broadcasts to the same 15 chats take about the per-chat second plus one answer."""
    users = await teachers(app, server, 15)
    first, second = await new_broadcast(app), await new_broadcast(app)
    server.clear_requests()
    server.rate_limit = RateLimit(global_per_second=30, per_chat_per_second=1)
    server.add_fault("delay", method="sendMessage", times=None, seconds=0.3)
    bot = make_bot(server)
    began = time.monotonic()
    await BroadcastSender(bot, app.sessions, app.i18n, app.settings).run_pending()
    wall = time.monotonic() - began
    await bot.session.close()
    assert wall < 0.5 * 30 * 0.3, wall
    requests = server.requests("sendMessage")
    assert all(r.ok for r in requests)  # no 429: within 30/s overall and 1/s per chat
    assert delivered(server) == Counter({u: 2 for u in users})
    for user in users:
        first_at, second_at = sorted(r.time for r in requests if int(r.params["chat_id"]) == user)
        assert second_at - first_at >= 0.95  # arrival times at the server, a little jitter allowed
    assert await statuses(app, first) == {"sent": 15} and await statuses(app, second) == {"sent": 15}


def count_recipient_updates(app: Application) -> list[str]:
    """Every UPDATE of broadcast_recipients the sender executes, as SQL text."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE BROADCAST_RECIPIENTS"):
            statements.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", record)
    return statements


async def test_a_paid_broadcast_claims_and_records_rows_in_batches(app: Application, server: BotAPIServer) -> None:
    users = await teachers(app, server, 120)
    broadcast_id = await paid_broadcast(app)
    server.clear_requests()
    updates = count_recipient_updates(app)
    bot, clock = make_bot(server), Clock(server)
    limiter = RateLimiter(app.settings.broadcast_rate, sleep=clock.pace)
    sender = BroadcastSender(bot, app.sessions, app.i18n, app.settings, limiter=limiter, sleep=clock.pace)
    await sender.run_pending()
    await bot.session.close()
    assert delivered(server) == Counter(users)
    assert await statuses(app, broadcast_id) == {"sent": 120}
    claims = [s for s in updates if "attempts" in s]
    # 1,000/s claims 20 rows a commit (the sends of the next 20 ms): 6 claims, not 120; the outcomes
    # are recorded a few hundred at a time, not one statement per recipient.
    assert len(claims) == 120 // 20
    assert len(updates) - len(claims) <= 6
    assert all(r.params.get("allow_paid_broadcast") for r in server.requests("sendMessage"))


async def test_a_free_broadcast_does_not_carry_allow_paid_broadcast(app: Application, server: BotAPIServer) -> None:
    await teachers(app, server, 3)
    await new_broadcast(app)
    server.clear_requests()
    bot, clock = make_bot(server), Clock(server)
    await sender(app, bot, clock).run_pending()
    await bot.session.close()
    requests = server.requests("sendMessage")
    assert len(requests) == 3 and not any("allow_paid_broadcast" in r.params for r in requests)


async def test_a_crash_in_a_batched_run_resends_nothing(app: Application, server: BotAPIServer) -> None:
    """Paid, 20 rows a claim, many sends in flight: the crash leaves in doubt only what it interrupted."""
    users = await teachers(app, server, 100)
    broadcast_id = await paid_broadcast(app)
    server.clear_requests()
    server.add_fault("delay", method="sendMessage", times=None, seconds=0.05)
    crashing = make_bot(server, crash_at=45)
    with pytest.raises(Crash):
        await BroadcastSender(crashing, app.sessions, app.i18n, app.settings, owner="dead-process").deliver_broadcast(
            broadcast_id)
    await crashing.session.close()
    async with app.sessions() as session:
        await session.execute(update(Broadcast).values(
            lease_owner="dead-process", lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()
    bot = make_bot(server)
    await BroadcastSender(bot, app.sessions, app.i18n, app.settings, owner="restarted").run_pending()
    await bot.session.close()
    counts = await statuses(app, broadcast_id)
    assert set(counts) <= {"sent", "unknown"} and sum(counts.values()) == 100
    assert 1 <= counts.get("unknown", 0) <= 20  # the crashed send (and sends cut off with it), never resent
    got = delivered(server)
    assert max(got.values()) == 1  # never twice
    async with app.sessions() as session:
        doubtful = set(await session.scalars(select(BroadcastRecipient.user_id).where(
            BroadcastRecipient.status == "unknown")))
    assert all(got[u] == 1 for u in users if u not in doubtful)


@pytest.mark.parametrize("returning", [True, False])
async def test_claim_many_claims_only_pending_rows_of_a_running_broadcast(app: Application, server: BotAPIServer,
                                                                          returning: bool) -> None:
    """With RETURNING, and without it (SQLite before 3.35): the claimed ids are read back."""
    await teachers(app, server, 4)
    broadcast_id = await new_broadcast(app)
    app.engine.sync_engine.dialect.update_returning = returning
    async with app.sessions() as session:
        repo = BroadcastRepository(session)
        ids = [row_id for row_id, _, _ in await repo.pending(broadcast_id, 10)]
        assert await repo.claim_many(ids[:2], broadcast_id, datetime.now(UTC)) == set(ids[:2])
        assert await repo.claim_many(ids[1:3], broadcast_id, datetime.now(UTC)) == {ids[2]}  # ids[1]: taken
        await repo.pause(broadcast_id)
        assert await repo.claim_many(ids[3:], broadcast_id, datetime.now(UTC)) == set()
        await session.commit()
    assert await statuses(app, broadcast_id) == {"sending": 3, "pending": 1}
