"""What a new rule set changes for one teacher who has started and not submitted: worked out from her own
profile, self-assessment and checklist against the old set and the new one, as Phrases to send her."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from scoring.documents import BY_ID
from scoring.eligibility import assess
from scoring.i18n import N_, Phrase
from scoring.profile import Profile
from scoring.rulesets.load import RuleSet
from scoring.sheets.evaluate import AnswerError, evaluate_answers, json_number


@dataclass(frozen=True)
class TeacherFacts:
    """Her data the rules judge: the rules' view of her profile (None while incomplete), the sheet and
    answers of her self-assessment (None if she has none), the checklist items on her list and those she
    has supplied (uploaded, or marked as in the state systems)."""

    today: date
    profile: Profile | None = None
    birth_date: date | None = None
    sex: str | None = None
    sheet_id: str | None = None
    answers: Mapping[str, Any] | None = None
    on_checklist: frozenset[str] = field(default_factory=frozenset)
    supplied: frozenset[str] = field(default_factory=frozenset)


def year_label(year: int) -> str:
    """The academic year starting in September of `year`: 2027/28."""
    return f"{year}/{(year + 1) % 100:02d}"


def windows_label(ruleset: RuleSet) -> str:
    return ", ".join(f"{od:02d}.{om:02d}–{cd:02d}.{cm:02d}" for (om, od), (cm, cd) in ruleset.windows)


def _total(ruleset: RuleSet, sheet_id: str, answers: Mapping[str, Any]) -> Fraction | None:
    sheet = ruleset.sheets.get(sheet_id)
    if sheet is None:
        return None
    try:
        return evaluate_answers(sheet, dict(answers), ruleset.rules).total
    except AnswerError:
        return None


def _threshold_changes(old: RuleSet, new: RuleSet, year: str, facts: TeacherFacts) -> Iterator[Phrase]:
    claimed = facts.profile.claimed if facts.profile is not None else None
    if claimed is None or facts.sheet_id is None:
        return
    before_sheet, after_sheet = old.sheets.get(facts.sheet_id), new.sheets.get(facts.sheet_id)
    before = before_sheet.thresholds.get(claimed) if before_sheet is not None else None
    after = after_sheet.thresholds.get(claimed) if after_sheet is not None else None
    total = _total(new, facts.sheet_id, facts.answers) if facts.answers is not None else None
    old_total = _total(old, facts.sheet_id, facts.answers) if facts.answers is not None else None
    if after is None or (before == after and total == old_total):
        return
    category = Phrase(claimed.label)
    if total is None:
        yield Phrase(N_("Under {year} {category} needs {points} points (it was {before})."),
                     {"year": year, "category": category, "points": after, "before": before})
    else:
        yield Phrase(N_("Under {year} {category} needs {points} points; your self-assessment has {total}."),
                     {"year": year, "category": category, "points": after, "total": json_number(total)})


def _document_changes(old: RuleSet, new: RuleSet, facts: TeacherFacts) -> Iterator[Phrase]:
    for doc_id, rule in new.documents.items():
        before = old.documents.get(doc_id)
        if rule.need != "required" or (before is not None and before.need == "required"):
            continue
        if doc_id in facts.supplied:
            continue
        known = BY_ID.get(doc_id)
        if known is not None and doc_id not in facts.on_checklist:
            continue  # a document of another post or organisation
        template = (N_("A new document is required: {document} ({clause}).") if before is None
                    else N_("A document that was optional is now required: {document} ({clause})."))
        name = Phrase(known.title) if known is not None else doc_id.replace("_", " ")
        yield Phrase(template, {"document": name, "clause": rule.clause})


def _eligibility_changes(old: RuleSet, new: RuleSet, facts: TeacherFacts) -> Iterator[Phrase]:
    if facts.profile is None:
        return
    before = assess(facts.profile, facts.today, old.rules, facts.birth_date, facts.sex)
    after = assess(facts.profile, facts.today, new.rules, facts.birth_date, facts.sex)
    known = {(f.clause, f.message.text) for f in before.blockers}
    for finding in after.blockers:
        if (finding.clause, finding.message.text) not in known:
            yield Phrase(N_("Your claim is no longer allowed because {reason} ({clause})."),
                         {"reason": finding.message, "clause": finding.reference})


def changes_for(old: RuleSet, new: RuleSet, year: int, facts: TeacherFacts) -> list[Phrase]:
    """What `new`, judging academic year `year`, changes for her against `old`; empty when nothing does."""
    label = year_label(year)
    found = [*_threshold_changes(old, new, label, facts), *_document_changes(old, new, facts),
             *_eligibility_changes(old, new, facts)]
    if old.windows != new.windows:
        found.append(Phrase(N_("Under {year} applications are accepted {windows} (it was {before})."),
                            {"year": label, "windows": windows_label(new), "before": windows_label(old)}))
    return found
