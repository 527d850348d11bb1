"""Submission (/submit, /status, /withdraw): every check named, acceptance and refusal recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal
from features.checklist.service import Checklist, ChecklistService
from features.profile.service import assess, is_complete
from scoring.calendar import academic_year, default_window, default_windows, registration_date
from scoring.dates import format_day
from scoring.documents import Source, State
from scoring.essay import essay_verdict
from scoring.i18n import N_, Phrase
from scoring.rulesets import RuleSet
from storage.checklist_models import Application, ApplicationStatus, Essay, NoticeKind
from storage.checklist_repository import ApplicationRepository, ChecklistRepository, EssayRepository
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository


@dataclass(frozen=True)
class Failure:
    """One failed check: `reason` is stable (recorded), `message` is what the teacher reads."""

    reason: str
    message: Phrase


@dataclass
class Review:
    now: datetime
    today: date
    year: int
    window: tuple[date, date]  # the one that matters today (window_for)
    profile: TeacherProfile | None
    checklist: Checklist | None
    essay: Essay | None
    already: Application | None
    failures: list[Failure] = field(default_factory=list)

    @property
    def window_open(self) -> bool:
        return self.window[0] <= self.today <= self.window[1]

    @property
    def passed(self) -> bool:
        return not self.failures and self.already is None


Window = tuple[date, date]


def window_for(windows: list[Window], today: date) -> Window:
    """Of a year's windows, the one that matters today: the one she is in, else the next to open, else the
    last one (closed)."""
    return next((w for w in windows if today <= w[1]), windows[-1])


NO_CONSENT = Phrase(N_("no consent to the processing of personal data (App 4 item 9, ground 3): send /start"))
NOTHING_TO_WITHDRAW = Phrase(N_("There is no submitted application to withdraw."))



def _document_failures(checklist: Checklist | None) -> list[Failure]:
    """The documents still missing; those of the profile and the essay are checked on their own."""
    failures = []
    for s in checklist.states if checklist is not None else []:
        if not s.blocking or s.item.source in (Source.PROFILE, Source.ESSAY):
            continue
        title = Phrase(s.item.title)
        if s.state is State.ASK:
            failures.append(Failure(f"document:{s.item.id}", Phrase(N_(
                "«{item}»: not sent, and not confirmed to be in the state information systems (/checklist)"),
                {"item": title})))
        else:
            failures.append(Failure(f"document:{s.item.id}", Phrase(N_("«{item}»: missing (/checklist)"),
                                                                     {"item": title})))
    return failures


def _window_failures(review: Review) -> list[Failure]:
    if review.window_open:
        return []
    start, end = review.window
    return [Failure("window", Phrase(N_("applications are accepted from {start} to {end}; this one was filed on "
                                        "{today}, outside the window (App 4 item 10)"),
                                     {"start": format_day(start), "end": format_day(end),
                                      "today": format_day(review.today)}))]


class SubmitOutcome(StrEnum):
    NO_CONSENT = "no_consent"  # nothing to file: she has not consented (or withdrew her consent)
    ALREADY = "already"  # this year's application is on file already
    REFUSED = "refused"  # the rules refuse it: the App 7 notice is recorded
    ACCEPTED = "accepted"  # filed and registered: the App 6 notice is recorded


@dataclass(frozen=True)
class Submission:
    """What became of a confirmed /submit: `application` is the one filed (or already on file), `notice`
    the recorded App 6 or App 7 notice."""

    outcome: SubmitOutcome
    review: Review
    application: Application | None = None
    notice: str = ""


@dataclass(frozen=True)
class NoticeWording:
    """The notices' wording (features/submission/views.py): each is recorded exactly as she reads it."""

    acceptance: Callable[[Review, Application], str]
    refusal: Callable[[Review], str]


@dataclass(frozen=True)
class Withdrawn:
    application: Application
    window_end: date  # she can submit again until then


class SubmissionService:
    def __init__(self, session: AsyncSession, ruleset: RuleSet, timezone: str = "Asia/Almaty"):
        """`ruleset`: the set she submits under (its key is stored with what she submits: the set that
        judges it for its whole life); its documents, essay limits, windows and eligibility."""
        self.session = session
        self.ruleset = ruleset
        self.rules = ruleset.rules
        self.rule_set_key = ruleset.key
        self.tz = ZoneInfo(timezone)
        self.applications = ApplicationRepository(session)
        self.checklists = ChecklistService(session, ruleset)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    async def window(self, year: int) -> Window:
        """The admin-set window of the academic year, else the first of the rule set's windows."""
        return await self.applications.window(year) or default_window(year, self.rules)

    async def windows(self, year: int) -> list[Window]:
        """Every window of the academic year: the rule set's, the first one replaced by the admin's (/window)."""
        defaults = default_windows(year, self.rules)
        stored = await self.applications.window(year)
        if stored is None:
            return defaults
        replaced = default_window(year, self.rules)
        return sorted([stored, *(w for w in defaults if w != replaced)])

    async def window_now(self, year: int, today: date) -> Window:
        return window_for(await self.windows(year), today)

    async def review(self, user_id: int, now: datetime) -> Review:
        """Every check of an application filed now, each failure named with its clause."""
        today = self.today(now)
        year = academic_year(today)
        profile = await ProfileRepository(self.session).get(user_id)
        checklist = await self.checklists.load(user_id) if profile is not None else None
        essay = await EssayRepository(self.session).get(user_id)
        review = Review(now, today, year, await self.window_now(year, today), profile, checklist, essay,
                        await self.applications.active(user_id, year))
        if profile is None:
            review.failures.append(Failure("consent", NO_CONSENT))
            return review
        review.failures += [*self._profile_failures(profile, today), *_document_failures(checklist),
                            *self._essay_failures(essay), *_window_failures(review)]
        return review

    def _profile_failures(self, profile: TeacherProfile, today: date) -> list[Failure]:
        if not is_complete(profile):
            return [Failure("profile", Phrase(N_("the application data (App 5) are incomplete: finish your profile "
                                                 "with /start")))]
        report = assess(profile, today, self.rules)
        if report is not None and report.allowed:
            return []
        return [Failure("eligibility", Phrase(N_("the claimed category cannot be applied for: {reason} ({clause})"),
                                              {"reason": finding.message, "clause": finding.reference}))
                for finding in (report.blockers if report is not None else [])]

    def _essay_failures(self, essay: Essay | None) -> list[Failure]:
        if essay is None:
            return [Failure("essay", Phrase(N_("the essay (§27): not written yet (/essay)")))]
        verdict = essay_verdict(essay.words, self.rules)
        if verdict.ok:
            return []
        return [Failure("essay", Phrase(N_("the essay (§27) has {words} words instead of {min}–{max} (/essay)"),
                                        {"words": essay.words, "min": verdict.min, "max": verdict.max}))]

    async def submit(self, user_id: int, now: datetime, locale: str, wording: NoticeWording) -> Submission:
        """She confirmed: the checks once more, then this year's draft filed with the App 6 acceptance
        notice, or (the rules refuse it: something changed since the readiness check, e.g. the window
        closed) the App 7 refusal notice; either notice recorded as she reads it."""
        review = await self.review(user_id, now)
        if review.profile is None:
            return Submission(SubmitOutcome.NO_CONSENT, review)
        if review.already is not None:
            return Submission(SubmitOutcome.ALREADY, review, review.already)
        if review.failures:
            notice = wording.refusal(review)
            await self.refuse(user_id, review, locale, notice)
            return Submission(SubmitOutcome.REFUSED, review, notice=notice)
        app = await self.accept(user_id, review)
        notice = wording.acceptance(review, app)
        await self.record_acceptance(app, locale, notice, now)
        return Submission(SubmitOutcome.ACCEPTED, review, app, notice)

    async def refuse(self, user_id: int, review: Review, locale: str, text: str) -> Application:
        """Record an App 7 notice against this year's draft."""
        draft = await self.applications.draft(user_id, review.year, review.now)
        await self.applications.add_notice(draft, NoticeKind.REFUSAL.value, locale, text,
                                           [f.reason for f in review.failures], review.now)
        return draft

    async def accept(self, user_id: int, review: Review) -> Application:
        """Submit this year's draft: number, registration date (§23), frozen snapshot."""
        assert review.passed and review.profile is not None
        draft = await self.applications.draft(user_id, review.year, review.now)
        files = await ChecklistRepository(self.session).files(user_id)
        snapshot: dict[str, object] = {
            "files": {f.item_id: [] for f in files},
            "essay_words": review.essay.words if review.essay else None,
        }
        for f in files:
            snapshot["files"][f.item_id].append(f.file_id)  # type: ignore[index]
        draft.rule_set_key = self.rule_set_key
        return await self.applications.submit(
            draft, review.now, registration_date(review.now, self.rules), review.profile.claimed_category, snapshot,
        )

    async def record_acceptance(self, app: Application, locale: str, text: str, now: datetime) -> None:
        await self.applications.add_notice(app, NoticeKind.ACCEPTANCE.value, locale, text, [], now)

    async def latest(self, user_id: int, now: datetime) -> Application | None:
        year = academic_year(self.today(now))
        return await self.applications.active(user_id, year) or await self.applications.latest(user_id, year)

    async def withdrawable(self, user_id: int, now: datetime) -> Application:
        """Her submitted application, if it can be withdrawn now; refused otherwise."""
        app = await self.latest(user_id, now)
        if app is None or app.status in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
            raise Refusal(NOTHING_TO_WITHDRAW)
        problem = await self.can_withdraw(app, now)
        if problem is not None:
            raise Refusal(problem)
        return app

    async def withdraw_latest(self, user_id: int, now: datetime) -> Withdrawn:
        app = await self.withdrawable(user_id, now)
        await self.withdraw(app, now)
        _start, end = await self.window_now(app.academic_year, self.today(now))
        return Withdrawn(app, end)

    async def can_withdraw(self, app: Application, now: datetime) -> Phrase | None:
        """Why `app` cannot be withdrawn now (None: it can)."""
        if app.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.REGISTERED):
            return Phrase(N_("The commission is already reviewing this application: it can no longer be withdrawn."))
        start, end = await self.window_now(app.academic_year, self.today(now))
        if not start <= self.today(now) <= end:
            return Phrase(N_("The application window is closed ({start} – {end}): the application can no longer be "
                              "withdrawn."), {"start": format_day(start), "end": format_day(end)})
        return None

    async def withdraw(self, app: Application, now: datetime) -> None:
        await self.applications.withdraw(app, now)
