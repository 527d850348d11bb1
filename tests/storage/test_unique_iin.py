"""One IIN, one account: the migration that makes the IIN unique, and the index itself (SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from storage.db import create_engine, create_session_factory
from storage.migrate import alembic_config, upgrade
from storage.profile_models import TeacherProfile

T0 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def profile(user_id: int, iin: str | None, consent_days: int, completed_days: int | None = None) -> dict[str, object]:
    return {"user_id": user_id, "iin": iin, "consent_at": T0 + timedelta(days=consent_days),
            "completed_at": None if completed_days is None else T0 + timedelta(days=completed_days)}


async def test_the_migration_leaves_a_shared_iin_with_the_furthest_profile(db_url: str) -> None:
    # Every migration but the one making the IIN unique; then profiles that share IINs, as the bot allowed.
    await asyncio.to_thread(command.upgrade, alembic_config(db_url), "0001")
    engine = create_engine(db_url)
    async with engine.begin() as connection:
        await connection.execute(insert(TeacherProfile.__table__), [
            profile(1, "850315300019", consent_days=0),  # first, but never finished
            profile(2, "850315300019", consent_days=1, completed_days=5),  # completed: keeps it
            profile(3, "850315300019", consent_days=2, completed_days=3),  # completed earlier still: keeps it
            profile(4, "900521400027", consent_days=3),
            profile(5, "900521400027", consent_days=2),  # earlier consent, neither completed: keeps it
            profile(6, "880207350013", consent_days=0, completed_days=1),  # alone: untouched
            profile(7, None, consent_days=0),
            profile(8, None, consent_days=0),
        ])
    await upgrade(db_url)
    async with engine.connect() as connection:
        rows = dict((await connection.execute(select(TeacherProfile.user_id, TeacherProfile.iin))).all())
    assert rows == {1: None, 2: None, 3: "850315300019", 4: None, 5: "900521400027", 6: "880207350013",
                    7: None, 8: None}
    await engine.dispose()


async def test_the_index_refuses_a_second_profile_with_the_same_iin(db_url: str) -> None:
    await upgrade(db_url)
    engine = create_engine(db_url)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        session.add(TeacherProfile(user_id=1, consent_at=T0, iin="850315300019"))
        session.add(TeacherProfile(user_id=2, consent_at=T0))  # any number of profiles without one
        session.add(TeacherProfile(user_id=3, consent_at=T0))
        await session.commit()
    async with sessions() as session:
        session.add(TeacherProfile(user_id=4, consent_at=T0, iin="850315300019"))
        with pytest.raises(IntegrityError):
            await session.commit()
    await engine.dispose()
