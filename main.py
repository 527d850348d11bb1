"""Entry point: `python main.py` runs the bot (long polling, or webhook when WEBHOOK_URL is set)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from datetime import timedelta

from aiogram import Bot
from aiohttp import web
from pythonjsonlogger.json import JsonFormatter

from app.background import start_background
from app.commands import register_commands
from app.factory import Application, create_bot, open_application
from app.web import PageServer, create_web_app
from bot.pipeline.inbox import UpdateRunner
from bot.pipeline.polling import DurablePolling
from bot.pipeline.webhook import WebhookEndpoint
from bot.settings import Settings, get_settings
from features.verification.keys import signing_key
from storage.migrate import upgrade

log = logging.getLogger("attestation-bot")

NO_TOKEN_HELP = """\
BOT_TOKEN is not set, so the bot cannot talk to Telegram. To run it against Telegram, ask @BotFather \
in Telegram for a token (/newbot), put it in a file named .env next to main.py \
(BOT_TOKEN=123456:ABC-your-token) or export BOT_TOKEN=... in the shell, and run `make run` again; \
to use another Bot API server, also set BOT_API_URL (see README.md).
"""

NO_SECRET_HELP = """\
WEBHOOK_URL is set but WEBHOOK_SECRET is not: anyone who learns the URL could send the bot updates. \
Set WEBHOOK_SECRET to a long random string (Telegram sends it back with every update), or set \
WEBHOOK_ALLOW_NO_SECRET=true if a proxy in front of the bot checks the callers itself.
"""

SANDBOX_NOTE = """\
Meanwhile, starting the local sandbox: the same bot against a Telegram stand-in on this computer, \
with a chat page in the browser (no token or internet needed). Set SANDBOX=0 or pass --no-sandbox \
to only print this message.
"""


async def prepare(settings: Settings) -> tuple[Application, Bot]:
    if settings.migrate_on_start:
        await upgrade(settings.database_url)
    signing_key(settings.signing_key_path)  # made on first start, so its public key can be published at once
    app = await open_application(settings)
    bot = create_bot(settings)
    return app, bot


async def run_polling(settings: Settings) -> None:
    app, bot = await prepare(settings)
    background = start_background(app, bot)
    pages = PageServer(app, bot)
    polling = DurablePolling(UpdateRunner(app.dispatcher, bot, app.sessions), bot,
                             allowed_updates=app.dispatcher.resolve_used_update_types())
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, polling.stop)
    try:
        await pages.start()
        await register_commands(bot, app.i18n)
        await bot.delete_webhook(drop_pending_updates=False)
        log.info("Long polling %s", settings.bot_api_url)
        await polling.run()
    finally:
        await pages.stop()
        await background.stop()
        await bot.session.close()
        await app.close()


def webhook_secret(settings: Settings) -> str | None:
    """The secret Telegram must send; without one, webhook mode starts only when explicitly allowed."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    if not settings.webhook_allow_no_secret:
        raise SystemExit(NO_SECRET_HELP)
    log.warning("Webhook without WEBHOOK_SECRET: anyone who learns the URL can send the bot updates")
    return None


def run_webhook(settings: Settings) -> None:
    secret = webhook_secret(settings)
    app, bot = asyncio.run(prepare(settings))
    runner = UpdateRunner(app.dispatcher, bot, app.sessions)
    background = None

    async def on_startup(_: web.Application) -> None:
        nonlocal background
        background = start_background(app, bot)
        await runner.replay()
        runner.start_sweeping(timedelta(seconds=settings.inbox_orphan_seconds))
        await register_commands(bot, app.i18n)
        assert settings.webhook_url is not None
        await bot.set_webhook(settings.webhook_url, secret_token=secret, drop_pending_updates=False,
                              allowed_updates=app.dispatcher.resolve_used_update_types())

    async def on_shutdown(_: web.Application) -> None:
        await runner.drain()
        if background is not None:
            await background.stop()
        await bot.session.close()
        await app.close()

    web_app = create_web_app(app, bot)
    WebhookEndpoint(runner, bot, secret).register(web_app, settings.webhook_path)
    web_app.on_startup.append(on_startup)
    web_app.on_shutdown.append(on_shutdown)
    # run_app turns SIGINT/SIGTERM into a graceful shutdown.
    web.run_app(web_app, host=settings.webhook_host, port=settings.webhook_port)


def configure_logging(settings: Settings) -> None:
    """Lines for a person (LOG_FORMAT=text) or one JSON object per line for a log collector (json)."""
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                           rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)


def sandbox_allowed(no_sandbox_flag: bool) -> bool:
    # The sandbox sets SANDBOX=0 for the bot it starts, so a bot without a token never starts another one.
    return not no_sandbox_flag and os.environ.get("SANDBOX", "").strip().lower() not in ("0", "false", "no", "off")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the attestation bot.")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="without BOT_TOKEN, only explain how to set one instead of starting the sandbox")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings)
    if not settings.token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        if not sandbox_allowed(args.no_sandbox):
            return 2
        print(SANDBOX_NOTE, file=sys.stderr, flush=True)
        from sandbox.run import main as run_sandbox

        return run_sandbox([])
    if settings.use_webhook:
        run_webhook(settings)
    else:
        asyncio.run(run_polling(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
