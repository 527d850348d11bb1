"""Commission rules: validity, members, term, routing, decisions, tally, who votes (§13–§19, §46)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.categories import Category, CommissionLevel, Role, Subordination
from scoring.commission import (
    Area,
    Candidate,
    Choice,
    CommissionRef,
    Composition,
    Decision,
    Majority,
    MemberRole,
    Outcome,
    ProtocolGroup,
    Voter,
    category_options,
    chair_elected,
    covers,
    decision_assigns,
    decisions_for,
    has_quorum,
    in_term,
    is_candidates_head,
    is_valid,
    majority_rule,
    member_objections,
    missing,
    not_matching_assigns,
    opening_objection,
    order_date_objection,
    protocol_group,
    quorum,
    route,
    session_date_objection,
    sitting_objection,
    tally,
    term_end,
    valid_choice,
    vote_objection,
)
from scoring.config import Rules

ORDER = date(2026, 9, 1)
TODAY = date(2026, 10, 1)


def comp(n: int, chair: int | None = 1, secretary: int | None = 100, today: date = TODAY) -> Composition:
    return Composition(frozenset(range(1, n + 1)), chair, secretary, ORDER, today)


def texts(messages: list) -> list[str]:
    return [m.render() for m in messages]


# --- quorum and validity ----------------------------------------------------------------------------

@pytest.mark.parametrize(("members", "needed"), [(7, 5), (9, 6), (11, 8), (3, 2), (12, 8)])
def test_quorum_is_two_thirds_rounded_up(members: int, needed: int) -> None:
    assert quorum(members) == needed


def test_has_quorum_boundaries() -> None:
    assert has_quorum(5, 7) and not has_quorum(4, 7)
    assert not has_quorum(0, 0)


def test_valid_commission_has_nothing_missing() -> None:
    assert missing(comp(7)) == [] and is_valid(comp(7))
    assert is_valid(comp(9))


def test_too_few_members() -> None:
    out = texts(missing(comp(5)))
    assert any("at least 7" in t for t in out)


def test_even_number_of_members() -> None:
    out = texts(missing(comp(8)))
    assert out == ["Members: 8; the number of members must be odd (§17)."]


def test_six_members_reports_both_count_problems() -> None:
    assert len(missing(comp(6))) == 2


def test_no_chair_and_chair_not_member() -> None:
    assert any("No chair" in t for t in texts(missing(comp(7, chair=None))))
    assert any("chair is not a member" in t for t in texts(missing(comp(7, chair=55))))


def test_secretary_missing_or_member() -> None:
    assert any("No secretary" in t for t in texts(missing(comp(7, secretary=None))))
    assert any("must not be a member" in t for t in texts(missing(comp(7, secretary=3))))


def test_term_is_one_year_from_the_order() -> None:
    assert term_end(ORDER) == date(2027, 9, 1)
    assert in_term(ORDER, date(2027, 9, 1)) and not in_term(ORDER, date(2027, 9, 2))
    assert any("term ended" in t for t in texts(missing(comp(7, today=date(2027, 9, 2)))))
    assert any("has not begun" in t for t in texts(missing(comp(7, today=date(2026, 8, 31)))))


# --- members --------------------------------------------------------------------------------------

TERM_LAST = term_end(ORDER)


def test_teacher_member_eligible() -> None:
    person = Candidate(MemberRole.TEACHER, 12, Category.EXPERT, date(2029, 5, 1))
    assert member_objections(person, TERM_LAST) == []


def test_teacher_member_needs_ten_years() -> None:
    person = Candidate(MemberRole.TEACHER, 9, Category.MASTER, date(2030, 1, 1))
    out = texts(member_objections(person, TERM_LAST))
    assert len(out) == 1 and "at least 10 years" in out[0]


@pytest.mark.parametrize("category", [Category.MODERATOR, Category.TEACHER, None])
def test_teacher_member_needs_expert_or_higher(category: Category | None) -> None:
    person = Candidate(MemberRole.TEACHER, 20, category, date(2030, 1, 1))
    assert any("pedagogue-expert" in t for t in texts(member_objections(person, TERM_LAST)))


def test_member_under_attestation_during_term() -> None:
    expiring = Candidate(MemberRole.TEACHER, 20, Category.RESEARCHER, date(2027, 3, 1))
    assert any("§15" in t for t in texts(member_objections(expiring, TERM_LAST)))
    applying = Candidate(MemberRole.TEACHER, 20, Category.RESEARCHER, date(2030, 3, 1), has_active_application=True)
    assert any("§15" in t for t in texts(member_objections(applying, TERM_LAST)))


def test_other_roles_have_no_experience_rule() -> None:
    assert member_objections(Candidate(MemberRole.NGO), TERM_LAST) == []
    assert member_objections(Candidate(MemberRole.METHODIST, 2, Category.MODERATOR, date(2030, 1, 1)), TERM_LAST) == []


def test_chair_election_needs_majority_of_all_members() -> None:
    members = range(1, 8)
    assert chair_elected({1: 3, 2: 3, 4: 3}, members) is None  # 3 of 7
    assert chair_elected({1: 3, 2: 3, 4: 3, 5: 3}, members) == 3
    assert chair_elected({1: 3, 2: 3, 4: 3, 99: 3}, members) is None  # non-member votes do not count
    assert chair_elected({1: 50, 2: 50, 3: 50, 4: 50}, members) is None  # not a member


# --- routing --------------------------------------------------------------------------------------

TEMIRTAU, SARAN = "352410000", "352210000"  # KATO codes (scoring/data/areas.json)
WHERE = Area("karaganda", TEMIRTAU, "School No. 5")


def test_coverage_per_level() -> None:
    assert covers(CommissionLevel.MINISTRY, Area(), WHERE)
    assert covers(CommissionLevel.REGION, Area("karaganda"), WHERE)
    assert not covers(CommissionLevel.REGION, Area("astana"), WHERE)
    assert covers(CommissionLevel.DISTRICT, Area("karaganda", TEMIRTAU), WHERE)
    assert not covers(CommissionLevel.DISTRICT, Area("karaganda", SARAN), WHERE)
    assert covers(CommissionLevel.ORGANISATION, Area("karaganda", TEMIRTAU, "school no. 5"), WHERE)
    assert not covers(CommissionLevel.ORGANISATION, Area("karaganda", TEMIRTAU, "School No. 6"), WHERE)


def test_route_by_level_and_area() -> None:
    refs = [
        CommissionRef(1, CommissionLevel.ORGANISATION, Area("karaganda", TEMIRTAU, "School No. 5"), ORDER),
        CommissionRef(2, CommissionLevel.DISTRICT, Area("karaganda", TEMIRTAU), ORDER),
        CommissionRef(3, CommissionLevel.REGION, Area("karaganda"), ORDER),
        CommissionRef(4, CommissionLevel.DISTRICT, Area("karaganda", SARAN), ORDER),
        CommissionRef(5, CommissionLevel.MINISTRY, Area(), ORDER),
    ]
    def pick(claimed: Category, role: Role = Role.TEACHER, sub: Subordination = Subordination.LOCAL) -> int | None:
        found = route(refs, claimed, role, WHERE, TODAY, sub)
        return found.id if found else None

    assert pick(Category.MODERATOR) == 1
    assert pick(Category.EXPERT) == 2
    assert pick(Category.RESEARCHER) == 3
    assert pick(Category.MASTER) == 5
    assert pick(Category.HEAD_2, Role.HEAD) == 2
    assert pick(Category.HEAD_1, Role.HEAD) == 3
    assert pick(Category.EXPERT, sub=Subordination.REGIONAL) == 3


def test_route_skips_expired_commission_and_reports_none() -> None:
    old = [CommissionRef(1, CommissionLevel.DISTRICT, Area("karaganda", TEMIRTAU), date(2025, 1, 1))]
    assert route(old, Category.EXPERT, Role.TEACHER, WHERE, TODAY) is None


# --- decisions --------------------------------------------------------------------------------------

def test_teacher_decisions_section_19() -> None:
    assert decisions_for(Role.TEACHER, Category.EXPERT) == (
        Decision.MATCHES_CLAIMED, Decision.MATCHES_CURRENT, Decision.LOWER_THAN_CURRENT)
    # Nothing to confirm or lower: only the claim or "does not match" (App 2's second table).
    assert decisions_for(Role.TEACHER, None) == (Decision.MATCHES_CLAIMED, Decision.NOT_MATCHING)
    # A "pedagogue" cannot be lowered to trainee.
    assert Decision.LOWER_THAN_CURRENT not in decisions_for(Role.TEACHER, Category.TEACHER)


def test_leader_decisions_section_46() -> None:
    assert decisions_for(Role.HEAD, Category.HEAD_3) == (
        Decision.MATCHES_CLAIMED, Decision.MATCHES_CURRENT, Decision.LOWER_THAN_CLAIMED, Decision.NOT_MATCHING)


def test_category_options() -> None:
    assert category_options(Decision.MATCHES_CLAIMED, Role.TEACHER, Category.RESEARCHER, Category.EXPERT) == (
        Category.RESEARCHER,)
    assert category_options(Decision.MATCHES_CURRENT, Role.TEACHER, Category.RESEARCHER, Category.EXPERT) == (
        Category.EXPERT,)
    assert category_options(Decision.LOWER_THAN_CURRENT, Role.TEACHER, Category.RESEARCHER, Category.EXPERT) == (
        Category.MODERATOR, Category.TEACHER)
    assert category_options(Decision.LOWER_THAN_CLAIMED, Role.HEAD, Category.HEAD_1, None) == (
        Category.HEAD_2, Category.HEAD_3)
    assert category_options(Decision.NOT_MATCHING, Role.HEAD, Category.HEAD_1, Category.HEAD_2) == ()


def test_valid_choice_rejects_forged_categories() -> None:
    assert valid_choice(Choice(Decision.MATCHES_CLAIMED, Category.RESEARCHER), Role.TEACHER,
                        Category.RESEARCHER, Category.EXPERT)
    assert not valid_choice(Choice(Decision.MATCHES_CLAIMED, Category.MASTER), Role.TEACHER,
                            Category.RESEARCHER, Category.EXPERT)
    assert not valid_choice(Choice(Decision.NOT_MATCHING, None), Role.TEACHER, Category.RESEARCHER, Category.EXPERT)
    assert valid_choice(Choice(Decision.NOT_MATCHING, None), Role.HEAD, Category.HEAD_1, Category.HEAD_2)
    assert not valid_choice(Choice(Decision.NOT_MATCHING, Category.HEAD_2), Role.HEAD, Category.HEAD_1,
                            Category.HEAD_2)


def test_par32_not_matching_assigns_pedagogue_to_a_failed_moderator_claim() -> None:
    """§32: a teacher without a category who claims moderator and does not pass gets "pedagogue", and App 2's
    "does not match" table has the column for it; the vote's decision gives what scoring.testrule gives."""
    assert not_matching_assigns(Role.TEACHER, Category.MODERATOR, None) is Category.TEACHER
    assert not_matching_assigns(Role.TEACHER, Category.MODERATOR, Category.TRAINEE) is Category.TEACHER
    assert decision_assigns(Choice(Decision.NOT_MATCHING, None), Role.TEACHER, Category.MODERATOR,
                            None) is Category.TEACHER
    # The vote itself still carries no category: the decision names it.
    assert valid_choice(Choice(Decision.NOT_MATCHING, None), Role.TEACHER, Category.MODERATOR, None)


def test_par32_not_matching_agrees_with_the_test_rule() -> None:
    """§32 (and §30): for every portfolio and test result, "does not match" gives testrule's category."""
    from scoring.testrule import Decision as TestDecision
    from scoring.testrule import final_category

    below = {Category.MODERATOR: (None, Category.TEACHER), Category.EXPERT: (None, Category.MODERATOR),
             Category.RESEARCHER: (None, Category.MODERATOR, Category.EXPERT)}
    for claimed, portfolios in below.items():
        for portfolio in portfolios:
            for test in (None, 0, 49, 50, 60, 65, 70, 85, 100):
                expected = final_category(claimed, portfolio, test, TestDecision.ASSIGNMENT).category
                got = not_matching_assigns(Role.TEACHER, claimed, None, portfolio, test)
                assert got == expected, (claimed, portfolio, test)
                if claimed is Category.MODERATOR:
                    assert got is Category.TEACHER


def test_par32_not_matching_never_assigns_the_claim_itself() -> None:
    """§32: the commission found the portfolio below the claim, so a self-assessment that reached it counts as
    the category below; the test decides from there."""
    assert not_matching_assigns(Role.TEACHER, Category.EXPERT, None, Category.MASTER, 95) is Category.MODERATOR
    assert not_matching_assigns(Role.TEACHER, Category.MODERATOR, None, Category.EXPERT, 95) is Category.TEACHER


def test_par42_par47_not_matching_keeps_the_current_category() -> None:
    """§42 (early attestation) and §47 (heads and deputies): "does not match" keeps the current category and
    assigns none; a pedagogue claim has nothing below it to assign."""
    assert not_matching_assigns(Role.TEACHER, Category.EXPERT, Category.MODERATOR) is None
    assert not_matching_assigns(Role.METHODIST, Category.MODERATOR, Category.TEACHER) is None
    assert not_matching_assigns(Role.HEAD, Category.HEAD_1, None) is None
    assert not_matching_assigns(Role.DEPUTY, Category.DEPUTY_2, Category.DEPUTY_3) is None
    assert not_matching_assigns(Role.TEACHER, Category.TEACHER, None) is None
    assert decision_assigns(Choice(Decision.NOT_MATCHING, None), Role.HEAD, Category.HEAD_1,
                            Category.HEAD_2) is None
    assert decision_assigns(Choice(Decision.MATCHES_CURRENT, Category.EXPERT), Role.TEACHER, Category.RESEARCHER,
                            Category.EXPERT) is Category.EXPERT


def test_par49_matches_current_for_a_deputy_who_became_head() -> None:
    """§49: a deputy-1 appointed head holds head-1, so "matches the current category" confirms head-1."""
    assert category_options(Decision.MATCHES_CURRENT, Role.HEAD, Category.HEAD_1, Category.DEPUTY_1) == (
        Category.HEAD_1,)
    assert valid_choice(Choice(Decision.MATCHES_CURRENT, Category.DEPUTY_2), Role.DEPUTY, Category.DEPUTY_1,
                        Category.HEAD_2)
    assert not valid_choice(Choice(Decision.MATCHES_CURRENT, Category.DEPUTY_2), Role.DEPUTY, Category.DEPUTY_1,
                            Category.HEAD_3)
    # A teacher's category is no leader category: nothing current to confirm.
    assert category_options(Decision.MATCHES_CURRENT, Role.DEPUTY, Category.DEPUTY_1, Category.EXPERT) == ()


def test_protocol_groups() -> None:
    assert protocol_group(Decision.MATCHES_CLAIMED, leader=False) is ProtocolGroup.MATCHES_CLAIMED
    assert protocol_group(Decision.NOT_MATCHING, leader=False) is ProtocolGroup.NOT_MATCHING_CLAIMED
    assert protocol_group(Decision.LOWER_THAN_CURRENT, leader=False) is ProtocolGroup.LOWER_THAN_CURRENT
    assert protocol_group(Decision.LOWER_THAN_CLAIMED, leader=True) is ProtocolGroup.LEADER_MATCHES
    assert protocol_group(Decision.NOT_MATCHING, leader=True) is ProtocolGroup.LEADER_NOT_MATCHING


# --- tally --------------------------------------------------------------------------------------

A = Choice(Decision.MATCHES_CLAIMED, Category.RESEARCHER)
B = Choice(Decision.MATCHES_CURRENT, Category.EXPERT)
C = Choice(Decision.LOWER_THAN_CURRENT, Category.MODERATOR)


P, CAST = Majority.PRESENT, Majority.CAST


def test_two_votes_of_six_present_decide_nothing() -> None:
    """The reproduced defect: two members voted, four present did not; a majority of the present is 4."""
    result = tally({1: A, 2: A}, chair=1, voters=6, majority=P)
    assert result.outcome is Outcome.NO_MAJORITY and not result.decided and result.needed == 4
    # Recorded as abstaining, the same four still count against: nothing is decided by 2 of 6.
    assert "2" in result.explain().render() and "4" in result.explain().render()


def test_majority_of_the_members_present() -> None:
    result = tally({1: A, 2: A, 3: A, 4: A, 5: B}, chair=5, voters=6, majority=P)
    assert result.outcome is Outcome.DECIDED and result.choice == A and (result.cast, result.base) == (5, 6)
    assert tally({1: A, 2: A, 3: A, 4: B}, chair=1, voters=6, majority=P).outcome is Outcome.NO_MAJORITY


def test_majority_of_the_votes_cast_ignores_abstentions() -> None:
    result = tally({1: A, 2: A}, chair=1, voters=6, majority=CAST)
    assert result.outcome is Outcome.DECIDED and result.base == 2
    assert "2 of 2" in result.explain().render()


def test_even_split_is_decided_by_the_chair() -> None:
    result = tally({1: A, 2: A, 3: B, 4: B}, chair=3, voters=4, majority=P)
    assert result.outcome is Outcome.CHAIR_DECIDED and result.choice == B
    assert tally({1: A, 2: A, 3: B, 4: B}, chair=3, voters=6, majority=CAST).choice == B


def test_the_chair_does_not_turn_a_plurality_into_a_decision() -> None:
    # Two against two with two present not voting: the chair's side has 2 of 6, not a majority.
    assert tally({1: A, 2: A, 3: B, 4: B}, chair=1, voters=6, majority=P).outcome is Outcome.NO_MAJORITY
    # Two, two and one: the leaders have 2 of 5 each; an even split needs exactly two sides.
    assert tally({1: A, 2: A, 3: B, 4: B, 5: C}, chair=1, voters=5, majority=P).outcome is Outcome.NO_MAJORITY


def test_even_split_without_the_chairs_vote_is_unresolved() -> None:
    assert tally({1: A, 2: A, 3: B, 4: B}, chair=7, voters=4, majority=P).outcome is Outcome.TIE
    assert tally({1: A, 2: B}, chair=None, voters=2, majority=CAST).outcome is Outcome.TIE


def test_plurality_is_not_a_majority() -> None:
    result = tally({1: A, 2: A, 3: A, 4: B, 5: B, 6: C, 7: C}, chair=1, voters=7, majority=CAST)
    assert result.outcome is Outcome.NO_MAJORITY and not result.decided


def test_no_votes_and_more_votes_than_voters() -> None:
    assert tally({}, chair=1, voters=5).outcome is Outcome.NO_VOTES
    with pytest.raises(ValueError):
        tally({1: A, 2: A}, chair=1, voters=1)


def test_same_decision_with_different_category_are_different_choices() -> None:
    c1 = Choice(Decision.LOWER_THAN_CURRENT, Category.MODERATOR)
    c2 = Choice(Decision.LOWER_THAN_CURRENT, Category.TEACHER)
    assert tally({1: c1, 2: c2}, chair=2, voters=2).choice == c2


def test_explanations_render() -> None:
    assert "4 of the 6" in tally({1: A, 2: A, 3: A, 4: A, 5: B}, 1, 6).explain().render()
    assert "4 of 5" in tally({1: A, 2: A, 3: A, 4: A, 5: B}, 1, 6, CAST).explain().render()
    assert "chair" in tally({1: A, 2: B}, 1, 2).explain().render()


def test_majority_rule_is_read_from_the_rules() -> None:
    assert majority_rule() is Majority.PRESENT
    assert majority_rule(Rules({"voting": {"majority_of": "cast"}})) is Majority.CAST
    with pytest.raises(ValueError, match="majority_of"):
        majority_rule(Rules({"voting": {"majority_of": "everyone"}}))


# --- session dates ----------------------------------------------------------------------------------

def test_a_session_is_not_dated_in_the_past_or_before_a_registration() -> None:
    today = date(2026, 12, 2)
    assert session_date_objection(today, today, [date(2026, 12, 1)], ORDER) is None
    past = session_date_objection(date(2026, 12, 1), today, [], ORDER)
    assert past is not None and "01.12.2026" in past.render() and "past" in past.render()
    early = session_date_objection(date(2026, 12, 3), today, [date(2026, 12, 1), date(2026, 12, 4), None], ORDER)
    assert early is not None and "04.12.2026" in early.render()
    outside = session_date_objection(date(2027, 9, 3), today, [], ORDER)
    assert outside is not None and "§16" in outside.render()


def test_a_session_opens_and_sits_on_its_date() -> None:
    day = date(2026, 12, 2)
    assert opening_objection(day, day) is None and sitting_objection(day, day) is None
    before, after = opening_objection(day, date(2026, 12, 1)), opening_objection(day, date(2026, 12, 3))
    assert before is not None and "can be opened on that day" in before.render()
    assert after is not None and "has passed" in after.render()
    late = sitting_objection(day, date(2026, 12, 3))
    assert late is not None and "02.12.2026" in late.render()


def test_the_order_follows_the_decision() -> None:
    decided, today = date(2026, 12, 2), date(2026, 12, 10)
    assert order_date_objection(date(2026, 12, 5), decided, today) is None
    assert order_date_objection(decided, decided, today) is None
    early = order_date_objection(date(2026, 12, 1), decided, today)
    assert early is not None and "02.12.2026" in early.render()
    assert order_date_objection(date(2026, 12, 11), decided, today) is not None


# --- who votes --------------------------------------------------------------------------------------

def voter(**kw: bool) -> Voter:
    base = {"is_member": True, "is_secretary": False, "is_present": True, "is_candidates_head": False}
    base.update(kw)
    return Voter(user_id=10, **base)


def test_vote_objections() -> None:
    assert vote_objection(voter(), candidate_user_id=20) is None
    secretary = vote_objection(voter(is_secretary=True, is_member=False), 20)
    assert secretary is not None and "secretary" in secretary.render()
    outsider = vote_objection(voter(is_member=False), 20)
    assert outsider is not None and "Only members" in outsider.render()
    own = vote_objection(voter(), candidate_user_id=10)
    assert own is not None and "own attestation" in own.render()
    head = vote_objection(voter(is_candidates_head=True), 20)
    assert head is not None and "head" in head.render()
    absent = vote_objection(voter(is_present=False), 20)
    assert absent is not None and "present" in absent.render()


def test_candidates_head() -> None:
    org = Area("karaganda", TEMIRTAU, "School No. 5")
    assert is_candidates_head("head", org, Area("karaganda", TEMIRTAU, "school no. 5"))
    assert not is_candidates_head("deputy", org, org)
    assert not is_candidates_head("head", org, Area("karaganda", TEMIRTAU, "School No. 6"))
    assert not is_candidates_head(None, org, org)


# --- the tally as a property -------------------------------------------------------------------------

CHOICES = [A, B, C]


@given(st.integers(min_value=1, max_value=11).flatmap(lambda voters: st.tuples(
    st.just(voters),
    st.dictionaries(st.integers(min_value=1, max_value=voters), st.sampled_from(CHOICES), max_size=voters),
    st.integers(min_value=0, max_value=voters),
)), st.sampled_from(list(Majority)))
def test_a_decision_always_has_a_majority_or_the_chairs_casting_vote(case: tuple[int, dict[int, Choice], int],
                                                                     majority: Majority) -> None:
    voters, votes, chair = case
    result = tally(votes, chair or None, voters, majority)
    base = voters if majority is Majority.PRESENT else len(votes)
    if result.outcome is Outcome.DECIDED:
        assert result.choice is not None and result.counts[result.choice] * 2 > base
    elif result.outcome is Outcome.CHAIR_DECIDED:
        assert result.choice is not None and result.counts[result.choice] * 2 == base
        assert votes[chair] == result.choice and len(result.counts) == 2
    else:
        assert result.choice is None
