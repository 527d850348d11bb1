"""Commission sessions: agenda, attendance, quorum, voting per candidate, decisions (§17–§20, §46).

Every secretary action re-checks that the presser is this session's secretary; a refused action raises
`Refusal` before it changes anything. Each action returns what its views show: the panel, the ballots to
send, the members to tell (with the language each reads).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import locale_of
from bot.refusal import Refusal
from features.commission.agenda.card import submitted_files_of
from features.commission.composition.service import CommissionService, utc_now
from features.commission.points.service import PointsService, Total
from scoring.calendar import add_working_days
from scoring.categories import Category, Role
from scoring.commission import (
    Area,
    Choice,
    Decision,
    Majority,
    Tally,
    Voter,
    category_options,
    decision_assigns,
    decisions_for,
    has_quorum,
    is_candidates_head,
    keeps_current,
    majority_rule,
    needs_reason,
    opening_objection,
    order_date_objection,
    own_application_objection,
    protocol_group,
    quorum,
    session_date_objection,
    sitting_objection,
    tally,
    valid_choice,
    vote_objection,
)
from scoring.dates import format_day_or_dash, parse_day
from scoring.eligibility import category_expiry
from scoring.i18n import N_, Phrase
from storage.checklist_models import ApplicationStatus, Essay, UploadedFile
from storage.commission_models import (
    AgendaItem,
    Commission,
    CommissionDecision,
    CommissionSession,
    ItemStatus,
    ReviewStatus,
    SessionStatus,
    Vote,
)
from storage.commission_repository import CommissionRepository
from storage.file_repository import FileRepository
from storage.files.retention import FileRetention
from storage.profile_repository import ProfileRepository


@dataclass(frozen=True)
class VoteResult:
    message: Phrase
    first: bool = False  # the member's first vote on this candidate (not a change)


@dataclass(frozen=True)
class Closed:
    tally: Tally
    decision: CommissionDecision | None
    item: AgendaItem
    abstained: tuple[int, ...] = ()  # recorded as abstaining by "close anyway"


@dataclass(frozen=True)
class VoteProgress:
    """Where the vote on one candidate stands: the members present who may vote, and who has voted."""

    item: AgendaItem
    voters: tuple[int, ...]
    voted: frozenset[int]
    abstained: frozenset[int]
    names: dict[int, str]

    @property
    def missing(self) -> tuple[int, ...]:
        return tuple(u for u in self.voters if u not in self.voted and u not in self.abstained)

    def names_of(self, users: Sequence[int]) -> list[str]:
        return [self.names.get(u, "—") for u in users]


@dataclass(frozen=True)
class NotVoted:
    """The vote cannot close: these members present have not voted. `key` names exactly them, so that a "close
    anyway" pressed after someone else voted (or arrived) is asked again instead of recording the wrong people."""

    item: AgendaItem
    names: list[str]
    key: str


@dataclass(frozen=True)
class Addressee:
    """Someone told something from another person's update, in the language they chose."""

    user_id: int
    locale: str


@dataclass(frozen=True)
class Ballot:
    """A member's ballot on a candidate as it stands: the points, their vote, the choices."""

    member: Addressee
    session_id: int
    item: AgendaItem
    options: tuple[Decision, ...]
    scorable: bool  # the candidate has a sheet the member may score
    own: Total | None  # the candidate's self-assessment
    mine: Total | None  # the member's own points
    vote: Vote | None


@dataclass(frozen=True)
class BallotState:
    """A member's ballot on a candidate whose vote has closed: where it is and how they voted."""

    member: Addressee
    message_id: int | None
    vote: Vote | None
    abstained: bool


@dataclass(frozen=True)
class VoteOver:
    """Every ballot on a candidate whose vote is over, and the decision (None: postponed)."""

    item: AgendaItem
    decision: CommissionDecision | None
    ballots: list[BallotState]


@dataclass(frozen=True)
class PanelRow:
    item: AgendaItem
    decision: CommissionDecision | None
    progress: VoteProgress | None  # while voted on, and once closed


@dataclass(frozen=True)
class Panel:
    """What the secretary's panel shows of a session."""

    session: CommissionSession
    commission: Commission
    present: int
    members: int
    quorum: int
    rows: list[PanelRow]
    missing_reasons: list[AgendaItem]
    certificates_due: bool

    @property
    def undecided(self) -> list[AgendaItem]:
        return [r.item for r in self.rows if r.item.status in (ItemStatus.WAITING.value, ItemStatus.VOTING.value)]


@dataclass(frozen=True)
class Opening:
    """The session opened (each member is told, to mark themselves present), or what keeps it closed."""

    problems: list[Phrase]
    panel: Panel | None = None
    members: list[Addressee] = field(default_factory=list)


@dataclass(frozen=True)
class Scheduled:
    """A session created or moved: the teachers on its agenda are told its date."""

    panel: Panel
    teachers: list[tuple[Addressee, str, AgendaItem]]  # with the number of their application


@dataclass(frozen=True)
class VoteOpened:
    item: AgendaItem
    ballots: list[Ballot]
    panel: Panel


@dataclass(frozen=True)
class VoteClosing:
    """A "close the vote" press: not everyone voted (`not_voted`), no decision (the voters are told why), or
    decided (the ballots show it; the reason is asked when the protocol needs one)."""

    not_voted: NotVoted | None = None
    closed: Closed | None = None
    voters: list[Addressee] = field(default_factory=list)
    over: VoteOver | None = None
    reason_needed: bool = False
    panel: Panel | None = None


@dataclass(frozen=True)
class Postponed:
    item: AgendaItem
    commission: Commission
    teacher: Addressee | None  # None: an erased person's kept row
    over: VoteOver
    panel: Panel


@dataclass(frozen=True)
class Closing:
    session: CommissionSession
    commission: Commission
    certificates_due: bool
    panel: Panel


@dataclass(frozen=True)
class Presence:
    message: Phrase
    ballot: Ballot | None = None  # the candidate being voted on, whose ballot the newly present member needs


@dataclass(frozen=True)
class BallotPress:
    """A press on a ballot: the categories of the decision to choose from, or the vote cast (`cast`); with
    neither, the decisions again."""

    ballot: Ballot
    categories: tuple[Category, ...] = ()
    decision: Decision | None = None
    cast: VoteResult | None = None


class TryAgain(Refusal):
    """A typed answer refused: the step stays open for another try."""


class ButtonDone(Refusal):
    """A refusal after which the pressed button has nothing more to do (a ballot whose vote is over, an "I am
    present" already counted): its buttons are taken away."""


def absent_key(users: Sequence[int]) -> str:
    """A short fingerprint of who has not voted (fits the 64 bytes of callback data)."""
    return format(zlib.crc32(",".join(str(u) for u in sorted(users)).encode()), "08x")


# Refused while the secretary is typing a reason: the step stays open for another try.
REASON_LENGTH = N_("Type the reason as text, 3 to 1000 characters.")
UNREADABLE_DATE = N_("I could not read the date. Send it as DD.MM.YYYY, e.g. 01.09.2026.")
NOT_SECRETARY = N_("Only the commission's secretary manages its sessions.")
NOT_CREATOR = N_("Only the commission's secretary creates its sessions.")
NO_ACCEPTED = Phrase(N_("No application is accepted for a session yet: accept some in /agenda first."))
ALREADY_ISSUED = N_("The certificates of this session are already issued (order No. {number} of {date}).")
VOTE_NOT_OPEN = N_("The vote on this candidate is not open.")
DATE_FIXED = N_("Only a session that has not been opened can change its date.")
VOTE_CLOSED = N_("Voting on this candidate is closed; your vote was not counted.")


def refuse(objection: Phrase | None) -> None:
    if objection is not None:
        raise Refusal(objection)


class SessionService:
    def __init__(self, session: AsyncSession, commissions: CommissionService, default_locale: str = "kk",
                 retention: FileRetention | None = None):
        """`retention`: how long a decided application's files stay in the file store (FILE_RETENTION)."""
        self.session = session
        self.commissions = commissions
        self.default_locale = default_locale
        self.retention = retention or FileRetention()
        self.repo = CommissionRepository(session)
        self.points = PointsService(session, commissions.ruleset_of)

    async def majority(self, item: AgendaItem) -> Majority:
        """How the votes on a candidate are counted: by her application's set."""
        return majority_rule((await self.commissions.ruleset_of(item.application_id)).rules)

    # --- lookups that re-check who is asking ------------------------------------------------

    async def secretary_session(self, user_id: int, session_id: int) -> tuple[CommissionSession, Commission]:
        s = await self.repo.get_session(session_id)
        c = await self.commissions.secretary_commission(user_id, s.commission_id) if s is not None else None
        if s is None or c is None:
            raise Refusal(Phrase(NOT_SECRETARY))
        return s, c

    async def secretary_commission(self, user_id: int, commission_id: int) -> Commission:
        """The commission whose sessions `user_id` creates: only its secretary."""
        c = await self.commissions.secretary_commission(user_id, commission_id)
        if c is None:
            raise Refusal(Phrase(NOT_CREATOR))
        return c

    async def commission_of(self, s: CommissionSession) -> Commission:
        c = await self.repo.get(s.commission_id)
        assert c is not None
        return c

    async def addressee(self, user_id: int) -> Addressee:
        return Addressee(user_id, await locale_of(self.session, user_id, self.default_locale))

    # --- the panel --------------------------------------------------------------------------

    async def panel(self, s: CommissionSession, c: Commission) -> Panel:
        present, members, needed = await self.attendance(s)
        rows = []
        for item in await self.items(s):
            shown = item.status in (ItemStatus.VOTING.value, ItemStatus.CLOSED.value)
            rows.append(PanelRow(item, await self.decision_of(item), await self.progress(s, item) if shown else None))
        due = s.certificates_issued_at is None and await self.certificates_due(s)
        return Panel(s, c, present, members, needed, rows, await self.missing_reasons(s), due)

    async def show_panel(self, user_id: int, session_id: int) -> Panel:
        return await self.panel(*await self.secretary_session(user_id, session_id))

    # --- the session ------------------------------------------------------------------------

    async def _registered(self, application_ids: Sequence[int]) -> list[date | None]:
        apps = [await self.repo.application(a) for a in application_ids]
        return [app.registered_on for app in apps if app is not None]

    async def create(self, c: Commission, when: date, by: int, now: datetime | None = None) -> CommissionSession:
        """A session with every accepted application on its agenda, on a date it can be held (§16, §23)."""
        # Never one of the secretary's own applications (conflict of interest): it stays accepted for another.
        accepted = [r for r in await self.commissions.accepted(c) if own_application_objection(by, r.user_id) is None]
        if not accepted:
            raise TryAgain(NO_ACCEPTED)
        objection = session_date_objection(when, self.commissions.today(now),
                                           await self._registered([r.application_id for r in accepted]), c.order_date)
        if objection is not None:
            raise TryAgain(objection)
        s = await self.repo.create_session(c.id, when, by, now or utc_now())
        for position, review in enumerate(accepted, start=1):
            await self._add_candidate(s, review.application_id, review.user_id, position)
        return s

    async def _add_candidate(self, s: CommissionSession, application_id: int, user_id: int, position: int) -> None:
        app = await self.repo.application(application_id)
        profile = await ProfileRepository(self.session).get(user_id)
        claimed = (app.claimed_category if app else None) or (profile.claimed_category if profile else None)
        await self.repo.add_item(
            session_id=s.id, application_id=application_id, user_id=user_id, position=position,
            full_name=(profile.full_name if profile else None) or "—",
            role=(profile.role if profile else None) or Role.TEACHER.value,
            org_name=profile.org_name if profile else None,
            kind=profile.attestation_kind if profile else None,
            current_category=profile.current_category if profile else None,
            claimed_category=claimed or "",
        )
        await self.repo.set_review_status(application_id, ReviewStatus.SCHEDULED)

    async def schedule(self, user_id: int, commission_id: int, typed: str) -> Scheduled:
        """The typed date of a new session of commission `commission_id`."""
        c = await self.secretary_commission(user_id, commission_id)
        s = await self.create(c, _typed_day(typed), user_id)
        return await self._scheduled(s, c)

    async def _scheduled(self, s: CommissionSession, c: Commission) -> Scheduled:
        teachers = []
        for item in await self.items(s):
            if item.user_id is None:  # an erased person's kept row: no account to tell
                continue
            app = await self.repo.application(item.application_id)
            number = (app.number if app else None) or str(item.application_id)
            teachers.append((await self.addressee(item.user_id), number, item))
        return Scheduled(await self.panel(s, c), teachers)

    async def date_to_change(self, user_id: int, session_id: int) -> CommissionSession:
        s, _c = await self.secretary_session(user_id, session_id)
        if s.status != SessionStatus.DRAFT.value:
            raise Refusal(Phrase(DATE_FIXED))
        return s

    async def reschedule(self, user_id: int, session_id: int, typed: str) -> Scheduled:
        """The typed new date of a session not opened yet, checked as a new one is."""
        s, c = await self.secretary_session(user_id, session_id)
        await self.change_date(s, c, _typed_day(typed))
        return await self._scheduled(s, c)

    async def change_date(self, s: CommissionSession, c: Commission, when: date, now: datetime | None = None) -> None:
        if s.status != SessionStatus.DRAFT.value:
            raise TryAgain(Phrase(DATE_FIXED))
        registered = await self._registered([i.application_id for i in await self.repo.items(s.id)])
        objection = session_date_objection(when, self.commissions.today(now), registered, c.order_date)
        if objection is not None:
            raise TryAgain(objection)
        if not await self.repo.set_session_date(s.id, when):
            raise TryAgain(Phrase(DATE_FIXED))

    async def open(self, s: CommissionSession, c: Commission, now: datetime | None = None) -> list[Phrase]:
        """Open for attendance, on the session's date; refused (with what is missing) while the commission is not
        valid."""
        problems = await self.commissions.missing(c)
        if problems:
            return problems
        objection = opening_objection(s.session_date, self.commissions.today(now))
        if objection is not None:
            return [objection]
        if not await self.repo.transition(s.id, [SessionStatus.DRAFT], SessionStatus.OPEN, opened_at=now or utc_now()):
            return [Phrase(N_("This session is already open or closed."))]
        return []

    async def open_session(self, user_id: int, session_id: int) -> Opening:
        s, c = await self.secretary_session(user_id, session_id)
        problems = await self.open(s, c)
        if problems:
            return Opening(problems)
        members = [await self.addressee(m) for m in await self.members(c)]
        return Opening([], await self.panel(s, c), members)

    async def mark_present(self, user_id: int, session_id: int, now: datetime | None = None) -> Presence:
        """The member present at an open session, on its date; a press refused for a member already counted
        takes the button away."""
        s = await self.repo.get_session(session_id)
        if s is None:
            raise Refusal(Phrase(N_("This session does not exist.")))
        c = await self.commission_of(s)
        try:
            await self._may_sit(s, c, user_id, now)
        except Refusal as refusal:
            if await self.is_present(s.id, user_id):
                raise ButtonDone(refusal.reason) from None
            raise
        new = await self.repo.mark_present(s.id, user_id, now or utc_now())
        present, members = len(await self.repo.present(s.id)), len(await self.repo.members(c.id))
        params = {"present": present, "members": members, "quorum": quorum(members, self.commissions.rules)}
        if not new:
            return Presence(Phrase(N_("You are already marked present ({present} of {members}; quorum {quorum})."),
                                   params))
        return Presence(Phrase(N_("You are marked present ({present} of {members}; quorum {quorum})."), params),
                        await self._arriving_ballot(s, user_id))

    async def _may_sit(self, s: CommissionSession, c: Commission, user_id: int, now: datetime | None) -> None:
        if c.secretary_user_id == user_id:
            raise Refusal(Phrase(N_("The secretary is not a member and is not counted for the quorum (§17).")))
        if await self.repo.member(c.id, user_id) is None:
            raise Refusal(Phrase(N_("Only members of this commission take part in its sessions.")))
        if s.status not in (SessionStatus.OPEN.value, SessionStatus.VOTING.value):
            raise Refusal(Phrase(N_("This session is not open.")))
        refuse(sitting_objection(s.session_date, self.commissions.today(now)))

    async def _arriving_ballot(self, s: CommissionSession, user_id: int) -> Ballot | None:
        """A member who arrives while a candidate is being voted on gets that ballot too."""
        voting = next((i for i in await self.repo.items(s.id) if i.status == ItemStatus.VOTING.value), None)
        if voting is None or user_id not in await self.voters(s, voting):
            return None
        return await self.ballot(voting, user_id)

    async def attendance(self, s: CommissionSession) -> tuple[int, int, int]:
        members = len(await self.repo.members(s.commission_id))
        return len(await self.repo.present(s.id)), members, quorum(members, self.commissions.rules)

    async def start_voting(self, user_id: int, session_id: int, now: datetime | None = None) -> Panel:
        """Voting opens only with at least two thirds of the members present (§18), on the session's date."""
        s, c = await self.secretary_session(user_id, session_id)
        await self.repo.lock_session(s.id)
        refuse(sitting_objection(s.session_date, self.commissions.today(now)))
        present, members, needed = await self.attendance(s)
        if not has_quorum(present, members, self.commissions.rules):
            raise Refusal(Phrase(N_("No quorum: {present} of {members} members present, at least {quorum} are "
                                    "needed (§18)."), {"present": present, "members": members, "quorum": needed}))
        if not await self.repo.transition(s.id, [SessionStatus.OPEN], SessionStatus.VOTING):
            raise Refusal(Phrase(N_("Voting can be opened only in an open session.")))
        return await self.panel(s, c)

    async def items(self, s: CommissionSession) -> list[AgendaItem]:
        return await self.repo.items(s.id)

    async def agenda_item(self, s: CommissionSession, item_id: int, by: int) -> AgendaItem:
        """A candidate of this session the secretary `by` may act on: never their own application."""
        item = await self.repo.item(item_id)
        if item is None or item.session_id != s.id:
            raise Refusal(Phrase(N_("This candidate is not on this session's agenda.")))
        refuse(own_application_objection(by, item.user_id))
        return item

    async def put_to_vote(self, user_id: int, session_id: int, item_id: int,
                          now: datetime | None = None) -> VoteOpened:
        """The vote on one candidate opens (one at a time); each member present who may vote gets a ballot."""
        s, c = await self.secretary_session(user_id, session_id)
        item = await self.agenda_item(s, item_id, user_id)
        if s.status != SessionStatus.VOTING.value:
            raise Refusal(Phrase(N_("Voting is not open in this session.")))
        refuse(sitting_objection(s.session_date, self.commissions.today(now)))
        if any(i.status == ItemStatus.VOTING.value for i in await self.repo.items(s.id) if i.id != item.id):
            raise Refusal(Phrase(N_("Close the vote on the current candidate first.")))
        if not await self.repo.item_transition(item.id, ItemStatus.WAITING, ItemStatus.VOTING):
            raise Refusal(Phrase(N_("The vote on this candidate is already open or closed.")))
        ballots = [await self.ballot(item, m) for m in await self.voters(s, item)]
        return VoteOpened(item, ballots, await self.panel(s, c))

    async def voters(self, s: CommissionSession, item: AgendaItem) -> list[int]:
        """Present members who may vote on this candidate (never the candidate or their head)."""
        c = await self.commission_of(s)
        out = []
        for user_id in sorted(await self.repo.present(s.id)):
            voter = await self._voter(c, s, item, user_id)
            if vote_objection(voter, item.user_id) is None:
                out.append(user_id)
        return out

    async def progress(self, s: CommissionSession, item: AgendaItem) -> VoteProgress:
        voters = tuple(await self.voters(s, item))
        names = {m.user_id: m.full_name for m in await self.repo.members(s.commission_id)}
        voted = frozenset(v.member_user_id for v in await self.repo.votes(item.id) if v.member_user_id in voters)
        abstained = frozenset(a.member_user_id for a in await self.repo.abstentions(item.id))
        return VoteProgress(item, voters, voted, abstained, names)

    async def _voter(self, c: Commission, s: CommissionSession, item: AgendaItem, user_id: int) -> Voter:
        member = await self.repo.member(c.id, user_id)
        present = user_id in await self.repo.present(s.id)
        head = False
        if member is not None:
            profiles = ProfileRepository(self.session)
            mine = await profiles.get(user_id)
            theirs = await profiles.get(item.user_id) if item.user_id is not None else None
            if mine is not None and theirs is not None:
                head = is_candidates_head(mine.role, Area(mine.region, mine.area_code, mine.org_name),
                                          Area(theirs.region, theirs.area_code, theirs.org_name))
        return Voter(user_id, member is not None, c.secretary_user_id == user_id, present, head)

    # --- ballots and votes ---------------------------------------------------------------------

    def options(self, item: AgendaItem) -> tuple[Decision, ...]:
        return decisions_for(_role(item.role), _cat(item.current_category))

    def categories(self, item: AgendaItem, decision: Decision) -> tuple[Category, ...]:
        claimed = _cat(item.claimed_category)
        assert claimed is not None
        return category_options(decision, _role(item.role), claimed, _cat(item.current_category))

    async def ballot(self, item: AgendaItem, member: int) -> Ballot:
        """The ballot as member `member` sees it now: the points, and their vote once they have voted."""
        return Ballot(await self.addressee(member), item.session_id, item, self.options(item),
                      await self.points.sheet_id(item) is not None, await self.points.own_total(item),
                      await self.points.member_total(item, member), await self.own_vote(item, member))

    async def check_voter(self, user_id: int, session_id: int, item_id: int, now: datetime | None = None) -> tuple[
        CommissionSession, AgendaItem
    ] | Phrase:
        """Everything the server knows about a vote button press, before looking at the choice."""
        try:
            return await self.voter_target(user_id, session_id, item_id, now)
        except Refusal as refusal:
            assert isinstance(refusal.reason, Phrase)
            return refusal.reason

    async def voter_target(self, user_id: int, session_id: int, item_id: int,
                           now: datetime | None = None) -> tuple[CommissionSession, AgendaItem]:
        """The session and candidate of a ballot press by a member who may vote on it now."""
        s = await self.repo.get_session(session_id)
        item = await self.repo.item(item_id)
        if s is None or item is None or item.session_id != s.id:
            raise Refusal(Phrase(N_("This candidate is not on this session's agenda.")))
        c = await self.commission_of(s)
        refuse(vote_objection(await self._voter(c, s, item, user_id), item.user_id))
        if item.status in (ItemStatus.CLOSED.value, ItemStatus.DEFERRED.value) or (
                s.status == SessionStatus.CLOSED.value):
            raise Refusal(Phrase(VOTE_CLOSED))
        if item.status != ItemStatus.VOTING.value:
            raise Refusal(Phrase(N_("Voting on this candidate has not been opened yet.")))
        refuse(sitting_objection(s.session_date, self.commissions.today(now)))
        return s, item

    async def press_ballot(self, user_id: int, session_id: int, item_id: int, message_id: int,
                           decision: Decision | None, category: Category | None) -> BallotPress:
        """A press on a ballot (remembered as where the member's ballot is): back to the decisions, the
        categories of a decision, or the vote."""
        try:
            s, item = await self.voter_target(user_id, session_id, item_id)
        except Refusal as refusal:
            if await self.vote_over(item_id):
                raise ButtonDone(refusal.reason) from None
            raise
        await self.record_ballot(item, user_id, message_id)
        if decision is None:
            return BallotPress(await self.ballot(item, user_id))
        if decision not in self.options(item):
            raise Refusal(Phrase(N_("This choice is not possible for this candidate.")))
        categories = self.categories(item, decision)
        if categories and category is None:
            return BallotPress(await self.ballot(item, user_id), categories, decision)
        cast = await self.cast(user_id, s.id, item.id, decision, category)
        return BallotPress(await self.ballot(item, user_id), decision=decision, cast=cast)

    async def candidate_files(self, user_id: int, session_id: int,
                              item_id: int) -> tuple[AgendaItem, list[UploadedFile]]:
        """The candidate's submitted files, for a member who may vote on them."""
        _s, item = await self.voter_target(user_id, session_id, item_id)
        # An erased candidate's kept row has no files to show (and no account they belong to).
        files = await submitted_files_of(self.commissions, item.application_id, item.user_id) if item.user_id else []
        return item, files

    async def decision_of(self, item: AgendaItem) -> CommissionDecision | None:
        return await self.repo.decision(item.id)

    async def vote_over(self, item_id: int) -> bool:
        """Whether the vote on this agenda item is over (decided or postponed): its ballots keep no buttons."""
        item = await self.repo.item(item_id)
        return item is not None and item.status in (ItemStatus.CLOSED.value, ItemStatus.DEFERRED.value)

    async def is_present(self, session_id: int, user_id: int) -> bool:
        return user_id in await self.repo.present(session_id)

    async def members(self, c: Commission) -> list[int]:
        return [m.user_id for m in await self.repo.members(c.id)]

    async def own_vote(self, item: AgendaItem, user_id: int) -> Vote | None:
        return await self.repo.vote(item.id, user_id)

    async def record_ballot(self, item: AgendaItem, user_id: int, message_id: int) -> None:
        """Where the member's ballot is, learnt from a press on it."""
        await self.repo.set_ballot_message(item.id, user_id, message_id)

    async def cast(self, user_id: int, session_id: int, item_id: int, decision: Decision,
                   category: Category | None, now: datetime | None = None) -> VoteResult:
        s, item = await self.voter_target(user_id, session_id, item_id, now)
        claimed = _cat(item.claimed_category)
        if claimed is None or not valid_choice(Choice(decision, category), _role(item.role), claimed,
                                               _cat(item.current_category)):
            raise Refusal(Phrase(N_("This choice is not possible for this candidate.")))
        # The guarded UPDATE serialises this vote with the secretary closing the candidate.
        if not await self.repo.item_transition(item.id, ItemStatus.VOTING, ItemStatus.VOTING):
            raise Refusal(Phrase(VOTE_CLOSED))
        previous = await self.repo.vote(item.id, user_id)
        chosen = category.value if category else None
        if previous is not None and previous.decision == decision.value and previous.category == chosen:
            return VoteResult(Phrase(N_("Your vote is already recorded; nothing changed.")))
        first = await self.repo.upsert_vote(s.id, item.id, user_id, decision.value, chosen, now or utc_now())
        text = N_("Your vote is recorded: {decision}{category}.") if first else N_(
            "Your vote is changed: {decision}{category}.")
        return VoteResult(Phrase(text, {"decision": Phrase(decision.label),
                                        "category": Phrase(N_(" — {name}"), {"name": Phrase(category.label)})
                                        if category else ""}), first)

    # --- closing a vote ------------------------------------------------------------------------

    async def close_vote(self, user_id: int, session_id: int, item_id: int, anyway: str | None) -> VoteClosing:
        """The secretary closes the vote on a candidate (`anyway`: the confirmed "close anyway")."""
        s, c = await self.secretary_session(user_id, session_id)
        closed = await self.close_item(s, item_id, user_id, anyway)
        if isinstance(closed, NotVoted):
            return VoteClosing(not_voted=closed)
        if closed.decision is None:
            voters = [await self.addressee(u) for u in await self.voters(s, closed.item)]
            return VoteClosing(closed=closed, voters=voters, panel=await self.panel(s, c))
        needed = self.reason_needed(closed.item, closed.decision)
        return VoteClosing(closed=closed, over=await self.vote_over_of(closed.item), reason_needed=needed,
                           panel=None if needed else await self.panel(s, c))

    async def close_item(self, s: CommissionSession, item_id: int, by: int, anyway: str | None = None,
                         now: datetime | None = None) -> Closed | NotVoted:
        """Count the votes on a candidate once every member present who may vote has voted (§18).

        `anyway` is the NotVoted.key the secretary confirmed: those members are recorded as abstaining. A vote
        with no decision stays open (nothing is recorded) and the members can change their votes.
        """
        item = await self.agenda_item(s, item_id, by)
        if item.status != ItemStatus.VOTING.value:
            raise Refusal(Phrase(VOTE_NOT_OPEN))
        progress = await self.progress(s, item)
        missing = progress.missing
        if missing and anyway != absent_key(missing):
            return NotVoted(item, progress.names_of(missing), absent_key(missing))
        # Take the row first: votes in flight finish before we count, later ones see "closed".
        if not await self.repo.item_transition(item.id, ItemStatus.VOTING, ItemStatus.CLOSED):
            raise Refusal(Phrase(VOTE_NOT_OPEN))
        chair = await self.repo.chair(s.commission_id)
        votes = {v.member_user_id: Choice(Decision(v.decision), _cat(v.category))
                 for v in await self.repo.votes(item.id) if v.member_user_id in progress.voters}
        result = tally(votes, chair.user_id if chair else None, len(progress.voters), await self.majority(item))
        if result.choice is None:
            await self.repo.item_transition(item.id, ItemStatus.CLOSED, ItemStatus.VOTING)
            return Closed(result, None, item)
        now = now or utc_now()
        await self.repo.add_abstentions(item.id, missing, by, now)
        decision = await self._record(s, item, result, now)
        await self._apply(item, decision)
        return Closed(result, decision, item, missing)

    async def _record(self, s: CommissionSession, item: AgendaItem, result: Tally, now: datetime) -> CommissionDecision:
        """The decision, dated the session's date as the protocol is (§20).

        "Does not match" issues no certificate; for a teacher without a category it still assigns the §32
        category (pedagogue for a failed moderator claim), which the profile takes with its expiry."""
        choice = result.choice
        assert choice is not None
        assigned = decision_assigns(choice, _role(item.role), _cat(item.claimed_category) or Category.TEACHER,
                                    _cat(item.current_category))
        decided_on = s.session_date
        number = None
        rules = (await self.commissions.ruleset_of(item.application_id)).rules  # the validity years of its set
        valid_until = category_expiry(assigned, decided_on, rules) if assigned is not None else None
        if not keeps_current(choice.decision) and assigned is not None:
            prefix = f"{s.commission_id}-{decided_on.year}-"
            number = f"{prefix}{await self.repo.count_certificates(prefix) + 1:04d}"
        return await self.repo.add_decision(
            candidate_id=item.id, decision=choice.decision.value,
            assigned_category=assigned.value if assigned else None, outcome=result.outcome.value,
            counts={f"{k.decision.value}:{k.category.value if k.category else ''}": n
                    for k, n in result.counts.items()},
            decided_at=now, decided_on=decided_on,
            extract_due=add_working_days(decided_on, (await self.commissions.deadlines_of(item.application_id))[
                "extract"]),
            certificate_number=number, valid_until=valid_until, voters=result.voters,
            majority_of=result.majority.value,
        )

    async def _apply(self, item: AgendaItem, decision: CommissionDecision) -> None:
        """The teacher's profile takes the new category and its expiry; the application is decided."""
        await self.repo.set_review_status(item.application_id, ReviewStatus.DECIDED)
        app = await self.repo.application(item.application_id)
        if app is not None:
            app.status = ApplicationStatus.DECIDED.value
        if decision.assigned_category is not None and decision.valid_until is not None and item.user_id is not None:
            profile = await ProfileRepository(self.session).get(item.user_id)
            if profile is not None:
                profile.current_category = decision.assigned_category
                profile.category_valid_until = decision.valid_until
        await self._retain_files(item, decision)
        await self.session.flush()

    async def _retain_files(self, item: AgendaItem, decision: CommissionDecision) -> None:
        """Her application's files (the submitted uploads, the essay's file) are kept as FILE_RETENTION says
        from now on; the retention job erases them after that."""
        if item.user_id is None:
            return
        uploads = await submitted_files_of(self.commissions, item.application_id, item.user_id)
        essay = await self.session.get(Essay, item.user_id)
        ids = [f.stored_file_id for f in uploads if f.stored_file_id is not None]
        if essay is not None and essay.stored_file_id is not None:
            ids.append(essay.stored_file_id)
        await FileRepository(self.session).keep_until(
            ids, self.retention.keep_until(decision.decided_on, decision.valid_until))

    async def nudge(self, user_id: int, session_id: int, item_id: int) -> list[Ballot]:
        """The ballot again for the members present who have not voted (theirs may be lost in the chat)."""
        s, _c = await self.secretary_session(user_id, session_id)
        try:
            item = await self.agenda_item(s, item_id, user_id)
        except Refusal:
            item = None
        if item is None or item.status != ItemStatus.VOTING.value:
            raise Refusal(Phrase(VOTE_NOT_OPEN))
        return [await self.ballot(item, m) for m in (await self.progress(s, item)).missing]

    # --- postponing a candidate ----------------------------------------------------------------

    async def to_postpone(self, user_id: int, session_id: int) -> tuple[CommissionSession, list[AgendaItem]]:
        """The candidates that can still be postponed."""
        s, _c = await self.secretary_session(user_id, session_id)
        undecided = [i for i in await self.items(s) if i.status in (ItemStatus.WAITING.value, ItemStatus.VOTING.value)]
        if not undecided:
            raise Refusal(Phrase(N_("Every candidate is decided or postponed.")))
        return s, undecided

    async def candidate(self, user_id: int, session_id: int, item_id: int) -> tuple[CommissionSession, AgendaItem]:
        """A candidate of the secretary's session, e.g. to confirm postponing them."""
        s, _c = await self.secretary_session(user_id, session_id)
        return s, await self.agenda_item(s, item_id, user_id)

    async def postpone(self, user_id: int, session_id: int, item_id: int) -> Postponed:
        """A candidate not decided at this session goes back to the accepted applications, for a later one."""
        s, c = await self.secretary_session(user_id, session_id)
        item = await self.agenda_item(s, item_id, user_id)
        if s.status not in (SessionStatus.OPEN.value, SessionStatus.VOTING.value):
            raise Refusal(Phrase(N_("Only a candidate of an open session can be postponed.")))
        moved = await self.repo.item_transition(item.id, ItemStatus.WAITING, ItemStatus.DEFERRED)
        if not moved:
            moved = await self.repo.item_transition(item.id, ItemStatus.VOTING, ItemStatus.DEFERRED)
        if not moved:
            raise Refusal(Phrase(N_("This candidate is already decided or postponed.")))
        await self.repo.set_review_status(item.application_id, ReviewStatus.ACCEPTED)
        teacher = await self.addressee(item.user_id) if item.user_id is not None else None  # None: erased
        return Postponed(item, c, teacher, await self.vote_over_of(item), await self.panel(s, c))

    async def vote_over_of(self, item: AgendaItem) -> VoteOver:
        """Every ballot sent on this candidate, for showing the outcome on it once the vote is over."""
        where = await self.repo.ballot_messages(item.id)
        votes = {v.member_user_id: v for v in await self.repo.votes(item.id)}
        abstained = {a.member_user_id for a in await self.repo.abstentions(item.id)}
        members = sorted(set(where) | set(votes) | abstained)
        ballots = [BallotState(await self.addressee(m), where.get(m), votes.get(m), m in abstained) for m in members]
        return VoteOver(item, await self.decision_of(item), ballots)

    # --- reasons (the protocol's Reason column) ----------------------------------------------------

    @staticmethod
    def reason_needed(item: AgendaItem, decision: CommissionDecision) -> bool:
        return needs_reason(protocol_group(Decision(decision.decision), _role(item.role).is_leader))

    async def missing_reasons(self, s: CommissionSession) -> list[AgendaItem]:
        """Decided candidates whose protocol row needs a reason the secretary has not typed yet."""
        out = []
        for item in await self.repo.items(s.id):
            decision = await self.repo.decision(item.id)
            if decision is not None and self.reason_needed(item, decision) and not decision.reason:
                out.append(item)
        return out

    async def reason_target(self, s: CommissionSession, item_id: int,
                            by: int) -> tuple[AgendaItem, CommissionDecision]:
        """The decision a reason may be typed for: on this session's agenda, decided, needing one, not yet printed."""
        item = await self.agenda_item(s, item_id, by)
        decision = await self.repo.decision(item.id)
        if decision is None or not self.reason_needed(item, decision):
            raise Refusal(Phrase(N_("This decision has no Reason column in the protocol.")))
        if s.status != SessionStatus.VOTING.value:
            raise Refusal(Phrase(N_("The session is closed: its protocol is already issued.")))
        return item, decision

    async def reason_to_type(self, user_id: int, session_id: int, item_id: int) -> tuple[CommissionSession,
                                                                                           AgendaItem]:
        s, _c = await self.secretary_session(user_id, session_id)
        item, _decision = await self.reason_target(s, item_id, user_id)
        return s, item

    async def set_reason(self, user_id: int, session_id: int, item_id: int, reason: str) -> tuple[AgendaItem, Panel]:
        """The typed reason of a decision; a wrong length is asked again, anything else ends the step."""
        s, c = await self.secretary_session(user_id, session_id)
        item, decision = await self.reason_target(s, item_id, user_id)
        reason = " ".join(reason.split())
        if not 3 <= len(reason) <= 1000:
            raise TryAgain(Phrase(REASON_LENGTH))
        await self.repo.set_reason(decision.id, reason)
        return item, await self.panel(s, c)

    # --- closing the session -------------------------------------------------------------------

    async def close_session(self, user_id: int, session_id: int, now: datetime | None = None) -> Closing:
        s, c = await self.secretary_session(user_id, session_id)
        items = await self.repo.items(s.id)
        open_items = [i for i in items if i.status in (ItemStatus.WAITING.value, ItemStatus.VOTING.value)]
        if open_items:
            raise Refusal(Phrase(N_("Candidates without a decision: {names}. Close their votes or postpone them "
                                    "first."), {"names": ", ".join(i.full_name for i in open_items)}))
        unreasoned = await self.missing_reasons(s)
        if unreasoned:
            raise Refusal(Phrase(N_("The protocol needs the reason of the decision on: {names}. Type it first (the "
                                    "«Reason» button on the panel)."),
                                 {"names": ", ".join(i.full_name for i in unreasoned)}))
        closed_at = now or utc_now()
        if not await self.repo.transition(s.id, [SessionStatus.VOTING], SessionStatus.CLOSED, closed_at=closed_at):
            raise Refusal(Phrase(N_("Only a session in which voting is open can be closed.")))
        return Closing(s, c, await self.certificates_due(s), await self.panel(s, c))

    # --- the order assigning the categories, and the certificates it is cited on (§12) -----------------

    async def order_target(self, user_id: int, session_id: int,
                           is_admin: bool) -> tuple[CommissionSession, Commission]:
        """A closed session whose certificates wait for the order; only its secretary or an admin records it."""
        s = await self.repo.get_session(session_id)
        c = await self.repo.get(s.commission_id) if s is not None else None
        if s is None or c is None or not (is_admin or c.secretary_user_id == user_id):
            raise Refusal(Phrase(N_("Only the commission's secretary or an administrator records the order.")))
        if s.status != SessionStatus.CLOSED.value:
            raise Refusal(Phrase(N_("The order follows the protocol: close the session first.")))
        if s.certificates_issued_at is not None:
            raise Refusal(_already_issued(s))
        if not await self.certificates_due(s):
            raise Refusal(Phrase(N_("No decision of this session assigns a category: there are no certificates to "
                                    "issue.")))
        return s, c

    async def certificates_due(self, s: CommissionSession) -> bool:
        return any(d is not None and d.certificate_number for d in
                   [await self.repo.decision(i.id) for i in await self.repo.items(s.id)])

    async def awaiting_order(self, c: Commission) -> list[CommissionSession]:
        """Closed sessions whose certificates wait for the order that assigns the categories."""
        closed = await self.repo.sessions_of(SessionStatus.CLOSED, [c.id])
        return [s for s in closed if s.certificates_issued_at is None and await self.certificates_due(s)]

    async def last_order(self, c: Commission) -> CommissionSession | None:
        return await self.repo.last_order(c.id)

    def order_day(self, s: CommissionSession, typed: str, now: datetime | None = None) -> date:
        """The typed date of the order: not before the session, not in the future."""
        when = _typed_day(typed)
        objection = order_date_objection(when, s.session_date, self.commissions.today(now))
        if objection is not None:
            raise TryAgain(objection)
        return when

    async def record_order(self, s: CommissionSession, number: str, when: date, issuer: str, signatory: str,
                           now: datetime | None = None) -> None:
        objection = order_date_objection(when, s.session_date, self.commissions.today(now))
        refuse(objection)
        if not await self.repo.set_order(s.id, number, when, issuer, signatory):
            raise Refusal(_already_issued(s))


def _already_issued(s: CommissionSession) -> Phrase:
    return Phrase(ALREADY_ISSUED, {"number": s.order_number or "—", "date": format_day_or_dash(s.order_date)})


def _typed_day(typed: str) -> date:
    when = parse_day(typed)
    if when is None:
        raise TryAgain(Phrase(UNREADABLE_DATE))
    return when


def _cat(value: str | None) -> Category | None:
    try:
        return Category(value) if value else None
    except ValueError:
        return None


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        return Role.TEACHER
