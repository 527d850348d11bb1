"""Load test: simulated teachers through onboarding, /checklist, /essay and /score, over HTTP, at a fixed
offered rate of updates, against the real bot's webhook workers; with `--kill`, one worker dies by kill -9
part-way through. The last line of output is one JSON object.

    .venv/bin/python benchmarks/load.py --teachers 2000 --rates 50,100,200 --workers 1,2 --kill
    .venv/bin/python benchmarks/load.py --teachers 100 --rates 50 --workers 1      # while developing

The teachers act on the project's Bot API server (sandbox/botapi.py, in this process): it POSTs each update
to the workers' webhook (through nginx with several workers, tests/e2e/cluster.py) and takes their replies.
Each teacher waits for the bot's answer to a step before her next one (benchmarks/load_script.py: what she
does, how many messages and edits answer it, and what they must show); the steps of all teachers are sent
on a fixed clock at the offered rate, each tick to the teacher who has waited longest since her answer, and
a tick with nobody ready is skipped (so a slow bot gets less than it was offered, as a real one would be
offered less by people who are still waiting). `--active` teachers are in the middle of their scripts at a
time; one who finishes makes room for the next.

What is measured, over the steady window (after a warm-up of a tenth, until the first teacher finishes with
nobody left to take her place):
- latency: from the update entering the Bot API server (the user's event in the chat) to the bot's first
  message or edit in that chat answering it; p50 and p99;
- throughput: answered steps per second; updates sent per second beside the offered rate;
- timeouts: steps whose right answer did not come within `--timeout` (her script stops there);
- CPU: each worker's (from /proc) per update sent, and this process's (the server and the teachers).

What is checked at the end, once the bot has fallen quiet, from the server's record and the bot's database
(`check`), for every teacher who took part:
- lost: an update the teacher made that is not stored, or stored and never processed, in `received_updates`;
  or a chat with fewer bot messages and edits than her steps are answered with;
- duplicated: a chat with more of them, or more in the database than her steps left (a second file, a
  longer essay, more observation results);
- broken: a teacher whose step never got its right answer, or whose profile, file, essay or self-assessment
  is not in the database as her steps so far left them. A teacher who gave up waiting on a step (`--timeout`)
  whose right answer came later is counted as late, not broken; one in the middle of her script when
  `--duration` ran out as stopped. Neither goes on with her script.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from benchmarks.load_script import SHEET, Act, Expected, Step, View, expected, script
from sandbox.botapi import BotAPIServer
from sandbox.state import Chat, bot_id_for
from storage.checklist_models import Essay, UploadedFile
from storage.db import create_engine, create_session_factory
from storage.inbox_models import ReceivedUpdate
from storage.profile_models import TeacherProfile
from storage.scoring_models import SelfAssessment

USER_BASE = 20_000_000
REPLY_TIMEOUT = 30.0
QUIET_SECONDS = 2.0
CLOCK_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
DRIVER = 0  # CpuMeter's key for this process (the Bot API server and the teachers)


class Target(Protocol):
    """Where the teachers' updates go: the Bot API server, the bot's token and database, its workers."""

    server: BotAPIServer
    token: str
    database_url: str

    def worker_pids(self) -> list[int]: ...

    async def kill_worker(self, index: int) -> None: ...


def is_output(event: dict[str, Any]) -> bool:
    """A message the bot sent or edited: what a teacher sees as its answer."""
    if event["type"] == "edit":
        return True
    return event["type"] == "message" and event["message"]["from"] == "bot"


def is_user_event(event: dict[str, Any]) -> bool:
    if event["type"] == "callback_query":
        return True
    return event["type"] == "message" and event["message"]["from"] == "user"


@dataclass
class StepRecord:
    teacher: int
    step: str
    sent: float  # the update entered the server (time.time(), the chat event's clock)
    first: float | None = None  # the bot's first message or edit after it
    done: float | None = None  # the whole right answer was there
    ok: bool = False

    @property
    def latency(self) -> float | None:
        return None if self.first is None else self.first - self.sent


class Teacher:
    """One simulated teacher: her chat on the server and where she is in her script."""

    def __init__(self, n: int, target: Target, timeout: float) -> None:
        self.n = n
        self.uid = USER_BASE + n
        self.target = target
        self.timeout = timeout
        self.steps = script(n)
        self.position = 0
        self.update_ids: list[int] = []
        self.failure: str | None = None
        self.waited_from = 0  # the chat event after which the step she gave up on was answered, if ever
        target.server.create_user("Учитель", user_id=self.uid, language_code="ru")
        self.chat: Chat = target.server.world.chat(target.server.bot(target.token), self.uid)

    @property
    def finished(self) -> bool:
        return self.position >= len(self.steps)

    @property
    def expected_outputs(self) -> int:
        return sum(step.replies for step in self.steps[: self.position])

    def outputs(self) -> int:
        return sum(1 for event in self.chat.events if is_output(event))

    def _message_with(self, data: str) -> int:
        for stored in reversed(list(self.chat.messages.values())):
            if stored.outgoing and not stored.deleted:
                markup = stored.data.get("reply_markup") or {}
                if any(b.get("callback_data") == data for row in markup.get("inline_keyboard", []) for b in row):
                    return stored.message_id
        raise LookupError(f"no bot message with the button {data!r}")

    async def _act(self, step: Step) -> None:
        server, uid, token = self.target.server, self.uid, self.target.token
        if step.act is Act.TEXT:
            await server.send_text(uid, step.value, token=token)
        elif step.act is Act.PRESS:
            await server.press_button(uid, self._message_with(step.value), step.value, token=token)
        elif step.act is Act.DOCUMENT:
            await server.send_document(uid, step.content, step.value, "application/pdf", token=token)
        else:
            await server.send_contact(uid, step.value, token=token)

    def _newest_update(self) -> int:
        """The update the step just made: nothing else ran between its creation and this call (no await)."""
        bot = self.target.server.bot(self.target.token)
        update_id = next(reversed(bot.recent))
        update = bot.recent[update_id]
        sender = (update.get("message") or update.get("callback_query") or {}).get("from", {}).get("id")
        assert sender == self.uid, "the newest update is another teacher's"
        return update_id

    async def play(self, drop: bool = False) -> StepRecord:
        """Her next step: act, then wait for the bot's whole right answer; `drop` loses the update on the
        server before it is delivered (to show that the checks see a loss)."""
        step = self.steps[self.position]
        since = len(self.chat.events)
        try:
            await self._act(step)
        except LookupError as error:
            self.failure = f"{step.name}: {error}"
            return StepRecord(self.n, step.name, time.time())
        self.update_ids.append(self._newest_update())
        if drop:
            bot = self.target.server.bot(self.target.token)
            bot.pending = [u for u in bot.pending if u["update_id"] != self.update_ids[-1]]
        index = next(i for i in range(since, len(self.chat.events)) if is_user_event(self.chat.events[i]))
        record = StepRecord(self.n, step.name, self.chat.events[index]["time"])
        await self._await_answer(step, record, index + 1)
        self.position += 1
        if not record.ok:
            self.failure = f"{step.name}: no right answer within {self.timeout:.0f}s"
            self.waited_from = index + 1
        return record

    def answered_late(self) -> bool:
        """The step she gave up on (a timeout) has its whole right answer by now: late, not lost or wrong."""
        if self.failure is None or self.position == 0:
            return False
        step = self.steps[self.position - 1]
        views = [e["message"] for e in self.chat.events[self.waited_from:] if is_output(e)]
        return len(views) >= step.replies and step.right(views)

    async def _await_answer(self, step: Step, record: StepRecord, cursor: int) -> None:
        views: list[View] = []
        deadline = time.monotonic() + self.timeout
        while not (len(views) >= step.replies and step.right(views)):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            events, cursor = await self.target.server.wait_events(self.uid, cursor, remaining,
                                                                 token=self.target.token)
            for event in events:
                if is_output(event):
                    record.first = record.first or event["time"]
                    views.append(event["message"])
        record.done, record.ok = time.time(), True


class CpuMeter:
    """The CPU time of processes from /proc (user + system), sampled over time; a process that is gone keeps
    its last reading."""

    def __init__(self, pids: Iterable[int]) -> None:
        self.pids = list(pids)
        self.samples: list[tuple[float, dict[int, float]]] = []
        self.sample()

    @staticmethod
    def read(pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICK

    def sample(self) -> None:
        last = self.samples[-1][1] if self.samples else {}
        values = {DRIVER: time.process_time()}
        for pid in self.pids:
            value = self.read(pid)
            values[pid] = value if value is not None else last.get(pid, 0.0)
        self.samples.append((time.time(), values))

    def _at(self, moment: float) -> dict[int, float]:
        before = [values for when, values in self.samples if when <= moment]
        return before[-1] if before else self.samples[0][1]

    def used(self, start: float, end: float) -> dict[int, float]:
        """Each process's CPU seconds between the samples nearest `start` and `end`."""
        first, last = self._at(start), self._at(end)
        return {pid: last[pid] - first[pid] for pid in [DRIVER, *self.pids]}


@dataclass
class RunFigures:
    workers: int
    offered: float
    teachers: int
    steps: int = 0
    window_s: float = 0.0
    sent_per_s: float = 0.0
    replies_per_s: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    timeouts: int = 0
    skipped_ticks: int = 0
    cpu_ms_per_update: float | None = None
    worker_cpu_pct: list[float] = field(default_factory=list)
    driver_cpu_pct: float = 0.0
    load_average: float = 0.0
    killed: bool = False
    checks: dict[str, Any] = field(default_factory=dict)


@dataclass
class Pacing:
    rate: float
    active: int
    timeout: float = REPLY_TIMEOUT
    duration: float = 0.0  # seconds of sending at most (0: until every teacher has finished)
    kill: bool = False
    drop: tuple[int, int] | None = None  # (teacher, step) whose update the server loses


class LoadRun:
    """Teachers `first`…`first + count - 1` driven at `pacing.rate` updates/s against `target`."""

    def __init__(self, target: Target, first: int, count: int, pacing: Pacing) -> None:
        self.target = target
        self.pacing = pacing
        self.teachers = [Teacher(first + i, target, pacing.timeout) for i in range(count)]
        self.records: list[StepRecord] = []
        self.sends: list[float] = []
        self.skipped: list[float] = []
        self.window: tuple[float, float] = (0.0, 0.0)
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready: deque[Teacher] = deque()
        self._waiting: deque[Teacher] = deque(self.teachers)
        self._playing = 0
        self._killed = False
        self._stopped = False
        self.cpu = CpuMeter([])

    async def _step(self, teacher: Teacher) -> None:
        drop = self.pacing.drop == (teacher.n, teacher.position)
        record = await teacher.play(drop)
        self.records.append(record)
        if teacher.failure is None and not teacher.finished:
            self._ready.append(teacher)
            return
        self._playing -= 1
        if not self._waiting and not self.window[1]:
            # The first to leave with nobody left to take her place: the tail, fewer playing, begins.
            self.window = (self.window[0], time.time())

    def _admit(self) -> None:
        while self._waiting and self._playing < self.pacing.active:
            self._ready.append(self._waiting.popleft())
            self._playing += 1

    def _tick(self) -> None:
        self._admit()
        if not self._ready:
            self.skipped.append(time.time())
            return
        teacher = self._ready.popleft()
        self.sends.append(time.time())
        task = asyncio.create_task(self._step(teacher))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _half_way(self) -> bool:
        """Half the duration gone, or (without one) half the teachers started."""
        if self.pacing.duration:
            return time.time() - self.window[0] >= self.pacing.duration / 2
        return len(self._waiting) <= len(self.teachers) // 2

    async def _maybe_kill(self) -> None:
        if self.pacing.kill and not self._killed and self._half_way():
            self._killed = True
            self.cpu.sample()
            await self.target.kill_worker(0)

    async def drive(self) -> None:
        """The fixed clock: one step per tick while anyone is still playing or waiting to start, or until
        `pacing.duration` is over (the steps on their way then get their answers; nobody starts another)."""
        loop = asyncio.get_running_loop()
        interval, next_tick = 1.0 / self.pacing.rate, loop.time()
        self.cpu = CpuMeter(self.target.worker_pids())
        self.window = (time.time(), 0.0)
        stop_at = loop.time() + self.pacing.duration if self.pacing.duration else None
        sampled = loop.time()
        while (self._waiting or self._playing) and (stop_at is None or loop.time() < stop_at):
            delay = next_tick - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -1.0:
                next_tick = loop.time()  # starved for over a second: do not burst to catch up
            next_tick += interval
            self._tick()
            await self._maybe_kill()
            if loop.time() - sampled >= 1.0:
                self.cpu.sample()
                sampled = loop.time()
        if stop_at is not None and loop.time() >= stop_at:
            self._stopped = True
            self.window = (self.window[0], self.window[1] or time.time())
        self.cpu.sample()
        if self._tasks:
            await asyncio.wait(set(self._tasks))

    @property
    def stopped_by_the_clock(self) -> list[Teacher]:
        """The teachers in the middle of their scripts when the duration ran out (not a failure)."""
        return [t for t in self.teachers if self._stopped and t.failure is None and 0 < t.position < len(t.steps)]

    async def quiet(self, seconds: float = QUIET_SECONDS, limit: float = 60.0) -> None:
        """Until the bot has sent or edited nothing in any teacher's chat for `seconds`."""
        deadline, last, since = time.monotonic() + limit, -1, time.monotonic()
        while time.monotonic() < deadline:
            total = sum(len(t.chat.events) for t in self.teachers)
            if total != last:
                last, since = total, time.monotonic()
            elif time.monotonic() - since >= seconds:
                return
            await asyncio.sleep(0.2)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def figures(run: LoadRun, workers: int) -> RunFigures:
    """The steady window's figures: from a tenth in (the warm-up) until the tail (fewer playing) begins."""
    start, end = run.window
    end = end or (run.sends[-1] if run.sends else start)
    start += (end - start) / 10
    span = max(end - start, 1e-9)
    within = [r for r in run.records if start <= r.sent <= end]
    latencies = [r.latency * 1000 for r in within if r.latency is not None]
    sent = sum(1 for t in run.sends if start <= t <= end)
    cpu = run.cpu.used(start, end)
    driver_cpu = cpu.pop(DRIVER)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    return RunFigures(
        workers=workers, offered=run.pacing.rate, teachers=len(run.teachers), steps=len(run.records),
        window_s=round(span, 1), sent_per_s=round(sent / span, 1),
        replies_per_s=round(sum(1 for r in within if r.ok) / span, 1),
        p50_ms=None if p50 is None else round(p50, 1), p99_ms=None if p99 is None else round(p99, 1),
        timeouts=sum(1 for r in run.records if not r.ok),
        skipped_ticks=sum(1 for t in run.skipped if start <= t <= end),
        cpu_ms_per_update=round(1000 * sum(cpu.values()) / max(sent, 1), 2) if cpu else None,
        worker_cpu_pct=[round(100 * used / span, 1) for used in cpu.values()],
        driver_cpu_pct=round(100 * driver_cpu / span, 1), load_average=round(os.getloadavg()[0], 2),
        killed=run.pacing.kill,
    )


# --- the checks ----------------------------------------------------------------------------------------


@dataclass
class Found:
    """What the bot's database holds for one teacher."""

    completed: bool = False
    iin: str | None = None
    phone: str | None = None
    files: int = 0
    essay_words: int | None = None
    observations: tuple[int, ...] | None = None

    def matches(self, wanted: Expected) -> bool:
        # A self-assessment opened by /score holds no observation yet: the same as none.
        return (self.completed, self.iin, self.phone, self.files, self.essay_words, self.observations or None) == (
            wanted.completed, wanted.iin, wanted.phone, wanted.files, wanted.essay_words, wanted.observations or None)

    def beyond(self, wanted: Expected) -> bool:
        """More than her steps left: one applied twice."""
        longer = (self.essay_words or 0) > (wanted.essay_words or 0)
        more = len(self.observations or ()) > len(wanted.observations or ())
        return self.files > wanted.files or longer or more


@dataclass
class Checks:
    updates: int = 0
    not_stored: list[int] = field(default_factory=list)
    not_applied: list[int] = field(default_factory=list)
    unanswered_steps: int = 0
    extra_outputs: dict[int, int] = field(default_factory=dict)  # teacher → bot messages/edits beyond her script's
    missing_outputs: dict[int, int] = field(default_factory=dict)
    applied_twice: list[int] = field(default_factory=list)  # teachers with more in the database than she did
    unfinished: list[int] = field(default_factory=list)  # no right answer to a step, even by the end
    late: list[int] = field(default_factory=list)  # gave up on a step (timeout) that was answered rightly later
    stopped: int = 0  # in the middle of her script when the run's duration was over (not counted as broken)
    finished: int = 0
    wrong_in_database: list[int] = field(default_factory=list)
    profiles_completed: int = 0

    @property
    def lost(self) -> int:
        """Updates not stored or never applied, and chats missing answers even after the bot fell quiet."""
        return len(self.not_stored) + len(self.not_applied) + len(self.missing_outputs)

    @property
    def duplicated(self) -> int:
        return len(self.extra_outputs) + len(self.applied_twice)

    @property
    def broken(self) -> int:
        return len(set(self.unfinished) | set(self.wrong_in_database) | set(self.missing_outputs))

    def summary(self) -> dict[str, Any]:
        return {
            "updates": self.updates, "lost": self.lost, "duplicated": self.duplicated, "broken": self.broken,
            "not_stored": len(self.not_stored), "not_applied": len(self.not_applied),
            "unanswered_steps": self.unanswered_steps, "extra_outputs": sum(self.extra_outputs.values()),
            "missing_outputs": sum(self.missing_outputs.values()), "applied_twice": len(self.applied_twice),
            "unfinished": len(self.unfinished), "late": len(self.late),
            "wrong_in_database": len(self.wrong_in_database),
            "profiles_completed": self.profiles_completed, "finished": self.finished, "stopped": self.stopped,
        }


async def found_in_database(database_url: str, uids: list[int]) -> dict[int, Found]:
    """Each teacher's profile, files, essay and self-assessment as the bot stored them."""
    engine = create_engine(database_url)
    found = {uid: Found() for uid in uids}
    try:
        async with create_session_factory(engine)() as session:
            for profile in await session.scalars(select(TeacherProfile).where(TeacherProfile.user_id.in_(uids))):
                entry = found[profile.user_id]
                entry.completed, entry.iin, entry.phone = profile.completed_at is not None, profile.iin, profile.phone
            files = select(UploadedFile.user_id, func.count()).where(UploadedFile.user_id.in_(uids))
            for uid, count in await session.execute(files.group_by(UploadedFile.user_id)):
                found[uid].files = count
            for essay in await session.scalars(select(Essay).where(Essay.user_id.in_(uids))):
                found[essay.user_id].essay_words = essay.words
            sheets = select(SelfAssessment).where(SelfAssessment.user_id.in_(uids), SelfAssessment.sheet_id == SHEET)
            for sheet in await session.scalars(sheets):
                criterion = (sheet.answers.get("criteria") or {}).get("1.2") or {}
                found[sheet.user_id].observations = tuple(criterion.get("observations") or ())
    finally:
        await engine.dispose()
    return found


async def processed_updates(database_url: str, bot_id: int, update_ids: list[int]) -> dict[int, bool]:
    """update_id → whether it was applied (processed_at set), for those stored."""
    engine = create_engine(database_url)
    rows: dict[int, bool] = {}
    try:
        async with create_session_factory(engine)() as session:
            for start in range(0, len(update_ids), 500):
                chunk = update_ids[start:start + 500]
                query = select(ReceivedUpdate.update_id, ReceivedUpdate.processed_at).where(
                    ReceivedUpdate.bot_id == bot_id, ReceivedUpdate.update_id.in_(chunk))
                rows.update({uid: processed is not None for uid, processed in await session.execute(query)})
    finally:
        await engine.dispose()
    return rows


async def check(run: LoadRun) -> Checks:
    """No update lost, none applied twice, no conversation broken: from the chats and the bot's database."""
    target, checks = run.target, Checks()
    update_ids = [u for t in run.teachers for u in t.update_ids]
    checks.updates = len(update_ids)
    stored = await processed_updates(target.database_url, bot_id_for(target.token), update_ids)
    checks.not_stored = [u for u in update_ids if u not in stored]
    checks.not_applied = [u for u in update_ids if stored.get(u) is False]
    checks.unanswered_steps = sum(1 for r in run.records if not r.ok)
    played = [t for t in run.teachers if t.position > 0]
    found = await found_in_database(target.database_url, [t.uid for t in played])
    stopped = {t.n for t in run.stopped_by_the_clock}
    for teacher in played:
        _check_teacher(checks, teacher, found[teacher.uid], teacher.n in stopped)
    checks.stopped = len(stopped)
    return checks


def _check_teacher(checks: Checks, teacher: Teacher, mine: Found, stopped: bool) -> None:
    outputs, wanted = teacher.outputs(), teacher.expected_outputs
    if outputs > wanted:
        checks.extra_outputs[teacher.n] = outputs - wanted
    elif outputs < wanted:
        checks.missing_outputs[teacher.n] = wanted - outputs
    goal = expected(teacher.n, teacher.position)
    if mine.beyond(goal):
        checks.applied_twice.append(teacher.n)
    if teacher.answered_late():
        checks.late.append(teacher.n)
    elif teacher.failure is not None or not (teacher.finished or stopped):
        checks.unfinished.append(teacher.n)
    if not mine.matches(goal):
        checks.wrong_in_database.append(teacher.n)
    checks.profiles_completed += mine.completed
    checks.finished += teacher.finished and teacher.failure is None


async def run_load(target: Target, first: int, count: int, pacing: Pacing,
                   workers: int) -> tuple[RunFigures, Checks]:
    """One run: drive, wait for the bot to fall quiet, measure and check."""
    run = LoadRun(target, first, count, pacing)
    await run.drive()
    await run.quiet()
    result = figures(run, workers)
    checks = await check(run)
    result.checks = checks.summary()
    return result, checks


# --- one webhook worker on SQLite (tests/e2e/live_bot.py), until a cluster is given ------------------------


class SingleWorker:
    """The bot as one webhook worker process on SQLite; a kill restarts it on the same database."""

    def __init__(self, live: Any) -> None:
        self.live = live
        self.server: BotAPIServer = live.server
        self.token: str = live.token
        self.database_url = f"sqlite+aiosqlite:///{live.db}"

    def worker_pids(self) -> list[int]:
        proc = self.live.proc
        return [proc.pid] if proc is not None and proc.returncode is None else []

    async def kill_worker(self, index: int) -> None:
        await self.live.kill()
        await self.live.start()


@contextlib.asynccontextmanager
async def single_worker(workdir: Path) -> AsyncIterator[SingleWorker]:
    from tests.e2e.live_bot import running_bot

    async with running_bot(workdir, mode="webhook", env={"LOG_LEVEL": "WARNING"}) as live:
        yield SingleWorker(live)


# The cluster's short test leases, but the outbox's above the 20 s one delivery may spend retrying: with 6 s an
# overloaded worker still sending a reply is overtaken by another's deliverer, and the teacher gets it twice.
CLUSTER_ENV = {"LOG_LEVEL": "WARNING", "OUTBOX_LEASE_SECONDS": "30"}


class ClusterWorkers:
    """The region's deployment of tests/e2e/cluster.py: N webhook workers behind nginx on PostgreSQL and Redis;
    a kill leaves the others to take over (the inbox's orphan sweep, the outbox's and the scheduler's leases)."""

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self.server: BotAPIServer = cluster.server
        self.token: str = cluster.token
        self.database_url: str = cluster.database_url

    def worker_pids(self) -> list[int]:
        return [w.proc.pid for w in self.cluster.workers if w.proc is not None and w.proc.returncode is None]

    async def kill_worker(self, index: int) -> None:
        await self.cluster.kill(index)


@contextlib.asynccontextmanager
async def open_target(workers: int, workdir: Path, single: bool = False) -> AsyncIterator[Target]:
    """`single`: one worker on SQLite without nginx (no PostgreSQL, Redis or nginx needed)."""
    if single:
        async with single_worker(workdir) as target:
            yield target
        return
    from tests.e2e.cluster import Cluster

    async with Cluster(workdir, workers=workers, env=CLUSTER_ENV) as cluster:
        yield ClusterWorkers(cluster)


# --- the command line ---------------------------------------------------------------------------------------


COLUMNS = ("workers", "offered", "sent/s", "replies/s", "p50 ms", "p99 ms", "timeouts", "skipped",
           "cpu ms/upd", "worker cpu %", "driver cpu %", "load")


def row(result: RunFigures) -> list[str]:
    return [str(result.workers), f"{result.offered:g}{' kill' if result.killed else ''}", f"{result.sent_per_s:g}",
            f"{result.replies_per_s:g}", str(result.p50_ms), str(result.p99_ms), str(result.timeouts),
            str(result.skipped_ticks), str(result.cpu_ms_per_update),
            "/".join(f"{v:g}" for v in result.worker_cpu_pct), f"{result.driver_cpu_pct:g}",
            f"{result.load_average:g}"]


def print_table(results: list[RunFigures]) -> None:
    rows = [list(COLUMNS), *(row(r) for r in results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    for line in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
    for result in results:
        c = result.checks
        print(f"{result.workers} worker(s) at {result.offered:g}/s{' with kill -9' if result.killed else ''}: "
              f"{c['updates']} updates, lost {c['lost']}, duplicated {c['duplicated']}, broken {c['broken']} "
              f"(teachers: {c['finished']} finished, {c['stopped']} stopped by the clock; "
              f"profiles completed {c['profiles_completed']})")


async def run_matrix(args: argparse.Namespace, workdir: Path) -> list[RunFigures]:
    results: list[RunFigures] = []
    first = 0
    for workers in args.workers:
        async with open_target(workers, workdir / f"w{workers}", args.sqlite) as target:
            kills = [True] if args.kill and workers == max(args.workers) else []
            for rate, kill in [*((r, False) for r in args.rates), *((args.kill_rate, k) for k in kills)]:
                active = args.active or max(1, min(args.teachers, int(rate * args.think)))
                timeout = args.kill_timeout if kill else args.timeout
                pacing = Pacing(rate, active, timeout, args.duration, kill=kill)
                result, _ = await run_load(target, first, args.teachers, pacing, workers)
                first += args.teachers
                results.append(result)
                print_table([result])
                print(flush=True)
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--teachers", type=int, default=2000, help="teachers per run (default 2000)")
    parser.add_argument("--rates", type=lambda s: [float(v) for v in s.split(",")], default=[50.0, 100.0, 200.0])
    parser.add_argument("--workers", type=lambda s: [int(v) for v in s.split(",")], default=[1, 2])
    parser.add_argument("--kill", action="store_true", help="a run on the most workers with kill -9 of one")
    parser.add_argument("--kill-rate", type=float, default=100.0, help="the kill run's rate (default 100)")
    parser.add_argument("--kill-timeout", type=float, default=90.0,
                        help="seconds a step waits for its answer in the kill run (default 90: a chat the dead "
                             "worker held stays locked in Redis for aiogram's 60 s lock timeout)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds between a teacher's answer and her next step at the offered rate: "
                             "sets how many are playing at once (rate × think)")
    parser.add_argument("--active", type=int, default=0, help="teachers playing at once (overrides --think)")
    parser.add_argument("--timeout", type=float, default=REPLY_TIMEOUT, help="seconds a step waits for its answer")
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds each run sends at most (default 60; 0: until every teacher has finished)")
    parser.add_argument("--sqlite", action="store_true",
                        help="one worker on SQLite, no nginx, PostgreSQL or Redis (only with --workers 1)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.sqlite and args.workers != [1]:
        raise SystemExit("--sqlite runs one worker: give --workers 1")
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        results = asyncio.run(run_matrix(args, Path(tmp)))
    print("all runs:")
    print_table(results)
    print(json.dumps({"teachers_per_run": args.teachers, "steps_per_teacher": len(script(0)),
                      "runs": [asdict(r) for r in results]}))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
