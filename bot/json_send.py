"""A plain-text sendMessage posted as JSON over the bot's own HTTP session: the broadcast's hot path.

Through aiogram, every send builds a pydantic `SendMessage`, dumps it and prepares each field into
aiohttp's `FormData` (sent urlencoded when there is no file), runs the session's middleware chain, and
parses the answer into a `Response[Message]` with its `Chat` and `User` (and pydantic rebuilds that
generic model now and then: its cache of parametrised models holds them weakly); at 1,000 messages/s
that was most of the broadcast sender's CPU. Here the body is one small JSON
object (the fields that are the same for every message are prepared once, by aiogram's own
`prepare_value`, so the bot's defaults such as its parse mode still apply), and a 200 answer whose JSON
says `"ok": true` is taken as sent without building a model. Everything else goes back to aiogram:
the answer is handed to the session's own `check_response`, which raises exactly the exceptions
`bot.send_message` raises (429 `TelegramRetryAfter`, 403 `TelegramForbiddenError`, 400
`TelegramBadRequest`, 5xx `TelegramServerError`, a reply that is not JSON `ClientDecodeError`), and a
failed connection or a timeout is the same `TelegramNetworkError` aiogram's session raises. So the
callers classify the outcomes as before.

The request goes where the bot's session sends it: its Bot API server (BOT_API_URL, a local server),
its aiohttp `ClientSession` (the same keep-alive connections, connector limit and proxy), its timeout and
JSON functions. It falls back to `bot.send_message` when that would not be the same request: a session
that is not aiogram's stock aiohttp one (a custom transport), or a call made while an update is being
applied (bot/pipeline/deferred.py holds those until the commit). Outside an update the session's only
request middleware, `HoldUntilCommit`, lets every call through, so skipping the middleware chain here
changes nothing.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage
from aiohttp import ClientError, ClientTimeout

from bot.pipeline.deferred import holding_now

_JSON = {"Content-Type": "application/json"}


def sends_directly(bot: Bot) -> bool:
    """The bot's session is aiogram's own aiohttp one, whose request this path reproduces."""
    session = bot.session
    return isinstance(session, AiohttpSession) and type(session).make_request is AiohttpSession.make_request


class TextMessages:
    """Sends plain-text messages as `bot.send_message(chat_id, text, allow_paid_broadcast=…)` would."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.direct = sends_directly(bot)
        self._url = bot.session.api.api_url(token=bot.token, method=SendMessage.__api_method__)
        self._fields = {paid: self._common_fields(paid) for paid in (False, True)}

    def _common_fields(self, paid: bool) -> dict[str, Any]:
        """The fields every message has, as aiogram's form would carry them (defaults resolved, empty ones left out)."""
        method = SendMessage(chat_id=0, text="", allow_paid_broadcast=True if paid else None)
        fields: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            if key in ("chat_id", "text"):
                continue
            prepared = self.bot.session.prepare_value(value, bot=self.bot, files={}, _dumps_json=False)
            if prepared:
                fields[key] = prepared
        return fields

    async def send(self, chat_id: int, text: str, *, paid: bool = False) -> None:
        """Raises what `bot.send_message` raises when Telegram does not accept the message."""
        if not self.direct or holding_now():
            await self.bot.send_message(chat_id, text, allow_paid_broadcast=True if paid else None)
            return
        session = self.bot.session
        body = session.json_dumps({"chat_id": chat_id, "text": text, **self._fields[paid]})
        client = await session.create_session()  # type: ignore[attr-defined]  # an AiohttpSession (sends_directly)
        try:
            async with client.post(self._url, data=body.encode(), headers=_JSON,
                                   timeout=ClientTimeout(total=session.timeout)) as response:
                status, content = response.status, await response.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=self._method(chat_id, text, paid),
                                       message="Request timeout error") from error
        except ClientError as error:
            raise TelegramNetworkError(method=self._method(chat_id, text, paid),
                                       message=f"{type(error).__name__}: {error}") from error
        if status == 200 and _ok(session.json_loads, content):
            return
        # Not plainly sent: aiogram's own reading of the answer raises what bot.send_message would.
        session.check_response(bot=self.bot, method=self._method(chat_id, text, paid), status_code=status,
                               content=content)

    @staticmethod
    def _method(chat_id: int, text: str, paid: bool) -> SendMessage:
        return SendMessage(chat_id=chat_id, text=text, allow_paid_broadcast=True if paid else None)


def _ok(loads: Any, content: str) -> bool:
    try:
        answer = loads(content)
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("ok") is True and "result" in answer

