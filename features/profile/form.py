"""The profile questionnaire as data: order, kind, options, parsing and what depends on what.

One generic set of handlers (features/profile/onboarding.py) walks this list, so onboarding and /profile
editing share every validation and message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.text_input import max_length
from scoring import areas, eligibility, regions
from scoring.categories import (
    DEPUTY_LADDER,
    HEAD_LADDER,
    TEACHER_LADDER,
    AttestationKind,
    Category,
    Education,
    OrgType,
    Role,
    TeachingPost,
)
from scoring.dates import format_day, parse_day
from scoring.i18n import N_, Phrase
from scoring.iin import InvalidIin, validate_iin
from scoring.profile import Profile
from scoring.units import Unit, without_unit
from storage.profile_models import TeacherProfile

NONE_VALUE = "none"


class ProfileField(StrEnum):
    """The questions of the profile, by the column each answer is stored in."""

    FULL_NAME = "full_name"
    IIN = "iin"
    ROLE = "role"
    TEACHING_POST = "teaching_post"
    ORG_TYPE = "org_type"
    ORG_NAME = "org_name"
    REGION = "region"
    AREA_CODE = "area_code"
    CURRENT_CATEGORY = "current_category"
    CATEGORY_VALID_UNTIL = "category_valid_until"
    EXPERIENCE_YEARS = "experience_years"
    EDUCATION = "education"
    CLAIMED_CATEGORY = "claimed_category"
    ATTESTATION_KIND = "attestation_kind"
    LAST_ATTESTATION = "last_attestation"
    EARLY_REQUIREMENTS = "early_requirements"
    PRODUCTION_EXPERIENCE_YEARS = "production_experience_years"
    CERTIFICATES = "certificates"
    SPECIAL_PROGRAMME = "special_programme"
    TRANSFERRED = "transferred"
    EMAIL = "email"
    PHONE = "phone"


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    MULTI = "multi"
    CONTACT = "contact"
    AREA = "area"  # a district or city of her region, from scoring.areas (paged buttons, or typed and confirmed)


class InvalidAnswer(Exception):
    def __init__(self, message: Phrase):
        super().__init__(message.text)
        self.message = message


Options = Callable[[TeacherProfile], list[tuple[str, str]]]


@dataclass(frozen=True)
class Question:
    field: ProfileField
    label: str
    prompt: str
    kind: Kind
    parse: Callable[[str], Any] | None = None
    options: Options | None = None
    applies: Callable[[TeacherProfile], bool] = lambda _p: True
    columns: int = 1
    # Buttons in the reader's alphabet (a list she scans for a name) rather than in the order given.
    alphabetical: bool = False
    # A multi-select that starts with a "none of these" button (answered with an empty list at once).
    none_first: bool = False
    # A yes/no choice stored as a boolean (the options are YES_NO).
    boolean: bool = False

    def stored(self, value: str) -> Any:
        """What a pressed option stores."""
        return value == YES if self.boolean else value

    def is_answered(self, profile: TeacherProfile) -> bool:
        return getattr(profile, self.field) is not None


# --- parsers -------------------------------------------------------------------------------------
# Every limit of a typed answer is its column's length: what a parser accepts is what can be stored.

_NAME_RE = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")
_DIGITS_RE = re.compile(r"^[0-9]+$")
_PHONE_RE = re.compile(r"^\+?[0-9]{5,15}$")  # E.164: at most 15 digits
MAX_EXPERIENCE_YEARS = 60


def parse_full_name(text: str) -> str:
    words = text.split()
    if (len(words) < 2 or len(" ".join(words)) > max_length(TeacherProfile.full_name)
            or not all(_NAME_RE.match(w) for w in words)):
        raise InvalidAnswer(Phrase(N_(
            "Please send your full name as in your identity document: surname and first name "
            "(and patronymic, if you have one), letters only, at most {max} characters."
        ), {"max": max_length(TeacherProfile.full_name)}))
    return " ".join(w[:1].upper() + w[1:] for w in words)


def parse_iin(text: str) -> str:
    try:
        return validate_iin(text).iin
    except InvalidIin as error:
        raise InvalidAnswer(error.message) from None


def free_text(column: Any, low: int = 2) -> Callable[[str], str]:
    """A name typed into `column` (organisation, district): from `low` characters to the column's length,
    with at least one letter or digit (a row of dots is not a name)."""
    high = max_length(column)

    def parse(text: str) -> str:
        value = " ".join(text.split())
        if not low <= len(value) <= high or not any(ch.isalnum() for ch in value):
            raise InvalidAnswer(Phrase(N_("Please send a name between {min} and {max} characters long."),
                                        {"min": low, "max": high}))
        return value

    return parse


def parse_date(text: str) -> date:
    value = parse_day(text)
    if value is None:
        raise InvalidAnswer(Phrase(N_("Please send a date as DD.MM.YYYY, for example 31.12.2027.")))
    if not 1990 <= value.year <= 2100:
        raise InvalidAnswer(Phrase(N_("That date looks wrong: please check the year.")))
    return value


def parse_past_date(text: str) -> date:
    value = parse_date(text)
    if value > date.today():
        raise InvalidAnswer(Phrase(N_("This date cannot be in the future.")))
    return value


def years_between(low: int, high: int) -> Callable[[str], int]:
    """A whole number of years, the unit allowed ("12", "12 жыл", "12 лет"); a number out of the range is
    refused as such, however many digits it has."""
    def parse(text: str) -> int:
        value = without_unit(text, Unit.YEARS)
        if not _DIGITS_RE.match(value):
            raise InvalidAnswer(Phrase(
                N_("Please send a whole number of years from {low} to {high}."), {"low": low, "high": high}
            ))
        # Compared by length first: int() of thousands of digits is refused by Python itself.
        significant = value.lstrip("0") or "0"
        if len(significant) > len(str(high)) or not low <= int(significant) <= high:
            raise InvalidAnswer(Phrase(
                N_("That is out of range: the number of years is from {low} to {high}."), {"low": low, "high": high}
            ))
        return int(significant)

    return parse


def parse_email(text: str) -> str:
    value = text.strip()
    if len(value) > max_length(TeacherProfile.email) or not _EMAIL_RE.match(value):
        raise InvalidAnswer(Phrase(N_("That does not look like an e-mail address, e.g. name@mail.kz.")))
    return value.lower()


def parse_phone(number: str) -> str | None:
    """The phone of a shared contact as +digits; None when it is not a phone number (a forged contact)."""
    value = "".join(number.split())
    if not _PHONE_RE.match(value):
        return None
    return "+" + value.lstrip("+")


# --- options -------------------------------------------------------------------------------------


def _enum_options(enum: Any) -> Options:
    return lambda _p: [(member.value, member.label) for member in enum]


def ladder_for(role: str | None) -> tuple[Category, ...]:
    if role in (Role.HEAD, Role.CABINET_HEAD):
        return HEAD_LADDER
    if role in (Role.DEPUTY, Role.CABINET_DEPUTY):
        return DEPUTY_LADDER
    return TEACHER_LADDER


def _current_options(p: TeacherProfile) -> list[tuple[str, str]]:
    ladder = [c for c in ladder_for(p.role) if c is not Category.TRAINEE]
    return [(NONE_VALUE, N_("no category yet")), *((c.value, c.label) for c in ladder)]


def _claimed_options(p: TeacherProfile) -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in ladder_for(p.role) if c is not Category.TRAINEE]


def _region_options(_p: TeacherProfile) -> list[tuple[str, str]]:
    return [(r.id, r.label) for r in regions.REGIONS]


def _kind_options(_p: TeacherProfile) -> list[tuple[str, str]]:
    return [(AttestationKind.REGULAR.value, N_("regular")), (AttestationKind.EARLY.value, N_("early (§42)"))]


def _early_options(p: TeacherProfile) -> list[tuple[str, str]]:
    claimed = Category(p.claimed_category) if p.claimed_category else None
    reqs = eligibility.EARLY_REQUIREMENTS.get(claimed, []) if claimed else []
    return [(r.id, r.label.text) for r in reqs]


def _certificate_options(_p: TeacherProfile) -> list[tuple[str, str]]:
    return [(c.id, c.label.text) for c in eligibility.CERTIFICATES]


def _relevant(question: str) -> Callable[[TeacherProfile], bool]:
    def applies(p: TeacherProfile) -> bool:
        partial = to_rules_profile(p)
        return partial is not None and question in eligibility.relevant_questions(partial)

    return applies


YES, NO = "yes", "no"


def _yes_no(_p: TeacherProfile) -> list[tuple[str, str]]:
    return [(YES, N_("Yes")), (NO, N_("No"))]


def _is_teacher(p: TeacherProfile) -> bool:
    return p.role == Role.TEACHER


def _holds_category(p: TeacherProfile) -> bool:
    return p.current_category not in (None, NONE_VALUE)


QUESTIONS: tuple[Question, ...] = (
    Question(ProfileField.FULL_NAME, N_("Full name"), N_("What is your full name (surname, first name, patronymic)?"),
             Kind.TEXT, parse_full_name),
    Question(ProfileField.IIN, N_("IIN"), N_("Your IIN (12 digits, as in your identity document):"), Kind.TEXT,
             parse_iin),
    Question(ProfileField.ROLE, N_("Position"), N_("What is your position?"), Kind.CHOICE, options=_enum_options(Role)),
    Question(ProfileField.TEACHING_POST, N_("Post"), N_("Which describes your post? (It decides your scoring sheet and "
                                            "some documents.)"), Kind.CHOICE, options=_enum_options(TeachingPost),
             applies=_is_teacher),
    Question(ProfileField.ORG_TYPE, N_("Type of organisation"), N_("What type of organisation do you work in?"),
             Kind.CHOICE, options=_enum_options(OrgType)),
    Question(ProfileField.ORG_NAME, N_("Organisation"), N_("The name of your organisation:"), Kind.TEXT,
             free_text(TeacherProfile.org_name)),
    Question(ProfileField.REGION, N_("Region"), N_("Your region or city of republican significance:"), Kind.CHOICE,
             options=_region_options, columns=2, alphabetical=True),
    Question(ProfileField.AREA_CODE, N_("District or city"),
             N_("Your district or city of regional significance: choose it below, or type its name."), Kind.AREA),
    Question(ProfileField.CURRENT_CATEGORY, N_("Current category"), N_("Your current qualification category:"),
             Kind.CHOICE, options=_current_options),
    Question(ProfileField.CATEGORY_VALID_UNTIL, N_("Category valid until"),
             N_("Until what date is your current category valid? (DD.MM.YYYY)"), Kind.TEXT, parse_date,
             applies=_holds_category),
    Question(ProfileField.EXPERIENCE_YEARS, N_("Pedagogical experience, years"),
             N_("How many full years of pedagogical experience do you have?"), Kind.TEXT,
             years_between(0, MAX_EXPERIENCE_YEARS)),
    Question(ProfileField.EDUCATION, N_("Education"), N_("Your education:"), Kind.CHOICE,
             options=_enum_options(Education)),
    Question(ProfileField.CLAIMED_CATEGORY, N_("Claimed category"), N_("Which category are you applying for?"),
             Kind.CHOICE, options=_claimed_options),
    Question(ProfileField.ATTESTATION_KIND, N_("Attestation"), N_("Regular or early attestation?"), Kind.CHOICE,
             options=_kind_options),
    Question(ProfileField.LAST_ATTESTATION, N_("Last attestation"),
             N_("When was your last attestation? (DD.MM.YYYY)"), Kind.TEXT, parse_past_date,
             applies=_relevant("last_attestation")),
    Question(ProfileField.EARLY_REQUIREMENTS, N_("Early attestation requirements met"),
             N_("Early attestation (§42): tick every requirement you meet, then press Done."), Kind.MULTI,
             options=_early_options, applies=_relevant("early_requirements")),
    Question(ProfileField.PRODUCTION_EXPERIENCE_YEARS, N_("Production experience, years"),
             N_("How many of the last years have you worked in production by your profile?"), Kind.TEXT,
             years_between(0, MAX_EXPERIENCE_YEARS), applies=_relevant("production_experience")),
    Question(ProfileField.CERTIFICATES, N_("Certificates"),
             N_("Do you hold any of these certificates (§8, §9)? Tick each one you hold, then press Done; "
                "or press «None of these»."),
             Kind.MULTI, options=_certificate_options, applies=_relevant("certificates"), columns=2,
             none_first=True),
    Question(ProfileField.SPECIAL_PROGRAMME, N_("Special Programme"),
             N_("Were you hired under the Special Programme for regions short of teachers (§10)?"), Kind.CHOICE,
             options=_yes_no, applies=_relevant("special_programme"), columns=2, boolean=True),
    Question(ProfileField.TRANSFERRED, N_("Moved since the category was given"),
             N_("Since your category was given, have you moved to another organisation, to a combined post or to "
                "another post by your profile (§41, §49)?"), Kind.CHOICE,
             options=_yes_no, applies=_relevant("transferred"), columns=2, boolean=True),
    Question(ProfileField.EMAIL, N_("E-mail"), N_("Your e-mail address:"), Kind.TEXT, parse_email),
    Question(ProfileField.PHONE, N_("Phone"), N_("Share your phone number with the button below."), Kind.CONTACT),
)
BY_FIELD: dict[str, Question] = {q.field: q for q in QUESTIONS}

# When an answer changes, the answers that were only valid for the old one are asked again.
DEPENDENTS: dict[ProfileField, tuple[ProfileField, ...]] = {
    ProfileField.REGION: (ProfileField.AREA_CODE,),
    ProfileField.ROLE: (ProfileField.TEACHING_POST, ProfileField.CURRENT_CATEGORY, ProfileField.CATEGORY_VALID_UNTIL,
                        ProfileField.CLAIMED_CATEGORY, ProfileField.EARLY_REQUIREMENTS),
    ProfileField.CURRENT_CATEGORY: (ProfileField.CATEGORY_VALID_UNTIL, ProfileField.TRANSFERRED),
    ProfileField.CLAIMED_CATEGORY: (ProfileField.EARLY_REQUIREMENTS,),
    ProfileField.ATTESTATION_KIND: (ProfileField.LAST_ATTESTATION, ProfileField.EARLY_REQUIREMENTS),
    ProfileField.ORG_TYPE: (ProfileField.PRODUCTION_EXPERIENCE_YEARS,),
}


def next_question(profile: TeacherProfile) -> Question | None:
    for question in QUESTIONS:
        if question.applies(profile) and not question.is_answered(profile):
            return question
    return None


def option_label(question: Question, profile: TeacherProfile, value: str) -> str | None:
    assert question.options is not None
    return dict(question.options(profile)).get(value)


def to_rules_profile(p: TeacherProfile) -> Profile | None:
    """The rules' view of a (possibly partial) profile; None until the core answers are in."""
    if not (p.role and p.org_type and p.claimed_category and p.education and p.experience_years is not None):
        return None
    current = p.current_category if p.current_category not in (None, NONE_VALUE) else None
    return Profile(
        role=Role(p.role),
        org_type=OrgType(p.org_type),
        current_category=Category(current) if current else None,
        category_valid_until=p.category_valid_until,
        experience_years=p.experience_years,
        education=Education(p.education),
        claimed=Category(p.claimed_category),
        kind=AttestationKind(p.attestation_kind or AttestationKind.REGULAR),
        iin=p.iin,
        last_attestation=p.last_attestation,
        early_requirements=frozenset(p.early_requirements or ()),
        certificates=frozenset(p.certificates or ()),
        production_experience_years=p.production_experience_years,
        special_programme=bool(p.special_programme),
        transferred=bool(p.transferred),
    )


def teaching_post_of(p: TeacherProfile) -> TeachingPost | None:
    """A teacher's post; None for other positions and for profiles completed before it was asked."""
    return TeachingPost(p.teaching_post) if p.role == Role.TEACHER and p.teaching_post else None


# What the application depends on (§13 level, the area routing compares, the claim): frozen once it is
# submitted; changing one needs /withdraw first.
FROZEN_AFTER_SUBMISSION = frozenset({ProfileField.ROLE, ProfileField.TEACHING_POST, ProfileField.ORG_TYPE,
                                     ProfileField.ORG_NAME, ProfileField.REGION, ProfileField.AREA_CODE,
                                     ProfileField.CLAIMED_CATEGORY})


def display_value(question: Question, profile: TeacherProfile, translate: Callable[[str], str],
                  locale: str | None = None) -> str | None:
    """The stored answer as the user should read it, in their language."""
    value = getattr(profile, question.field)
    if value is None:
        return None
    if question.kind is Kind.AREA:
        return areas.area_name(value, locale) or str(value)
    if question.kind is Kind.CHOICE:
        label = option_label(question, profile, (YES if value else NO) if question.boolean else value)
        return translate(label) if label else str(value)
    if question.kind is Kind.MULTI:
        labels = dict(question.options(profile)) if question.options else {}
        return "; ".join(translate(labels.get(v, v)) for v in value) if value else translate(N_("none"))
    if isinstance(value, date | datetime):
        return format_day(value)
    return str(value)
