"""Tables of attestation commissions (migration 0004_commission).

Applications live with the checklist (`storage.checklist_models.Application`, migration 0002). This
migration branches off 0001 and the order in which branches apply is not fixed, so the rows that
point at an application keep its id without a database foreign key.
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
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class InviteKind(StrEnum):
    MEMBER = "member"
    SECRETARY = "secretary"


class ReviewStatus(StrEnum):
    PENDING = "pending"  # routed, waiting for the secretary
    ACCEPTED = "accepted"  # accepted for a session
    REFUSED = "refused"
    SCHEDULED = "scheduled"  # on a session's agenda
    DECIDED = "decided"


class SessionStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # members mark themselves present
    VOTING = "voting"  # quorum reached, candidates are put to the vote
    CLOSED = "closed"


class ItemStatus(StrEnum):
    WAITING = "waiting"
    VOTING = "voting"
    CLOSED = "closed"  # decided
    DEFERRED = "deferred"  # postponed to a later session: the application is accepted again


class Commission(Base):
    __tablename__ = "commissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(32))
    # The KATO code of the district or city it serves (scoring.areas), for district and organisation levels.
    area_code: Mapped[str | None] = mapped_column(String(9))
    # The area as typed before areas were a list, kept only while it matches no area (the admin is told).
    legacy_area: Mapped[str | None] = mapped_column(String(200))
    area_reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    organisation: Mapped[str | None] = mapped_column(String(300))
    order_number: Mapped[str] = mapped_column(String(64))
    order_date: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    locale: Mapped[str] = mapped_column(String(8))  # the language of its documents
    secretary_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    secretary_name: Mapped[str | None] = mapped_column(String(200))
    # Who did it; None once that person erased their data (/delete_me, migration 0011).
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CommissionMember(Base):
    __tablename__ = "commission_members"
    __table_args__ = (UniqueConstraint("commission_id", "user_id", name="uq_commission_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # scoring.commission.MemberRole
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CommissionInvite(Base):
    """A one-time deep-link code: /start inv<code>."""

    __tablename__ = "commission_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # None: erased since (migration 0011)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_by: Mapped[int | None] = mapped_column(BigInteger)


class ChairVote(Base):
    """A member's vote in the chair election; one per member, changeable until a chair is elected."""

    __tablename__ = "commission_chair_votes"

    commission_id: Mapped[int] = mapped_column(
        ForeignKey("commissions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    voter_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    candidate_user_id: Mapped[int] = mapped_column(BigInteger)
    voted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApplicationReview(Base):
    """Where an application was routed and what the secretary did with it."""

    __tablename__ = "application_reviews"

    application_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)  # the teacher
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PENDING.value, index=True)
    routed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    routed_on: Mapped[date] = mapped_column(Date)  # the working day the 1-working-day clock starts from
    acted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acted_by: Mapped[int | None] = mapped_column(BigInteger)
    grounds: Mapped[list[str] | None] = mapped_column(JSON)
    documents: Mapped[str | None] = mapped_column(Text)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CommissionSession(Base):
    __tablename__ = "commission_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # protocol number within the commission
    session_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.DRAFT.value)
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # None: erased since (migration 0011)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The order of the attesting body that assigns the categories on this session's protocol (§12), entered by
    # the secretary or an admin once it is signed; the certificates cite it (migration 0013).
    order_number: Mapped[str | None] = mapped_column(String(64))
    order_date: Mapped[date | None] = mapped_column(Date)
    order_issuer: Mapped[str | None] = mapped_column(String(300))  # the organisation or authority that issued it
    order_signatory: Mapped[str | None] = mapped_column(String(200))  # its head, who signs the certificates
    certificates_issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped by every state change so that concurrent changes serialise on this row (see repository).
    version: Mapped[int] = mapped_column(Integer, default=0)


class Attendance(Base):
    __tablename__ = "session_attendance"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("commission_sessions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgendaItem(Base):
    """A candidate on a session's agenda, with what the protocol prints about them at that time."""

    __tablename__ = "session_candidates"
    __table_args__ = (UniqueConstraint("session_id", "application_id", name="uq_session_application"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("commission_sessions.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(Integer, index=True)  # looked up alone: history, export, appeals
    # None: the candidate erased their data and this row is kept as the record of the decision
    # (scoring/retention.py); it names them only as the protocol does (migration 0011).
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ItemStatus.WAITING.value)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    org_name: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(16))  # regular / early
    current_category: Mapped[str | None] = mapped_column(String(32))
    claimed_category: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=0)


class Vote(Base):
    """One member's vote on one candidate. The unique key is what stops a vote being counted twice."""

    __tablename__ = "commission_votes"
    __table_args__ = (
        UniqueConstraint("session_id", "candidate_id", "member_user_id", name="uq_vote_once"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("commission_sessions.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("session_candidates.id", ondelete="CASCADE"), index=True)
    member_user_id: Mapped[int] = mapped_column(BigInteger)
    decision: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(32))
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changes: Mapped[int] = mapped_column(Integer, default=0)


class Abstention(Base):
    """A member present who had not voted when the secretary closed the vote anyway (migration 0013)."""

    __tablename__ = "commission_abstentions"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("session_candidates.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    member_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)  # the secretary; None once they erased their data


class BallotMessage(Base):
    """Where a member's ballot on a candidate is in their chat, learnt from their first press on it, so the
    ballot can show their vote and lose its buttons when the vote closes (migration 0013)."""

    __tablename__ = "commission_ballot_messages"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("session_candidates.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    member_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger)


class CommissionDecision(Base):
    __tablename__ = "commission_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("session_candidates.id", ondelete="CASCADE"), unique=True
    )
    decision: Mapped[str] = mapped_column(String(16))
    assigned_category: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))  # scoring.commission.Outcome
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_on: Mapped[date] = mapped_column(Date)
    extract_due: Mapped[date] = mapped_column(Date)
    certificate_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    valid_until: Mapped[date | None] = mapped_column(Date)
    extract_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    certificate_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Typed by the secretary for decisions whose protocol table has a "Reason" column (migration 0006).
    reason: Mapped[str | None] = mapped_column(Text)
    # Who the majority was counted of when the vote closed: members present who could vote, and the reading of
    # §18 in force (scoring.commission.Majority), so the protocol states what the decision rests on (0013).
    voters: Mapped[int | None] = mapped_column(Integer)
    majority_of: Mapped[str | None] = mapped_column(String(16))


class GeneratedDocument(Base):
    __tablename__ = "commission_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("commission_sessions.id", ondelete="CASCADE"))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("session_candidates.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # protocol / extract / certificate
    fmt: Mapped[str] = mapped_column(String(8))  # docx / pdf
    locale: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(200))
    # Documents generated before migration 0020 keep their bytes here; later ones only in the file store.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The document's copy in the file store (storage/files; owner RECORDS_OWNER: the commission's records).
    stored_file_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("stored_files.id", ondelete="SET NULL", name="fk_commission_documents_stored_file"))


class CommissionPoints(Base):
    """A member's commission points: the candidate's scoring sheet as this member scores it (migration 0006).

    `answers` has the input format of `python -m scoring evaluate` (as SelfAssessment.answers), starting as a
    copy of the candidate's self-assessment so the member only changes what they disagree with.
    """

    __tablename__ = "commission_points"
    __table_args__ = (UniqueConstraint("candidate_id", "member_user_id", name="uq_points_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("session_candidates.id", ondelete="CASCADE"), index=True)
    member_user_id: Mapped[int] = mapped_column(BigInteger)
    sheet_id: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
