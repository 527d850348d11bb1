"""Clause marks become messages the reader's language can write its own way."""

from __future__ import annotations

import pytest

from scoring.clauses import clause_reference
from scoring.eligibility import Finding, FindingKind
from scoring.i18n import Phrase


def test_marks_of_the_algorithm_and_of_the_rules() -> None:
    assert clause_reference("§31") == Phrase("§{n}", {"n": "31"})
    assert clause_reference("Rules §15") == Phrase("Rules §{n}", {"n": "15"})
    assert clause_reference("§31").render() == "§31"


@pytest.mark.parametrize("mark", ["31", "§", "§31a", "Rules 15", "App 4 §8"])
def test_an_unknown_mark_fails_where_the_finding_is_made(mark: str) -> None:
    with pytest.raises(ValueError, match="unknown clause mark"):
        Finding(FindingKind.OK, mark, Phrase("x"))
