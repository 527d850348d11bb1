"""The department's file store, on a local folder and on a real S3 server: every check runs on both."""

from __future__ import annotations

import logging
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from storage.file_models import StoredFile
from storage.files import FileStore, FileType, LocalFileStore, MissingFile, UnacceptedFile, sha256_of
from storage.files.service import FileStoreService, erase_expired_files
from tests.storage import sample_files
from tests.storage.sample_files import everything_in

TEACHER, OTHER = 1001, 2002
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def service(session: AsyncSession, store: FileStore) -> FileStoreService:
    return FileStoreService(session, store, clock=lambda: NOW)


async def rows(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(StoredFile)) or 0)


# --- the store ------------------------------------------------------------------------------------------


async def test_put_get_delete_round_trip(file_store: FileStore) -> None:
    data = sample_files.pdf()
    key = await file_store.put(TEACHER, data)
    assert key == f"{TEACHER}/{sha256_of(data)}"
    assert await file_store.exists(key)
    assert await file_store.get(key) == data
    assert await file_store.keys_of(TEACHER) == [key]
    await file_store.delete(key)
    assert not await file_store.exists(key)
    assert await file_store.keys_of(TEACHER) == []
    with pytest.raises(MissingFile):
        await file_store.get(key)
    await file_store.delete(key)  # deleting what is gone is not an error
    assert await everything_in(file_store) == []


async def test_the_same_bytes_are_one_object_per_owner(file_store: FileStore) -> None:
    data = sample_files.png()
    first = await file_store.put(TEACHER, data)
    assert await file_store.put(TEACHER, data) == first
    other = await file_store.put(OTHER, data)
    assert other != first
    assert len(await everything_in(file_store)) == 2
    await file_store.delete(first)
    assert await file_store.get(other) == data
    assert await file_store.keys_of(TEACHER) == [] and await file_store.keys_of(OTHER) == [other]


async def test_an_owner_lists_only_their_own_keys(file_store: FileStore) -> None:
    # 1001 is a prefix of 10011's digits: the listing must not mix them up.
    mine = {await file_store.put(TEACHER, sample_files.pdf()), await file_store.put(TEACHER, sample_files.jpeg())}
    await file_store.put(TEACHER * 10 + 1, sample_files.pdf())
    assert await file_store.keys_of(TEACHER) == sorted(mine)


@pytest.mark.parametrize("key", ["../../etc/passwd", "1001/../../x", "1001/" + "A" * 64, "-5/" + "0" * 64, ""])
async def test_a_key_is_never_a_path(file_store: FileStore, key: str) -> None:
    for operation in (file_store.get, file_store.delete, file_store.exists):
        with pytest.raises(ValueError):
            await operation(key)


async def test_local_files_are_written_whole_and_private(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    key = await store.put(TEACHER, sample_files.word())
    path = tmp_path / "files" / "001" / str(TEACHER) / key.split("/")[1]
    assert path.is_file()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    await store.delete(key)
    assert not path.parent.exists()  # the owner's emptied folder goes too


# --- uploads: detect, store, record ----------------------------------------------------------------------


async def test_an_upload_is_stored_and_recorded(file_store: FileStore,
                                                sqlite_sessions: async_sessionmaker[AsyncSession]) -> None:
    data = sample_files.word()
    async with sqlite_sessions() as session:
        stored = await service(session, file_store).store_upload(TEACHER, data)
        await session.commit()
        assert (stored.owner_user_id, stored.sha256, stored.size) == (TEACHER, sha256_of(data), len(data))
        assert stored.detected_type == FileType.DOCX
        assert stored.created_at.replace(tzinfo=UTC) == NOW
        assert await service(session, file_store).read(stored) == data


async def test_the_same_upload_twice_is_stored_once(file_store: FileStore,
                                                    sqlite_sessions: async_sessionmaker[AsyncSession]) -> None:
    data = sample_files.jpeg()
    async with sqlite_sessions() as session:
        first = await service(session, file_store).store_upload(TEACHER, data)
        again = await service(session, file_store).store_upload(TEACHER, data)
        await session.commit()
    assert again.id == first.id
    assert await rows(sqlite_sessions) == 1
    assert await everything_in(file_store) != [] and len(await everything_in(file_store)) == 1


async def test_an_upload_whose_object_was_lost_is_stored_again(
        file_store: FileStore, sqlite_sessions: async_sessionmaker[AsyncSession]) -> None:
    data = sample_files.png()
    async with sqlite_sessions() as session:
        first = await service(session, file_store).store_upload(TEACHER, data)
        await file_store.delete(first.store_key)
        again = await service(session, file_store).store_upload(TEACHER, data)
        assert again.id == first.id
        assert await service(session, file_store).read(again) == data


async def test_a_renamed_program_is_refused_and_nothing_is_kept(
        file_store: FileStore, sqlite_sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sqlite_sessions() as session:
        for refused in (sample_files.program(), sample_files.plain_zip(), b""):
            with pytest.raises(UnacceptedFile):
                await service(session, file_store).store_upload(TEACHER, refused)
        await session.commit()
    assert await rows(sqlite_sessions) == 0
    assert await everything_in(file_store) == []


async def test_a_file_that_no_longer_matches_its_checksum_is_not_served(
        file_store: FileStore, sqlite_sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sqlite_sessions() as session:
        stored = await service(session, file_store).store_upload(TEACHER, sample_files.pdf())
        stored.sha256 = sha256_of(b"something else")
        with pytest.raises(MissingFile):
            await service(session, file_store).read(stored)


# --- erasure ---------------------------------------------------------------------------------------------


async def test_erasing_an_owner_leaves_the_store_without_their_files(
        file_store: FileStore, sqlite_sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sqlite_sessions() as session:
        files = service(session, file_store)
        for make in (sample_files.pdf, sample_files.jpeg, sample_files.png, sample_files.word):
            await files.store_upload(TEACHER, make())
        kept = await files.store_upload(OTHER, sample_files.pdf())
        await session.commit()
    # An object stored but never recorded (its upload's transaction rolled back) is the owner's too.
    await file_store.put(TEACHER, sample_files.image("GIF"))
    async with sqlite_sessions() as session:
        assert await service(session, file_store).erase_owner(TEACHER) == 5
        await session.commit()
    assert await file_store.keys_of(TEACHER) == []
    assert await file_store.keys_of(OTHER) == [kept.store_key]
    assert len(await everything_in(file_store)) == 1
    assert await rows(sqlite_sessions) == 1
    async with sqlite_sessions() as session:
        assert await service(session, file_store).erase_owner(OTHER) == 1
        assert await service(session, file_store).erase_owner(OTHER) == 0
        await session.commit()
    assert await everything_in(file_store) == []
    assert await rows(sqlite_sessions) == 0


async def test_files_past_their_retention_date_are_erased(
        file_store: FileStore, sqlite_sessions: async_sessionmaker[AsyncSession],
        caplog: pytest.LogCaptureFixture) -> None:
    async with sqlite_sessions() as session:
        files = service(session, file_store)
        expired = [await files.store_upload(TEACHER, sample_files.pdf()),
                   await files.store_upload(OTHER, sample_files.jpeg())]
        later = await files.store_upload(TEACHER, sample_files.png())
        undecided = await files.store_upload(OTHER, sample_files.word())
        await files.keep_until(expired, NOW - timedelta(days=1))
        await files.keep_until([later], NOW + timedelta(days=1))
        await session.commit()
    caplog.set_level(logging.INFO, logger="storage.files.service")
    assert await erase_expired_files(sqlite_sessions, file_store, clock=lambda: NOW) == 2
    left = sorted([later.store_key, undecided.store_key])
    assert sorted(await file_store.keys_of(TEACHER) + await file_store.keys_of(OTHER)) == left
    assert len(await everything_in(file_store)) == 2
    assert await rows(sqlite_sessions) == 2
    assert "erased 2 stored files" in caplog.text
    assert later.sha256 not in caplog.text and str(TEACHER) not in caplog.text
    assert await erase_expired_files(sqlite_sessions, file_store, clock=lambda: NOW) == 0


# --- settings --------------------------------------------------------------------------------------------


def test_the_local_store_sits_next_to_the_sqlite_database() -> None:
    def settings(**values: str) -> Settings:
        return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]

    assert settings(database_url="sqlite+aiosqlite:////srv/bot/attestation.db").files_dir == Path("/srv/bot/files")
    assert settings(database_url="postgresql+asyncpg://bot@db/attestation").files_dir == Path("data/files")
    assert settings(file_store_dir="/mnt/store").files_dir == Path("/mnt/store")
    with pytest.raises(ValueError, match="S3_BUCKET"):
        settings(file_store="s3")
