"""Method parameters from a query string, a JSON body, urlencoded or multipart form.

Form bodies carry every value as a string (aiogram sends ints as "42", booleans as "true" and
objects as JSON text), so values are normalised once by field name, the way Telegram's own
parser does it, and handlers see the same types whatever the transport.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sandbox.errors import bad_request

INT_FIELDS = frozenset({
    "chat_id", "from_chat_id", "message_id", "user_id", "offset", "limit", "timeout", "cache_time",
    "max_connections", "reply_to_message_id", "message_thread_id", "duration", "width", "height",
})
BOOL_FIELDS = frozenset({
    "show_alert", "disable_notification", "protect_content", "drop_pending_updates",
    "disable_web_page_preview", "allow_sending_without_reply", "has_spoiler",
    "disable_content_type_detection", "show_caption_above_media", "allow_paid_broadcast",
    "remove_caption", "for_channels",
})
JSON_FIELDS = frozenset({
    "reply_markup", "entities", "caption_entities", "allowed_updates", "commands", "scope",
    "reply_parameters", "link_preview_options", "menu_button", "rights", "message_ids",
})
# Telegram's wording for a few unparsable JSON fields; the rest use the generic form.
_JSON_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str | None = None


def _to_int(name: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise bad_request(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    text = value.strip()
    try:
        return int(text)
    except ValueError:
        if name == "chat_id" or name == "from_chat_id":
            # "@channelusername" is a valid chat_id; resolution fails later with "chat not found".
            return text
        raise bad_request(f"invalid {name} specified") from None


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    return str(value).strip().lower() in {"true", "1", "yes", "on"}


def _to_json(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise bad_request(_JSON_ERRORS.get(name, f"can't parse {name} JSON object")) from None


def normalize(raw: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None or isinstance(value, Upload):
            values[name] = value
        elif name in INT_FIELDS:
            values[name] = _to_int(name, value)
        elif name in BOOL_FIELDS:
            values[name] = _to_bool(value)
        elif name in JSON_FIELDS:
            values[name] = _to_json(name, value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            # Telegram accepts numbers for string fields (e.g. a numeric callback text).
            values[name] = str(value)
        else:
            values[name] = value
    return values


class Params:
    """Typed access to one call's parameters; attached files are looked up by `attach://name`."""

    def __init__(self, values: dict[str, Any], files: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def string(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, Upload):
            raise bad_request(f"invalid {name} specified")
        return value if isinstance(value, str) else json.dumps(value)

    def require_string(self, name: str, missing: str | None = None) -> str:
        value = self.string(name)
        if not value:
            raise bad_request(missing or f"{name} is empty")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        return value

    def require_integer(self, name: str, missing: str | None = None) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(missing or f"{name} is empty")
        return value

    def flag(self, name: str) -> bool:
        return _to_bool(self.values.get(name) or False)

    def obj(self, name: str) -> Any:
        return self.values.get(name)

    def input_file(self, name: str) -> Upload | str | None:
        """An uploaded part, or a file_id / URL string; `attach://x` resolves to part `x`."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, Upload):
            return value
        if not isinstance(value, str):
            raise bad_request(f"wrong remote file identifier specified: {name}")
        if value.startswith("attach://"):
            part = self.files.get(value[len("attach://"):])
            if part is None:
                raise bad_request(f"wrong HTTP URL specified: file {value} not found in the request")
            return part
        return value
