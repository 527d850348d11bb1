"""Attestation commissions: composition, term, routing, decisions and the tally (spec §8; §13–§19, §46).

Pure rules: no I/O, no aiogram. User-facing texts are `Phrase`s with `N_` msgids.

*Interpretations* kept here (and listed in the README):
- What a decision needs (§18 "by a majority of the votes of the commission's members") is one setting,
  rules.toml `voting.majority_of` (`Majority`): by default more than half of the members present who may
  vote on the candidate; the other reading, more than half of the votes cast. Either way a vote closes
  only when every such member has voted or, on the secretary's explicit "close anyway", is recorded as
  abstaining. The chair's vote decides an even split (two choices, each with exactly half of what the
  majority is counted of, §18); it never turns a plurality such as 2 of 6 into a decision.
- Members present who may not vote on a candidate (the candidate, the candidate's head) are not counted
  for that candidate's majority.
- A session sits on its date: it is created for today or later (never before the registration date of an
  application on it, nor outside the commission's term), opened, attended and voted on that date; every
  decision of the session carries the session's date, as its protocol does.
- A vote is a decision together with the category it leads to; two votes agree only if both match.
- App 2 prints a "does not match the claimed category" table that §19 does not name: the bot offers
  that decision to a teacher who holds no category on the ladder yet (nothing to confirm or lower). By
  §32 it assigns a category all the same: the one the test allows below the claim, and "pedagogue" when
  the test does not reach moderator (`not_matching_assigns`, the same answer as `scoring.testrule`).
- "Under attestation during the term" (§15): an active application, or a category that expires
  before the term ends.
- "The candidate's own head": a member whose profile is the head of the candidate's organisation.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from scoring import testrule
from scoring.calendar import add_years
from scoring.categories import (
    DEPUTY_LADDER,
    HEAD_LADDER,
    TEACHER_LADDER,
    Category,
    CommissionLevel,
    Role,
    Subordination,
)
from scoring.config import Rules, default_rules
from scoring.eligibility import commission_level, held_category, ladder_for
from scoring.i18n import N_, Phrase

TERM_YEARS = 1  # §16
MEMBER_MIN_EXPERIENCE_YEARS = 10  # §14
MEMBER_CATEGORIES: frozenset[Category] = frozenset({Category.EXPERT, Category.RESEARCHER, Category.MASTER})  # §14


class MemberRole(StrEnum):
    """Who a member is (§14)."""

    TEACHER = "teacher"
    METHODIST = "methodist"
    NGO = "ngo"  # public, non-governmental or trade-union organisation
    AUTHORITY = "authority"  # specialist of an education authority or a subordinate organisation

    @property
    def label(self) -> str:
        return MEMBER_ROLE_LABELS[self]


MEMBER_ROLE_LABELS: dict[MemberRole, str] = {
    MemberRole.TEACHER: N_("teacher"),
    MemberRole.METHODIST: N_("methodist (methodical cabinet or professional-development organisation)"),
    MemberRole.NGO: N_("representative of an NGO or a trade union"),
    MemberRole.AUTHORITY: N_("specialist of an education authority"),
}


class Decision(StrEnum):
    """Decisions of §19 (teachers) and §46 (heads and deputies)."""

    MATCHES_CLAIMED = "claimed"
    MATCHES_CURRENT = "current"
    LOWER_THAN_CURRENT = "lower_current"  # §19 (3)
    LOWER_THAN_CLAIMED = "lower_claimed"  # §46 (3)
    NOT_MATCHING = "not_matching"  # §46 (4); App 2's table for teachers without a category

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]

    @property
    def code(self) -> str:
        """Short form for callback data (64 bytes in all)."""
        return DECISION_CODES[self]


DECISION_LABELS: dict[Decision, str] = {
    Decision.MATCHES_CLAIMED: N_("matches the claimed category"),
    Decision.MATCHES_CURRENT: N_("matches the current category"),
    Decision.LOWER_THAN_CURRENT: N_("matches a category lower than the current one"),
    Decision.LOWER_THAN_CLAIMED: N_("matches a category lower than the claimed one"),
    Decision.NOT_MATCHING: N_("does not match the claimed category"),
}
DECISION_CODES: dict[Decision, str] = {
    Decision.MATCHES_CLAIMED: "a",
    Decision.MATCHES_CURRENT: "c",
    Decision.LOWER_THAN_CURRENT: "l",
    Decision.LOWER_THAN_CLAIMED: "b",
    Decision.NOT_MATCHING: "n",
}
DECISION_BY_CODE: dict[str, Decision] = {code: decision for decision, code in DECISION_CODES.items()}


# --- the commission itself -------------------------------------------------------------------------


def term_end(order_date: date) -> date:
    """The last day of the commission's powers: one year from the order (§16)."""
    return add_years(order_date, TERM_YEARS)


def in_term(order_date: date, today: date) -> bool:
    return order_date <= today <= term_end(order_date)


def quorum(members: int, rules: Rules | None = None) -> int:
    """How many members must take part for a session to be valid (§18: at least two thirds)."""
    voting = (rules or default_rules()).voting
    return math.ceil(members * int(voting["quorum_numerator"]) / int(voting["quorum_denominator"]))


def has_quorum(present: int, members: int, rules: Rules | None = None) -> bool:
    return members > 0 and present >= quorum(members, rules)


@dataclass(frozen=True)
class Composition:
    """What validity depends on (§16, §17)."""

    members: frozenset[int]
    chair: int | None
    secretary: int | None
    order_date: date
    today: date


def missing(c: Composition, rules: Rules | None = None) -> list[Phrase]:
    """Everything that stops the commission from holding a session; empty when it is valid."""
    minimum = int((rules or default_rules()).voting["min_members"])
    n = len(c.members)
    out: list[Phrase] = []
    if n < minimum:
        out.append(Phrase(N_("Members: {count}; at least {minimum} are needed (§17)."),
                           {"count": n, "minimum": minimum}))
    if n % 2 == 0:
        out.append(Phrase(N_("Members: {count}; the number of members must be odd (§17)."), {"count": n}))
    if c.chair is None:
        out.append(Phrase(N_("No chair: the members elect one from among themselves (§17).")))
    elif c.chair not in c.members:
        out.append(Phrase(N_("The chair is not a member: the chair is elected from among the members (§17).")))
    if c.secretary is None:
        out.append(Phrase(N_("No secretary (§17).")))
    elif c.secretary in c.members:
        out.append(Phrase(N_("The secretary is also a member; the secretary must not be a member (§17).")))
    if c.today < c.order_date:
        out.append(Phrase(N_("The commission's order is dated {date}: its term has not begun."),
                           {"date": c.order_date.strftime("%d.%m.%Y")}))
    elif c.today > term_end(c.order_date):
        out.append(Phrase(N_("The commission's term ended on {date} (one year from the order, §16)."),
                           {"date": term_end(c.order_date).strftime("%d.%m.%Y")}))
    return out


def is_valid(c: Composition, rules: Rules | None = None) -> bool:
    return not missing(c, rules)


# --- sessions and their dates --------------------------------------------------------------------


def _d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def session_date_objection(when: date, today: date, registered: Iterable[date | None], order_date: date) -> (
        Phrase | None):
    """Why a session cannot be held on `when`, or None: not in the past, not before the registration date of
    an application on its agenda (§23), within the commission's term (§16)."""
    if when < today:
        return Phrase(N_("{date} is in the past: a session is dated today or later."), {"date": _d(when)})
    latest = max((day for day in registered if day is not None), default=None)
    if latest is not None and when < latest:
        return Phrase(N_("{date} is before {registered}, the registration date of an application on the agenda: "
                          "choose {registered} or later."), {"date": _d(when), "registered": _d(latest)})
    if not in_term(order_date, when):
        return Phrase(N_("{date} is outside the commission's term ({start} – {end}, §16)."),
                       {"date": _d(when), "start": _d(order_date), "end": _d(term_end(order_date))})
    return None


def opening_objection(session_date: date, today: date) -> Phrase | None:
    """A session is opened on its date, not before; a date that has passed is changed first."""
    if today < session_date:
        return Phrase(N_("The session is on {date}: it can be opened on that day."), {"date": _d(session_date)})
    if today > session_date:
        return Phrase(N_("The session's date, {date}, has passed: change the date first."),
                       {"date": _d(session_date)})
    return None


def sitting_objection(session_date: date, today: date) -> Phrase | None:
    """Attendance and votes are recorded on the session's date only, so that every vote, the protocol and the
    decisions carry that date."""
    if today != session_date:
        return Phrase(N_("The session was held on {date}: attendance and votes are recorded only on that day. "
                          "The secretary can close the open vote, recording who did not vote as abstaining, or "
                          "postpone the candidate to another session."), {"date": _d(session_date)})
    return None


def order_date_objection(order_date: date, decided_on: date, today: date) -> Phrase | None:
    """The order assigning the categories follows the commission's decision (§12) and is not dated ahead."""
    if order_date < decided_on:
        return Phrase(N_("The order is issued on the commission's decision of {decided}: it cannot be dated "
                          "earlier."), {"decided": _d(decided_on)})
    if order_date > today:
        return Phrase(N_("{date} is in the future: enter the date the order was signed."), {"date": _d(order_date)})
    return None


# --- members --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """What §14–§15 look at in a would-be member's profile (None = not known)."""

    role: MemberRole
    experience_years: int | None = None
    category: Category | None = None
    category_valid_until: date | None = None
    has_active_application: bool = False


def member_objections(person: Candidate, term_last_day: date) -> list[Phrase]:
    """Why this person cannot be a member; empty when they can (§14, §15)."""
    out: list[Phrase] = []
    if person.role is MemberRole.TEACHER:
        if person.experience_years is None or person.experience_years < MEMBER_MIN_EXPERIENCE_YEARS:
            out.append(Phrase(
                N_("A teacher-member needs at least {years} years of experience (§14); your profile says {have}."),
                {"years": MEMBER_MIN_EXPERIENCE_YEARS,
                 "have": "—" if person.experience_years is None else person.experience_years},
            ))
        if person.category not in MEMBER_CATEGORIES:
            out.append(Phrase(N_(
                "A teacher-member needs the category pedagogue-expert, pedagogue-researcher or "
                "pedagogue-master (§14)."
            )))
    if person.has_active_application:
        out.append(Phrase(N_("You have an attestation application in progress: a person under attestation "
                              "cannot be a member during the commission's term (§15).")))
    elif person.category_valid_until is not None and person.category_valid_until <= term_last_day:
        out.append(Phrase(
            N_("Your category expires on {date}, within the commission's term: you are to be attested during "
               "the term and cannot be a member (§15)."),
            {"date": person.category_valid_until.strftime("%d.%m.%Y")},
        ))
    return out


def chair_elected(votes: Mapping[int, int], members: Iterable[int]) -> int | None:
    """The member elected chair: more than half of all members voted for them (§17)."""
    member_set = set(members)
    counts = Counter(choice for voter, choice in votes.items() if voter in member_set and choice in member_set)
    if not counts:
        return None
    choice, count = counts.most_common(1)[0]
    return choice if count * 2 > len(member_set) else None


# --- routing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """The area a commission serves, or where a teacher works: region id, KATO code of the district or
    city (scoring.areas), organisation name. Codes are compared, never names."""

    region: str | None = None
    area_code: str | None = None
    organisation: str | None = None


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def covers(level: CommissionLevel, area: Area, where: Area) -> bool:
    """Whether a commission of this level and area serves a teacher working at `where`."""
    if level is CommissionLevel.MINISTRY:
        return True
    if area.region is None or area.region != where.region:
        return False
    if level is CommissionLevel.REGION:
        return True
    if area.area_code is None or area.area_code != where.area_code:
        return False
    if level is CommissionLevel.DISTRICT:
        return True
    return _same(area.organisation, where.organisation)


def required_level(
    claimed: Category, role: Role, subordination: Subordination = Subordination.LOCAL
) -> CommissionLevel:
    """The level of commission that decides the claim (§13, the table in scoring.eligibility)."""
    return commission_level(claimed, role, subordination)


@dataclass(frozen=True)
class CommissionRef:
    id: int
    level: CommissionLevel
    area: Area
    order_date: date


def route(
    commissions: Iterable[CommissionRef], claimed: Category, role: Role, where: Area, today: date,
    subordination: Subordination = Subordination.LOCAL,
) -> CommissionRef | None:
    """The commission in its term whose level matches the claim and whose area covers the teacher.

    Several may match (two district commissions configured for the same district): the oldest wins,
    so the choice is stable.
    """
    level = required_level(claimed, role, subordination)
    matching = [
        c for c in commissions
        if c.level is level and covers(c.level, c.area, where) and in_term(c.order_date, today)
    ]
    return min(matching, key=lambda c: c.id) if matching else None


# --- decisions -------------------------------------------------------------------------------------


def _leader(role: Role) -> bool:
    return role.is_leader


def decisions_for(role: Role, current: Category | None) -> tuple[Decision, ...]:
    """The decisions a member may vote for this candidate (§19 teachers, §46 heads and deputies)."""
    if _leader(role):
        return (Decision.MATCHES_CLAIMED, Decision.MATCHES_CURRENT, Decision.LOWER_THAN_CLAIMED,
                Decision.NOT_MATCHING)
    ladder = ladder_for(role)
    if current not in ladder or current is Category.TRAINEE:
        return (Decision.MATCHES_CLAIMED, Decision.NOT_MATCHING)
    out = [Decision.MATCHES_CLAIMED, Decision.MATCHES_CURRENT]
    if category_options(Decision.LOWER_THAN_CURRENT, role, current, current):
        out.append(Decision.LOWER_THAN_CURRENT)
    return tuple(out)


def category_options(
    decision: Decision, role: Role, claimed: Category, current: Category | None
) -> tuple[Category, ...]:
    """The categories a vote for `decision` can assign; empty when the decision assigns none.

    A head who became a deputy, or the reverse, holds the counterpart of their category (§49).
    """
    ladder = ladder_for(role)
    current = held_category(role, current)
    if decision is Decision.MATCHES_CLAIMED:
        return (claimed,)
    if decision is Decision.MATCHES_CURRENT:
        return (current,) if current in ladder else ()
    if decision is Decision.LOWER_THAN_CURRENT:
        if current not in ladder:
            return ()
        # Trainee is the starting level, not a category a commission assigns (§31).
        return tuple(c for c in ladder[: ladder.index(current)] if c is not Category.TRAINEE)[::-1]
    if decision is Decision.LOWER_THAN_CLAIMED:
        if claimed not in ladder:
            return ()
        return tuple(ladder[: ladder.index(claimed)])[::-1]
    return ()


def not_matching_assigns(
    role: Role,
    claimed: Category,
    current: Category | None,
    portfolio: Category | None = None,
    test_percent: float | None = None,
    rules: Rules | None = None,
) -> Category | None:
    """The category a "does not match the claimed category" decision assigns (§32, App 2), or None.

    §32: "Мәлімделген біліктілік санаттарына өтпеген педагогтерге санат ПББ нәтижелері негізінде беріледі.
    "Педагог-модератор" біліктілік санатын беру үшін ПББ ұпайлары жеткіліксіз болған жағдайда, педагогке
    "педагог" санаты беріледі." A teacher-ladder candidate who holds no category there and claims more than
    pedagogue gets the category `scoring.testrule.final_category` gives on assignment once the commission
    has found that the portfolio does not reach the claim: pedagogue for a moderator claim, and for a
    higher claim (an old category, §32) the lower of what the portfolio and the test reach, at least
    pedagogue. Without the portfolio's or the test's result that is pedagogue.

    None, so the decision assigns nothing: heads and deputies, and holders of a category on the ladder keep
    their current category (§42, §47); a claim of pedagogue itself has nothing lower to give.
    """
    ladder = ladder_for(role)
    if role.is_leader or ladder is not TEACHER_LADDER or claimed not in ladder:
        return None
    if current in ladder and current is not Category.TRAINEE:
        return None
    if ladder.index(claimed) <= ladder.index(Category.TEACHER):
        return None
    below_claim = ladder[ladder.index(claimed) - 1]
    if portfolio is not None and ladder.index(portfolio) >= ladder.index(claimed):
        portfolio = below_claim  # the commission found that it does not reach the claim
    outcome = testrule.final_category(claimed, portfolio, test_percent, testrule.Decision.ASSIGNMENT, rules)
    return outcome.category or Category.TEACHER


def decision_assigns(choice: Choice, role: Role, claimed: Category, current: Category | None) -> Category | None:
    """The category a decided vote gives the candidate (None: none; the current one, if any, is kept).

    The category chosen with the decision, and for "does not match" the §32 category (`not_matching_assigns`).
    """
    if choice.decision is Decision.NOT_MATCHING:
        return not_matching_assigns(role, claimed, current)
    return choice.category


def keeps_current(decision: Decision) -> bool:
    """'Does not match' keeps the current category until it expires (§47); no certificate is issued."""
    return decision is Decision.NOT_MATCHING


@dataclass(frozen=True)
class Choice:
    """One member's vote: the decision and the category it assigns (None when it assigns none)."""

    decision: Decision
    category: Category | None


def valid_choice(choice: Choice, role: Role, claimed: Category, current: Category | None) -> bool:
    if choice.decision not in decisions_for(role, current):
        return False
    options = category_options(choice.decision, role, claimed, current)
    return choice.category in options if options else choice.category is None


class Majority(StrEnum):
    """What a decision is a majority of (§18, *interpretation*, rules.toml `voting.majority_of`)."""

    PRESENT = "present"  # the members present who may vote on the candidate (abstentions count against)
    CAST = "cast"  # the votes cast (abstentions do not count)


def majority_rule(rules: Rules | None = None) -> Majority:
    value = str((rules or default_rules()).voting.get("majority_of", Majority.PRESENT.value))
    try:
        return Majority(value)
    except ValueError as error:
        raise ValueError(f"voting.majority_of must be one of {[m.value for m in Majority]}, not {value!r}") from error


class Outcome(StrEnum):
    DECIDED = "decided"
    CHAIR_DECIDED = "chair_decided"  # an even split, decided by the chair's vote (§18)
    NO_VOTES = "no_votes"
    NO_MAJORITY = "no_majority"
    TIE = "tie"  # an even split the chair's vote does not decide (the chair did not vote for either side)


@dataclass(frozen=True)
class Tally:
    outcome: Outcome
    choice: Choice | None
    counts: dict[Choice, int] = field(default_factory=dict)
    cast: int = 0
    voters: int = 0  # members present who may vote on the candidate
    majority: Majority = Majority.PRESENT

    @property
    def decided(self) -> bool:
        return self.choice is not None

    @property
    def base(self) -> int:
        """What the majority is counted of."""
        return self.voters if self.majority is Majority.PRESENT else self.cast

    @property
    def needed(self) -> int:
        """The fewest votes for one choice that make a majority."""
        return self.base // 2 + 1

    @property
    def top(self) -> int:
        return max(self.counts.values(), default=0)

    def explain(self) -> Phrase:
        present = self.majority is Majority.PRESENT
        params = {"count": self.top, "cast": self.cast, "voters": self.voters, "needed": self.needed}
        if self.outcome is Outcome.DECIDED:
            return Phrase(N_("Decided: {count} of the {voters} members present voted for it, a majority of the "
                              "members present (§18).") if present else
                           N_("Decided by a majority of the votes cast: {count} of {cast} (§18)."), params)
        if self.outcome is Outcome.CHAIR_DECIDED:
            return Phrase(N_("The votes were split evenly, {count} to {count}; the chair's vote decided (§18)."),
                           params)
        if self.outcome is Outcome.NO_VOTES:
            return Phrase(N_("No votes have been cast."))
        if self.outcome is Outcome.TIE:
            return Phrase(N_("The votes are split evenly and the chair has not voted for either side: the members "
                              "vote again."))
        return Phrase(N_("No decision: the most votes for one choice are {count}, and a majority of the {voters} "
                          "members present is {needed}. The members can change their votes; then close the vote "
                          "again.") if present else
                       N_("No decision: the most votes for one choice are {count} of the {cast} votes cast, and a "
                          "majority is {needed}. The members can change their votes; then close the vote again."),
                       params)


def tally(votes: Mapping[int, Choice], chair: int | None, voters: int,
          majority: Majority = Majority.PRESENT) -> Tally:
    """The result of the votes (member id -> choice) of `voters` members present who may vote (§18).

    A choice decides with more than half of the base (the members present, or the votes cast). When
    exactly two choices share the base half and half, the chair's vote decides (§18), if the chair voted
    for one of them.
    """
    counts = Counter(votes.values())
    cast = sum(counts.values())
    if cast > voters:
        raise ValueError(f"{cast} votes from {voters} voters")
    result = Tally(Outcome.NO_VOTES, None, dict(counts), cast, voters, majority)
    if not cast:
        return result
    top = result.top
    leaders = [choice for choice, n in counts.items() if n == top]
    if top * 2 > result.base:
        return Tally(Outcome.DECIDED, leaders[0], dict(counts), cast, voters, majority)
    if len(leaders) == 2 and top * 2 == result.base:
        chair_choice = votes.get(chair) if chair is not None else None
        if chair_choice in leaders:
            return Tally(Outcome.CHAIR_DECIDED, chair_choice, dict(counts), cast, voters, majority)
        return Tally(Outcome.TIE, None, dict(counts), cast, voters, majority)
    return Tally(Outcome.NO_MAJORITY, None, dict(counts), cast, voters, majority)


def decision_basis(outcome: Outcome, count: int, cast: int, voters: int, majority: Majority) -> Phrase:
    """What a recorded decision rests on, for the protocol and the extract (§18)."""
    params = {"count": count, "cast": cast, "voters": voters, "abstained": max(voters - cast, 0)}
    if outcome is Outcome.CHAIR_DECIDED:
        return Phrase(N_("The votes were split evenly, {count} to {count}, with {voters} members present voting; "
                          "the chair's vote decided (§18)."), params)
    if majority is Majority.PRESENT:
        return Phrase(N_("{count} of the {voters} members present voted for this decision; {abstained} abstained or "
                          "did not vote. A majority of the members present decides (§18)."), params)
    return Phrase(N_("{count} of the {cast} votes cast were for this decision ({voters} members present, {abstained} "
                      "abstained). A majority of the votes cast decides (§18)."), params)


# --- who votes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voter:
    """A person pressing a vote button, as the server sees them (never as the button says)."""

    user_id: int
    is_member: bool
    is_secretary: bool
    is_present: bool
    is_candidates_head: bool = False


def vote_objection(voter: Voter, candidate_user_id: int | None) -> Phrase | None:
    """Why this person may not vote on this candidate, or None (§17, §18)."""
    if voter.is_secretary:
        return Phrase(N_("The secretary is not a member of the commission and does not vote (§17)."))
    if not voter.is_member:
        return Phrase(N_("Only members of this commission vote on its candidates."))
    if voter.user_id == candidate_user_id:
        return Phrase(N_("You cannot vote on your own attestation."))
    if voter.is_candidates_head:
        return Phrase(N_("You are the candidate's head: you cannot vote on them."))
    if not voter.is_present:
        return Phrase(N_("Mark yourself present at the session before voting."))
    return None


# --- conflict of interest ---------------------------------------------------------------------------
#
# *Interpretation*: §15 keeps a person under attestation off a commission and §18 has members decide on
# others; the bot reads both as one rule of impartiality. A commission "holds" an application from the
# moment it is routed there until the session that decides it is closed (accepted, refused or decided by
# another commission ends it). While it does, the applicant cannot be that commission's secretary, a
# member or its chair, and nobody acts on their own application in any role.


class CommissionRole(StrEnum):
    MEMBER = "member"
    SECRETARY = "secretary"
    CHAIR = "chair"


ROLE_CONFLICTS: dict[CommissionRole, str] = {
    CommissionRole.MEMBER: N_("Your own attestation application is with this commission: you cannot be its member "
                              "(conflict of interest)."),
    CommissionRole.SECRETARY: N_("Your own attestation application is with this commission: you cannot be its "
                                 "secretary (conflict of interest)."),
    CommissionRole.CHAIR: N_("{name}'s own attestation application is with this commission: they cannot be its "
                             "chair (conflict of interest)."),
}

OWN_APPLICATION = N_("This is your own application: you cannot review it, accept or refuse it, put it on a session "
                     "or decide on it (conflict of interest). Tell the administrator: someone else has to act on it.")


def role_conflict(role: CommissionRole, holds_own_application: bool, name: str = "") -> Phrase | None:
    """Why this person cannot take this role in a commission that holds their application, or None."""
    if not holds_own_application:
        return None
    return Phrase(ROLE_CONFLICTS[role], {"name": name} if role is CommissionRole.CHAIR else {})


def own_application_objection(actor_user_id: int, applicant_user_id: int | None) -> Phrase | None:
    """Why this person may not act on this application (it is their own), or None."""
    if applicant_user_id is not None and actor_user_id == applicant_user_id:
        return Phrase(OWN_APPLICATION)
    return None


def is_candidates_head(member_role: str | None, member_org: Area, candidate_org: Area) -> bool:
    """The member heads the candidate's own organisation (by the two profiles)."""
    if member_role not in (Role.HEAD.value, Role.CABINET_HEAD.value):
        return False
    return (_same(member_org.organisation, candidate_org.organisation)
            and _same(member_org.region, candidate_org.region)
            and (member_org.area_code is None or candidate_org.area_code is None
                 or member_org.area_code == candidate_org.area_code))


# --- protocol groups -------------------------------------------------------------------------------


class ProtocolGroup(StrEnum):
    """The tables of App 2 (teachers) and App 12 (heads and deputies)."""

    MATCHES_CLAIMED = "matches_claimed"
    NOT_MATCHING_CLAIMED = "not_matching_claimed"
    MATCHES_CURRENT = "matches_current"
    LOWER_THAN_CURRENT = "lower_than_current"
    LEADER_MATCHES = "leader_matches"
    LEADER_NOT_MATCHING = "leader_not_matching"

    @property
    def label(self) -> str:
        return PROTOCOL_GROUP_LABELS[self]


PROTOCOL_GROUP_LABELS: dict[ProtocolGroup, str] = {
    ProtocolGroup.MATCHES_CLAIMED: N_("Matches the claimed category"),
    ProtocolGroup.NOT_MATCHING_CLAIMED: N_("Does not match the claimed category"),
    ProtocolGroup.MATCHES_CURRENT: N_("Matches the current category"),
    ProtocolGroup.LOWER_THAN_CURRENT: N_("Matches a category lower than the current one"),
    ProtocolGroup.LEADER_MATCHES: N_(
        "1) matches: the claimed category (the position held); a category lower than the claimed one"
    ),
    ProtocolGroup.LEADER_NOT_MATCHING: N_("2) does not match the claimed category (the position held)"),
}
TEACHER_GROUPS = (ProtocolGroup.MATCHES_CLAIMED, ProtocolGroup.NOT_MATCHING_CLAIMED,
                  ProtocolGroup.MATCHES_CURRENT, ProtocolGroup.LOWER_THAN_CURRENT)
LEADER_GROUPS = (ProtocolGroup.LEADER_MATCHES, ProtocolGroup.LEADER_NOT_MATCHING)


def protocol_group(decision: Decision, leader: bool) -> ProtocolGroup:
    if leader:
        return ProtocolGroup.LEADER_NOT_MATCHING if decision is Decision.NOT_MATCHING else ProtocolGroup.LEADER_MATCHES
    return {
        Decision.MATCHES_CLAIMED: ProtocolGroup.MATCHES_CLAIMED,
        Decision.MATCHES_CURRENT: ProtocolGroup.MATCHES_CURRENT,
        Decision.LOWER_THAN_CURRENT: ProtocolGroup.LOWER_THAN_CURRENT,
        Decision.LOWER_THAN_CLAIMED: ProtocolGroup.LOWER_THAN_CURRENT,
        Decision.NOT_MATCHING: ProtocolGroup.NOT_MATCHING_CLAIMED,
    }[decision]


def needs_reason(group: ProtocolGroup) -> bool:
    """App 2's "does not match the claimed category" table has a Reason column the secretary fills in."""
    return group is ProtocolGroup.NOT_MATCHING_CLAIMED


def is_leader_category(category: Category) -> bool:
    return category in HEAD_LADDER or category in DEPUTY_LADDER



# --- review of applications -----------------------------------------------------------------------


class RefusalGround(StrEnum):
    """Grounds for refusing the service (App 4 item 9)."""

    UNRELIABLE = "unreliable"
    NOT_MEETING_REQUIREMENTS = "requirements"
    NO_CONSENT = "consent"

    @property
    def label(self) -> str:
        return REFUSAL_GROUND_LABELS[self]


REFUSAL_GROUND_LABELS: dict[RefusalGround, str] = {
    RefusalGround.UNRELIABLE: N_("the documents or the data in them were found to be unreliable (App 4, item 9, 1)"),
    RefusalGround.NOT_MEETING_REQUIREMENTS: N_(
        "the materials, data and information submitted do not meet the requirements (App 4, item 9, 2)"
    ),
    RefusalGround.NO_CONSENT: N_("no consent to access personal data of limited access (App 4, item 9, 3)"),
}


def invite_days(rules: Rules | None = None) -> int:
    """How long an invite link stays valid (*assumed*, rules.toml [commission])."""
    return int((rules or default_rules()).commission.get("invite_days", 7))
