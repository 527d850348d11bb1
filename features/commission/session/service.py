"""Commission sessions: agenda, attendance, quorum, voting per candidate, decisions (§17–§20, §46)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from features.commission.composition.service import CommissionService, utc_now
from scoring.calendar import add_working_days
from scoring.categories import Category, Role
from scoring.commission import (
    DECISION_BY_CODE,
    Area,
    Choice,
    Decision,
    Majority,
    Tally,
    Voter,
    category_options,
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
from scoring.eligibility import category_expiry
from scoring.i18n import N_, Phrase
from storage.checklist_models import ApplicationStatus
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
from storage.profile_repository import ProfileRepository


@dataclass(frozen=True)
class VoteResult:
    ok: bool
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
class Presence:
    message: Phrase
    ballot: AgendaItem | None = None  # the candidate being voted on, whose ballot the newly present member needs
    session: CommissionSession | None = None
    commission: Commission | None = None


@dataclass(frozen=True)
class BallotState:
    """A member's ballot on a candidate whose vote has closed: where it is and how they voted."""

    member: int
    message_id: int | None
    vote: Vote | None
    abstained: bool


def absent_key(users: Sequence[int]) -> str:
    """A short fingerprint of who has not voted (fits the 64 bytes of callback data)."""
    return format(zlib.crc32(",".join(str(u) for u in sorted(users)).encode()), "08x")


# Refused while the secretary is typing a reason: the step stays open for another try.
REASON_LENGTH = Phrase(N_("Type the reason as text, 3 to 1000 characters."))


NO_ACCEPTED = Phrase(N_("No application is accepted for a session yet: accept some in /agenda first."))


class SessionService:
    def __init__(self, session: AsyncSession, commissions: CommissionService):
        self.session = session
        self.commissions = commissions
        self.repo = CommissionRepository(session)

    @property
    def majority(self) -> Majority:
        return majority_rule(self.commissions.rules)

    # --- lookups that re-check who is asking ------------------------------------------------

    async def as_secretary(self, user_id: int, session_id: int) -> tuple[CommissionSession, Commission] | None:
        s = await self.repo.get_session(session_id)
        if s is None:
            return None
        c = await self.commissions.secretary_commission(user_id, s.commission_id)
        return (s, c) if c is not None else None

    async def commission_of(self, s: CommissionSession) -> Commission:
        c = await self.repo.get(s.commission_id)
        assert c is not None
        return c

    # --- the session ------------------------------------------------------------------------

    async def _registered(self, application_ids: Sequence[int]) -> list[date | None]:
        apps = [await self.repo.application(a) for a in application_ids]
        return [app.registered_on for app in apps if app is not None]

    async def create(self, c: Commission, when: date, by: int,
                     now: datetime | None = None) -> CommissionSession | Phrase:
        """A session with every accepted application on its agenda, on a date it can be held (§16, §23)."""
        # Never one of the secretary's own applications (conflict of interest): it stays accepted for another.
        accepted = [r for r in await self.commissions.accepted(c) if own_application_objection(by, r.user_id) is None]
        if not accepted:
            return NO_ACCEPTED
        objection = session_date_objection(when, self.commissions.today(now),
                                           await self._registered([r.application_id for r in accepted]), c.order_date)
        if objection is not None:
            return objection
        s = await self.repo.create_session(c.id, when, by, now or utc_now())
        profiles = ProfileRepository(self.session)
        for position, review in enumerate(accepted, start=1):
            app = await self.repo.application(review.application_id)
            profile = await profiles.get(review.user_id)
            claimed = (app.claimed_category if app else None) or (profile.claimed_category if profile else None)
            await self.repo.add_item(
                session_id=s.id, application_id=review.application_id, user_id=review.user_id, position=position,
                full_name=(profile.full_name if profile else None) or "—",
                role=(profile.role if profile else None) or Role.TEACHER.value,
                org_name=profile.org_name if profile else None,
                kind=profile.attestation_kind if profile else None,
                current_category=profile.current_category if profile else None,
                claimed_category=claimed or "",
            )
            await self.repo.set_review_status(review.application_id, ReviewStatus.SCHEDULED)
        return s

    async def change_date(self, s: CommissionSession, c: Commission, when: date,
                          now: datetime | None = None) -> Phrase | None:
        """A session not opened yet moves to another date, checked as a new one is."""
        if s.status != SessionStatus.DRAFT.value:
            return Phrase(N_("Only a session that has not been opened can change its date."))
        registered = await self._registered([i.application_id for i in await self.repo.items(s.id)])
        objection = session_date_objection(when, self.commissions.today(now), registered, c.order_date)
        if objection is not None:
            return objection
        if not await self.repo.set_session_date(s.id, when):
            return Phrase(N_("Only a session that has not been opened can change its date."))
        return None

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

    async def mark_present(self, user_id: int, session_id: int, now: datetime | None = None) -> Presence:
        s = await self.repo.get_session(session_id)
        if s is None:
            return Presence(Phrase(N_("This session does not exist.")))
        c = await self.commission_of(s)
        if c.secretary_user_id == user_id:
            return Presence(Phrase(N_("The secretary is not a member and is not counted for the quorum (§17).")))
        if await self.repo.member(c.id, user_id) is None:
            return Presence(Phrase(N_("Only members of this commission take part in its sessions.")))
        if s.status not in (SessionStatus.OPEN.value, SessionStatus.VOTING.value):
            return Presence(Phrase(N_("This session is not open.")))
        late = sitting_objection(s.session_date, self.commissions.today(now))
        if late is not None:
            return Presence(late)
        new = await self.repo.mark_present(s.id, user_id, now or utc_now())
        present, members = len(await self.repo.present(s.id)), len(await self.repo.members(c.id))
        params = {"present": present, "members": members, "quorum": quorum(members, self.commissions.rules)}
        if not new:
            return Presence(Phrase(N_("You are already marked present ({present} of {members}; quorum {quorum})."),
                                    params))
        # A member who arrives while a candidate is being voted on gets that ballot too.
        voting = next((i for i in await self.repo.items(s.id) if i.status == ItemStatus.VOTING.value), None)
        if voting is not None and user_id not in await self.voters(s, voting):
            voting = None
        return Presence(Phrase(N_("You are marked present ({present} of {members}; quorum {quorum})."), params),
                        voting, s, c)

    async def attendance(self, s: CommissionSession) -> tuple[int, int, int]:
        members = len(await self.repo.members(s.commission_id))
        return len(await self.repo.present(s.id)), members, quorum(members, self.commissions.rules)

    async def start_voting(self, s: CommissionSession, now: datetime | None = None) -> Phrase | None:
        """Voting opens only with at least two thirds of the members present (§18), on the session's date."""
        await self.repo.lock_session(s.id)
        late = sitting_objection(s.session_date, self.commissions.today(now))
        if late is not None:
            return late
        present, members, needed = await self.attendance(s)
        if not has_quorum(present, members, self.commissions.rules):
            return Phrase(N_("No quorum: {present} of {members} members present, at least {quorum} are needed (§18)."),
                           {"present": present, "members": members, "quorum": needed})
        if not await self.repo.transition(s.id, [SessionStatus.OPEN], SessionStatus.VOTING):
            return Phrase(N_("Voting can be opened only in an open session."))
        return None

    async def items(self, s: CommissionSession) -> list[AgendaItem]:
        return await self.repo.items(s.id)

    async def agenda_item(self, s: CommissionSession, item_id: int, by: int) -> AgendaItem | Phrase:
        """A candidate of this session the secretary `by` may act on: never their own application."""
        item = await self.repo.item(item_id)
        if item is None or item.session_id != s.id:
            return Phrase(N_("This candidate is not on this session's agenda."))
        own = own_application_objection(by, item.user_id)
        return own if own is not None else item

    async def open_item(self, s: CommissionSession, item_id: int, by: int,
                        now: datetime | None = None) -> AgendaItem | Phrase:
        item = await self.agenda_item(s, item_id, by)
        if isinstance(item, Phrase):
            return item
        if s.status != SessionStatus.VOTING.value:
            return Phrase(N_("Voting is not open in this session."))
        late = sitting_objection(s.session_date, self.commissions.today(now))
        if late is not None:
            return late
        if any(i.status == ItemStatus.VOTING.value for i in await self.repo.items(s.id) if i.id != item.id):
            return Phrase(N_("Close the vote on the current candidate first."))
        if not await self.repo.item_transition(item.id, ItemStatus.WAITING, ItemStatus.VOTING):
            return Phrase(N_("The vote on this candidate is already open or closed."))
        return item

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

    # --- votes ---------------------------------------------------------------------------------

    def options(self, item: AgendaItem) -> tuple[Decision, ...]:
        return decisions_for(_role(item.role), _cat(item.current_category))

    def categories(self, item: AgendaItem, decision: Decision) -> tuple[Category, ...]:
        claimed = _cat(item.claimed_category)
        assert claimed is not None
        return category_options(decision, _role(item.role), claimed, _cat(item.current_category))

    async def check_voter(self, user_id: int, session_id: int, item_id: int, now: datetime | None = None) -> tuple[
        CommissionSession, AgendaItem
    ] | Phrase:
        """Everything the server knows about a vote button press, before looking at the choice."""
        s = await self.repo.get_session(session_id)
        item = await self.repo.item(item_id)
        if s is None or item is None or item.session_id != s.id:
            return Phrase(N_("This candidate is not on this session's agenda."))
        c = await self.commission_of(s)
        objection = vote_objection(await self._voter(c, s, item, user_id), item.user_id)
        if objection is not None:
            return objection
        if item.status in (ItemStatus.CLOSED.value, ItemStatus.DEFERRED.value) or (
                s.status == SessionStatus.CLOSED.value):
            return Phrase(N_("Voting on this candidate is closed; your vote was not counted."))
        if item.status != ItemStatus.VOTING.value:
            return Phrase(N_("Voting on this candidate has not been opened yet."))
        late = sitting_objection(s.session_date, self.commissions.today(now))
        if late is not None:
            return late
        return s, item

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

    async def cast(self, user_id: int, session_id: int, item_id: int, decision_code: str, category: str,
                   now: datetime | None = None) -> VoteResult:
        checked = await self.check_voter(user_id, session_id, item_id, now)
        if isinstance(checked, Phrase):
            return VoteResult(False, checked)
        s, item = checked
        decision = DECISION_BY_CODE.get(decision_code)
        claimed = _cat(item.claimed_category)
        chosen = _cat(category) if category else None
        if decision is None or claimed is None or (category and chosen is None) or not valid_choice(
            Choice(decision, chosen), _role(item.role), claimed, _cat(item.current_category)
        ):
            return VoteResult(False, Phrase(N_("This choice is not possible for this candidate.")))
        # The guarded UPDATE serialises this vote with the secretary closing the candidate.
        if not await self.repo.item_transition(item.id, ItemStatus.VOTING, ItemStatus.VOTING):
            return VoteResult(False, Phrase(N_("Voting on this candidate is closed; your vote was not counted.")))
        previous = await self.repo.vote(item.id, user_id)
        same = previous is not None and previous.decision == decision.value and previous.category == (
            chosen.value if chosen else None)
        if same:
            return VoteResult(True, Phrase(N_("Your vote is already recorded; nothing changed.")))
        first = await self.repo.upsert_vote(s.id, item.id, user_id, decision.value, chosen.value if chosen else None,
                                            now or utc_now())
        text = N_("Your vote is recorded: {decision}{category}.") if first else N_(
            "Your vote is changed: {decision}{category}.")
        return VoteResult(True, Phrase(text, {"decision": Phrase(decision.label),
                                               "category": Phrase(N_(" — {name}"), {"name": Phrase(chosen.label)})
                                               if chosen else ""}), first)

    async def close_item(self, s: CommissionSession, item_id: int, by: int, anyway: str | None = None,
                         now: datetime | None = None) -> Closed | NotVoted | Phrase:
        """Count the votes on a candidate once every member present who may vote has voted (§18).

        `anyway` is the NotVoted.key the secretary confirmed: those members are recorded as abstaining. A vote
        with no decision stays open (nothing is recorded) and the members can change their votes.
        """
        item = await self.agenda_item(s, item_id, by)
        if isinstance(item, Phrase):
            return item
        if item.status != ItemStatus.VOTING.value:
            return Phrase(N_("The vote on this candidate is not open."))
        progress = await self.progress(s, item)
        missing = progress.missing
        if missing and anyway != absent_key(missing):
            return NotVoted(item, progress.names_of(missing), absent_key(missing))
        # Take the row first: votes in flight finish before we count, later ones see "closed".
        if not await self.repo.item_transition(item.id, ItemStatus.VOTING, ItemStatus.CLOSED):
            return Phrase(N_("The vote on this candidate is not open."))
        chair = await self.repo.chair(s.commission_id)
        votes = {v.member_user_id: Choice(Decision(v.decision), _cat(v.category))
                 for v in await self.repo.votes(item.id) if v.member_user_id in progress.voters}
        result = tally(votes, chair.user_id if chair else None, len(progress.voters), self.majority)
        if result.choice is None:
            await self.repo.item_transition(item.id, ItemStatus.CLOSED, ItemStatus.VOTING)
            return Closed(result, None, item)
        now = now or utc_now()
        await self.repo.add_abstentions(item.id, missing, by, now)
        decision = await self._record(s, item, result, now)
        await self._apply(item, decision)
        return Closed(result, decision, item, missing)

    async def _record(self, s: CommissionSession, item: AgendaItem, result: Tally, now: datetime) -> CommissionDecision:
        """The decision, dated the session's date as the protocol is (§20)."""
        choice = result.choice
        assert choice is not None
        decided_on = s.session_date
        number = valid_until = None
        if not keeps_current(choice.decision) and choice.category is not None:
            valid_until = category_expiry(choice.category, decided_on)
            prefix = f"{s.commission_id}-{decided_on.year}-"
            number = f"{prefix}{await self.repo.count_certificates(prefix) + 1:04d}"
        return await self.repo.add_decision(
            candidate_id=item.id, decision=choice.decision.value,
            assigned_category=choice.category.value if choice.category else None, outcome=result.outcome.value,
            counts={f"{k.decision.value}:{k.category.value if k.category else ''}": n
                    for k, n in result.counts.items()},
            decided_at=now, decided_on=decided_on, extract_due=add_working_days(decided_on, 3),
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
        await self.session.flush()

    async def postpone(self, s: CommissionSession, item_id: int, by: int) -> AgendaItem | Phrase:
        """A candidate not decided at this session goes back to the accepted applications, for a later one."""
        item = await self.agenda_item(s, item_id, by)
        if isinstance(item, Phrase):
            return item
        if s.status not in (SessionStatus.OPEN.value, SessionStatus.VOTING.value):
            return Phrase(N_("Only a candidate of an open session can be postponed."))
        moved = await self.repo.item_transition(item.id, ItemStatus.WAITING, ItemStatus.DEFERRED)
        if not moved:
            moved = await self.repo.item_transition(item.id, ItemStatus.VOTING, ItemStatus.DEFERRED)
        if not moved:
            return Phrase(N_("This candidate is already decided or postponed."))
        await self.repo.set_review_status(item.application_id, ReviewStatus.ACCEPTED)
        return item

    async def ballots(self, item: AgendaItem) -> list[BallotState]:
        """Every ballot sent on this candidate, for showing the outcome on it once the vote is over."""
        where = await self.repo.ballot_messages(item.id)
        votes = {v.member_user_id: v for v in await self.repo.votes(item.id)}
        abstained = {a.member_user_id for a in await self.repo.abstentions(item.id)}
        members = sorted(set(where) | set(votes) | abstained)
        return [BallotState(m, where.get(m), votes.get(m), m in abstained) for m in members]

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
                            by: int) -> tuple[AgendaItem, CommissionDecision] | Phrase:
        """The decision a reason may be typed for: on this session's agenda, decided, needing one, not yet printed."""
        item = await self.agenda_item(s, item_id, by)
        if isinstance(item, Phrase):
            return item
        decision = await self.repo.decision(item.id)
        if decision is None or not self.reason_needed(item, decision):
            return Phrase(N_("This decision has no Reason column in the protocol."))
        if s.status != SessionStatus.VOTING.value:
            return Phrase(N_("The session is closed: its protocol is already issued."))
        return item, decision

    async def set_reason(self, s: CommissionSession, item_id: int, reason: str, by: int) -> AgendaItem | Phrase:
        target = await self.reason_target(s, item_id, by)
        if isinstance(target, Phrase):
            return target
        reason = " ".join(reason.split())
        if not 3 <= len(reason) <= 1000:
            return REASON_LENGTH
        item, decision = target
        await self.repo.set_reason(decision.id, reason)
        return item

    async def close(self, s: CommissionSession, now: datetime | None = None) -> Phrase | None:
        items = await self.repo.items(s.id)
        open_items = [i for i in items if i.status in (ItemStatus.WAITING.value, ItemStatus.VOTING.value)]
        if open_items:
            return Phrase(N_("Candidates without a decision: {names}. Close their votes or postpone them first."),
                           {"names": ", ".join(i.full_name for i in open_items)})
        unreasoned = await self.missing_reasons(s)
        if unreasoned:
            return Phrase(N_("The protocol needs the reason of the decision on: {names}. Type it first (the "
                              "«Reason» button on the panel)."),
                           {"names": ", ".join(i.full_name for i in unreasoned)})
        closed_at = now or utc_now()
        if not await self.repo.transition(s.id, [SessionStatus.VOTING], SessionStatus.CLOSED, closed_at=closed_at):
            return Phrase(N_("Only a session in which voting is open can be closed."))
        return None

    # --- the order assigning the categories, and the certificates it is cited on (§12) -----------------

    async def order_target(self, user_id: int, session_id: int,
                           is_admin: bool) -> tuple[CommissionSession, Commission] | Phrase:
        """A closed session whose certificates wait for the order; only its secretary or an admin records it."""
        s = await self.repo.get_session(session_id)
        c = await self.repo.get(s.commission_id) if s is not None else None
        if s is None or c is None or not (is_admin or c.secretary_user_id == user_id):
            return Phrase(N_("Only the commission's secretary or an administrator records the order."))
        if s.status != SessionStatus.CLOSED.value:
            return Phrase(N_("The order follows the protocol: close the session first."))
        if s.certificates_issued_at is not None:
            return Phrase(N_("The certificates of this session are already issued (order No. {number} of {date})."),
                           {"number": s.order_number or "—",
                            "date": s.order_date.strftime("%d.%m.%Y") if s.order_date else "—"})
        if not await self.certificates_due(s):
            return Phrase(N_("No decision of this session assigns a category: there are no certificates to issue."))
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

    def order_date_problem(self, s: CommissionSession, when: date | None, now: datetime | None = None) -> (
            Phrase | None):
        if when is None:
            return Phrase(N_("I could not read the date. Send it as DD.MM.YYYY, e.g. 01.09.2026."))
        return order_date_objection(when, s.session_date, self.commissions.today(now))

    async def record_order(self, s: CommissionSession, number: str, when: date, issuer: str, signatory: str,
                           now: datetime | None = None) -> Phrase | None:
        objection = self.order_date_problem(s, when, now)
        if objection is not None:
            return objection
        if not await self.repo.set_order(s.id, number, when, issuer, signatory):
            return Phrase(N_("The certificates of this session are already issued (order No. {number} of {date})."),
                           {"number": s.order_number or "—",
                            "date": s.order_date.strftime("%d.%m.%Y") if s.order_date else "—"})
        return None


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
