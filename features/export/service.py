"""What the department's export holds: the academic year's applications, batch by batch, and the /stats figures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.rule_book import RuleBook
from features.stats.service import ProgressReport, StatsService
from scoring.calendar import academic_year
from scoring.config import Rules
from scoring.i18n import N_
from scoring.sheets import ScoringSheet
from scoring.sheets.evaluate import evaluate, parse_answers
from storage.checklist_models import ApplicationStatus
from storage.commission_models import ReviewStatus
from storage.export_repository import ApplicationLine, DecisionLine, ExportRepository, SheetAnswers


class Stage(StrEnum):
    """Where an application stands, from the teacher's submission to the commission's decision."""

    SUBMITTED = "submitted"
    REGISTERED = "registered"
    AWAITING_SECRETARY = "awaiting_secretary"
    ACCEPTED = "accepted"
    ON_AGENDA = "on_agenda"
    DECIDED = "decided"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    DRAFT = "draft"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS: dict[Stage, str] = {
    Stage.SUBMITTED: N_("application submitted"),
    Stage.REGISTERED: N_("registered"),
    Stage.AWAITING_SECRETARY: N_("waiting for the secretary"),
    Stage.ACCEPTED: N_("accepted by a commission"),
    Stage.ON_AGENDA: N_("on a session's agenda"),
    Stage.DECIDED: N_("decided by a commission"),
    Stage.REFUSED: N_("refused by the secretary (back to a draft)"),
    Stage.WITHDRAWN: N_("withdrawn"),
    Stage.DRAFT: N_("draft"),
}

_BY_STATUS = {ApplicationStatus.SUBMITTED.value: Stage.SUBMITTED, ApplicationStatus.REGISTERED.value: Stage.REGISTERED,
              ApplicationStatus.DECIDED.value: Stage.DECIDED, ApplicationStatus.WITHDRAWN.value: Stage.WITHDRAWN}
_BY_REVIEW = {ReviewStatus.PENDING.value: Stage.AWAITING_SECRETARY, ReviewStatus.ACCEPTED.value: Stage.ACCEPTED,
              ReviewStatus.SCHEDULED.value: Stage.ON_AGENDA, ReviewStatus.DECIDED.value: Stage.DECIDED,
              ReviewStatus.REFUSED.value: Stage.REFUSED}


def stage_of(status: str, review_status: str | None) -> Stage:
    """The commission's review says more than the application's status while one is under way."""
    if status in (ApplicationStatus.DECIDED.value, ApplicationStatus.WITHDRAWN.value):
        return _BY_STATUS[status]
    if review_status in _BY_REVIEW:
        return _BY_REVIEW[review_status]
    return _BY_STATUS.get(status, Stage.DRAFT)


@dataclass(frozen=True)
class SelfAssessmentInput:
    """Her answers with the sheet and rules of her application's set: scored where the rows are written (off
    the event loop), not while they are read."""

    sheet: ScoringSheet
    answers: dict[str, Any]
    rules: Rules

    def total(self) -> float | None:
        """The sheet's total, None when the stored answers no longer fit the sheet. Scored without the claim:
        the total does not depend on it, and the advice towards it (a search over improvements) is not needed."""
        try:
            answers = replace(parse_answers(self.sheet, self.answers), claimed=None)
            return round(float(evaluate(self.sheet, answers, self.rules).total), 2)
        except ValueError:  # AnswerError, ObservationError: answers of an older form of the sheet
            return None


@dataclass(frozen=True)
class ExportRow:
    """One application as the export shows it, still in codes (the reader's language is the view's)."""

    application_id: int
    number: str | None
    region: str | None
    area_code: str | None
    organisation: str | None
    role: str | None
    teaching_post: str | None
    claimed_category: str | None
    stage: Stage
    self_assessment: SelfAssessmentInput | None
    commission: str | None
    decision: str | None
    assigned_category: str | None
    submitted_on: date | None
    registered_on: date | None
    reviewed_on: date | None
    decided_on: date | None
    withdrawn_on: date | None


@dataclass(frozen=True)
class ExportPlan:
    year: int
    total: int  # applications when the export began (more may be submitted while it runs)
    regions: list[str | None]
    report: ProgressReport  # the /stats figures, for the summary sheet


class ExportService:
    def __init__(self, session: AsyncSession, rule_book: RuleBook, timezone: str = "Asia/Almaty"):
        self.session = session
        self.rule_book = rule_book
        self.timezone = timezone
        self.tz = ZoneInfo(timezone)
        self.repo = ExportRepository(session)

    async def plan(self, now: datetime) -> ExportPlan:
        year = academic_year(now.astimezone(self.tz).date())
        ruleset = self.rule_book.in_force(now, self.timezone)
        report = await StatsService(self.session, ruleset, self.timezone).report(now)
        return ExportPlan(year, await self.repo.count(year), await self.repo.regions(year), report)

    async def batch(self, year: int, after: int, limit: int) -> list[ExportRow]:
        """The next applications by id after `after`: three queries whatever the batch's size."""
        lines = await self.repo.batch(year, after, limit)
        if not lines:
            return []
        decisions = await self.repo.decisions([line.id for line in lines])
        sheets = await self.repo.self_assessments(sorted({line.user_id for line in lines}))
        return [self._row(line, decisions.get(line.id), sheets.get(line.user_id, [])) for line in lines]

    def _day(self, moment: datetime | None) -> date | None:
        if moment is None:
            return None
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite's are naive UTC
        return aware.astimezone(self.tz).date()

    def _self_assessment(self, line: ApplicationLine, rows: list[SheetAnswers]) -> SelfAssessmentInput | None:
        """Her sheet as /score last changed it, scored by her application's set (as the secretary's card does)."""
        ruleset = self.rule_book.get(line.rule_set_key)
        mine = [row for row in rows if row.sheet_id in ruleset.sheets]
        if not mine:
            return None
        latest = max(mine, key=lambda row: row.updated_at)
        return SelfAssessmentInput(ruleset.sheets[latest.sheet_id], latest.answers, ruleset.rules)

    def _row(self, line: ApplicationLine, decision: DecisionLine | None, sheets: list[SheetAnswers]) -> ExportRow:
        return ExportRow(
            line.id, line.number, line.region, line.area_code, line.org_name, line.role, line.teaching_post,
            line.claimed_category, stage_of(line.status, line.review_status), self._self_assessment(line, sheets),
            line.commission, decision.decision if decision else None, decision.assigned_category if decision else None,
            self._day(line.submitted_at), line.registered_on,
            self._day(line.reviewed_at),
            decision.decided_on if decision else None, self._day(line.withdrawn_at))
