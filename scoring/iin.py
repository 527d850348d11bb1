"""The Kazakh individual identification number (IIN): format, check digit, birth date and sex (spec §9).

The check-digit algorithm is the public standard, not part of the attestation texts: digits 1..11
weighted 1..11, sum mod 11; a result of 10 is retried with weights 3..11,1,2, and a second 10 means
no valid IIN can end that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from scoring.i18n import N_, Phrase

IIN_LENGTH = 12
# No holder of an IIN alive and working was born before this year (the 1800s century digits 1 and 2
# exist in the standard, but never on a teacher's identity document).
EARLIEST_BIRTH_YEAR = 1900
_FIRST_WEIGHTS: tuple[int, ...] = tuple(range(1, 12))
_SECOND_WEIGHTS: tuple[int, ...] = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


# Digit 7 encodes century and sex together: odd digits are men, even digits women.
_CENTURY_DIGITS: dict[int, tuple[int, Sex]] = {
    1: (1800, Sex.MALE),
    2: (1800, Sex.FEMALE),
    3: (1900, Sex.MALE),
    4: (1900, Sex.FEMALE),
    5: (2000, Sex.MALE),
    6: (2000, Sex.FEMALE),
}


class IinProblem(StrEnum):
    LENGTH = "length"
    NOT_DIGITS = "not_digits"
    CENTURY = "century"
    BIRTH_DATE = "birth_date"
    CHECK_DIGIT = "check_digit"


@dataclass(frozen=True)
class IinResult:
    """A valid IIN, normalised to 12 digits, with what it says about its holder."""

    iin: str
    birth_date: date
    sex: Sex


class InvalidIin(ValueError):
    """The text is not a valid IIN; `message` explains why in words a teacher can act on."""

    def __init__(self, problem: IinProblem, message: Phrase) -> None:
        super().__init__(message.render())
        self.problem = problem
        self.message = message


def check_digit(first_eleven: str) -> int | None:
    """The 12th digit for these 11 digits, or None when the algorithm admits no valid IIN."""
    digits = [int(ch) for ch in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        value = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if value != 10:
            return value
    return None


def validate_iin(text: str, today: date | None = None) -> IinResult:
    """Parse an IIN as typed by a person (spaces allowed); raise InvalidIin with the first problem found.

    The birth date must be a real date from 1900 to `today` (default: the system's date).
    """
    # People copy IINs from documents that group digits with spaces; nothing else is forgiven.
    iin = "".join(text.split())
    if not iin.isascii() or not iin.isdigit():
        raise InvalidIin(IinProblem.NOT_DIGITS, Phrase(N_("The IIN may contain digits only.")))
    if len(iin) != IIN_LENGTH:
        raise InvalidIin(
            IinProblem.LENGTH,
            Phrase(N_("The IIN must have exactly 12 digits; you sent {count}."), {"count": len(iin)}),
        )
    century_digit = int(iin[6])
    if century_digit not in _CENTURY_DIGITS:
        raise InvalidIin(
            IinProblem.CENTURY,
            Phrase(
                N_("The IIN's 7th digit must be 1–6 (century of birth and sex); yours is {digit}."),
                {"digit": century_digit},
            ),
        )
    century, sex = _CENTURY_DIGITS[century_digit]
    try:
        birth = date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        raise InvalidIin(
            IinProblem.BIRTH_DATE,
            Phrase(
                N_("The IIN's first six digits must be a birth date (YYMMDD); {value} is not a date."),
                {"value": iin[0:6]},
            ),
        ) from None
    _check_birth(birth, today or date.today())
    if check_digit(iin[:11]) != int(iin[11]):
        raise InvalidIin(
            IinProblem.CHECK_DIGIT,
            Phrase(N_("The IIN's check digit does not match: please check for a typo.")),
        )
    return IinResult(iin=iin, birth_date=birth, sex=sex)


def _check_birth(birth: date, today: date) -> None:
    if birth > today:
        raise InvalidIin(IinProblem.BIRTH_DATE, Phrase(
            N_("The IIN's birth date ({date}) is in the future: please check the first six digits and the 7th."),
            {"date": birth.strftime("%d.%m.%Y")},
        ))
    if birth.year < EARLIEST_BIRTH_YEAR:
        raise InvalidIin(IinProblem.BIRTH_DATE, Phrase(
            N_("The IIN's birth date ({date}) is before 1900: please check the first six digits and the 7th."),
            {"date": birth.strftime("%d.%m.%Y")},
        ))


def age_on(birth: date, day: date) -> int:
    """Full years of age on `day` (a person born on 29 February ages on 1 March in common years)."""
    had_birthday = (day.month, day.day) >= (birth.month, birth.day)
    return day.year - birth.year - (0 if had_birthday else 1)
