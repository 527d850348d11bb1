"""Updates as they arrive from Telegram, kept until their transaction has committed (the inbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class ReceivedUpdate(Base):
    """One Telegram update: stored on arrival (payload kept), marked processed in the transaction that
    applies it (payload dropped). A second delivery of the same `update_id` finds the row and is skipped;
    a row still unprocessed after a crash is replayed at the next start."""

    __tablename__ = "received_updates"

    # Update ids are counted per bot: a department that replaces its bot starts another count.
    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The raw update while it waits; None once applied (it may hold what the person typed).
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # The chat the update belongs to (None for updates of no chat), so that a worker applying one of its
    # updates applies the chat's earlier ones first: several workers keep a chat's order.
    chat_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # Only the waiting rows: the look-up of a chat's earlier unapplied updates costs nothing to keep for
        # the applied ones.
        Index("ix_received_updates_chat_waiting", "bot_id", "chat_id", "update_id",
              postgresql_where=processed_at.is_(None), sqlite_where=processed_at.is_(None)),
    )
