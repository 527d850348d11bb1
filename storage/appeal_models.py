"""Tables of complaints about a refusal or a decision (§26; migration 0022_appeals)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class AppealSubject(StrEnum):
    REFUSAL = "refusal"  # the secretary refused to accept the documents
    DECISION = "decision"  # the commission's decision


class AppealStatus(StrEnum):
    FILED = "filed"  # registered, held by the provider (the commission's secretary and the admins)
    FORWARDED = "forwarded"  # sent with the case to the quality-control body
    SCHEDULED = "scheduled"  # its review has a date
    UPHELD = "upheld"
    REJECTED = "rejected"


OPEN_STATUSES = (AppealStatus.FILED, AppealStatus.FORWARDED, AppealStatus.SCHEDULED)


class AppealRemedy(StrEnum):
    """What an upheld complaint leads to."""

    REVOTE = "revote"  # the commission votes on the application again
    CORRECTION = "correction"  # the decision or its documents are corrected


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (UniqueConstraint("year", "sequence", name="uq_appeals_year_sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Ж-2026-000123: its registration number, a sequence per calendar year.
    number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    application_id: Mapped[int] = mapped_column(Integer, index=True)
    commission_id: Mapped[int | None] = mapped_column(Integer, index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)  # the teacher who complains
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(16))  # AppealSubject
    subject_on: Mapped[date] = mapped_column(Date)  # the day of the refusal or decision
    grounds: Mapped[str] = mapped_column(String(3000))
    attend: Mapped[bool] = mapped_column(Boolean, default=False)  # she wants to attend its review
    status: Mapped[str] = mapped_column(String(16), default=AppealStatus.FILED.value, index=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_on: Mapped[date] = mapped_column(Date)
    forward_by: Mapped[date] = mapped_column(Date)
    provider_review_by: Mapped[date] = mapped_column(Date)
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    forwarded_by: Mapped[int | None] = mapped_column(BigInteger)
    quality_body_review_by: Mapped[date | None] = mapped_column(Date)  # set when forwarded
    review_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scheduled_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    remedy: Mapped[str | None] = mapped_column(String(16))  # AppealRemedy, when upheld
    reasons: Mapped[str | None] = mapped_column(String(3000))  # why it was rejected
    # The documents of the application are to be revoked and reissued (upheld): when that was asked for.
    reissue_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    # The deadline a reminder went out for, and the deadline it was reported overdue for: each once.
    reminded_for: Mapped[date | None] = mapped_column(Date)
    overdue_reported_for: Mapped[date | None] = mapped_column(Date)


class AppealFile(Base):
    """A file she attached to her complaint, kept in the file store like her other documents."""

    __tablename__ = "appeal_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    file_id: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # "document" or "photo"
