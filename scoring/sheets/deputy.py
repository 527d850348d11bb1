"""App 11, third sheet: deputy head of an organisation, and the preschool row (spec §5.3)."""

from __future__ import annotations

from scoring.categories import Category
from scoring.i18n import N_
from scoring.sheets.common import (
    DISTRICT,
    EVIDENCE_ACHIEVEMENTS,
    EVIDENCE_AGREEMENTS,
    EVIDENCE_COUNCIL,
    EVIDENCE_DYNAMICS,
    EVIDENCE_OPENNESS_AREA,
    EVIDENCE_ORDER,
    EVIDENCE_ORDER_PROGRAMME,
    EVIDENCE_PD,
    EVIDENCE_PUBLICATION,
    INTERNATIONAL,
    NOTE_HIGHEST_LEVEL,
    NOTE_PD_SUMMED,
    NOTE_PUBLICATION_COAUTHORED,
    NOTE_WINNER,
    ORG,
    PUBLICATION_LABELS,
    REGION,
    REPUBLIC,
    dynamics_stable_growth,
    dynamics_unstable_stable_growth,
)
from scoring.sheets.head import INCLUSIVE_PD_STEPS
from scoring.sheets.model import (
    Bonus,
    Criterion,
    Quantity,
    Scale,
    ScoringSheet,
    flag,
    hours,
    levels,
    threshold,
)

REF = "App 11, sheet 3"

# The deputy's areas of work (a deputy answers the criteria of their area and the common ones).
AREA_ACADEMIC = "academic"
AREA_PROFILE = "profile"
AREA_METHODICAL = "methodical"
AREA_DIGITAL = "digitalisation"

AREA_LABELS: dict[str, str] = {
    AREA_ACADEMIC: N_("academic work"),
    AREA_PROFILE: N_("profile education"),
    AREA_METHODICAL: N_("methodical work"),
    AREA_DIGITAL: N_("digitalisation"),
}


def _c(
    criterion_id: str, title: str, evidence: str, scale: Scale, *notes: str, area: str | None = None
) -> Criterion:
    return Criterion(
        id=criterion_id,
        title=title,
        evidence=evidence,
        scale=scale,
        ref=f"{REF}, {criterion_id}",
        notes=notes,
        area=area,
    )


def _by_level(five: bool = True, winner: bool = False) -> Scale:
    return levels(
        (DISTRICT, 2),
        (REGION, 3),
        (REPUBLIC, 4),
        (INTERNATIONAL, 5 if five else 4),
        bonus=Bonus.WINNER if winner else None,
    )


OPENNESS = _c("1.1", N_("Openness of the organisation (in the deputy's area)"), EVIDENCE_OPENNESS_AREA, flag(2))
COOPERATION = _c(
    "1.2",
    N_("Cooperation with education organisations and social partners at different levels"),
    EVIDENCE_AGREEMENTS,
    levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 4), kinds_add_up=False),
)
QUALITY_DYNAMICS = _c(
    "2.1",
    N_("Knowledge-quality dynamics / programme mastery / skills of children with special needs / mastery "
       "of the preschool model curriculum (deputy for academic work)"),
    EVIDENCE_DYNAMICS,
    dynamics_stable_growth(),
    area=AREA_ACADEMIC,
)
ADMISSIONS = _c(
    "2.2",
    N_("Graduates admitted on state grants to TVET, post-secondary and higher education (deputy for "
       "profile education)"),
    EVIDENCE_DYNAMICS,
    dynamics_unstable_stable_growth(),
    area=AREA_PROFILE,
)
STUDENT_CONTESTS = _c(
    "2.3",
    N_("Students in contests, olympiads or competitions on the approved lists or plans"),
    EVIDENCE_ACHIEVEMENTS,
    _by_level(winner=True),
    NOTE_WINNER,
    NOTE_HIGHEST_LEVEL,
)
EXPERT_SHARE = _c(
    "3.1",
    N_("Teachers with the expert, researcher or master category among all teachers (deputy for "
       "methodical work)"),
    EVIDENCE_DYNAMICS,
    dynamics_unstable_stable_growth(),
    area=AREA_METHODICAL,
)
DIGITAL_RESOURCES = _c(
    "3.2",
    N_("Teachers developing their own digital educational resources, recommended by a methodical council "
       "(deputy for digitalisation)"),
    EVIDENCE_COUNCIL,
    levels((ORG, 2), (DISTRICT, 3), (REGION, 4)),
    NOTE_HIGHEST_LEVEL,
    area=AREA_DIGITAL,
)
TEACHER_CONTESTS = _c(
    "3.3",
    N_("Teachers in professional contests or olympiads on the approved lists or plans"),
    EVIDENCE_ACHIEVEMENTS,
    _by_level(winner=True),
    NOTE_WINNER,
    NOTE_HIGHEST_LEVEL,
)
INCLUSIVE_PD = _c(
    "3.4",
    N_("Share of teachers who took PD courses in inclusive education"),
    EVIDENCE_PD,
    threshold(Quantity.PERCENT, INCLUSIVE_PD_STEPS),
    N_("50 % · 60 % · at least 70 %."),
)
OWN_CONTESTS = _c(
    "3.5",
    N_("The deputy's participation in professional contests or olympiads"),
    EVIDENCE_ACHIEVEMENTS,
    _by_level(five=False, winner=True),
    NOTE_WINNER,
    NOTE_HIGHEST_LEVEL,
)
OWN_MATERIALS = _c(
    "4.1",
    N_("Programmes and (educational-)methodical materials developed by the deputy, recommended by a "
       "methodical council (district · region · republic)"),
    EVIDENCE_COUNCIL,
    levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4)),
    NOTE_HIGHEST_LEVEL,
)
TALKS = _c(
    "4.2",
    N_("The deputy's talks at seminars, conferences, forums, trainings, master classes, PD courses"),
    EVIDENCE_ORDER_PROGRAMME,
    _by_level(),
    NOTE_HIGHEST_LEVEL,
)
PUBLICATION = _c(
    "4.3",
    N_("The deputy's publications based on research"),
    EVIDENCE_PUBLICATION,
    levels((REGION, 5), (REPUBLIC, 6), coauthored={REGION: 2, REPUBLIC: 2}, labels=PUBLICATION_LABELS),
    NOTE_PUBLICATION_COAUTHORED,
)
INNOVATION = _c(
    "4.4",
    N_("The deputy's participation in innovative (experimental, creative) activities, pilot projects and "
       "programmes, innovation sites"),
    EVIDENCE_ORDER,
    _by_level(),
    NOTE_HIGHEST_LEVEL,
)
GROUPS = _c(
    "4.5",
    N_("The deputy's participation in working or creative groups, expert councils or contest commissions"),
    EVIDENCE_ORDER,
    _by_level(),
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

THRESHOLD_NOTE = N_(
    "The printed thresholds are kept although the sheet's minimal profile sums to 30 · 48 · 64 "
    "(preschool: 28 · 45 · 60)."
)

DEPUTY = ScoringSheet(
    id="deputy",
    title=N_("Portfolio of a deputy head of an education organisation"),
    ref=REF,
    criteria=(
        OPENNESS,
        COOPERATION,
        QUALITY_DYNAMICS,
        ADMISSIONS,
        STUDENT_CONTESTS,
        EXPERT_SHARE,
        DIGITAL_RESOURCES,
        TEACHER_CONTESTS,
        INCLUSIVE_PD,
        OWN_CONTESTS,
        OWN_MATERIALS,
        TALKS,
        PUBLICATION,
        INNOVATION,
        GROUPS,
        PD_HOURS,
    ),
    thresholds={Category.DEPUTY_3: 30, Category.DEPUTY_2: 47, Category.DEPUTY_1: 62},
    printed_max=67,
    notes=(THRESHOLD_NOTE,),
)

DEPUTY_PRESCHOOL = ScoringSheet(
    id="deputy-preschool",
    title=N_("Portfolio of a deputy head of a preschool organisation"),
    ref=f"{REF}, row for preschool organisations",
    criteria=tuple(c for c in DEPUTY.criteria if c.id != ADMISSIONS.id),
    thresholds={Category.DEPUTY_3: 28, Category.DEPUTY_2: 44, Category.DEPUTY_1: 58},
    printed_max=67,
    reduced_hours=True,
    notes=(
        N_("Interpretation: criterion 2.2 (graduates' grant admissions) is dropped; PD hours use "
           "36 · 72 · 80."),
        THRESHOLD_NOTE,
    ),
)
