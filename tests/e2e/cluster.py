"""A region's deployment on this machine: N bot workers (`python main.py` in webhook mode) on one PostgreSQL and
one Redis, behind nginx configured from deploy/nginx/attestation-bot.conf, with the sandbox Bot API server in the
test process calling nothing but the balancer's URL, as Telegram would.

    async with Cluster(tmp_path, workers=2) as cluster:     # services, migrations, nginx, the workers
        greeting = await cluster.send("/start", user=uid)    # the simulated users, as LiveBot has them
        await cluster.kill(0)                                # kill -9 worker 0 (nginx and Telegram go on)
        await cluster.start_worker(0)                        # the same worker again, on the same port
        rows = await cluster.sql("select count(*) from teacher_profiles")
        await cluster.press(data, user=uid, wait=False)
        await cluster.applied(user=uid)                      # the press applied, by whichever worker

As deploy/compose.yaml and the systemd units run it: `python -m storage.migrate` once, then the workers with
MIGRATE_ON_START=false; all with the scheduler enabled (one holds its lease), one file store folder and one
signing key. The leases are short here (`FAST_LEASES`) so a dead worker's work is taken over within seconds;
`env` overrides any setting for every worker. Each worker's output is `workdir/worker-<i>/bot.log`.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sandbox.botapi import BotAPIServer
from sandbox.state import update_chat
from tests.e2e.live_bot import REPLY_TIMEOUT, ROOT, TOKEN, USER_ID, LiveBot, SimulatedUsers
from tests.sandbox.launch import free_port
from tests.services import nginx_balancer, nginx_log, postgres_server, redis_server

WEBHOOK_PATH = "/webhook"
MIGRATE_TIMEOUT = 120.0
# Several workers import and start at once on a shared machine: a worker's start is mostly CPU (some 15 s of it
# here), so this bounds a hang, it measures nothing.
READY_TIMEOUT = 300.0
# A dead worker's scheduler lease, claimed outbox rows and stored-but-unapplied updates are taken over after
# these (the defaults are 30 s, 120 s and the inbox's own); short, so a test sees the take-over.
FAST_LEASES = {"SCHEDULER_LEASE_SECONDS": "3", "OUTBOX_LEASE_SECONDS": "6", "INBOX_ORPHAN_SECONDS": "2"}


class Cluster(SimulatedUsers):
    """The workers, the balancer, PostgreSQL, Redis and the Bot API server; `start` brings all up, `close` all
    down. `workers[i]` is worker i's process (a LiveBot in webhook mode: `running`, `log_tail()`, `proc.pid`)."""

    def __init__(self, workdir: Path, *, workers: int = 2, env: Mapping[str, str] | None = None,
                 token: str = TOKEN, user_id: int = USER_ID) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(BotAPIServer(workdir / "botapi", default_token=token), token=token, user_id=user_id)
        self.size = workers
        self.extra_env = {**FAST_LEASES, **(env or {})}
        self.secret = secrets.token_urlsafe(16)
        self.database_url = ""
        self.redis_url = ""
        self.url = ""  # the balancer's base URL; Telegram's webhook is url + WEBHOOK_PATH
        self.workers: list[LiveBot] = []
        self._services = ExitStack()
        self._engine: AsyncEngine | None = None

    async def __aenter__(self) -> Cluster:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # --- the deployment -----------------------------------------------------------------------------

    async def start(self) -> None:
        """PostgreSQL, Redis, the Bot API server, the migrations (once), nginx, then every worker."""
        try:
            self.database_url = self._services.enter_context(postgres_server())
            self.redis_url = self._services.enter_context(redis_server())
            await self.server.start()
            await self.migrate()
            ports = [free_port() for _ in range(self.size)]
            self.url = self._services.enter_context(nginx_balancer(ports))
            self.workers = [self._worker(i, port) for i, port in enumerate(ports)]
            await asyncio.gather(*(worker.start(READY_TIMEOUT) for worker in self.workers))
        except BaseException:
            await self.close()
            raise

    def _worker(self, index: int, port: int) -> LiveBot:
        worker = LiveBot(self.server, self.workdir / f"worker-{index}", mode="webhook", token=self.token,
                         user_id=self.user_id, env={**self.env(), **self.extra_env})
        worker.webhook_port = port  # fixed: nginx names it, and a restarted worker listens there again
        return worker

    def env(self) -> dict[str, str]:
        """The settings every worker shares (WEBHOOK_PORT is each one's own)."""
        return {
            "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url, "MIGRATE_ON_START": "false",
            "SCHEDULER_ENABLED": "true", "WEBHOOK_URL": self.url + WEBHOOK_PATH, "WEBHOOK_PATH": WEBHOOK_PATH,
            "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_SECRET": self.secret, "FILE_STORE": "local",
            "FILE_STORE_DIR": str(self.workdir / "files"), "SIGNING_KEY_FILE": str(self.workdir / "signing_key.pem"),
        }

    async def migrate(self) -> None:
        """`python -m storage.migrate`, the release step compose's `migrate` service and the systemd unit run."""
        env = {**os.environ, "DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "storage.migrate", cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)
        output, _ = await asyncio.wait_for(proc.communicate(), MIGRATE_TIMEOUT)
        if proc.returncode != 0:
            raise AssertionError(f"python -m storage.migrate failed ({proc.returncode}):\n{output.decode()[-3000:]}")

    async def close(self) -> None:
        await asyncio.gather(*(worker.stop() for worker in self.workers), return_exceptions=True)
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
        await self.server.close()
        self._services.close()

    # --- one worker ---------------------------------------------------------------------------------

    async def kill(self, index: int) -> int:
        """kill -9 worker `index` (no shutdown of any kind); returns its exit status (-9)."""
        return await self.workers[index].kill()

    async def stop_worker(self, index: int) -> int | None:
        """SIGTERM, as a service manager stops a worker; returns its exit status."""
        return await self.workers[index].stop()

    async def start_worker(self, index: int) -> None:
        """Start worker `index` again (same port, same settings) and wait until it takes webhook POSTs."""
        await self.workers[index].start(READY_TIMEOUT)

    @property
    def running(self) -> list[int]:
        """The indexes of the workers running now."""
        return [i for i, worker in enumerate(self.workers) if worker.running]

    async def metrics(self, index: int) -> dict[str, float]:
        """Worker `index`'s /metrics as {sample name with labels: value}, e.g.
        `attestation_updates_taken_over_total` (updates a dead worker left, applied by this one)."""
        async with aiohttp.ClientSession() as http, http.get(
                f"http://127.0.0.1:{self.workers[index].webhook_port}/metrics",
                timeout=aiohttp.ClientTimeout(total=30)) as response:
            body = await response.text()
        samples = {}
        for line in body.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                samples[name] = float(value)
        return samples

    def log_tail(self, lines: int = 40) -> str:
        tails = [f"--- worker {i} ---\n{worker.log_tail(lines)}" for i, worker in enumerate(self.workers)]
        return "\n".join([*tails, f"--- nginx ---\n{self.balancer_log(lines)}"])

    def balancer_log(self, lines: int = 40) -> str:
        """The end of nginx's error log: which worker it could not reach, which request it passed on."""
        return "\n".join(nginx_log(self.url).splitlines()[-lines:])

    def balancer_requests(self) -> list[tuple[str, str, int, list[int | None]]]:
        """The requests nginx has answered, oldest first: (method, URI, status, the worker indexes it tried in
        turn; None for an address that is no worker's)."""
        ports = {worker.webhook_port: i for i, worker in enumerate(self.workers)}
        requests = []
        for line in nginx_log(self.url, "access.log").splitlines():
            method, uri, status, upstreams = line.split(" ", 3)
            tried = [ports.get(int(a.rsplit(":", 1)[1])) if ":" in a else None
                     for a in upstreams.replace(" : ", ", ").split(", ")]
            requests.append((method, uri, int(status), tried))
        return requests

    # --- the users' updates ------------------------------------------------------------------------

    def last_update(self, user: int | None = None) -> int | None:
        """The update_id of the chat's latest update (what the user did last)."""
        uid = user or self.user_id
        for update in reversed(self.server.bot(self.token).recent.values()):
            if update_chat(update) == uid:
                return int(update["update_id"])
        return None

    async def applied(self, *, user: int | None = None, timeout: float = REPLY_TIMEOUT) -> None:
        """Wait until the chat's latest update is applied (its row in received_updates processed): the next
        thing the user does then finds the bot past it, whichever worker gets it. Waiting for a reply is not
        enough: the first message after a mark may be the previous update's last one."""
        update_id = self.last_update(user)
        assert update_id is not None, "the user has done nothing yet"
        deadline = time.monotonic() + timeout
        query = ("select processed_at is not null from received_updates where bot_id = :bot_id "
                 "and update_id = :update_id")
        bot_id = self.server.bot(self.token).id
        while not any(row[0] for row in await self.sql(query, bot_id=bot_id, update_id=update_id)):
            if time.monotonic() > deadline:
                raise AssertionError(f"update {update_id} was not applied within {timeout}s\n{self.log_tail()}")
            await asyncio.sleep(0.1)

    # --- the database -------------------------------------------------------------------------------

    async def sql(self, query: str, **params: Any) -> Sequence[tuple[Any, ...]]:
        """Rows from the cluster's PostgreSQL (`:name` parameters), read beside the running workers."""
        if self._engine is None:
            self._engine = create_async_engine(self.database_url, pool_size=2)
        async with self._engine.connect() as conn:
            result = await conn.execute(text(query), params)
            return [tuple(row) for row in result.fetchall()] if result.returns_rows else []
