"""The load test's driver (benchmarks/load.py) at a tiny size against the real webhook worker: its checks
pass on a clean run, also with an update delivered twice, and fail on a lost update, an extra reply and a
database that does not hold what a teacher did."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from benchmarks.load import LoadRun, Pacing, check, single_worker
from benchmarks.load_script import ESSAY_WORDS, script


def write(db: Path, statement: str, *params: Any) -> None:
    with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn, conn:
        conn.execute(statement, params)


async def play(run: LoadRun) -> None:
    await run.drive()
    await run.quiet(seconds=1.0)


async def test_checks_pass_clean_and_see_a_loss_a_duplicate_and_a_wrong_row(tmp_path: Path) -> None:
    async with single_worker(tmp_path / "bot") as target:
        server = target.server
        server.deliver_next_twice(3, token=target.token)  # Telegram re-sends: the inbox must skip them
        clean = LoadRun(target, 0, 3, Pacing(rate=30, active=3, timeout=20))
        await play(clean)
        checks = await check(clean)
        assert checks.summary() == {
            "updates": 3 * len(script(0)), "lost": 0, "duplicated": 0, "broken": 0, "not_stored": 0,
            "not_applied": 0, "unanswered_steps": 0, "extra_outputs": 0, "missing_outputs": 0, "applied_twice": 0,
            "unfinished": 0, "late": 0, "wrong_in_database": 0, "profiles_completed": 3, "finished": 3, "stopped": 0,
        }
        # The first three updates, each teacher's /start, were delivered twice and applied once.
        assert [server.deliveries(t.update_ids[0], token=target.token) for t in clean.teachers] == [2, 2, 2]

        # One more message in a chat than her steps are answered with: a reply sent twice.
        first = clean.teachers[0]
        await server.call(target.token, "sendMessage", {"chat_id": first.uid, "text": "again"})
        # Her essay twice as long as she wrote it: a pasted part applied twice; another's essay gone.
        second, third = clean.teachers[1], clean.teachers[2]
        write(target.live.db, "update essays set words = ? where user_id = ?", 2 * ESSAY_WORDS, second.uid)
        write(target.live.db, "delete from essays where user_id = ?", third.uid)
        checks = await check(clean)
        assert checks.extra_outputs == {first.n: 1}
        assert checks.applied_twice == [second.n]
        assert checks.wrong_in_database == [second.n, third.n]
        assert (checks.lost, checks.duplicated, checks.broken) == (0, 2, 2)

        # The server loses one update of teacher 4 (her fifth step): she waits in vain, and it is counted.
        lossy = LoadRun(target, 3, 2, Pacing(rate=30, active=2, timeout=4, drop=(4, 4)))
        await play(lossy)
        checks = await check(lossy)
        assert checks.not_stored == [lossy.teachers[1].update_ids[4]]
        assert checks.unanswered_steps == 1 and checks.lost == 2
        assert checks.unfinished == [4] and checks.wrong_in_database == [4] and checks.broken == 1
        assert checks.profiles_completed == 1 and checks.finished == 1 and checks.duplicated == 0
