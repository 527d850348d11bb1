"""Alphabetical order as a Kazakh or Russian reader expects it.

Python compares code points: the Kazakh letters Ә Ғ Қ Ң Ө Ұ Ү Һ І (U+04xx) then all come after Я and
Ё before А. The alphabets below are the printed ones; letters of neither alphabet (Latin, digits)
follow by code point, after the reader's own letters. Case is ignored; spaces and punctuation sort
before letters, so "Алматы" comes before "Алматы облысы".
"""

from __future__ import annotations

KAZAKH = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
RUSSIAN = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
ALPHABETS = {"kk": KAZAKH, "ru": RUSSIAN}

_RANKS = {locale: {letter: rank for rank, letter in enumerate(alphabet)} for locale, alphabet in ALPHABETS.items()}
_NOT_A_LETTER, _OWN_LETTER, _OTHER_LETTER = 0, 1, 2


def sort_key(text: str, locale: str) -> tuple[tuple[int, int], ...]:
    """A key that orders strings by the alphabet of `locale` ("kk" or "ru"; others: Russian's)."""
    ranks = _RANKS.get(locale, _RANKS["ru"])
    key = []
    for char in text.upper():
        if char in ranks:
            key.append((_OWN_LETTER, ranks[char]))
        elif char.isalpha():
            key.append((_OTHER_LETTER, ord(char)))
        else:
            key.append((_NOT_A_LETTER, ord(char)))
    return tuple(key)

