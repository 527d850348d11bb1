"""Who may claim which category, and what the bot should tell them before they apply (spec §1, §2, §7, §8).

`assess` turns a profile into findings, each tied to its clause, so the bot can explain every "no"
and every "yes, but". The data the bot shows as choices (early-attestation requirements, language
certificates, postponement grounds) lives here too, next to the rules that read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from scoring.calendar import add_months, add_years
from scoring.categories import (
    DEPUTY_LADDER,
    HEAD_LADDER,
    TEACHER_LADDER,
    AttestationKind,
    Category,
    CommissionLevel,
    Education,
    OldCategory,
    OrgType,
    Role,
    Subordination,
)
from scoring.clauses import clause_reference
from scoring.config import Rules
from scoring.i18n import N_, Phrase
from scoring.iin import InvalidIin, Sex, validate_iin
from scoring.profile import Profile

# --- vocabulary of the report ---------------------------------------------------------------------


class FindingKind(StrEnum):
    OK = "ok"
    WARNING = "warning"  # the teacher should act, but may still apply
    BLOCKER = "blocker"  # the claim cannot be made as it stands
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    clause: str
    message: Phrase

    def __post_init__(self) -> None:
        clause_reference(self.clause)  # an unknown mark fails here, where the rule is written

    @property
    def reference(self) -> Phrase:
        return clause_reference(self.clause)


class Channel(StrEnum):
    """Where the application is filed (Rules §15)."""

    PLATFORM = "platform"
    EGOV = "egov"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.PLATFORM: N_("the National platform for teachers' professional development (Ustaz)"),
    Channel.EGOV: N_("the egov.kz portal"),
}


@dataclass(frozen=True)
class EligibilityReport:
    allowed: bool
    findings: list[Finding]
    commission: CommissionLevel | None = None
    channel: Channel | None = None
    # §35: fewer than the configured years to retirement age; attestation is optional for them.
    exempt: bool = False
    # §8/§9: a held certificate replaces the national qualification test for the claimed category.
    test_exempt: bool = False
    category_expires: date | None = None
    # §43: heads and deputies apply this many months before expiry.
    apply_by: date | None = None
    # §10: the claimed category is assigned on application without attestation (no test, no portfolio).
    without_attestation: Category | None = None

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.findings if f.kind is FindingKind.BLOCKER]


# --- data the bot shows as choices -----------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    id: str
    label: Phrase


# §42, transcribed in the text's order. Ids are unique within a category's list; the same id in two
# lists means the same requirement (the text repeats it word for word).
def _req(requirement_id: str, text: str) -> Requirement:
    return Requirement(requirement_id, Phrase(text))


EARLY_REQUIREMENTS: dict[Category, list[Requirement]] = {
    Category.EXPERT: [
        _req("prof_contest_region", N_("Winner or prize-winner of a regional or national skills contest")),
        _req("students_region", N_("Trained a winner of a regional or national olympiad or contest")),
        _req("best_teacher_district", N_('"Best teacher" title at district or city level')),
        _req("experience_region", N_("Your experience summarised at regional or national level")),
        _req("events_region", N_("Took part in running regional or national events for teachers")),
        _req("english_c1", N_("English at C1 (CEFR) and you teach your subject in English")),
        _req("sport_master", N_("Candidate master or international master of sport in your subject")),
        _req("production_grade", N_("Production-training master with the highest skill grade")),
    ],
    Category.RESEARCHER: [
        _req(
            "prof_contest_republic",
            N_("Winner or prize-winner of a national or international skills contest"),
        ),
        _req("students_republic", N_("Trained a winner of a national or international olympiad or contest")),
        _req(
            "textbook_author", N_("Author or co-author of a textbook or teaching aid on the ministry's list")
        ),
        _req(
            "methodical_author",
            N_("Author of a kit, programme or materials recommended by the Republican council"),
        ),
        _req(
            "experience_region_council", N_("Your experience summarised by the regional methodical council")
        ),
        _req("best_teacher_region", N_('"Best teacher" title at regional level')),
        _req("degree_3y", N_("Candidate, doctor of science or PhD, and at least 3 years of teaching")),
    ],
    Category.MASTER: [
        _req("students_international", N_("Trained a winner of an international olympiad or contest")),
        _req("prof_contest_international", N_("Winner or prize-winner of an international skills contest")),
        _req(
            "methodical_author",
            N_("Author of a kit, programme or materials recommended by the Republican council"),
        ),
        _req(
            "textbook_author", N_("Author or co-author of a textbook or teaching aid on the ministry's list")
        ),
        _req("experience_republic", N_("Your experience disseminated by the ministry's methodical council")),
        _req("degree_5y", N_("Candidate, doctor of science or PhD, and at least 5 years of teaching")),
        _req("best_teacher_republic", N_('"Best teacher of the Republic of Kazakhstan" title')),
    ],
}


class CertificateEffect(StrEnum):
    NO_TEST = "no_test"  # §8, §9: the category without the national test; the portfolio is still assessed
    NO_ATTESTATION = "no_attestation"  # §7: the category on appointment, without attestation at all


@dataclass(frozen=True)
class Certificate:
    id: str
    label: Phrase
    clause: str
    effect: CertificateEffect
    opens: frozenset[Category]


def _no_test(certificate_id: str, text: str, clause: str, *opens: Category) -> Certificate:
    return Certificate(certificate_id, Phrase(text), clause, CertificateEffect.NO_TEST, frozenset(opens))


def _on_appointment(certificate_id: str, text: str, opens: Category) -> Certificate:
    return Certificate(
        certificate_id, Phrase(text), "§7", CertificateEffect.NO_ATTESTATION, frozenset({opens})
    )


_MOD, _EXP, _RES, _MAS = Category.MODERATOR, Category.EXPERT, Category.RESEARCHER, Category.MASTER

# §7, §8, §9. *Interpretation* (spec §7): a certificate printed under two categories opens both, and
# the sequence rule (§31) with experience decides which one the teacher may claim. *Interpretation*
# (ours): a higher result of the same test also opens the categories of its lower results (IELTS 7.5
# covers what IELTS 7 and 6.5 cover; a TOEFL above the printed ranges counts as the top range), since
# reading the printed ranges as upper limits would refuse better-qualified teachers.
CERTIFICATES: tuple[Certificate, ...] = (
    _no_test("ielts_6_5", N_("IELTS 6.5"), "§8", _MOD, _EXP),
    _no_test("ielts_7", N_("IELTS 7"), "§8", _MOD, _EXP, _RES),
    _no_test("ielts_7_5", N_("IELTS 7.5 or higher"), "§8", _MOD, _EXP, _RES, _MAS),
    _no_test("toefl_79_84", N_("TOEFL iBT 79–84"), "§8", _MOD),
    _no_test("toefl_85_93", N_("TOEFL iBT 85–93"), "§8", _MOD, _EXP),
    _no_test("toefl_94_101", N_("TOEFL iBT 94–101"), "§8", _MOD, _EXP, _RES),
    _no_test("toefl_102", N_("TOEFL iBT 102 or higher"), "§8", _MOD, _EXP, _RES, _MAS),
    _no_test("tkt_band_3_4", N_("TKT Modules 1–3, band 3–4"), "§8", _RES, _MAS),
    _no_test("tkt_clil", N_("TKT CLIL"), "§8", _RES, _MAS),
    _no_test("tkt_yl", N_("TKT Young Learners"), "§8", _RES, _MAS),
    _no_test("delf_b2", N_("DELF B2 (French)"), "§8", _MOD, _EXP),
    _no_test("delf_c1", N_("DELF/DALF C1 (French)"), "§8", _MOD, _EXP, _RES, _MAS),
    _no_test("goethe_b2", N_("Goethe-Zertifikat B2 (German)"), "§8", _MOD, _EXP),
    _no_test("goethe_c1", N_("Goethe-Zertifikat C1 (German)"), "§8", _MOD, _EXP, _RES, _MAS),
    _no_test("native_b2", N_("Other language: B2 from a country where it is a first language"), "§9", _MOD),
    _no_test(
        "native_c1", N_("Other language: C1/C2 from a country where it is a first language"), "§9", _MOD, _EXP
    ),
    _on_appointment("celta", N_("CELTA (Pass and above)"), _MOD),
    _on_appointment("delta", N_("DELTA (Pass and above)"), _EXP),
)
CERTIFICATES_BY_ID: dict[str, Certificate] = {c.id: c for c in CERTIFICATES}


@dataclass(frozen=True)
class PostponementGround:
    id: str
    label: Phrase


# §34: attestation postponed on application (up to the rule set's eligibility.postponement_max_years),
# keeping the category.
POSTPONEMENT_GROUNDS: tuple[PostponementGround, ...] = (
    PostponementGround("illness", Phrase(N_("Sick leave with a socially significant or dangerous illness"))),
    PostponementGround(
        "childcare_leave", Phrase(N_("Back from maternity or childcare leave (child under 3)"))
    ),
    PostponementGround(
        "from_authority",
        Phrase(
            N_("Moved to a school from an education authority, methodical cabinet or training institute")
        ),
    ),
    PostponementGround("from_abroad", Phrase(N_("Arrived from abroad, where you taught"))),
    PostponementGround(
        "one_year_left_moved",
        Phrase(N_("One year left on your category and you moved to another organisation in Kazakhstan")),
    ),
)

# --- rules printed in the texts ------------------------------------------------------------------------

# §31 (spec §1 table): the minimum experience and the education by category, the validity years (§3,
# §43), the leaders' months before expiry (§43), the postponement (§34) and the TVET production years (§6)
# are the rule set's [eligibility] table (Rules.eligibility).
_HIGHER = frozenset(
    {
        Education.HIGHER_PEDAGOGICAL,
        Education.HIGHER_OTHER,
        Education.POSTGRADUATE_PEDAGOGICAL,
        Education.POSTGRADUATE_OTHER,
    }
)
_PEDAGOGICAL = frozenset({Education.HIGHER_PEDAGOGICAL, Education.POSTGRADUATE_PEDAGOGICAL})
_NON_PEDAGOGICAL = frozenset({Education.HIGHER_OTHER, Education.POSTGRADUATE_OTHER})
# The categories §31's table sets an experience and education minimum for (not the leader ladders).
_TABLE_CATEGORIES = frozenset(
    {Category.TEACHER, Category.MODERATOR, Category.EXPERT, Category.RESEARCHER, Category.MASTER}
)


def min_experience(rules: Rules) -> dict[Category, int]:
    """§31: years of pedagogical experience needed, by claimed category (the rule set's eligibility)."""
    return {Category(name): int(years) for name, years in rules.eligibility["min_experience"].items()}


def required_education(rules: Rules) -> dict[Category, frozenset[Education]]:
    """§31: the education levels that qualify, by claimed category (the rule set's eligibility)."""
    return {
        Category(name): frozenset(Education(level) for level in levels)
        for name, levels in rules.eligibility["education"].items()
    }


def _eligibility_number(rules: Rules, name: str) -> int:
    return int(rules.eligibility[name])


# §32: an old category opens the matching new one without first passing the steps below it.
OLD_CATEGORY_OPENS: dict[OldCategory, Category] = {
    OldCategory.SECOND: Category.MODERATOR,
    OldCategory.FIRST: Category.EXPERT,
    OldCategory.HIGHEST: Category.RESEARCHER,
}

# §31 "other routes": without any category a teacher starts at pedagogue, or at moderator when the
# moderator requirements (education, 2 years) are met.
_ENTRY_CATEGORIES = frozenset({Category.TEACHER, Category.MODERATOR})

# §10: teachers hired under the Special Programme get on application, without attestation, moderator as
# graduates of higher or postgraduate education, and the next category as holders of expert or researcher
# (the text names only these two).
SPECIAL_PROGRAMME_STEP_UP: dict[Category, Category] = {
    Category.EXPERT: Category.RESEARCHER,
    Category.RESEARCHER: Category.MASTER,
}
_WITHOUT_CATEGORY = (None, Category.TRAINEE, Category.TEACHER)

# §49: a head who becomes a deputy, or a deputy who becomes a head, keeps the category as its counterpart
# (1st ↔ 1st, 2nd ↔ 2nd, 3rd ↔ 3rd) until it expires.
LEADER_COUNTERPART: dict[Category, Category] = {
    **dict(zip(HEAD_LADDER, DEPUTY_LADDER, strict=True)),
    **dict(zip(DEPUTY_LADDER, HEAD_LADDER, strict=True)),
}

# §13: the commission level by claimed category. Rows for ordinary organisations; the subordinate
# organisations' rows move the district-level claims up (regional subordination or a methodical
# cabinet) or everything but moderator to the ministry (republican subordination).
_LOCAL_LEVELS: dict[Category, CommissionLevel] = {
    Category.MODERATOR: CommissionLevel.ORGANISATION,
    Category.EXPERT: CommissionLevel.DISTRICT,
    Category.DEPUTY_3: CommissionLevel.DISTRICT,
    Category.DEPUTY_2: CommissionLevel.DISTRICT,
    Category.HEAD_3: CommissionLevel.DISTRICT,
    Category.HEAD_2: CommissionLevel.DISTRICT,
    Category.RESEARCHER: CommissionLevel.REGION,
    Category.DEPUTY_1: CommissionLevel.REGION,
    Category.HEAD_1: CommissionLevel.REGION,
    Category.MASTER: CommissionLevel.MINISTRY,
}
_REGIONAL_SUBORDINATE_LEVELS: dict[Category, CommissionLevel] = {
    **_LOCAL_LEVELS,
    Category.EXPERT: CommissionLevel.REGION,
    Category.DEPUTY_3: CommissionLevel.REGION,
    Category.DEPUTY_2: CommissionLevel.REGION,
    Category.HEAD_3: CommissionLevel.REGION,
    Category.HEAD_2: CommissionLevel.REGION,
}
_REPUBLICAN_SUBORDINATE_LEVELS: dict[Category, CommissionLevel] = {
    category: (CommissionLevel.ORGANISATION if category is Category.MODERATOR else CommissionLevel.MINISTRY)
    for category in _LOCAL_LEVELS
}
COMMISSION_LEVELS: dict[Subordination, dict[Category, CommissionLevel]] = {
    Subordination.LOCAL: _LOCAL_LEVELS,
    Subordination.REGIONAL: _REGIONAL_SUBORDINATE_LEVELS,
    Subordination.REPUBLICAN: _REPUBLICAN_SUBORDINATE_LEVELS,
}
_CABINET_ROLES = frozenset({Role.CABINET_METHODIST, Role.CABINET_HEAD, Role.CABINET_DEPUTY})


def commission_level(
    claimed: Category, role: Role, subordination: Subordination = Subordination.LOCAL
) -> CommissionLevel:
    """The level of the commission that handles this claim (§13).

    "Pedagogue" is not in §13's table; *interpretation*: the organisation's commission, the lowest
    level. Methodical-cabinet staff are on §13's regional-subordinate row (*interpretation*: all
    cabinets), and methodical-cabinet methodists claiming master go to the region, not the ministry.
    """
    if claimed is Category.TRAINEE:
        raise ValueError("pedagogue-trainee is not a category one applies for")
    if claimed is Category.TEACHER:
        return CommissionLevel.ORGANISATION
    if role in _CABINET_ROLES and subordination is Subordination.LOCAL:
        subordination = Subordination.REGIONAL
    if (
        claimed is Category.MASTER
        and role is Role.CABINET_METHODIST
        and subordination is not Subordination.REPUBLICAN
    ):
        return CommissionLevel.REGION
    return COMMISSION_LEVELS[subordination][claimed]


def application_channel(claimed: Category) -> Channel:
    """Where the claim is filed (Rules §15): moderator and expert on the platform, the rest on egov.

    "Pedagogue" is not named in Rules §15; *interpretation*: the platform, with the lower categories.
    """
    if claimed in (Category.TEACHER, Category.MODERATOR, Category.EXPERT):
        return Channel.PLATFORM
    return Channel.EGOV


def ladder_for(role: Role) -> tuple[Category, ...]:
    """The categories a person in this role can hold (§13, §43)."""
    if role in (Role.HEAD, Role.CABINET_HEAD):
        return HEAD_LADDER
    if role in (Role.DEPUTY, Role.CABINET_DEPUTY):
        return DEPUTY_LADDER
    return TEACHER_LADDER


def held_category(role: Role, current: Category | None) -> Category | None:
    """The category this person holds in their position: the current one if it is on the position's ladder,
    its counterpart for a head who became a deputy or the reverse (§49), else None (a first attestation in
    this position)."""
    ladder = ladder_for(role)
    if current in ladder:
        return current
    counterpart = LEADER_COUNTERPART.get(current) if current is not None else None
    return counterpart if counterpart in ladder else None


def special_programme_category(profile: Profile) -> Category | None:
    """The category §10 gives this person on application without attestation, or None.

    *Interpretation*: §10 speaks of teachers ("мұғалімдер") hired under the programme, so the "teacher" role;
    a graduate is one with higher or postgraduate education who holds no category above pedagogue.
    """
    if not profile.special_programme or profile.role is not Role.TEACHER:
        return None
    current = held_category(profile.role, profile.current_category)
    if current in SPECIAL_PROGRAMME_STEP_UP:
        return SPECIAL_PROGRAMME_STEP_UP[current]
    if current in _WITHOUT_CATEGORY and profile.education in _HIGHER:
        return Category.MODERATOR
    return None


def validity_years(category: Category, rules: Rules | None = None) -> int:
    """How long a category stays valid (§3, §43), by the rule set's eligibility (the pilot's without
    `rules`): heads 3 years, deputies and teachers 5.

    §43 (seed 003): "Білім беру ұйымының, әдістемелік кабинеттің (орталықтың) бірінші басшысының біліктілік
    санаты үш жылға, ... басшы орынбасарларының біліктілік санаты бес жылға жарамды." "Бірінші басшы" (the
    spec's "first head") is the head of the organisation or methodical cabinet as opposed to their deputies,
    not the "1st category head": every category of the head ladder (3rd, 2nd and 1st) is valid 3 years,
    every category of the deputy ladder 5.
    """
    if rules is None:
        from scoring.rulesets import pilot

        rules = pilot().rules
    if category in HEAD_LADDER:
        return _eligibility_number(rules, "validity_years_head")
    if category in DEPUTY_LADDER:
        return _eligibility_number(rules, "validity_years_deputy")
    return _eligibility_number(rules, "validity_years_teacher")


def category_expiry(category: Category, awarded: date, rules: Rules | None = None) -> date:
    return add_years(awarded, validity_years(category, rules))


def retirement_date(birth: date, sex: Sex | str, rules: Rules) -> date:
    age = rules.retirement["age_men"] if Sex(sex) is Sex.MALE else rules.retirement["age_women"]
    return add_years(birth, int(age))


def relevant_questions(profile: Profile) -> set[str]:
    """The optional profile questions that matter for this profile.

    - "last_attestation", "early_requirements": early attestation only (§42, §47); the requirements
      list exists for expert, researcher and master claims on the teacher ladder.
    - "production_experience": TVET teachers (special-subject teachers, production masters, §6).
    - "certificates": every teacher-ladder teacher claiming moderator and above (§7–§9); the profile
      has no subject, so the question says it is for language teachers and "none" is one tap.
    - "old_category": teacher-ladder people without a new category, who may hold an old one (§32).
    - "special_programme": teachers, who may have been hired under the Special Programme (§10).
    - "transferred": holders of a category, who keep it after a move (§41, §49).
    """
    questions: set[str] = set()
    if profile.kind is AttestationKind.EARLY:
        questions.add("last_attestation")
        if profile.claimed in EARLY_REQUIREMENTS and not profile.role.is_leader:
            questions.add("early_requirements")
    if profile.org_type is OrgType.TVET and profile.role is Role.TEACHER:
        questions.add("production_experience")
    if (
        profile.role is Role.TEACHER
        and profile.claimed in _TABLE_CATEGORIES
        and profile.claimed is not Category.TEACHER
    ):
        questions.add("certificates")
    if not profile.role.is_leader and profile.current_category is None:
        questions.add("old_category")
    if profile.role is Role.TEACHER:
        questions.add("special_programme")
    if profile.current_category is not None:
        questions.add("transferred")
    return questions


# --- assessment ------------------------------------------------------------------------------------------


def _cat(category: Category) -> Phrase:
    # Nested Phrase so the bot translates the category name along with the sentence.
    return Phrase(category.label)


# One template per length keeps every sentence a fixed, translatable string.
_EITHER_TEMPLATES: dict[int, str] = {
    2: N_("{a} or {b}"),
    3: N_("{a}, {b} or {c}"),
    4: N_("{a}, {b}, {c} or {d}"),
}


def _either(categories: list[Category]) -> Phrase:
    """ "A, B or C" with each category name translated."""
    if len(categories) == 1:
        return _cat(categories[0])
    template = _EITHER_TEMPLATES[len(categories)]
    return Phrase(template, {k: _cat(c) for k, c in zip("abcd", categories, strict=False)})


def _day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


@dataclass
class _Assessment:
    profile: Profile
    today: date
    rules: Rules
    findings: list[Finding] = field(default_factory=list)

    def add(self, kind: FindingKind, clause: str, text: str, **params: object) -> None:
        self.findings.append(Finding(kind, clause, Phrase(text, dict(params))))

    @property
    def blockers(self) -> bool:
        return any(f.kind is FindingKind.BLOCKER for f in self.findings)


def assess(
    profile: Profile,
    today: date,
    rules: Rules,
    birth_date: date | None = None,
    sex: str | None = None,
) -> EligibilityReport:
    """Check a claim against the rules; `allowed` is False exactly when a finding is a blocker.

    Birth date and sex come from the IIN; when not given they are read from `profile.iin` if valid.
    """
    if birth_date is None and profile.iin:
        birth_date, sex = _born(profile.iin, sex)

    a = _Assessment(profile, today, rules)
    on_ladder = _check_ladder(a)
    without_attestation = _check_claim(a) if on_ladder else None
    expires, apply_by = _check_expiry(a)
    _check_transfer(a, expires)
    exempt = _check_exemption(a, birth_date, sex)
    test_exempt = _check_certificates(a)
    _check_no_attestation_routes(a)
    commission, channel = _check_where(a) if on_ladder else (None, None)
    return EligibilityReport(
        allowed=not a.blockers,
        findings=a.findings,
        commission=commission,
        channel=channel,
        exempt=exempt,
        test_exempt=test_exempt,
        category_expires=expires,
        apply_by=apply_by,
        without_attestation=without_attestation,
    )


def _born(iin: str, sex: str | None) -> tuple[date | None, str | None]:
    """Birth date and sex from a valid IIN (the given sex wins); nothing from an invalid one."""
    try:
        parsed = validate_iin(iin)
    except InvalidIin:
        return None, sex
    return parsed.birth_date, sex or parsed.sex.value


def _check_claim(a: _Assessment) -> Category | None:
    """The claim on the person's ladder: by the §10 route (returned), or by attestation (§31, §42, §44)."""
    route = special_programme_category(a.profile)
    if route is not None and route is a.profile.claimed:
        _check_special_programme_claim(a, route)
        return route
    _check_sequence(a)
    _check_experience(a)
    _check_education(a)
    _check_early(a)
    return None


def _check_where(a: _Assessment) -> tuple[CommissionLevel, Channel]:
    p = a.profile
    commission = commission_level(p.claimed, p.role, p.subordination)
    channel = application_channel(p.claimed)
    a.add(FindingKind.INFO, "§13", N_("Your claim is decided by {commission}."), commission=Phrase(commission.label))
    a.add(FindingKind.INFO, "Rules §15", N_("You apply through {channel}."), channel=Phrase(channel.label))
    return commission, channel


def _check_ladder(a: _Assessment) -> bool:
    p = a.profile
    if p.claimed is Category.TRAINEE:
        a.add(
            FindingKind.BLOCKER, "§31", N_("Pedagogue-trainee is the starting level: it is not applied for.")
        )
        return False
    ladder = ladder_for(p.role)
    if p.claimed not in ladder:
        a.add(
            FindingKind.BLOCKER,
            "§43" if p.role.is_leader else "§31",
            N_("As {role}, you can claim only {first} to {last}, not {claimed}."),
            role=Phrase(p.role.label),
            first=_cat(ladder[1] if ladder is TEACHER_LADDER else ladder[0]),
            last=_cat(ladder[-1]),
            claimed=_cat(p.claimed),
        )
        return False
    if p.role in (Role.CABINET_HEAD, Role.CABINET_DEPUTY):
        a.add(
            FindingKind.INFO,
            "§5",
            N_("If your methodical cabinet is not a legal entity, you are attested as a methodist instead."),
        )
    return True


def _current_on_ladder(p: Profile) -> Category | None:
    return held_category(p.role, p.current_category)


def _check_sequence(a: _Assessment) -> None:
    p = a.profile
    ladder = ladder_for(p.role)
    current = _current_on_ladder(p)
    if p.current_category is not None and current is None:
        a.add(
            FindingKind.INFO,
            "§31",
            N_(
                "Your current category {current} belongs to another position, so this "
                "is your first attestation in this one."
            ),
            current=_cat(p.current_category),
        )
    elif p.current_category is not None and current is not None and current is not p.current_category:
        a.add(
            FindingKind.INFO,
            "§49",
            N_("As {role}, your {current} counts as {counterpart} until it expires."),
            role=Phrase(p.role.label),
            current=_cat(p.current_category),
            counterpart=_cat(current),
        )
    if p.role.is_leader:
        _check_leader_sequence(a, ladder, current)
        return
    if current is None:
        _check_entry(a)
        return
    _check_step(a, ladder, current, "§31", N_(
        "Categories go one step at a time: after {current} you can claim {next}, not {claimed}."
    ))


def _check_entry(a: _Assessment) -> None:
    """Teacher ladder without a current category: §31 entry routes, or an old category (§32)."""
    p = a.profile
    if p.old_category is not None:
        _check_old_category(a, p.old_category)
        return
    if p.claimed in _ENTRY_CATEGORIES:
        a.add(
            FindingKind.OK,
            "§31",
            N_("Without a category you can start with {claimed}."),
            claimed=_cat(p.claimed),
        )
        if p.claimed is Category.TEACHER:
            a.add(
                FindingKind.INFO,
                "§31",
                N_(
                    "Pedagogue is also given to a trainee who passed the test, and to those returning within "
                    "5 years, transferred, back from abroad, hired since 1 January 2022 or with 5+ years in "
                    "additional education."
                ),
            )
    else:
        a.add(
            FindingKind.BLOCKER,
            "§31",
            N_("Without a category you can claim pedagogue or pedagogue-moderator, not {claimed}."),
            claimed=_cat(p.claimed),
        )
    a.add(
        FindingKind.INFO,
        "§32",
        N_(
            "Old categories (second, first, highest) are not the same as the new ones: "
            "they open moderator, expert and researcher, with the full procedure."
        ),
    )


def _check_old_category(a: _Assessment, old: OldCategory) -> None:
    """§32: an old category opens the matching new one, with the full procedure."""
    p = a.profile
    opened = OLD_CATEGORY_OPENS[old]
    if p.claimed is opened or p.claimed in _ENTRY_CATEGORIES:
        a.add(
            FindingKind.OK,
            "§32",
            N_(
                "With the old {old} you may claim {opened}; the full procedure applies "
                "(assessment, test, portfolio)."
            ),
            old=Phrase(old.label),
            opened=_cat(opened),
        )
    else:
        a.add(
            FindingKind.BLOCKER,
            "§32",
            N_("With the old {old} you may claim {opened}, not {claimed}."),
            old=Phrase(old.label),
            opened=_cat(opened),
            claimed=_cat(p.claimed),
        )


def _check_leader_sequence(a: _Assessment, ladder: tuple[Category, ...], current: Category | None) -> None:
    if current is None:
        a.add(
            FindingKind.OK,
            "§44",
            N_(
                "At your first attestation as a leader you may claim any level; the test "
                "result and portfolio decide. Later ones go step by step."
            ),
        )
        return
    _check_step(a, ladder, current, "§44", N_(
        "Only the first attestation may skip a level: after {current} you can claim {next}, not {claimed}."
    ))


def _check_step(a: _Assessment, ladder: tuple[Category, ...], current: Category, clause: str, too_far: str) -> None:
    """The claim against the current category on one ladder: next step, confirmation, down, or a skip."""
    claimed = a.profile.claimed
    step = ladder.index(claimed) - ladder.index(current)
    if step == 1:
        a.add(FindingKind.OK, clause, N_("After {current}, {claimed} is the next step."),
              claimed=_cat(claimed), current=_cat(current))
    elif step == 0:
        a.add(FindingKind.OK, clause, N_("You are confirming your current category {current}."),
              current=_cat(current))
    elif step < 0:
        a.add(FindingKind.BLOCKER, clause, N_("You already hold {current}, which is above {claimed}."),
              current=_cat(current), claimed=_cat(claimed))
    else:
        a.add(FindingKind.BLOCKER, clause, too_far, current=_cat(current),
              next=_cat(ladder[ladder.index(current) + 1]), claimed=_cat(claimed))


def _check_experience(a: _Assessment) -> None:
    p = a.profile
    minimum = min_experience(a.rules)
    if p.claimed not in minimum:
        return  # leader categories: the texts set no experience or education minimum
    needed = minimum[p.claimed]
    if p.experience_years >= needed:
        a.add(
            FindingKind.OK,
            "§31",
            N_("Experience: {years} years, {needed} needed for {claimed}."),
            years=p.experience_years,
            needed=needed,
            claimed=_cat(p.claimed),
        )
    else:
        a.add(
            FindingKind.BLOCKER,
            "§31",
            N_("For {claimed} you need at least {needed} years of teaching experience; you have {years}."),
            claimed=_cat(p.claimed),
            needed=needed,
            years=p.experience_years,
        )


def _check_education(a: _Assessment) -> None:
    p = a.profile
    required = required_education(a.rules)
    if p.claimed not in required:
        return
    if p.education in required[p.claimed]:
        a.add(FindingKind.OK, "§31", N_("Your education fits {claimed}."), claimed=_cat(p.claimed))
    else:
        text = (
            N_("For {claimed} you need higher or postgraduate pedagogical education.")
            if required[p.claimed] <= _PEDAGOGICAL
            else N_("For {claimed} you need higher or postgraduate education.")
        )
        a.add(FindingKind.BLOCKER, "§31", text, claimed=_cat(p.claimed))
    if p.education in _NON_PEDAGOGICAL:
        a.add(
            FindingKind.WARNING,
            "§31",
            N_("With non-pedagogical education you also need a pedagogical retraining document."),
        )


def _check_special_programme_claim(a: _Assessment, route: Category) -> None:
    """§10 replaces the procedure (test, portfolio) and the sequence and experience of §31; *interpretation*:
    not the education a category needs (researcher and master: higher education)."""
    a.add(
        FindingKind.OK,
        "§10",
        N_(
            "Hired under the Special Programme: on your application {category} is assigned without "
            "attestation (no test, no portfolio)."
        ),
        category=_cat(route),
    )
    _check_education(a)


def _check_early(a: _Assessment) -> None:
    p = a.profile
    if p.kind is not AttestationKind.EARLY:
        return
    clause = "§47" if p.role.is_leader else "§42"
    current = _current_on_ladder(p)
    if current is None or p.claimed is current:
        a.add(
            FindingKind.BLOCKER,
            clause,
            N_("Early attestation is for the next category above the one you hold."),
        )
        return
    if not p.role.is_leader and p.claimed not in EARLY_REQUIREMENTS:
        a.add(
            FindingKind.BLOCKER,
            clause,
            N_("Early attestation is possible only for expert, researcher and master."),
        )
        return
    _check_years_since_last(a, clause)
    if p.role.is_leader:
        a.add(
            FindingKind.INFO,
            "§47",
            N_("Leaders may apply early after two years of continuous results at the claimed level."),
        )
    else:
        _check_early_requirements(a)
    a.add(
        FindingKind.INFO,
        clause,
        N_("If an early attestation does not succeed, you keep your current category until it expires."),
    )


def _check_years_since_last(a: _Assessment, clause: str) -> None:
    """§42, §47: early attestation at least `early.min_years_since_last` years after the last one."""
    p = a.profile
    min_years = int(a.rules.early["min_years_since_last"])
    if p.last_attestation is None:
        a.add(
            FindingKind.WARNING,
            clause,
            N_("Tell us the date of your last attestation: early attestation needs {years} years since it."),
            years=min_years,
        )
    else:
        possible_from = add_years(p.last_attestation, min_years)
        if a.today < possible_from:
            a.add(
                FindingKind.BLOCKER,
                clause,
                N_("Early attestation is possible {years} years after the last one, from {date}."),
                years=min_years,
                date=_day(possible_from),
            )
        else:
            a.add(
                FindingKind.OK,
                clause,
                N_("At least {years} years have passed since your last attestation."),
                years=min_years,
            )


def _check_early_requirements(a: _Assessment) -> None:
    p = a.profile
    listed = EARLY_REQUIREMENTS[p.claimed]
    met = sum(1 for requirement in listed if requirement.id in p.early_requirements)
    required = int(a.rules.early["required"][p.claimed.value])
    params = {"met": met, "total": len(listed), "required": required, "claimed": _cat(p.claimed)}
    if met >= required:
        a.add(
            FindingKind.OK,
            "§42",
            N_("You meet {met} of the {total} requirements; {required} are needed for {claimed}."),
            **params,
        )
    else:
        a.add(
            FindingKind.BLOCKER,
            "§42",
            N_("You meet {met} of the {total} requirements; {required} are needed for {claimed} early."),
            **params,
        )


def _check_expiry(a: _Assessment) -> tuple[date | None, date | None]:
    """When the current category expires (§3, §43) and, for heads and deputies, the date to apply by."""
    current = a.profile.current_category
    expires = _expiry_of(a.profile, a.rules)
    if current is None or expires is None:
        return None, None
    is_leader_category = current in HEAD_LADDER or current in DEPUTY_LADDER
    if expires < a.today:
        a.add(
            FindingKind.WARNING,
            "§43" if is_leader_category else "§3",
            N_("Your category {current} expired on {date}: attest this year to keep a category."),
            current=_cat(current),
            date=_day(expires),
        )
        return expires, None
    if not is_leader_category:
        _tell_teacher_expiry(a, current, expires)
        return expires, None
    return expires, _tell_leader_expiry(a, current, expires)


def _expiry_of(p: Profile, rules: Rules) -> date | None:
    if p.current_category is None:
        return None
    if p.category_valid_until is None and p.last_attestation is not None:
        return category_expiry(p.current_category, p.last_attestation, rules)
    return p.category_valid_until


def _tell_teacher_expiry(a: _Assessment, current: Category, expires: date) -> None:
    a.add(
        FindingKind.INFO,
        "§3",
        N_("Your category {current} is valid until {date}."),
        current=_cat(current),
        date=_day(expires),
    )
    if a.profile.kind is AttestationKind.REGULAR and expires <= add_years(a.today, 1):
        a.add(
            FindingKind.INFO,
            "§34",
            N_(
                "If one of the postponement grounds applies to you, attestation can be "
                "postponed for up to {years} years, keeping your category."
            ),
            years=_eligibility_number(a.rules, "postponement_max_years"),
        )


def _tell_leader_expiry(a: _Assessment, current: Category, expires: date) -> date:
    """§43: heads and deputies apply the rule set's leader_apply_months_before months before expiry; returns
    that date."""
    months = _eligibility_number(a.rules, "leader_apply_months_before")
    apply_by = add_months(expires, -months)
    params = {"current": _cat(current), "date": _day(expires), "months": months,
              "apply_by": _day(apply_by)}
    if a.today > apply_by:
        a.add(
            FindingKind.WARNING,
            "§43",
            N_(
                "Your category {current} expires on {date}; heads and deputies apply "
                "{months} months before, by {apply_by}. Apply as soon as you can."
            ),
            **params,
        )
    else:
        a.add(
            FindingKind.INFO,
            "§43",
            N_(
                "Your category {current} is valid until {date}; apply by {apply_by}, {months} months "
                "before it expires."
            ),
            **params,
        )
    return apply_by


def _check_exemption(a: _Assessment, birth: date | None, sex: str | None) -> bool:
    if birth is None or sex is None or a.profile.current_category is None:
        return False
    retires = retirement_date(birth, sex, a.rules)
    years = int(a.rules.retirement["exemption_years"])
    if a.today >= retires:
        a.add(FindingKind.INFO, "§35", N_("Working pensioners are attested like everyone else."))
        return False
    if a.today > add_years(retires, -years):
        a.add(
            FindingKind.INFO,
            "§35",
            N_(
                "You are exempt from attestation: fewer than {years} years to retirement "
                "age. On your application, your category is kept until {date}."
            ),
            years=years,
            date=_day(retires),
        )
        return True
    return False


def _check_certificates(a: _Assessment) -> bool:
    """§7–§9: what each certificate held does; True when one replaces the test for the claim."""
    test_exempt = False
    for certificate_id in sorted(a.profile.certificates):
        certificate = CERTIFICATES_BY_ID.get(certificate_id)
        if certificate is not None:  # else an id from an older list: nothing to say about it
            test_exempt = _tell_certificate(a, certificate) or test_exempt
    return test_exempt


def _tell_certificate(a: _Assessment, certificate: Certificate) -> bool:
    p = a.profile
    opens = [c for c in TEACHER_LADDER if c in certificate.opens]
    names = _either(opens)
    if certificate.effect is CertificateEffect.NO_ATTESTATION:
        a.add(
            FindingKind.INFO,
            certificate.clause,
            N_(
                "With {certificate}, {categories} is given on appointment "
                "without attestation, on your organisation's application."
            ),
            certificate=certificate.label, categories=names,
        )
        return False
    if p.claimed not in certificate.opens:
        a.add(
            FindingKind.INFO,
            certificate.clause,
            N_("{certificate} replaces the test only for {categories}."),
            certificate=certificate.label, categories=names,
        )
        return False
    a.add(
        FindingKind.OK,
        certificate.clause,
        N_("With {certificate} you skip the national test for {claimed}; your portfolio is still assessed."),
        certificate=certificate.label,
        claimed=_cat(p.claimed),
    )
    if len(opens) > 1:
        a.add(
            FindingKind.INFO,
            certificate.clause,
            N_("{certificate} opens {categories}: the one-step rule and your experience decide which you claim."),
            certificate=certificate.label, categories=names,
        )
    return True


def _check_no_attestation_routes(a: _Assessment) -> None:
    _check_tvet_route(a)
    p = a.profile
    if p.current_category is None and not p.role.is_leader:
        a.add(
            FindingKind.INFO,
            "§7",
            N_(
                "Nazarbayev University and Bolashak graduates (within 5 years) and the "
                "Presidential reserve get pedagogue-moderator on appointment without "
                "attestation."
            ),
        )
    if p.current_category is None and p.role is Role.HEAD:
        a.add(
            FindingKind.INFO,
            "§11",
            N_(
                "Graduates of the leaders-of-change programme in the personnel reserve get "
                "head, 1st category on appointment without attestation."
            ),
        )
    _check_special_programme_route(a)


def _check_tvet_route(a: _Assessment) -> None:
    p = a.profile
    if p.org_type is not OrgType.TVET or p.role is not Role.TEACHER or p.production_experience_years is None:
        return
    years = p.production_experience_years
    route: Category | None = None
    if years > _eligibility_number(a.rules, "tvet_expert_more_than_years"):
        route = Category.EXPERT
    elif years >= _eligibility_number(a.rules, "tvet_moderator_min_years"):
        route = Category.MODERATOR
    if route is not None:
        a.add(
            FindingKind.INFO,
            "§6",
            N_(
                "With {years} years in production by your profile, special-subject "
                "teachers and production masters get {category} on hiring without "
                "attestation, on the college's application."
            ),
            years=years,
            category=_cat(route),
        )


def _check_special_programme_route(a: _Assessment) -> None:
    """§10 for a teacher of the Special Programme whose claim is not the category the route gives."""
    p = a.profile
    if not p.special_programme or p.role is not Role.TEACHER:
        return
    route = special_programme_category(p)
    if route is p.claimed:
        return  # said by _check_special_programme_claim
    if route is not None:
        a.add(
            FindingKind.INFO,
            "§10",
            N_("Under the Special Programme you can get {category} on application, without attestation."),
            category=_cat(route),
        )
    else:
        a.add(
            FindingKind.INFO,
            "§10",
            N_(
                "The Special Programme gives pedagogue-moderator to graduates of higher education and the next "
                "category to pedagogue-experts and pedagogue-researchers; for you attestation goes as usual."
            ),
        )


def _check_transfer(a: _Assessment, expires: date | None) -> None:
    """§41 (teachers), §49 (heads and deputies): a category is kept after a move until it expires; one given
    under the Special Programme is confirmed at the new organisation (§10)."""
    p = a.profile
    current = _current_on_ladder(p)
    if not p.transferred or current is None or current is Category.TRAINEE:
        return
    if p.special_programme:
        a.add(
            FindingKind.WARNING,
            "§10",
            N_(
                "A category given under the Special Programme is confirmed by attestation after a move to "
                "another organisation: if yours was, apply to confirm it."
            ),
        )
        return
    clause = "§49" if p.role.is_leader else "§41"
    if expires is None:
        a.add(FindingKind.INFO, clause, N_("After your move your category {current} is kept until it expires."),
              current=_cat(p.current_category or current))
    elif expires >= a.today:
        a.add(
            FindingKind.INFO,
            clause,
            N_("After your move your category {current} is kept until {date}: you need not attest before then."),
            current=_cat(p.current_category or current),
            date=_day(expires),
        )
