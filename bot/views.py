"""The stale-button answer still shared by the areas not yet raising `StaleButton` (bot/refusal.py)."""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.clock import local_today

__all__ = ["answer_stale", "local_today"]


async def answer_stale(callback: CallbackQuery) -> None:
    """A button whose moment has passed, or forged callback data: said, never silently ignored."""
    await callback.answer(_("This button is no longer active."), show_alert=True)
