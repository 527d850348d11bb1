"""App 11, second and fourth sheets: head and deputy head of a methodical cabinet (centre) (spec §5.3)."""

from __future__ import annotations

from scoring.categories import Category
from scoring.i18n import N_
from scoring.sheets.common import (
    DISTRICT,
    EVIDENCE_AGREEMENTS,
    EVIDENCE_COUNCIL,
    EVIDENCE_DYNAMICS,
    EVIDENCE_MATERIAL_BASE,
    EVIDENCE_OPENNESS,
    EVIDENCE_OPENNESS_AREA,
    EVIDENCE_ORDER,
    EVIDENCE_ORDER_PROGRAMME,
    EVIDENCE_PD,
    EVIDENCE_PUBLICATION,
    INTERNATIONAL,
    NOTE_HIGHEST_LEVEL,
    NOTE_OFF_BUDGET,
    NOTE_PD_SUMMED,
    NOTE_PUBLICATION_COAUTHORED,
    PUBLICATION_LABELS,
    REGION,
    REPUBLIC,
    dynamics_unstable_stable_growth,
    fixed_levels,
)
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

HEAD_REF = "App 11, sheet 2"
DEPUTY_REF = "App 11, sheet 4"

# 36 · 72 · over 72 hours (both cabinet sheets).
CABINET_PD_STEPS = hours((36, 2), (72, 3), (72, 4), strict_last=True)


def _c(ref: str, criterion_id: str, title: str, evidence: str, scale: Scale, *notes: str) -> Criterion:
    return Criterion(
        id=criterion_id, title=title, evidence=evidence, scale=scale, ref=f"{ref}, {criterion_id}", notes=notes
    )


def _by_level(five: bool) -> Scale:
    return levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 5 if five else 4))


CABINET_HEAD = ScoringSheet(
    id="cabinet-head",
    title=N_("Portfolio of the head of a methodical cabinet (centre)"),
    ref=HEAD_REF,
    criteria=(
        _c(HEAD_REF, "1.1", N_("Openness of the organisation"), EVIDENCE_OPENNESS, flag(2)),
        _c(
            HEAD_REF,
            "1.2",
            N_("Improvement of the material and technical base"),
            EVIDENCE_MATERIAL_BASE,
            flag(2, bonus=Bonus.OFF_BUDGET),
            NOTE_OFF_BUDGET,
        ),
        _c(
            HEAD_REF,
            "1.3",
            N_("Cooperation with education organisations and social partners at different levels"),
            EVIDENCE_AGREEMENTS,
            fixed_levels(2, DISTRICT, REGION, REPUBLIC, INTERNATIONAL),
            N_("2 points at any level."),
        ),
        _c(
            HEAD_REF,
            "2.1",
            N_("Teachers with the expert, researcher or master category among all teachers (dynamics)"),
            EVIDENCE_DYNAMICS,
            dynamics_unstable_stable_growth(),
        ),
        _c(
            HEAD_REF,
            "3.1",
            N_("Programmes and educational-methodical materials developed by the head, recommended by a "
               "methodical council (district · region · republic)"),
            EVIDENCE_COUNCIL,
            levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4)),
            NOTE_HIGHEST_LEVEL,
        ),
        _c(
            HEAD_REF,
            "3.2",
            N_("The head's participation in innovative (experimental, creative) activity and social "
               "(educational) projects"),
            EVIDENCE_ORDER,
            _by_level(five=True),
            NOTE_HIGHEST_LEVEL,
        ),
        _c(
            HEAD_REF,
            "3.3",
            N_("The head's participation in working or creative groups, expert councils or contest "
               "commissions"),
            EVIDENCE_ORDER,
            _by_level(five=False),
            NOTE_HIGHEST_LEVEL,
        ),
        _c(
            HEAD_REF,
            "3.4",
            N_("Programmes and educational-methodical materials developed by the head (a second work)"),
            EVIDENCE_COUNCIL,
            levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4)),
            N_("The text repeats the wording of 3.1: one work counts under one of the two criteria only."),
        ),
        _c(
            HEAD_REF,
            "4.1",
            N_("Professional-development courses in management on programmes agreed with the ministry "
               "(total hours)"),
            EVIDENCE_PD,
            threshold(Quantity.HOURS, CABINET_PD_STEPS, summed=True),
            NOTE_PD_SUMMED,
            N_("36 · 72 · more than 72 hours."),
        ),
    ),
    thresholds={Category.HEAD_3: 18, Category.HEAD_2: 24, Category.HEAD_1: 30},
    printed_max=31,
)

CABINET_DEPUTY = ScoringSheet(
    id="cabinet-deputy",
    title=N_("Portfolio of a deputy head of a methodical cabinet (centre)"),
    ref=DEPUTY_REF,
    criteria=(
        _c(DEPUTY_REF, "1.1", N_("Openness of the organisation (in the deputy's area)"), EVIDENCE_OPENNESS_AREA,
           flag(2)),
        _c(
            DEPUTY_REF,
            "1.2",
            N_("Cooperation with education organisations and social partners at different levels"),
            EVIDENCE_AGREEMENTS,
            levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 4), kinds_add_up=False),
        ),
        _c(
            DEPUTY_REF,
            "2.1",
            N_("Programmes and (educational-)methodical materials developed by the deputy, recommended by a "
               "methodical council (district · region · republic)"),
            EVIDENCE_COUNCIL,
            levels((DISTRICT, 2), (REGION, 3), (REPUBLIC, 4)),
            NOTE_HIGHEST_LEVEL,
        ),
        _c(
            DEPUTY_REF,
            "2.2",
            N_("The deputy's talks at seminars, conferences, forums, trainings, master classes, PD courses"),
            EVIDENCE_ORDER_PROGRAMME,
            _by_level(five=True),
            NOTE_HIGHEST_LEVEL,
        ),
        _c(
            DEPUTY_REF,
            "2.3",
            N_("The deputy's publication based on research (at most 3 authors)"),
            EVIDENCE_PUBLICATION,
            levels((REGION, 5), (REPUBLIC, 6), coauthored={REGION: 2, REPUBLIC: 2}, labels=PUBLICATION_LABELS),
            NOTE_PUBLICATION_COAUTHORED,
        ),
        _c(
            DEPUTY_REF,
            "2.4",
            N_("The deputy's participation in innovative (experimental, creative) activity, pilot projects "
               "and programmes, innovation sites"),
            EVIDENCE_ORDER,
            _by_level(five=True),
            NOTE_HIGHEST_LEVEL,
        ),
        _c(
            DEPUTY_REF,
            "2.5",
            N_("The deputy's participation in working or creative groups, expert councils or contest "
               "commissions"),
            EVIDENCE_ORDER,
            _by_level(five=True),
            NOTE_HIGHEST_LEVEL,
        ),
        _c(
            DEPUTY_REF,
            "3.1",
            N_("Professional-development courses in management or methodical work on programmes agreed with "
               "the ministry (total hours)"),
            EVIDENCE_PD,
            threshold(Quantity.HOURS, CABINET_PD_STEPS, summed=True),
            NOTE_PD_SUMMED,
            N_("36 · 72 · more than 72 hours."),
        ),
    ),
    thresholds={Category.DEPUTY_3: 14, Category.DEPUTY_2: 25, Category.DEPUTY_1: 32},
    printed_max=35,
)
