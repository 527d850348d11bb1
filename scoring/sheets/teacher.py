"""App 8, first sheet: the teacher's portfolio (spec §5.1), with and without criterion 1.1."""

from __future__ import annotations

from scoring.categories import Category
from scoring.i18n import N_
from scoring.sheets.common import (
    DISTRICT,
    EVIDENCE_ACHIEVEMENTS,
    EVIDENCE_COUNCIL,
    EVIDENCE_DYNAMICS,
    EVIDENCE_ORDER,
    EVIDENCE_ORDER_LINK,
    EVIDENCE_ORDER_PROGRAMME,
    EVIDENCE_PD,
    EVIDENCE_PUBLICATION,
    GROWTH_1_2,
    GROWTH_3_PLUS,
    INTERNATIONAL,
    LABEL_STABLE,
    LABEL_UNSTABLE,
    NOTE_HIGHEST_LEVEL,
    NOTE_MATERIALS_COAUTHORED,
    NOTE_PD_SUMMED,
    NOTE_PER_ITEM,
    NOTE_PUBLICATION_COAUTHORED,
    NOTE_WINNER,
    ORG,
    PUBLICATION_LABELS,
    REGION,
    REPUBLIC,
    STABLE,
    UNSTABLE,
)
from scoring.sheets.model import (
    Bonus,
    Criterion,
    Quantity,
    ScoringSheet,
    hours,
    levels,
    named,
    observation,
    per_item,
    threshold,
)

REF = "App 8, sheet 1"

DYNAMICS = Criterion(
    id="1.1",
    title=N_("Knowledge-quality dynamics / dynamics of mastering the educational programme (3 years)"),
    evidence=EVIDENCE_DYNAMICS,
    scale=named(
        (UNSTABLE, LABEL_UNSTABLE, 1),
        (STABLE, LABEL_STABLE, 2),
        (GROWTH_1_2, N_("growth of 1-2 %"), 3),
        (GROWTH_3_PLUS, N_("growth of at least 3 %"), 4),
    ),
    ref=f"{REF}, 1.1",
    notes=(N_("Not scored for mentor-organisers, initial military and technological training organisers, "
              "pedagogue-psychologists, psychologists, social pedagogues and pedagogue-assistants "
              "(they use the sheet without criterion 1.1)."),),
)

TEACHING_QUALITY = Criterion(
    id="1.2",
    title=N_("Teaching quality (organisation, delivery of lessons)"),
    evidence=N_(
        "lesson (organised activity, event) observation sheets of the last academic year, filled in by the "
        "head, a deputy, a methodist or a teacher of the organisation, a methodical-cabinet methodist, and "
        "a member of the attestation commission of the relevant level (at least once)"
    ),
    scale=observation(),
    ref=f"{REF}, 1.2; explanatory note, item 1",
    notes=(
        N_("The points are the arithmetic mean of at least five observation sheets of the last academic "
           "year (expected: 61 moderator, 71 expert, 81 researcher, 91 master; max 102)."),
    ),
)


def _contests(criterion_id: str, title: str, notes: tuple[str, ...]) -> Criterion:
    return Criterion(
        id=criterion_id,
        title=title,
        evidence=EVIDENCE_ACHIEVEMENTS,
        scale=levels(
            (ORG, 1), (DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 5), bonus=Bonus.WINNER
        ),
        ref=f"{REF}, {criterion_id}; explanatory note, item 2",
        notes=(*notes, NOTE_WINNER, NOTE_HIGHEST_LEVEL),
    )


STUDENT_CONTESTS = _contests(
    "2.1",
    N_("Students' participation in contests, olympiads or competitions on the approved lists or plans"),
    (
        N_("Optional (scored if any) for mentor-organisers, initial military and technological training "
           "organisers, pedagogue-psychologists, psychologists, social pedagogues, teachers of children with "
           "special needs, department heads and organisation methodists."),
    ),
)

TEACHER_CONTESTS = _contests(
    "2.2",
    N_("The teacher's participation in professional contests, olympiads or competitions"),
    (
        N_("For researcher and master: or being a PD-course trainer with a valid certificate."),
    ),
)

DISSEMINATION = Criterion(
    id="3.1",
    title=N_(
        "Experience disseminated on the basis of own materials, approved by the regional methodical council "
        "(at least 3 districts) or the republican one (at least 3 regions)"
    ),
    evidence=EVIDENCE_ORDER_LINK,
    scale=per_item((REGION, 2, 3), (REPUBLIC, 3, 3)),
    ref=f"{REF}, 3.1; explanatory note, item 3",
    notes=(NOTE_PER_ITEM,),
)

TALKS = Criterion(
    id="3.2",
    title=N_("Talks at seminars, conferences, forums, trainings, master classes, PD courses"),
    evidence=EVIDENCE_ORDER_PROGRAMME,
    scale=levels((ORG, 1), (DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 5)),
    ref=f"{REF}, 3.2; explanatory note, item 3",
    notes=(NOTE_HIGHEST_LEVEL,),
)

PUBLICATION = Criterion(
    id="3.3",
    title=N_("Publication based on research (study of practice)"),
    evidence=EVIDENCE_PUBLICATION,
    scale=levels(
        (REGION, 5), (REPUBLIC, 6), coauthored={REGION: 2, REPUBLIC: 2}, labels=PUBLICATION_LABELS
    ),
    ref=f"{REF}, 3.3; explanatory note, item 3",
    notes=(NOTE_PUBLICATION_COAUTHORED,),
)

GROUPS = Criterion(
    id="3.4",
    title=N_("Participation in creative (expert, working) groups and projects"),
    evidence=EVIDENCE_ORDER,
    scale=levels((ORG, 1), (DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 5)),
    ref=f"{REF}, 3.4; explanatory note, item 3",
    notes=(NOTE_HIGHEST_LEVEL,),
)

MATERIALS = Criterion(
    id="3.5",
    title=N_("Educational-methodical materials recommended by a methodical council"),
    evidence=EVIDENCE_COUNCIL,
    scale=levels(
        (ORG, 1),
        (DISTRICT, 2),
        (REGION, 3),
        (REPUBLIC, 4),
        coauthored={ORG: 1, DISTRICT: 1, REGION: 1, REPUBLIC: 2},
    ),
    ref=f"{REF}, 3.5; explanatory note, item 3",
    notes=(NOTE_MATERIALS_COAUTHORED, NOTE_HIGHEST_LEVEL),
)

PD_HOURS = Criterion(
    id="4.1",
    title=N_("Professional-development courses on programmes agreed with the ministry (total hours)"),
    evidence=EVIDENCE_PD,
    scale=threshold(
        Quantity.HOURS,
        hours((72, 1), (80, 3), (108, 4)),
        reduced=hours((36, 1), (72, 3), (80, 4)),
        summed=True,
    ),
    ref=f"{REF}, 4.1; explanatory note, item 3",
    notes=(
        NOTE_PD_SUMMED,
        N_("Preschool organisations and methodical-cabinet methodists: 36 · 36 · 72 · 80 or more hours."),
    ),
)

CLASS_TEACHER_NOTE = N_(
    "Row 4.4 (class teachers and curators: monitoring of upbringing work, 3 / 3-8 / 9-15 / over 16 years) "
    "prints no points: guidance only, not scored."
)

TEACHER = ScoringSheet(
    id="teacher",
    title=N_("Teacher's portfolio"),
    ref=REF,
    criteria=(
        DYNAMICS,
        TEACHING_QUALITY,
        STUDENT_CONTESTS,
        TEACHER_CONTESTS,
        DISSEMINATION,
        TALKS,
        PUBLICATION,
        GROUPS,
        MATERIALS,
        PD_HOURS,
    ),
    thresholds={Category.MODERATOR: 68, Category.EXPERT: 84, Category.RESEARCHER: 113, Category.MASTER: 134},
    printed_max=148,
    notes=(CLASS_TEACHER_NOTE,),
)

TEACHER_NO_DYNAMICS = ScoringSheet(
    id="teacher-no-dynamics",
    title=N_("Teacher's portfolio without criterion 1.1 (roles excluded from knowledge-quality dynamics)"),
    ref=f"{REF}, row 4.2 thresholds",
    criteria=tuple(c for c in TEACHER.criteria if c.id != DYNAMICS.id),
    thresholds={Category.MODERATOR: 67, Category.EXPERT: 82, Category.RESEARCHER: 110, Category.MASTER: 130},
    printed_max=144,
    notes=(
        N_("Interpretation: the second printed row of thresholds (67 · 82 · 110 · 130) with criterion 1.1 "
           "not scored; for roles on the exclusion list of 1.1."),
        CLASS_TEACHER_NOTE,
    ),
)
