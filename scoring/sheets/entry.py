"""Numbers typed by a person (in the bot) turned into answers of the JSON input format.

The command line accepts any non-negative number; a person typing into a chat gets bounds
(``[self_assessment]`` of the rules), because 10^9 hours is a slip of the finger, not an answer.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from scoring.config import Rules, default_rules
from scoring.i18n import N_, Phrase
from scoring.sheets.evaluate import AnswerError, parse_answer
from scoring.sheets.model import Criterion, Quantity, ScaleKind
from scoring.units import Unit, without_unit

# Any number of digits: a number too large for its question is refused as too large, with the range.
_NUMBER = re.compile(r"^[0-9]+(?:[.,][0-9]{1,2})?$")
_SEPARATORS = re.compile(r"[\s+;]+")
_UNITS = {Quantity.HOURS: Unit.HOURS, Quantity.PERCENT: Unit.PERCENT, Quantity.SHEETS: Unit.COUNT}
# Python refuses int() of more digits than this (CVE-2020-10735); such a number is only "too large".
_MAX_DIGITS = 4000


def _err(text: str, **params: Any) -> AnswerError:
    return AnswerError(Phrase(text, params))


def parse_numbers(text: str, whole: bool = False, unit: Unit | None = None) -> list[Fraction]:
    """'72 + 36', '72, 36' or '72;36' -> [72, 36]; a decimal comma is allowed ('72,5' is one number), and
    so is the question's unit after each number ('72 сағат + 36 сағат', '85 %')."""
    cleaned = without_unit(text, unit) if unit is not None else text.strip()
    # "72, 36" lists two numbers; "72,5" is one decimal number.
    cleaned = re.sub(r",(?=\s|$)", " ", cleaned)
    parts = [p for p in _SEPARATORS.split(cleaned) if p]
    if not parts:
        raise _err(N_("Please send a number."))
    numbers = []
    for part in parts:
        if part.startswith("-") and _NUMBER.match(part[1:]):
            raise _err(N_("A negative number is not possible here."))
        if not _NUMBER.match(part):
            raise _err(N_("'{value}' is not a number. Please send digits only, e.g. 72."), value=part[:20])
        digits = part.lstrip("0")
        value = Fraction(10**_MAX_DIGITS) if len(digits) > _MAX_DIGITS else Fraction(part.replace(",", "."))
        if whole and value.denominator != 1:
            raise _err(N_("Please send a whole number, e.g. 72."))
        numbers.append(value)
    return numbers


def _plain(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def _shown(value: Fraction) -> str:
    """A number for a message: a number of many digits shortened (it is only shown to say it is too large)."""
    if value >= 10**12:
        return "> 10^12"
    plain = _plain(value)
    return str(plain)


def quantity_answer(criterion: Criterion, text: str, rules: Rules | None = None) -> dict[str, Any]:
    """The answer of a THRESHOLD criterion (hours, percent, observation-sheet count) from typed text."""
    rules = rules or default_rules()
    scale = criterion.scale
    assert scale.kind is ScaleKind.THRESHOLD and scale.quantity is not None
    quantity = scale.quantity
    numbers = parse_numbers(text, whole=quantity is not Quantity.HOURS, unit=_UNITS.get(quantity))
    if len(numbers) > 1 and not scale.summed:
        raise _err(N_("Please send one number."))
    limits = rules.self_assessment
    if quantity is Quantity.HOURS:
        total = sum(numbers, Fraction(0))
        if total > limits["max_hours"]:
            raise _err(N_("{value} hours is more than the courses can add up to; at most {max} hours are accepted."),
                       value=_shown(total), max=limits["max_hours"])
    elif quantity is Quantity.PERCENT and numbers[0] > 100:
        raise _err(N_("A percentage is from 0 to 100."))
    elif quantity is Quantity.SHEETS and numbers[0] > limits["max_count"]:
        raise _err(N_("That is too many: from 0 to {max} are accepted."), max=limits["max_count"])
    values = [_plain(n) for n in numbers]
    answer: dict[str, Any] = {quantity.value: values if len(values) > 1 else values[0]}
    parse_answer(criterion, answer)  # the sheet's own checks, same as the command line
    return answer


def observation_totals(text: str, rules: Rules | None = None) -> list[int | float]:
    """Totals of observation sheets typed as '72 75 70': each from 0 to the sheet cap."""
    rules = rules or default_rules()
    cap = int(rules.observation["total_cap"])
    totals = parse_numbers(text, unit=Unit.POINTS)
    for total in totals:
        if total > cap:
            raise _err(N_("An observation sheet total is at most {cap}; {value} is too much."),
                       cap=cap, value=_shown(total))
    return [_plain(t) for t in totals]
