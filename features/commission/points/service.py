"""Commission points: a member scores the candidate's sheet before voting (optional).

The member's sheet starts as a copy of the candidate's self-assessment (the sheet the teacher used in
/score), so the member changes only what they disagree with. Answers are stored in the input format of
`python -m scoring evaluate` and scored by the same `evaluate_answers` as the self-assessment.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from features.commission.composition.service import utc_now
from features.self_assessment.service import SelfAssessmentService, setting_of
from scoring.categories import Category, OrgType
from scoring.rulesets import RuleSet
from scoring.sheets import Criterion, ScoringSheet
from scoring.sheets.evaluate import Evaluation, category_from_json, category_json, evaluate_answers, parse_answer
from scoring.sheets.model import ScaleKind
from storage.commission_models import AgendaItem, CommissionPoints
from storage.commission_repository import CommissionRepository
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository
from storage.scoring_models import SelfAssessment


@dataclass(frozen=True)
class Total:
    """A total on the candidate's sheet against the threshold of the claimed category."""

    total: Fraction
    claimed: Category | None
    threshold: int | None


@dataclass(frozen=True)
class MemberPoints:
    member_user_id: int
    total: Total


def total_of(evaluation: Evaluation) -> Total:
    claimed = evaluation.claimed
    threshold = evaluation.sheet.thresholds.get(claimed) if claimed is not None else None
    return Total(evaluation.total, claimed, threshold)


def mean(points: list[MemberPoints]) -> Fraction | None:
    if not points:
        return None
    return sum((p.total.total for p in points), Fraction(0)) / len(points)


class PointsService:
    """Members' points on a candidate, judged by the set her application was submitted under."""

    def __init__(self, session: AsyncSession, ruleset_of: Callable[[int], Awaitable[RuleSet]]):
        self.session = session
        self.repo = CommissionRepository(session)
        self.ruleset_of = ruleset_of

    async def ruleset(self, item: AgendaItem) -> RuleSet:
        """The set that judges this candidate: her application's (CommissionService.ruleset_of)."""
        return await self.ruleset_of(item.application_id)

    async def profile(self, item: AgendaItem) -> TeacherProfile | None:
        """The candidate's profile; None once they erased their data (the row is then a kept record)."""
        return await ProfileRepository(self.session).get(item.user_id) if item.user_id is not None else None

    async def self_assessment(self, item: AgendaItem) -> SelfAssessment | None:
        """The sheet the candidate filled in /score: of the sheets their profile allows, the latest one."""
        profile = await self.profile(item)
        setting = setting_of(profile)
        if profile is None or setting is None:
            return None
        return await SelfAssessmentService(self.session, await self.ruleset(item)).latest(profile.user_id, setting)

    async def sheet_id(self, item: AgendaItem) -> str | None:
        """The sheet the candidate is scored on; None when their profile is not complete (or erased)."""
        row = await self.self_assessment(item)
        if row is not None:
            return row.sheet_id
        setting = setting_of(await self.profile(item))
        return setting.sheet_ids()[0] if setting is not None else None

    async def _start(self, item: AgendaItem, sheet: ScoringSheet) -> dict[str, Any]:
        """The member's first answers: the candidate's own, for the category claimed in the application."""
        row = await self.self_assessment(item)
        answers: dict[str, Any] = copy.deepcopy(row.answers) if row is not None and row.sheet_id == sheet.id else {}
        answers.setdefault("criteria", {})
        claimed = category_from_json(sheet, item.claimed_category)
        if claimed is not None:
            answers["claimed"] = category_json(claimed)
        profile = await self.profile(item)
        if profile is not None and profile.org_type == OrgType.PRESCHOOL.value:
            answers["preschool"] = True
        return answers

    async def sheet_of(self, item: AgendaItem, member: int, now: datetime | None = None) -> CommissionPoints | None:
        """The member's sheet for this candidate (created on first use); None if the candidate has none."""
        row = await self.repo.points(item.id, member)
        if row is not None:
            return row
        sheet_id = await self.sheet_id(item)
        sheets = (await self.ruleset(item)).sheets
        if sheet_id is None or sheet_id not in sheets:
            return None
        answers = await self._start(item, sheets[sheet_id])
        return await self.repo.points_or_create(item.id, member, sheet_id, answers, now or utc_now())

    @staticmethod
    def sheet(row: CommissionPoints, ruleset: RuleSet) -> ScoringSheet:
        return ruleset.sheets[row.sheet_id]

    @staticmethod
    def criteria(row: CommissionPoints) -> dict[str, Any]:
        return dict((row.answers or {}).get("criteria") or {})

    @staticmethod
    def evaluate(row: CommissionPoints, ruleset: RuleSet) -> Evaluation:
        return evaluate_answers(ruleset.sheets[row.sheet_id], row.answers, ruleset.rules)

    async def set_answer(self, row: CommissionPoints, criterion: Criterion, answer: dict[str, Any] | None,
                         now: datetime | None = None) -> None:
        """One criterion's answer (None = none, 0 points); raises AnswerError if the sheet refuses it."""
        if answer is not None:
            parse_answer(criterion, answer)
        criteria = self.criteria(row)
        criteria[criterion.id] = answer
        await self.repo.save_points(row, {**copy.deepcopy(row.answers or {}), "criteria": criteria},
                                    now or utc_now())

    @staticmethod
    def observations(row: CommissionPoints, criterion: Criterion) -> list[int | float]:
        answer = (row.answers or {}).get("criteria", {}).get(criterion.id) or {}
        return list(answer.get("observations") or [])

    async def set_observations(self, row: CommissionPoints, criterion: Criterion, totals: list[int | float]) -> None:
        assert criterion.scale.kind is ScaleKind.OBSERVATION
        await self.set_answer(row, criterion, {"observations": totals} if totals else None)

    async def own_total(self, item: AgendaItem) -> Total | None:
        """The candidate's self-assessment, scored for the category claimed in the application."""
        row = await self.self_assessment(item)
        if row is None:
            return None
        ruleset = await self.ruleset(item)
        if row.sheet_id not in ruleset.sheets:
            return None
        sheet = ruleset.sheets[row.sheet_id]
        return total_of(evaluate_answers(sheet, await self._start(item, sheet), ruleset.rules))

    async def member_total(self, item: AgendaItem, member: int) -> Total | None:
        row = await self.repo.points(item.id, member)
        return total_of(self.evaluate(row, await self.ruleset(item))) if row is not None else None

    async def all_totals(self, item: AgendaItem) -> list[MemberPoints]:
        ruleset = await self.ruleset(item)
        return [MemberPoints(row.member_user_id, total_of(self.evaluate(row, ruleset)))
                for row in await self.repo.all_points(item.id)]
