"""App factory: the Bot, the Dispatcher with its routers and middlewares, storage and database."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import UTC, datetime

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import DisabledEventIsolation
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import configure_mappers

from bot.downloads import bot_api_server
from bot.i18n import UserLocaleMiddleware, create_i18n
from bot.pipeline.fsm_storage import SqlStorage
from bot.pipeline.isolation import TransientChatIsolation
from bot.pipeline.middlewares import DatabaseMiddleware
from bot.refusal import RefusalMiddleware
from bot.response_models import hold_response_models
from bot.rule_book import RuleBook, RuleBookMiddleware
from bot.settings import Settings
from bot.text_input import TextInputMiddleware
from features.appeals import handlers as appeals
from features.broadcast import handlers as broadcast
from features.checklist import handlers as checklist
from features.commission.composition import handlers as commission
from features.dossier import handlers as dossier
from features.essay import handlers as essay
from features.export import handlers as export
from features.general import handlers as general
from features.guidance import handlers as guidance
from features.history import handlers as history
from features.profile import handlers as profile
from features.profile import onboarding
from features.reminders import handlers as reminders
from features.rules import handlers as rules
from features.self_assessment import handlers as self_assessment
from features.stats import handlers as stats
from features.submission import handlers as submission
from features.submission.window import handlers as window
from features.verification import handlers as verification
from scoring.calendar import is_working_day
from storage.db import create_engine, create_session_factory
from storage.files import FileStore, LocalFileStore, connect_file_store


def create_bot(settings: Settings, session: AiohttpSession | None = None) -> Bot:
    hold_response_models()
    return Bot(token=settings.token, session=session or AiohttpSession(api=bot_api_server(settings)))


def create_storage(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> BaseStorage:
    if settings.redis_url:
        from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

        return RedisStorage.from_url(settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True))
    return SqlStorage(sessions)


def create_dispatcher(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], storage: BaseStorage, i18n: I18n,
    rule_book: RuleBook | None = None, file_store: FileStore | None = None,
) -> Dispatcher:
    # One chat's updates are handled one at a time (a double tap must not race itself); a chat's lock
    # lives only while it is held or awaited (bot/pipeline/isolation.py).
    isolation: BaseEventIsolation = TransientChatIsolation()
    if settings.redis_url:
        # Several workers on one Redis: serialise the updates of one chat across processes.
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

        assert isinstance(storage, RedisStorage)
        isolation = RedisEventIsolation(storage.redis)
    # FSM is registered by hand so that it runs inside the update's database session: its reads and
    # writes then share the update's single transaction instead of opening their own. The chat lock
    # moves out to the database middleware, so it is held until that transaction commits.
    dp = Dispatcher(storage=storage, events_isolation=DisabledEventIsolation(), disable_fsm=True,
                    fsm_storage=storage)
    dp.update.outer_middleware(DatabaseMiddleware(sessions, settings, isolation, dp.fsm, i18n))
    dp.update.outer_middleware(dp.fsm)
    # The rule sets reach handlers as `rule_book`, kept up to date with the sets stored by any worker.
    dp["rule_book"] = rule_book or RuleBook()
    dp.update.outer_middleware(RuleBookMiddleware())
    # The department's copy of every document reaches handlers as `file_store`.
    dp["file_store"] = file_store or LocalFileStore(settings.files_dir)
    UserLocaleMiddleware(i18n).setup(dp)
    dp.message.outer_middleware(TextInputMiddleware())
    # Every button press is answered once, after its handler (a refusal as an alert, see bot/refusal.py).
    dp.callback_query.middleware(CallbackAnswerMiddleware())
    dp.callback_query.middleware(RefusalMiddleware())
    dp.message.middleware(RefusalMiddleware())
    dp.include_routers(
        general.create_router(), commission.create_router(), onboarding.create_router(), profile.create_router(),
        checklist.create_router(),
        export.create_router(),
        essay.create_router(), submission.create_router(), appeals.create_router(), window.create_router(),
        guidance.create_router(),
        broadcast.create_router(), stats.create_router(), reminders.create_router(), self_assessment.create_router(),
        rules.create_router(), history.create_router(), dossier.create_router(), verification.create_router(),
        general.create_fallback_router(),
    )
    return dp


@dataclass
class Application:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    storage: BaseStorage
    i18n: I18n
    dispatcher: Dispatcher
    rule_book: RuleBook
    file_store: FileStore

    async def close(self) -> None:
        await self.file_store.close()
        await self.storage.close()
        await self.engine.dispose()


def create_application(settings: Settings, file_store: FileStore | None = None) -> Application:
    """The application over `file_store`; without one, a local folder store (FILE_STORE_DIR), which needs no
    connecting — an S3 store is connected by `open_application`."""
    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    storage = create_storage(settings, sessions)
    i18n = create_i18n(settings.default_locale)
    rule_book = RuleBook()
    store = file_store or LocalFileStore(settings.files_dir)
    dispatcher = create_dispatcher(settings, sessions, storage, i18n, rule_book, store)
    return Application(settings, engine, sessions, storage, i18n, dispatcher, rule_book, store)


def settle() -> None:
    """Before serving, what the first update or job would otherwise do while holding the event loop:
    SQLAlchemy's mapper configuration (about 0.2 s, and the full garbage collection it sets off) and the
    public holidays' registry (about 0.5 s, imported by the first working-day question). Then everything
    made so far (modules, catalogues, rule sets: some 280,000 objects that live as long as the process) is
    moved out of the collector's sight (gc.freeze): a full collection walking them cost 0.3 s of CPU on
    the loop, and the reminder run's garbage sets one off every few thousand reminders."""
    configure_mappers()
    is_working_day(datetime.now(UTC).date())
    gc.collect()
    gc.freeze()


async def open_application(settings: Settings) -> Application:
    """The application with the file store FILE_STORE names, connected (closed by `Application.close`)."""
    return create_application(settings, await connect_file_store(settings))
