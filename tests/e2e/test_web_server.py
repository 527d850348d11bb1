"""The bot's own web server answers in both modes: from the webhook server, and with WEB_PORT when polling."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from tests.e2e.live_bot import running_bot
from tests.services import free_port


async def _get_json(url: str) -> tuple[int, object]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.json()


async def test_polling_bot_serves_its_pages_on_web_port(tmp_path: Path) -> None:
    port = free_port()
    async with running_bot(tmp_path, env={"WEB_PORT": str(port), "WEB_HOST": "127.0.0.1"}):
        assert await _get_json(f"http://127.0.0.1:{port}/healthz") == (200, {"ok": True})


async def test_webhook_server_serves_the_same_pages(tmp_path: Path) -> None:
    async with running_bot(tmp_path, mode="webhook") as live:
        assert await _get_json(f"http://127.0.0.1:{live.webhook_port}/healthz") == (200, {"ok": True})
