"""Tables of broadcasts and reminders: the broadcast queue (one row per recipient) and the reminder bookkeeping.

The queue lives in the database so that a crash or `kill -9` loses nothing: every state change of a
recipient row is committed before the next step (see features/broadcast/sender.py for the protocol).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class BroadcastStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"


class RecipientStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed and committed just before the send: the only state that can be in doubt
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"  # was "sending" when its process died: maybe delivered, never resent
    CANCELLED = "cancelled"


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # None: erased since (migration 0011)
    admin_locale: Mapped[str] = mapped_column(String(8))
    text_kk: Mapped[str] = mapped_column(Text)
    text_ru: Mapped[str] = mapped_column(Text)
    # {"kind": ..., "value": ...}: kept for the status report; the recipients are fixed at creation.
    segment: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=BroadcastStatus.RUNNING, index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # The admin chose a paid broadcast (Telegram's allow_paid_broadcast: up to 1,000/s, Stars from the
    # bot's balance); False, the default, is the free rate (BROADCAST_RATE).
    paid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(Integer)
    # One process at a time delivers a broadcast: it holds a lease it renews while sending.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BroadcastRecipient(Base):
    __tablename__ = "broadcast_recipients"
    __table_args__ = (
        # One row per person and broadcast; led by the person, the same index finds her rows when she
        # blocks the bot or is erased (migration 0028 merged the two indexes: a national segment's
        # enqueue writes every index for each of its hundreds of thousands of rows).
        UniqueConstraint("user_id", "broadcast_id", name="uq_broadcast_recipient_user"),
        Index("ix_broadcast_recipients_queue", "broadcast_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    locale: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=RecipientStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SentReminder(Base):
    """One row per reminder ever claimed. The unique key is the once-only guarantee: the row is
    inserted and committed before the message is sent, so a second process (or a second tick) that
    tries the same reminder fails the insert and skips it."""

    __tablename__ = "sent_reminders"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "academic_year", "occasion", name="uq_sent_reminder"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    academic_year: Mapped[int] = mapped_column(Integer)
    occasion: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    error: Mapped[str | None] = mapped_column(String(300))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReminderPreference(Base):
    """A teacher's choice about reminders (/reminders); no row means reminders are on."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    muted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ApplicationWindow(Base):
    """The application window of one academic year, set by an admin (/window); default from the rule set."""

    __tablename__ = "application_windows"

    academic_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    set_by: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
