"""The file store on S3-compatible object storage: what a department runs on its own servers (e.g. MinIO).

Objects are named by their key (`<owner id>/<sha256>`), so an owner's files are one prefix to list. The
client is aiobotocore (botocore's S3 client on aiohttp, asyncio-native, maintained with botocore). It
addresses buckets by path (`http://server/bucket/key`), which S3-compatible servers accept without
wildcard DNS, and sends checksums only where S3 requires them, as older S3-compatible servers expect.
"""

from __future__ import annotations

import functools
from contextlib import AsyncExitStack
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session
from botocore.exceptions import ClientError

from storage.files.store import MissingFile, object_key, parse_key, sha256_of

MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}


@functools.cache
def _session() -> AioSession:
    # One botocore session per process: it loads and caches S3's service description (a fraction of a
    # second each time otherwise).
    return get_session()


def _is_missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in MISSING


class S3FileStore:
    def __init__(self, client: Any, bucket: str, stack: AsyncExitStack | None = None) -> None:
        self.client = client
        self.bucket = bucket
        self._stack = stack

    @classmethod
    async def connect(cls, *, bucket: str, endpoint_url: str | None = None, access_key: str | None = None,
                      secret_key: str | None = None, region: str = "us-east-1") -> S3FileStore:
        config = AioConfig(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                           response_checksum_validation="when_required", retries={"max_attempts": 3})
        stack = AsyncExitStack()
        client = await stack.enter_async_context(_session().create_client(
            "s3", endpoint_url=endpoint_url, region_name=region, aws_access_key_id=access_key,
            aws_secret_access_key=secret_key, config=config))
        return cls(client, bucket, stack)

    async def ensure_bucket(self) -> None:
        """Create the bucket when it is not there (credentials limited to one bucket need it made beforehand)."""
        try:
            await self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            if not _is_missing(error):
                raise
            region = self.client.meta.region_name
            where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            await self.client.create_bucket(Bucket=self.bucket, **where)

    async def put(self, owner_id: int, data: bytes) -> str:
        key = object_key(owner_id, sha256_of(data))
        await self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentLength=len(data))
        return key

    async def get(self, key: str) -> bytes:
        parse_key(key)
        try:
            response = await self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                raise MissingFile(key) from None
            raise
        async with response["Body"] as stream:
            return bytes(await stream.read())

    async def delete(self, key: str) -> None:
        parse_key(key)
        await self.client.delete_object(Bucket=self.bucket, Key=key)

    async def exists(self, key: str) -> bool:
        parse_key(key)
        try:
            await self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                return False
            raise
        return True

    async def keys_of(self, owner_id: int) -> list[str]:
        keys: list[str] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=f"{owner_id}/")
        async for page in pages:
            keys.extend(str(item["Key"]) for item in page.get("Contents", []))
        return sorted(keys)

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
