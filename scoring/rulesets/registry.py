"""Which rule set applies: an application is judged by the set in force on the day it was submitted,
for its whole life; a teacher who has not submitted sees the set of the academic year she will submit in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from scoring.calendar import academic_year, default_windows
from scoring.rulesets.load import RuleSet, load_ruleset


def starting_in(ruleset: RuleSet, year: int) -> RuleSet:
    """The set as an admin loads it: judging from academic year `year` on (its file's `applies` is what the
    department proposed; the admin decides), its own first day kept only if it lies in that year."""
    in_force_from = ruleset.in_force_from
    if in_force_from is not None and academic_year(in_force_from) != year:
        in_force_from = None
    last_year = ruleset.last_year if ruleset.last_year is not None and ruleset.last_year >= year else None
    return replace(ruleset, first_year=year, last_year=last_year, in_force_from=in_force_from)


class RegistryError(ValueError):
    """Rule sets that cannot be loaded side by side (the same key twice, two sets starting the same day)."""


class Registry:
    """The loaded rule sets, in the order they start."""

    def __init__(self, sets: Iterable[RuleSet]) -> None:
        self.sets = tuple(sorted(sets, key=lambda s: (s.starts_on(), s.first_year)))
        if not self.sets:
            raise RegistryError("no rule set loaded")
        keys = [s.key for s in self.sets]
        for key in keys:
            if keys.count(key) > 1:
                raise RegistryError(f"rule set {key} is loaded twice")
        starts = [s.starts_on() for s in self.sets]
        for day in starts:
            if starts.count(day) > 1:
                raise RegistryError(f"two rule sets start on {day.isoformat()}")

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> Registry:
        """The sets of these files (each checked; a bad one raises RuleSetError with all its problems)."""
        return cls(load_ruleset(path) for path in paths)

    def get(self, key: str) -> RuleSet | None:
        """The set stored with an application (`RuleSet.key`)."""
        return next((s for s in self.sets if s.key == key), None)

    def for_submission(self, day: date) -> RuleSet:
        """The set in force on `day`: the latest one started by then that covers its academic year; before
        the first set, the first set."""
        year = academic_year(day)
        started = [s for s in self.sets if s.starts_on() <= day]
        covering = [s for s in started if s.covers(year)]
        if covering:
            return covering[-1]
        return started[-1] if started else self.sets[0]

    def for_academic_year(self, year: int) -> RuleSet:
        """The set that judges academic year `year` (Sep `year` - Aug `year + 1`) from its first day on;
        a set starting later in that year is found by `for_submission`."""
        covering = [s for s in self.sets if s.covers(year) and s.first_year <= year]
        if covering:
            return max(covering, key=lambda s: (s.first_year, s.starts_on()))
        earlier = [s for s in self.sets if s.first_year <= year]
        return earlier[-1] if earlier else self.sets[0]

    def for_teacher(self, today: date) -> RuleSet:
        """What a teacher who has not submitted sees: the set in force on the first day she can submit,
        today inside a window, else the next window's opening day (this academic year's or the next)."""
        return self.for_submission(self.next_submission_day(today))

    def next_submission_day(self, today: date) -> date:
        year = academic_year(today)
        for candidate_year in (year, year + 1):
            rules = self.for_academic_year(candidate_year).rules
            for opens, closes in default_windows(candidate_year, rules):
                if today <= closes:
                    return max(today, opens)
        return today
