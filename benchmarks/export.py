"""How fast /export writes a large year, and whether the bot stays responsive meanwhile.

    .venv/bin/python benchmarks/export.py [--applications 100000] [--pending 0] [--format xlsx|csv|both]
                                          [--freeze] [--keep DIR]

Seeds a fresh SQLite database with that many submitted applications across every region (half with a
self-assessment to score, every one routed to a commission and accepted, a fifth decided; `--pending` of
them still waiting for the secretary), then runs the export exactly as /export does
(features/export/task.ExportRunner, a recording bot session instead of Telegram). Prints the time of the
/stats report the summary sheet reuses, then per format: rows/s, the file's size, and the event loop's
longest stall while the export ran (a ticker sleeping 10 ms measures how late it wakes: what another chat's
update would wait); then the process's peak memory. The long stalls are the garbage collector's full passes
over the whole process's heap, not the export's own work: `--freeze` shows them shrink once the objects
alive after start-up are frozen (gc.freeze()). The last line is one JSON object. Figures, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.methods import SendDocument, TelegramMethod
from aiogram.types import FSInputFile
from sqlalchemy import insert

from app.factory import Application as App
from app.factory import create_application
from bot.settings import Settings
from features.export.service import ExportService
from features.export.task import ExportFormat, ExportRequest, ExportRunner
from scoring.regions import REGIONS
from storage.checklist_models import Application
from storage.commission_models import (
    AgendaItem,
    ApplicationReview,
    Commission,
    CommissionDecision,
    CommissionSession,
)
from storage.migrate import upgrade
from storage.profile_models import TeacherProfile, User
from storage.scoring_models import SelfAssessment
from tests.fakes import RecordingSession

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
ANSWERS: dict[str, Any] = {"claimed": "expert", "criteria": {
    "1.1": {"level": "stable"}, "2.1": {"level": "region"}, "2.2": {"level": "district"},
    "1.2": {"observations": [72, 75, 70, 74, 71]}, "3.1": {"level": "region", "count": 2}}}
CHUNK = 5000


def _rows(n: int, pending: int) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows for `n` teachers, each with one application."""
    rows: dict[str, list[dict[str, Any]]] = {"users": [], "profiles": [], "apps": [], "sheets": [], "reviews": [],
                                             "items": [], "decisions": []}
    for i in range(1, n + 1):
        region = REGIONS[i % len(REGIONS)].id
        rows["users"].append({"id": 10_000 + i, "locale": "ru", "is_active": True})
        rows["profiles"].append({
            "user_id": 10_000 + i, "consent_at": NOW, "completed_at": NOW, "full_name": f"Teacher {i}",
            "role": "teacher", "teaching_post": "subject", "org_type": "general_secondary",
            "org_name": f"School No. {i % 400}", "region": region, "claimed_category": "expert"})
        rows["apps"].append({
            "id": i, "user_id": 10_000 + i, "academic_year": 2026, "number": f"B-{i}", "status": "submitted",
            "claimed_category": "expert", "created_at": NOW, "submitted_at": NOW - timedelta(minutes=i),
            "registered_on": date(2026, 10, 6)})
        if i % 2 == 0:
            rows["sheets"].append({"user_id": 10_000 + i, "sheet_id": "teacher", "answers": ANSWERS,
                                   "observations": [], "updated_at": NOW})
        # Every application routed and accepted, as late in the year: /stats reads each one still unrouted or
        # waiting for the secretary on its own (features/commission/composition/service.py destinations,
        # overdue_reviews), which `--pending` measures.
        status = "pending" if i <= pending else "accepted"
        rows["reviews"].append({"application_id": i, "commission_id": 1, "user_id": 10_000 + i, "status": status,
                                "routed_at": NOW, "routed_on": date(2026, 10, 6),
                                "acted_at": None if status == "pending" else NOW})
        if i % 5 == 0:
            rows["apps"][-1]["status"] = "decided"
            rows["reviews"][-1].update(status="decided", acted_at=NOW)
            rows["items"].append({"id": i, "session_id": 1, "application_id": i, "user_id": 10_000 + i,
                                  "position": i, "status": "closed", "full_name": f"Teacher {i}", "role": "teacher",
                                  "claimed_category": "expert", "version": 0})
            rows["decisions"].append({"candidate_id": i, "decision": "claimed", "assigned_category": "expert",
                                      "outcome": "decided", "counts": {}, "decided_at": NOW,
                                      "decided_on": date(2026, 11, 20), "extract_due": date(2026, 11, 25)})
    return rows


async def seed(app: App, n: int, pending: int = 0) -> None:
    rows = _rows(n, pending)
    async with app.sessions() as session:
        session.add(Commission(id=1, name="Commission", level="region", region="karaganda", locale="ru",
                               order_number="1", order_date=date(2026, 9, 1), term_end=date(2027, 9, 1)))
        session.add(CommissionSession(id=1, commission_id=1, number=1, session_date=date(2026, 11, 20),
                                      status="closed", created_at=NOW, version=0))
        await session.flush()
        for model, key in ((User, "users"), (TeacherProfile, "profiles"), (Application, "apps"),
                           (SelfAssessment, "sheets"), (ApplicationReview, "reviews"), (AgendaItem, "items"),
                           (CommissionDecision, "decisions")):
            for start in range(0, len(rows[key]), CHUNK):
                await session.execute(insert(model), rows[key][start:start + CHUNK])
        await session.commit()


async def _ticker(stalls: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        stalls.append(time.perf_counter() - before - 0.01)


async def run_once(app: App, fmt: ExportFormat, keep: Path | None) -> dict[str, Any]:
    recording = RecordingSession(keep=False)
    sizes: dict[str, int] = {}

    async def seen(method: TelegramMethod[Any]) -> None:
        if isinstance(method, SendDocument) and isinstance(method.document, FSInputFile):
            path = Path(method.document.path)
            sizes["bytes"] = path.stat().st_size
            if keep is not None:
                shutil.copy(path, keep / (method.document.filename or path.name))

    recording.on_request = seen
    bot = Bot(token="42:BENCH", session=recording)
    runner = ExportRunner(bot, app.sessions, app.i18n, app.settings, app.rule_book)
    stalls: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.create_task(_ticker(stalls, stop))
    started = time.perf_counter()
    await runner.run(ExportRequest(1, 1, "ru", fmt, NOW))
    elapsed = time.perf_counter() - started
    stop.set()
    await ticker
    stalls.sort()
    return {"format": fmt.value, "seconds": round(elapsed, 2), "bytes": sizes.get("bytes", 0),
            "max_stall_ms": round(1000 * stalls[-1], 1) if stalls else 0.0,
            "p99_stall_ms": round(1000 * stalls[int(0.99 * (len(stalls) - 1))], 1) if stalls else 0.0}


async def summary_seconds(app: App) -> float:
    """The summary sheet's figures alone: /stats's report, reused as it is."""
    started = time.perf_counter()
    async with app.sessions() as session:
        await ExportService(session, app.rule_book, app.settings.timezone).plan(NOW)
    return time.perf_counter() - started


async def main(n: int, pending: int, formats: list[ExportFormat], keep: Path | None, freeze: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, bot_token="42:BENCH",  # type: ignore[call-arg,arg-type]
                            database_url=f"sqlite+aiosqlite:///{folder}/bench.db", admin_ids=[1])
        await upgrade(settings.database_url)
        app = create_application(settings)
        started = time.perf_counter()
        await seed(app, n, pending)
        print(f"seeded {n} applications ({pending} waiting for the secretary) in {time.perf_counter() - started:.1f} s")
        if freeze:  # what main.py could do once started: the long-lived objects leave the collector's scans
            gc.collect()
            gc.freeze()
        stats = await summary_seconds(app)
        print(f"the /stats report for the summary sheet: {stats:.2f} s")
        results = []
        for fmt in formats:
            result = await run_once(app, fmt, keep)
            result["rows_per_s"] = round(n / result["seconds"]) if result["seconds"] else 0
            results.append(result)
            print(f"{fmt.value}: {n} rows in {result['seconds']} s = {result['rows_per_s']} rows/s, "
                  f"{result['bytes'] / 1e6:.1f} MB; event loop stalled at most {result['max_stall_ms']} ms "
                  f"(p99 {result['p99_stall_ms']} ms)")
        await app.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak_mb:.0f} MB")
    print(json.dumps({"applications": n, "pending": pending, "stats_report_s": round(stats, 2), "results": results,
                      "peak_rss_mb": round(peak_mb)}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--pending", type=int, default=0, help="how many still wait for the secretary")
    parser.add_argument("--format", choices=["xlsx", "csv", "both"], default="both")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() before exporting")
    parser.add_argument("--keep", type=Path, help="copy the files written into this folder")
    args = parser.parse_args()
    chosen = [ExportFormat.XLSX, ExportFormat.CSV] if args.format == "both" else [ExportFormat(args.format)]
    asyncio.run(main(args.applications, args.pending, chosen, args.keep, args.freeze))
