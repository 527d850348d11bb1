"""The webhook endpoint: an update is answered 200 once it is stored, and handled after (bot/pipeline/inbox.py).

Telegram re-sends an update it got no 200 for; a stored one is never applied twice, so answering only
after the commit is safe both ways. A body that is not a Telegram update gets 400, a wrong secret 401,
a database that cannot store it 503 (Telegram tries again later).
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.pipeline.inbox import UpdateRunner

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookEndpoint:
    def __init__(self, runner: UpdateRunner, bot: Bot, secret: str | None):
        self.runner = runner
        self.bot = bot
        self.secret = secret

    def register(self, app: web.Application, path: str) -> None:
        app.router.add_post(path, self.handle)

    def _authorised(self, request: web.Request) -> bool:
        if self.secret is None:
            return True
        return hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self.secret)

    async def _update(self, request: web.Request) -> Update | None:
        try:
            payload: Any = await request.json()
            if not isinstance(payload, dict):
                return None
            return Update.model_validate(payload, context={"bot": self.bot})
        except (ValueError, ValidationError):
            return None

    async def handle(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"ok": False, "description": "wrong secret token"}, status=401)
        update = await self._update(request)
        if update is None:
            return web.json_response({"ok": False, "description": "the body is not a Telegram update"}, status=400)
        try:
            await self.runner.accept([update])
        except Exception as error:
            log.error("Webhook: update %s not stored: %s", update.update_id, type(error).__name__)
            return web.json_response({"ok": False, "description": "not stored; send it again"}, status=503)
        return web.json_response({})
