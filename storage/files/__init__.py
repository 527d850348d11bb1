"""The department's file store: the copy of record of every document, in a local folder or on S3."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import SecretStr

from storage.files.detection import FileType, UnacceptedFile, accepted_type, detect_type
from storage.files.local import LocalFileStore
from storage.files.store import FileStore, MissingFile, object_key, parse_key, sha256_of

if TYPE_CHECKING:
    from storage.files.s3 import S3FileStore


def __getattr__(name: str) -> Any:
    # aiobotocore and botocore (some 20 MB) load only where the S3 store is used, not in every bot process.
    if name == "S3FileStore":
        from storage.files.s3 import S3FileStore

        return S3FileStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class FileStoreSettings(Protocol):
    """What the store needs of bot.settings.Settings (FILE_STORE, FILE_STORE_DIR, S3_*)."""

    @property
    def file_store(self) -> str: ...
    @property
    def files_dir(self) -> Path: ...
    @property
    def s3_endpoint_url(self) -> str | None: ...
    @property
    def s3_bucket(self) -> str | None: ...
    @property
    def s3_access_key(self) -> SecretStr | None: ...
    @property
    def s3_secret_key(self) -> SecretStr | None: ...
    @property
    def s3_region(self) -> str: ...


async def connect_file_store(settings: FileStoreSettings) -> FileStore:
    """The store the settings name (FILE_STORE); close it when done."""
    if settings.file_store == "local":
        return LocalFileStore(settings.files_dir)
    if not settings.s3_bucket:
        raise ValueError("FILE_STORE=s3 needs S3_BUCKET")
    from storage.files.s3 import S3FileStore

    store = await S3FileStore.connect(
        bucket=settings.s3_bucket, endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
        access_key=settings.s3_access_key.get_secret_value() if settings.s3_access_key else None,
        secret_key=settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None)
    try:
        await store.ensure_bucket()
    except BaseException:
        await store.close()
        raise
    return store


@asynccontextmanager
async def open_file_store(settings: FileStoreSettings) -> AsyncIterator[FileStore]:
    store = await connect_file_store(settings)
    try:
        yield store
    finally:
        await store.close()


__all__ = [
    "FileStore",
    "FileStoreSettings",
    "FileType",
    "LocalFileStore",
    "MissingFile",
    "S3FileStore",
    "UnacceptedFile",
    "accepted_type",
    "connect_file_store",
    "detect_type",
    "object_key",
    "open_file_store",
    "parse_key",
    "sha256_of",
]
