"""Alphabetical order in the reader's alphabet (scoring/collation.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scoring.collation import KAZAKH, RUSSIAN, sort_key


def alphabetical(words: list[str], locale: str, _text: object = None) -> list[str]:
    return sorted(words, key=lambda word: sort_key(word, locale))


def test_the_kazakh_alphabet_is_its_own_order() -> None:
    letters = list(KAZAKH)
    shuffled = letters[::-1]
    assert alphabetical(shuffled, "kk", str) == letters
    # Code-point order would put Ә, Қ, І... after Я and Ё before А.
    assert sorted(letters) != letters


def test_the_russian_alphabet_is_its_own_order() -> None:
    letters = list(RUSSIAN)
    assert alphabetical(letters[::-1], "ru", str) == letters
    assert sorted(letters) != letters  # Ё


def test_kazakh_region_names() -> None:
    names = ["Шымкент", "Ұлытау облысы", "Қарағанды облысы", "Астана", "Ақмола облысы", "Алматы облысы",
             "Алматы", "Абай облысы", "Ақтөбе облысы", "Жетісу облысы", "Түркістан облысы", "Іле"]
    assert alphabetical(names, "kk", str) == [
        "Абай облысы", "Ақмола облысы", "Ақтөбе облысы", "Алматы", "Алматы облысы", "Астана", "Жетісу облысы",
        "Қарағанды облысы", "Түркістан облысы", "Ұлытау облысы", "Шымкент", "Іле"]


def test_russian_names_with_yo_and_case() -> None:
    names = ["ёлка", "Елена", "жук", "Ежевика", "акация", "Яблоко", "Абай"]
    assert alphabetical(names, "ru", str) == ["Абай", "акация", "Ежевика", "Елена", "ёлка", "жук", "Яблоко"]


def test_other_letters_follow_the_readers_own() -> None:
    assert alphabetical(["Zeta", "Арман", "10 school", "Ярослав"], "ru", str) == [
        "10 school", "Арман", "Ярослав", "Zeta"]
    # Kazakh letters in a Russian list come after the Russian alphabet.
    assert alphabetical(["Қостанай", "Костанай", "Яр"], "ru", str) == ["Костанай", "Яр", "Қостанай"]


@given(st.lists(st.text(alphabet=KAZAKH + KAZAKH.lower() + " -", max_size=8), max_size=12))
def test_a_total_order_that_ignores_case(words: list[str]) -> None:
    ordered = alphabetical(words, "kk", str)
    assert sorted(ordered, key=lambda w: sort_key(w, "kk")) == ordered
    assert all(sort_key(w, "kk") == sort_key(w.upper(), "kk") for w in words)
