"""The chat page is served by the sandbox server itself, next to the Bot API and the control API."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from sandbox.botapi import BotAPIServer


async def test_page_and_assets_are_served(server: BotAPIServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(server.url + "/") as response:
            assert response.status == 200
            assert response.content_type == "text/html"
            html = await response.text()
        assert '<script src="/static/app.js"></script>' in html
        assert "http://" not in html and "https://" not in html  # nothing from outside: it works offline
        for name, content_type in (("app.js", "text/javascript"), ("app.css", "text/css"),
                                   ("favicon.svg", "image/svg+xml")):
            async with http.get(f"{server.url}/static/{name}") as response:
                assert response.status == 200, name
                assert response.content_type == content_type
                assert response.headers["Cache-Control"] == "no-store"
        async with http.get(server.url + "/static/../server.py") as response:
            assert response.status == 404
        async with http.get(server.url + "/static/page.py") as response:
            assert response.status == 404
        # The Bot API's own 404 for unknown paths is unchanged.
        async with http.get(server.url + "/nowhere") as response:
            assert response.status == 404 and (await response.json())["ok"] is False


async def test_page_uses_only_control_api_routes_that_exist(server: BotAPIServer) -> None:
    script = (await _text(server.url + "/static/app.js"))
    for route in ("/users", "/bots", "/commands?", "/history", "/events?", "/messages", "/contact", "/callback"):
        assert route in script, route
    registered = {resource.canonical for resource in server.app.router.resources()}
    for path in ("/sandbox/api/users", "/sandbox/api/bots", "/sandbox/api/commands",
                 "/sandbox/api/chats/{user_id}/history", "/sandbox/api/chats/{user_id}/events",
                 "/sandbox/api/chats/{user_id}/document", "/sandbox/api/chats/{user_id}/photo"):
        assert path in registered, path


async def _text(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return await response.text()


async def test_command_menu_resolves_scope_and_language(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user("Aruzhan", language_code="kk")
    other = server.create_user("Oleg", language_code="ru")
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand(command="start", description="Start")], scope=scope)
    await bot.set_my_commands([BotCommand(command="start", description="Бастау")], scope=scope, language_code="kk")
    await bot.set_my_commands([BotCommand(command="admin", description="Admin")],
                              scope=BotCommandScopeChat(chat_id=other.id))
    assert server.commands_for(user.id, "kk") == [{"command": "start", "description": "Бастау"}]
    assert server.commands_for(user.id, "ru") == [{"command": "start", "description": "Start"}]
    assert server.commands_for(other.id, "ru") == [{"command": "admin", "description": "Admin"}]
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/sandbox/api/commands",
                            params={"user_id": user.id, "language_code": "kk"}) as response:
            assert (await response.json())["result"][0]["description"] == "Бастау"
        async with http.get(f"{server.url}/sandbox/api/commands", params={"user_id": "x"}) as response:
            assert response.status == 400


async def test_close_wakes_the_pages_event_polls(tmp_path: Path) -> None:
    server = BotAPIServer(tmp_path / "botapi", default_token="1:T")
    await server.start()
    user = server.create_user("Tab")
    async with aiohttp.ClientSession() as http:
        poll = asyncio.create_task(http.get(f"{server.url}/sandbox/api/chats/{user.id}/events",
                                            params={"cursor": 0, "timeout": 50}))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await server.close()
        # An open page tab must not hold up stopping the sandbox for its poll timeout.
        assert time.monotonic() - started < 5
        with contextlib.suppress(aiohttp.ClientError):
            (await poll).close()


async def test_busy_port_leaves_server_restartable(server: BotAPIServer, tmp_path: Path) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    other = BotAPIServer(tmp_path / "other")
    with pytest.raises(OSError):
        await other.start("127.0.0.1", port)
    assert other.runner is None
    await other.start("127.0.0.1", 0)
    assert other.url != server.url
    await other.close()
