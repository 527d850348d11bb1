"""The simulated Telegram world: bots (one per token), users, private chats, updates and events."""

from __future__ import annotations

import asyncio
import bisect
import copy
import hashlib
import itertools
import json
import math
import re
import secrets
import time
import zlib
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sandbox.errors import bad_request, forbidden, too_many_requests
from sandbox.files import FileRecord, FileStore, document_json, image_size, photo_json
from sandbox.formatting import command_entities

# Without an explicit allowed_updates Telegram sends every type except these.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# How many of a bot's latest updates are kept to be delivered again on request.
RECENT_UPDATES = 1000


class Signal:
    """Wakes every waiter; waiting re-checks its condition, so a missed wake-up costs nothing."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def fire(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, timeout: float) -> None:
        if timeout <= 0:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait({waiter}, timeout=timeout)
        finally:
            self._waiters.discard(waiter)


@dataclass
class SimUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "first_name": self.first_name, "last_name": self.last_name,
            "username": self.username, "language_code": self.language_code, "phone_number": self.phone_number,
        }


@dataclass
class StoredMessage:
    message_id: int
    outgoing: bool  # sent by the bot
    data: dict[str, Any]  # the Bot API Message object as it stands now
    sent_markup: dict[str, Any] | None = None  # reply_markup as sent, including reply keyboards
    raw_text: str | None = None  # text or caption before parse_mode was applied
    parse_mode: str | None = None
    deleted: bool = False
    callback_answers: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class RecordedRequest:
    token: str
    method: str  # canonical name, e.g. "sendMessage"
    params: dict[str, Any]
    time: float
    ok: bool | None = None  # whether the call took effect
    error: str | None = None
    fault: str | None = None  # the injected fault that met this call (sandbox/faults.py)

    def to_json(self, index: int) -> dict[str, Any]:
        return {
            "index": index, "bot_id": bot_id_for(self.token), "method": self.method, "params": self.params,
            "time": self.time, "ok": self.ok, "error": self.error, "fault": self.fault,
        }


@dataclass
class CallbackRecord:
    id: str
    token: str
    user_id: int
    message_id: int | None
    data: str
    answered: bool = False


@dataclass
class RateLimit:
    """Telegram's documented send limits: about 30 messages/s overall and 1/s per private chat."""

    global_per_second: float = 30.0
    per_chat_per_second: float = 1.0


def bot_id_for(token: str) -> int:
    match = re.match(r"^(\d+):", token)
    if match:
        return int(match.group(1))
    # Tokens without Telegram's "<id>:<secret>" shape still get a stable, plausible id.
    return 7_000_000_000 + zlib.crc32(token.encode()) % 1_000_000_000


class Chat:
    """A private chat between one bot and one simulated user."""

    def __init__(self, bot: BotState, user: SimUser) -> None:
        self.bot = bot
        self.user = user
        self.messages: dict[int, StoredMessage] = {}
        self._message_ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.signal = Signal()
        self.started = False  # the user has written to the bot, so the bot may write back
        self.blocked = False
        self.reply_keyboard: dict[str, Any] | None = None
        self.chat_instance = str(
            int.from_bytes(hashlib.sha256(f"{bot.token}:{user.id}".encode()).digest()[:7], "big")
        )

    def next_message_id(self) -> int:
        return next(self._message_ids)

    def add_event(self, kind: str, **payload: Any) -> dict[str, Any]:
        event = {"seq": len(self.events) + 1, "type": kind, "time": time.time(), **payload}
        self.events.append(event)
        self.signal.fire()
        return event

    def message(self, message_id: int) -> StoredMessage | None:
        stored = self.messages.get(message_id)
        return None if stored is None or stored.deleted else stored


class BotState:
    def __init__(self, token: str) -> None:
        self.token = token
        self.id = bot_id_for(token)
        self.first_name = "Sandbox Bot"
        self.username = f"sandbox_{self.id}_bot"
        self.pending: list[dict[str, Any]] = []  # not yet confirmed (getUpdates offset) or acknowledged (webhook)
        self._update_ids = itertools.count(1)
        self.recent: dict[int, dict[str, Any]] = {}  # the latest updates by id, to deliver again
        self.duplicate_next = 0  # how many of the next new updates are delivered twice
        self._twice: set[int] = set()  # ids delivered again once their first delivery is confirmed
        self._replays: list[dict[str, Any]] = []  # re-deliveries the next getUpdates returns whatever its offset
        self.deliveries: Counter[int] = Counter()  # update_id → how often it was handed to the bot
        self.updates_signal = Signal()
        self.poll_generation = 0
        self.allowed_updates: list[str] | None = None
        self.webhook: WebhookConfig | None = None
        self.webhook_task: asyncio.Task[None] | None = None
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.texts: dict[tuple[str, str], str] = {}  # (kind, language_code) → name/description
        self.menu_button: dict[str, Any] = {"type": "commands"}
        self.chats: dict[int, Chat] = {}

    def as_user(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def allows(self, update_type: str) -> bool:
        if self.allowed_updates:
            return update_type in self.allowed_updates
        return update_type not in DEFAULT_EXCLUDED_UPDATES

    def add_update(self, update_type: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        if not self.allows(update_type):
            return None
        update_id = next(self._update_ids)
        update = {"update_id": update_id, update_type: payload}
        self.recent[update_id] = update
        if len(self.recent) > RECENT_UPDATES:
            del self.recent[next(iter(self.recent))]
        if self.duplicate_next > 0:
            self.duplicate_next -= 1
            self._twice.add(update_id)
        self.pending.append(update)
        self.updates_signal.fire()
        return update

    # --- delivering an update again, as Telegram does when it missed the confirmation -------------

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Queue an update once more with the same update_id, in update_id order: polling returns it from
        the next getUpdates even if its offset has confirmed it already; a webhook POSTs it again."""
        original = self.recent.get(update_id)
        if original is None:
            raise KeyError(f"update {update_id} is not known to the sandbox")
        again = copy.deepcopy(original)
        self.pending.insert(bisect.bisect_right(self.pending, update_id, key=lambda u: u["update_id"]), again)
        self._replays.append(again)
        self.updates_signal.fire()
        return again

    def confirm_before(self, offset: int) -> None:
        """getUpdates with this offset confirms (and forgets) the pending updates before it; a
        re-delivery not yet returned survives that once."""
        confirmed = [u for u in self.pending if u["update_id"] < offset and not _among(u, self._replays)]
        if confirmed:
            self.pending = [u for u in self.pending if not _among(u, confirmed)]
            self.confirmed(confirmed)

    def keep_last(self, count: int) -> None:
        """getUpdates with a negative offset: all but the last `count` updates are forgotten."""
        if len(self.pending) > count:
            forgotten, self.pending = self.pending[:-count], self.pending[-count:]
            self.confirmed(forgotten)

    def handed_over(self, updates: list[dict[str, Any]]) -> None:
        """getUpdates answered with these, or the webhook POST of one was answered 2xx: counted, and a
        re-delivery among them now waits for its offset like any other."""
        self.deliveries.update(u["update_id"] for u in updates)
        self._replays = [r for r in self._replays if not _among(r, updates)]

    def confirmed(self, updates: list[dict[str, Any]]) -> None:
        """The bot has these (confirmed by offset, or answered 2xx to the webhook POST)."""
        self._replays = [r for r in self._replays if not _among(r, updates)]
        for update in updates:
            if update["update_id"] in self._twice:
                self._twice.discard(update["update_id"])
                self.redeliver(update["update_id"])

    def drop_pending(self) -> None:
        self.pending.clear()
        self._replays.clear()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "first_name": self.first_name, "token": self.token}


def update_chat(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to (the user's id for a private chat's press or query), or None: a webhook
    delivers one chat's updates one at a time, in order, as Telegram does."""
    for key, payload in update.items():
        if key == "update_id" or not isinstance(payload, dict):
            continue
        message = payload.get("message") if key == "callback_query" else payload
        chat = message.get("chat") if isinstance(message, dict) else None
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
        sender = payload.get("from") or payload.get("user")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None


def _among(update: dict[str, Any], updates: list[dict[str, Any]]) -> bool:
    # By identity: a re-delivery is a copy with the same update_id as the original.
    return any(update is other for other in updates)


class RateLimiter:
    def __init__(self) -> None:
        self._global: dict[str, deque[float]] = {}
        self._chat: dict[tuple[str, int], float] = {}

    def check(self, limit: RateLimit, token: str, chat_id: int) -> None:
        now = time.monotonic()
        last = self._chat.get((token, chat_id))
        interval = 1.0 / limit.per_chat_per_second
        if last is not None and now - last < interval:
            raise too_many_requests(max(1, math.ceil(interval - (now - last))))
        window = self._global.setdefault(token, deque())
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= limit.global_per_second:
            raise too_many_requests(max(1, math.ceil(1.0 - (now - window[0]))))
        window.append(now)
        self._chat[(token, chat_id)] = now


class World:
    """All state of the simulated Telegram; the HTTP layer and the control API both act on it.

    With a `people` file, the users and which of them have started each bot are appended to it and read
    back on the next start, so a restarted sandbox still knows everyone the bot's database knows (the
    messages of the chats are not kept)."""

    def __init__(self, files: FileStore, rate_limit: RateLimit | None = None, people: Path | None = None) -> None:
        self.files = files
        self.rate_limit = rate_limit
        self.rate_limiter = RateLimiter()
        self.users: dict[int, SimUser] = {}
        self.bots: dict[str, BotState] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.requests: list[RecordedRequest] = []
        self.requests_signal = Signal()
        self._user_ids = itertools.count(100_000_001)
        self._people = people
        self._started: set[tuple[str, int]] = set()
        self._load_people()

    def _load_people(self) -> None:
        if self._people is None or not self._people.exists():
            return
        for line in self._people.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                if "user" in entry:
                    user = SimUser(**entry["user"])
                    self.users[user.id] = user
                elif "started" in entry:
                    self._started.add((str(entry["token"]), int(entry["started"])))
            except (ValueError, TypeError, KeyError):
                continue  # a line cut short by a crash

    def _remember(self, entry: dict[str, Any]) -> None:
        if self._people is not None:
            with self._people.open("a", encoding="utf-8") as people:
                people.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def mark_started(self, chat: Chat) -> None:
        """The user has pressed Start (or written): from now on the bot may write to them."""
        if not chat.started:
            chat.started = True
            key = (chat.bot.token, chat.user.id)
            if key not in self._started:
                self._started.add(key)
                self._remember({"started": chat.user.id, "token": chat.bot.token})

    # --- bots and users -------------------------------------------------------------------------

    def bot(self, token: str) -> BotState:
        bot = self.bots.get(token)
        if bot is None:
            bot = self.bots[token] = BotState(token)
        return bot

    def add_user(
        self, first_name: str = "Test", *, user_id: int | None = None, last_name: str | None = None,
        username: str | None = None, language_code: str | None = "ru", phone_number: str | None = None,
    ) -> SimUser:
        if user_id is None:
            user_id = next(self._user_ids)
            while user_id in self.users:
                user_id = next(self._user_ids)
        if user_id in self.users:
            raise ValueError(f"user {user_id} already exists")
        if user_id <= 0:
            raise ValueError("user id must be positive")
        user = SimUser(user_id, first_name, last_name, username, language_code, phone_number)
        self.users[user_id] = user
        self._remember({"user": asdict(user)})
        return user

    def user(self, user_id: int) -> SimUser:
        user = self.users.get(user_id)
        if user is None:
            raise KeyError(f"unknown user {user_id}")
        return user

    def chat(self, bot: BotState, user_id: int) -> Chat:
        chat = bot.chats.get(user_id)
        if chat is None:
            chat = bot.chats[user_id] = Chat(bot, self.user(user_id))
            chat.started = (bot.token, user_id) in self._started
        return chat

    # --- the bot's side -------------------------------------------------------------------------

    def writable_chat(self, bot: BotState, chat_id: Any) -> Chat:
        """The chat a bot method targets, with Telegram's errors for chats it may not write to."""
        if not isinstance(chat_id, int) or chat_id not in self.users:
            raise bad_request("chat not found")
        chat = bot.chats.get(chat_id) or (self.chat(bot, chat_id) if (bot.token, chat_id) in self._started else None)
        if chat is None or not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def check_rate(self, bot: BotState, chat: Chat) -> None:
        if self.rate_limit is not None:
            self.rate_limiter.check(self.rate_limit, bot.token, chat.user.id)

    def post_bot_message(
        self, chat: Chat, content: dict[str, Any], *, markup: dict[str, Any] | None = None,
        raw_text: str | None = None, parse_mode: str | None = None, extra: dict[str, Any] | None = None,
    ) -> StoredMessage:
        message_id = chat.next_message_id()
        data: dict[str, Any] = {
            "message_id": message_id, "from": chat.bot.as_user(), "chat": chat.user.as_chat(),
            "date": int(time.time()), **(extra or {}), **content,
        }
        if markup and "inline_keyboard" in markup:
            data["reply_markup"] = markup
        if markup and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        stored = StoredMessage(message_id, True, data, markup, raw_text, parse_mode)
        chat.messages[message_id] = stored
        chat.add_event("message", message=self.message_view(stored))
        return stored

    # --- the user's side ------------------------------------------------------------------------

    def _user_message(self, chat: Chat, content: dict[str, Any]) -> StoredMessage:
        if chat.blocked:
            # Writing to a bot unblocks it in the Telegram apps.
            chat.blocked = False
        self.mark_started(chat)
        message_id = chat.next_message_id()
        data: dict[str, Any] = {
            "message_id": message_id, "from": chat.user.as_user(), "chat": chat.user.as_chat(),
            "date": int(time.time()), **content,
        }
        stored = StoredMessage(message_id, False, data, raw_text=content.get("text") or content.get("caption"))
        chat.messages[message_id] = stored
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        chat.add_event("message", message=self.message_view(stored))
        chat.bot.add_update("message", data)
        return stored

    def user_service_message(self, chat: Chat, content: dict[str, Any]) -> StoredMessage:
        """A message the user's app sends for them, such as a Mini App's web_app_data."""
        return self._user_message(chat, content)

    def user_text(self, bot: BotState, user_id: int, text: str, *, reply_to: int | None = None) -> StoredMessage:
        if not text:
            raise ValueError("text must not be empty")
        chat = self.chat(bot, user_id)
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            original = chat.message(reply_to)
            if original is None:
                raise KeyError(f"message {reply_to} not found in chat {user_id}")
            content["reply_to_message"] = original.data
        return self._user_message(chat, content)

    def user_contact(
        self, bot: BotState, user_id: int, phone_number: str, *, first_name: str | None = None,
        last_name: str | None = None,
    ) -> StoredMessage:
        chat = self.chat(bot, user_id)
        user = chat.user
        user.phone_number = phone_number
        contact: dict[str, Any] = {
            "phone_number": phone_number, "first_name": first_name or user.first_name, "user_id": user.id,
        }
        if last_name or user.last_name:
            contact["last_name"] = last_name or user.last_name
        return self._user_message(chat, {"contact": contact})

    async def user_file(
        self, bot: BotState, user_id: int, content: bytes, *, filename: str, mime_type: str | None = None,
        caption: str | None = None, as_photo: bool = False,
    ) -> StoredMessage:
        chat = self.chat(bot, user_id)
        body: dict[str, Any]
        if as_photo:
            size = image_size(content)
            if size is None:
                raise ValueError("photo content is not a PNG, JPEG, GIF or WebP image")
            file_id, record = await self.files.add(
                content, kind="photos", file_name=filename, mime_type=mime_type, width=size[0], height=size[1],
            )
            body = {"photo": photo_json(file_id, record)}
        else:
            file_id, record = await self.files.add(
                content, kind="documents", file_name=filename, mime_type=mime_type,
            )
            body = {"document": document_json(file_id, record)}
        if caption:
            body["caption"] = caption
        return self._user_message(chat, body)

    def user_callback(
        self, bot: BotState, user_id: int, message_id: int | None, data: str, *, forged: bool = False,
    ) -> CallbackRecord:
        chat = self.chat(bot, user_id)
        stored = chat.message(message_id) if message_id is not None else None
        if not forged:
            if stored is None or not stored.outgoing:
                raise KeyError(f"bot message {message_id} not found in chat {user_id}")
            buttons = [
                button for row in (stored.data.get("reply_markup") or {}).get("inline_keyboard", [])
                for button in row
            ]
            if not any(button.get("callback_data") == data for button in buttons):
                raise KeyError(f"message {message_id} has no inline button with callback_data {data!r}")
        self.mark_started(chat)
        record = CallbackRecord(
            id=str(int.from_bytes(secrets.token_bytes(8), "big") >> 1), token=bot.token, user_id=user_id,
            message_id=message_id, data=data,
        )
        self.callbacks[record.id] = record
        query: dict[str, Any] = {
            "id": record.id, "from": chat.user.as_user(), "chat_instance": chat.chat_instance, "data": data,
        }
        if stored is not None:
            query["message"] = stored.data
        elif message_id is not None:
            # A press on a message the bot no longer has: Telegram sends an InaccessibleMessage.
            query["message"] = {"chat": chat.user.as_chat(), "message_id": message_id, "date": 0}
        chat.add_event("callback_query", callback_query_id=record.id, message_id=message_id, data=data)
        bot.add_update("callback_query", query)
        return record

    # --- what the user sees ---------------------------------------------------------------------

    def file_url(self, file_id: str) -> str:
        return f"/sandbox/api/files/{file_id}"

    def message_view(self, stored: StoredMessage) -> dict[str, Any]:
        data = stored.data
        view: dict[str, Any] = {
            "message_id": stored.message_id,
            "from": "bot" if stored.outgoing else "user",
            "date": data.get("date"),
            "edit_date": data.get("edit_date"),
            "text": data.get("text"),
            "caption": data.get("caption"),
            "entities": data.get("entities") or data.get("caption_entities") or [],
            "raw_text": stored.raw_text,
            "parse_mode": stored.parse_mode,
            "reply_markup": stored.data.get("reply_markup") if stored.outgoing else None,
            "keyboard": stored.sent_markup if stored.sent_markup and "inline_keyboard" not in stored.sent_markup
            else None,
            "deleted": stored.deleted,
            "callback_answers": list(stored.callback_answers),
            "message": data,
        }
        if "document" in data:
            view["document"] = {**data["document"], "url": self.file_url(data["document"]["file_id"])}
        if "photo" in data:
            largest = data["photo"][-1]
            view["photo"] = {**largest, "url": self.file_url(largest["file_id"])}
        if "contact" in data:
            view["contact"] = data["contact"]
        if "web_app_data" in data:
            view["web_app_data"] = data["web_app_data"]
        return view

    def history(self, bot: BotState, user_id: int) -> list[dict[str, Any]]:
        chat = self.chat(bot, user_id)
        return [self.message_view(m) for m in chat.messages.values() if not m.deleted]

    def record_for(self, file_id: str) -> FileRecord | None:
        return self.files.get(file_id)
