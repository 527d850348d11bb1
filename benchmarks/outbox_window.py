"""The one window where a message can be sent twice: Telegram has accepted it, and the process dies before
the commit that deletes its outbox row. This measures that commit (bot/pipeline/outbox.py `_record`) on SQLite.

    .venv/bin/python benchmarks/outbox_window.py [--messages 2000]

The last line is one JSON object: the window's median, p99 and maximum in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram.methods import SendMessage

from bot.pipeline.outbox import Attempt, Outcome, Queued, _record
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.outbox_repository import OutboxRepository


async def measure(messages: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bot.db'}"
        await upgrade(url)
        engine = create_engine(url)
        sessions = create_session_factory(engine)
        windows: list[float] = []
        for n in range(messages):
            async with sessions() as session:
                [row_id] = await OutboxRepository(session).add_many(
                    [(n, "sendMessage", {"chat_id": n, "text": "Ваш ИИН (12 цифр):"})], datetime.now(UTC))
                await session.commit()
            queued = Queued(row_id, n, "sendMessage", 0, SendMessage(chat_id=n, text="…"))
            started = time.perf_counter()  # Telegram has just answered "ok"
            await _record(sessions, [(queued, Attempt(Outcome.SENT, 1))])
            windows.append((time.perf_counter() - started) * 1000)
        await engine.dispose()
    return windows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    windows = sorted(asyncio.run(measure(args.messages)))
    p50, p99 = statistics.median(windows), windows[int(len(windows) * 0.99) - 1]
    print(f"window after Telegram's answer: median {p50:.2f} ms, p99 {p99:.2f} ms, max {windows[-1]:.2f} ms")
    print(json.dumps({"messages": args.messages, "median_ms": round(p50, 3), "p99_ms": round(p99, 3),
                      "max_ms": round(windows[-1], 3)}))


if __name__ == "__main__":
    main()
