"""Telling another person something (a secretary, a teacher, a member) in THEIR language.

The update's own locale is the sender's; the addressee reads the message in the language they chose.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.pipeline.outbox import reach
from bot.settings import Settings
from scoring.i18n import Phrase
from storage.models import User


async def locale_of(session: AsyncSession, user_id: int, default: str) -> str:
    user = await session.get(User, user_id)
    return (user.locale if user else None) or default


async def notify(bot: Bot, session: AsyncSession, i18n: I18n, settings: Settings, user_id: int,
                 msgid: str, **params: object) -> None:
    """Send one translated text; rule messages among the parameters are translated too."""
    locale = await locale_of(session, user_id, settings.default_locale)
    rendered = {k: (v.render(lambda t: i18n.gettext(t, locale=locale)) if isinstance(v, Phrase) else v)
                for k, v in params.items()}
    await reach(bot, user_id, i18n.gettext(msgid, locale=locale).format(**rendered))
