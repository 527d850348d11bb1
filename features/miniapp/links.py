"""Where the Mini App's pages are (WEBAPP_URL), for the buttons that open them from the chat."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, WebAppInfo
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings

CHECKLIST_VIEW = "checklist"


def sheet_url(settings: Settings) -> str | None:
    """The form of her sheet; None when no Mini App is deployed (the chat flow only)."""
    return settings.webapp_url or None


def checklist_url(settings: Settings) -> str | None:
    """The checklist page: the same page, asked for its checklist view."""
    url = sheet_url(settings)
    if url is None:
        return None
    base, _sep, fragment = url.partition("#")
    query = f"{'&' if '?' in base else '?'}view={CHECKLIST_VIEW}"
    return base + query + (f"#{fragment}" if fragment else "")


def form_button(url: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_("📝 Open the form"), web_app=WebAppInfo(url=url))


def checklist_button(url: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_("📋 Open as a page"), web_app=WebAppInfo(url=url))
