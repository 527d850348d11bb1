from datetime import date

import pytest

from scoring.iin import IinProblem, InvalidIin, Sex, age_on, check_digit, validate_iin


def make_iin(first_eleven: str) -> str:
    """Complete 11 digits with the check digit, as the issuing system does."""
    digit = check_digit(first_eleven)
    assert digit is not None, first_eleven
    return first_eleven + str(digit)


def test_valid_iin_gives_birth_date_and_sex() -> None:
    iin = make_iin("85071530012")
    result = validate_iin(iin)
    assert result.iin == iin
    assert result.birth_date == date(1985, 7, 15)
    assert result.sex is Sex.MALE


@pytest.mark.parametrize(
    ("seventh", "born", "sex"),
    [
        ("3", date(1999, 12, 31), Sex.MALE),
        ("4", date(1999, 12, 31), Sex.FEMALE),
        ("5", date(2099, 12, 31), Sex.MALE),
        ("6", date(2099, 12, 31), Sex.FEMALE),
    ],
)
def test_seventh_digit_gives_century_and_sex(seventh: str, born: date, sex: Sex) -> None:
    result = validate_iin(make_iin("991231" + seventh + "0012"), today=date(2100, 1, 1))
    assert (result.birth_date, result.sex) == (born, sex)


@pytest.mark.parametrize("seventh", ["1", "2"])
def test_a_birth_date_before_1900_is_refused(seventh: str) -> None:
    with pytest.raises(InvalidIin) as caught:
        validate_iin(make_iin("991231" + seventh + "0012"), today=date(2026, 6, 1))
    assert caught.value.problem is IinProblem.BIRTH_DATE
    assert "31.12.1899" in caught.value.message.render() and "1900" in caught.value.message.render()


@pytest.mark.parametrize(("first_seven", "today"), [
    ("2606025", date(2026, 6, 1)),  # born tomorrow
    ("9912315", date(2026, 6, 1)),  # 2099
])
def test_a_birth_date_in_the_future_is_refused(first_seven: str, today: date) -> None:
    with pytest.raises(InvalidIin) as caught:
        validate_iin(make_iin(first_seven + "0012"), today=today)
    assert caught.value.problem is IinProblem.BIRTH_DATE
    assert "future" in caught.value.message.render()


def test_born_today_and_on_the_first_day_of_1900_are_accepted() -> None:
    assert validate_iin(make_iin("2606015" + "0012"), today=date(2026, 6, 1)).birth_date == date(2026, 6, 1)
    assert validate_iin(make_iin("0001013" + "0012"), today=date(2026, 6, 1)).birth_date == date(1900, 1, 1)


def test_spaces_are_ignored() -> None:
    iin = make_iin("90010240056")
    spaced = f" {iin[:6]} {iin[6:]} "
    assert validate_iin(spaced).iin == iin


def test_check_digit_by_hand() -> None:
    # Hand-computed: 8*1+5*2+0*3+7*4+1*5+5*6+3*7+0*8+0*9+1*10+2*11 = 134; 134 mod 11 = 2.
    assert check_digit("85071530012") == 2


def test_second_weights_used_when_first_sum_gives_ten() -> None:
    # Only d10 = 1: the first pass gives 1*10 = 10, so the second pass (weight 1 for d10) decides.
    prefix = "00000000010"
    assert check_digit(prefix) == 1


def test_no_valid_check_digit_when_both_passes_give_ten() -> None:
    # Search deterministically for a prefix where both passes give 10.
    prefix = next(
        p
        for p in (f"{n:011d}" for n in range(0, 10**6))
        if sum(int(c) * w for c, w in zip(p, range(1, 12), strict=True)) % 11 == 10
        and sum(int(c) * w for c, w in zip(p, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11 == 10
    )
    assert check_digit(prefix) is None


def test_wrong_check_digit() -> None:
    iin = make_iin("85071530012")
    wrong = iin[:11] + str((int(iin[11]) + 1) % 10)
    with pytest.raises(InvalidIin) as err:
        validate_iin(wrong)
    assert err.value.problem is IinProblem.CHECK_DIGIT
    assert "check digit" in err.value.message.text


@pytest.mark.parametrize("bad_date", ["850230", "851301", "850000", "010229"])
def test_impossible_birth_date(bad_date: str) -> None:
    # 2001-02-29 does not exist (digit 7 = 5 means the 2000s).
    with pytest.raises(InvalidIin) as err:
        validate_iin(bad_date + "500120")
    assert err.value.problem is IinProblem.BIRTH_DATE
    assert err.value.message.params == {"value": bad_date}


def test_leap_day_is_a_date_in_leap_years() -> None:
    assert validate_iin(make_iin("00022960012")).birth_date == date(2000, 2, 29)


def test_letters_rejected() -> None:
    with pytest.raises(InvalidIin) as err:
        validate_iin("85071530O12X")
    assert err.value.problem is IinProblem.NOT_DIGITS


def test_non_ascii_digits_rejected() -> None:
    with pytest.raises(InvalidIin) as err:
        validate_iin("٨٥٠٧١٥٣٠٠١٢٢")
    assert err.value.problem is IinProblem.NOT_DIGITS


@pytest.mark.parametrize("text", ["85071530012", "8507153001234"])
def test_wrong_length(text: str) -> None:
    with pytest.raises(InvalidIin) as err:
        validate_iin(text)
    assert err.value.problem is IinProblem.LENGTH
    assert err.value.message.params == {"count": len(text)}


@pytest.mark.parametrize("seventh", ["0", "7", "9"])
def test_century_digit_out_of_range(seventh: str) -> None:
    with pytest.raises(InvalidIin) as err:
        validate_iin("850715" + seventh + "00120")
    assert err.value.problem is IinProblem.CENTURY
    assert err.value.message.params == {"digit": int(seventh)}


def test_message_renders_with_params() -> None:
    with pytest.raises(InvalidIin) as err:
        validate_iin("123")
    assert err.value.message.render() == "The IIN must have exactly 12 digits; you sent 3."


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1970, 5, 10), date(2025, 5, 9), 54),
        (date(1970, 5, 10), date(2025, 5, 10), 55),
        (date(2000, 2, 29), date(2025, 2, 28), 24),
        (date(2000, 2, 29), date(2025, 3, 1), 25),
    ],
)
def test_age_on(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age
