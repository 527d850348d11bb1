"""Commissions: creation, invites, members and chair, routing and the secretary's review."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal, StaleButton
from bot.rule_book import RuleBook, ruleset_of_application, ruleset_of_key
from scoring.areas import AdministrativeArea, catalogue
from scoring.calendar import add_working_days, is_working_day, next_working_day
from scoring.categories import Category, CommissionLevel, Role
from scoring.commission import (
    Area,
    Candidate,
    CommissionRef,
    CommissionRole,
    Composition,
    MemberRole,
    RefusalGround,
    chair_elected,
    invite_days,
    member_objections,
    missing,
    own_application_objection,
    required_level,
    role_conflict,
    route,
    term_end,
)
from scoring.config import Rules
from scoring.i18n import N_, Phrase
from scoring.rulesets import RuleSet
from storage.checklist_models import Application, ApplicationStatus, NoticeKind
from storage.checklist_repository import ApplicationRepository
from storage.commission_models import (
    AgendaItem,
    ApplicationReview,
    Commission,
    CommissionDecision,
    CommissionInvite,
    CommissionMember,
    CommissionSession,
    InviteKind,
    ReviewStatus,
    SessionStatus,
)
from storage.commission_repository import CommissionRepository
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository
from storage.ruleset_models import PILOT_KEY
from storage.ruleset_repository import RuleSetRepository

# Deep-link payloads of invites start with this (the onboarding /start gets every other payload).
INVITE_PREFIX = "inv"
# Levels whose commission serves one district or city (or an organisation in it) from the list.
AREA_LEVELS = (CommissionLevel.DISTRICT.value, CommissionLevel.ORGANISATION.value)
NO_MEMBERS = Phrase(N_("The commission has no members yet."))
NOT_A_MEMBER = Phrase(N_("This person is not a member of the commission."))


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Routed:
    review: ApplicationReview
    commission: Commission
    application: Application


class Unrouted(StrEnum):
    """Why a submitted application has no commission."""

    NO_AREA = "no_area"  # her profile names no district from the list (a typed one that matched none)
    NO_COMMISSION = "no_commission"  # no commission of the claim's level serves her area in its term


@dataclass(frozen=True)
class Destination:
    application: Application
    profile: TeacherProfile
    level: CommissionLevel
    commission: Commission | None
    unrouted: Unrouted | None


@dataclass
class RoutingOutcome:
    routed: list[Routed] = field(default_factory=list)
    unrouted: list[Destination] = field(default_factory=list)


class CommissionService:
    def __init__(self, session: AsyncSession, rules: Rules, builtin: RuleSet, timezone: str = "Asia/Almaty"):
        # `rules`: the set in force judges what no application is tied to (a composition, an invite's life);
        # `builtin`: the set of the applications submitted under the pilot (bot.rule_book.ruleset_of_application).
        self.session = session
        self.repo = CommissionRepository(session)
        self.rules, self.builtin = rules, builtin
        self.tz = ZoneInfo(timezone)

    @classmethod
    def in_force(cls, session: AsyncSession, book: RuleBook, timezone: str = "Asia/Almaty",
                 now: datetime | None = None) -> CommissionService:
        """The service judging by the rule set in force today."""
        return cls(session, book.in_force(now or utc_now(), timezone).rules, book.builtin, timezone)

    def today(self, now: datetime | None = None) -> date:
        return (now or utc_now()).astimezone(self.tz).date()

    # --- commissions -------------------------------------------------------------------------

    async def create(
        self, *, level: CommissionLevel, name: str, region: str | None, area_code: str | None,
        organisation: str | None, order_number: str, order_date: date, locale: str, by: int,
    ) -> Commission:
        return await self.repo.create(
            level=level.value, name=name, region=region, area_code=area_code, organisation=organisation,
            order_number=order_number, order_date=order_date, term_end=term_end(order_date), locale=locale,
            created_by=by,
        )

    async def composition(self, c: Commission, today: date | None = None) -> Composition:
        members = await self.repo.members(c.id)
        chair = next((m.user_id for m in members if m.is_chair), None)
        return Composition(frozenset(m.user_id for m in members), chair, c.secretary_user_id, c.order_date,
                           today or self.today())

    async def missing(self, c: Commission, today: date | None = None) -> list[Phrase]:
        return missing(await self.composition(c, today), self.rules)

    async def get(self, commission_id: int) -> Commission | None:
        return await self.repo.get(commission_id)

    async def visible_to(self, user_id: int, is_admin: bool) -> list[Commission]:
        if is_admin:
            return await self.repo.all()
        seen: dict[int, Commission] = {c.id: c for c in await self.repo.for_member(user_id)}
        for c in await self.repo.for_secretary(user_id):
            seen.setdefault(c.id, c)
        return [seen[k] for k in sorted(seen)]

    # --- invites -----------------------------------------------------------------------------

    async def new_invite(self, c: Commission, kind: InviteKind, by: int, now: datetime | None = None) -> str:
        now = now or utc_now()
        code = INVITE_PREFIX + secrets.token_urlsafe(12)
        await self.repo.add_invite(commission_id=c.id, code=code, kind=kind.value, created_by=by, created_at=now,
                                   expires_at=now + timedelta(days=invite_days(self.rules)))
        return code

    async def check_invite(
        self, code: str, user_id: int, now: datetime | None = None
    ) -> tuple[CommissionInvite, Commission] | Phrase:
        """The invite behind a code, or why it cannot be used (nothing is changed)."""
        now = now or utc_now()
        invite = await self.repo.invite(code)
        commission = await self.repo.get(invite.commission_id) if invite is not None else None
        if invite is None or commission is None:
            return Phrase(N_("This invite link is not valid. Ask the administrator for a new one."))
        if invite.used_at is not None:
            if invite.used_by == user_id:
                return Phrase(N_("You have already used this invite link."))
            return Phrase(N_("This invite link has already been used. Ask the administrator for a new one."))
        if _aware(invite.expires_at) <= now:
            return Phrase(N_("This invite link has expired. Ask the administrator for a new one."))
        if self.today(now) > commission.term_end:
            return Phrase(N_("This commission's term has ended."))
        role = CommissionRole.MEMBER if invite.kind == InviteKind.MEMBER.value else CommissionRole.SECRETARY
        conflict = role_conflict(role, await self.repo.holds_application_of(commission.id, user_id))
        if conflict is not None:
            return conflict
        if invite.kind == InviteKind.MEMBER.value and commission.secretary_user_id == user_id:
            return Phrase(N_("You are this commission's secretary; the secretary cannot be a member (§17)."))
        if invite.kind == InviteKind.SECRETARY.value and await self.repo.member(commission.id, user_id):
            return Phrase(N_("You are a member of this commission; the secretary cannot be a member (§17)."))
        if invite.kind == InviteKind.MEMBER.value and await self.repo.member(commission.id, user_id):
            return Phrase(N_("You are already a member of this commission."))
        return invite, commission

    async def member_objections(self, c: Commission, user_id: int, role: MemberRole) -> list[Phrase]:
        profile = await ProfileRepository(self.session).get(user_id)
        active = await ApplicationRepository(self.session).active(user_id)
        category = _category(profile.current_category) if profile else None
        person = Candidate(role, profile.experience_years if profile else None, category,
                           profile.category_valid_until if profile else None, active is not None)
        return member_objections(person, c.term_end)

    async def join(
        self, code: str, user_id: int, full_name: str, role: MemberRole | None, now: datetime | None = None,
    ) -> tuple[Commission, InviteKind] | Phrase | list[Phrase]:
        """Use the invite: become a member (with `role`) or the secretary. Re-checks everything."""
        now = now or utc_now()
        checked = await self.check_invite(code, user_id, now)
        if isinstance(checked, Phrase):
            return checked
        invite, c = checked
        kind = InviteKind(invite.kind)
        if kind is InviteKind.MEMBER:
            if role is None:
                return Phrase(N_("Choose your role in the commission first."))
            objections = await self.member_objections(c, user_id, role)
            if objections:
                return objections
        if not await self.repo.consume_invite(invite.id, user_id, now):
            return Phrase(N_("This invite link has already been used. Ask the administrator for a new one."))
        if kind is InviteKind.MEMBER:
            assert role is not None
            if not await self.repo.add_member(c.id, user_id, full_name, role.value, now):
                return Phrase(N_("You are already a member of this commission."))
        else:
            await self.repo.set_secretary(c, user_id, full_name)
        return c, kind

    # --- chair -------------------------------------------------------------------------------

    async def chair_conflict(self, c: Commission, candidate: CommissionMember) -> Phrase | None:
        """A member whose own application this commission holds cannot be its chair."""
        return role_conflict(CommissionRole.CHAIR, await self.repo.holds_application_of(c.id, candidate.user_id),
                             candidate.full_name)

    async def vote_chair(self, c: Commission, voter: int, candidate: int, now: datetime | None = None) -> Phrase:
        members = {m.user_id: m for m in await self.repo.members(c.id)}
        if voter not in members:
            return Phrase(N_("Only members of this commission elect its chair."))
        if candidate not in members:
            return Phrase(N_("The chair is elected from among the members (§17)."))
        if await self.repo.chair(c.id) is not None:
            return Phrase(N_("The chair has already been elected."))
        conflict = await self.chair_conflict(c, members[candidate])
        if conflict is not None:
            return conflict
        await self.repo.cast_chair_vote(c.id, voter, candidate, now or utc_now())
        elected = chair_elected(await self.repo.chair_votes(c.id), members)
        if elected is None:
            return Phrase(N_("Your vote for the chair is recorded."))
        await self.repo.set_chair(c.id, elected)
        chair = await self.repo.chair(c.id)
        return Phrase(N_("The chair is elected: {name}."), {"name": chair.full_name if chair else "—"})

    async def record_chair(self, c: Commission, user_id: int) -> Phrase:
        """The admin records a chair elected outside the bot."""
        member = await self.repo.member(c.id, user_id)
        if member is None:
            return Phrase(N_("The chair is elected from among the members (§17)."))
        conflict = await self.chair_conflict(c, member)
        if conflict is not None:
            return conflict
        await self.repo.set_chair(c.id, user_id)
        return Phrase(N_("The chair is recorded: {name}."), {"name": member.full_name})

    async def remove_member(self, c: Commission, user_id: int) -> tuple[bool, Phrase]:
        """The admin takes a member off the commission (they left, or the order changed); not while a
        session is open or voting, where attendance and votes count on the members as they are."""
        member = await self.repo.member(c.id, user_id)
        if member is None:
            return False, Phrase(N_("This person is not a member of the commission."))
        if await self.repo.sessions_of(SessionStatus.OPEN, [c.id]) or await self.repo.sessions_of(
                SessionStatus.VOTING, [c.id]):
            return False, Phrase(N_("Members cannot change while a session is open: close it first."))
        await self.repo.remove_member(c.id, user_id)
        note = N_("{name} is no longer a member; the chair is to be elected again.") if member.is_chair else N_(
            "{name} is no longer a member.")
        return True, Phrase(note, {"name": member.full_name})

    # --- what the composition buttons ask (each raises Refusal before it changes anything) ----------

    async def members(self, c: Commission) -> list[CommissionMember]:
        return await self.repo.members(c.id)

    async def of_secretary(self, user_id: int) -> list[Commission]:
        """The commissions whose secretary this person is."""
        return await self.repo.for_secretary(user_id)

    async def open_sessions(self, c: Commission) -> list[CommissionSession]:
        """The commission's sessions not closed yet (draft, open, voting)."""
        return [s for s in await self.repo.sessions(c.id) if s.status != SessionStatus.CLOSED.value]

    async def existing(self, commission_id: int) -> Commission:
        c = await self.repo.get(commission_id)
        if c is None:
            raise StaleButton()
        return c

    async def invite(self, commission_id: int, kind: InviteKind, by: int) -> tuple[Commission, str]:
        """An administrator's one-time invite link code for a member or the secretary."""
        c = await self.repo.get(commission_id)
        if c is None:
            raise Refusal(Phrase(N_("Only administrators invite to a commission.")))
        return c, await self.new_invite(c, kind, by)

    async def chair_ballot(self, commission_id: int, reader: int, recording: bool) -> tuple[Commission,
                                                                                          list[CommissionMember]]:
        """The members to vote for as chair (a member) or to record as the elected one (`recording`, an admin)."""
        c = await self.repo.get(commission_id)
        if c is None or not (recording or await self.repo.member(c.id, reader) is not None):
            raise Refusal(Phrase(N_("Only members of this commission elect its chair.")))
        return c, await self._some_members(c)

    async def choose_chair(self, commission_id: int, chooser: int, candidate: int, recording: bool) -> Phrase:
        c = await self.existing(commission_id)
        return await (self.record_chair(c, candidate) if recording else self.vote_chair(c, chooser, candidate))

    async def removable_members(self, commission_id: int) -> tuple[Commission, list[CommissionMember]]:
        c = await self.existing(commission_id)
        return c, await self._some_members(c)

    async def member_to_remove(self, commission_id: int, user_id: int) -> tuple[Commission, CommissionMember]:
        c = await self.existing(commission_id)
        member = await self.repo.member(c.id, user_id)
        if member is None:
            raise Refusal(NOT_A_MEMBER)
        return c, member

    async def remove(self, commission_id: int, user_id: int) -> tuple[Commission, Phrase]:
        """Take the member off (see remove_member); the phrase says what became of the commission."""
        c, _member = await self.member_to_remove(commission_id, user_id)
        removed, result = await self.remove_member(c, user_id)
        if not removed:
            raise Refusal(result)
        return c, result

    async def _some_members(self, c: Commission) -> list[CommissionMember]:
        members = await self.repo.members(c.id)
        if not members:
            raise Refusal(NO_MEMBERS)
        return members

    async def usable_invite(self, code: str, user_id: int) -> tuple[CommissionInvite, Commission]:
        checked = await self.check_invite(code, user_id)
        if isinstance(checked, Phrase):
            raise Refusal(checked)
        return checked

    async def without_area(self, commission_id: int) -> Commission:
        """A district or organisation commission whose area the admin is to choose from the list."""
        c = await self.repo.get(commission_id)
        if c is None or c.level not in AREA_LEVELS:
            raise StaleButton()
        return c

    @staticmethod
    def area_of_region(region: str | None, code: str) -> AdministrativeArea:
        """An area of the list in `region` (a button of another region's list, or a forged one, is refused)."""
        area = catalogue().get(code)
        if area is None or area.region != region:
            raise Refusal(Phrase(N_("This option is not available.")))
        return area

    async def give_area(self, commission_id: int, code: str) -> tuple[Commission, AdministrativeArea]:
        c = await self.without_area(commission_id)
        area = self.area_of_region(c.region, code)
        await self.set_area(c, area.code)
        return c, area

    # --- routing and review ------------------------------------------------------------------

    async def destinations(self, now: datetime | None = None) -> list[Destination]:
        """Where every submitted application not yet with a commission is to go (§13 level, area)."""
        today = self.today(now)
        commissions = await self.repo.all()
        refs = [CommissionRef(c.id, CommissionLevel(c.level), Area(c.region, c.area_code, c.organisation),
                              c.order_date) for c in commissions]
        by_id = {c.id: c for c in commissions}
        out: list[Destination] = []
        applications = await self.repo.routable_applications()
        profiles = await ProfileRepository(self.session).many(app.user_id for app in applications)
        for app in applications:
            profile = profiles.get(app.user_id)
            claimed = _category(app.claimed_category or (profile.claimed_category if profile else None))
            role = _role(profile.role if profile else None)
            if profile is None or claimed is None or role is None or claimed is Category.TRAINEE:
                continue  # an erased or broken profile: nothing to route, nobody to tell
            level = required_level(claimed, role)
            found = route(refs, claimed, role, Area(profile.region, profile.area_code, profile.org_name), today)
            if found is not None:
                out.append(Destination(app, profile, level, by_id[found.id], None))
            elif level in (CommissionLevel.DISTRICT, CommissionLevel.ORGANISATION) and profile.area_code is None:
                out.append(Destination(app, profile, level, None, Unrouted.NO_AREA))
            else:
                out.append(Destination(app, profile, level, None, Unrouted.NO_COMMISSION))
        return out

    async def unrouted(self, now: datetime | None = None) -> list[Destination]:
        """Submitted applications that no commission serves (yet)."""
        return [d for d in await self.destinations(now) if d.commission is None]

    async def route_pending(self, now: datetime | None = None) -> RoutingOutcome:
        """Send every registered application whose commission exists to it; report the ones with none."""
        now = now or utc_now()
        today = self.today(now)
        outcome = RoutingOutcome()
        for d in await self.destinations(now):
            if d.commission is None:
                outcome.unrouted.append(d)
            elif d.application.registered_on is not None and d.application.registered_on <= today:
                routed = await self._route(d.application, d.commission, now)
                if routed is not None:
                    outcome.routed.append(routed)
        return outcome

    async def route_new(self, now: datetime | None = None) -> list[Routed]:
        """Send every registered, not yet routed application to its commission (§13, area)."""
        return (await self.route_pending(now)).routed

    async def _route(self, app: Application, commission: Commission, now: datetime) -> Routed | None:
        today = self.today(now)
        routed_on = today if is_working_day(today) else next_working_day(today)
        review = await self.repo.review(app.id)
        if review is None:
            if not await self.repo.add_review(application_id=app.id, commission_id=commission.id,
                                              user_id=app.user_id, status=ReviewStatus.PENDING.value, routed_at=now,
                                              routed_on=routed_on):
                return None
            review = await self.repo.review(app.id)
        else:  # refused earlier, resubmitted since: a fresh review
            review.commission_id, review.status, review.routed_at, review.routed_on = (
                commission.id, ReviewStatus.PENDING.value, now, routed_on)
            review.acted_at = review.acted_by = review.grounds = review.documents = review.reminded_at = None
            await self.session.flush()
        assert review is not None
        return Routed(review, commission, app)

    async def commissions_without_area(self) -> list[Commission]:
        """District and organisation commissions whose typed area matched no area of the list."""
        return [c for c in await self.repo.all()
                if c.level in (CommissionLevel.DISTRICT.value, CommissionLevel.ORGANISATION.value)
                and c.area_code is None]

    async def set_area(self, c: Commission, area_code: str) -> None:
        c.area_code, c.legacy_area = area_code, None
        await self.session.flush()

    async def overdue_reviews(self, now: datetime | None = None) -> list[ApplicationReview]:
        """Applications no secretary has accepted or refused within the set's working days (§23, 1 in the
        pilot): a review routed on working day D is overdue once the Nth working day after D has begun."""
        # Overdue when add_working_days(routed_on, N) <= today, N from the set that judges the application.
        today = self.today(now)
        reviews = await self.repo.overdue_reviews(today)
        stored = await RuleSetRepository(self.session).keys_of(r.application_id for r in reviews)
        keys = {r.application_id: stored.get(r.application_id, PILOT_KEY) for r in reviews}
        days_of: dict[str, int] = {}
        for key in set(keys.values()):
            days_of[key] = (await ruleset_of_key(self.session, key, self.builtin)).rules.deadlines[
                "acceptance_notice"]
        return [r for r in reviews if add_working_days(r.routed_on, days_of[keys[r.application_id]]) <= today]

    async def ruleset_of(self, application_id: int) -> RuleSet:
        """The set that judges this application for its whole life: the one stored when it was submitted."""
        return await ruleset_of_application(self.session, application_id, self.builtin)

    async def deadlines_of(self, application_id: int) -> dict[str, int]:
        """The deadlines in working days (§20, §23) of the rule set stored with the application."""
        return (await self.ruleset_of(application_id)).rules.deadlines

    async def overdue_by_secretary(self, now: datetime | None = None) -> dict[int, list[ApplicationReview]]:
        """For the reminder job: secretary's user id -> their overdue reviews (§23)."""
        commissions = {c.id: c for c in await self.repo.all()}
        out: dict[int, list[ApplicationReview]] = defaultdict(list)
        for review in await self.overdue_reviews(now):
            c = commissions.get(review.commission_id)
            if c is not None and c.secretary_user_id is not None:
                out[c.secretary_user_id].append(review)
        return dict(out)

    async def overdue_extracts(self, now: datetime | None = None) -> dict[int, list[tuple[CommissionDecision,
                                                                                        AgendaItem]]]:
        """Decisions whose extract has not reached the teacher within 3 working days (§20), per secretary."""
        today = self.today(now)
        out: dict[int, list[tuple[CommissionDecision, AgendaItem]]] = defaultdict(list)
        overdue = await self.repo.overdue_extracts(today)
        sessions = await self.repo.sessions_by_id([item.session_id for _d, item in overdue])
        commissions = {c.id: c for c in await self.repo.all()} if overdue else {}
        for decision, item in overdue:
            s = sessions.get(item.session_id)
            c = commissions.get(s.commission_id) if s is not None else None
            if c is not None and c.secretary_user_id is not None and decision.reminded_at is None:
                out[c.secretary_user_id].append((decision, item))
        return dict(out)

    async def mark_reminded(self, rows: list[ApplicationReview] | list[CommissionDecision],
                            now: datetime | None = None) -> None:
        for row in rows:
            row.reminded_at = now or utc_now()
        await self.session.flush()

    async def secretary_commission(self, user_id: int, commission_id: int) -> Commission | None:
        c = await self.repo.get(commission_id)
        return c if c is not None and c.secretary_user_id == user_id else None

    async def review_for_secretary(
        self, user_id: int, application_id: int
    ) -> tuple[ApplicationReview, Commission] | Phrase:
        """The application this secretary may open and act on, or why not: it went to another commission,
        or it is their own (conflict of interest)."""
        review = await self.repo.review(application_id)
        c = await self.secretary_commission(user_id, review.commission_id) if review is not None else None
        if review is None or c is None:
            return Phrase(N_("Only the secretary of the commission this application went to can act on it."))
        own = own_application_objection(user_id, review.user_id)
        return own if own is not None else (review, c)

    async def pending(self, c: Commission) -> list[ApplicationReview]:
        return await self.repo.reviews(c.id, [ReviewStatus.PENDING])

    async def accepted(self, c: Commission) -> list[ApplicationReview]:
        return await self.repo.reviews(c.id, [ReviewStatus.ACCEPTED])

    async def application(self, application_id: int) -> Application | None:
        return await self.repo.application(application_id)

    async def accept(self, review: ApplicationReview, by: int, now: datetime | None = None) -> bool:
        now = now or utc_now()
        if own_application_objection(by, review.user_id) is not None:
            return False
        if not await self.repo.act_on_review(review.application_id, ReviewStatus.PENDING, ReviewStatus.ACCEPTED, by,
                                             now):
            return False
        app = await self.repo.application(review.application_id)
        if app is not None:
            app.status = ApplicationStatus.UNDER_REVIEW.value
            await self.session.flush()
        return True

    async def refuse(
        self, review: ApplicationReview, by: int, grounds: list[RefusalGround], documents: str, locale: str,
        notice_text: str, now: datetime | None = None,
    ) -> bool:
        """Refuse: the application goes back to a draft the teacher can fix and submit again."""
        now = now or utc_now()
        if own_application_objection(by, review.user_id) is not None:
            return False
        if not await self.repo.act_on_review(review.application_id, ReviewStatus.PENDING, ReviewStatus.REFUSED, by,
                                             now, [g.value for g in grounds], documents):
            return False
        app = await self.repo.application(review.application_id)
        if app is not None:
            app.status = ApplicationStatus.DRAFT.value
            await ApplicationRepository(self.session).add_notice(
                app, NoticeKind.REFUSAL.value, locale, notice_text, [g.value for g in grounds], now)
        return True

    async def profile(self, user_id: int) -> TeacherProfile | None:
        return await ProfileRepository(self.session).get(user_id)


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _category(value: str | None) -> Category | None:
    try:
        return Category(value) if value else None
    except ValueError:
        return None


def _role(value: str | None) -> Role | None:
    try:
        return Role(value) if value else None
    except ValueError:
        return None
