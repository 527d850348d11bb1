"""APScheduler 3.11 with its jobs in a persistent SQLAlchemyJobStore (the bot's PostgreSQL database, or
an SQLite file beside the bot's; see `sync_url`).

The job `check_reminders` runs every REMINDER_CHECK_MINUTES minutes in TIMEZONE and sends what is due
(features/reminders/service.py), then deletes the commission records past their retention and, in the night
after an erasure, rebuilds the SQLite file (features/privacy/service.py, scoring/retention.py);
`retry_routing`, as often, sends waiting applications to a commission that now serves them and tells
whoever must know of one that none serves (features/commission/routing.py); `watch_appeals`, as often,
reminds whoever holds a complaint before its deadline and tells the admins of an overdue one, each once
(features/appeals/watch.py); `erase_expired`, nightly, erases the files past their retention date from the
file store (storage/files/service.py; FILE_RETENTION). Keeping the schedule as periodic jobs, with the
reminders derived from the data each time, means a restart or a changed /window needs no rescheduling and a
bot that was down catches up; the job store keeps the job and its next run time across restarts.

Jobs are pickled into the store, so they take only plain values: the job is a module-level function
that finds the running service here, never a Bot or a session in its arguments.
"""

from __future__ import annotations

import importlib.util
import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from features.appeals.watch import AppealWatch
from features.commission.routing import RoutingJob
from features.privacy.service import ErasureService
from features.reminders.service import ReminderService
from storage.files import FileStore
from storage.files.service import erase_expired_files

log = logging.getLogger(__name__)

JOB_ID = "reminders"
ROUTING_JOB_ID = "routing"
APPEALS_JOB_ID = "appeals"
FILES_JOB_ID = "file_retention"
# The file store's retention job runs once a night, when the bot is least used (local time).
FILES_JOB_HOUR, FILES_JOB_MINUTE = 3, 30
# Async drivers of the bot → synchronous drivers for APScheduler 3 (it has no async job store).
SYNC_DRIVERS = {"sqlite+aiosqlite": "sqlite", "postgresql+asyncpg": "postgresql+psycopg"}
DRIVER_MODULES = {"sqlite": "sqlite3", "postgresql+psycopg": "psycopg"}

_service: ReminderService | None = None
_routing: RoutingJob | None = None
_appeals: AppealWatch | None = None
_files: tuple[async_sessionmaker[AsyncSession], FileStore] | None = None


def sync_url(database_url: str) -> str:
    """The job store's URL. On SQLite it is a file of its own beside the bot's (`attestation.db` →
    `attestation-jobs.db`): APScheduler 3 writes its store synchronously on the event loop's thread,
    and in the bot's file it would wait there for the write lock of an update whose commit needs that
    very loop (a stall, then "database is locked"). PostgreSQL locks rows, so there it is the same
    database."""
    url = make_url(database_url)
    driver = SYNC_DRIVERS.get(url.drivername, url.drivername)
    url = url.set(drivername=driver)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        url = url.set(database=str(path.with_name(f"{path.stem}-jobs{path.suffix or '.db'}")))
    return url.render_as_string(hide_password=False)


def create_job_store(database_url: str) -> BaseJobStore:
    url = sync_url(database_url)
    module = DRIVER_MODULES.get(make_url(url).drivername)
    if module is not None and importlib.util.find_spec(module) is None:
        # Only the schedule itself is then kept in memory: what was sent is in the database anyway,
        # and the periodic job is re-added at every start.
        log.warning("No synchronous driver %r for the scheduler's job store; keeping jobs in memory", module)
        return MemoryJobStore()
    # Jobs hold no personal data, but the bot's engines all hide statement parameters from logs alike.
    return SQLAlchemyJobStore(url=url, tablename="apscheduler_jobs", engine_options={"hide_parameters": True})


async def check_reminders() -> None:
    """The scheduled job (referenced by name in the job store)."""
    if _service is None:
        log.warning("check_reminders ran before the reminder service was set up")
        return
    sent = await _service.run()
    if sent:
        log.info("sent %s reminder(s)", sent)
    await keep_the_database(_service)


async def keep_the_database(service: ReminderService) -> None:
    """Records past their retention go; in the night after an erasure the SQLite file is rebuilt."""
    now = datetime.now(service.tz)
    async with service.sessions() as session:
        erasure = ErasureService(session, service.rules(now))
        purged = await erasure.purge(now.date())
        await session.commit()
        if await erasure.rebuild_if_owed(now):
            log.info("database file rebuilt after an erasure")
    if purged:
        log.info("deleted %s commission record(s) past their retention", purged)


async def retry_routing() -> None:
    """The scheduled routing retry (referenced by name in the job store)."""
    if _routing is None:
        log.warning("retry_routing ran before the routing job was set up")
        return
    outcome = await _routing.run()
    if outcome.routed:
        log.info("routed %s waiting application(s)", len(outcome.routed))


async def watch_appeals() -> None:
    """The scheduled look at open complaints (§26; features/appeals/watch.py), referenced by name in the store."""
    if _appeals is None:
        log.warning("watch_appeals ran before the complaints' watch was set up")
        return
    await _appeals.run()


async def erase_expired() -> int:
    """The scheduled file retention (referenced by name in the job store): the files of decided applications
    and the commission's records past their retention date leave the file store; the log gets the count."""
    if _files is None:
        log.warning("erase_expired ran before the file store was set up")
        return 0
    return await erase_expired_files(*_files)


def start_scheduler(service: ReminderService, settings: Settings, routing: RoutingJob | None = None,
                    file_store: FileStore | None = None) -> AsyncIOScheduler:
    global _service, _routing, _appeals, _files
    _service, _routing = service, routing
    _appeals = AppealWatch(service.bot, service.sessions, service.i18n, settings, service.book)
    _files = (service.sessions, file_store) if file_store is not None else None
    scheduler = AsyncIOScheduler(
        jobstores={"default": create_job_store(settings.database_url)},
        timezone=ZoneInfo(settings.timezone),
        # A missed run (bot down) runs once on start; overlapping runs never happen.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 24 * 3600},
    )
    scheduler.start()
    scheduler.add_job(
        "app.scheduler:check_reminders", trigger="cron", minute=f"*/{settings.reminder_check_minutes}",
        id=JOB_ID, replace_existing=True,
    )
    # Complaints' reminders and overdue reports: also once at the start (a bot that was down catches up).
    scheduler.add_job(
        "app.scheduler:watch_appeals", trigger="cron", minute=f"*/{settings.reminder_check_minutes}",
        id=APPEALS_JOB_ID, replace_existing=True, next_run_time=datetime.now(ZoneInfo(settings.timezone)),
    )
    if routing is not None:
        # Also once at the start: what waited while the bot was down is routed, or reported, at once.
        scheduler.add_job(
            "app.scheduler:retry_routing", trigger="cron", minute=f"*/{settings.reminder_check_minutes}",
            id=ROUTING_JOB_ID, replace_existing=True, next_run_time=datetime.now(ZoneInfo(settings.timezone)),
        )
    if file_store is not None:
        scheduler.add_job(
            "app.scheduler:erase_expired", trigger="cron", hour=FILES_JOB_HOUR, minute=FILES_JOB_MINUTE,
            id=FILES_JOB_ID, replace_existing=True,
        )
    return scheduler
