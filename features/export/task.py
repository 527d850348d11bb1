"""An export runs beside the dispatcher: started once /export has committed, it reads the applications in
batches (a short session each), writes them on a worker thread, edits the admin's progress message as it
goes and sends the file; a failure is told to the admin, never left silent. The log gets ids and counts only.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import tempfile
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import FSInputFile, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.pipeline.deferred import after_commit
from bot.refusal import Refusal
from bot.rule_book import RuleBook
from bot.settings import OFFICIAL_BOT_API_URL, Settings
from features.export import views
from features.export.csv_file import ExportCsv
from features.export.service import ExportPlan, ExportRow, ExportService
from scoring.collation import sort_key
from scoring.i18n import N_, Phrase

log = logging.getLogger(__name__)

BATCH = 500  # applications per read: three queries each, some 50 ms on the loop with SQLite
PROGRESS_SECONDS = 2.0  # the progress message is edited at most this often
# What Telegram takes from a bot: 50 MB through its own server; a local Bot API server takes 2000 MB.
UPLOAD_LIMIT_MB = {True: 50, False: 2000}


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@dataclass(frozen=True)
class ExportRequest:
    admin_id: int
    chat_id: int
    locale: str
    format: ExportFormat
    now: datetime


class RowSink(Protocol):
    rows: int

    def append(self, region: str | None, values: Sequence[views.Cell]) -> None: ...

    def close(self) -> None: ...


def write_rows(sink: RowSink, rows: Sequence[ExportRow], tr: views.Translate, locale: str) -> None:
    """One batch into the file (on a worker thread: scoring each self-assessment and the XML are CPU work)."""
    for row in rows:
        sink.append(row.region, views.row_cells(row, tr, locale))


class TooLarge(Exception):
    def __init__(self, size_mb: float, limit_mb: int):
        super().__init__(f"{size_mb:.1f} MB")
        self.size_mb, self.limit_mb = size_mb, limit_mb


class Progress:
    """The admin's progress message: posted once, then edited at most every `every` seconds."""

    def __init__(self, bot: Bot, chat_id: int, tr: views.Translate, every: float):
        self.bot, self.chat_id, self.tr, self.every = bot, chat_id, tr, every
        self.message: Message | None = None
        self._edited = 0.0

    async def start(self, total: int) -> None:
        self.message = await self.bot.send_message(self.chat_id, views.progress_text(self.tr, 0, total))
        self._edited = time.monotonic()

    async def update(self, done: int, total: int) -> None:
        if time.monotonic() - self._edited >= self.every:
            await self.show(views.progress_text(self.tr, done, max(done, total)))

    async def show(self, text: str) -> None:
        """In place when it can be edited, else as a new message; never raises (progress must not stop the
        export, and a word Telegram will not take is logged)."""
        self._edited = time.monotonic()
        try:
            if self.message is not None:
                await self.bot.edit_message_text(text=text, chat_id=self.chat_id, message_id=self.message.message_id)
                return
        except TelegramAPIError as error:  # deleted, or "message is not modified"
            log.debug("Export progress not edited: %s", type(error).__name__)
        try:
            await self.bot.send_message(self.chat_id, text)
        except TelegramAPIError as error:
            log.error("Export: the admin could not be told how it stands: %s", type(error).__name__)


class ExportRunner:
    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession], i18n: I18n, settings: Settings,
                 rule_book: RuleBook, batch: int | None = None, progress_seconds: float | None = None):
        self.bot, self.sessions, self.i18n, self.settings, self.rule_book = bot, sessions, i18n, settings, rule_book
        self.batch = batch or BATCH
        self.progress_seconds = PROGRESS_SECONDS if progress_seconds is None else progress_seconds

    def _service(self, session: AsyncSession) -> ExportService:
        return ExportService(session, self.rule_book, self.settings.timezone)

    async def run(self, request: ExportRequest) -> None:
        def tr(text: str) -> str:
            return self.i18n.gettext(text, locale=request.locale)

        progress = Progress(self.bot, request.chat_id, tr, self.progress_seconds)
        path: Path | None = None
        try:
            async with self.sessions() as session:
                plan = await self._service(session).plan(request.now)
            await progress.start(plan.total)
            path = await self._temp_file(request.format)
            count = await self._write(request, plan, path, progress, tr)
            await self._send(request, plan, path, count, tr)
            await progress.show(views.done_text(tr, count))
            log.info("Export %s for admin %s: %s applications", request.format, request.admin_id, count)
        except asyncio.CancelledError:
            log.warning("Export %s for admin %s interrupted", request.format, request.admin_id)
            with contextlib.suppress(Exception):
                await asyncio.shield(progress.show(views.interrupted_text(tr)))
            raise
        except TooLarge as error:
            log.warning("Export %s for admin %s too large: %s", request.format, request.admin_id, error)
            await progress.show(views.too_large_text(tr, error.size_mb, error.limit_mb))
        except Exception as error:
            log.error("Export %s for admin %s failed: %s", request.format, request.admin_id, type(error).__name__,
                      exc_info=(type(error), error, error.__traceback__))
            await progress.show(views.failed_text(tr))
        finally:
            if path is not None:
                path.unlink(missing_ok=True)

    @staticmethod
    async def _temp_file(fmt: ExportFormat) -> Path:
        handle, name = await asyncio.to_thread(tempfile.mkstemp, prefix="export-", suffix=f".{fmt.value}")
        os.close(handle)
        return Path(name)

    def _open(self, request: ExportRequest, plan: ExportPlan, path: Path, tr: views.Translate) -> RowSink:
        headers = views.headers(tr)
        if request.format is ExportFormat.CSV:
            return ExportCsv(path, headers)
        # openpyxl loads with the first XLSX export, not at the bot's start.
        from features.export.workbook import ExportWorkbook

        named = sorted(plan.regions, key=lambda r: (r is None, sort_key(views.sheet_name_of(r, tr), request.locale)))
        return ExportWorkbook(path, headers, views.summary(plan.report, tr, request.locale), views.summary_title(tr),
                              named, lambda region: views.sheet_name_of(region, tr))

    async def _write(self, request: ExportRequest, plan: ExportPlan, path: Path, progress: Progress,
                     tr: views.Translate) -> int:
        sink = await asyncio.to_thread(self._open, request, plan, path, tr)
        after = 0
        try:
            while True:
                async with self.sessions() as session:
                    rows = await self._service(session).batch(plan.year, after, self.batch)
                if not rows:
                    break
                await asyncio.to_thread(write_rows, sink, rows, tr, request.locale)
                after = rows[-1].application_id
                await progress.update(sink.rows, plan.total)
        finally:
            await asyncio.to_thread(sink.close)
        return sink.rows

    async def _send(self, request: ExportRequest, plan: ExportPlan, path: Path, count: int,
                    tr: views.Translate) -> None:
        size_mb = path.stat().st_size / 1_000_000
        limit = UPLOAD_LIMIT_MB[self.settings.bot_api_url.rstrip("/") == OFFICIAL_BOT_API_URL]
        if size_mb > limit:
            raise TooLarge(size_mb, limit)
        csv = request.format is ExportFormat.CSV
        name = f"applications-{plan.year}-{plan.year + 1}.{request.format.value}"
        await self.bot.send_document(request.chat_id, FSInputFile(path, filename=name),
                                     caption=views.caption(tr, plan.year, count, csv),
                                     reply_markup=None if csv else views.csv_keyboard(tr))


class ExportJobs:
    """The exports running in this process, one per admin at a time; kept so their tasks are not collected
    before they finish, and so tests and shutdown can wait for them."""

    def __init__(self) -> None:
        self._running: dict[int, asyncio.Task[None]] = {}

    def busy(self, admin_id: int) -> bool:
        task = self._running.get(admin_id)
        return task is not None and not task.done()

    def start(self, runner: ExportRunner, request: ExportRequest) -> None:
        """Once the update has committed; refuses a second export while the admin's first one runs."""
        if self.busy(request.admin_id):
            raise Refusal(Phrase(N_("Your export is still being prepared; it will arrive here when it is ready.")))
        after_commit(partial(self._spawn, runner.run, request))

    def _spawn(self, run: Callable[[ExportRequest], Coroutine[Any, Any, None]], request: ExportRequest) -> None:
        if self.busy(request.admin_id):
            return
        # A fresh context: the task must not inherit the finished update's (its held calls, its session).
        task = asyncio.get_running_loop().create_task(run(request), context=contextvars.Context())
        self._running[request.admin_id] = task
        task.add_done_callback(lambda done: self._forget(request.admin_id, done))

    def _forget(self, admin_id: int, task: asyncio.Task[None]) -> None:
        if self._running.get(admin_id) is task:
            del self._running[admin_id]

    async def wait(self) -> None:
        """Until every running export has finished."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)


exports = ExportJobs()
