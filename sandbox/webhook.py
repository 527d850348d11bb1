"""Webhook delivery: POST each update to the bot's URL, in order, as Telegram does."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from sandbox.params import Upload
from sandbox.state import BotState, WebhookConfig

# A webhook reply may carry one method call; the server runs it with these raw parameters.
Executor = Callable[[str, str, dict[str, Any], dict[str, Upload]], Awaitable[None]]


class Webhooks:
    def __init__(self, http: Callable[[], Awaitable[aiohttp.ClientSession]], execute: Executor,
                 retry_delays: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0)) -> None:
        self._http = http
        self._execute = execute
        self._retry_delays = retry_delays

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
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if drop_pending:
            bot.drop_pending()

    async def close(self, bots: list[BotState]) -> None:
        for bot in bots:
            if bot.webhook_task is not None:
                bot.webhook_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await bot.webhook_task
                bot.webhook_task = None

    async def _deliver(self, bot: BotState) -> None:
        failures = 0
        while bot.webhook is not None:
            if not bot.pending:
                await bot.updates_signal.wait(30.0)
                continue
            config = bot.webhook
            update = bot.pending[0]
            headers = {"Content-Type": "application/json"}
            if config.secret_token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = config.secret_token
            try:
                session = await self._http()
                async with session.post(config.url, data=json.dumps(update), headers=headers,
                                        timeout=aiohttp.ClientTimeout(total=60)) as response:
                    if not 200 <= response.status < 300:
                        raise _DeliveryError(f"Wrong response from the webhook: {response.status} "
                                             f"{response.reason}")
                    reply = await _reply_call(response)
            except (aiohttp.ClientError, TimeoutError, _DeliveryError) as error:
                config.last_error_date = int(time.time())
                config.last_error_message = str(error) or type(error).__name__
                delay = self._retry_delays[min(failures, len(self._retry_delays) - 1)]
                failures += 1
                await asyncio.sleep(delay)
                continue
            failures = 0
            # By identity: a re-delivery queued meanwhile may stand before it, with the same update_id.
            bot.pending = [u for u in bot.pending if u is not update]
            bot.handed_over([update])
            bot.confirmed([update])
            if reply is not None:
                method, params, files = reply
                await self._execute(bot.token, method, params, files)


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
