"""Recording kinds of work one button at a time (scoring.sheets.kinds): the answers are always the
CLI's input format, and they score what the explanatory note to App 8 says."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.sheets import SHEETS
from scoring.sheets.evaluate import evaluate_answers, parse_answer
from scoring.sheets.kinds import (
    choose_level,
    kinds_of,
    remove_kind,
    set_count,
    toggle_bonus,
    toggle_coauthored,
)
from scoring.sheets.model import Criterion

TEACHER = SHEETS["teacher"]


def crit(sheet_id: str, criterion_id: str) -> Criterion:
    criterion = SHEETS[sheet_id].criterion(criterion_id)
    assert criterion is not None
    return criterion


def index(criterion: Criterion, name: str) -> int:
    return [o.name for o in criterion.scale.levels].index(name)


def points(sheet_id: str, criterion_id: str, answer: dict[str, Any] | None) -> float:
    result = evaluate_answers(SHEETS[sheet_id], {"criteria": {criterion_id: answer}})
    return float(next(r.points for r in result.results if r.criterion.id == criterion_id))


def test_one_kind_is_stored_flat_several_as_kinds_and_they_add_up() -> None:
    c = crit("teacher", "2.1")
    one = choose_level(c, None, index(c, "region"), new_kind=False, max_kinds=10)
    assert one == {"level": "region"}
    one = toggle_bonus(c, one)
    assert one == {"level": "region", "winner": True}
    two = choose_level(c, one, index(c, "district"), new_kind=True, max_kinds=10)
    assert two == {"kinds": [{"level": "region"}, {"level": "district"}], "winner": True}
    assert points("teacher", "2.1", two) == 3 + 2 + 1  # kinds add up, the winner counts once
    # Without a new kind, a level replaces the level of the last kind.
    assert choose_level(c, two, index(c, "republic"), new_kind=False, max_kinds=10) == {
        "kinds": [{"level": "region"}, {"level": "republic"}], "winner": True}
    back = remove_kind(c, two, 0, "region")
    assert back == {"level": "district", "winner": True}
    assert kinds_of(back) == [{"level": "district"}]


def test_count_and_coauthored_belong_to_the_last_kind() -> None:
    c = crit("teacher", "3.1")
    answer = choose_level(c, None, index(c, "region"), False, 10)
    answer = set_count(c, answer, 3)
    answer = choose_level(c, answer, index(c, "republic"), True, 10)
    assert answer == {"kinds": [{"level": "region", "count": 3}, {"level": "republic", "count": 1}]}
    answer = set_count(c, answer, 2)
    assert points("teacher", "3.1", answer) == 3 * 2 + 2 * 3
    assert set_count(c, answer, 4) is None  # the republic column prints 3 events
    p = crit("teacher", "3.3")
    pub = choose_level(p, None, index(p, "republic"), False, 10)
    pub = toggle_coauthored(p, pub)
    pub = choose_level(p, pub, index(p, "region"), True, 10)
    assert pub == {"kinds": [{"level": "republic", "coauthored": True}, {"level": "region"}]}
    assert points("teacher", "3.3", pub) == 2 + 5
    assert toggle_coauthored(p, toggle_coauthored(p, pub)) == pub


def test_buttons_that_do_not_fit_are_refused() -> None:
    dynamics, contests = crit("teacher", "1.1"), crit("teacher", "2.1")
    first = choose_level(dynamics, None, 0, False, 10)
    assert first is not None
    assert choose_level(dynamics, first, 1, new_kind=True, max_kinds=10) is None  # dynamics do not add up
    assert choose_level(contests, None, 0, new_kind=True, max_kinds=10) is None  # nothing to add to yet
    assert choose_level(contests, None, 99, False, 10) is None
    assert choose_level(crit("teacher", "4.1"), None, 0, False, 10) is None  # hours are typed
    assert set_count(contests, {"level": "region"}, 1) is None
    assert toggle_coauthored(contests, {"level": "region"}) is None
    assert toggle_bonus(crit("teacher", "3.2"), {"level": "region"}) is None
    two = {"kinds": [{"level": "region"}, {"level": "district"}]}
    assert remove_kind(contests, two, 1, "region") is None  # an old button naming another kind
    assert remove_kind(contests, two, 2, "district") is None
    assert remove_kind(contests, {"level": "region"}, 0, "region") is None
    full = {"kinds": [{"level": "organisation"}] * 3}
    assert choose_level(contests, full, 0, new_kind=True, max_kinds=3) is None


ACTIONS = st.lists(st.tuples(st.sampled_from(["lv", "new", "count", "coauth", "bonus", "del"]),
                             st.integers(min_value=0, max_value=5)), max_size=12)
KIND_CRITERIA = [(sheet_id, c) for sheet_id in ("teacher", "methodist", "head") for c in SHEETS[sheet_id].criteria
                 if c.scale.kinds_add_up]


def press(c: Criterion, answer: dict[str, Any] | None, action: str, n: int) -> dict[str, Any] | None:
    """One button of the bot, as the handler maps it (max_kinds 4)."""
    current = kinds_of(answer)
    if action in ("lv", "new"):
        return choose_level(c, answer, n, action == "new", 4)
    if action == "count":
        return set_count(c, answer, n)
    if action == "coauth":
        return toggle_coauthored(c, answer)
    if action == "bonus":
        return toggle_bonus(c, answer) if current else None  # the sheet refuses a winner without a level
    return remove_kind(c, answer, n, current[n]["level"]) if n < len(current) else None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(KIND_CRITERIA), ACTIONS)
def test_any_sequence_of_buttons_gives_an_answer_the_cli_accepts(case: tuple[str, Criterion],
                                                                 actions: list[tuple[str, int]]) -> None:
    sheet_id, c = case
    answer: dict[str, Any] | None = None
    for action, n in actions:
        changed = press(c, answer, action, n)
        if changed is not None:
            parse_answer(c, changed)  # the sheet's own checks: raises if the format were broken
            answer = changed
    kinds = kinds_of(answer)
    assert len(kinds) <= 4
    if answer:
        # Kinds add up: the criterion scores the sum of each kind scored alone (+1 winner once).
        alone = sum(points(sheet_id, c.id, kind) for kind in kinds)
        bonus = 1 if c.scale.bonus is not None and answer.get(c.scale.bonus.value) else 0
        assert points(sheet_id, c.id, answer) == alone + bonus
