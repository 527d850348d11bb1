"""The rows of the file store on SQLite and PostgreSQL: one per owner and content, found by retention date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.file_repository import FileRepository

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
SHA = "ab" * 32


async def test_the_same_content_of_one_owner_is_one_row(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        repo = FileRepository(session)
        fields = {"sha256": SHA, "size": 10, "detected_type": "pdf", "created_at": NOW}
        first = await repo.record(owner_user_id=7, store_key=f"7/{SHA}", **fields)  # type: ignore[arg-type]
        again = await repo.record(owner_user_id=7, store_key=f"7/{SHA}", **fields)  # type: ignore[arg-type]
        other = await repo.record(owner_user_id=8, store_key=f"8/{SHA}", **fields)  # type: ignore[arg-type]
        await session.commit()
        assert again.id == first.id != other.id
        assert [row.id for row in await repo.of_owner(7)] == [first.id]
        await repo.keep_until([first.id], NOW)
        assert [row.id for row in await repo.expired(NOW - timedelta(seconds=1))] == []
        assert [row.id for row in await repo.expired(NOW)] == [first.id]
        assert await repo.remove_of_owner(7) == 1
        assert await repo.remove([other.id]) == 1
        await session.commit()
        assert await repo.of_owner(8) == []
