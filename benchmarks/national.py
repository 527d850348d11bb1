"""National scale: the reminder run, /stats and a broadcast segment over N realistic teachers, by the services.

    .venv/bin/python benchmarks/national.py [--teachers 500000] [--database sqlite|postgresql|both]

Loads the teachers itself (profiles, checklist marks, essays, self-assessments, applications at every
stage, reviews, reminders already sent; executemany on SQLite, COPY on PostgreSQL — a throwaway server
from tests/services.py), then measures on each database:
- the reminder selection (ReminderService.teacher_batches: every batch, nothing claimed): time, count;
- the teachers' reminders sent (each selected batch through ReminderService.deliver) to an instant Bot
  API: the time spent claiming and recording; then the whole job (ReminderService.run) again, which
  finds no teacher reminder left and runs the sessions' and secretaries' reminders;
- /stats (StatsService.report): time and statements;
- the "not yet submitted" segment: BroadcastService.recipients (count) and .queue (enqueue + commit);
- the longest event-loop stall during each (a watchdog task sleeping 10 ms and measuring how late it
  wakes) and the process's peak RSS while they ran; the load average before and after.
Before measuring it settles the process as main.py does before serving (app.factory.settle).
The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from pydantic import SecretStr
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.factory import settle
from bot.i18n import create_i18n
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.broadcast.delivery import RateLimiter
from features.broadcast.service import BroadcastService, Draft
from features.reminders.service import Candidate, ReminderService
from features.stats.service import StatsService
from scoring.areas import catalogue
from storage.broadcast_repository import SEGMENT_NOT_SUBMITTED
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade

T = TypeVar("T")
TZ = ZoneInfo("Asia/Almaty")
# In the window (1 September – 31 December), before its last 30 days: window openings and category expiries.
NOW = datetime(2026, 10, 5, 10, 0, tzinfo=TZ)
YEAR = 2026
FIRST_ID = 700_000_000  # Telegram-like ids, sparse
COMMISSIONS = 200

CATEGORIES = ["moderator", "expert", "researcher", "master", "teacher_2", "teacher_1", "head_2", "deputy_1"]
STAGES = [  # (share, status of this year's application or None)
    (0.42, None), (0.30, "draft"), (0.01, "submitted"), (0.11, "registered"), (0.07, "under_review"),
    (0.07, "decided"), (0.02, "withdrawn"),
]
# A submitted application waits for its secretary (1 working day, §23); a withdrawn one was refused.
REVIEW_OF = {"submitted": "pending", "withdrawn": "refused", "registered": "accepted", "under_review": "scheduled",
             "decided": "decided"}
ESSAY = ("Менің педагогикалық тәжірибем оқушылардың зерттеу дағдыларын дамытуға бағытталған. "
         "Мой педагогический опыт направлен на развитие исследовательских навыков учащихся. ") * 3


# --- the data ---------------------------------------------------------------------------------------


def teachers_data(n: int, seed: int = 19) -> dict[str, list[tuple[Any, ...]]]:
    """Rows per table for `n` teachers, deterministic."""
    rnd = random.Random(seed)
    areas = [a for a in catalogue().areas]
    stamp = datetime(2026, 9, 10, 6, 0, tzinfo=UTC)
    rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in (
        "users", "teacher_profiles", "reminder_preferences", "checklist_marks", "essays", "self_assessments",
        "applications", "application_reviews", "sent_reminders")}
    app_id = 0
    for i in range(n):
        uid = FIRST_ID + i * 7 + rnd.randrange(7)
        area = areas[i % len(areas)]
        locale = "kk" if rnd.random() < 0.6 else "ru"
        rows["users"].append((uid, locale, rnd.random() > 0.02, stamp))
        valid_until = date(2026, 6, 1) + timedelta(days=rnd.randrange(2000))
        complete = rnd.random() < 0.85
        rows["teacher_profiles"].append((
            uid, stamp, f"Teacher {i}", f"{900000000000 + i:012d}", "teacher", "subject", "general_secondary",
            f"School No. {i % 5000}", area.region, area.code, rnd.choice(CATEGORIES), valid_until, rnd.randrange(1, 35),
            "higher_pedagogical", rnd.choice(CATEGORIES[:4]), "regular", stamp if complete else None, stamp))
        if rnd.random() < 0.03:
            rows["reminder_preferences"].append((uid, True, stamp))
        for item in ("diploma", "employment_record")[: rnd.randrange(3)]:
            rows["checklist_marks"].append((uid, item, False, True, stamp))
        if rnd.random() < 0.55:
            rows["essays"].append((uid, ESSAY, rnd.randrange(150, 1400), "text", stamp))
        if rnd.random() < 0.4:
            rows["self_assessments"].append((uid, "teacher", json.dumps({"criteria": {}}), "[]", stamp))
        status = _pick(rnd, STAGES)
        if rnd.random() < 0.15:  # last year's, decided
            app_id += 1
            rows["applications"].append((app_id, uid, YEAR - 1, f"A{app_id}", "decided", "expert", stamp, stamp))
        if status is not None:
            app_id += 1
            rows["applications"].append((app_id, uid, YEAR, f"A{app_id}" if status != "draft" else None, status,
                                         rnd.choice(CATEGORIES[:4]), stamp, stamp if status != "draft" else None))
            if status in REVIEW_OF:
                routed_on = date(2026, 10, 2 if rnd.random() < 0.5 else 5)  # Friday (overdue by Monday) or today
                rows["application_reviews"].append((app_id, 1 + i % COMMISSIONS, uid, REVIEW_OF[status], stamp,
                                                    routed_on))
        if valid_until < date(2027, 9, 1) and rnd.random() < 0.3:  # the opening went out on 1 September
            rows["sent_reminders"].append((uid, "window_open", YEAR, "open", "sent", stamp))
    return rows


def _pick(rnd: random.Random, shares: list[tuple[float, str | None]]) -> str | None:
    x = rnd.random()
    for share, value in shares:
        if x < share:
            return value
        x -= share
    return shares[-1][1]


COLUMNS = {
    "users": "id, locale, is_active, created_at",
    "teacher_profiles": "user_id, consent_at, full_name, iin, role, teaching_post, org_type, org_name, region, "
                        "area_code, current_category, category_valid_until, experience_years, education, "
                        "claimed_category, attestation_kind, completed_at, updated_at",
    "reminder_preferences": "user_id, muted, updated_at",
    "checklist_marks": "user_id, item_id, not_applicable, in_state_systems, updated_at",
    "essays": "user_id, text, words, source, updated_at",
    "self_assessments": "user_id, sheet_id, answers, observations, updated_at",
    "applications": "id, user_id, academic_year, number, status, claimed_category, created_at, submitted_at",
    "application_reviews": "application_id, commission_id, user_id, status, routed_at, routed_on",
    "sent_reminders": "user_id, kind, academic_year, occasion, status, claimed_at",
}


def commissions_data() -> list[tuple[Any, ...]]:
    return [(c, "district", f"Commission {c}", "karaganda", None, f"{c}/Б", date(2026, 8, 1), date(2029, 8, 1),
             "kk", None) for c in range(1, COMMISSIONS + 1)]


COMMISSION_COLUMNS = "id, level, name, region, area_code, order_number, order_date, term_end, locale, secretary_user_id"


def load_sqlite(path: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    with sqlite3.connect(path) as db:
        db.execute(f"INSERT INTO commissions ({COMMISSION_COLUMNS}) VALUES ({','.join('?' * 10)})",
                   commissions_data()[0])
        db.executemany(f"INSERT INTO commissions ({COMMISSION_COLUMNS}) VALUES ({','.join('?' * 10)})",
                       commissions_data()[1:])
        for table, data in rows.items():
            marks = ",".join("?" * len(COLUMNS[table].split(",")))
            db.executemany(f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})",
                           [tuple(_sqlite_value(v) for v in row) for row in data])
        db.execute("ANALYZE")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


async def load_postgresql(url: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.copy_records_to_table("commissions", records=commissions_data(),
                                               columns=[c.strip() for c in COMMISSION_COLUMNS.split(",")])
        for table, data in rows.items():
            columns = [c.strip() for c in COLUMNS[table].split(",")]
            await connection.copy_records_to_table(table, records=[_pg_row(table, r) for r in data], columns=columns)
        await connection.execute("SELECT setval('applications_id_seq', (SELECT max(id) FROM applications))")
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def _pg_row(table: str, row: tuple[Any, ...]) -> tuple[Any, ...]:
    if table == "self_assessments":
        return (*row[:2], row[2], row[3], row[4])
    return row


# --- measuring --------------------------------------------------------------------------------------


class Watchdog:
    """The longest lateness of a 10 ms sleep (how long something held the loop) and the peak RSS."""

    def __init__(self) -> None:
        self.stall = 0.0
        self.peak_rss = 0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            self.stall = max(self.stall, time.perf_counter() - started - 0.01)
            self.peak_rss = max(self.peak_rss, rss_mb())

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[Watchdog]:
        self.stall, self.peak_rss = 0.0, rss_mb()
        self._task = asyncio.create_task(self._watch())
        await asyncio.sleep(0.02)
        try:
            yield self
        finally:
            self._task.cancel()


def rss_mb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20


@contextmanager
def counting_statements() -> Iterator[list[int]]:
    counter = [0]

    def count(*_args: Any) -> None:
        counter[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(Engine, "before_cursor_execute", count)


CPU: dict[str, float] = {}


async def timed(call: Callable[[], Awaitable[T]]) -> tuple[T, float]:
    """The call's result and wall time; its process CPU time (all threads) is kept in CPU, by call order."""
    started, cpu = time.perf_counter(), time.process_time()
    result = await call()
    CPU[f"step{len(CPU) + 1}"] = round(time.process_time() - cpu, 3)
    return result, time.perf_counter() - started


async def no_wait(_seconds: float) -> None:
    """The pacing's arithmetic without its waits (Telegram's limits are not what is measured here)."""


class InstantBot:
    """The Bot API answering at once: the run's own cost, without the network's."""

    def __init__(self) -> None:
        self.sent = 0

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.sent += 1


class TimedReminders(ReminderService):
    """The reminder service, adding up the time it spends claiming and recording."""

    recording = 0.0

    async def claim(self, batch: list[Candidate], now: datetime) -> list[tuple[int, Candidate]]:
        started = time.perf_counter()
        try:
            return await super().claim(batch, now)
        finally:
            self.recording += time.perf_counter() - started

    async def record(self, outcomes: list[tuple[int, str, str | None]], blocked: list[int]) -> None:
        started = time.perf_counter()
        try:
            await super().record(outcomes, blocked)
        finally:
            self.recording += time.perf_counter() - started


async def measure(url: str) -> dict[str, Any]:
    settings = Settings(_env_file=None, bot_token=SecretStr("5555:BENCHMARK-national"),  # type: ignore[call-arg]
                        database_url=url)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    book = RuleBook()
    bot = InstantBot()
    reminders = TimedReminders(cast(Bot, bot), sessions, create_i18n("kk"), settings, rule_book=book,
                               limiter=RateLimiter(1_000_000, sleep=no_wait))
    dog = Watchdog()
    settle()  # as main.py does before serving: mappers, holidays' registry, the startup heap frozen
    CPU.clear()
    out: dict[str, Any] = {"load_average_before": os.getloadavg()[0]}
    try:
        async with dog.watching():
            async def select_all() -> int:
                return sum([len(batch) async for batch in reminders.teacher_batches(NOW)])
            out["reminder_selection_count"], out["reminder_selection_s"] = await timed(select_all)
        out["reminder_selection_stall_ms"], out["reminder_selection_peak_rss_mb"] = dog.stall * 1000, dog.peak_rss
        async with dog.watching():
            async def teacher_run() -> int:
                return sum([await reminders.deliver(batch, NOW) async for batch in reminders.teacher_batches(NOW)])
            out["reminder_run_sent"], out["reminder_run_s"] = await timed(teacher_run)
        out["reminder_recording_s"] = reminders.recording
        out["reminder_run_stall_ms"], out["reminder_run_peak_rss_mb"] = dog.stall * 1000, dog.peak_rss
        # The whole job again: the teachers' are all sent; what is left is the sessions' and the secretaries'
        # reminders (features/commission/reminders.py).
        async with dog.watching():
            out["reminder_second_run_sent"], out["reminder_second_run_s"] = await timed(lambda: reminders.run(NOW))
        out["reminder_second_run_stall_ms"] = dog.stall * 1000
        ruleset = book.in_force(NOW, settings.timezone)
        async with dog.watching():
            with counting_statements() as statements:
                async with sessions() as session:
                    _report, out["stats_s"] = await timed(
                        lambda: StatsService(session, ruleset, settings.timezone).report(NOW))
            out["stats_statements"] = statements[0]
        out["stats_stall_ms"] = dog.stall * 1000
        async with dog.watching(), sessions() as session:
            out["segment_count"], out["segment_count_s"] = await timed(
                lambda: BroadcastService(session).recipients(SEGMENT_NOT_SUBMITTED, None))
        out["segment_count_stall_ms"] = dog.stall * 1000
        async with dog.watching(), sessions() as session:
            async def enqueue() -> int:
                broadcast = await BroadcastService(session).queue(
                    Draft("Құрметті әріптестер!", "Уважаемые коллеги!", SEGMENT_NOT_SUBMITTED, None),
                    created_by=1, admin_locale="ru", default_locale="kk", progress_chat_id=1)
                await session.commit()
                return broadcast.total
            out["segment_enqueued"], out["segment_enqueue_s"] = await timed(enqueue)
        out["segment_enqueue_stall_ms"] = dog.stall * 1000
        out["cpu_s_by_step"] = dict(CPU)
        out["load_average"] = os.getloadavg()[0]
        out["peak_rss_mb"] = max(out["reminder_run_peak_rss_mb"], out["reminder_selection_peak_rss_mb"], dog.peak_rss)
    finally:
        await engine.dispose()
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


def generated(n: int) -> dict[str, list[tuple[Any, ...]]]:
    started = time.perf_counter()
    rows = teachers_data(n)
    print(f"generated {n} teachers in {time.perf_counter() - started:.0f} s "
          f"({sum(len(r) for r in rows.values())} rows)", flush=True)
    return rows


def forget(rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """Drop the generated rows before measuring: millions of tuples would make every garbage collection
    of the measured code traverse them (stalls that are the benchmark's, not the bot's)."""
    rows.clear()
    gc.collect()


async def on_sqlite(n: int, workdir: str) -> dict[str, Any]:
    path = os.path.join(workdir, "national.db")
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    rows = generated(n)
    started = time.perf_counter()
    load_sqlite(path, rows)
    print(f"sqlite: loaded in {time.perf_counter() - started:.0f} s", flush=True)
    forget(rows)
    return await measure(url)


async def on_postgresql(n: int) -> dict[str, Any]:
    from tests.services import postgres_server

    with postgres_server() as url:
        await upgrade(url)
        rows = generated(n)
        started = time.perf_counter()
        await load_postgresql(url, rows)
        print(f"postgresql: loaded in {time.perf_counter() - started:.0f} s", flush=True)
        forget(rows)
        return await measure(url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=500_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    result: dict[str, Any] = {"teachers": args.teachers}
    with tempfile.TemporaryDirectory(prefix="national-") as workdir:
        if args.database in ("sqlite", "both"):
            result["sqlite"] = await on_sqlite(args.teachers, workdir)
            print("sqlite:", json.dumps(result["sqlite"]), flush=True)
        if args.database in ("postgresql", "both"):
            result["postgresql"] = await on_postgresql(args.teachers)
            print("postgresql:", json.dumps(result["postgresql"]), flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
