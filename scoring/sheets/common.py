"""Labels, evidence texts and scales shared by several sheets."""

from __future__ import annotations

from scoring.i18n import N_
from scoring.sheets.model import LEVEL_LABELS, Level, LevelOption, Scale, ScaleKind, named

ORG = Level.ORGANISATION.value
DISTRICT = Level.DISTRICT.value
REGION = Level.REGION.value
REPUBLIC = Level.REPUBLIC.value
INTERNATIONAL = Level.INTERNATIONAL.value

# Dynamics levels of the input format (criterion 1.1 of the teacher sheet, leader dynamics criteria).
UNSTABLE = "unstable"
STABLE = "stable"
GROWTH_1_2 = "growth_1_2"
GROWTH_3_PLUS = "growth_3_plus"
GROWTH = "growth"

LABEL_UNSTABLE = N_("unstable dynamics over 3 years")
LABEL_UNSTABLE_ONE_YEAR = N_("unstable dynamics (growth in one academic year)")
LABEL_STABLE = N_("the same level over 3 years")
LABEL_GROWTH = N_("growth (positive dynamics)")

EVIDENCE_DYNAMICS = N_(
    "quality monitoring with conclusions on the analysis of results, comparative tables or diagnostic "
    "tools"
)
EVIDENCE_ACHIEVEMENTS = N_("certificates, diplomas, letters of thanks")
EVIDENCE_ORDER = N_("an extract from an order")
EVIDENCE_ORDER_PROGRAMME = N_("an extract from an order, the programme, a link to the event materials")
EVIDENCE_ORDER_LINK = N_("an extract from an order, a link to the event materials")
EVIDENCE_PUBLICATION = N_("a copy of the publication (a link to it)")
EVIDENCE_COUNCIL = N_("an extract from the minutes of the educational-methodical council")
EVIDENCE_PD = N_("certificates of professional-development courses")
EVIDENCE_OPENNESS = N_(
    "a website and pages in social networks (links), updated at least twice a month"
)
EVIDENCE_OPENNESS_AREA = N_(
    "materials of the deputy's area of work on the website and social-network pages (links), updated at "
    "least twice a month; mass media"
)
EVIDENCE_AGREEMENTS = N_("agreements concluded, joint events held")
EVIDENCE_MATERIAL_BASE = N_(
    "purchase of modern equipment, digital laboratories, interactive equipment, classrooms and the like"
)

NOTE_WINNER = N_("+1 point if there is a winner or prize-winner, however many (once per criterion).")
NOTE_HIGHEST_LEVEL = N_(
    "The same kind of work at several levels counts once, at its highest level; different kinds of work "
    "add up."
)
NOTE_PUBLICATION_COAUTHORED = N_(
    "Co-authored: 2 points; the same work published in several editions or at several levels counts once."
)
NOTE_MATERIALS_COAUTHORED = N_(
    "Co-authored (at most 3 authors, not an author's programme): 2 points at republic level, 1 point at "
    "region or district level; the same work at several levels counts once."
)
NOTE_PD_SUMMED = N_("Hours of two or more courses add up.")
NOTE_PER_ITEM = N_("Region: 2 points per event (printed 6 = 3 events); republic: 3 points per event (9).")
NOTE_OFF_BUDGET = N_("+1 point if the base was further improved with off-budget funds.")

# The two columns of the "publication based on research" criterion (App 8 3.3, App 11 deputy 4.3).
PUBLICATION_LABELS: dict[str, str] = {
    REGION: N_(
        "in an edition of the Institute of Early Childhood Development, the republican PD institute "
        "(РҚББОӨ) or the Y. Altynsarin National Academy of Education"
    ),
    REPUBLIC: N_("in an edition recommended by the republican PD institute (РҚББОӨ) or ЖБССҚЕК"),
}


def dynamics_unstable_stable_growth() -> Scale:
    """Leader dynamics criteria: unstable (growth in one year) 2 · same level 3 · growth 4."""
    return named(
        (UNSTABLE, LABEL_UNSTABLE_ONE_YEAR, 2),
        (STABLE, LABEL_STABLE, 3),
        (GROWTH, LABEL_GROWTH, 4),
    )


def dynamics_stable_growth() -> Scale:
    """Quality dynamics on leader sheets: same level 2 (3rd and 2nd category) · growth 4 (1st)."""
    return named((STABLE, LABEL_STABLE, 2), (GROWTH, LABEL_GROWTH, 4))


def fixed_levels(points: int, *names: str) -> Scale:
    """A by-level criterion that gives the same points at every level (cooperation on cabinet sheets)."""
    return Scale(
        kind=ScaleKind.LEVEL,
        levels=tuple(LevelOption(name=n, label=LEVEL_LABELS[n], points=points) for n in names),
        kinds_add_up=False,
    )
