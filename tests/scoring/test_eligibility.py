from dataclasses import replace
from datetime import date

import pytest

from scoring.categories import (
    DEPUTY_LADDER,
    HEAD_LADDER,
    AttestationKind,
    Category,
    CommissionLevel,
    Education,
    OldCategory,
    OrgType,
    Role,
    Subordination,
)
from scoring.config import Rules, load_rules
from scoring.eligibility import (
    CERTIFICATES,
    CERTIFICATES_BY_ID,
    EARLY_REQUIREMENTS,
    POSTPONEMENT_GROUNDS,
    Channel,
    EligibilityReport,
    FindingKind,
    application_channel,
    assess,
    category_expiry,
    commission_level,
    relevant_questions,
)
from scoring.iin import check_digit
from scoring.profile import Profile

TODAY = date(2025, 10, 1)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def teacher(**changes: object) -> Profile:
    base = Profile(
        role=Role.TEACHER,
        org_type=OrgType.GENERAL_SECONDARY,
        current_category=Category.MODERATOR,
        category_valid_until=date(2027, 5, 31),
        experience_years=8,
        education=Education.HIGHER_PEDAGOGICAL,
        claimed=Category.EXPERT,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def leader(role: Role, current: Category | None, claimed: Category, **changes: object) -> Profile:
    return teacher(role=role, current_category=current, claimed=claimed, **changes)


def kinds(report: EligibilityReport, clause: str) -> list[FindingKind]:
    return [f.kind for f in report.findings if f.clause == clause]


def texts(report: EligibilityReport) -> str:
    return "\n".join(f.message.render() for f in report.findings)


# --- sequence (§31, §32) ---------------------------------------------------------------------------


def test_next_step_is_allowed(rules: Rules) -> None:
    report = assess(teacher(), TODAY, rules)
    assert report.allowed
    assert FindingKind.OK in kinds(report, "§31")
    assert "After pedagogue-moderator, pedagogue-expert is the next step." in texts(report)


def test_skipping_a_step_is_blocked(rules: Rules) -> None:
    report = assess(teacher(claimed=Category.RESEARCHER), TODAY, rules)
    assert not report.allowed
    blocker = report.blockers[0]
    assert blocker.clause == "§31"
    assert blocker.message.params["next"].text == Category.EXPERT.label


def test_same_level_is_a_confirmation(rules: Rules) -> None:
    report = assess(teacher(claimed=Category.MODERATOR), TODAY, rules)
    assert report.allowed
    assert "You are confirming your current category pedagogue-moderator." in texts(report)


def test_lower_than_current_is_blocked(rules: Rules) -> None:
    report = assess(teacher(current_category=Category.EXPERT, claimed=Category.MODERATOR), TODAY, rules)
    assert not report.allowed
    assert report.blockers[0].clause == "§31"


def test_trainee_is_not_claimed(rules: Rules) -> None:
    report = assess(teacher(claimed=Category.TRAINEE), TODAY, rules)
    assert not report.allowed
    assert report.commission is None


def test_trainee_goes_to_pedagogue(rules: Rules) -> None:
    profile = teacher(current_category=Category.TRAINEE, claimed=Category.TEACHER, category_valid_until=None)
    assert assess(profile, TODAY, rules).allowed
    profile = replace(profile, claimed=Category.MODERATOR)
    assert not assess(profile, TODAY, rules).allowed


@pytest.mark.parametrize("claimed", [Category.TEACHER, Category.MODERATOR])
def test_without_category_entry_levels_are_open(rules: Rules, claimed: Category) -> None:
    report = assess(teacher(current_category=None, category_valid_until=None, claimed=claimed), TODAY, rules)
    assert report.allowed
    assert FindingKind.INFO in kinds(report, "§32")


@pytest.mark.parametrize("claimed", [Category.EXPERT, Category.RESEARCHER, Category.MASTER])
def test_without_category_higher_levels_are_blocked(rules: Rules, claimed: Category) -> None:
    report = assess(teacher(current_category=None, category_valid_until=None, claimed=claimed), TODAY, rules)
    assert not report.allowed


@pytest.mark.parametrize(
    ("old", "claimed"),
    [
        (OldCategory.SECOND, Category.MODERATOR),
        (OldCategory.FIRST, Category.EXPERT),
        (OldCategory.HIGHEST, Category.RESEARCHER),
    ],
)
def test_old_category_opens_its_match(rules: Rules, old: OldCategory, claimed: Category) -> None:
    profile = teacher(current_category=None, category_valid_until=None, old_category=old, claimed=claimed)
    report = assess(profile, TODAY, rules)
    assert report.allowed
    assert kinds(report, "§32") == [FindingKind.OK]


def test_old_category_does_not_open_more(rules: Rules) -> None:
    profile = teacher(
        current_category=None,
        category_valid_until=None,
        old_category=OldCategory.FIRST,
        claimed=Category.RESEARCHER,
    )
    report = assess(profile, TODAY, rules)
    assert not report.allowed
    assert report.blockers[0].clause == "§32"


# --- leader ladders (§43, §44) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "claimed"),
    [
        (Role.TEACHER, Category.HEAD_2),
        (Role.HEAD, Category.DEPUTY_2),
        (Role.DEPUTY, Category.HEAD_3),
        (Role.HEAD, Category.EXPERT),
        (Role.METHODIST, Category.DEPUTY_1),
    ],
)
def test_ladder_must_match_role(rules: Rules, role: Role, claimed: Category) -> None:
    report = assess(leader(role, None, claimed, category_valid_until=None), TODAY, rules)
    assert not report.allowed
    assert report.blockers[0].message.params["claimed"].text == claimed.label


@pytest.mark.parametrize(("role", "ladder"), [(Role.HEAD, HEAD_LADDER), (Role.CABINET_DEPUTY, DEPUTY_LADDER)])
def test_first_leader_attestation_may_skip(rules: Rules, role: Role, ladder: tuple[Category, ...]) -> None:
    report = assess(leader(role, None, ladder[-1], category_valid_until=None), TODAY, rules)
    assert report.allowed
    assert kinds(report, "§44") == [FindingKind.OK]


def test_leader_with_teacher_category_is_at_first_attestation(rules: Rules) -> None:
    report = assess(leader(Role.DEPUTY, Category.EXPERT, Category.DEPUTY_1), TODAY, rules)
    assert report.allowed


def test_later_leader_attestation_goes_step_by_step(rules: Rules) -> None:
    profile = leader(Role.DEPUTY, Category.DEPUTY_3, Category.DEPUTY_1, category_valid_until=date(2028, 1, 1))
    report = assess(profile, TODAY, rules)
    assert not report.allowed
    assert report.blockers[0].clause == "§44"
    ok = replace(profile, claimed=Category.DEPUTY_2)
    assert assess(ok, TODAY, rules).allowed


def test_cabinet_leaders_are_told_about_methodist_route(rules: Rules) -> None:
    report = assess(leader(Role.CABINET_HEAD, None, Category.HEAD_3, category_valid_until=None), TODAY, rules)
    assert FindingKind.INFO in kinds(report, "§5")


# --- experience and education (§31, spec §1) -----------------------------------------------------


@pytest.mark.parametrize(
    ("claimed", "current", "needed"),
    [
        (Category.TEACHER, None, 1),
        (Category.MODERATOR, Category.TEACHER, 2),
        (Category.EXPERT, Category.MODERATOR, 3),
        (Category.RESEARCHER, Category.EXPERT, 5),
        (Category.MASTER, Category.RESEARCHER, 6),
    ],
)
def test_minimum_experience(rules: Rules, claimed: Category, current: Category | None, needed: int) -> None:
    enough = teacher(claimed=claimed, current_category=current, experience_years=needed)
    assert assess(enough, TODAY, rules).allowed
    short = replace(enough, experience_years=needed - 1)
    report = assess(short, TODAY, rules)
    assert not report.allowed
    assert report.blockers[0].message.params == {
        "claimed": report.blockers[0].message.params["claimed"],
        "needed": needed,
        "years": needed - 1,
    }


@pytest.mark.parametrize(
    ("claimed", "current", "education", "allowed"),
    [
        (Category.EXPERT, Category.MODERATOR, Education.VOCATIONAL, True),
        (Category.RESEARCHER, Category.EXPERT, Education.VOCATIONAL, False),
        (Category.RESEARCHER, Category.EXPERT, Education.HIGHER_OTHER, True),
        (Category.MASTER, Category.RESEARCHER, Education.HIGHER_OTHER, False),
        (Category.MASTER, Category.RESEARCHER, Education.POSTGRADUATE_OTHER, False),
        (Category.MASTER, Category.RESEARCHER, Education.POSTGRADUATE_PEDAGOGICAL, True),
    ],
)
def test_education(
    rules: Rules, claimed: Category, current: Category, education: Education, allowed: bool
) -> None:
    report = assess(teacher(claimed=claimed, current_category=current, education=education), TODAY, rules)
    assert report.allowed is allowed


def test_non_pedagogical_education_needs_retraining(rules: Rules) -> None:
    report = assess(teacher(education=Education.HIGHER_OTHER), TODAY, rules)
    assert report.allowed
    assert FindingKind.WARNING in kinds(report, "§31")


# --- early attestation (§42, §47) ------------------------------------------------------------------


def early(claimed: Category, current: Category, met: int, last: date = date(2023, 5, 1)) -> Profile:
    ids = frozenset(r.id for r in EARLY_REQUIREMENTS[claimed][:met])
    return teacher(
        kind=AttestationKind.EARLY,
        claimed=claimed,
        current_category=current,
        last_attestation=last,
        early_requirements=ids,
    )


def test_early_requirement_lists_match_section_42() -> None:
    assert {c: len(r) for c, r in EARLY_REQUIREMENTS.items()} == {
        Category.EXPERT: 8,
        Category.RESEARCHER: 7,
        Category.MASTER: 7,
    }
    for requirements in EARLY_REQUIREMENTS.values():
        ids = [r.id for r in requirements]
        assert len(ids) == len(set(ids))
        assert all(r.label.text for r in requirements)


@pytest.mark.parametrize(
    ("claimed", "current", "required"),
    [
        (Category.EXPERT, Category.MODERATOR, 4),
        (Category.RESEARCHER, Category.EXPERT, 5),
        (Category.MASTER, Category.RESEARCHER, 6),
    ],
)
def test_early_needs_enough_requirements(
    rules: Rules, claimed: Category, current: Category, required: int
) -> None:
    assert assess(early(claimed, current, required), TODAY, rules).allowed
    report = assess(early(claimed, current, required - 1), TODAY, rules)
    assert not report.allowed
    assert report.blockers[0].message.params["met"] == required - 1
    assert report.blockers[0].message.params["required"] == required


def test_early_ignores_ids_of_other_lists(rules: Rules) -> None:
    profile = replace(
        early(Category.EXPERT, Category.MODERATOR, 3),
        early_requirements=frozenset(
            {r.id for r in EARLY_REQUIREMENTS[Category.EXPERT][:3]} | {"degree_5y", "unknown"}
        ),
    )
    assert not assess(profile, TODAY, rules).allowed


def test_early_too_soon(rules: Rules) -> None:
    report = assess(early(Category.EXPERT, Category.MODERATOR, 8, last=date(2024, 3, 1)), TODAY, rules)
    assert not report.allowed
    assert report.blockers[0].message.params["date"] == "01.03.2026"


def test_early_exactly_two_years_after(rules: Rules) -> None:
    assert assess(early(Category.EXPERT, Category.MODERATOR, 4, last=date(2023, 10, 1)), TODAY, rules).allowed


def test_early_count_comes_from_rules() -> None:
    rules = load_rules()
    stricter = Rules(
        {**rules.raw, "early": {**rules.early, "required": {**rules.early["required"], "expert": 5}}}
    )
    assert not assess(early(Category.EXPERT, Category.MODERATOR, 4), TODAY, stricter).allowed


def test_early_without_last_date_warns(rules: Rules) -> None:
    report = assess(
        replace(early(Category.EXPERT, Category.MODERATOR, 4), last_attestation=None), TODAY, rules
    )
    assert report.allowed
    assert FindingKind.WARNING in kinds(report, "§42")


@pytest.mark.parametrize(
    ("claimed", "current"),
    [(Category.MODERATOR, Category.TEACHER), (Category.EXPERT, Category.EXPERT)],
)
def test_early_only_for_higher_categories(rules: Rules, claimed: Category, current: Category) -> None:
    profile = teacher(
        kind=AttestationKind.EARLY,
        claimed=claimed,
        current_category=current,
        last_attestation=date(2020, 1, 1),
    )
    report = assess(profile, TODAY, rules)
    assert not report.allowed
    assert "§42" in [f.clause for f in report.blockers]


def test_early_for_leaders_needs_two_years(rules: Rules) -> None:
    profile = leader(
        Role.HEAD,
        Category.HEAD_3,
        Category.HEAD_2,
        kind=AttestationKind.EARLY,
        last_attestation=date(2024, 6, 1),
        category_valid_until=date(2027, 6, 1),
    )
    report = assess(profile, TODAY, rules)
    assert [f.clause for f in report.blockers] == ["§47"]
    assert assess(replace(profile, last_attestation=date(2023, 6, 1)), TODAY, rules).allowed


# --- exemption near retirement (§35) --------------------------------------------------------------


def test_exempt_with_fewer_than_four_years_to_retirement(rules: Rules) -> None:
    # A man turns 63 on 2 Oct 2028: 3 years and a day after TODAY.
    report = assess(teacher(), TODAY, rules, birth_date=date(1965, 10, 2), sex="male")
    assert report.exempt
    assert report.allowed
    assert FindingKind.INFO in kinds(report, "§35")


def test_not_exempt_with_exactly_four_years_left(rules: Rules) -> None:
    report = assess(teacher(), TODAY, rules, birth_date=date(1966, 10, 1), sex="male")
    assert not report.exempt
    assert kinds(report, "§35") == []


def test_women_retire_earlier(rules: Rules) -> None:
    # Born 1 Jun 1967: a woman reaches 61 in 2028 (exempt), a man 63 in 2030 (more than 4 years away).
    assert assess(teacher(), TODAY, rules, birth_date=date(1967, 6, 1), sex="female").exempt
    assert not assess(teacher(), TODAY, rules, birth_date=date(1967, 6, 1), sex="male").exempt


def test_working_pensioner_is_not_exempt(rules: Rules) -> None:
    report = assess(teacher(), TODAY, rules, birth_date=date(1960, 1, 1), sex="male")
    assert not report.exempt
    assert kinds(report, "§35") == [FindingKind.INFO]


def test_exemption_reads_iin_when_no_birth_date_given(rules: Rules) -> None:
    # 2 Oct 1965, digit 7 = 3: a man born in the 1900s, 63 on 2 Oct 2028.
    first_eleven = next(p for p in (f"6510023{n:04d}" for n in range(100)) if check_digit(p) is not None)
    iin = first_eleven + str(check_digit(first_eleven))
    assert assess(teacher(iin=iin), TODAY, rules).exempt
    # A woman born 2 Oct 1963 (digit 7 = 4) turned 61 in 2024: a working pensioner, not exempt.
    first_eleven = next(p for p in (f"6310024{n:04d}" for n in range(100)) if check_digit(p) is not None)
    iin = first_eleven + str(check_digit(first_eleven))
    assert not assess(teacher(iin=iin), TODAY, rules).exempt


def test_retirement_ages_come_from_rules() -> None:
    rules = load_rules()
    later = Rules({**rules.raw, "retirement": {**rules.retirement, "age_men": 65}})
    assert not assess(teacher(), TODAY, later, birth_date=date(1965, 10, 2), sex="male").exempt


# --- expiry (§3, §43) -----------------------------------------------------------------------------------


def test_teacher_category_expiry_info(rules: Rules) -> None:
    report = assess(teacher(category_valid_until=date(2027, 5, 31)), TODAY, rules)
    assert report.category_expires == date(2027, 5, 31)
    assert report.apply_by is None
    assert kinds(report, "§3") == [FindingKind.INFO]


def test_expired_category_warns(rules: Rules) -> None:
    report = assess(teacher(category_valid_until=date(2025, 5, 31)), TODAY, rules)
    assert kinds(report, "§3") == [FindingKind.WARNING]


def test_expiry_soon_mentions_postponement(rules: Rules) -> None:
    report = assess(teacher(category_valid_until=date(2026, 5, 31)), TODAY, rules)
    assert kinds(report, "§34") == [FindingKind.INFO]


def test_expiry_estimated_from_last_attestation() -> None:
    assert category_expiry(Category.EXPERT, date(2021, 6, 1)) == date(2026, 6, 1)
    assert category_expiry(Category.DEPUTY_2, date(2021, 6, 1)) == date(2026, 6, 1)
    assert category_expiry(Category.HEAD_2, date(2021, 6, 1)) == date(2024, 6, 1)


def test_every_head_category_is_valid_three_years_and_every_deputy_category_five() -> None:
    # §43: "бірінші басшы" is the head as opposed to the deputies, not the 1st-category head only.
    awarded = date(2021, 6, 1)
    for category in HEAD_LADDER:
        assert category_expiry(category, awarded) == date(2024, 6, 1), category
    for category in DEPUTY_LADDER:
        assert category_expiry(category, awarded) == date(2026, 6, 1), category


def test_head_applies_six_months_before_expiry(rules: Rules) -> None:
    profile = leader(Role.HEAD, Category.HEAD_2, Category.HEAD_2, category_valid_until=date(2026, 8, 31))
    report = assess(profile, TODAY, rules)
    assert report.apply_by == date(2026, 2, 28)
    assert kinds(report, "§43") == [FindingKind.INFO]


def test_head_past_the_six_month_mark_is_warned(rules: Rules) -> None:
    profile = leader(Role.HEAD, Category.HEAD_2, Category.HEAD_2, category_valid_until=date(2026, 3, 1))
    report = assess(profile, TODAY, rules)
    assert report.apply_by == date(2025, 9, 1)
    assert kinds(report, "§43") == [FindingKind.WARNING]
    assert report.allowed


def test_head_category_estimated_for_three_years(rules: Rules) -> None:
    profile = leader(
        Role.HEAD,
        Category.HEAD_1,
        Category.HEAD_1,
        category_valid_until=None,
        last_attestation=date(2023, 1, 10),
    )
    assert assess(profile, TODAY, rules).category_expires == date(2026, 1, 10)


# --- certificates and no-attestation routes (§6–§9) -----------------------------------------------


def test_certificate_ids_unique_and_categories_on_teacher_ladder() -> None:
    assert len(CERTIFICATES_BY_ID) == len(CERTIFICATES)
    allowed = {Category.MODERATOR, Category.EXPERT, Category.RESEARCHER, Category.MASTER}
    assert all(c.opens and c.opens <= allowed for c in CERTIFICATES)


def test_certificate_listed_under_two_categories_opens_both() -> None:
    assert CERTIFICATES_BY_ID["ielts_6_5"].opens == {Category.MODERATOR, Category.EXPERT}
    assert {Category.RESEARCHER, Category.MASTER} <= CERTIFICATES_BY_ID["tkt_clil"].opens


def test_certificate_exempts_from_test_not_attestation(rules: Rules) -> None:
    report = assess(teacher(certificates=frozenset({"ielts_6_5"})), TODAY, rules)
    assert report.test_exempt
    assert report.allowed
    assert kinds(report, "§8")[0] is FindingKind.OK


def test_certificate_for_other_category_does_not_exempt(rules: Rules) -> None:
    report = assess(teacher(certificates=frozenset({"toefl_79_84"})), TODAY, rules)
    assert not report.test_exempt
    assert "TOEFL iBT 79–84 replaces the test only for pedagogue-moderator." in texts(report)


def test_native_certificate_section_9(rules: Rules) -> None:
    report = assess(teacher(certificates=frozenset({"native_c1"})), TODAY, rules)
    assert report.test_exempt
    assert FindingKind.OK in kinds(report, "§9")


def test_celta_is_a_route_without_attestation(rules: Rules) -> None:
    report = assess(teacher(certificates=frozenset({"celta"})), TODAY, rules)
    assert not report.test_exempt
    assert kinds(report, "§7") == [FindingKind.INFO]


@pytest.mark.parametrize(
    ("years", "category"),
    [(4, None), (5, Category.MODERATOR), (10, Category.MODERATOR), (11, Category.EXPERT)],
)
def test_tvet_production_experience(rules: Rules, years: int, category: Category | None) -> None:
    profile = teacher(org_type=OrgType.TVET, production_experience_years=years)
    findings = [f for f in assess(profile, TODAY, rules).findings if f.clause == "§6"]
    if category is None:
        assert findings == []
    else:
        assert findings[0].message.params["category"].text == category.label


# --- commission level (§13) and channel (Rules §15) ------------------------------------------------


@pytest.mark.parametrize(
    ("claimed", "role", "level"),
    [
        (Category.MODERATOR, Role.TEACHER, CommissionLevel.ORGANISATION),
        (Category.EXPERT, Role.TEACHER, CommissionLevel.DISTRICT),
        (Category.DEPUTY_3, Role.DEPUTY, CommissionLevel.DISTRICT),
        (Category.DEPUTY_2, Role.DEPUTY, CommissionLevel.DISTRICT),
        (Category.HEAD_3, Role.HEAD, CommissionLevel.DISTRICT),
        (Category.HEAD_2, Role.HEAD, CommissionLevel.DISTRICT),
        (Category.RESEARCHER, Role.TEACHER, CommissionLevel.REGION),
        (Category.MASTER, Role.CABINET_METHODIST, CommissionLevel.REGION),
        (Category.DEPUTY_1, Role.DEPUTY, CommissionLevel.REGION),
        (Category.HEAD_1, Role.HEAD, CommissionLevel.REGION),
        (Category.MASTER, Role.TEACHER, CommissionLevel.MINISTRY),
        (Category.MASTER, Role.METHODIST, CommissionLevel.MINISTRY),
    ],
)
def test_commission_level_table(claimed: Category, role: Role, level: CommissionLevel) -> None:
    assert commission_level(claimed, role) is level


@pytest.mark.parametrize(
    ("claimed", "role", "subordination", "level"),
    [
        (Category.EXPERT, Role.TEACHER, Subordination.REGIONAL, CommissionLevel.REGION),
        (Category.HEAD_2, Role.HEAD, Subordination.REGIONAL, CommissionLevel.REGION),
        (Category.EXPERT, Role.CABINET_METHODIST, Subordination.LOCAL, CommissionLevel.REGION),
        (Category.DEPUTY_3, Role.CABINET_DEPUTY, Subordination.LOCAL, CommissionLevel.REGION),
        (Category.RESEARCHER, Role.TEACHER, Subordination.REPUBLICAN, CommissionLevel.MINISTRY),
        (Category.HEAD_1, Role.HEAD, Subordination.REPUBLICAN, CommissionLevel.MINISTRY),
        (Category.MODERATOR, Role.TEACHER, Subordination.REPUBLICAN, CommissionLevel.ORGANISATION),
    ],
)
def test_commission_level_subordinate_rows(
    claimed: Category, role: Role, subordination: Subordination, level: CommissionLevel
) -> None:
    assert commission_level(claimed, role, subordination) is level


def test_report_names_commission_and_channel(rules: Rules) -> None:
    report = assess(teacher(), TODAY, rules)
    assert report.commission is CommissionLevel.DISTRICT
    assert report.channel is Channel.PLATFORM
    assert kinds(report, "Rules §15") == [FindingKind.INFO]


@pytest.mark.parametrize(
    ("claimed", "channel"),
    [
        (Category.MODERATOR, Channel.PLATFORM),
        (Category.EXPERT, Channel.PLATFORM),
        (Category.RESEARCHER, Channel.EGOV),
        (Category.MASTER, Channel.EGOV),
        (Category.HEAD_3, Channel.EGOV),
        (Category.DEPUTY_1, Channel.EGOV),
    ],
)
def test_application_channel(claimed: Category, channel: Channel) -> None:
    assert application_channel(claimed) is channel


# --- questions and lists for the bot -------------------------------------------------------------------


def test_relevant_questions_regular_teacher() -> None:
    # §10: a teacher may have been hired under the Special Programme; §41: a holder may have moved.
    assert relevant_questions(teacher()) == {"certificates", "special_programme", "transferred"}


def test_relevant_questions_early() -> None:
    questions = relevant_questions(teacher(kind=AttestationKind.EARLY))
    assert {"last_attestation", "early_requirements"} <= questions
    leader_questions = relevant_questions(
        leader(Role.HEAD, Category.HEAD_3, Category.HEAD_2, kind=AttestationKind.EARLY)
    )
    assert "last_attestation" in leader_questions
    assert "early_requirements" not in leader_questions


def test_relevant_questions_tvet_and_no_category() -> None:
    assert "production_experience" in relevant_questions(teacher(org_type=OrgType.TVET))
    assert "production_experience" not in relevant_questions(teacher())
    fresh = teacher(current_category=None, claimed=Category.TEACHER)
    assert relevant_questions(fresh) == {"old_category", "special_programme"}


def test_postponement_grounds() -> None:
    ids = [g.id for g in POSTPONEMENT_GROUNDS]
    assert ids == ["illness", "childcare_leave", "from_authority", "from_abroad", "one_year_left_moved"]


def test_every_message_renders(rules: Rules) -> None:
    profiles = [
        teacher(
            certificates=frozenset(CERTIFICATES_BY_ID), org_type=OrgType.TVET, production_experience_years=12
        ),
        early(Category.MASTER, Category.RESEARCHER, 2, last=date(2024, 1, 1)),
        leader(Role.HEAD, None, Category.HEAD_1, category_valid_until=None),
        teacher(
            current_category=None, claimed=Category.MASTER, education=Education.VOCATIONAL, experience_years=0
        ),
    ]
    for profile in profiles:
        for finding in assess(profile, TODAY, rules, birth_date=date(1965, 10, 2), sex="female").findings:
            rendered = finding.message.render()
            assert "{" not in rendered and rendered.strip()


def test_certificate_with_several_categories_names_them_all(rules: Rules) -> None:
    report = assess(teacher(certificates=frozenset({"ielts_7"})), TODAY, rules)
    assert (
        "IELTS 7 opens pedagogue-moderator, pedagogue-expert or pedagogue-researcher: the one-step rule "
        "and your experience decide which you claim."
    ) in texts(report)


# --- the Special Programme (§10) ---------------------------------------------------------------------


def test_par10_special_programme_assigns_moderator_to_graduates(rules: Rules) -> None:
    """§10: a graduate of higher education hired under the Special Programme gets moderator on application,
    without attestation: no experience minimum, no sequence, no test."""
    graduate = teacher(current_category=None, category_valid_until=None, claimed=Category.MODERATOR,
                       experience_years=0, special_programme=True)
    report = assess(graduate, TODAY, rules)
    assert report.allowed and report.without_attestation is Category.MODERATOR
    assert kinds(report, "§10") == [FindingKind.OK]
    assert not any(f.kind is FindingKind.BLOCKER for f in report.findings)
    # Without the programme the same graduate cannot claim moderator with no experience (§31).
    ordinary = assess(replace(graduate, special_programme=False), TODAY, rules)
    assert not ordinary.allowed and ordinary.without_attestation is None


def test_par10_graduate_means_higher_education(rules: Rules) -> None:
    """§10 names graduates of higher and postgraduate education: a college graduate attests as usual."""
    college = teacher(current_category=None, category_valid_until=None, claimed=Category.MODERATOR,
                      experience_years=0, education=Education.VOCATIONAL, special_programme=True)
    report = assess(college, TODAY, rules)
    assert report.without_attestation is None and not report.allowed
    assert kinds(report, "§10") == [FindingKind.INFO]


@pytest.mark.parametrize(
    ("current", "next_up"), [(Category.EXPERT, Category.RESEARCHER), (Category.RESEARCHER, Category.MASTER)]
)
def test_par10_special_programme_moves_experts_and_researchers_one_level_up(
    rules: Rules, current: Category, next_up: Category
) -> None:
    """§10: holders of expert or researcher hired under the programme get the next category, even with the
    experience the next category would need by §31 not yet reached."""
    holder = teacher(current_category=current, claimed=next_up, experience_years=3, special_programme=True)
    report = assess(holder, TODAY, rules)
    assert report.allowed and report.without_attestation is next_up
    assert FindingKind.OK in kinds(report, "§10")


def test_par10_special_programme_still_needs_the_education_of_the_category(rules: Rules) -> None:
    """§10 (*interpretation*): the route skips the procedure, not the education master needs (§31)."""
    holder = teacher(current_category=Category.RESEARCHER, claimed=Category.MASTER,
                     education=Education.HIGHER_OTHER, special_programme=True)
    report = assess(holder, TODAY, rules)
    assert not report.allowed and report.blockers[0].clause == "§31"


def test_par10_names_only_experts_and_researchers(rules: Rules) -> None:
    """§10 moves up only "педагог-сарапшы" and "педагог-зерттеуші": a moderator attests as usual."""
    moderator = teacher(special_programme=True)  # moderator claiming expert
    report = assess(moderator, TODAY, rules)
    assert report.without_attestation is None and report.allowed
    assert kinds(report, "§10") == [FindingKind.INFO]


def test_par10_another_claim_is_told_about_the_route(rules: Rules) -> None:
    """§10: a programme teacher claiming something else is told which category the route gives."""
    report = assess(teacher(current_category=Category.EXPERT, claimed=Category.EXPERT, special_programme=True),
                    TODAY, rules)
    assert report.without_attestation is None
    assert "pedagogue-researcher on application, without attestation" in texts(report)


def test_par10_is_for_teachers_not_leaders_or_methodists(rules: Rules) -> None:
    """§10 speaks of teachers ("мұғалімдер"): other positions attest as usual and hear nothing of it."""
    for profile in (leader(Role.HEAD, None, Category.HEAD_3, category_valid_until=None, special_programme=True),
                    teacher(role=Role.METHODIST, current_category=Category.EXPERT, claimed=Category.RESEARCHER,
                            special_programme=True)):
        report = assess(profile, TODAY, rules)
        assert report.without_attestation is None and not kinds(report, "§10")


def test_par10_a_programme_category_is_confirmed_after_a_move(rules: Rules) -> None:
    """§10, last paragraph: on moving to another organisation a programme category is confirmed (not kept
    by §41)."""
    report = assess(teacher(special_programme=True, transferred=True, claimed=Category.MODERATOR), TODAY, rules)
    assert FindingKind.WARNING in kinds(report, "§10") and not kinds(report, "§41")


# --- kept on transfer (§41) and the head ↔ deputy correspondence (§49) ----------------------------------


def test_par41_category_is_kept_on_transfer_until_it_expires(rules: Rules) -> None:
    """§41: on a move to another organisation, a combined post or another post by profile the category is
    kept until it expires."""
    report = assess(teacher(transferred=True, claimed=Category.MODERATOR), TODAY, rules)
    assert kinds(report, "§41") == [FindingKind.INFO]
    assert "kept until 31.05.2027" in texts(report)
    assert report.allowed
    assert not kinds(assess(teacher(), TODAY, rules), "§41")


def test_par41_department_head_or_methodist_keeps_the_teacher_ladder_category(rules: Rules) -> None:
    """§41: a teacher appointed department head or methodist keeps the category; the next step follows it."""
    profile = teacher(role=Role.METHODIST, transferred=True)  # moderator claiming expert
    report = assess(profile, TODAY, rules)
    assert report.allowed and kinds(report, "§41") == [FindingKind.INFO]
    skip = assess(replace(profile, claimed=Category.RESEARCHER), TODAY, rules)
    assert not skip.allowed and skip.blockers[0].clause == "§31"


@pytest.mark.parametrize(
    ("held", "role", "counterpart"),
    [(Category.DEPUTY_1, Role.HEAD, Category.HEAD_1), (Category.DEPUTY_2, Role.HEAD, Category.HEAD_2),
     (Category.HEAD_3, Role.DEPUTY, Category.DEPUTY_3), (Category.HEAD_1, Role.CABINET_DEPUTY, Category.DEPUTY_1)],
)
def test_par49_head_and_deputy_categories_correspond(
    rules: Rules, held: Category, role: Role, counterpart: Category
) -> None:
    """§49: a deputy who becomes head (and the reverse) keeps the category as its counterpart, 1st ↔ 1st,
    2nd ↔ 2nd, 3rd ↔ 3rd: confirming it is a confirmation, not a first attestation (§44)."""
    profile = leader(role, held, counterpart, category_valid_until=date(2027, 5, 31))
    report = assess(profile, TODAY, rules)
    assert report.allowed
    assert kinds(report, "§49") == [FindingKind.INFO]
    assert "first attestation" not in texts(report)
    assert f"You are confirming your current category {counterpart.label}." in texts(report)


def test_par49_deputy_1_who_becomes_head_cannot_skip_as_at_a_first_attestation(rules: Rules) -> None:
    """§49 with §44: a deputy-3 who becomes head holds head-3, so a head-1 claim skips a level."""
    report = assess(leader(Role.HEAD, Category.DEPUTY_3, Category.HEAD_1, category_valid_until=date(2028, 1, 1)),
                    TODAY, rules)
    assert not report.allowed and report.blockers[0].clause == "§44"
    step = assess(leader(Role.HEAD, Category.DEPUTY_3, Category.HEAD_2, category_valid_until=date(2028, 1, 1)),
                  TODAY, rules)
    assert step.allowed


def test_par49_category_kept_for_its_own_validity(rules: Rules) -> None:
    """§49: kept "until its validity ends": a deputy category's 5 years, though a head's own last 3 (§43)."""
    profile = leader(Role.HEAD, Category.DEPUTY_1, Category.HEAD_1, category_valid_until=None,
                     last_attestation=date(2022, 3, 1))
    assert assess(profile, TODAY, rules).category_expires == date(2027, 3, 1)


def test_par49_head_keeps_the_category_on_transfer_to_another_organisation(rules: Rules) -> None:
    """§49, first paragraph: a head or deputy moving to another organisation keeps the category."""
    report = assess(leader(Role.DEPUTY, Category.DEPUTY_2, Category.DEPUTY_2, transferred=True), TODAY, rules)
    assert kinds(report, "§49") == [FindingKind.INFO] and report.allowed


def test_par49_teacher_category_is_not_a_leader_category(rules: Rules) -> None:
    """§49 pairs head and deputy categories only: a teacher who becomes deputy attests for the first time."""
    report = assess(leader(Role.DEPUTY, Category.EXPERT, Category.DEPUTY_1), TODAY, rules)
    assert report.allowed and not kinds(report, "§49") and kinds(report, "§44") == [FindingKind.OK]


def test_par10_par41_par49_messages_render(rules: Rules) -> None:
    profiles = [
        teacher(current_category=None, category_valid_until=None, claimed=Category.MODERATOR, experience_years=0,
                special_programme=True),
        teacher(current_category=Category.EXPERT, claimed=Category.EXPERT, special_programme=True),
        teacher(special_programme=True, transferred=True),
        teacher(transferred=True, category_valid_until=None),
        leader(Role.HEAD, Category.DEPUTY_1, Category.HEAD_1, transferred=True),
    ]
    for profile in profiles:
        for finding in assess(profile, TODAY, rules).findings:
            rendered = finding.message.render()
            assert "{" not in rendered and rendered.strip()
