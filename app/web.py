"""The bot's own web server: the webhook (in webhook mode), health checks and the pages people open.

Webhook mode serves everything from the webhook server (WEBHOOK_HOST:WEBHOOK_PORT); in polling mode a small
server of the same routes listens on WEB_HOST:WEB_PORT when WEB_PORT is set. A feature that serves pages adds
its routes in `page_routes`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiogram import Bot
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from app.factory import Application
from bot.pipeline.metrics import render_metrics
from features.miniapp import api as miniapp
from features.verification.web import VerificationPages

log = logging.getLogger(__name__)


async def _healthz(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def health_routes(application: Application) -> list[web.RouteDef]:
    """/healthz: the process answers; /readyz: it can reach its database (a balancer sends it updates);
    /metrics: Prometheus."""

    async def readyz(_: web.Request) -> web.Response:
        try:
            async with application.sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception as error:  # any failure to reach the database means "not ready"
            log.warning("Not ready: the database did not answer (%s)", type(error).__name__)
            return web.json_response({"ok": False, "database": False}, status=503)
        return web.json_response({"ok": True, "database": True})

    async def metrics(_: web.Request) -> web.Response:
        body = await render_metrics(application.sessions)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [web.get("/healthz", _healthz), web.get("/readyz", readyz), web.get("/metrics", metrics)]


def page_routes(application: Application, bot: Bot) -> Iterable[web.RouteDef]:
    """The routes of every feature's pages and their JSON APIs."""
    return [
        *VerificationPages(application.settings, application.sessions, application.i18n).routes(),
        *miniapp.routes(miniapp.MiniApp(application.sessions, application.settings, application.rule_book,
                                        application.i18n, bot)),  # /app/: the sheet as a form, the checklist
    ]


def create_web_app(application: Application, bot: Bot) -> web.Application:
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app.add_routes(health_routes(application))
    web_app.add_routes(list(page_routes(application, bot)))
    return web_app


class PageServer:
    """The web server of a polling bot; nothing runs when WEB_PORT is unset."""

    def __init__(self, application: Application, bot: Bot) -> None:
        self.application = application
        self.bot = bot
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        settings = self.application.settings
        if settings.web_port is None:
            return
        self._runner = web.AppRunner(create_web_app(self.application, self.bot))
        await self._runner.setup()
        await web.TCPSite(self._runner, settings.web_host, settings.web_port).start()
        log.info("Web server on %s:%s", settings.web_host, settings.web_port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
