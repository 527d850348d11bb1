"""Fixtures: the whole sandbox (server and bot process), a sandbox Bot API server on 127.0.0.1, a real aiogram
Bot pointed at it, a webhook receiver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from sandbox.botapi import BotAPIServer
from sandbox.run import Sandbox, SandboxConfig

TOKEN = "123456:SANDBOX-test-token"


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    """The whole sandbox: its Bot API server and the real bot process, ready for updates."""
    sandbox = Sandbox(SandboxConfig(data_dir=tmp_path / "sandbox", port=0))
    await sandbox.start()
    try:
        assert await sandbox.wait_ready(), sandbox.log_tail()
        yield sandbox
    finally:
        await sandbox.stop()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[BotAPIServer]:
    server = BotAPIServer(tmp_path / "botapi", default_token=TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    try:
        yield bot
    finally:
        await bot.session.close()


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.arrived = asyncio.Event()
        self.status = 200
        self.reply: dict[str, Any] | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        self.arrived.set()
        if self.status != 200:
            return web.Response(status=self.status)
        if self.reply is not None:
            return web.json_response(self.reply)
        return web.Response()

    async def next(self) -> dict[str, Any]:
        await asyncio.wait_for(self.arrived.wait(), 3)
        self.arrived.clear()
        return self.received[-1][0]

    async def until(self, count: int, timeout: float = 3.0) -> list[dict[str, Any]]:
        """The updates received once there are `count` of them."""
        async with asyncio.timeout(timeout):
            while len(self.received) < count:
                await asyncio.sleep(0.01)
        return [update for update, _ in self.received]


@asynccontextmanager
async def serving(path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> AsyncIterator[str]:
    """A webhook endpoint on 127.0.0.1 answering POSTs to `path` with `handler`; yields its URL."""
    app = web.Application()
    app.router.add_post(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}{path}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    async with serving("/hook", receiver.handle) as url:
        receiver.url = url
        yield receiver
