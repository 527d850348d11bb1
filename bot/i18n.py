"""Gettext catalogues (English source, `kk` and `ru`) and the locale of each update."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware, get_i18n
from aiogram.utils.i18n import gettext as _

from scoring.areas import sort_key
from scoring.i18n import Phrase

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


class Locale(StrEnum):
    """The languages the bot speaks (English is only the msgid source)."""

    KK = "kk"
    RU = "ru"


SUPPORTED_LOCALES: tuple[str, ...] = tuple(Locale)
DOMAIN = "messages"


def create_i18n(default_locale: str) -> I18n:
    return I18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)


def pick_locale(stored: str | None, telegram_language: str | None, default: str) -> str:
    """The user's chosen language; before they choose, Telegram's app language if we support it."""
    if stored in SUPPORTED_LOCALES:
        return stored
    if telegram_language:
        short = telegram_language.split("-")[0].lower()
        if short in SUPPORTED_LOCALES:
            return short
    return default


class UserLocaleMiddleware(I18nMiddleware):
    """Reads the locale from the user row loaded by DatabaseMiddleware (no extra query)."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        db_user = data.get("db_user")
        tg_user: User | None = data.get("event_from_user")
        return pick_locale(
            db_user.locale if db_user is not None else None,
            tg_user.language_code if tg_user else None,
            self.i18n.default_locale,
        )


def render(message: Phrase) -> str:
    """Translate a rule's message (scoring.i18n.Phrase) into the current locale."""
    return message.render(_)


def in_reading_order(options: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(value, msgid) options sorted by their translation in the alphabet of the update's language, the
    words that only say what kind of place it is («облысы», «область») aside."""
    locale = get_i18n().current_locale
    return sorted(options, key=lambda option: sort_key(_(option[1]), locale))
