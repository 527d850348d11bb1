"""The HTTP face of the sandbox: Bot API routes, file downloads and the JSON control API."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import mimetypes
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.errors import ApiError, not_found
from sandbox.faults import BAD_GATEWAY_HTML, Fault, FaultKind, Faults, concerned_chat
from sandbox.files import FileStore, document_json
from sandbox.methods import METHODS, Call, canonical_name
from sandbox.page import add_page_routes
from sandbox.params import Params, Upload, normalize
from sandbox.state import BotState, RateLimit, RecordedRequest, Signal, SimUser, World
from sandbox.webapp import Launch, launch, send_web_app_data
from sandbox.webhook import Webhooks

log = logging.getLogger(__name__)

# Telegram accepts bot uploads up to 50 MB; leave room for the multipart envelope.
MAX_REQUEST_SIZE = 51 * 1024 * 1024


def _json(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status)


def _describe(value: Any) -> Any:
    if isinstance(value, Upload):
        return {"filename": value.filename, "size": len(value.content), "content_type": value.content_type}
    return value


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class BotAPIServer:
    """A Bot API server for any number of bots (one per token) plus simulated users.

    Use `await server.start()` (or `async with`) and point aiogram at `server.url`; drive users
    with the control methods below or the same operations over HTTP under /sandbox/api/. Faults
    (`add_fault`, sandbox/faults.py) make it answer as a misbehaving Telegram; `redeliver` and
    `deliver_next_twice` deliver an update twice.
    """

    def __init__(
        self, data_dir: str | Path | None = None, *, token_ok: Callable[[str], bool] | None = None,
        rate_limit: RateLimit | None = None, default_token: str | None = None,
    ) -> None:
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="botapi-sandbox-")
            data_dir = self._tempdir.name
        self.data_dir = Path(data_dir)
        self.token_ok = token_ok
        self.default_token = default_token
        self.world = World(FileStore(self.data_dir / "files"), rate_limit, people=self.data_dir / "people.jsonl")
        self._http: aiohttp.ClientSession | None = None
        self.webhooks = Webhooks(self._client, self._execute_reply)
        self.app = self._build_app()
        self.faults = Faults()
        self.runner: web.AppRunner | None = None
        self.url = ""
        self._closing = False
        self._closed = Signal()  # wakes delayed answers, so closing does not wait them out

    # --- lifecycle ------------------------------------------------------------------------------

    @property
    def rate_limit(self) -> RateLimit | None:
        return self.world.rate_limit

    @rate_limit.setter
    def rate_limit(self, value: RateLimit | None) -> None:
        self.world.rate_limit = value

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on host:port (0 picks a free port); returns the base URL for BOT_API_URL."""
        self._closing = False
        self.runner = web.AppRunner(self.app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port)
        try:
            await site.start()
        except OSError:
            # A busy port: leave no half-started runner behind, so start() can be tried again.
            await self.runner.cleanup()
            self.runner = None
            raise
        bound_host, bound_port = self.runner.addresses[0][:2]
        self.url = f"http://{bound_host}:{bound_port}"
        return self.url

    async def close(self) -> None:
        await self.webhooks.close(list(self.world.bots.values()))
        self._closing = True
        self._closed.fire()
        for bot in self.world.bots.values():
            # Wake long polls so the runner can shut down without waiting out their timeouts.
            bot.poll_generation += 1
            bot.updates_signal.fire()
            # Likewise the chat pages' event polls.
            for chat in bot.chats.values():
                chat.signal.fire()
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    async def __aenter__(self) -> BotAPIServer:
        if self.runner is None:
            await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    # --- Bot API --------------------------------------------------------------------------------

    async def call(self, token: str, method: str, params: dict[str, Any] | None = None,
                   files: dict[str, Upload] | None = None) -> tuple[int, dict[str, Any]]:
        """Run one Bot API call as if it came over HTTP; returns (HTTP status, JSON body)."""
        name = canonical_name(method)
        if name is None:
            return 404, not_found().payload()
        raw = dict(params or {})
        return await self._run(self._record(token, name, raw), raw, files)

    def _record(self, token: str, name: str, raw: dict[str, Any]) -> RecordedRequest:
        record = RecordedRequest(token, name, {k: _describe(v) for k, v in raw.items()}, time.time())
        self.world.requests.append(record)
        self.world.requests_signal.fire()
        return record

    async def _run(self, record: RecordedRequest, raw: dict[str, Any],
                   files: dict[str, Upload] | None) -> tuple[int, dict[str, Any]]:
        token, name = record.token, record.method
        try:
            values = normalize(raw)
            record.params = {k: _describe(v) for k, v in values.items()}
            bot = self.world.bot(token)
            call = Call(self.world, bot, Params(values, files), self.webhooks, self._client)
            result = await METHODS[name](call)
        except ApiError as error:
            record.ok, record.error = False, error.description
            return error.code, error.payload()
        except Exception:
            log.exception("sandbox Bot API method %s failed", name)
            record.ok, record.error = False, "Internal Server Error"
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        record.ok = True
        return 200, {"ok": True, "result": result}

    async def _execute_reply(self, token: str, method: str, params: dict[str, Any],
                             files: dict[str, Upload]) -> None:
        status, body = await self.call(token, method, params, files)
        if status != 200:
            log.warning("webhook reply call %s failed: %s", method, body.get("description"))

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, Upload] = {}
        if request.method != "POST" or not request.body_exists:
            return raw, files
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                raw.update(body)
            return raw, files
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(value.filename, value.file.read(), value.content_type)
            else:
                raw[key] = value
        attached = {v[len("attach://"):] for v in raw.values() if isinstance(v, str) and v.startswith("attach://")}
        for key, upload in files.items():
            if key not in attached:
                raw[key] = upload
        return raw, files

    async def _api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if self.token_ok is not None and not self.token_ok(token):
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        if canonical_name(request.match_info["method"]) is None:
            return _json(not_found().payload(), 404)
        try:
            raw, files = await self._read_params(request)
        except web.HTTPRequestEntityTooLarge:
            return _json({"ok": False, "error_code": 413, "description": "Request Entity Too Large"}, 413)
        except ValueError:
            return _json({"ok": False, "error_code": 400, "description": "Bad Request: can't parse JSON"}, 400)
        name = canonical_name(request.match_info["method"]) or ""
        fault = self.faults.take(token, name, concerned_chat(raw, self._callback_user))
        if fault is not None:
            return await self._faulted(request, fault, self._record(token, name, raw), raw, files)
        status, body = await self.call(token, name, raw, files)
        return _json(body, status)

    def _callback_user(self, query_id: str) -> int | None:
        record = self.world.callbacks.get(query_id)
        return record.user_id if record is not None else None

    async def _faulted(self, request: web.Request, fault: Fault, record: RecordedRequest, raw: dict[str, Any],
                       files: dict[str, Upload]) -> web.Response:
        """Answer one call as the fault says, running it first when the fault lets it take effect."""
        record.fault = str(fault.kind)
        with contextlib.suppress(ApiError):
            record.params = {k: _describe(v) for k, v in normalize(raw).items()}
        if fault.kind is FaultKind.DELAY and not self._closing:
            await self._closed.wait(fault.seconds)
        if not fault.kind.takes_effect:
            return self._refused(fault, record)
        status, body = await self._run(record, raw, files)
        if fault.kind is FaultKind.MALFORMED_JSON:
            text = json.dumps(body, ensure_ascii=False)
            return web.Response(status=200, text=text[: len(text) // 2], content_type="application/json")
        if fault.kind is FaultKind.LOST_ANSWER:
            if fault.disconnect and request.transport is not None:
                request.transport.abort()
                return web.Response()
            return _json(ApiError(500, "Internal Server Error").payload(), 500)
        return _json(body, status)

    @staticmethod
    def _refused(fault: Fault, record: RecordedRequest) -> web.Response:
        """A fault under which the call does not happen: the answer Telegram (or its proxy) gives."""
        record.ok = False
        if fault.kind is FaultKind.BAD_GATEWAY:
            record.error = "502 Bad Gateway"
            return web.Response(status=502, text=BAD_GATEWAY_HTML, content_type="text/html")
        error = fault.refusal()
        record.error = error.description
        return _json(error.payload(), error.code)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if self.token_ok is not None and not self.token_ok(token):
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        record = self.world.files.by_path(request.match_info["file_path"])
        if record is None:
            return _json(not_found().payload(), 404)
        return web.FileResponse(self.world.files.blob_path(record),
                                headers={"Content-Type": record.mime_type or "application/octet-stream"})

    async def _not_found(self, request: web.Request) -> web.Response:
        return _json(not_found().payload(), 404)

    # --- control API (Python) -------------------------------------------------------------------

    def bot(self, token: str | None = None) -> BotState:
        """The bot a control call acts for: `token`, else the default token, else the only bot."""
        if token is None:
            token = self.default_token
        if token is None:
            if len(self.world.bots) != 1:
                raise LookupError("several or no bots are known to the sandbox; pass token=")
            return next(iter(self.world.bots.values()))
        return self.world.bot(token)

    def register_bot(self, token: str, *, first_name: str | None = None, username: str | None = None) -> BotState:
        bot = self.world.bot(token)
        if first_name:
            bot.first_name = first_name
        if username:
            bot.username = username
        return bot

    def create_user(
        self, first_name: str = "Test", *, user_id: int | None = None, last_name: str | None = None,
        username: str | None = None, language_code: str | None = "ru", phone_number: str | None = None,
    ) -> SimUser:
        return self.world.add_user(first_name, user_id=user_id, last_name=last_name, username=username,
                                   language_code=language_code, phone_number=phone_number)

    def users(self) -> list[SimUser]:
        return list(self.world.users.values())

    def set_blocked(self, user_id: int, blocked: bool = True, *, token: str | None = None) -> None:
        """Mark that the user blocked (or unblocked) the bot; the bot then gets 403 for this chat."""
        chat = self.world.chat(self.bot(token), user_id)
        self.world.mark_started(chat)
        chat.blocked = blocked

    def start_chat(self, user_id: int, *, token: str | None = None) -> None:
        """Record that the user pressed Start some time ago, so the bot may write to them first
        (seed data: people who used the bot before this run of the sandbox)."""
        self.world.mark_started(self.world.chat(self.bot(token), user_id))

    async def store_file(self, content: bytes, filename: str, mime_type: str | None = None, *,
                         file_id: str | None = None) -> dict[str, Any]:
        """Put a document in the file store without a chat message and return its Document JSON. With
        `file_id` it is known under that id, so ids kept in the bot's database work after a restart."""
        if not content:
            raise ValueError("file must be non-empty")
        stored_id, record = await self.world.files.add(content, kind="documents", file_name=filename,
                                                       mime_type=mime_type, file_id=file_id)
        return document_json(stored_id, record)

    async def send_text(self, user_id: int, text: str, *, reply_to: int | None = None,
                        token: str | None = None) -> dict[str, Any]:
        return self.world.user_text(self.bot(token), user_id, text, reply_to=reply_to).data

    async def send_contact(self, user_id: int, phone_number: str, *, first_name: str | None = None,
                           last_name: str | None = None, token: str | None = None) -> dict[str, Any]:
        """The user shares their own contact, as a request_contact button does."""
        return self.world.user_contact(self.bot(token), user_id, phone_number, first_name=first_name,
                                       last_name=last_name).data

    async def send_document(self, user_id: int, content: bytes, filename: str, mime_type: str | None = None, *,
                            caption: str | None = None, token: str | None = None) -> dict[str, Any]:
        stored = await self.world.user_file(self.bot(token), user_id, content, filename=filename,
                                            mime_type=mime_type, caption=caption)
        return stored.data

    async def send_photo(self, user_id: int, content: bytes, filename: str = "photo.jpg",
                         mime_type: str | None = "image/jpeg", *, caption: str | None = None,
                         token: str | None = None) -> dict[str, Any]:
        stored = await self.world.user_file(self.bot(token), user_id, content, filename=filename,
                                            mime_type=mime_type, caption=caption, as_photo=True)
        return stored.data

    async def press_button(self, user_id: int, message_id: int, callback_data: str, *,
                           token: str | None = None) -> str:
        """Press an inline button that exists on a bot message; returns the callback query id."""
        return self.world.user_callback(self.bot(token), user_id, message_id, callback_data).id

    async def send_callback(self, user_id: int, callback_data: str, *, message_id: int | None = None,
                            token: str | None = None) -> str:
        """A forged callback query: no check that such a button exists (for tampering tests)."""
        return self.world.user_callback(self.bot(token), user_id, message_id, callback_data, forged=True).id

    def open_web_app(self, user_id: int, url: str, *, source: str = "inline", message_id: int | None = None,
                     token: str | None = None) -> Launch:
        """The user presses a web_app button (`source`: inline on message `message_id`, keyboard, or menu):
        the Mini App's signed initData. KeyError if the user has no such button."""
        return launch(self.world, self.bot(token), user_id, source=source, url=url, message_id=message_id)

    async def send_web_app_data(self, user_id: int, data: str, button_text: str, *,
                                token: str | None = None) -> dict[str, Any]:
        """A Mini App opened from the reply keyboard button `button_text` calls sendData(data)."""
        return send_web_app_data(self.world, self.bot(token), user_id, data, button_text).data

    def commands_for(self, user_id: int, language_code: str | None = None, *,
                     token: str | None = None) -> list[dict[str, Any]]:
        """The command menu a user sees in the private chat, resolved by scope and language as Telegram does."""
        bot = self.bot(token)
        for scope in (f"chat:{user_id}", "all_private_chats", "default"):
            for language in (language_code or "", ""):
                commands = bot.commands.get((scope, language))
                if commands:
                    return list(commands)
        return []

    def history(self, user_id: int, *, token: str | None = None) -> list[dict[str, Any]]:
        """The chat as the user sees it: current text, markup, files and callback answers."""
        return self.world.history(self.bot(token), user_id)

    def reply_keyboard(self, user_id: int, *, token: str | None = None) -> dict[str, Any] | None:
        """The reply keyboard the user currently has open, if any."""
        return self.world.chat(self.bot(token), user_id).reply_keyboard

    async def wait_events(self, user_id: int, cursor: int = 0, timeout: float = 25.0, *,
                          token: str | None = None) -> tuple[list[dict[str, Any]], int]:
        """Chat events after `cursor` (waiting up to `timeout` for the first); returns (events, new cursor)."""
        chat = self.world.chat(self.bot(token), user_id)
        deadline = time.monotonic() + timeout
        while len(chat.events) <= cursor and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await chat.signal.wait(remaining)
        events = chat.events[cursor:]
        return events, cursor + len(events)

    async def wait_bot_message(self, user_id: int, *, after: int | None = None, timeout: float = 5.0,
                               token: str | None = None) -> dict[str, Any]:
        """The first bot message newer than `after` (default: the user's latest message); TimeoutError if none."""
        chat = self.world.chat(self.bot(token), user_id)
        if after is None:
            after = max((m.message_id for m in chat.messages.values() if not m.outgoing), default=0)
        deadline = time.monotonic() + timeout
        while True:
            for stored in chat.messages.values():
                if stored.outgoing and stored.message_id > after and not stored.deleted:
                    return self.world.message_view(stored)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no bot message after {after} in chat {user_id} within {timeout}s")
            await chat.signal.wait(remaining)

    def requests(self, method: str | None = None, *, token: str | None = None) -> list[RecordedRequest]:
        """Every Bot API call received so far (optionally one method's), oldest first."""
        wanted = canonical_name(method) or method if method else None
        return [r for r in self.world.requests
                if (wanted is None or r.method == wanted) and (token is None or r.token == token)]

    async def wait_request(self, method: str, *, count: int = 1, timeout: float = 5.0) -> list[RecordedRequest]:
        """Wait until `count` calls of `method` have been received."""
        deadline = time.monotonic() + timeout
        while len(found := self.requests(method)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{method} called {len(found)} times, expected {count}")
            await self.world.requests_signal.wait(remaining)
        return found

    def clear_requests(self) -> None:
        self.world.requests.clear()

    # --- faults and duplicate deliveries (sandbox/faults.py) -------------------------------------

    def add_fault(self, kind: FaultKind | str, *, method: str | None = None, chat_id: int | None = None,
                  times: int | None = 1, seconds: float | None = None, retry_after: int | None = None,
                  disconnect: bool = False, token: str | None = None) -> Fault:
        """Answer the next `times` matching calls (None: every one until cleared) with a fault.

        `method` None or "*" matches every method; `chat_id` the calls about that user's chat
        (chat_id, user_id, or the presser of the button a callback answer is for); `token` one bot.
        `seconds` is the delay's length, `retry_after` the 429's; `disconnect` makes a lost answer a
        dropped connection instead of a 500."""
        return self.faults.add(kind, method=method, chat_id=chat_id, times=times, seconds=seconds,
                               retry_after=retry_after, disconnect=disconnect, token=token)

    def fault_rules(self) -> list[Fault]:
        return self.faults.rules()

    def clear_faults(self, fault_id: int | None = None) -> int:
        """Remove one fault rule (KeyError if unknown) or all of them; returns how many."""
        return self.faults.clear(fault_id)

    def faulted(self, method: str | None = None, *, token: str | None = None) -> list[RecordedRequest]:
        """The calls a fault met (each attempt is one entry), oldest first."""
        return [r for r in self.requests(method, token=token) if r.fault is not None]

    def updates(self, *, token: str | None = None) -> list[dict[str, Any]]:
        """The bot's latest updates (up to state.RECENT_UPDATES), oldest first, as delivered."""
        return [dict(update) for update in self.bot(token).recent.values()]

    def deliveries(self, update_id: int, *, token: str | None = None) -> int:
        """How often the bot was handed this update: returned by getUpdates, or POSTed and answered 2xx."""
        return self.bot(token).deliveries[update_id]

    def redeliver(self, update_id: int, *, token: str | None = None) -> dict[str, Any]:
        """Deliver an update again with the same update_id, even if the bot has confirmed it: the next
        getUpdates returns it, or the webhook is POSTed it once more."""
        return self.bot(token).redeliver(update_id)

    def deliver_next_twice(self, count: int = 1, *, token: str | None = None) -> int:
        """Deliver each of the next `count` new updates twice: the second time once the bot has confirmed
        the first (getUpdates offset past it, or a 2xx webhook answer). Returns how many are now due."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError("count must be a whole number, at least 0")
        bot = self.bot(token)
        bot.duplicate_next = count
        return bot.duplicate_next

    def file_content(self, file_id: str) -> bytes:
        record = self.world.files.get(file_id)
        if record is None:
            raise KeyError(f"unknown file_id {file_id}")
        return self.world.files.read(record)

    # --- control API (HTTP) ---------------------------------------------------------------------

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_REQUEST_SIZE, middlewares=[self._control_errors])
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._download)
        api = "/sandbox/api"
        app.router.add_get(f"{api}/bots", self._h_bots)
        app.router.add_get(f"{api}/commands", self._h_commands)
        app.router.add_get(f"{api}/users", self._h_users)
        app.router.add_post(f"{api}/users", self._h_create_user)
        app.router.add_post(f"{api}/users/{{user_id}}/block", self._h_block)
        app.router.add_get(f"{api}/chats/{{user_id}}/history", self._h_history)
        app.router.add_get(f"{api}/chats/{{user_id}}/events", self._h_events)
        app.router.add_post(f"{api}/chats/{{user_id}}/messages", self._h_text)
        app.router.add_post(f"{api}/chats/{{user_id}}/contact", self._h_contact)
        app.router.add_post(f"{api}/chats/{{user_id}}/document", self._h_document)
        app.router.add_post(f"{api}/chats/{{user_id}}/photo", self._h_photo)
        app.router.add_post(f"{api}/chats/{{user_id}}/callback", self._h_callback)
        app.router.add_post(f"{api}/chats/{{user_id}}/webapp", self._h_web_app)
        app.router.add_post(f"{api}/chats/{{user_id}}/webapp-data", self._h_web_app_data)
        app.router.add_get(f"{api}/files/{{file_id}}", self._h_file)
        app.router.add_get(f"{api}/requests", self._h_requests)
        app.router.add_delete(f"{api}/requests", self._h_clear_requests)
        app.router.add_get(f"{api}/faults", self._h_faults)
        app.router.add_post(f"{api}/faults", self._h_add_fault)
        app.router.add_delete(f"{api}/faults", self._h_clear_faults)
        app.router.add_delete(f"{api}/faults/{{fault_id}}", self._h_clear_faults)
        app.router.add_get(f"{api}/updates", self._h_updates)
        app.router.add_post(f"{api}/updates/duplicate-next", self._h_duplicate_next)
        app.router.add_post(f"{api}/updates/{{update_id}}/redeliver", self._h_redeliver)
        add_page_routes(app)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        return app

    @web.middleware
    async def _control_errors(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/sandbox/api/"):
            response: web.StreamResponse = await handler(request)
            return response
        try:
            response = await handler(request)
            return response
        except ControlError as error:
            return _json({"ok": False, "error": str(error)}, error.status)
        except (KeyError, LookupError) as error:
            return _json({"ok": False, "error": str(error.args[0] if error.args else error)}, 404)
        except (ValueError, TypeError) as error:
            return _json({"ok": False, "error": str(error)}, 400)

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        if not request.body_exists:
            return {}
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ControlError("JSON object expected")
            return body
        form = await request.post()
        return dict(form)

    def _http_bot(self, request: web.Request, body: dict[str, Any]) -> str | None:
        selector = body.get("bot") or request.query.get("bot")
        if selector is None:
            return None
        for bot in self.world.bots.values():
            if str(bot.id) == str(selector) or bot.token == selector:
                return bot.token
        raise ControlError(f"unknown bot {selector}", 404)

    @staticmethod
    def _user_id(request: web.Request) -> int:
        try:
            return int(request.match_info["user_id"])
        except ValueError:
            raise ControlError("user id must be an integer") from None

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return _json({"ok": True, "result": result})

    async def _h_bots(self, request: web.Request) -> web.Response:
        return self._ok([bot.to_json() for bot in self.world.bots.values()])

    async def _h_commands(self, request: web.Request) -> web.Response:
        try:
            user_id = int(request.query["user_id"])
        except (KeyError, ValueError):
            raise ControlError("user_id must be an integer") from None
        return self._ok(self.commands_for(user_id, request.query.get("language_code"),
                                          token=self._http_bot(request, {})))

    async def _h_users(self, request: web.Request) -> web.Response:
        return self._ok([user.to_json() for user in self.users()])

    async def _h_create_user(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self.create_user(
            str(body.get("first_name") or "Test"),
            user_id=int(body["id"]) if body.get("id") is not None else None,
            last_name=body.get("last_name"), username=body.get("username"),
            language_code=body.get("language_code", "ru"), phone_number=body.get("phone_number"),
        )
        return self._ok(user.to_json())

    async def _h_block(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        self.set_blocked(self._user_id(request), bool(body.get("blocked", True)),
                         token=self._http_bot(request, body))
        return self._ok(True)

    async def _h_history(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        token = self._http_bot(request, {})
        chat = self.world.chat(self.bot(token), user_id)
        return self._ok({"messages": self.history(user_id, token=token), "keyboard": chat.reply_keyboard,
                         "cursor": len(chat.events), "blocked": chat.blocked, "menu_button": chat.bot.menu_button})

    async def _h_events(self, request: web.Request) -> web.Response:
        try:
            cursor = int(request.query.get("cursor", "0"))
            timeout = min(float(request.query.get("timeout", "25")), 60.0)
        except ValueError:
            raise ControlError("cursor and timeout must be numbers") from None
        user_id = self._user_id(request)
        token = self._http_bot(request, {})
        events, new_cursor = await self.wait_events(user_id, cursor, timeout, token=token)
        chat = self.world.chat(self.bot(token), user_id)
        return self._ok({"events": events, "cursor": new_cursor, "keyboard": chat.reply_keyboard,
                         "menu_button": chat.bot.menu_button})

    async def _h_text(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        text = body.get("text")
        if not isinstance(text, str) or not text:
            raise ControlError("text is required")
        reply_to = int(body["reply_to"]) if body.get("reply_to") is not None else None
        message = await self.send_text(self._user_id(request), text, reply_to=reply_to,
                                       token=self._http_bot(request, body))
        return self._ok(message)

    async def _h_contact(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        phone = body.get("phone_number")
        if not isinstance(phone, str) or not phone:
            raise ControlError("phone_number is required")
        message = await self.send_contact(self._user_id(request), phone, first_name=body.get("first_name"),
                                          last_name=body.get("last_name"), token=self._http_bot(request, body))
        return self._ok(message)

    async def _upload(self, request: web.Request) -> tuple[dict[str, Any], bytes, str, str | None]:
        """A file from multipart (field "file") or JSON (content_base64, filename, mime_type)."""
        body = await self._body(request)
        field = body.get("file")
        if isinstance(field, web.FileField):
            return body, field.file.read(), field.filename, body.get("mime_type") or field.content_type
        encoded = body.get("content_base64")
        if not isinstance(encoded, str):
            raise ControlError("send a multipart field 'file' or JSON with content_base64 and filename")
        try:
            content = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise ControlError("content_base64 is not valid base64") from None
        return body, content, str(body.get("filename") or "file"), body.get("mime_type")

    async def _h_document(self, request: web.Request) -> web.Response:
        body, content, filename, mime_type = await self._upload(request)
        message = await self.send_document(self._user_id(request), content, filename, mime_type,
                                           caption=body.get("caption") or None, token=self._http_bot(request, body))
        return self._ok(message)

    async def _h_photo(self, request: web.Request) -> web.Response:
        body, content, filename, mime_type = await self._upload(request)
        message = await self.send_photo(self._user_id(request), content, filename,
                                        mime_type or mimetypes.guess_type(filename)[0],
                                        caption=body.get("caption") or None, token=self._http_bot(request, body))
        return self._ok(message)

    async def _h_callback(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        data = body.get("callback_data")
        if not isinstance(data, str):
            raise ControlError("callback_data is required")
        message_id = int(body["message_id"]) if body.get("message_id") is not None else None
        user_id, token = self._user_id(request), self._http_bot(request, body)
        if body.get("forged"):
            query_id = await self.send_callback(user_id, data, message_id=message_id, token=token)
        else:
            if message_id is None:
                raise ControlError("message_id is required")
            query_id = await self.press_button(user_id, message_id, data, token=token)
        return self._ok({"callback_query_id": query_id})

    async def _h_web_app(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        url, source = body.get("url"), body.get("source", "inline")
        if not isinstance(url, str) or not isinstance(source, str):
            raise ControlError("url and source are required")
        message_id = int(body["message_id"]) if body.get("message_id") is not None else None
        opened = self.open_web_app(self._user_id(request), url, source=source, message_id=message_id,
                                   token=self._http_bot(request, body))
        return self._ok(opened.to_json())

    async def _h_web_app_data(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        data, button_text = body.get("data"), body.get("button_text")
        if not isinstance(data, str) or not isinstance(button_text, str):
            raise ControlError("data and button_text are required")
        message = await self.send_web_app_data(self._user_id(request), data, button_text,
                                               token=self._http_bot(request, body))
        return self._ok(message)

    async def _h_file(self, request: web.Request) -> web.StreamResponse:
        record = self.world.files.get(request.match_info["file_id"])
        if record is None:
            raise ControlError("unknown file", 404)
        headers = {"Content-Type": record.mime_type or "application/octet-stream"}
        if record.file_name:
            with contextlib.suppress(UnicodeEncodeError):
                record.file_name.encode("latin-1")
                headers["Content-Disposition"] = f'inline; filename="{record.file_name}"'
        return web.FileResponse(self.world.files.blob_path(record), headers=headers)

    async def _h_requests(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        method = request.query.get("method")
        items = [r.to_json(i) for i, r in enumerate(self.world.requests) if i >= since
                 and (method is None or r.method.lower() == method.lower())]
        return self._ok(items)

    async def _h_clear_requests(self, request: web.Request) -> web.Response:
        self.clear_requests()
        return self._ok(True)

    async def _h_faults(self, request: web.Request) -> web.Response:
        return self._ok([rule.to_json() for rule in self.fault_rules()])

    async def _h_add_fault(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        unknown = set(body) - {"kind", "method", "chat_id", "times", "seconds", "retry_after", "disconnect", "bot"}
        if unknown:
            raise ControlError(f"unknown fields: {', '.join(sorted(unknown))}")
        if not isinstance(body.get("kind"), str):
            raise ControlError("kind is required")
        seconds = body.get("seconds")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float)):
            raise ControlError("seconds must be a number")
        rule = self.add_fault(
            body["kind"], method=body.get("method"), chat_id=body.get("chat_id"), times=body.get("times", 1),
            seconds=seconds, retry_after=body.get("retry_after"), disconnect=bool(body.get("disconnect", False)),
            token=self._http_bot(request, body),
        )
        return self._ok(rule.to_json())

    async def _h_clear_faults(self, request: web.Request) -> web.Response:
        fault_id = request.match_info.get("fault_id")
        if fault_id is None:
            return self._ok({"removed": self.clear_faults()})
        if not fault_id.isdigit():
            raise ControlError("fault id must be an integer")
        return self._ok({"removed": self.clear_faults(int(fault_id))})

    async def _h_updates(self, request: web.Request) -> web.Response:
        return self._ok(self.updates(token=self._http_bot(request, {})))

    async def _h_redeliver(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        try:
            update_id = int(request.match_info["update_id"])
        except ValueError:
            raise ControlError("update id must be an integer") from None
        return self._ok(self.redeliver(update_id, token=self._http_bot(request, body)))

    async def _h_duplicate_next(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        due = self.deliver_next_twice(body.get("count", 1), token=self._http_bot(request, body))
        return self._ok({"duplicate_next": due})


async def run_server(host: str = "127.0.0.1", port: int = 0, data_dir: str | Path | None = None,
                     **options: Any) -> BotAPIServer:
    """Start a sandbox server; `server.runner` is the aiohttp AppRunner, `server.url` its base URL."""
    server = BotAPIServer(data_dir, **options)
    await server.start(host, port)
    return server
