"""Filters shared by the areas' routers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject


class IsAdmin(Filter):
    """The sender is one of `ADMIN_IDS` (the update pipeline puts `is_admin` into the handler data).

    Put it on an admin-only router (`router.message.filter(IsAdmin())`); `~IsAdmin()` matches everyone
    else, for the handler that tells them the command is for administrators.
    """

    async def __call__(self, event: TelegramObject, is_admin: bool = False) -> bool:
        return is_admin

