"""Webhook delivery as Telegram does it: up to the webhook's `max_connections` POSTs at once, one chat's
updates one at a time and in order, and an update that got no 2xx (an error status, a timeout, a dropped
connection) POSTed again after a backoff — behind a balancer, possibly to another worker."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.params import Upload
from sandbox.state import BotState, WebhookConfig, update_chat

# A webhook reply may carry one method call; the server runs it with these raw parameters.
Executor = Callable[[str, str, dict[str, Any], dict[str, Upload]], Awaitable[None]]
# How long one POST may take before it counts as failed (and is tried again).
POST_TIMEOUT = 60.0


@dataclass
class _Retry:
    update: dict[str, Any]
    failures: int
    due: float  # time.monotonic() of the next attempt


@dataclass
class _Deliveries:
    """One bot's webhook deliveries: the POSTs in flight (update identity → task) and the updates waiting
    out a backoff."""

    in_flight: dict[int, tuple[dict[str, Any], asyncio.Task[None]]] = field(default_factory=dict)
    retries: dict[int, _Retry] = field(default_factory=dict)

    def busy_chats(self) -> set[object]:
        return {_chat_key(update) for update, _ in self.in_flight.values()}

    def retry_of(self, update: dict[str, Any]) -> _Retry | None:
        retry = self.retries.get(id(update))
        return retry if retry is not None and retry.update is update else None


def _chat_key(update: dict[str, Any]) -> object:
    chat = update_chat(update)
    # An update of no chat waits for nothing but its own earlier attempt.
    return ("update", id(update)) if chat is None else chat


class Webhooks:
    def __init__(self, http: Callable[[], Awaitable[aiohttp.ClientSession]], execute: Executor,
                 retry_delays: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0), timeout: float = POST_TIMEOUT) -> None:
        self._http = http
        self._execute = execute
        self._retry_delays = retry_delays
        self.timeout = timeout
        self._deliveries: dict[str, _Deliveries] = {}

    async def start(self, bot: BotState, *, url: str, secret_token: str | None, max_connections: int,
                    ip_address: str | None) -> None:
        bot.webhook = WebhookConfig(url, secret_token, max_connections, ip_address)
        # A long poll waiting on this bot must fail with 409 now, as on Telegram.
        bot.updates_signal.fire()
        if bot.webhook_task is None or bot.webhook_task.done():
            bot.webhook_task = asyncio.create_task(self._deliver(bot), name=f"webhook-{bot.id}")

    async def stop(self, bot: BotState, *, drop_pending: bool) -> None:
        bot.webhook = None
        task, bot.webhook_task = bot.webhook_task, None
        deliveries = self._deliveries.pop(bot.token, None)
        tasks = [] if task is None else [task]
        if deliveries is not None:
            tasks += [posting for _, posting in deliveries.in_flight.values()]
        # A webhook reply that deletes the webhook runs in one of these tasks: it finishes by itself.
        tasks = [t for t in tasks if t is not asyncio.current_task()]
        for each in tasks:
            each.cancel()
        for each in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await each
        if drop_pending:
            bot.drop_pending()

    async def close(self, bots: list[BotState]) -> None:
        for bot in bots:
            if bot.webhook_task is not None or bot.token in self._deliveries:
                config = bot.webhook
                await self.stop(bot, drop_pending=False)
                bot.webhook = config

    def in_flight(self, bot: BotState) -> int:
        """How many of the bot's updates are being POSTed right now."""
        deliveries = self._deliveries.get(bot.token)
        return 0 if deliveries is None else len(deliveries.in_flight)

    async def _deliver(self, bot: BotState) -> None:
        deliveries = self._deliveries.setdefault(bot.token, _Deliveries())
        while bot.webhook is not None:
            next_due = self._dispatch(bot, bot.webhook, deliveries)
            wait = 30.0 if next_due is None else max(0.0, next_due - time.monotonic())
            await bot.updates_signal.wait(min(wait, 30.0) or 0.001)

    def _dispatch(self, bot: BotState, config: WebhookConfig, deliveries: _Deliveries) -> float | None:
        """Start a POST for each chat's first pending update that may go now; returns when the earliest
        update waiting out a backoff is due."""
        now = time.monotonic()
        passed = deliveries.busy_chats()
        next_due: float | None = None
        for update in bot.pending:
            if len(deliveries.in_flight) >= config.max_connections:
                break
            key = _chat_key(update)
            if key in passed:
                continue  # the chat's earlier update is in flight or waiting: this one waits behind it
            passed.add(key)
            retry = deliveries.retry_of(update)
            if retry is not None and retry.due > now:
                next_due = retry.due if next_due is None else min(next_due, retry.due)
                continue
            task = asyncio.create_task(self._post(bot, update, deliveries), name=f"webhook-{bot.id}-post")
            deliveries.in_flight[id(update)] = (update, task)
        return next_due

    async def _post(self, bot: BotState, update: dict[str, Any], deliveries: _Deliveries) -> None:
        try:
            config = bot.webhook
            if config is None:
                return
            try:
                reply = await self._send(config, update)
            except (aiohttp.ClientError, TimeoutError, _DeliveryError) as error:
                self._failed(config, update, deliveries, error)
                return
            deliveries.retries.pop(id(update), None)
            # By identity: a re-delivery queued meanwhile may stand beside it, with the same update_id.
            bot.pending = [u for u in bot.pending if u is not update]
            bot.handed_over([update])
            bot.confirmed([update])
            # The reply's call runs before the chat's next update goes out, as one connection would order them.
            if reply is not None:
                method, params, files = reply
                await self._execute(bot.token, method, params, files)
        finally:
            deliveries.in_flight.pop(id(update), None)
            bot.updates_signal.fire()

    async def _send(self, config: WebhookConfig, update: dict[str, Any]
                    ) -> tuple[str, dict[str, Any], dict[str, Upload]] | None:
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = config.secret_token
        session = await self._http()
        async with session.post(config.url, data=json.dumps(update), headers=headers,
                                timeout=aiohttp.ClientTimeout(total=self.timeout)) as response:
            if not 200 <= response.status < 300:
                raise _DeliveryError(f"Wrong response from the webhook: {response.status} {response.reason}")
            return await _reply_call(response)

    def _failed(self, config: WebhookConfig, update: dict[str, Any], deliveries: _Deliveries,
                error: Exception) -> None:
        config.last_error_date = int(time.time())
        config.last_error_message = str(error) or type(error).__name__
        retry = deliveries.retry_of(update)
        failures = 0 if retry is None else retry.failures
        delay = self._retry_delays[min(failures, len(self._retry_delays) - 1)]
        deliveries.retries[id(update)] = _Retry(update, failures + 1, time.monotonic() + delay)


class _DeliveryError(Exception):
    pass


async def _reply_call(response: aiohttp.ClientResponse) -> tuple[str, dict[str, Any], dict[str, Upload]] | None:
    """The method call in a webhook reply body (JSON or multipart, as aiogram sends it), if any."""
    content_type = response.content_type
    params: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    if content_type == "application/json":
        body = await response.read()
        if not body.strip():
            return None
        try:
            loaded = json.loads(body)
        except ValueError:
            return None
        if not isinstance(loaded, dict):
            return None
        params = loaded
    elif content_type == "multipart/form-data":
        reader = aiohttp.MultipartReader.from_response(response)
        async for part in reader:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            data = await part.read()
            if part.filename is not None:
                files[part.name] = Upload(part.filename, bytes(data), part.headers.get("Content-Type"))
            else:
                params[part.name] = bytes(data).decode()
    else:
        return None
    method = params.pop("method", None)
    if not isinstance(method, str) or not method:
        return None
    return method, params, files
