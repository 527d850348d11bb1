"""Where a teacher stands: the four steps of her attestation in order, her progress on each, and what is
next; the state of her application (routed, on a session, decided)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from features.profile.service import assess, is_complete
from features.self_assessment.service import SelfAssessmentService, setting_of
from features.submission.service import Review, SubmissionService
from scoring.categories import Category
from scoring.commission import Decision
from scoring.dates import format_day
from scoring.eligibility import Channel
from scoring.essay import essay_verdict
from scoring.i18n import N_, Phrase
from scoring.rulesets import RuleSet
from scoring.sheets.observation import format_points
from storage.checklist_models import Application, ApplicationStatus, UploadedFile
from storage.checklist_repository import ChecklistRepository
from storage.commission_models import (
    AgendaItem,
    ApplicationReview,
    Commission,
    CommissionDecision,
    CommissionSession,
    ReviewStatus,
)
from storage.commission_repository import CommissionRepository


class Step(StrEnum):
    """The steps in the order the teacher takes them (/checklist → /essay → /score → /submit)."""

    CHECKLIST = "checklist"
    ESSAY = "essay"
    SCORE = "score"
    SUBMIT = "submit"


@dataclass(frozen=True)
class StepProgress:
    step: Step
    done: bool
    started: bool
    detail: Phrase


@dataclass(frozen=True)
class AgendaEntry:
    """The session an application is on, and the decision once there is one."""

    item: AgendaItem
    session: CommissionSession
    commission: Commission
    decision: CommissionDecision | None


@dataclass(frozen=True)
class Standing:
    review: Review
    steps: tuple[StepProgress, ...]
    application: Application | None
    routed: ApplicationReview | None
    agenda: AgendaEntry | None
    files_in_bot: bool
    channel: Channel | None

    @property
    def next(self) -> StepProgress | None:
        """The first step not done; none once the application is filed (the rest is the commission's)."""
        if self.step(Step.SUBMIT).done:
            return None
        return next((s for s in self.steps if not s.done), None)

    def step(self, step: Step) -> StepProgress:
        return next(s for s in self.steps if s.step is step)


ACTIVE = (ApplicationStatus.SUBMITTED, ApplicationStatus.REGISTERED, ApplicationStatus.UNDER_REVIEW,
          ApplicationStatus.DECIDED)


class GuidanceService:
    def __init__(self, session: AsyncSession, settings: Settings, ruleset: RuleSet):
        """`ruleset`: the teacher's (TeacherSets.of): her application's, else the one she will submit under."""
        self.session = session
        self.settings = settings
        self.ruleset = ruleset
        self.rules = ruleset.rules
        self.submissions = SubmissionService(session, ruleset, settings.timezone)
        self.repo = CommissionRepository(session)

    async def standing(self, user_id: int, now: datetime) -> Standing | None:
        """None before consent (there is no profile to stand on)."""
        review = await self.submissions.review(user_id, now)
        if review.profile is None:
            return None
        app = await self.submissions.latest(user_id, now)
        routed = await self.repo.review(app.id) if app is not None else None
        agenda = await self.agenda(app) if app is not None else None
        report = assess(review.profile, review.today, self.rules) if is_complete(review.profile) else None
        steps = (self.checklist_step(review), self.essay_step(review), await self.score_step(review),
                 self.submit_step(review, app, routed, agenda))
        return Standing(review, steps, app, routed, agenda, self.settings.files_in_bot,
                        report.channel if report is not None else None)

    async def package_files(self, user_id: int) -> dict[str, list[UploadedFile]]:
        """Her files by checklist item, as sent, for the package she files on a portal."""
        out: dict[str, list[UploadedFile]] = {}
        for f in await ChecklistRepository(self.session).files(user_id):
            out.setdefault(f.item_id, []).append(f)
        return out

    async def agenda(self, app: Application) -> AgendaEntry | None:
        entry = await self.repo.agenda_entry(app.id)
        if entry is None:
            return None
        item, s, c = entry
        return AgendaEntry(item, s, c, await self.repo.decision(item.id))

    @staticmethod
    def checklist_step(review: Review) -> StepProgress:
        checklist = review.checklist
        if checklist is None:
            return StepProgress(Step.CHECKLIST, False, False, Phrase(N_("after the profile")))
        progress = checklist.progress
        return StepProgress(Step.CHECKLIST, progress.complete, progress.done > 0,
                            Phrase(N_("{done}/{total} documents"), {"done": progress.done, "total": progress.total}))

    def essay_step(self, review: Review) -> StepProgress:
        if review.essay is None:
            return StepProgress(Step.ESSAY, False, False, Phrase(N_("not written yet")))
        v = essay_verdict(review.essay.words, self.rules)
        if v.to_add:
            detail = Phrase(N_("{words}/{min} words"), {"words": v.words, "min": v.min})
        elif v.to_cut:
            detail = Phrase(N_("{words} words, {n} over {max}"), {"words": v.words, "n": v.to_cut, "max": v.max})
        else:
            detail = Phrase(N_("{words} words, within {min}–{max}"), {"words": v.words, "min": v.min, "max": v.max})
        return StepProgress(Step.ESSAY, v.ok, True, detail)

    async def score_step(self, review: Review) -> StepProgress:
        """Not required for filing, but it shows whether the portfolio reaches the claimed category."""
        setting = setting_of(review.profile)
        if setting is None:
            return StepProgress(Step.SCORE, False, False, Phrase(N_("after the profile")))
        service = SelfAssessmentService(self.session, self.ruleset)
        row = await service.latest(review.profile.user_id, setting) if review.profile else None
        answered = service.criteria(row) if row is not None else {}
        if row is None or not answered:
            return StepProgress(Step.SCORE, False, False, Phrase(N_("not started")))
        evaluation = service.evaluate(row)
        total = len(evaluation.sheet.criteria)
        points = format_points(evaluation.total)
        if len(answered) < total:
            return StepProgress(Step.SCORE, False, True, Phrase(
                N_("{answered}/{total} criteria, {points} points so far"),
                {"answered": len(answered), "total": total, "points": points}))
        claimed = evaluation.claimed
        if claimed is None or evaluation.gap is None:
            detail = Phrase(N_("{points} points"), {"points": points})
        elif evaluation.meets_claimed:
            detail = Phrase(N_("{points} points, enough for {category}"),
                             {"points": points, "category": Phrase(claimed.label)})
        else:
            detail = Phrase(N_("{points} points, {gap} short of {category}"),
                             {"points": points, "gap": format_points(evaluation.gap),
                              "category": Phrase(claimed.label)})
        return StepProgress(Step.SCORE, True, True, detail)

    def submit_step(self, review: Review, app: Application | None, routed: ApplicationReview | None,
                    agenda: AgendaEntry | None) -> StepProgress:
        if not self.settings.files_in_bot:
            # The bot cannot see the portal: this step stays the next one once the others are done.
            detail = N_("ready, with the steps for the portal") if review.passed else N_(
                "once the documents and the essay are ready")
            return StepProgress(Step.SUBMIT, False, review.passed, Phrase(detail))
        if app is None or ApplicationStatus(app.status) not in ACTIVE:
            return StepProgress(Step.SUBMIT, False, False, Phrase(N_("not submitted yet")))
        return StepProgress(Step.SUBMIT, True, True, application_state(app, routed, agenda))


def application_state(app: Application, routed: ApplicationReview | None, agenda: AgendaEntry | None) -> Phrase:
    """A short account of a submitted application, as far as it has gone."""
    number = app.number or str(app.id)
    if agenda is not None and agenda.decision is not None:
        decision = agenda.decision
        category = decision.assigned_category
        if category:
            return Phrase(N_("No. {number} decided: {category}"),
                           {"number": number, "category": Phrase(Category(category).label)})
        return Phrase(N_("No. {number} decided: {decision}"),
                       {"number": number, "decision": Phrase(Decision(decision.decision).label)})
    if agenda is not None:
        return Phrase(N_("No. {number} on the session of {date}"),
                       {"number": number, "date": format_day(agenda.session.session_date)})
    if routed is not None and routed.status == ReviewStatus.ACCEPTED.value:
        return Phrase(N_("No. {number} accepted by the commission for a session"), {"number": number})
    return Phrase(N_("No. {number} submitted"), {"number": number})
