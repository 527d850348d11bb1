"""Long polling that confirms an update to Telegram only after it is stored (see bot/pipeline/inbox.py).

aiogram's own polling confirms a batch as soon as it has started tasks for it, so a kill -9 at that
moment loses the batch. Here the offset moves past a batch only once its updates are committed to the
inbox; if storing fails, the same batch is fetched again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.pipeline.inbox import UpdateRunner

log = logging.getLogger(__name__)

BACKOFF = BackoffConfig(min_delay=1.0, max_delay=30.0, factor=1.5, jitter=0.1)


class DurablePolling:
    def __init__(self, runner: UpdateRunner, bot: Bot, *, timeout: int = 30,
                 allowed_updates: list[str] | None = None):
        self.runner = runner
        self.bot = bot
        self.timeout = timeout
        self.allowed_updates = allowed_updates
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        await self.runner.replay()
        offset: int | None = None
        backoff = Backoff(BACKOFF)
        while not self._stop.is_set():
            try:
                updates = await self._fetch(offset)
                if updates is None:
                    break
                await self.runner.accept(updates)
            except Exception as error:  # Telegram or the database unreachable: wait and fetch the same again
                log.warning("Polling: %s; trying again in %.1f s", type(error).__name__, backoff.next_delay)
                await self._sleep(backoff.next_delay)
                next(backoff)
                continue
            backoff.reset()
            if updates:
                offset = updates[-1].update_id + 1
        await self.runner.drain()

    async def _fetch(self, offset: int | None) -> list[Update] | None:
        """The next batch, or None when asked to stop while waiting for it."""
        call = GetUpdates(offset=offset, timeout=self.timeout, allowed_updates=self.allowed_updates)
        fetch = asyncio.ensure_future(self.bot(call, request_timeout=self.timeout + 10))
        stop = asyncio.ensure_future(self._stop.wait())
        done, _ = await asyncio.wait({fetch, stop}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch
            return None
        stop.cancel()
        return fetch.result()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
