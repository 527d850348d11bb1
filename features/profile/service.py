"""Onboarding and profile service: saving answers, consent, eligibility of a profile (erasure: services/erasure.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from features.profile.form import (
    BY_FIELD,
    DEPENDENTS,
    FROZEN_AFTER_SUBMISSION,
    InvalidAnswer,
    Question,
    next_question,
    to_rules_profile,
)
from scoring import eligibility
from scoring.areas import AdministrativeArea, AreaMatch, catalogue
from scoring.config import Rules
from scoring.i18n import N_, Phrase
from scoring.iin import InvalidIin, validate_iin
from storage.checklist_repository import ApplicationRepository
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository

# Says nothing of whose profile holds it: the IIN is personal data of someone else.
IIN_TAKEN = Phrase(N_(
    "This IIN is already registered in the bot from another Telegram account, and one IIN belongs to one "
    "account. If you registered it earlier, continue in that account. If it is your IIN and that account is "
    "not yours, tell the bot's administrator at your education department. Please check the digits."
))


class ProfileService:
    def __init__(self, session: AsyncSession):
        self.profiles = ProfileRepository(session)
        self.applications = ApplicationRepository(session)

    async def get(self, user_id: int) -> TeacherProfile | None:
        return await self.profiles.get(user_id)

    async def give_consent(self, user_id: int) -> TeacherProfile:
        return await self.profiles.give_consent(user_id, datetime.now(UTC))

    async def save_answer(self, profile: TeacherProfile, field: str, value: Any) -> Question | None:
        """Store one answer, forget the answers it invalidates, and return the next open question.

        Raises InvalidAnswer for an IIN another account already holds (one IIN, one account; the unique
        index keeps it so even when two accounts type it at the same moment)."""
        if field == "iin" and await self._held_by_another(profile, value):
            raise InvalidAnswer(IIN_TAKEN)
        previous = getattr(profile, field)
        await self.profiles.set_field(profile, field, value)
        if previous is not None and previous != value:
            for dependent in DEPENDENTS.get(field, ()):
                await self.profiles.set_field(profile, dependent, None)
        upcoming = next_question(profile)
        if upcoming is None and profile.completed_at is None:
            profile.completed_at = datetime.now(UTC)
        return upcoming

    async def _held_by_another(self, profile: TeacherProfile, iin: str) -> bool:
        holder = await self.profiles.by_iin(iin)
        return holder is not None and holder.user_id != profile.user_id

    async def locked_fields(self, profile: TeacherProfile) -> frozenset[str]:
        """The answers her submitted application depends on: changed only after /withdraw. One not given
        yet (a district that matched none of the list) stays open, so the application can go on."""
        if await self.applications.active(profile.user_id) is None:
            return frozenset()
        return frozenset(f for f in FROZEN_AFTER_SUBMISSION if getattr(profile, f, None) is not None)

    def areas_to_choose(self, profile: TeacherProfile, locale: str | None) -> list[AdministrativeArea]:
        return catalogue().for_choice(profile.region, locale)

    def match_area(self, profile: TeacherProfile, text: str) -> AreaMatch:
        return catalogue().match(text, profile.region)

    def area_of_region(self, profile: TeacherProfile, code: str) -> AdministrativeArea | None:
        """The area with this code when it is one of her region's (callback data is client-controlled)."""
        area = catalogue().get(code)
        return area if area is not None and area.region == profile.region else None


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
