"""Self-assessment on the official scoring sheet: which sheet, saving answers, evaluation.

The stored answers are the JSON input of ``python -m scoring evaluate``, so the bot and the command line
score the same data the same way.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from features.checklist.service import doc_profile
from features.profile.form import teaching_post_of, to_rules_profile
from scoring.categories import Category, OrgType, Role, TeachingPost
from scoring.config import Rules
from scoring.documents import BY_ID as DOCUMENT_ITEMS
from scoring.documents import Item, applicable_items
from scoring.rulesets import RuleSet
from scoring.sheets import Criterion, ScoringSheet
from scoring.sheets.evaluate import (
    Evaluation,
    category_from_json,
    category_json,
    evaluate_answers,
    parse_answer,
)
from scoring.sheets.model import ScaleKind
from scoring.sheets.observation import ObservationSheet
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository
from storage.scoring_models import SelfAssessment
from storage.scoring_repository import SelfAssessmentRepository

TEACHER, TEACHER_NO_DYNAMICS = "teacher", "teacher-no-dynamics"


def sheet_id_for(role: Role, org_type: OrgType, dynamics: bool = True) -> str:
    """The sheet of a position and type of organisation (spec §5; docs/scoring-format.md)."""
    if role is Role.TEACHER:
        return TEACHER if dynamics else TEACHER_NO_DYNAMICS
    if role is Role.HEAD:
        return {OrgType.TVET: "head-tvet", OrgType.PRESCHOOL: "head-preschool"}.get(org_type, "head")
    if role is Role.DEPUTY:
        return "deputy-preschool" if org_type is OrgType.PRESCHOOL else "deputy"
    return {
        Role.METHODIST: "methodist",
        Role.CABINET_METHODIST: "cabinet-methodist",
        Role.CABINET_HEAD: "cabinet-head",
        Role.CABINET_DEPUTY: "cabinet-deputy",
    }[role]


@dataclass(frozen=True)
class Setting:
    """What the profile decides: the role, the organisation, the claim (None if not on this ladder) and,
    for teachers, the post (None in profiles completed before the bot asked it)."""

    role: Role
    org_type: OrgType
    claimed: Category | None
    post: TeachingPost | None = None

    @property
    def asks_dynamics(self) -> bool:
        # Criterion 1.1 is not scored for some posts (psychologists, mentor-organisers...): without the
        # post in the profile, the teacher says which sheet applies.
        return self.role is Role.TEACHER and self.post is None

    def sheet_ids(self) -> list[str]:
        """The sheets this person may be scored on, the expected one first."""
        if self.role is Role.TEACHER and self.post is None:
            return [TEACHER, TEACHER_NO_DYNAMICS]
        dynamics = self.post.scores_dynamics if self.post is not None else True
        return [sheet_id_for(self.role, self.org_type, dynamics=dynamics)]

    @property
    def observation_form_id(self) -> str:
        """The lesson observation sheet of her type of organisation (App 9)."""
        return {OrgType.PRESCHOOL: "preschool", OrgType.SPECIAL: "special"}.get(self.org_type, "secondary")


def setting_of(profile: TeacherProfile | None) -> Setting | None:
    """None until the profile is completed."""
    if profile is None or profile.completed_at is None:
        return None
    view = to_rules_profile(profile)
    if view is None:
        return None
    return Setting(view.role, view.org_type, view.claimed, teaching_post_of(profile))


# Students' contests and olympiads, by sheet family: their files go to "students' achievements".
_STUDENT_CRITERIA = {"teacher": "2.1", "head": "2.4", "deputy": "2.3"}
# The results indicators of teacher criterion 1.1 have one checklist item per type of organisation.
_RESULTS_ITEMS = ("knowledge_quality", "preschool_skills", "programme_mastery", "development_programme")
_ACHIEVEMENTS = "professional_achievements"


def evidence_item(sheet: ScoringSheet, criterion: Criterion, applicable: Collection[str]) -> Item | None:
    """The checklist item (scoring/documents.py) where the files supporting a criterion go, among
    the items on this person's checklist (`applicable`); None when none of them fits (no dead button)."""
    scale = criterion.scale
    quantity = scale.quantity.value if scale.quantity is not None else None
    family = sheet.id.split("-")[0]
    candidates: tuple[str, ...]
    if scale.kind is ScaleKind.OBSERVATION or quantity == "sheets":
        candidates = ("observation_sheets",)
    elif quantity == "hours":
        candidates = ("courses",)
    elif family == "teacher" and criterion.id == "1.1":
        candidates = _RESULTS_ITEMS
    elif _STUDENT_CRITERIA.get(family) == criterion.id:
        candidates = ("student_achievements", _ACHIEVEMENTS)
    elif sheet.id == "cabinet-methodist":
        # Only methodical-cabinet methodists have this item; an organisation's methodist files achievements.
        candidates = ("methodist_materials", _ACHIEVEMENTS)
    else:
        candidates = (_ACHIEVEMENTS,)
    return next((DOCUMENT_ITEMS[c] for c in candidates if c in applicable), None)


async def checklist_item_ids(session: AsyncSession, user_id: int) -> frozenset[str]:
    """The ids of the items on this person's document checklist (empty until the profile says enough)."""
    profile = await ProfileRepository(session).get(user_id)
    view = doc_profile(profile) if profile is not None else None
    return frozenset(item.id for item in applicable_items(view)) if view is not None else frozenset()


class SelfAssessmentService:
    def __init__(self, session: AsyncSession, ruleset: RuleSet):
        self.session = session
        self.rows = SelfAssessmentRepository(session)
        self.ruleset = ruleset
        self.rules: Rules = ruleset.rules

    async def row(self, user_id: int, sheet_id: str) -> SelfAssessment:
        return await self.rows.get_or_create(user_id, sheet_id)

    async def latest(self, user_id: int, setting: Setting) -> SelfAssessment | None:
        """The sheet filled in /score: of the sheets the profile allows, the one changed last."""
        rows = [row for sheet_id in setting.sheet_ids() if (row := await self.rows.get(user_id, sheet_id))]
        return max(rows, key=lambda r: r.updated_at) if rows else None

    def sheet(self, row: SelfAssessment) -> ScoringSheet:
        """Her sheet as her rule set prints it (criteria, points, thresholds)."""
        return self.ruleset.sheets[row.sheet_id]

    def observation_form(self, setting: Setting) -> ObservationSheet:
        """Her observation sheet as her rule set prints it."""
        return self.ruleset.observation_sheets[setting.observation_form_id]

    @staticmethod
    def criteria(row: SelfAssessment) -> dict[str, Any]:
        return dict((row.answers or {}).get("criteria") or {})

    @staticmethod
    def stored_answers(sheet: ScoringSheet, setting: Setting, criteria: dict[str, Any]) -> dict[str, Any]:
        """The answers as stored: the criteria, with the profile's claim and type of organisation."""
        answers: dict[str, Any] = {"criteria": criteria}
        claimed = category_from_json(sheet, setting.claimed.value) if setting.claimed else None
        if claimed is not None:
            answers["claimed"] = category_json(claimed)
        if setting.org_type is OrgType.PRESCHOOL:
            answers["preschool"] = True
        return answers

    async def existing(self, user_id: int, sheet_id: str) -> SelfAssessment | None:
        return await self.rows.get(user_id, sheet_id)

    def blank(self, user_id: int, sheet_id: str, setting: Setting) -> SelfAssessment:
        """A sheet she has not started, as it would be stored (not saved: looking at it starts nothing)."""
        answers = self.stored_answers(self.ruleset.sheets[sheet_id], setting, {})
        return SelfAssessment(user_id=user_id, sheet_id=sheet_id, answers=answers, observations=[])

    async def _store(self, row: SelfAssessment, setting: Setting, criteria: dict[str, Any],
                     observations: list[dict[str, Any]] | None = None) -> None:
        answers = self.stored_answers(self.sheet(row), setting, criteria)
        await self.rows.save(row, answers, copy.deepcopy(row.observations or []) if observations is None
                             else observations)

    async def set_answer(self, row: SelfAssessment, setting: Setting, criterion: Criterion,
                         answer: dict[str, Any] | None) -> None:
        """Save one criterion's answer (None = "I have none"); raises AnswerError if the sheet refuses it."""
        if answer is not None:
            parse_answer(criterion, answer)
        criteria = self.criteria(row)
        criteria[criterion.id] = answer
        observations: list[dict[str, Any]] | None = None
        if criterion.scale.kind is ScaleKind.OBSERVATION and answer is None:
            observations = []
        await self._store(row, setting, criteria, observations)

    async def add_observations(self, row: SelfAssessment, setting: Setting, criterion: Criterion,
                               totals: list[int | float], ratings: dict[str, int] | None = None) -> None:
        observations = copy.deepcopy(row.observations or [])
        form = self.observation_form(setting).id
        observations += [{"form": form, "total": t, "ratings": ratings} for t in totals]
        criteria = self.criteria(row)
        criteria[criterion.id] = {"observations": [o["total"] for o in observations]}
        await self._store(row, setting, criteria, observations)

    async def replace_observations(self, row: SelfAssessment, setting: Setting, criterion: Criterion,
                                   totals: list[int | float]) -> None:
        """Typed totals are the whole list of sheets: typing them again corrects them, it adds no sheets."""
        form = self.observation_form(setting).id
        observations: list[dict[str, Any]] = [{"form": form, "total": t, "ratings": None} for t in totals]
        criteria = self.criteria(row)
        criteria[criterion.id] = {"observations": list(totals)}
        await self._store(row, setting, criteria, observations)

    async def remove_last_observation(self, row: SelfAssessment, setting: Setting, criterion: Criterion) -> None:
        observations = copy.deepcopy(row.observations or [])[:-1]
        criteria = self.criteria(row)
        if observations:
            criteria[criterion.id] = {"observations": [o["total"] for o in observations]}
        else:
            criteria.pop(criterion.id, None)
        await self._store(row, setting, criteria, observations)

    async def refresh_claim(self, row: SelfAssessment, setting: Setting) -> None:
        """The profile's claim may have changed since the last answer."""
        await self._store(row, setting, self.criteria(row))

    def evaluate(self, row: SelfAssessment) -> Evaluation:
        return evaluate_answers(self.sheet(row), row.answers, self.rules)

    def next_open(self, row: SelfAssessment, after: str | None = None) -> Criterion | None:
        """The next criterion without an answer (after `after`, wrapping), or None when all are answered."""
        sheet = self.sheet(row)
        answered = self.criteria(row)
        ids = [c.id for c in sheet.criteria]
        start = ids.index(after) + 1 if after in ids else 0
        for criterion_id in ids[start:] + ids[:start]:
            if criterion_id not in answered:
                return sheet.criterion(criterion_id)
        return None
