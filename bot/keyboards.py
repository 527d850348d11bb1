"""Keyboards. Labels go through gettext at build time, in the locale of the current update."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import (
    ChoiceCallback,
    ConsentCallback,
    DeleteMeCallback,
    EditFieldCallback,
    LanguageCallback,
    ToggleCallback,
)

# Language names are shown in their own language, so they are not translated.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский"}
# Asked before a language is chosen, so in both (after the greeting in the Telegram app's language).
LANGUAGE_QUESTION = "Тілді таңдаңыз / Выберите язык:"


def grid(buttons: list[InlineKeyboardButton], columns: int = 1) -> InlineKeyboardMarkup:
    """Rows of `columns` buttons. (InlineKeyboardBuilder deep-copies every button: costly on hot paths.)"""
    return InlineKeyboardMarkup(inline_keyboard=[buttons[i:i + columns] for i in range(0, len(buttons), columns)])


def language_keyboard() -> InlineKeyboardMarkup:
    return grid([InlineKeyboardButton(text=name, callback_data=LanguageCallback(code=code).pack())
                 for code, name in LANGUAGE_NAMES.items()], columns=len(LANGUAGE_NAMES))


def consent_keyboard() -> InlineKeyboardMarkup:
    return grid([
        InlineKeyboardButton(text=_("✅ I agree"), callback_data=ConsentCallback(agree=True).pack()),
        InlineKeyboardButton(text=_("❌ I decline"), callback_data=ConsentCallback(agree=False).pack()),
    ], columns=2)


def choice_keyboard(field: str, options: Iterable[tuple[str, str]], columns: int = 1) -> InlineKeyboardMarkup:
    return grid([
        InlineKeyboardButton(text=_(label), callback_data=ChoiceCallback(field=field, value=value).pack())
        for value, label in options
    ], columns)


# A label up to this long shares its row with another (two fit a phone's width); a longer one has its own.
SHORT_LABEL = 20
NONE_OF_THESE = "none"  # the callback value of "none of these" (no option id is "none")


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


def multi_keyboard(field: str, options: Iterable[tuple[str, str]], ticked: set[str], columns: int = 1,
                   none_first: bool = False) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=f"{'☑️' if value in ticked else '⬜'} {_(label)}",
                             callback_data=ToggleCallback(field=field, value=value).pack())
        for value, label in options
    ]
    rows = compact_rows(buttons, columns)
    if none_first:
        rows.insert(0, [InlineKeyboardButton(text=_("🚫 None of these"),
                                             callback_data=ToggleCallback(field=field, value=NONE_OF_THESE).pack())])
    rows.append([InlineKeyboardButton(text=_("Done"), callback_data=ToggleCallback(field=field, value=".").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def contact_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📱 Share my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def profile_edit_keyboard(fields: Iterable[tuple[str, str]], locked: frozenset[str] = frozenset()
                          ) -> InlineKeyboardMarkup:
    return grid([InlineKeyboardButton(text=f"{'🔒' if field in locked else '✏️'} {_(label)}",
                                      callback_data=EditFieldCallback(field=field).pack())
                 for field, label in fields], columns=2)


def delete_me_keyboard() -> InlineKeyboardMarkup:
    return grid([
        InlineKeyboardButton(text=_("Yes, erase my data"), callback_data=DeleteMeCallback(confirm=True).pack()),
        InlineKeyboardButton(text=_("No, keep it"), callback_data=DeleteMeCallback(confirm=False).pack()),
    ], columns=2)
