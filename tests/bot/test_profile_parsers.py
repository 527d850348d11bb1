"""The questionnaire's parsers: what they accept fits its column; numbers with units; out-of-range numbers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.text_input import max_length
from features.profile.form import QUESTIONS, InvalidAnswer, Kind, parse_phone
from storage.profile_models import TeacherProfile


def _letters(n: int) -> str:
    return "Ә" * n


def _name(n: int) -> str:
    first = (n - 1) // 2
    return "А" * first + " " + "Б" * (n - 1 - first)


def _email(n: int) -> str:
    return "a" * (n - len("@mail.kz")) + "@mail.kz"


# The longest answer of each typed field that has a text column, made to the column's length.
LONGEST: dict[str, Callable[[int], str]] = {
    "full_name": _name, "org_name": _letters, "email": _email,
}


def _text_columns() -> set[str]:
    return {q.field for q in QUESTIONS if q.kind is Kind.TEXT
            and isinstance(getattr(TeacherProfile.__table__.c[q.field].type, "length", None), int)} - {"iin"}


def test_every_text_field_with_a_column_length_is_covered() -> None:
    assert set(LONGEST) == _text_columns()


@pytest.mark.parametrize("field", sorted(LONGEST))
def test_the_longest_accepted_answer_is_the_columns_length(field: str) -> None:
    question = next(q for q in QUESTIONS if q.field == field)
    assert question.parse is not None
    length = max_length(getattr(TeacherProfile, field))
    accepted = question.parse(LONGEST[field](length))
    assert len(accepted) == length
    with pytest.raises(InvalidAnswer) as caught:
        question.parse(LONGEST[field](length + 1))
    if field != "email":  # the e-mail's message gives an example instead
        assert str(length) in caught.value.message.render()


def test_the_iin_fits_its_column() -> None:
    question = next(q for q in QUESTIONS if q.field == "iin")
    assert question.parse is not None
    assert len(question.parse(" 850315 300019 ")) == max_length(TeacherProfile.iin)


def test_a_name_of_punctuation_only_is_refused() -> None:
    question = next(q for q in QUESTIONS if q.field == "org_name")
    assert question.parse is not None
    with pytest.raises(InvalidAnswer):
        question.parse("...")


EXPERIENCE = next(q for q in QUESTIONS if q.field == "experience_years")


@pytest.mark.parametrize(("typed", "years"), [("12", 12), ("12 жыл", 12), ("12 лет", 12), ("12 года", 12),
                                              ("0", 0), ("60 years", 60), ("012", 12)])
def test_years_are_read_with_their_unit(typed: str, years: int) -> None:
    assert EXPERIENCE.parse is not None
    assert EXPERIENCE.parse(typed) == years


@pytest.mark.parametrize("typed", ["61", "500", "500 жыл", "100000000000000000000", "9" * 4096])
def test_too_many_years_are_refused_as_out_of_range(typed: str) -> None:
    assert EXPERIENCE.parse is not None
    with pytest.raises(InvalidAnswer) as caught:
        EXPERIENCE.parse(typed)
    assert caught.value.message.text == "That is out of range: the number of years is from {low} to {high}."
    assert caught.value.message.render() == "That is out of range: the number of years is from 0 to 60."


@pytest.mark.parametrize("typed", ["²", "١٢", "twelve", "12.5", "-3", "12 часов", ""])
def test_what_is_not_a_whole_number_of_years_is_said_so(typed: str) -> None:
    assert EXPERIENCE.parse is not None
    with pytest.raises(InvalidAnswer) as caught:
        EXPERIENCE.parse(typed)
    assert caught.value.message.render() == "Please send a whole number of years from 0 to 60."


@pytest.mark.parametrize(("number", "phone"), [("77011234567", "+77011234567"), ("+7 701 123 45 67", "+77011234567"),
                                               ("+" + "1" * 15, "+" + "1" * 15)])
def test_a_shared_phone_is_kept_as_plus_digits(number: str, phone: str) -> None:
    assert parse_phone(number) == phone
    assert len(phone) <= max_length(TeacherProfile.phone)


@pytest.mark.parametrize("number", ["1" * 16, "phone", "+7-701", "", "²²²²²²"])
def test_a_forged_phone_is_refused(number: str) -> None:
    assert parse_phone(number) is None
