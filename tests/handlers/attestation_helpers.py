"""Helpers of the checklist / essay / submission handler tests: a ready profile, files, a fixed clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import Document, PhotoSize

from features.profile.service import is_complete
from scoring.iin import check_digit
from storage.profile_models import TeacherProfile, User
from tests.conftest import Harness

ALMATY = ZoneInfo("Asia/Almaty")
# Wednesday 25 November 2026, 11:00 in Almaty: a working day inside the 2026 window.
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=ALMATY)
VALID_IIN = "850315300019"


def iin_for(user_id: int) -> str:
    """A valid IIN of its own for each test user (one IIN belongs to one account): born in 1985."""
    born = date(1985, 1, 1) + timedelta(days=(user_id // 10_000) % 365)
    for century in "34":
        first_eleven = born.strftime("%y%m%d") + century + f"{user_id % 10_000:04d}"
        digit = check_digit(first_eleven)
        if digit is not None:
            return first_eleven + str(digit)
    raise AssertionError(f"no valid IIN for user {user_id}")


def at(moment: datetime) -> Any:
    return lambda: moment


async def make_teacher(h: Harness, user_id: int, locale: str = "ru", **overrides: Any) -> TeacherProfile:
    """A user who chose a language, consented and answered every profile question."""
    fields: dict[str, Any] = dict(
        full_name="Ахметова Айгуль", iin=iin_for(user_id), role="teacher", teaching_post="subject",
        org_type="general_secondary",
        org_name="School-lyceum No. 7", region="karaganda", area_code="351010000", current_category="moderator",
        category_valid_until=date(2026, 12, 31), experience_years=8, education="higher_pedagogical",
        claimed_category="expert", attestation_kind="regular", early_requirements=[], certificates=[],
        special_programme=False, transferred=False, email="teacher@mail.kz", phone="+77011234567",
    )
    fields.update(overrides)
    async with h.app.sessions() as session:
        user = await session.get(User, user_id)
        if user is None:
            session.add(User(id=user_id, locale=locale, is_active=True))
        else:
            user.locale = locale
        profile = TeacherProfile(user_id=user_id, consent_at=NOW, completed_at=NOW, **fields)
        session.add(profile)
        await session.commit()
        return profile


async def profile_complete(h: Harness, user_id: int) -> bool:
    async with h.app.sessions() as session:
        profile = await session.get(TeacherProfile, user_id)
        return profile is not None and is_complete(profile)


def pdf(unique: str, name: str = "scan.pdf", size: int = 200_000, mime: str = "application/pdf") -> Document:
    return Document(file_id=f"F-{unique}", file_unique_id=unique, file_name=name, mime_type=mime, file_size=size)


def photo(unique: str, size: int = 150_000) -> list[PhotoSize]:
    return [
        PhotoSize(file_id=f"S-{unique}", file_unique_id=f"{unique}-s", width=90, height=90, file_size=2_000),
        PhotoSize(file_id=f"P-{unique}", file_unique_id=unique, width=1280, height=960, file_size=size),
    ]
