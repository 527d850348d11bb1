"""How long a teacher waits for the bot's reply under each Bot API fault, the real bot process against the
project's Bot API server (tests/e2e/live_bot.py). The last line is one JSON object.

    .venv/bin/python benchmarks/fault_waits.py [--runs 3]

Each run walks a teacher to the profile's first question, then answers it under one fault and times the
answer → next question. The worst of the runs is printed per fault.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.live_bot import LiveBot, running_bot
from tests.e2e.test_faults import NAME, to_the_name_question, write_lock_held

Scenario = Callable[[LiveBot], Awaitable[float]]


async def timed_answer(live: LiveBot) -> float:
    since, started = live.cursor(), time.monotonic()
    await live.send(NAME, wait=False)
    await live.reply(since=since, timeout=60)
    return time.monotonic() - started


def with_fault(kind: str, **options: object) -> Scenario:
    async def run(live: LiveBot) -> float:
        live.fault(kind, method="sendMessage", chat_id=live.user_id, **options)
        return await timed_answer(live)
    return run


async def other_teacher_during_a_slow_reply(live: LiveBot) -> float:
    other = live.user(5102).id
    await to_the_name_question(live, other)
    live.fault("delay", method="sendMessage", chat_id=live.user_id, seconds=8, times=1)
    await live.send(NAME, wait=False)
    await asyncio.sleep(0.3)
    since, started = live.cursor(other), time.monotonic()
    await live.send("Серікова Дана", user=other, wait=False)
    await live.reply(since=since, user=other, timeout=30)
    return time.monotonic() - started


async def database_locked_3s(live: LiveBot) -> float:
    with write_lock_held(live.db, 3.0):
        return await timed_answer(live)


async def kill_9_with_the_reply_in_flight(live: LiveBot) -> float:
    """From the kill to the reply, the restart included (OUTBOX_LEASE_SECONDS=3 here; 120 by default)."""
    live.fault("server_error", method="sendMessage", chat_id=live.user_id, times=None)
    since = live.cursor()
    await live.send(NAME, wait=False)
    await live.until(lambda: bool(live.server.faulted("sendMessage")), what="the reply failing")
    started = time.monotonic()
    await live.kill()
    live.server.clear_faults()
    await live.start()
    await live.reply(since=since, timeout=60)
    return time.monotonic() - started


SCENARIOS: dict[str, Scenario] = {
    "no fault": timed_answer,
    "429 retry_after=1, once": with_fault("retry_after", retry_after=1),
    "429 retry_after=5, once": with_fault("retry_after", retry_after=5),
    "500, twice": with_fault("server_error", times=2),
    "HTML 502, once": with_fault("bad_gateway"),
    "malformed JSON, once": with_fault("malformed_json"),
    "Bot API answers after 8 s": with_fault("delay", seconds=8),
    "another teacher, while one reply takes 8 s": other_teacher_during_a_slow_reply,
    "database write-locked by another process for 3 s": database_locked_3s,
    "kill -9 with the reply in flight (lease 3 s)": kill_9_with_the_reply_in_flight,
}


async def measure(runs: int) -> dict[str, float]:
    worst: dict[str, float] = {}
    for name, scenario in SCENARIOS.items():
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                # A short lease only where the process is killed: with a live sender still retrying, a
                # lease shorter than its retries lets the deliverer send a second copy early.
                lease = "3" if scenario is kill_9_with_the_reply_in_flight else "120"
                async with running_bot(Path(tmp), env={"OUTBOX_LEASE_SECONDS": lease}) as live:
                    await to_the_name_question(live)
                    seconds = await scenario(live)
            worst[name] = max(worst.get(name, 0.0), seconds)
        print(f"{name:<52} worst {worst[name]:6.2f} s", flush=True)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    worst = asyncio.run(measure(args.runs))
    print(json.dumps({"runs": args.runs, "worst_seconds": {k: round(v, 2) for k, v in worst.items()}},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
