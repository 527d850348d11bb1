"""App 11, first sheet: head of an organisation, with the TVET and preschool rows (spec §5.3)."""

from __future__ import annotations

from scoring.categories import Category
from scoring.i18n import N_
from scoring.sheets.common import (
    DISTRICT,
    EVIDENCE_ACHIEVEMENTS,
    EVIDENCE_COUNCIL,
    EVIDENCE_DYNAMICS,
    EVIDENCE_MATERIAL_BASE,
    EVIDENCE_OPENNESS,
    EVIDENCE_ORDER,
    EVIDENCE_PD,
    INTERNATIONAL,
    LABEL_STABLE,
    NOTE_HIGHEST_LEVEL,
    NOTE_OFF_BUDGET,
    NOTE_PD_SUMMED,
    NOTE_WINNER,
    REGION,
    REPUBLIC,
    STABLE,
    dynamics_stable_growth,
    dynamics_unstable_stable_growth,
)
from scoring.sheets.model import (
    Bonus,
    Criterion,
    Quantity,
    Scale,
    ScoringSheet,
    Step,
    flag,
    hours,
    levels,
    named,
    threshold,
)

REF = "App 11, sheet 1"

INCLUSIVE_PD_STEPS = (Step(50, 2), Step(60, 3), Step(70, 4))


def _c(criterion_id: str, title: str, evidence: str, scale: Scale, *notes: str) -> Criterion:
    return Criterion(
        id=criterion_id, title=title, evidence=evidence, scale=scale, ref=f"{REF}, {criterion_id}", notes=notes
    )


OPENNESS = _c("1.1", N_("Openness of the organisation"), EVIDENCE_OPENNESS, flag(2))
SPECIAL_CONDITIONS = _c(
    "1.2",
    N_("Special conditions for the children with special educational needs enrolled"),
    N_("a barrier-free environment; special conditions under MES order No. 6 of 12 January 2022 "
       "(psychological and pedagogical support)"),
    flag(3),
)
SAFETY = _c(
    "1.3",
    N_("Comfortable conditions and a safe environment"),
    N_("video surveillance meeting Government decree No. 305 of 6 May 2021 (anti-terrorist passport, "
       "surveillance service contract, data sent to the operational control centres); no fines from the "
       "internal affairs bodies (a document of the state body)"),
    flag(4),
)
ACCESS_CONTROL = _c(
    "1.4",
    N_("Access control to the building"),
    N_("an access control system (turnstiles), an alarm system (panic button), security staff "
       "(guards, watchmen in rural areas)"),
    flag(3),
)
MATERIAL_BASE = _c(
    "1.5",
    N_("Improvement of the material and technical base"),
    EVIDENCE_MATERIAL_BASE,
    flag(2, bonus=Bonus.OFF_BUDGET),
    NOTE_OFF_BUDGET,
)
ADDITIONAL_EDUCATION = _c(
    "1.6",
    N_("Students covered by additional education (dynamics)"),
    EVIDENCE_DYNAMICS,
    named(
        (STABLE, LABEL_STABLE, 2),
        ("growth_3_4", N_("growth of 3-4 %"), 3),
        ("growth_5_plus", N_("growth of at least 5 %"), 4),
    ),
)
QUALITY_DYNAMICS = _c(
    "2.1",
    N_("Knowledge-quality dynamics / programme mastery / skills of children with special needs "
       "(individual development programme)"),
    EVIDENCE_DYNAMICS,
    dynamics_stable_growth(),
)
ALTYN_BELGI = _c(
    "2.2",
    N_("Graduates awarded \"Altyn belgi\" and graduates with 120 or more points in the UNT "
       "(secondary education)"),
    EVIDENCE_DYNAMICS,
    dynamics_unstable_stable_growth(),
)
ADMISSIONS = _c(
    "2.3",
    N_("Graduates admitted on state grants to TVET, post-secondary and higher education (secondary); share "
       "of employed graduates (TVET)"),
    EVIDENCE_DYNAMICS,
    dynamics_unstable_stable_growth(),
)
STUDENT_CONTESTS = _c(
    "2.4",
    N_("Students in contests, olympiads or competitions on the approved lists or plans"),
    EVIDENCE_ACHIEVEMENTS,
    levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 4), bonus=Bonus.WINNER),
    NOTE_WINNER,
    N_("Preschool organisations: if any."),
)
EXPERT_SHARE = _c(
    "3.1",
    N_("Teachers with the expert, researcher or master category among all teachers (dynamics)"),
    EVIDENCE_DYNAMICS,
    dynamics_unstable_stable_growth(),
)
TEACHER_CONTESTS = _c(
    "3.2",
    N_("Teachers in professional contests or olympiads on the approved lists or plans"),
    EVIDENCE_ACHIEVEMENTS,
    levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 4), bonus=Bonus.WINNER),
    NOTE_WINNER,
)
INCLUSIVE_PD = _c(
    "3.3",
    N_("Share of teachers who took PD courses in inclusive education"),
    EVIDENCE_PD,
    threshold(Quantity.PERCENT, INCLUSIVE_PD_STEPS),
    N_("50 % · 60 % · at least 70 %."),
)
OWN_MATERIALS = _c(
    "4.1",
    N_("Programmes and educational-methodical materials developed by the head, recommended by a methodical "
       "council (district · region · republic)"),
    EVIDENCE_COUNCIL,
    levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4)),
    NOTE_HIGHEST_LEVEL,
)
INNOVATION = _c(
    "4.2",
    N_("The head's participation in innovative (experimental, creative) activities and social "
       "(educational) projects"),
    EVIDENCE_ORDER,
    levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 5)),
    NOTE_HIGHEST_LEVEL,
)
GROUPS = _c(
    "4.3",
    N_("The head's participation in working or creative groups, expert councils or contest commissions"),
    EVIDENCE_ORDER,
    levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 4)),
    NOTE_HIGHEST_LEVEL,
)
PD_HOURS = _c(
    "5.1",
    N_("Professional-development courses in management on programmes agreed with the ministry "
       "(total hours)"),
    EVIDENCE_PD,
    threshold(
        Quantity.HOURS,
        hours((72, 2), (80, 3), (108, 4)),
        reduced=hours((36, 2), (72, 3), (80, 4)),
        summed=True,
    ),
    NOTE_PD_SUMMED,
    N_("Preschool organisations: 36 · 72 · 80 hours."),
)

HEAD = ScoringSheet(
    id="head",
    title=N_("Portfolio of the head of an education organisation"),
    ref=REF,
    criteria=(
        OPENNESS,
        SPECIAL_CONDITIONS,
        SAFETY,
        ACCESS_CONTROL,
        MATERIAL_BASE,
        ADDITIONAL_EDUCATION,
        QUALITY_DYNAMICS,
        ALTYN_BELGI,
        ADMISSIONS,
        STUDENT_CONTESTS,
        EXPERT_SHARE,
        TEACHER_CONTESTS,
        INCLUSIVE_PD,
        OWN_MATERIALS,
        INNOVATION,
        GROUPS,
        PD_HOURS,
    ),
    thresholds={Category.HEAD_3: 38, Category.HEAD_2: 49, Category.HEAD_1: 62},
    printed_max=65,
)

HEAD_TVET = ScoringSheet(
    id="head-tvet",
    title=N_("Portfolio of the head of a TVET organisation"),
    ref=f"{REF}, row for TVET organisations",
    criteria=tuple(c for c in HEAD.criteria if c.id != ALTYN_BELGI.id),
    thresholds={Category.HEAD_3: 36, Category.HEAD_2: 46, Category.HEAD_1: 58},
    printed_max=61,
    notes=(
        N_("Interpretation (from the numbers): criterion 2.2 (Altyn belgi, UNT) is dropped; 2.3 counts the "
           "share of employed graduates."),
    ),
)

HEAD_PRESCHOOL = ScoringSheet(
    id="head-preschool",
    title=N_("Portfolio of the head of a preschool organisation"),
    ref=f"{REF}, row for preschool organisations",
    criteria=tuple(c for c in HEAD.criteria if c.id not in (ALTYN_BELGI.id, ADMISSIONS.id)),
    thresholds={Category.HEAD_3: 34, Category.HEAD_2: 43, Category.HEAD_1: 54},
    printed_max=57,
    reduced_hours=True,
    notes=(
        N_("Interpretation (from the numbers): criteria 2.2 and 2.3 (graduates) are dropped; PD hours use "
           "36 · 72 · 80."),
    ),
)
