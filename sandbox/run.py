"""The whole sandbox in one command: the Bot API server with the chat page, and the real bot.

The bot runs as its own process through the same entry point as in production (`python main.py`),
pointed at the sandbox server by BOT_API_URL and at a SQLite file in the sandbox folder.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sandbox.demo import DEMO_ADMIN_ID, Person, seed
from sandbox.demo import guide as demo_guide
from sandbox.server import BotAPIServer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PORT = 8081
DEFAULT_DIR = Path("sandbox-data")
# Shaped like a real token ("<bot id>:<secret>"); it only ever reaches the local server.
SANDBOX_TOKEN = "7000000000:SANDBOX-local-attestation-bot"
BOT_READY_TIMEOUT = 90.0
BOT_STOP_TIMEOUT = 15.0


@dataclass
class SandboxConfig:
    data_dir: Path = DEFAULT_DIR
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    # When the port was not asked for explicitly, a busy default falls back to any free port.
    port_fallback: bool = False
    demo: bool = False
    token: str = SANDBOX_TOKEN
    bot_output: IO[bytes] | None = None  # None: the bot's log goes to <data_dir>/bot.log
    extra_env: dict[str, str] = field(default_factory=dict)


def die_with_parent() -> None:
    # Runs in the child before exec: if the sandbox dies without cleaning up (SIGKILL), the
    # kernel stops the bot too instead of leaving it polling a server that is gone.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.data_dir = config.data_dir.resolve()
        self.server = BotAPIServer(self.data_dir / "botapi", default_token=config.token)
        self.bot: asyncio.subprocess.Process | None = None
        self.cast: list[Person] = []
        self.web_port = 0  # the bot's own web server (its Mini App), chosen when the sandbox starts
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def page_url(self) -> str:
        return self.server.url + "/"

    def user_url(self, user_id: int) -> str:
        return f"{self.server.url}/?user={user_id}"

    @property
    def web_app_url(self) -> str:
        """The bot's Mini App, served by the bot itself on WEB_HOST:WEB_PORT."""
        return f"http://127.0.0.1:{self.web_port}/app/"

    @property
    def web_app_script_url(self) -> str:
        """The sandbox's stand-in for Telegram's telegram-web-app.js, which the Mini App loads."""
        return f"{self.server.url}/telegram-web-app.js"

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.data_dir / 'bot.db'}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "bot.log"

    def bot_env(self) -> dict[str, str]:
        admins = [part.strip() for part in os.environ.get("ADMIN_IDS", "").replace(";", ",").split(",")]
        admin_ids = sorted({int(a) for a in admins if a.isdigit()} | {DEMO_ADMIN_ID})
        return {
            **os.environ,
            "BOT_TOKEN": self.config.token,
            "BOT_API_URL": self.server.url,
            "DATABASE_URL": self.database_url,
            "ADMIN_IDS": ",".join(map(str, admin_ids)),
            # Settings from a developer's .env must not send the sandbox bot elsewhere.
            "WEBHOOK_URL": "",
            "REDIS_URL": "",
            # The bot never starts a sandbox of its own, even if something clears its token.
            "SANDBOX": "0",
            # The bot serves its Mini App locally, and the app loads Telegram's script from the sandbox.
            "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(self.web_port),
            "WEBAPP_URL": self.web_app_url,
            "WEBAPP_SCRIPT_URL": self.web_app_script_url,
            "PYTHONUNBUFFERED": "1",
            **self.config.extra_env,
        }

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.server.register_bot(self.config.token, first_name="Attestation bot", username="attestation_sandbox_bot")
        try:
            await self.server.start(self.config.host, self.config.port)
        except OSError:
            if not self.config.port_fallback:
                raise
            await self.server.start(self.config.host, 0)
        if self.config.demo:
            self.cast = await seed(self.server, self.database_url)
        self.web_port = free_port("127.0.0.1")
        await self.start_bot()

    async def start_bot(self) -> None:
        output = self.config.bot_output
        if output is None:
            self._log = output = self.log_path.open("ab")
        self.bot = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "main.py"), cwd=ROOT, env=self.bot_env(),
            stdin=asyncio.subprocess.DEVNULL, stdout=output, stderr=asyncio.subprocess.STDOUT,
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
        )

    async def wait_ready(self, timeout: float = BOT_READY_TIMEOUT) -> bool:
        """True once the bot polls for updates; False if it exited first or took longer than timeout."""
        assert self.bot is not None
        polling = asyncio.create_task(self.server.wait_request("getUpdates", timeout=timeout))
        exited = asyncio.create_task(self.bot.wait())
        done, _ = await asyncio.wait({polling, exited}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        for task in (polling, exited):
            if task not in done:
                task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await polling
        return polling in done and not polling.cancelled() and polling.exception() is None

    async def stop(self) -> None:
        if self.bot is not None and self.bot.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.bot.terminate()
            try:
                await asyncio.wait_for(self.bot.wait(), BOT_STOP_TIMEOUT)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.bot.kill()
                await self.bot.wait()
        await self.server.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        if self.config.bot_output is not None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def banner(self) -> str:
        def shown(path: Path) -> str:
            with contextlib.suppress(ValueError):
                return str(path.relative_to(Path.cwd()))
            return str(path)

        lines = [
            "",
            "Sandbox is running: the bot talks to a local Telegram stand-in, no token or internet needed.",
            f"  Open the chat page:  {self.page_url}",
            f"  Bot API server:      {self.url}   database: {shown(self.data_dir / 'bot.db')}",
            f"  Mini App:            {self.web_app_url}   (served by the bot; its web_app buttons open it",
            f"                       in the chat page, with {self.web_app_script_url} as Telegram's script)",
        ]
        if self.config.bot_output is None:
            lines.append(f"  Bot log:             {shown(self.log_path)}")
        if self.cast:
            lines += demo_guide(self.user_url)
        else:
            lines.append(f"  Demo admin id:       {DEMO_ADMIN_ID} (create a user with this id on the page"
                         " to act as an admin; --demo creates a whole cast)")
        lines.append("Press Ctrl-C to stop.")
        return "\n".join(lines)


async def serve(config: SandboxConfig) -> int:
    """Run until Ctrl-C/SIGTERM (exit 0) or until the bot process dies (exit 1)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    sandbox = Sandbox(config)
    try:
        try:
            await sandbox.start()
        except OSError as error:
            print(f"The sandbox could not listen on {config.host}:{config.port}: {error.strerror or error}. "
                  "Choose another port with --port.", file=sys.stderr)
            return 1
        print(f"Starting the bot against the sandbox on {sandbox.url} …", flush=True)
        if not await sandbox.wait_ready() and sandbox.bot is not None and sandbox.bot.returncode is not None:
            print(f"The bot stopped right away (exit code {sandbox.bot.returncode}):\n{sandbox.log_tail()}",
                  file=sys.stderr)
            return 1
        print(sandbox.banner(), flush=True)
        assert sandbox.bot is not None
        bot_exit = asyncio.create_task(sandbox.bot.wait())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({bot_exit, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not stop.is_set():
            stopping.cancel()
            print(f"The bot stopped (exit code {sandbox.bot.returncode}); stopping the sandbox.\n"
                  f"{sandbox.log_tail()}", file=sys.stderr)
            return 1
        bot_exit.cancel()
        print("Stopping the sandbox…", flush=True)
        return 0
    finally:
        await sandbox.stop()
        for sig in signals:
            loop.remove_signal_handler(sig)


def parse_args(argv: Sequence[str] | None) -> SandboxConfig:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="Run the bot against a local Telegram stand-in and chat with it in a browser.",
    )
    parser.add_argument("--port", type=int, default=None,
                        help=f"port on 127.0.0.1 for the page and the Bot API (default ${{SANDBOX_PORT}} or "
                             f"{DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--data", type=Path, default=None,
                        help=f"sandbox folder: database, files, bot log (default ${{SANDBOX_DIR}} or ./{DEFAULT_DIR})")
    parser.add_argument("--demo", action="store_true",
                        help="create demo people (teachers, admin, commission, secretary) and their records")
    parser.add_argument("--bot-output", action="store_true", help="show the bot's log here instead of in bot.log")
    args = parser.parse_args(argv)
    env_port = os.environ.get("SANDBOX_PORT", "").strip()
    port = args.port if args.port is not None else int(env_port) if env_port else None
    data = args.data or Path(os.environ.get("SANDBOX_DIR") or DEFAULT_DIR)
    demo = args.demo or os.environ.get("SANDBOX_DEMO", "").strip() in ("1", "true", "yes")
    return SandboxConfig(data_dir=data, port=DEFAULT_PORT if port is None else port, port_fallback=port is None,
                         demo=demo, bot_output=sys.stdout.buffer if args.bot_output else None)


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    # Signals are handled inside serve(); this only covers a Ctrl-C before the loop has started.
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(serve(config))
    return 130
