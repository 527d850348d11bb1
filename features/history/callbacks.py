"""Callback data of /history. Client-controlled: a page shows only her own record, and a document is sent
again only when the server finds it is hers."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.callbacks import RowId

MAX_PAGE = 999


class HistoryAct(StrEnum):
    PAGE = "p"  # another page of her record
    RESEND = "r"  # a document of one of her decisions, sent again


class DocumentKind(StrEnum):
    """The documents of a decision that are the teacher's own (the protocol names the whole session)."""

    EXTRACT = "extract"  # App 3 / App 13
    CERTIFICATE = "certificate"  # App 1


class HistoryCallback(CallbackData, prefix="hist"):
    """Page `page` of her record, or the `kind` documents of agenda entry `item` sent again."""

    act: HistoryAct
    page: Annotated[int, Field(ge=0, le=MAX_PAGE)] = 0
    item: RowId = 0
    kind: DocumentKind = DocumentKind.EXTRACT
