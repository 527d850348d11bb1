"""Mini Apps in the sandbox: the launch data Telegram signs for a web_app button, and what the app sends back."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox.state import BotState, Chat, SimUser, StoredMessage, World

# Telegram's limit on WebApp.sendData's payload.
MAX_WEB_APP_DATA = 4096
LAUNCH_SOURCES = ("inline", "keyboard", "menu")


def signed_init_data(token: str, fields: dict[str, str]) -> str:
    """initData as Telegram builds it: the fields plus `hash`, an HMAC-SHA256 of the sorted key=value lines
    keyed by HMAC-SHA256("WebAppData", bot token)."""
    data_check_string = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, data_check_string.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def init_data_user(user: SimUser) -> dict[str, Any]:
    """The WebAppUser object: the user's public fields as the Telegram apps pass them to a Mini App."""
    fields: dict[str, Any] = {"id": user.id, "first_name": user.first_name}
    for key in ("last_name", "username", "language_code"):
        if getattr(user, key):
            fields[key] = getattr(user, key)
    fields["allows_write_to_pm"] = True
    return fields


@dataclass(frozen=True)
class Launch:
    """One opening of a Mini App: where from, and the initData it is given."""

    url: str
    source: str
    init_data: str
    query_id: str | None
    button_text: str | None

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "source": self.source, "init_data": self.init_data, "query_id": self.query_id,
                "button_text": self.button_text}


def _inline_web_app_buttons(stored: StoredMessage | None) -> list[dict[str, Any]]:
    if stored is None or not stored.outgoing:
        return []
    rows = (stored.data.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button for row in rows for button in row if isinstance(button.get("web_app"), dict)]


def _keyboard_web_app_buttons(chat: Chat) -> list[dict[str, Any]]:
    rows = (chat.reply_keyboard or {}).get("keyboard", [])
    return [button for row in rows for button in row if isinstance(button, dict)
            and isinstance(button.get("web_app"), dict)]


def _launch_button(chat: Chat, source: str, url: str, message_id: int | None) -> dict[str, Any]:
    """The button the user pressed to open `url`; KeyError when there is none (the page cannot open any URL)."""
    if source == "inline":
        buttons = _inline_web_app_buttons(chat.message(message_id) if message_id is not None else None)
    elif source == "keyboard":
        buttons = _keyboard_web_app_buttons(chat)
    elif source == "menu":
        menu = chat.bot.menu_button
        buttons = [menu] if menu.get("type") == "web_app" and isinstance(menu.get("web_app"), dict) else []
    else:
        raise ValueError(f"source must be one of {', '.join(LAUNCH_SOURCES)}")
    for button in buttons:
        if button["web_app"].get("url") == url:
            return button
    raise KeyError(f"no {source} web_app button with this url in chat {chat.user.id}")


def launch(world: World, bot: BotState, user_id: int, *, source: str, url: str,
           message_id: int | None = None) -> Launch:
    """Open the Mini App of a web_app button the user has: signed initData for this user and this bot.

    Telegram gives a query_id (for answerWebAppQuery) to apps opened from an inline button or the menu
    button, not to those opened from a reply keyboard button, which answer with sendData instead."""
    chat = world.chat(bot, user_id)
    button = _launch_button(chat, source, url, message_id)
    fields = {
        "user": json.dumps(init_data_user(chat.user), ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(time.time())),
    }
    query_id = None
    if source != "keyboard":
        query_id = "AAH" + secrets.token_urlsafe(18)
        fields["query_id"] = query_id
    return Launch(url, source, signed_init_data(bot.token, fields), query_id, button.get("text"))


def send_web_app_data(world: World, bot: BotState, user_id: int, data: str, button_text: str) -> StoredMessage:
    """WebApp.sendData from an app opened by a reply keyboard button: a service message with web_app_data."""
    if not data or len(data.encode()) > MAX_WEB_APP_DATA:
        raise ValueError(f"data must be 1–{MAX_WEB_APP_DATA} bytes")
    chat = world.chat(bot, user_id)
    if not any(button.get("text") == button_text for button in _keyboard_web_app_buttons(chat)):
        raise KeyError(f"no reply keyboard web_app button {button_text!r} in chat {user_id}")
    return world.user_service_message(chat, {"web_app_data": {"data": data, "button_text": button_text}})
