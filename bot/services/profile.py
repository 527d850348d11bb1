"""Onboarding and profile service: saving answers, consent, eligibility of a profile (erasure: services/erasure.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.profile_form import BY_FIELD, DEPENDENTS, Question, next_question, to_rules_profile
from scoring import eligibility
from scoring.config import Rules
from scoring.iin import InvalidIin, validate_iin
from storage.models import TeacherProfile
from storage.repositories import ProfileRepository


class ProfileService:
    def __init__(self, session: AsyncSession):
        self.profiles = ProfileRepository(session)

    async def get(self, user_id: int) -> TeacherProfile | None:
        return await self.profiles.get(user_id)

    async def give_consent(self, user_id: int) -> TeacherProfile:
        return await self.profiles.give_consent(user_id, datetime.now(UTC))

    async def save_answer(self, profile: TeacherProfile, field: str, value: Any) -> Question | None:
        """Store one answer, forget the answers it invalidates, and return the next open question."""
        previous = getattr(profile, field)
        await self.profiles.set_field(profile, field, value)
        if previous is not None and previous != value:
            for dependent in DEPENDENTS.get(field, ()):
                await self.profiles.set_field(profile, dependent, None)
        upcoming = next_question(profile)
        if upcoming is None and profile.completed_at is None:
            profile.completed_at = datetime.now(UTC)
        return upcoming


def is_complete(profile: TeacherProfile) -> bool:
    return next_question(profile) is None


def assess(profile: TeacherProfile, today: date, rules: Rules) -> eligibility.EligibilityReport | None:
    view = to_rules_profile(profile)
    if view is None:
        return None
    birth, sex = None, None
    if profile.iin:
        try:
            parsed = validate_iin(profile.iin)
            birth, sex = parsed.birth_date, parsed.sex.value
        except InvalidIin:
            pass
    return eligibility.assess(view, today, rules, birth_date=birth, sex=sex)


def question(field: str) -> Question:
    return BY_FIELD[field]
