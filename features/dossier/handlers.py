"""The dossier buttons: the teacher's own from /status, a commission's from the applicant's card."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import reach_document
from bot.pipeline.outbox import KeptFile
from bot.rule_book import RuleBook
from bot.settings import OFFICIAL_BOT_API_URL, Settings
from features.checklist.service import Clock, utc_now
from features.dossier import views
from features.dossier.build import Dossier
from features.dossier.callbacks import DossierAct, DossierCallback
from features.dossier.service import DossierService
from storage.files import FileStore

# What the official Bot API server takes from a bot in one file; a local one (`--local`) takes 2000 MB.
OFFICIAL_SEND_LIMIT = 50 * 1024 * 1024
LOCAL_SEND_LIMIT = 2000 * 1024 * 1024


def send_limit(settings: Settings) -> int:
    return OFFICIAL_SEND_LIMIT if settings.bot_api_url.rstrip("/") == OFFICIAL_BOT_API_URL else LOCAL_SEND_LIMIT


async def deliver(bot: Bot, service: DossierService, owner: int, chat_id: int, dossier: Dossier, text: str,
                  limit: int, now: datetime) -> None:
    """The explanation, then the PDF and the ZIP (or, for one too large to send, why not). Each is kept in
    the file store as the teacher's for a day (DossierService.sent_copy) and its message names it there: a large
    dossier does not wait in an outbox row as bytes; /delete_me or the retention job removes the copy."""
    await bot.send_message(chat_id, text)
    for data, name, caption, kind in ((dossier.pdf, dossier.pdf_name, views.pdf_caption(dossier), "pdf"),
                                      (dossier.zip, dossier.zip_name, views.zip_caption(), "zip")):
        if len(data) > limit:
            await bot.send_message(chat_id, views.too_large_text(name, len(data), limit))
            continue
        stored_id = await service.sent_copy(owner, data, kind, now)
        await reach_document(bot, chat_id, KeptFile(data, name, stored_id), caption)


async def own_dossier(callback: CallbackQuery, callback_data: DossierCallback, bot: Bot, session: AsyncSession,
                      settings: Settings, rule_book: RuleBook, file_store: FileStore, i18n: I18n,
                      clock: Clock = utc_now) -> None:
    locale = i18n.current_locale
    now = clock()
    service = DossierService(session, file_store, rule_book, settings)
    source = await service.own(callback.from_user.id, callback_data.application, now)
    dossier = await views.dossier_of(source, partial(i18n.gettext, locale=locale), locale)
    await deliver(bot, service, source.profile.user_id, callback.from_user.id, dossier,
                  views.own_text(dossier, settings.files_in_bot), send_limit(settings), now)


async def commission_dossier(callback: CallbackQuery, callback_data: DossierCallback, bot: Bot,
                             session: AsyncSession, settings: Settings, rule_book: RuleBook, file_store: FileStore,
                             i18n: I18n, clock: Clock = utc_now) -> None:
    locale = i18n.current_locale
    now = clock()
    service = DossierService(session, file_store, rule_book, settings)
    source = await service.for_commission(callback.from_user.id, callback_data.application, now)
    dossier = await views.dossier_of(source, partial(i18n.gettext, locale=locale), locale)
    await deliver(bot, service, source.profile.user_id, callback.from_user.id, dossier,
                  views.commission_text(dossier), send_limit(settings), now)


def create_router() -> Router:
    router = Router(name="dossier")
    router.callback_query.register(own_dossier, DossierCallback.filter(F.act == DossierAct.OWN))
    router.callback_query.register(commission_dossier, DossierCallback.filter(F.act == DossierAct.REVIEW))
    return router
