"""The national qualification test rule: the category a person gets (spec §6; §30, §32 of the pilot).

§30: the portfolio meets the claimed category but the test threshold is not reached ->
on confirmation one level lower; on assignment not higher than the test result allows.
§32: test points too low even for moderator -> "teacher".
Test thresholds (percent of the test maximum) come from ``[test_thresholds]`` of the rules
(*assumed*). A person exempt from the test by a language certificate (§8, §9) passes
``test_percent=None``: only the portfolio decides.

*Interpretation* where the texts are silent: when the portfolio itself does not reach the claimed
category, the category is the lower of what the portfolio and the test reach (never below
"teacher" on the teacher ladder); for heads and deputies a failed test (one threshold, ``leader``)
gives no category on assignment and one level lower on confirmation (none below the 3rd category).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scoring.categories import DEPUTY_LADDER, HEAD_LADDER, TEACHER_LADDER, Category
from scoring.config import Rules, default_rules
from scoring.i18n import N_, Phrase

LEADER_KEY = "leader"


class Decision(StrEnum):
    ASSIGNMENT = "assignment"  # беру / присвоение
    CONFIRMATION = "confirmation"  # растау / подтверждение


@dataclass(frozen=True)
class RuleOutcome:
    """The resulting category (None: no category / does not correspond), the clause and why."""

    category: Category | None
    clause: str
    reason: Phrase


def ladder_of(category: Category) -> tuple[Category, ...]:
    for ladder in (TEACHER_LADDER, HEAD_LADDER, DEPUTY_LADDER):
        if category in ladder:
            return ladder
    raise ValueError(category)


def is_leader(category: Category) -> bool:
    return category in HEAD_LADDER or category in DEPUTY_LADDER


def threshold_for(category: Category, rules: Rules | None = None) -> int:
    """The test threshold (percent) of a category: its own key, or `leader` for heads and deputies."""
    thresholds = (rules or default_rules()).test_thresholds
    return int(thresholds[LEADER_KEY if is_leader(category) else category.value])


def category_by_test(test_percent: float, rules: Rules | None = None) -> Category | None:
    """The highest teacher-ladder category whose test threshold the result reaches (None below "teacher")."""
    thresholds = (rules or default_rules()).test_thresholds
    reached = [c for c in TEACHER_LADDER if c.value in thresholds and test_percent >= int(thresholds[c.value])]
    return reached[-1] if reached else None


def _lower(category: Category) -> Category | None:
    ladder = ladder_of(category)
    index = ladder.index(category)
    return ladder[index - 1] if index > 0 else None


def _min(a: Category, b: Category) -> Category:
    ladder = ladder_of(a)
    return a if ladder.index(a) <= ladder.index(b) else b


def final_category(
    claimed: Category,
    portfolio: Category | None,
    test_percent: float | None,
    decision: Decision,
    rules: Rules | None = None,
) -> RuleOutcome:
    """The category given `portfolio` (the highest category the portfolio reaches, e.g.
    ``Evaluation.category``), the test result in percent (None if exempt) and the kind of decision."""
    rules = rules or default_rules()
    if test_percent is not None and not 0 <= test_percent <= 100:
        raise ValueError("test_percent must be from 0 to 100")
    ladder = ladder_of(claimed)
    if portfolio is not None and portfolio not in ladder:
        raise ValueError("the portfolio category is on another ladder than the claimed one")
    meets = portfolio is not None and ladder.index(portfolio) >= ladder.index(claimed)
    threshold = threshold_for(claimed, rules)
    test_ok = test_percent is None or test_percent >= threshold
    params = {"claimed": Phrase(claimed.label), "threshold": threshold, "percent": test_percent}

    if meets and test_ok:
        text = (
            N_("The portfolio reaches {claimed}; exempt from the test.")
            if test_percent is None
            else N_("The portfolio and the test ({percent} %, threshold {threshold} %) reach {claimed}.")
        )
        return RuleOutcome(claimed, "§29", Phrase(text, params))

    if is_leader(claimed):
        return _leader(claimed, portfolio, meets, test_ok, decision, params)

    by_test = category_by_test(test_percent, rules) if test_percent is not None else None
    if meets:
        if decision is Decision.CONFIRMATION:
            lower = _lower(claimed)
            return RuleOutcome(
                lower,
                "§30",
                Phrase(N_("The portfolio reaches {claimed} but the test ({percent} %) is below {threshold} %: "
                           "on confirmation the category is one level lower."), params),
            )
        if by_test is None or by_test in (Category.TRAINEE, Category.TEACHER):
            return RuleOutcome(
                Category.TEACHER,
                "§32",
                Phrase(N_("The test ({percent} %) is too low even for pedagogue-moderator: the category is "
                           "pedagogue."), params),
            )
        return RuleOutcome(
            _min(claimed, by_test),
            "§30",
            Phrase(N_("The portfolio reaches {claimed} but the test ({percent} %) is below {threshold} %: on "
                       "assignment the category is not higher than the test allows ({by_test})."),
                    {**params, "by_test": Phrase(by_test.label)}),
        )
    # The portfolio does not reach the claimed category (interpretation, see the module docstring).
    result = portfolio or Category.TEACHER
    if test_percent is not None:
        result = _min(result, by_test or Category.TEACHER)
    if ladder.index(result) < ladder.index(Category.TEACHER):
        result = Category.TEACHER
    return RuleOutcome(
        result,
        "§32",
        Phrase(N_("The portfolio does not reach {claimed}: the category is the lower of what the portfolio "
                   "and the test reach ({result})."), {**params, "result": Phrase(result.label)}),
    )


def _leader(
    claimed: Category,
    portfolio: Category | None,
    meets: bool,
    test_ok: bool,
    decision: Decision,
    params: dict[str, object],
) -> RuleOutcome:
    if meets:  # so the test failed
        if decision is Decision.CONFIRMATION:
            lower = _lower(claimed)
            return RuleOutcome(
                lower,
                "§30",
                Phrase(N_("The portfolio reaches {claimed} but the test ({percent} %) is below {threshold} %: "
                           "on confirmation the category is one level lower."), params),
            )
        return RuleOutcome(
            None,
            "§30",
            Phrase(N_("The portfolio reaches {claimed} but the test ({percent} %) is below {threshold} %: no "
                       "category can be assigned."), params),
        )
    if portfolio is not None and test_ok:
        return RuleOutcome(
            portfolio,
            "§29",
            Phrase(N_("The portfolio reaches only {reached}: the commission finds the lower category."),
                    {**params, "reached": Phrase(portfolio.label)}),
        )
    return RuleOutcome(
        None,
        "§29",
        Phrase(N_("Neither the portfolio nor the test reach a category."), params),
    )
