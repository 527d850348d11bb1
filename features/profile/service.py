"""The profile's decisions: consent, which question a button may answer, storing answers, eligibility
(erasure: features/privacy/service.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal, StaleButton
from features.profile.form import (
    BY_FIELD,
    DEPENDENTS,
    FROZEN_AFTER_SUBMISSION,
    InvalidAnswer,
    Kind,
    ProfileField,
    Question,
    next_question,
    option_label,
    to_rules_profile,
)
from scoring import eligibility
from scoring.areas import AdministrativeArea, AreaMatch, catalogue
from scoring.config import Rules
from scoring.i18n import N_, Phrase
from scoring.iin import InvalidIin, validate_iin
from storage.checklist_repository import ApplicationRepository
from storage.history_repository import HistoryRepository
from storage.profile_models import TeacherProfile, User
from storage.profile_repository import ProfileRepository, UserRepository

# Says nothing of whose profile holds it: the IIN is personal data of someone else.
IIN_TAKEN = Phrase(N_(
    "This IIN is already registered in the bot from another Telegram account, and one IIN belongs to one "
    "account. If you registered it earlier, continue in that account. If it is your IIN and that account is "
    "not yours, tell the bot's administrator at your education department. Please check the digits."
))


FROZEN_ANSWER = Phrase(N_(
    "Your submitted application depends on this answer (where it goes, and what it claims): to change it, "
    "withdraw the application first with /withdraw, then change it and submit again."
))
AREA_NOT_AVAILABLE = Phrase(N_("This option is not available."))


class NotStarted(Refusal):
    """An answer typed with no profile to hold it (consent not given, or erased since)."""

    def __init__(self) -> None:
        super().__init__(Phrase(N_("Please start with /start.")))


@dataclass(frozen=True)
class Opened:
    """A profile question a button may answer now."""

    profile: TeacherProfile
    question: Question


@dataclass(frozen=True)
class KnownCategory:
    """Her current category as her latest decision in the bot gives it (storage/history_repository.py)."""

    category: str
    valid_until: date
    decided_on: date


@dataclass(frozen=True)
class Answered:
    """An answer stored: what it was, and the question that comes next (None: the profile is complete)."""

    profile: TeacherProfile
    question: Question
    value: Any
    upcoming: Question | None
    known: KnownCategory | None = None  # the category questions answered from her last decision on the way


@dataclass(frozen=True)
class Consented:
    profile: TeacherProfile
    already: bool  # the consent was recorded before this press


class ProfileService:
    def __init__(self, session: AsyncSession):
        self.users = UserRepository(session)
        self.profiles = ProfileRepository(session)
        self.applications = ApplicationRepository(session)
        self.history = HistoryRepository(session)

    async def get(self, user_id: int) -> TeacherProfile | None:
        return await self.profiles.get(user_id)

    async def set_language(self, user: User, locale: str) -> TeacherProfile | None:
        """Store the chosen language; her profile, if she has one (the questions go on in that language)."""
        await self.users.set_locale(user, locale)
        return await self.profiles.get(user.id)

    async def give_consent(self, user_id: int) -> Consented:
        existing = await self.profiles.get(user_id)
        if existing is not None:
            return Consented(existing, already=True)
        return Consented(await self.profiles.give_consent(user_id, datetime.now(UTC)), already=False)

    async def open_question(self, user_id: int, field: ProfileField, kind: Kind, open_field: str | None) -> Opened:
        """The question a button answers, if it is the open one and of the button's kind (a pick for a
        single choice, a tick for a multi-select); otherwise the button is stale or forged."""
        profile, submitted = await self.profiles.with_submission(user_id)
        question = BY_FIELD.get(field)
        if profile is None or question is None or open_field != field or question.kind is not kind:
            raise StaleButton()
        if submitted and field in frozen_fields(profile):
            raise Refusal(FROZEN_ANSWER)
        return Opened(profile, question)

    async def start_editing(self, user_id: int, field: ProfileField) -> Opened:
        """/profile's ✏️ on a field: the question asked again, unless the application depends on it."""
        profile = await self.profiles.get(user_id)
        question = BY_FIELD.get(field)
        if profile is None or question is None or not question.applies(profile):
            raise StaleButton()
        await self._refuse_if_locked(profile, field)
        return Opened(profile, question)

    async def _refuse_if_locked(self, profile: TeacherProfile, field: ProfileField) -> None:
        if field in await self.locked_fields(profile):
            raise Refusal(FROZEN_ANSWER)

    async def choose(self, user_id: int, field: ProfileField, value: str, open_field: str | None) -> Answered:
        """A single choice pressed: one of the options her question offers her."""
        opened = await self.open_question(user_id, field, Kind.CHOICE, open_field)
        if option_label(opened.question, opened.profile, value) is None:
            raise StaleButton()
        return await self._answer(opened, opened.question.stored(value))

    async def tick(self, user_id: int, field: ProfileField, value: str, open_field: str | None) -> Opened:
        """A multi-select option ticked or unticked (the ticks are kept in the conversation until Done)."""
        opened = await self.open_question(user_id, field, Kind.MULTI, open_field)
        assert opened.question.options is not None
        if value not in dict(opened.question.options(opened.profile)):
            raise StaleButton()
        return opened

    async def finish_multi(self, user_id: int, field: ProfileField, ticked: set[str] | None,
                           open_field: str | None) -> Answered:
        """Done with the `ticked` options, or (None) "none of these", where the question offers it."""
        opened = await self.open_question(user_id, field, Kind.MULTI, open_field)
        question = opened.question
        if ticked is None and not question.none_first:
            raise StaleButton()
        assert question.options is not None
        chosen = [value for value, _label in question.options(opened.profile) if value in (ticked or set())]
        return await self._answer(opened, chosen)

    async def pick_area(self, user_id: int, code: str, open_field: str | None) -> Answered:
        opened = await self.open_question(user_id, ProfileField.AREA_CODE, Kind.AREA, open_field)
        area = self.area_of_region(opened.profile, code)
        if area is None:
            raise Refusal(AREA_NOT_AVAILABLE)
        return await self._answer(opened, area.code)

    async def refuse_area_action(self, user_id: int, open_field: str | None) -> NoReturn:
        await self.open_question(user_id, ProfileField.AREA_CODE, Kind.AREA, open_field)
        raise Refusal(AREA_NOT_AVAILABLE)

    async def answer_text(self, user_id: int, field: ProfileField, text: str) -> Answered:
        """A typed answer, parsed as its question says; a refusal says what is wrong with it."""
        profile = await self.started(user_id)
        question = BY_FIELD[field]
        assert question.parse is not None
        try:
            return await self._answer(Opened(profile, question), question.parse(text))
        except InvalidAnswer as error:
            raise Refusal(error.message) from None

    async def save_phone(self, user_id: int, phone: str) -> Answered | None:
        """Her own shared contact's number; None when there is no profile to hold it."""
        profile = await self.profiles.get(user_id)
        if profile is None:
            return None
        return await self._answer(Opened(profile, BY_FIELD[ProfileField.PHONE]), phone)

    async def started(self, user_id: int) -> TeacherProfile:
        """Her profile, for a message typed in the questionnaire; NotStarted when there is none."""
        profile = await self.profiles.get(user_id)
        if profile is None:
            raise NotStarted()
        return profile

    async def typed_area(self, user_id: int, text: str) -> tuple[TeacherProfile, list[AdministrativeArea]]:
        """What a typed district may mean in her region (confirmed with a button, never saved as typed)."""
        profile = await self.started(user_id)
        return profile, list(self.match_area(profile, text).candidates)

    async def _answer(self, opened: Opened, value: Any) -> Answered:
        upcoming = await self.save_answer(opened.profile, opened.question.field, value)
        upcoming, known = await self.take_known_category(opened.profile, upcoming)
        return Answered(opened.profile, opened.question, value, upcoming, known)

    async def take_known_category(self, profile: TeacherProfile,
                                  upcoming: Question | None) -> tuple[Question | None, KnownCategory | None]:
        """When her current category is the next question and a decision in the bot assigned her one, both
        category answers are taken from that decision instead of being asked; the question after them is
        returned with what was taken."""
        if upcoming is None or upcoming.field != ProfileField.CURRENT_CATEGORY:
            return upcoming, None
        known = await self.known_category(profile)
        if known is None:
            return upcoming, None
        await self.save_answer(profile, ProfileField.CURRENT_CATEGORY, known.category)
        return await self.save_answer(profile, ProfileField.CATEGORY_VALID_UNTIL, known.valid_until), known

    async def known_category(self, profile: TeacherProfile) -> KnownCategory | None:
        """The category of her latest decision that assigned one, if her position's ladder has it."""
        last = await self.history.last_assigned(profile.user_id)
        question = BY_FIELD[ProfileField.CURRENT_CATEGORY]
        if last is None or last.valid_until is None or option_label(question, profile, last.category) is None:
            return None
        return KnownCategory(last.category, last.valid_until, last.decided_on)

    async def correct_known_category(self, user_id: int) -> Opened:
        """«Correct» under a category taken from her decision: both answers forgotten, the question asked."""
        profile = await self.profiles.get(user_id)
        if profile is None:
            raise StaleButton()
        await self._refuse_if_locked(profile, ProfileField.CURRENT_CATEGORY)
        for field in (ProfileField.CURRENT_CATEGORY, *DEPENDENTS[ProfileField.CURRENT_CATEGORY]):
            await self.profiles.set_field(profile, field, None)
        return Opened(profile, BY_FIELD[ProfileField.CURRENT_CATEGORY])

    async def locked_fields_of(self, user_id: int) -> tuple[TeacherProfile, frozenset[str]] | None:
        """Her profile and the answers her submitted application depends on; None without a profile."""
        profile = await self.profiles.get(user_id)
        if profile is None:
            return None
        return profile, await self.locked_fields(profile)

    async def save_answer(self, profile: TeacherProfile, field: ProfileField, value: Any) -> Question | None:
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
        return frozen_fields(profile)

    def match_area(self, profile: TeacherProfile, text: str) -> AreaMatch:
        return catalogue().match(text, profile.region)

    def area_of_region(self, profile: TeacherProfile, code: str) -> AdministrativeArea | None:
        """The area with this code when it is one of her region's (callback data is client-controlled)."""
        area = catalogue().get(code)
        return area if area is not None and area.region == profile.region else None


def frozen_fields(profile: TeacherProfile) -> frozenset[str]:
    """The answers a submitted application depends on (one not given yet stays open)."""
    return frozenset(f for f in FROZEN_AFTER_SUBMISSION if getattr(profile, f, None) is not None)


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

