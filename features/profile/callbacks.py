"""Callback data of the language choice, the consent and the profile questions (client-controlled:
each handler re-checks that its question is the open one)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.i18n import Locale
from features.profile.form import ProfileField

# The two values of a multi-select button that are not options (no option id is either).
DONE = "."
NONE_OF_THESE = "none"


class LanguageCallback(CallbackData, prefix="lang"):
    code: Locale


class ConsentCallback(CallbackData, prefix="consent"):
    agree: bool


class ChoiceCallback(CallbackData, prefix="pick"):
    """An answer to the profile question `field`; accepted only while that question is open."""

    field: ProfileField
    value: str


class ToggleCallback(CallbackData, prefix="tick"):
    """Multi-select question: toggle the option `value`, finish (DONE), or answer "none of these"."""

    field: ProfileField
    value: str


class EditFieldCallback(CallbackData, prefix="edit"):
    field: ProfileField


class KnownCategoryCallback(CallbackData, prefix="known"):
    """«Correct» under the current category taken from her last decision: she answers both questions herself."""


class AreaAction(StrEnum):
    PAGE = "page"  # show page `page` of the list
    PICK = "pick"  # choose area `code`


class AreaCallback(CallbackData, prefix="area"):
    """The district question: a page of the list, or an area chosen. Accepted only while that question is
    open, and only for an area of her region. `action` stays text: any other action is refused as not
    available, as a forged area is."""

    action: str
    code: str = ""
    page: int = 0
