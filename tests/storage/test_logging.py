"""No personal data in logs, on SQLite and PostgreSQL: a failing statement's error, logged with its
traceback as the update pipeline logs it, carries neither its parameters nor PostgreSQL's row values."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.profile_models import TeacherProfile

IIN, NAME = "920704431789", "Қуанышбекова Жадыра"


async def test_a_failing_statement_logs_no_iin(sessions: async_sessionmaker[AsyncSession],
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy keeps its own loggers at WARNING unless told otherwise; someone debugging SQL tells them.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    async with sessions() as s:
        s.add(TeacherProfile(user_id=1, consent_at=datetime.now(UTC), full_name=NAME, iin=IIN))
        await s.commit()
    async with sessions() as s:
        found = await s.get(TeacherProfile, 1)  # read back: at DEBUG SQLAlchemy would log the row
        assert found is not None and found.iin == IIN
    with pytest.raises(IntegrityError) as failure:
        async with sessions() as s:
            # consent_at missing: PostgreSQL's error then says "Failing row contains (…, IIN, …)".
            s.add(TeacherProfile(user_id=2, full_name=NAME, iin=IIN))
            await s.commit()
    logging.getLogger("bot.pipeline.middlewares").error("Update 1 failed: %s", type(failure.value).__name__,
                                               exc_info=failure.value)
    assert "NOT NULL" in caplog.text.upper() or "not-null" in caplog.text  # the error is there…
    assert IIN not in caplog.text and NAME not in caplog.text  # …not what was in the row
