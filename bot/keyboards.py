"""Keyboard building blocks every area uses. Labels go through gettext at build time, in the locale of the
current update."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

# Language names are shown in their own language, so they are not translated.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский"}
# Asked before a language is chosen, so in both (after the greeting in the Telegram app's language).
LANGUAGE_QUESTION = "Тілді таңдаңыз / Выберите язык:"
# A label up to this long shares its row with another (two fit a phone's width); a longer one has its own.
SHORT_LABEL = 20


def grid(buttons: list[InlineKeyboardButton], columns: int = 1) -> InlineKeyboardMarkup:
    """Rows of `columns` buttons. (InlineKeyboardBuilder deep-copies every button: costly on hot paths.)"""
    return InlineKeyboardMarkup(inline_keyboard=[buttons[i:i + columns] for i in range(0, len(buttons), columns)])


def compact_rows(buttons: list[InlineKeyboardButton], columns: int) -> list[list[InlineKeyboardButton]]:
    """Short labels `columns` to a row, in their order; a long label on a row of its own."""
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        short = len(button.text) <= SHORT_LABEL
        if short and rows and len(rows[-1]) < columns and len(rows[-1][0].text) <= SHORT_LABEL:
            rows[-1].append(button)
        else:
            rows.append([button])
    return rows
