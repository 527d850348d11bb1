"""A region's deployment shape (tests/e2e/cluster.py): two workers on PostgreSQL and Redis behind nginx, the
webhook delivered as Telegram does (several POSTs at once, each chat in order, again after a failure).

Teachers onboard at once while one worker is killed with kill -9, and every conversation still ends with the
profile saved, once; and exactly one worker runs the scheduler, the other taking over when it dies."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from features.profile.callbacks import AreaCallback, ChoiceCallback, ConsentCallback, LanguageCallback, ToggleCallback
from scoring.iin import check_digit
from tests.e2e.cluster import Cluster
from tests.e2e.live_bot import buttons

TEACHERS = 12
FIRST_TEACHER = 7101
# A step may wait for a dead worker's work to be taken over (the short leases of FAST_LEASES) under a loaded
# machine: this bounds a hang, it measures nothing.
STEP_TIMEOUT = 90.0
LEASE_SECONDS = 3.0
# The bot's side of a chat: what it sent, edited, deleted and answered (chat actions — "typing…" — vary).
BOT_EVENTS = ("message", "edit", "delete", "callback_answer")
AGREE = ConsentCallback(agree=True).pack()


def choice(field: str, value: str) -> str:
    return ChoiceCallback(field=field, value=value).pack()


def valid_iins(count: int) -> list[str]:
    """Distinct valid IINs of teachers born on 15.03.1985 (the database holds each IIN once)."""
    iins: list[str] = []
    for serial in range(1, 10_000):
        first_eleven = f"8503153{serial:04d}"
        digit = check_digit(first_eleven)
        if digit is not None:
            iins.append(f"{first_eleven}{digit}")
        if len(iins) == count:
            return iins
    raise AssertionError("not enough valid IINs")


async def say(cluster: Cluster, uid: int, text: str) -> None:
    await cluster.send(text, user=uid, wait=False)
    await cluster.applied(user=uid, timeout=STEP_TIMEOUT)


async def tap(cluster: Cluster, uid: int, *callback_data: str) -> None:
    for data in callback_data:
        await cluster.press(data, user=uid, wait=False, timeout=STEP_TIMEOUT)
        await cluster.applied(user=uid, timeout=STEP_TIMEOUT)


async def onboard(cluster: Cluster, uid: int, iin: str) -> None:
    """The whole profile, as test_bot_process has it; each step once the last is applied (as a person reads
    the answer first), so the steps of one chat are never in flight together."""
    await say(cluster, uid, "/start")
    await tap(cluster, uid, LanguageCallback(code="kk").pack(), AGREE)
    await say(cluster, uid, "Ахметова Айгуль")
    await say(cluster, uid, iin)
    await tap(cluster, uid, choice("role", "teacher"), choice("teaching_post", "subject"),
              choice("org_type", "general_secondary"))
    await say(cluster, uid, "Школа-лицей №7")
    await tap(cluster, uid, choice("region", "karaganda"))
    await say(cluster, uid, "Қарағанды қаласы")
    await tap(cluster, uid, AreaCallback(action="pick", code="351010000").pack(),
              choice("current_category", "moderator"))
    await say(cluster, uid, "31.12.2026")
    await say(cluster, uid, "8")
    await tap(cluster, uid, choice("education", "higher_pedagogical"), choice("claimed_category", "expert"),
              choice("attestation_kind", "regular"), ToggleCallback(field="certificates", value=".").pack(),
              choice("special_programme", "no"), choice("transferred", "no"))
    await say(cluster, uid, "aigul@mail.kz")
    since = cluster.cursor(uid)
    await cluster.share_contact(f"+7701{uid:07d}", user=uid, wait=False)
    await cluster.reply(since=since, user=uid, timeout=STEP_TIMEOUT, where=lambda m: "(13-т.)" in (m["text"] or ""))


def bot_side(cluster: Cluster, uid: int) -> Counter[str]:
    return Counter(e["type"] for e in cluster.events(user=uid)
                   if e["type"] in BOT_EVENTS and (e["type"] != "message" or e["message"]["from"] == "bot"))


async def left_behind(cluster: Cluster) -> dict[str, int]:
    """Work stored but not finished: updates not applied, replies not sent."""
    inbox = await cluster.sql("select count(*) from received_updates where processed_at is null")
    outbox = await cluster.sql("select count(*) from outbox where sent_at is null and failed_at is null")
    return {"unapplied updates": inbox[0][0], "unsent replies": outbox[0][0]}


async def test_teachers_onboard_while_a_worker_is_killed(tmp_path: Path) -> None:
    iins = valid_iins(TEACHERS + 1)
    async with Cluster(tmp_path / "cluster", workers=2) as cluster:
        teachers = [FIRST_TEACHER + i for i in range(TEACHERS + 1)]
        for uid in teachers:
            cluster.user(uid, "Айгуль", language_code="kk")
        # One teacher alone first, on the healthy cluster: what the bot shows one onboarding.
        reference, *others = teachers
        await onboard(cluster, reference, iins[0])
        await cluster.quiet(1.0, user=reference)
        expected = bot_side(cluster, reference)
        assert expected["message"] >= 20 and expected["callback_answer"] >= 10

        updates_before = len(cluster.server.updates())
        killed: dict[str, Any] = {}

        async def kill_part_way() -> None:
            # A third of the way, while every teacher has an update in hand: Telegram refuses the bot's calls for
            # a moment, so at the kill no message is half-sent (accepted, its row not yet deleted — the outbox's
            # one window for a duplicate); the dead worker's replies are left unsent, its updates perhaps
            # unapplied, and the other worker must take them over.
            target = updates_before + len(others) * 8
            while len(cluster.server.updates()) < target:
                await asyncio.sleep(0.05)
            refusal = cluster.fault("server_error", times=None)
            await asyncio.sleep(1.0)
            killed["status"] = await cluster.kill(0)
            killed["at_update"] = len(cluster.server.updates())
            killed["left"] = await left_behind(cluster)
            cluster.server.clear_faults(refusal.id)

        teachers_done = (onboard(cluster, uid, iin) for uid, iin in zip(others, iins[1:], strict=True))
        await asyncio.gather(kill_part_way(), *teachers_done)
        for uid in others:
            await cluster.quiet(1.0, user=uid, timeout=STEP_TIMEOUT)

        print(f"the kill: {killed}")  # what it left behind, for the record (pytest -s)
        assert killed["status"] == -9 and cluster.running == [1]
        assert killed["at_update"] < len(cluster.server.updates())  # onboarding went on after the kill
        assert sum(killed["left"].values()) > 0, "the kill left no work in flight to take over"
        rows = await cluster.sql("select user_id, count(*), min(completed_at) from teacher_profiles "
                                 "group by user_id order by user_id")
        assert [row[0] for row in rows] == teachers and all(row[1] == 1 and row[2] is not None for row in rows)
        assert await left_behind(cluster) == {"unapplied updates": 0, "unsent replies": 0}
        stored = await cluster.sql("select count(*) from received_updates")
        assert stored[0][0] == len(cluster.server.updates())  # every update reached the database
        # Nothing applied twice, nothing lost: each teacher's chat shows what the reference teacher's showed.
        tallies = {uid: bot_side(cluster, uid) for uid in others}
        assert {uid: t for uid, t in tallies.items() if t != expected} == {}, f"expected {expected}"


def scheduler_runners(cluster: Cluster) -> list[int]:
    """The running workers whose log says they run the scheduler now (their last lease line is not a stop)."""
    running = []
    for index, worker in enumerate(cluster.workers):
        lines = [line for line in worker.log_path.read_text(errors="replace").splitlines()
                 if "now runs the scheduler" in line or "holds the scheduler's lease; stopped" in line]
        if worker.running and lines and "now runs the scheduler" in lines[-1]:
            running.append(index)
    return running


async def lease(cluster: Cluster) -> tuple[int | None, datetime | None]:
    """The scheduler lease's holder (a worker's index; None: not one of them) and when it runs out."""
    rows = await cluster.sql("select owner, expires_at from worker_leases where name = 'scheduler'")
    if not rows:
        return None, None
    owner, expires_at = rows[0]
    pid = int(owner.split(":")[1])  # app.leadership.worker_name: host:pid:random
    holders = [i for i, w in enumerate(cluster.workers) if w.proc is not None and w.proc.pid == pid]
    return (holders[0] if holders else None), expires_at


async def holder_within(cluster: Cluster, candidates: set[int], timeout: float) -> tuple[int, datetime]:
    """The first moment one of `candidates` holds an unexpired lease: (its index, the moment seen)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        index, expires_at = await lease(cluster)
        now = datetime.now(UTC)
        if index in candidates and expires_at is not None and expires_at > now:
            return index, now
        await asyncio.sleep(0.05)
    raise AssertionError(f"none of workers {candidates} took the scheduler's lease within {timeout}s\n"
                         f"{cluster.log_tail()}")


async def test_one_worker_runs_the_scheduler_and_another_takes_over(tmp_path: Path) -> None:
    env = {"SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS)}
    async with Cluster(tmp_path / "cluster", workers=2, env=env) as cluster:
        holder, _ = await holder_within(cluster, {0, 1}, STEP_TIMEOUT)
        # Over two leases' time the same worker renews it, and it alone runs the scheduler.
        for _ in range(int(2 * LEASE_SECONDS / 0.25)):
            assert (await lease(cluster))[0] == holder
            assert scheduler_runners(cluster) == [holder]
            await asyncio.sleep(0.25)

        assert await cluster.kill(holder) == -9
        killed_at = datetime.now(UTC)
        _, last_expiry = await lease(cluster)  # the dead holder's last renewal runs out then
        assert last_expiry is not None
        survivor = 1 - holder
        taker, seen_at = await holder_within(cluster, {survivor}, STEP_TIMEOUT)
        assert taker == survivor
        # It takes over at its first try after the lease ran out (a try every third of the lease), so within
        # SCHEDULER_LEASE_SECONDS and a third of the kill; the allowance is for this poll and a loaded machine.
        allowance = LEASE_SECONDS / 3 + 1.5
        assert (seen_at - last_expiry).total_seconds() <= allowance
        assert (seen_at - killed_at).total_seconds() <= LEASE_SECONDS + allowance
        # Its log says so once its jobs are added, a moment after the lease's commit.
        await cluster.until(lambda: scheduler_runners(cluster) == [survivor], timeout=STEP_TIMEOUT,
                            what="the survivor running the scheduler")


async def test_an_update_a_killed_worker_stored_and_never_applied_gets_its_reply(tmp_path: Path) -> None:
    async with Cluster(tmp_path / "cluster", workers=2) as cluster:
        uid = FIRST_TEACHER
        cluster.user(uid, "Айгуль", language_code="kk")
        await cluster.send("/start", user=uid, timeout=STEP_TIMEOUT)
        redis = Redis.from_url(cluster.redis_url)
        # The chat's lock as the workers take it (aiogram's RedisEventIsolation), held here: the worker that gets
        # the next POST stores the update, answers 200 and waits for the lock, so it dies with the update unapplied.
        chat_lock = redis.lock(f"fsm:{uid}:{uid}:lock", timeout=300)
        assert await chat_lock.acquire()
        try:
            answered = len(cluster.balancer_requests())
            since = cluster.cursor(uid)
            await cluster.press(LanguageCallback(code="kk").pack(), user=uid, wait=False)
            deadline = time.monotonic() + STEP_TIMEOUT
            while not (posts := [r for r in cluster.balancer_requests()[answered:] if r[0] == "POST"]):
                assert time.monotonic() < deadline, cluster.log_tail()
                await asyncio.sleep(0.05)
            _, uri, status, tried = posts[0]
            assert (uri, status) == ("/webhook", 200) and tried[-1] is not None
            stored_by = tried[-1]
            assert (await left_behind(cluster))["unapplied updates"] == 1
            assert await cluster.kill(stored_by) == -9
        finally:
            await chat_lock.release()
            await redis.aclose()

        consent = await cluster.reply(since=since, user=uid, timeout=STEP_TIMEOUT,
                                      where=lambda m: AGREE in buttons(m))
        assert consent["text"]
        await cluster.quiet(1.0, user=uid)
        after = cluster.events(since=since, user=uid)
        assert [e["type"] for e in after].count("callback_answer") == 1
        assert [m["message_id"] for m in cluster.bot_messages(uid) if AGREE in buttons(m)] == [consent["message_id"]]
        assert await left_behind(cluster) == {"unapplied updates": 0, "unsent replies": 0}
        survivor = 1 - stored_by
        assert (await cluster.metrics(survivor))["attestation_updates_taken_over_total"] == 1


@pytest.mark.xfail(strict=True, reason="with REDIS_URL a chat's lock (aiogram's RedisEventIsolation) is not taken "
                   "in arrival order, and the webhook answers 200 once an update is stored, so one chat's updates "
                   "waiting for it are applied in any order")
async def test_one_chats_updates_are_applied_in_the_order_sent(tmp_path: Path) -> None:
    async with Cluster(tmp_path / "cluster", workers=2) as cluster:
        uid = FIRST_TEACHER
        cluster.user(uid, "Айгуль", language_code="kk")
        await say(cluster, uid, "/start")
        redis = Redis.from_url(cluster.redis_url)
        # Held here while the user writes six times (a slow update before them would hold it the same way): Telegram
        # delivers them in order, each stored and answered 200, all six then wait for the chat's lock.
        chat_lock = redis.lock(f"fsm:{uid}:{uid}:lock", timeout=300)
        assert await chat_lock.acquire()
        try:
            for _ in range(6):
                await cluster.send("/help", user=uid, wait=False)
            deadline = time.monotonic() + STEP_TIMEOUT
            while len(await cluster.sql("select update_id from received_updates")) < 7:
                assert time.monotonic() < deadline, cluster.log_tail()
                await asyncio.sleep(0.1)
        finally:
            await chat_lock.release()
            await redis.aclose()
        await cluster.applied(user=uid, timeout=STEP_TIMEOUT)
        deadline = time.monotonic() + STEP_TIMEOUT
        while (await left_behind(cluster))["unapplied updates"]:
            assert time.monotonic() < deadline, cluster.log_tail()
            await asyncio.sleep(0.1)
        applied = await cluster.sql("select update_id from received_updates order by processed_at, update_id")
        assert [row[0] for row in applied] == sorted(row[0] for row in applied)
