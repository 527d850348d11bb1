"""End to end: the bot runs as a separate process (`python main.py`, as a user runs it) against the
project's Bot API server on 127.0.0.1, over real HTTP, and completes onboarding; a restart midway
continues at the same question."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from features.profile.callbacks import AreaCallback, ChoiceCallback, ConsentCallback, LanguageCallback, ToggleCallback
from sandbox.botapi import BotAPIServer
from tests.sandbox.launch import launched, sandbox_env

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424242:E2E-test-token"
VALID_IIN = "850315300019"
UID = 5001


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[BotAPIServer]:
    server = BotAPIServer(tmp_path / "botapi", default_token=TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@contextmanager
def bot_process(server: BotAPIServer, db: Path, extra: dict[str, str] | None = None,
                ) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "BOT_API_URL": server.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "DEFAULT_LOCALE": "ru",
        "LOG_LEVEL": "WARNING",
        **(extra or {}),
    }
    proc = subprocess.Popen([sys.executable, "main.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def wait_for(server: BotAPIServer, predicate: Callable[[dict[str, Any]], bool],
                   timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for item in reversed(server.history(UID)):
            if item["from"] == "bot" and predicate(item):
                return item
        await asyncio.sleep(0.05)
    raise AssertionError(f"no such bot message; history: {[m.get('text') for m in server.history(UID)][-5:]}")


def buttons(item: dict[str, Any]) -> list[str]:
    markup = item.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def has_button(data: str) -> Callable[[dict[str, Any]], bool]:
    return lambda item: data in buttons(item)


def snapshot(server: BotAPIServer) -> list[tuple[Any, ...]]:
    return [(m["message_id"], m.get("text"), str(m.get("reply_markup")), len(m["callback_answers"]))
            for m in server.history(UID)]


async def settle(server: BotAPIServer, before: list[tuple[Any, ...]], timeout: float = 20.0) -> None:
    """Wait until the bot has reacted and then stayed quiet for a moment (it handles updates concurrently)."""
    deadline = time.monotonic() + timeout
    last, quiet_since = before, time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        now = snapshot(server)
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif now != before and time.monotonic() - quiet_since > 0.3:
            return
    raise AssertionError("the bot did not answer")


async def press(server: BotAPIServer, data: str) -> None:
    message = await wait_for(server, has_button(data))
    before = snapshot(server)
    await server.press_button(UID, message["message_id"], data)
    await settle(server, before)


async def reply(server: BotAPIServer, text: str) -> None:
    before = snapshot(server)
    await server.send_text(UID, text)
    await settle(server, before)


def stored(db: Path, column: str) -> Any:
    with sqlite3.connect(db) as conn:
        row = conn.execute(f"select {column} from teacher_profiles where user_id = ?", (UID,)).fetchone()
    return row[0] if row else None


def choice(field: str, value: str) -> str:
    return ChoiceCallback(field=field, value=value).pack()


async def test_onboarding_over_http_with_restart(server: BotAPIServer, tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    server.create_user("Айгуль", user_id=UID, language_code="kk")
    with bot_process(server, db) as first:
        await server.wait_request("getUpdates", timeout=60)
        commands = server.requests("setMyCommands")
        assert {r.params.get("language_code") for r in commands} >= {"kk", "ru"}
        await reply(server, "/start")
        await press(server, LanguageCallback(code="kk").pack())
        await press(server, ConsentCallback(agree=True).pack())
        await reply(server, "Ахметова Айгуль")
        await reply(server, "123")  # wrong IIN: a reason, and the question stays open
        assert stored(db, "iin") is None
        await reply(server, VALID_IIN)
        await wait_for(server, has_button(choice("role", "teacher")))
    assert first.returncode == 0  # SIGTERM: a graceful stop, not a crash
    # Stopped between questions: the next process continues at the same question.
    with bot_process(server, db):
        await press(server, choice("role", "teacher"))
        await press(server, choice("teaching_post", "subject"))
        await press(server, choice("org_type", "general_secondary"))
        assert stored(db, "role") == "teacher"
        await reply(server, "Школа-лицей №7")
        await press(server, choice("region", "karaganda"))
        await reply(server, "Қарағанды қаласы")  # typed: matched to the list, confirmed with its button
        await press(server, AreaCallback(action="pick", code="351010000").pack())
        assert stored(db, "area_code") == "351010000"
        await press(server, choice("current_category", "moderator"))
        await reply(server, "31.12.2026")
        await reply(server, "8")
        await press(server, choice("education", "higher_pedagogical"))
        await press(server, choice("claimed_category", "expert"))
        await press(server, choice("attestation_kind", "regular"))
        await press(server, ToggleCallback(field="certificates", value=".").pack())
        await press(server, choice("special_programme", "no"))
        await press(server, choice("transferred", "no"))
        await reply(server, "aigul@mail.kz")
        keyboard = server.reply_keyboard(UID)
        assert keyboard is not None and "request_contact" in str(keyboard)
        await server.send_contact(UID, "+77011234567")
        await wait_for(server, lambda item: "(13-т.)" in (item.get("text") or ""))
        assert stored(db, "completed_at") is not None
        assert stored(db, "phone") == "+77011234567"


@pytest.mark.parametrize("opt_out", [{"SANDBOX": "0"}, {"ARGS": "--no-sandbox"}])
def test_no_token_explains_how_to_set_one(opt_out: dict[str, str]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "SANDBOX")}
    args = [opt_out.pop("ARGS")] if "ARGS" in opt_out else []
    result = subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env={**env, "BOT_TOKEN": "", **opt_out},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "BOT_TOKEN" in result.stderr and ".env" in result.stderr and "@BotFather" in result.stderr
    assert "http://127.0.0.1" not in result.stdout + result.stderr


def test_no_token_starts_the_sandbox_and_prints_its_address(tmp_path: Path) -> None:
    env = sandbox_env(tmp_path / "sandbox", BOT_TOKEN="")
    with launched(["main.py"], env) as run:
        with urllib.request.urlopen(run.url, timeout=10) as response:
            assert b"/static/app.js" in response.read()
        # The real bot is up behind it, polling the sandbox server for updates.
        with urllib.request.urlopen(run.url + "sandbox/api/requests?method=getUpdates", timeout=10) as response:
            assert json.load(response)["result"]
        assert run.stop() == 0
    assert (tmp_path / "sandbox" / "bot.db").exists()


async def test_bot_starts_when_set_my_commands_fails(
    server: BotAPIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sandbox import methods
    from sandbox.errors import ApiError

    async def refuse(_call: Any) -> Any:
        raise ApiError(500, "Internal Server Error: commands are down")

    monkeypatch.setitem(methods.METHODS, "setMyCommands", refuse)
    server.create_user("Test", user_id=UID)
    with bot_process(server, tmp_path / "bot.db") as proc:
        await server.wait_request("getUpdates", timeout=60)
        assert server.requests("setMyCommands") and not server.requests("setMyCommands")[0].ok
        await reply(server, "/start")
        await wait_for(server, has_button(LanguageCallback(code="ru").pack()))
        assert proc.poll() is None


async def test_webhook_mode_checks_the_secret_token(server: BotAPIServer, tmp_path: Path) -> None:
    import socket

    import aiohttp

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server.create_user("Web", user_id=UID)
    extra = {"WEBHOOK_URL": f"http://127.0.0.1:{port}/hook", "WEBHOOK_SECRET": "s3cret", "WEBHOOK_PATH": "/hook",
             "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": str(port)}
    with bot_process(server, tmp_path / "bot.db", extra):
        registered = await server.wait_request("setWebhook", timeout=60)
        assert registered[0].params.get("secret_token") == "s3cret"
        async with aiohttp.ClientSession() as http:
            forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": UID, "type": "private"},
                                                  "from": {"id": UID, "is_bot": False, "first_name": "X"},
                                                  "text": "/start"}}
            for _ in range(100):
                try:
                    async with http.post(f"http://127.0.0.1:{port}/hook", json=forged,
                                         headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as response:
                        assert response.status == 401
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
        assert not [m for m in server.history(UID) if m["from"] == "bot"]
        # Updates the server delivers with the right secret are handled.
        await reply(server, "/start")
        await wait_for(server, has_button(LanguageCallback(code="kk").pack()))
