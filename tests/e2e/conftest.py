"""Fixtures: the real bot process against the sandbox Bot API server (tests/e2e/live_bot.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.live_bot import LiveBot, Mode, running_bot


@pytest.fixture
async def live_bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LiveBot]:
    """The bot, started and taking updates, with one simulated user (`live_bot.user_id`).

    Long polling by default; `@pytest.mark.parametrize("live_bot", ["polling", "webhook"], indirect=True)`
    runs a test in both modes."""
    mode: Mode = getattr(request, "param", "polling")
    async with running_bot(tmp_path / "live", mode=mode) as live:
        yield live
