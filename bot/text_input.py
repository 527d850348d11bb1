"""Typed text at the edge: one normalisation for every message, and the filters text steps share.

What a person types (or pastes from a document, a web page, another chat) is normalised once, in
`TextInputMiddleware`, before any filter or handler sees it: composed to Unicode NFC, control and
invisible characters removed, trimmed. A name pasted in decomposed form (NFD, as some phones and PDF
readers produce) is then the same name as the one typed; a "name" made of zero-width characters only
is an empty message and refused here, for every step at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, F
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n import gettext as _
from sqlalchemy.orm import InstrumentedAttribute

# Controls C0 (but tab and newline) and C1, DEL; zero-width and other invisible formatting characters
# (ZWSP, ZWNJ, ZWJ, LRM, RLM, bidi embeddings and isolates, word joiner and invisible operators,
# soft hyphen, combining grapheme joiner, Mongolian vowel separator, Hangul fillers, BOM);
# noncharacters (U+FDD0–U+FDEF and the last two code points of every plane, U+FFFE/U+FFFF among them).
_REMOVED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u00ad\u034f\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0"
    "\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
# Lone surrogates cannot be stored (PostgreSQL refuses them) and are never text a person meant.
_SURROGATES = re.compile("[\ud800-\udfff]")


def normalise(text: str) -> str:
    """`text` in NFC, without control, invisible and noncharacter code points, trimmed.

    Tabs and newlines stay (an essay has paragraphs); the order matters: removing an invisible
    character between a letter and its combining mark lets NFC compose them.
    """
    cleaned = _SURROGATES.sub("", _REMOVED.sub("", text))
    return unicodedata.normalize("NFC", cleaned).strip()


# A text step takes what is typed there, except commands: /help, /cancel, /stats… typed while a step
# waits for text run as commands (the routers after this one handle them), never as the answer.
NOT_A_COMMAND = ~F.text.startswith("/")
TYPED_TEXT = F.text & NOT_A_COMMAND


def max_length(column: InstrumentedAttribute[Any]) -> int:
    """The length of a VARCHAR column: the longest text a parser may accept for it."""
    length = getattr(column.property.columns[0].type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{column} has no length")
    return length


class TextInputMiddleware(BaseMiddleware):
    """Hands handlers the message with its `text` and `caption` normalised (a copy, still bound to the
    bot). A text message that is empty once normalised is answered here and goes no further."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Message) or (event.text is None and event.caption is None):
            return await handler(event, data)
        update: dict[str, Any] = {}
        if event.text is not None:
            update.update(_normalised_field(event.text, "text", "entities"))
        if event.caption is not None:
            update.update(_normalised_field(event.caption, "caption", "caption_entities"))
        if not update:
            return await handler(event, data)
        if event.text is not None and not update.get("text", event.text):
            await event.answer(_("This message is empty once invisible characters are removed. Please type "
                                 "the answer in letters or digits."))
            return None
        message = event.model_copy(update=update)
        if event.bot is not None:
            message = message.as_(event.bot)
        return await handler(message, data)


def _normalised_field(value: str, field: str, entities: str) -> dict[str, Any]:
    """The fields to replace when `value` changes: the text (None for an empty caption) and its entities,
    whose UTF-16 offsets no longer point at the same characters."""
    cleaned = normalise(value)
    if cleaned == value:
        return {}
    if field == "caption" and not cleaned:
        return {field: None, entities: None}
    return {field: cleaned, entities: None}
