"""The Mini App over HTTP: its page and its JSON API under /app/ (thin: check the caller, call the service, render).

Every API request carries Telegram's initData (`Authorization: tma <initData>`); it is checked with the bot
token and its age before anything is read or written, and the user it names is the only one whose sheet
and checklist the request touches (no request names a user). The log says ids and outcomes, never content.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import pick_locale, render
from bot.messaging import locale_of
from bot.pipeline.middlewares import TRANSIENT_PAUSE, TRANSIENT_TRIES, is_transient
from bot.rule_book import RuleBook, TeacherSets
from bot.settings import Settings
from features.checklist.callbacks import item_link_payload
from features.miniapp import views
from features.miniapp.auth import Caller, Unauthorized, caller_of, unverified_language
from features.miniapp.service import MiniAppService, NotAvailable
from scoring.i18n import N_, Phrase
from scoring.sheets.evaluate import AnswerError

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
PREFIX = "/app"
ANSWER_FIELDS = ("sheet", "criterion", "answer")
MAX_BODY = 16 * 1024  # one criterion's answer; the page never sends more

EXPIRED = N_("The form has expired or was not opened from Telegram. Close it and open it again from the chat.")
NOT_JSON = N_("The request is not valid JSON.")
TOO_LARGE = N_("The request is too large.")
BAD_FIELDS = N_("The request must be a JSON object with exactly these fields: {fields}.")
BAD_ID = N_("'{field}' must be a short text.")
TRY_AGAIN = N_("Sorry, something went wrong on our side. What you saved is kept; please try again.")

Work = Callable[[MiniAppService, str], Awaitable[dict[str, Any]]]


class Failed(Exception):
    """An answer other than 200: its status, a code for the page and the message to show."""

    def __init__(self, status: int, code: str, message: Phrase) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message
        self.locale: str | None = None  # her language, once known


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(name)  # NaN and Infinity are not JSON


def parse_answer_body(raw: bytes) -> tuple[str, str, object]:
    """(sheet, criterion, answer) of a save request; raises Failed(400) for anything else."""
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Failed(400, "bad_json", Phrase(NOT_JSON)) from error
    if not isinstance(body, dict) or set(body) != set(ANSWER_FIELDS):
        raise Failed(400, "bad_fields", Phrase(BAD_FIELDS, {"fields": ", ".join(ANSWER_FIELDS)}))
    for field in ("sheet", "criterion"):
        if not isinstance(body[field], str) or not 0 < len(body[field]) <= 40:
            raise Failed(400, "bad_fields", Phrase(BAD_ID, {"field": field}))
    return body["sheet"], body["criterion"], body["answer"]


class MiniApp:
    """The page and API handlers, over the application's sessions, settings, rule sets and catalogues."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings, rule_book: RuleBook,
                 i18n: I18n, bot: Bot) -> None:
        self.sessions, self.settings, self.rule_book, self.i18n, self.bot = sessions, settings, rule_book, i18n, bot
        self.max_age = timedelta(seconds=settings.webapp_auth_max_age)

    # --- the page -----------------------------------------------------------------------------------

    async def page(self, _request: web.Request) -> web.Response:
        script = html.escape(self.settings.webapp_script_url, quote=True)
        text = (STATIC / "index.html").read_text(encoding="utf-8").replace("{{TELEGRAM_WEB_APP_JS}}", script)
        return web.Response(text=text, content_type="text/html", headers=self._page_headers())

    def _page_headers(self) -> dict[str, str]:
        parts = urlsplit(self.settings.webapp_script_url)
        script_origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        policy = (f"default-src 'self'; script-src 'self' {script_origin}; style-src 'self' 'unsafe-inline'; "
                  "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'")
        return {"Content-Security-Policy": policy, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer"}

    @staticmethod
    async def to_page(_request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect(f"{PREFIX}/")

    @staticmethod
    def asset(name: str, content_type: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(_request: web.Request) -> web.Response:
            return web.Response(text=(STATIC / name).read_text(encoding="utf-8"), content_type=content_type,
                                headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
        return serve

    # --- the API ------------------------------------------------------------------------------------

    async def get_sheet(self, request: web.Request) -> web.Response:
        requested = request.query.get("sheet")

        async def work(service: MiniAppService, locale: str) -> dict[str, Any]:
            return views.sheet_json(await service.open(requested), locale)
        return await self._respond(request, work)

    async def save_answer(self, request: web.Request) -> web.Response:
        try:
            caller = self._caller(request)  # before the body is even read
        except Failed as refused:
            return self._failure(refused, unverified_language(request.headers.get("Authorization")))
        try:
            raw = await request.read()  # at most the server's client_max_size
        except web.HTTPRequestEntityTooLarge:
            raw = b""

        async def work(service: MiniAppService, locale: str) -> dict[str, Any]:
            if not raw or len(raw) > MAX_BODY:
                raise Failed(400, "too_large" if raw else "bad_json", Phrase(TOO_LARGE if raw else NOT_JSON))
            sheet_id, criterion_id, answer = parse_answer_body(raw)
            form = await service.save(sheet_id, criterion_id, answer)
            log.info("Mini App: user %s saved criterion %s of sheet %s", caller.user_id, criterion_id, sheet_id)
            return views.saved_json(form, criterion_id)
        return await self._respond(request, work, caller)

    async def get_checklist(self, request: web.Request) -> web.Response:
        async def work(service: MiniAppService, locale: str) -> dict[str, Any]:
            checklist, files = await service.checklist()
            username = (await self.bot.me()).username or ""
            links = {s.item.id: f"https://t.me/{username}?start={item_link_payload(s.item.id)}"
                     for s in checklist.states}
            return views.checklist_json(checklist, files, links, locale)
        return await self._respond(request, work)

    # --- one request: its caller, its transaction, its answer ---------------------------------------

    def _caller(self, request: web.Request) -> Caller:
        try:
            return caller_of(request.headers.get("Authorization"), self.settings.token, self.max_age)
        except Unauthorized as refused:
            log.warning("Mini App request refused: %s", refused.reason)
            raise Failed(401, "unauthorized", Phrase(EXPIRED)) from refused

    async def _respond(self, request: web.Request, work: Work, caller: Caller | None = None) -> web.Response:
        if caller is None:
            try:
                caller = self._caller(request)
            except Failed as refused:
                return self._failure(refused, unverified_language(request.headers.get("Authorization")))
        pause = TRANSIENT_PAUSE
        for attempt in range(1, TRANSIENT_TRIES + 1):
            try:
                return web.json_response(await self._once(caller, work), headers={"Cache-Control": "no-store"})
            except Failed as failed:
                return self._failure(failed, caller.language_code)
            except Exception as error:
                if is_transient(error) and attempt < TRANSIENT_TRIES:
                    await asyncio.sleep(pause)
                    pause *= 2
                    continue
                log.error("Mini App request of user %s failed: %s", caller.user_id, type(error).__name__,
                          exc_info=(type(error), error, error.__traceback__))
                return self._failure(Failed(500, "server_error", Phrase(TRY_AGAIN)), caller.language_code)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    async def _once(self, caller: Caller, work: Work) -> dict[str, Any]:
        async with self.sessions() as session:
            locale = await locale_of(session, caller.user_id, self._fallback_locale(caller.language_code))
            await self.rule_book.refresh(session)
            ruleset = await TeacherSets(self.rule_book, self.settings.timezone, _now).of(session, caller.user_id)
            with self._language(locale):
                try:
                    body = await work(MiniAppService(session, ruleset, caller.user_id), locale)
                except Failed as failed:
                    failed.locale = locale
                    raise
                except NotAvailable as unavailable:
                    raise _in(locale, Failed(409, "not_available", unavailable.message)) from unavailable
                except AnswerError as refused:
                    raise _in(locale, Failed(400, "bad_answer", refused.message)) from refused
            await session.commit()
        return body

    def _fallback_locale(self, language_code: str | None) -> str:
        return pick_locale(None, language_code, self.settings.default_locale)

    @contextmanager
    def _language(self, locale: str) -> Iterator[None]:
        with self.i18n.context(), self.i18n.use_locale(locale):
            yield

    def _failure(self, failed: Failed, language: str | None) -> web.Response:
        """The refusal as JSON, its message in her language (or the one her Telegram claims, before she is known)."""
        locale = failed.locale or self._fallback_locale(language)
        with self._language(locale):
            body = {"error": failed.code, "message": render(failed.message)}
        return web.json_response(body, status=failed.status, headers={"Cache-Control": "no-store"})


def _in(locale: str, failed: Failed) -> Failed:
    failed.locale = locale
    return failed


def _now() -> datetime:
    return datetime.now(UTC)


def routes(mini_app: MiniApp) -> list[web.RouteDef]:
    return [
        web.get(PREFIX, mini_app.to_page),
        web.get(f"{PREFIX}/", mini_app.page),
        web.get(f"{PREFIX}/static/app.js", mini_app.asset("app.js", "text/javascript")),
        web.get(f"{PREFIX}/static/app.css", mini_app.asset("app.css", "text/css")),
        web.get(f"{PREFIX}/api/sheet", mini_app.get_sheet),
        web.post(f"{PREFIX}/api/sheet/answer", mini_app.save_answer),
        web.get(f"{PREFIX}/api/checklist", mini_app.get_checklist),
    ]
