"""Units people type after a number ("12 жыл", "12 лет", "72 сағат", "72 часа", "85 %"), read away.

A teacher answering "how many years" writes the unit as they would to a colleague; the number is what
is asked, so the unit is dropped when it is one of the question's own (a unit of another kind, such as
"12 часов" where years are asked, stays and makes the answer unreadable, which it is).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Unit(StrEnum):
    YEARS = "years"
    HOURS = "hours"
    PERCENT = "percent"
    COUNT = "count"
    POINTS = "points"


# Kazakh, Russian and English forms, as typed (case does not matter; a final full stop is allowed).
_WORDS: dict[Unit, tuple[str, ...]] = {
    Unit.YEARS: ("жыл", "жылдан", "жылым", "жылдай", "лет", "год", "года", "г", "years", "year", "yrs", "y"),
    Unit.HOURS: ("сағат", "сағаттан", "сағ", "час", "часа", "часов", "ч", "hours", "hour", "hrs", "h"),
    Unit.PERCENT: ("%", "пайыз", "процент", "процента", "процентов"),
    Unit.COUNT: ("дана", "шт", "штук", "штуки", "штука", "парақ", "лист", "листа", "листов", "sheets", "sheet"),
    Unit.POINTS: ("балл", "балла", "баллов", "ұпай", "points", "point"),
}


def _pattern(unit: Unit) -> re.Pattern[str]:
    words = sorted(_WORDS[unit], key=len, reverse=True)
    alternatives = "|".join(re.escape(w) + ("" if w == "%" else r"\.?") for w in words)
    # After a digit (with or without a space), and followed by the end or a separator of a list.
    return re.compile(rf"(?<=[0-9])\s*(?:{alternatives})(?=[\s,;+]|$)", re.IGNORECASE)


_PATTERNS = {unit: _pattern(unit) for unit in Unit}


def without_unit(text: str, unit: Unit) -> str:
    """`text` with every `unit` word that follows a number removed: "72 сағат + 36 сағ." -> "72 + 36"."""
    return _PATTERNS[unit].sub("", text.strip()).strip()
