"""The production back ends for real: migrations and onboarding on PostgreSQL (asyncpg), FSM in Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.fsm.storage.redis import RedisStorage

from app.factory import create_application
from bot.settings import Settings
from features.profile.callbacks import ConsentCallback, LanguageCallback
from storage.migrate import upgrade
from storage.profile_models import TeacherProfile
from tests.conftest import Harness
from tests.fakes import RecordingSession
from tests.services import postgres_server, redis_server


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


async def make_harness(settings: Settings) -> Harness:
    await upgrade(settings.database_url)
    app = create_application(settings)
    session = RecordingSession()
    return Harness(app, Bot(settings.token, session=session), session)


@pytest.fixture
async def pg_harness(pg_url: str, redis_url: str) -> AsyncIterator[Harness]:
    settings = Settings(_env_file=None, bot_token="42:PG", database_url=pg_url,  # type: ignore[call-arg]
                        redis_url=redis_url)
    harness = await make_harness(settings)
    yield harness
    await harness.app.close()


async def test_onboarding_on_postgresql_with_redis_fsm(pg_harness: Harness) -> None:
    assert isinstance(pg_harness.app.storage, RedisStorage)
    assert pg_harness.app.engine.dialect.name == "postgresql"
    user = pg_harness.user(77)
    await pg_harness.text(user, "/start")
    await pg_harness.press(user, LanguageCallback(code="ru").pack())
    await pg_harness.press(user, ConsentCallback(agree=True).pack())
    await pg_harness.text(user, "Иванов Иван")
    async with pg_harness.app.sessions() as session:
        profile = await session.get(TeacherProfile, 77)
        assert profile is not None and profile.full_name == "Иванов Иван"
    state = await pg_harness.app.storage.get_state(_key(pg_harness, 77))
    assert state == "ProfileForm:iin"


async def test_delete_me_on_postgresql_with_redis_fsm(pg_harness: Harness) -> None:
    """The erasure commits on its own and skips SQLite's file work; Redis forgets the conversation."""
    from features.privacy.callbacks import DeleteMeCallback
    from storage.profile_models import User

    user = pg_harness.user(79)
    await pg_harness.text(user, "/start")
    await pg_harness.press(user, LanguageCallback(code="ru").pack())
    await pg_harness.press(user, ConsentCallback(agree=True).pack())
    await pg_harness.text(user, "Иванов Иван")
    assert await pg_harness.app.storage.get_state(_key(pg_harness, 79)) == "ProfileForm:iin"
    await pg_harness.text(user, "/delete_me")
    await pg_harness.press(user, DeleteMeCallback(confirm=True).pack())
    async with pg_harness.app.sessions() as session:
        assert await session.get(TeacherProfile, 79) is None and await session.get(User, 79) is None
    assert await pg_harness.app.storage.get_state(_key(pg_harness, 79)) is None
    assert await pg_harness.app.storage.get_data(_key(pg_harness, 79)) == {}


async def test_sql_fsm_storage_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, bot_token="42:PG", database_url=pg_url)  # type: ignore[call-arg]
    harness = await make_harness(settings)
    try:
        user = harness.user(78)
        await harness.text(user, "/start")
        await harness.press(user, LanguageCallback(code="kk").pack())
        await harness.press(user, ConsentCallback(agree=True).pack())
        assert await harness.app.storage.get_state(_key(harness, 78)) == "ProfileForm:full_name"
        await harness.text(user, "Иванов Иван")
        assert await harness.app.storage.get_state(_key(harness, 78)) == "ProfileForm:iin"
    finally:
        await harness.app.close()


def _key(harness: Harness, user_id: int):  # type: ignore[no-untyped-def]
    from aiogram.fsm.storage.base import StorageKey

    return StorageKey(bot_id=harness.bot.id, chat_id=user_id, user_id=user_id)


async def test_scheduler_job_store_on_postgresql(pg_url: str) -> None:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from sqlalchemy import text

    from app.scheduler import APPEALS_JOB_ID, JOB_ID, create_job_store, start_scheduler
    from features.reminders.service import ReminderService

    settings = Settings(_env_file=None, bot_token="42:PG", database_url=pg_url)  # type: ignore[call-arg]
    harness = await make_harness(settings)
    try:
        assert isinstance(create_job_store(pg_url), SQLAlchemyJobStore)  # psycopg is installed
        service = ReminderService(harness.bot, harness.app.sessions, harness.app.i18n, settings,
                                  rule_book=harness.app.rule_book)
        scheduler = start_scheduler(service, settings)
        scheduler.shutdown(wait=False)
        async with harness.app.sessions() as session:
            ids = (await session.execute(text("select id from apscheduler_jobs"))).scalars().all()
        assert set(ids) == {JOB_ID, APPEALS_JOB_ID}
    finally:
        await harness.app.close()
