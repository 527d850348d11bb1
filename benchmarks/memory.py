"""One bot process's memory over many updates, and its cold start.

    .venv/bin/python benchmarks/memory.py [--updates 50000] [--chats 50] [--database-url URL] [--trace]

Cold start: a fresh interpreter imports main.py and builds the application (SQLite); its wall and CPU
time (CPU is the steadier figure on a shared machine), RSS, and which document libraries it has loaded
(none should be: they load where a document is made).

Steady state: simulated teachers go through onboarding (benchmarks/dispatch.py's script), `--chats` of
them at once, each new teacher a new chat, through the same path as long polling: the inbox stores
each batch, then every update runs in its own task through the real Dispatcher with a recording bot
session (no network). RSS is printed every 10,000 updates, with the per-chat tables' sizes; the slope
is the RSS growth per 10,000 updates after the first 10,000 (warm-up: caches, the database file's
pages). `--trace` also prints what Python allocated between the first and last checkpoint, by line.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.types import Update, User

from app.factory import Application, create_application
from benchmarks.dispatch import teacher_script
from bot.pipeline.inbox import UpdateRunner
from bot.pipeline.isolation import TransientChatIsolation
from bot.pipeline.middlewares import DatabaseMiddleware
from bot.settings import Settings
from storage.migrate import upgrade
from tests.fakes import RecordingSession

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT_LIBRARIES = ("fpdf", "docx", "docxtpl", "matplotlib", "openpyxl", "pypdf", "PIL", "fontTools", "lxml", "segno")
CHECKPOINT = 10_000
BATCH = 100  # updates per getUpdates answer

COLD_START = """
import json, sys, tempfile, time
started, cpu = time.perf_counter(), time.process_time()
import main
from app.factory import create_application
from bot.settings import Settings
imported = time.perf_counter()
folder = tempfile.mkdtemp()
app = create_application(Settings(_env_file=None, bot_token="42:COLD",
                                  database_url=f"sqlite+aiosqlite:///{folder}/cold.db"))
ready, ready_cpu = time.perf_counter(), time.process_time()
rss = int(next(line for line in open("/proc/self/status") if line.startswith("VmRSS")).split()[1])
print(json.dumps({"import_s": round(imported - started, 2), "ready_s": round(ready - started, 2),
                  "ready_cpu_s": round(ready_cpu - cpu, 2),
                  "idle_rss_mb": round(rss / 1024, 1),
                  "document_libraries_loaded": sorted(m for m in %r if m in sys.modules)}))
"""


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        kb = next(line for line in status if line.startswith("VmRSS")).split()[1]
    return int(kb) / 1024


def cold_start() -> dict[str, Any]:
    """Median of three fresh interpreters (the first also warms the file cache)."""
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD_START % (DOCUMENT_LIBRARIES,)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    runs.sort(key=lambda run: run["ready_s"])
    return dict(runs[1])


def interleaved(chats: int) -> Iterator[Update]:
    """Updates of `chats` teachers at a time, one from each in turn; a finished teacher's place goes to a new one."""
    next_id = iter(range(200_000, 10**9))
    scripts = [teacher_script(User(id=next(next_id), is_bot=False, first_name="T")) for _ in range(chats)]
    while True:
        for n, script in enumerate(scripts):
            update = next(script, None)
            if update is None:
                scripts[n] = teacher_script(User(id=next(next_id), is_bot=False, first_name="T"))
                update = next(scripts[n])
            yield update


def chat_locks(app: Application) -> TransientChatIsolation | None:
    for middleware in app.dispatcher.update.outer_middleware:
        if isinstance(middleware, DatabaseMiddleware) and isinstance(middleware.isolation, TransientChatIsolation):
            return middleware.isolation
    return None


async def drive(app: Application, bot: Bot, n: int, chats: int, trace: bool) -> list[dict[str, Any]]:
    runner = UpdateRunner(app.dispatcher, bot, app.sessions)
    updates = interleaved(chats)
    points: list[dict[str, Any]] = []
    started = time.perf_counter()
    cpu = time.process_time()
    done = 0
    while done < n:
        batch = [next(updates) for _ in range(min(BATCH, n - done))]
        await runner.accept(batch)
        await runner.drain(timeout=600)
        done += len(batch)
        if done % CHECKPOINT == 0 or done == n:
            gc.collect()
            locks = chat_locks(app)
            points.append({"updates": done, "rss_mb": round(rss_mb(), 1),
                           "per_s": round(done / (time.perf_counter() - started), 1),
                           "cpu_ms_per_update": round((time.process_time() - cpu) * 1000 / done, 2),
                           "chat_locks": locks.chats_in_flight if locks is not None else None,
                           "gc_objects": len(gc.get_objects())})
            print(json.dumps(points[-1]), flush=True)
            if trace and len(points) == 1:
                tracemalloc.start(10)
    return points


def slope(points: list[dict[str, Any]]) -> float:
    """RSS growth in MB per 10,000 updates, least squares over the checkpoints after the first."""
    steady = points[1:]
    if len(steady) < 2:
        return 0.0
    xs = [p["updates"] / CHECKPOINT for p in steady]
    ys = [p["rss_mb"] for p in steady]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)


def print_growth() -> None:
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    for stat in snapshot.statistics("traceback")[:15]:
        print(f"{stat.size / 1024:9.1f} KiB {stat.count:7d} blocks  {stat.traceback.format()[-1].strip()}")


async def main(n: int, chats: int, database_url: str | None, trace: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/memory.db"
        settings = Settings(_env_file=None, bot_token="42:MEMORY", database_url=url)  # type: ignore[call-arg,arg-type]
        await upgrade(settings.database_url)
        app = create_application(settings)
        bot = Bot(settings.token, session=RecordingSession(keep=False))
        start_rss = rss_mb()
        points = await drive(app, bot, n, chats, trace)
        if trace:
            print_growth()
        await app.close()
    return {"updates": n, "chats_at_once": chats, "database": url.split(":", 1)[0], "start_rss_mb": round(start_rss, 1),
            "steady_rss_mb": points[-1]["rss_mb"], "slope_mb_per_10k": round(slope(points), 2),
            "cpu_ms_per_update": points[-1]["cpu_ms_per_update"], "checkpoints": points}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=50_000)
    parser.add_argument("--chats", type=int, default=50, help="teachers in flight at once")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--trace", action="store_true", help="print Python's allocations that grew, by line")
    parser.add_argument("--no-cold-start", action="store_true")
    args = parser.parse_args()
    cold = {} if args.no_cold_start else cold_start()
    if cold:
        print("cold start:", json.dumps(cold), flush=True)
    result = asyncio.run(main(args.updates, args.chats, args.database_url, args.trace))
    print(f"steady RSS {result['steady_rss_mb']} MB, slope {result['slope_mb_per_10k']} MB per 10,000 updates")
    print(json.dumps({**result, "cold_start": cold}))
