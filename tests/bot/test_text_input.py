"""Typed text at the edge: the normalisation, the middleware's copy of the message, column lengths."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Chat, Message, MessageEntity
from hypothesis import given
from hypothesis import strategies as st

from bot.text_input import TextInputMiddleware, max_length, normalise
from storage.commission_models import Commission
from storage.profile_models import TeacherProfile

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",
             "\ufeff", "\u00ad", "\u202e", "\u2066", "\u3164"]
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20), *range(0x7F, 0xA0))]
NONCHARACTERS = ["\ufffe", "\uffff", "\ufdd0", "\U0010ffff"]


def test_nfd_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Айгуль Ёлкина")
    assert decomposed != "Айгуль Ёлкина"
    assert normalise(decomposed) == "Айгуль Ёлкина"


@pytest.mark.parametrize("removed", INVISIBLE + CONTROLS + NONCHARACTERS)
def test_control_invisible_and_noncharacters_are_removed(removed: str) -> None:
    assert normalise(f"Ша{removed}кен") == "Шакен"


def test_tab_and_newline_stay_and_the_ends_are_trimmed() -> None:
    assert normalise("  \u200b First line\r\n\tsecond\u00a0 \n") == "First line\n\tsecond"


def test_only_invisible_characters_is_empty() -> None:
    assert normalise("\u200b\u200c\u200d\ufeff\u2060 ") == ""


def test_an_invisible_character_between_a_letter_and_its_mark_lets_them_compose() -> None:
    assert normalise("и\u200b\u0306") == "й"


def test_lone_surrogates_are_removed() -> None:
    assert normalise("a\ud800b") == "ab"


@given(st.text())
def test_normalised_text_is_stable_and_clean(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert unicodedata.is_normalized("NFC", once)
    assert not any(ch in once for ch in INVISIBLE + CONTROLS + NONCHARACTERS)


def test_max_length_reads_the_column() -> None:
    assert max_length(TeacherProfile.full_name) == 200
    assert max_length(TeacherProfile.org_name) == 300
    assert max_length(Commission.order_number) == 64
    with pytest.raises(TypeError):
        max_length(TeacherProfile.experience_years)


def _message(bot: Bot, **fields: Any) -> Message:
    return Message(message_id=1, date=datetime.now(UTC), chat=Chat(id=5, type="private"), **fields).as_(bot)


async def _through(message: Message) -> list[Message]:
    seen: list[Message] = []

    async def handler(event: Any, _data: dict[str, Any]) -> None:
        seen.append(event)

    await TextInputMiddleware()(handler, message, {})
    return seen


async def test_the_handler_gets_a_normalised_copy_still_bound_to_the_bot() -> None:
    bot = Bot("42:TEST")
    original = _message(bot, text="\u200bИванов\u00ad Иван ", entities=[MessageEntity(type="bold", offset=0, length=3)])
    [seen] = await _through(original)
    assert seen.text == "Иванов Иван" and seen.entities is None
    assert seen.bot is bot and original.text == "\u200bИванов\u00ad Иван "
    await bot.session.close()


async def test_a_caption_is_normalised_and_an_empty_one_dropped() -> None:
    bot = Bot("42:TEST")
    [seen] = await _through(_message(bot, caption=unicodedata.normalize("NFD", "диплом й")))
    assert seen.caption == "диплом й" and seen.bot is bot
    [seen] = await _through(_message(bot, caption="\u200b\u200b"))
    assert seen.caption is None
    await bot.session.close()


async def test_an_unchanged_message_is_passed_as_it_is() -> None:
    bot = Bot("42:TEST")
    original = _message(bot, text="Иванов Иван")
    [seen] = await _through(original)
    assert seen is original
    await bot.session.close()
