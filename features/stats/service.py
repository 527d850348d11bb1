"""The administrators' progress report: how far this academic year's teachers have got, in numbers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from features.appeals.service import appeal_counts
from features.commission.composition.service import CommissionService
from features.submission.service import SubmissionService
from scoring.calendar import academic_year, add_working_days
from scoring.i18n import N_
from scoring.rulesets import RuleSet
from storage.outbox_repository import OutboxRepository
from storage.stats_repository import AreaCounts, StatsRepository

# How far back /stats counts the messages that could not be delivered (the outbox keeps them 30 days).
UNDELIVERED_SINCE = timedelta(days=7)


@dataclass(frozen=True)
class Stage:
    label: str  # a msgid
    count: int


@dataclass(frozen=True)
class UnroutedArea:
    """Submitted applications of one area that no commission serves (yet): `area_code` None when the
    teachers' profiles name no district of the list."""

    region: str | None
    area_code: str | None
    count: int


@dataclass(frozen=True)
class ProgressReport:
    year: int
    today: date
    window: tuple[date, date]
    stages: list[Stage]  # from consent to the commission's decision, each a subset of the one before
    refused: int
    # Per region; when every teacher is in one region (a regional deployment), per district of it.
    areas: list[AreaCounts]
    claimed: dict[str, int]
    districts_of: str | None = None  # the region whose districts `areas` are
    awaiting_review: int = 0
    # Commissions whose secretary has let an application wait past 1 working day (§23): name -> count.
    late_commissions: dict[str, int] = field(default_factory=dict)
    # Submitted applications that reach no commission, per area, the most first.
    unrouted: list[UnroutedArea] = field(default_factory=list)
    # Messages the bot gave up on in the last `UNDELIVERED_DAYS` (blocked, refused, too many failed tries).
    undelivered: int = 0
    # Complaints (§26) not yet decided, and those of them past their current deadline.
    appeals_open: int = 0
    appeals_overdue: int = 0

    @property
    def unrouted_total(self) -> int:
        return sum(u.count for u in self.unrouted)

    @property
    def started(self) -> int:
        return self.stages[0].count

    @property
    def days_left(self) -> int | None:
        """Days until the window closes, counting today; None when it is not open."""
        opens, closes = self.window
        return (closes - self.today).days + 1 if opens <= self.today <= closes else None

    def share(self, count: int) -> int:
        """Per cent of the teachers who started."""
        return round(100 * count / self.started) if self.started else 0


class StatsService:
    def __init__(self, session: AsyncSession, ruleset: RuleSet, timezone: str = "Asia/Almaty"):
        """`ruleset`: the set in force today (RuleBook.in_force): its essay limits and window."""
        self.session = session
        self.ruleset = ruleset
        self.rules = ruleset.rules
        self.tz = ZoneInfo(timezone)
        self.repo = StatsRepository(session)

    async def report(self, now: datetime, today: date | None = None) -> ProgressReport:
        """`today`: CLOCK_FIXED_DATE (the fixed day of the sandbox and tests); else `now`'s day."""
        today = today or now.astimezone(self.tz).date()
        year = academic_year(today)
        teachers = await self.repo.teacher_stages(year, self.rules.essay_min, self.rules.essay_max)
        awaiting, accepted, refused, decided = await self.repo.review_stages(year)
        stages = [
            Stage(N_("agreed to data processing"), teachers.consented),
            Stage(N_("profile complete"), teachers.profile_complete),
            Stage(N_("essay of the required length"), teachers.essay_in_range),
            Stage(N_("self-assessment started"), teachers.self_assessment_started),
            Stage(N_("application submitted"), teachers.submitted),
            Stage(N_("accepted by a commission"), accepted),
            Stage(N_("decided by a commission"), decided),
        ]
        window = await SubmissionService(self.session, self.ruleset, str(self.tz)).window(year)
        areas, districts_of = await self.repo.areas_of(teachers), None
        if len(areas) == 1 and areas[0].key is not None:
            districts_of = areas[0].key
            areas = await self.repo.areas(year, region=districts_of)
        complaints = await appeal_counts(self.session, today)
        return ProgressReport(year, today, window, stages, refused, areas, await self.repo.claimed(year),
                              districts_of, awaiting, await self._late_commissions(now),
                              await self._unrouted(now),
                              await OutboxRepository(self.session).failed_since(now - UNDELIVERED_SINCE),
                              complaints.open, complaints.overdue)

    async def _unrouted(self, now: datetime) -> list[UnroutedArea]:
        per_area: Counter[tuple[str | None, str | None]] = Counter()
        for d in await CommissionService(self.session, self.rules, self.ruleset, str(self.tz)).unrouted(now):
            per_area[(d.profile.region, d.profile.area_code)] += 1
        return [UnroutedArea(region, code, n) for (region, code), n in
                sorted(per_area.items(), key=lambda item: (-item[1], item[0][0] or "", item[0][1] or ""))]

    async def _late_commissions(self, now: datetime) -> dict[str, int]:
        """As CommissionService.overdue_reviews decides (routed on D, overdue once the set's Nth working day
        after D has begun, §23), over groups of reviews with the same day and rule set, not one by one."""
        today = now.astimezone(self.tz).date()
        commissions = CommissionService(self.session, self.rules, self.ruleset, str(self.tz))
        names = {c.id: c.name for c in await commissions.repo.all()}
        days_of: dict[str | None, int] = {}
        late: dict[str, int] = {}
        for commission_id, routed_on, key, application_id, count in await self.repo.late_reviews(today):
            if key not in days_of:
                days_of[key] = (await commissions.deadlines_of(application_id))["acceptance_notice"]
            if add_working_days(routed_on, days_of[key]) <= today:
                name = names.get(commission_id, "?")
                late[name] = late.get(name, 0) + count
        return late
