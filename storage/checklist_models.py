"""Tables of the document checklist, the essay and the application (migration 0002_checklist)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # accepted; "registered" once its registration date has come
    REGISTERED = "registered"
    UNDER_REVIEW = "under_review"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


# An application in one of these states counts as "submitted this academic year" and freezes the file.
ACTIVE_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.REGISTERED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.DECIDED,
)


class NoticeKind(StrEnum):
    ACCEPTANCE = "acceptance"  # App 6
    REFUSAL = "refusal"  # App 7


class UploadedFile(Base):
    """A file sent for a checklist item, kept by its Telegram ids so a commission can be sent it later."""

    __tablename__ = "checklist_files"
    __table_args__ = (UniqueConstraint("user_id", "item_id", "file_unique_id", name="uq_checklist_file"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    mime_type: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # "document" or "photo"
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The department's copy (storage/files); the Telegram ids above are only a cache of it.
    stored_file_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("stored_files.id", ondelete="SET NULL", name="fk_checklist_files_stored_file"))


class ItemMark(Base):
    """The teacher's answers about an item: optional item not applicable; diploma/record in state systems."""

    __tablename__ = "checklist_marks"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    not_applicable: Mapped[bool] = mapped_column(default=False)
    in_state_systems: Mapped[bool | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Essay(Base):
    """The teacher's current essay (§27), stored as text with its word count."""

    __tablename__ = "essays"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    text: Mapped[str] = mapped_column(Text)
    words: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # "text", "docx" or "txt"
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # A .docx essay's copy in the file store (a pasted or .txt essay is its text alone).
    stored_file_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("stored_files.id", ondelete="SET NULL", name="fk_essays_stored_file"))


class EssayTopics(Base):
    """The essay topics of an academic year in one language (set by an admin; migration 0014): a teacher
    reads them in hers."""

    __tablename__ = "essay_topic_lists"

    academic_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    set_by: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Application(Base):
    """An attestation application of one academic year: a draft until accepted, then frozen."""

    __tablename__ = "applications"
    __table_args__ = (
        # Migration 0026: by year and status (/stats, segments); a teacher's of a year (the anti-joins).
        Index("ix_applications_year_status_user", "academic_year", "status", "user_id"),
        Index("ix_applications_user_year_status", "user_id", "academic_year", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    academic_year: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ApplicationStatus.DRAFT.value)
    claimed_category: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    registered_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the teacher and the administrators were told that no commission serves it (yet).
    unrouted_reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What was submitted: item id -> file ids, essay word count (the commission gets exactly this).
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The rule set in force on the day it was submitted (scoring.rulesets.RuleSet.key): it judges the
    # application for its whole life (migration 0017_rule_sets; earlier rows: the 2024 pilot's).
    rule_set_key: Mapped[str | None] = mapped_column(String(128))


class Notice(Base):
    """An acceptance (App 6) or refusal (App 7) notice as it was sent, in the teacher's language."""

    __tablename__ = "application_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    # Refusal: the ids of the failed checks and missing items.
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
