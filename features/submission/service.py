"""Submission (/submit, /status, /withdraw): every check named, acceptance and refusal recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from features.checklist.service import Checklist, ChecklistService
from features.profile.service import assess, is_complete
from scoring.calendar import academic_year, default_window, registration_date
from scoring.config import Rules, default_rules
from scoring.documents import Source, State
from scoring.essay import essay_verdict
from scoring.i18n import N_, Phrase
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
    window: tuple[date, date]
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


NO_CONSENT = Phrase(N_("no consent to the processing of personal data (App 4 item 9, ground 3): send /start"))


def fmt_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


class SubmissionService:
    def __init__(self, session: AsyncSession, rules: Rules | None = None, timezone: str = "Asia/Almaty"):
        self.session = session
        self.rules = rules or default_rules()
        self.tz = ZoneInfo(timezone)
        self.applications = ApplicationRepository(session)
        self.checklists = ChecklistService(session, self.rules)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    async def window(self, year: int) -> tuple[date, date]:
        """The admin-set window of the academic year, else the default of rules.toml [window]."""
        return await self.applications.window(year) or default_window(year, self.rules)

    async def review(self, user_id: int, now: datetime) -> Review:
        today = self.today(now)
        year = academic_year(today)
        profile = await ProfileRepository(self.session).get(user_id)
        checklist = await self.checklists.load(user_id) if profile is not None else None
        essay = await EssayRepository(self.session).get(user_id)
        review = Review(now, today, year, await self.window(year), profile, checklist, essay,
                        await self.applications.active(user_id, year))
        add = review.failures.append
        if profile is None:
            add(Failure("consent", NO_CONSENT))
            return review
        if not is_complete(profile):
            add(Failure("profile", Phrase(N_("the application data (App 5) are incomplete: finish your profile "
                                               "with /start"))))
        else:
            report = assess(profile, today, self.rules)
            if report is None or not report.allowed:
                for finding in report.blockers if report is not None else []:
                    add(Failure("eligibility", Phrase(N_("the claimed category cannot be applied for: {reason} "
                                                          "({clause})"),
                                                       {"reason": finding.message, "clause": finding.reference})))
        if checklist is not None:
            for s in checklist.states:
                if not s.blocking or s.item.source in (Source.PROFILE, Source.ESSAY):
                    continue
                title = Phrase(s.item.title)
                if s.state is State.ASK:
                    add(Failure(f"document:{s.item.id}", Phrase(N_(
                        "«{item}»: not sent, and not confirmed to be in the state information systems "
                        "(/checklist)"), {"item": title})))
                else:
                    add(Failure(f"document:{s.item.id}", Phrase(N_("«{item}»: missing (/checklist)"),
                                                                 {"item": title})))
        if essay is None:
            add(Failure("essay", Phrase(N_("the essay (§27): not written yet (/essay)"))))
        else:
            verdict = essay_verdict(essay.words, self.rules)
            if not verdict.ok:
                add(Failure("essay", Phrase(N_("the essay (§27) has {words} words instead of {min}–{max} (/essay)"),
                                             {"words": essay.words, "min": verdict.min, "max": verdict.max})))
        if not review.window_open:
            add(Failure("window", Phrase(N_("applications are accepted from {start} to {end}; this one was filed "
                                             "on {today}, outside the window (App 4 item 10)"),
                                          {"start": fmt_date(review.window[0]), "end": fmt_date(review.window[1]),
                                           "today": fmt_date(today)})))
        return review

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
        return await self.applications.submit(
            draft, review.now, registration_date(review.now, self.rules), review.profile.claimed_category, snapshot,
        )

    async def record_acceptance(self, app: Application, locale: str, text: str, now: datetime) -> None:
        await self.applications.add_notice(app, NoticeKind.ACCEPTANCE.value, locale, text, [], now)

    async def latest(self, user_id: int, now: datetime) -> Application | None:
        year = academic_year(self.today(now))
        return await self.applications.active(user_id, year) or await self.applications.latest(user_id, year)

    async def can_withdraw(self, app: Application, now: datetime) -> Phrase | None:
        """Why `app` cannot be withdrawn now (None: it can)."""
        if app.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.REGISTERED):
            return Phrase(N_("The commission is already reviewing this application: it can no longer be withdrawn."))
        start, end = await self.window(app.academic_year)
        if not start <= self.today(now) <= end:
            return Phrase(N_("The application window is closed ({start} – {end}): the application can no longer be "
                              "withdrawn."), {"start": fmt_date(start), "end": fmt_date(end)})
        return None

    async def withdraw(self, app: Application, now: datetime) -> None:
        await self.applications.withdraw(app, now)
