"""App 8, second sheet: department head / organisation methodist and methodical-cabinet methodist (§5.2)."""

from __future__ import annotations

from scoring.categories import Category
from scoring.i18n import N_
from scoring.sheets.common import (
    DISTRICT,
    EVIDENCE_ACHIEVEMENTS,
    EVIDENCE_COUNCIL,
    EVIDENCE_ORDER,
    EVIDENCE_ORDER_LINK,
    EVIDENCE_ORDER_PROGRAMME,
    EVIDENCE_PD,
    EVIDENCE_PUBLICATION,
    INTERNATIONAL,
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
)
from scoring.sheets.model import (
    Bonus,
    Criterion,
    Quantity,
    ScoringSheet,
    Step,
    hours,
    levels,
    per_item,
    threshold,
)

REF = "App 8, sheet 2"

FEEDBACK = Criterion(
    id="1.1",
    title=N_("Constructive feedback on lesson (activity, event) observation"),
    evidence=N_("observation sheets of the last academic year with feedback (observation, checking and advice)"),
    scale=threshold(Quantity.SHEETS, (Step(4, 3), Step(6, 6), Step(7, 9))),
    ref=f"{REF}, 1.1",
    notes=(N_("Sheets per year: 4 · 5 · 6 · 7 give 3 · 3 · 6 · 9 points."),),
)

RESEARCH = Criterion(
    id="2.1",
    title=N_("Participation in research (innovative, creative) activity"),
    evidence=EVIDENCE_ACHIEVEMENTS,
    scale=levels((ORG, 1), (DISTRICT, 2), (REGION, 3), (REPUBLIC, 4)),
    ref=f"{REF}, 2.1",
    notes=(NOTE_HIGHEST_LEVEL,),
)

CONTESTS = Criterion(
    id="2.2",
    title=N_("Participation in professional contests or olympiads"),
    evidence=EVIDENCE_ACHIEVEMENTS,
    scale=levels(
        (ORG, 1), (DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 5), bonus=Bonus.WINNER
    ),
    ref=f"{REF}, 2.2",
    notes=(NOTE_WINNER, N_("Not for methodical-cabinet methodists."), NOTE_HIGHEST_LEVEL),
)

DISSEMINATION = Criterion(
    id="3.1",
    title=N_(
        "Experience disseminated on the basis of own materials, approved by the regional methodical council "
        "(at least 3 districts, researcher) or the republican one (at least 3 regions, master)"
    ),
    evidence=EVIDENCE_ORDER_LINK,
    scale=per_item((REGION, 2, 3), (REPUBLIC, 3, 3)),
    ref=f"{REF}, 3.1",
    notes=(NOTE_PER_ITEM,),
)

TALKS = Criterion(
    id="3.2",
    title=N_("Talks at seminars, conferences, forums, trainings, master classes, PD courses"),
    evidence=EVIDENCE_ORDER_PROGRAMME,
    scale=levels((ORG, 1), (DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 5)),
    ref=f"{REF}, 3.2",
    notes=(NOTE_HIGHEST_LEVEL,),
)

PUBLICATION = Criterion(
    id="3.3",
    title=N_("Publication based on research (innovative, creative) activity (at most 3 authors)"),
    evidence=EVIDENCE_PUBLICATION,
    scale=levels(
        (REGION, 5), (REPUBLIC, 6), coauthored={REGION: 2, REPUBLIC: 2}, labels=PUBLICATION_LABELS
    ),
    ref=f"{REF}, 3.3",
    notes=(NOTE_PUBLICATION_COAUTHORED,),
)

GROUPS = Criterion(
    id="3.4",
    title=N_("Participation in working or creative groups, expert councils or contest commissions"),
    evidence=EVIDENCE_ORDER,
    scale=levels((ORG, 1), (DISTRICT, 2), (REGION, 3), (REPUBLIC, 4), (INTERNATIONAL, 5)),
    ref=f"{REF}, 3.4",
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
    ref=f"{REF}, 3.5",
    notes=(NOTE_MATERIALS_COAUTHORED, NOTE_HIGHEST_LEVEL),
)

PD_HOURS = Criterion(
    id="4.1",
    title=N_("Professional-development courses on programmes agreed with the ministry (total hours)"),
    evidence=EVIDENCE_PD,
    scale=threshold(
        Quantity.HOURS,
        hours((72, 2), (80, 3), (108, 4)),
        reduced=hours((36, 2), (72, 3), (80, 4)),
        summed=True,
    ),
    ref=f"{REF}, 4.1",
    notes=(
        NOTE_PD_SUMMED,
        N_("Preschool organisations and methodical-cabinet methodists: 36 · 36 · 72 · 80 or more hours."),
    ),
)

METHODIST = ScoringSheet(
    id="methodist",
    title=N_("Portfolio of a department head or organisation methodist"),
    ref=REF,
    criteria=(FEEDBACK, RESEARCH, CONTESTS, DISSEMINATION, TALKS, PUBLICATION, GROUPS, MATERIALS, PD_HOURS),
    thresholds={Category.MODERATOR: 10, Category.EXPERT: 15, Category.RESEARCHER: 35, Category.MASTER: 48},
    printed_max=51,
)

CABINET_METHODIST = ScoringSheet(
    id="cabinet-methodist",
    title=N_("Portfolio of a methodical-cabinet (centre) methodist"),
    ref=f"{REF}, row for methodical-cabinet methodists",
    criteria=tuple(c for c in METHODIST.criteria if c.id != CONTESTS.id),
    thresholds={Category.MODERATOR: 9, Category.EXPERT: 13, Category.RESEARCHER: 32, Category.MASTER: 44},
    printed_max=46,
    reduced_hours=True,
    notes=(N_("Criterion 2.2 (professional contests) does not apply; PD hours use 36 · 36 · 72 · 80."),),
)
