"""The real bot process (`python main.py`) against the sandbox Bot API server, for end-to-end tests of
what a user sees when Telegram misbehaves or the process dies.

    async with running_bot(tmp_path) as live:          # or the `live_bot` fixture (tests/e2e/conftest.py)
        live.fault("retry_after", method="sendMessage", retry_after=1)
        reply = await live.send("/start")               # the user writes; the bot's first reply
        reply = await live.press(LanguageCallback(code="kk").pack())
        await live.kill()                               # kill -9, as a crash or the OOM killer
        await live.start()                              # the same database, the same sandbox

The bot long-polls (`mode="polling"`) or runs its webhook server (`mode="webhook"`, on a fixed local
port, so a restart listens where the sandbox already delivers). Its output goes to `log_path`; a reply
that does not come fails with the chat so far and the end of that log. The users' side (`SimulatedUsers`:
send, press, reply, …) is shared with several workers behind a balancer (tests/e2e/cluster.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

from sandbox.botapi import BotAPIServer, Fault, FaultKind, SimUser
from sandbox.run import die_with_parent
from tests.sandbox.launch import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424243:E2E-live-bot"
USER_ID = 5101
READY_TIMEOUT = 90.0
REPLY_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0

Mode = Literal["polling", "webhook"]
View = dict[str, Any]


def _is_bot_output(event: dict[str, Any]) -> bool:
    """A message the bot sent, or one it edited, in a chat event."""
    if event["type"] == "edit":
        return True
    return event["type"] == "message" and event["message"]["from"] == "bot"


class SimulatedUsers:
    """The simulated users of one bot on `server`: what they send and press, and what the bot shows them.
    Shared by one bot process (LiveBot) and several behind a balancer (tests/e2e/cluster.py); `log_tail`
    is what a failed wait prints beside the chat."""

    def __init__(self, server: BotAPIServer, *, token: str = TOKEN, user_id: int = USER_ID) -> None:
        self.server = server
        self.token = token
        self.user_id = user_id
        server.register_bot(token, first_name="Attestation bot", username="attestation_e2e_bot")
        self.user(user_id)

    def log_tail(self, lines: int = 40) -> str:
        return ""

    # --- the simulated user -------------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Тест", *, language_code: str | None = "ru") -> SimUser:
        """The simulated user with this id, created if new."""
        known = {user.id: user for user in self.server.users()}
        if user_id in known:
            return known[user_id]
        return self.server.create_user(first_name, user_id=user_id, language_code=language_code)

    def cursor(self, user: int | None = None) -> int:
        """A mark in the chat: `reply(since=...)` and `events(since=...)` look only after it."""
        return len(self.server.world.chat(self.server.bot(self.token), user or self.user_id).events)

    async def send(self, text: str, *, user: int | None = None, wait: bool = True,
                   timeout: float = REPLY_TIMEOUT) -> View | None:
        """The user writes `text`; returns the bot's first reply (a new or edited message) unless `wait` is off."""
        uid = user or self.user_id
        since = self.cursor(uid)
        await self.server.send_text(uid, text, token=self.token)
        return await self.reply(since=since, user=uid, timeout=timeout) if wait else None

    async def press(self, callback_data: str, *, user: int | None = None, message_id: int | None = None,
                    wait: bool = True, timeout: float = REPLY_TIMEOUT) -> View | None:
        """The user presses the inline button with this data (on the latest bot message that has it, waiting
        for one to appear); returns the bot's first reply (a new or edited message) unless `wait` is off."""
        uid = user or self.user_id
        if message_id is None:
            message_id = (await self.message_with_button(callback_data, user=uid, timeout=timeout))["message_id"]
        since = self.cursor(uid)
        await self.server.press_button(uid, message_id, callback_data, token=self.token)
        return await self.reply(since=since, user=uid, timeout=timeout) if wait else None

    async def share_contact(self, phone_number: str, *, user: int | None = None, wait: bool = True,
                            timeout: float = REPLY_TIMEOUT) -> View | None:
        """The user shares their phone number (the reply keyboard's contact button); returns the bot's first
        reply unless `wait` is off."""
        uid = user or self.user_id
        since = self.cursor(uid)
        await self.server.send_contact(uid, phone_number, token=self.token)
        return await self.reply(since=since, user=uid, timeout=timeout) if wait else None

    async def reply(self, *, since: int, user: int | None = None, where: Callable[[View], bool] | None = None,
                    timeout: float = REPLY_TIMEOUT) -> View:
        """The first message the bot sends or edits in the chat after the mark `since` (that satisfies
        `where`), as the user sees it; fails with the chat and the bot's log if none comes in time."""
        uid = user or self.user_id
        deadline = time.monotonic() + timeout
        cursor = since
        while (remaining := deadline - time.monotonic()) > 0:
            events, cursor = await self.server.wait_events(uid, cursor, remaining, token=self.token)
            for event in events:
                if _is_bot_output(event) and (where is None or where(event["message"])):
                    return dict(event["message"])
        raise AssertionError(f"no reply from the bot within {timeout}s; the chat: {self.texts(uid)[-6:]}\n"
                             f"the bot's log:\n{self.log_tail()}")

    def events(self, *, since: int = 0, user: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """The chat's events after `since` (messages, edits, callback answers, chat actions, deletions)."""
        chat = self.server.world.chat(self.server.bot(self.token), user or self.user_id)
        return [e for e in chat.events[since:] if kind is None or e["type"] == kind]

    async def quiet(self, seconds: float = 1.0, *, user: int | None = None, timeout: float = REPLY_TIMEOUT) -> None:
        """Wait until the bot has done nothing in the chat for `seconds` (to count what it sent, e.g. duplicates)."""
        uid = user or self.user_id
        deadline = time.monotonic() + timeout
        cursor = self.cursor(uid)
        while time.monotonic() < deadline:
            events, cursor = await self.server.wait_events(uid, cursor, seconds, token=self.token)
            if not events:
                return
        raise AssertionError(f"the bot did not fall quiet within {timeout}s")

    async def message_with_button(self, callback_data: str, *, user: int | None = None,
                                  timeout: float = REPLY_TIMEOUT) -> View:
        uid = user or self.user_id
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(self.bot_messages(uid)):
                if callback_data in buttons(message):
                    return message
            if time.monotonic() > deadline:
                raise AssertionError(f"no bot message has the button {callback_data!r}; the chat: "
                                     f"{self.texts(uid)[-6:]}\nthe bot's log:\n{self.log_tail()}")
            await asyncio.sleep(0.05)

    def bot_messages(self, user: int | None = None) -> list[View]:
        """The bot's messages in the chat as they stand now (edits applied, deleted ones left out)."""
        return [m for m in self.server.history(user or self.user_id, token=self.token) if m["from"] == "bot"]

    def texts(self, user: int | None = None) -> list[str | None]:
        return [m.get("text") or m.get("caption") for m in self.server.history(user or self.user_id, token=self.token)]

    async def until(self, condition: Callable[[], bool], *, timeout: float = REPLY_TIMEOUT, what: str = "") -> None:
        """Wait until `condition()` holds, e.g. a row the bot commits after it has replied."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what or 'the condition'} did not come true within {timeout}s; "
                                     f"the bot's log:\n{self.log_tail()}")
            await asyncio.sleep(0.05)

    # --- faults ------------------------------------------------------------------------------------

    def fault(self, kind: FaultKind | str, **options: Any) -> Fault:
        """An injected fault for this bot's calls (see BotAPIServer.add_fault for the options)."""
        return self.server.add_fault(kind, token=self.token, **options)

    def attempts(self, method: str) -> int:
        """How many calls of `method` this bot has made, faulted or not."""
        return len(self.server.requests(method, token=self.token))


class LiveBot(SimulatedUsers):
    """One bot process at a time on one database, with its simulated users on `server`."""

    def __init__(self, server: BotAPIServer, workdir: Path, *, mode: Mode = "polling", token: str = TOKEN,
                 user_id: int = USER_ID, env: dict[str, str] | None = None) -> None:
        super().__init__(server, token=token, user_id=user_id)
        self.mode = mode
        self.extra_env = dict(env or {})
        workdir.mkdir(parents=True, exist_ok=True)
        self.db = workdir / "bot.db"
        self.log_path = workdir / "bot.log"
        self.webhook_port = free_port() if mode == "webhook" else None
        self.webhook_secret = secrets.token_urlsafe(16)
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    # --- the process ------------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "BOT_TOKEN": self.token,
            "BOT_API_URL": self.server.url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{self.db}",
            "DEFAULT_LOCALE": "ru",
            "LOG_LEVEL": "INFO",
            "REDIS_URL": "",
            "WEBHOOK_URL": "",
            "SANDBOX": "0",
            "PYTHONUNBUFFERED": "1",
        }
        if self.webhook_port is not None:
            env.update({
                "WEBHOOK_URL": f"http://127.0.0.1:{self.webhook_port}/webhook", "WEBHOOK_PATH": "/webhook",
                "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": str(self.webhook_port),
                "WEBHOOK_SECRET": self.webhook_secret,
            })
        return {**env, **self.extra_env}

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def start(self, timeout: float = READY_TIMEOUT) -> None:
        """Start `python main.py` and wait until it takes updates (polls, or listens for the webhook)."""
        if self.running:
            raise RuntimeError("the bot is already running")
        ready_method = "getUpdates" if self.mode == "polling" else "setWebhook"
        before = len(self.server.requests(ready_method, token=self.token))
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} ({self.mode}) ---\n".encode())
            log.flush()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "main.py", cwd=ROOT, env=self.env(), stdin=asyncio.subprocess.DEVNULL,
                stdout=log, stderr=asyncio.subprocess.STDOUT,
                preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
            )
        deadline = time.monotonic() + timeout
        while not (len(self.server.requests(ready_method, token=self.token)) > before and await self._listening()):
            if not self.running:
                raise AssertionError(f"the bot exited ({self.returncode}) before it was ready:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot was not ready within {timeout}s:\n{self.log_tail()}")
            await asyncio.sleep(0.05)

    async def _listening(self) -> bool:
        if self.webhook_port is None:
            return True
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.webhook_port)
        except OSError:
            return False
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.returncode

    async def kill(self) -> int:
        """kill -9: no shutdown of any kind, as a crash or the OOM killer. Returns the exit status (-9)."""
        assert self.proc is not None, "the bot was never started"
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        return await self.proc.wait()

    async def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM, as a service manager stops it (SIGKILL after `timeout`); returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                return await self.kill()
        return self.proc.returncode

    async def restart(self, *, kill: bool = True) -> None:
        """Stop (kill -9 by default) and start again on the same database."""
        if self.running:
            await (self.kill() if kill else self.stop())
        await self.start()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    # --- the database ------------------------------------------------------------------------------

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows from the bot's SQLite database, read beside the running bot."""
        with contextlib.closing(sqlite3.connect(self.db, timeout=10)) as conn:
            return conn.execute(query, params).fetchall()


def buttons(message: View) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button.get("callback_data", "") for row in markup.get("inline_keyboard", []) for button in row]


@asynccontextmanager
async def running_bot(workdir: Path, *, mode: Mode = "polling", env: dict[str, str] | None = None,
                      start: bool = True) -> AsyncIterator[LiveBot]:
    """A sandbox server and the bot process on a fresh database in `workdir`, both stopped on exit."""
    async with BotAPIServer(workdir / "botapi", default_token=TOKEN) as server:
        live = LiveBot(server, workdir, mode=mode, env=env)
        try:
            if start:
                await live.start()
            yield live
        finally:
            await live.stop()
