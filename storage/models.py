"""Database tables. Everything that matters to a person lives here, so a restart loses nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    """A Telegram user who has talked to the bot; holds no personal data beyond the chat's own."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TeacherProfile(Base):
    """Consent and the App 5 profile. Created only after consent; erased on /delete_me."""

    __tablename__ = "teacher_profiles"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    full_name: Mapped[str | None] = mapped_column(String(200))
    iin: Mapped[str | None] = mapped_column(String(12), index=True, unique=True)  # one IIN, one account
    role: Mapped[str | None] = mapped_column(String(32))
    teaching_post: Mapped[str | None] = mapped_column(String(32))  # scoring.categories.TeachingPost
    org_type: Mapped[str | None] = mapped_column(String(32))
    org_name: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(32), index=True)
    # The KATO code of her district or city of regional significance (scoring.areas); None until chosen.
    area_code: Mapped[str | None] = mapped_column(String(9), index=True)
    current_category: Mapped[str | None] = mapped_column(String(32))
    category_valid_until: Mapped[date | None] = mapped_column(Date)
    experience_years: Mapped[int | None] = mapped_column(Integer)
    education: Mapped[str | None] = mapped_column(String(32))
    claimed_category: Mapped[str | None] = mapped_column(String(32))
    attestation_kind: Mapped[str | None] = mapped_column(String(16))
    last_attestation: Mapped[date | None] = mapped_column(Date)
    # None = not asked yet; [] = asked, none apply.
    early_requirements: Mapped[list[str] | None] = mapped_column(JSON)
    certificates: Mapped[list[str] | None] = mapped_column(JSON)
    production_experience_years: Mapped[int | None] = mapped_column(Integer)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class FsmRecord(Base):
    """aiogram FSM state and data, keyed like aiogram's own storages (see bot/pipeline/fsm_storage.py)."""

    __tablename__ = "fsm_records"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class MaintenanceDue(Base):
    """Work the database file owes, done when nobody is using the bot (features/privacy); no personal data."""

    __tablename__ = "maintenance_due"

    task: Mapped[str] = mapped_column(String(32), primary_key=True)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))


__all__ = ["Base", "FsmRecord", "MaintenanceDue", "TeacherProfile", "Text", "User"]

# Every area's tables registered on Base, so Alembic's autogenerate sees the whole schema.
from storage import broadcast_models as _broadcast_models  # noqa: E402,F401
from storage import checklist_models as _checklist_models  # noqa: E402,F401
from storage import commission_models as _commission_models  # noqa: E402,F401
from storage import inbox_models as _inbox_models  # noqa: E402,F401
from storage import outbox_models as _outbox_models  # noqa: E402,F401
from storage import scoring_models as _scoring_models  # noqa: E402,F401
