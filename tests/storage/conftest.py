"""Each storage test runs on SQLite and on a throwaway PostgreSQL server, migrated to every head; the file
store's on a local folder and on a real S3 server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import create_engine, create_session_factory
from storage.files import FileStore, LocalFileStore, S3FileStore
from storage.migrate import upgrade
from tests.services import postgres_server, s3_server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'storage.db'}"
        return
    with postgres_server() as url:
        yield url


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await upgrade(db_url)
    engine = create_engine(db_url)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """One S3 server (moto_server, a real HTTP endpoint on 127.0.0.1) for the test run; a bucket per test."""
    with s3_server() as url:
        yield url


@pytest.fixture(params=["local", "s3"])
async def file_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[FileStore]:
    """The file store on each backend: a local folder, and a fresh bucket on the S3 server."""
    if request.param == "local":
        yield LocalFileStore(tmp_path / "files")
        return
    store = await S3FileStore.connect(bucket=f"files-{uuid.uuid4().hex[:16]}",
                                      endpoint_url=request.getfixturevalue("s3_endpoint"),
                                      access_key="department", secret_key="department-secret")
    await store.ensure_bucket()
    yield store
    await store.close()


@pytest.fixture
async def sqlite_sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'files.db'}"
    await upgrade(url)
    engine = create_engine(url)
    yield create_session_factory(engine)
    await engine.dispose()
