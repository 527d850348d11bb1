"""Numbers typed with their unit ("12 жыл", "72 часа"), and numbers too large for their question."""

from __future__ import annotations

import pytest

from scoring.sheets import SHEETS
from scoring.sheets.entry import observation_totals, quantity_answer
from scoring.sheets.evaluate import AnswerError
from scoring.units import Unit, without_unit


@pytest.mark.parametrize(("typed", "unit", "left"), [
    ("12 жыл", Unit.YEARS, "12"),
    ("12 лет", Unit.YEARS, "12"),
    ("12 года", Unit.YEARS, "12"),
    ("12 г.", Unit.YEARS, "12"),
    ("12лет", Unit.YEARS, "12"),
    ("12 ЖЫЛ", Unit.YEARS, "12"),
    ("72 сағат", Unit.HOURS, "72"),
    ("72 часа", Unit.HOURS, "72"),
    ("72 часов", Unit.HOURS, "72"),
    ("72 ч.", Unit.HOURS, "72"),
    ("72 сағат + 36 сағ.", Unit.HOURS, "72 + 36"),
    ("72,5 часа", Unit.HOURS, "72,5"),
    ("85 %", Unit.PERCENT, "85"),
    ("85%", Unit.PERCENT, "85"),
    ("72 балл", Unit.POINTS, "72"),
])
def test_the_questions_unit_after_a_number_is_dropped(typed: str, unit: Unit, left: str) -> None:
    assert without_unit(typed, unit) == left


@pytest.mark.parametrize(("typed", "unit"), [
    ("12 часов", Unit.YEARS),  # another question's unit stays: the answer is not a number of years
    ("жыл 12", Unit.YEARS),  # a unit before the number is not one
    ("12 жылдары", Unit.YEARS),  # a longer word that only begins like the unit
    ("лет", Unit.YEARS),
])
def test_other_words_stay(typed: str, unit: Unit) -> None:
    assert without_unit(typed, unit) == typed


HOURS = SHEETS["teacher"].criterion("4.1")
PERCENT = SHEETS["head"].criterion("3.3")
SHEET_COUNT = SHEETS["methodist"].criterion("1.1")


@pytest.mark.parametrize(("typed", "hours"), [
    ("72 сағат", 72), ("72 часа", 72), ("72 сағат + 36 сағат", [72, 36]), ("72ч", 72), ("2000 hours", 2000),
])
def test_hours_are_read_with_their_unit(typed: str, hours: int | list[int]) -> None:
    assert HOURS is not None
    assert quantity_answer(HOURS, typed) == {"hours": hours}


def test_percent_and_count_are_read_with_their_unit() -> None:
    assert PERCENT is not None and SHEET_COUNT is not None
    assert quantity_answer(PERCENT, "85 %") == {"percent": 85}
    assert quantity_answer(SHEET_COUNT, "3 дана") == {"sheets": 3}
    assert observation_totals("72 балл 75 балл") == [72, 75]


@pytest.mark.parametrize("typed", ["100000000000000000000", "9" * 4090, "2001 сағат", "500000"])
def test_too_many_hours_are_refused_as_too_many_with_the_maximum(typed: str) -> None:
    assert HOURS is not None
    with pytest.raises(AnswerError) as caught:
        quantity_answer(HOURS, typed)
    text = caught.value.message.render()
    assert "at most 2000 hours" in text and "not a number" not in text and len(text) < 200


def test_too_large_percent_count_and_total_give_the_range() -> None:
    assert PERCENT is not None and SHEET_COUNT is not None
    for criterion, typed, expected in ((PERCENT, "100000000000000000000 %", "from 0 to 100"),
                                       (SHEET_COUNT, "100000000000000000000", "from 0 to 100")):
        with pytest.raises(AnswerError) as caught:
            quantity_answer(criterion, typed)
        assert expected in caught.value.message.render()
    with pytest.raises(AnswerError) as caught:
        observation_totals("100000000000000000000")
    assert "at most 102" in caught.value.message.render()


@pytest.mark.parametrize("typed", ["²", "١٢", "12 минут", "seventy"])
def test_what_is_not_a_number_is_said_so(typed: str) -> None:
    assert HOURS is not None
    with pytest.raises(AnswerError) as caught:
        quantity_answer(HOURS, typed)
    assert "not a number" in caught.value.message.render()
