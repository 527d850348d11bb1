"""Typed fields every area's callback data uses (row ids, user ids), and the factories not yet moved to
their area. Callback data is client-controlled: handlers re-check everything."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

# Row ids are INTEGER columns (32 bits on PostgreSQL), Telegram user ids BIGINT. A forged number beyond
# them fails the factory's validation, so its button is answered as stale instead of breaking a query's
# bound parameter (pydantic also refuses digits such as "²" that str.isdigit() lets through).
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
RowId = Annotated[int, Field(ge=0, le=INT32_MAX)]
_ASCII_NUMBER = re.compile(r"[0-9]{1,19}")


def number_in(text: str, maximum: int) -> int | None:
    """A non-negative number carried as text in callback data (a user id, a row id): ASCII digits only,
    at most `maximum`; None for anything else."""
    if not _ASCII_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if value <= maximum else None


def row_id_in(text: str) -> int | None:
    return number_in(text, INT32_MAX)


def user_id_in(text: str) -> int | None:
    return number_in(text, INT64_MAX)


