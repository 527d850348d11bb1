"""App 9: the three lesson observation sheets, and criterion 1.2 of the teacher sheet (spec §5.4).

Each indicator is rated 0..``[observation] max_level`` (*assumed* 0-3: the text prints four level
columns); a sheet total is capped at ``total_cap`` (102, printed "max 102"; the special-education sheet
has 35 indicators, so its total is capped, *interpretation*). Two Planning indicators of each sheet
apply only to researcher and master claims. Criterion 1.2 is the arithmetic mean of at least
``min_sheets`` (5) sheets of the last academic year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from scoring.categories import Category
from scoring.config import Rules, default_rules
from scoring.i18n import N_, Phrase


class Section(StrEnum):
    PLANNING = "planning"
    TEACHING = "teaching"
    ASSESSMENT = "assessment"
    REFLECTION = "reflection"


SECTION_LABELS: dict[Section, str] = {
    Section.PLANNING: N_("Planning"),
    Section.TEACHING: N_("Teaching (organisation, delivery)"),
    Section.ASSESSMENT: N_("Assessment (monitoring)"),
    Section.REFLECTION: N_("Reflection"),
}

# Claims for which the "research results / author's programme" Planning indicators are rated.
RESEARCH_CLAIMS = frozenset({Category.RESEARCHER, Category.MASTER})

_RESEARCH_METHODS = N_(
    "use of methods and resources is planned taking into account the results of studying practice "
    "(researcher) or on the basis of an author's programme (master)"
)
_RESEARCH_ASSESSMENT = N_(
    "use of assessment methods and tools is planned taking into account the results of studying practice "
    "(researcher) or on the basis of an author's programme (master)"
)


@dataclass(frozen=True)
class Indicator:
    id: str  # "<group>.<n>", e.g. "1.2.4"
    section: Section
    group: str  # the printed row, e.g. "1.2"
    text: str
    research_only: bool = False


@dataclass(frozen=True)
class ObservationSheet:
    id: str
    title: str
    ref: str
    indicators: tuple[Indicator, ...]

    def applicable(self, claimed: Category | None) -> tuple[Indicator, ...]:
        research = claimed in RESEARCH_CLAIMS
        return tuple(i for i in self.indicators if research or not i.research_only)

    def count(self, section: Section) -> int:
        return sum(1 for i in self.indicators if i.section == section)


_Group = tuple[str, Section, tuple[str, ...]]


def _build(groups: Sequence[_Group], research: Sequence[str]) -> tuple[Indicator, ...]:
    """Indicators from (group id, section, texts); `research` lists the research-only indicator ids."""
    result = []
    for group, section, texts in groups:
        for n, text in enumerate(texts, start=1):
            indicator_id = f"{group}.{n}"
            result.append(Indicator(indicator_id, section, group, text, indicator_id in research))
    return tuple(result)


P, T, A, R = Section.PLANNING, Section.TEACHING, Section.ASSESSMENT, Section.REFLECTION

SECONDARY = ObservationSheet(
    id="secondary",
    title=N_("Observation sheet of a lesson (event) in secondary and TVET organisations"),
    ref="App 9, sheet 1",
    indicators=_build(
        (
            ("1.1", P, (
                N_("lesson objectives match the learning objectives (expected results)"),
                N_("objectives are clear and achievable for all students"),
            )),
            ("1.2", P, (
                N_("teaching methods and resources match the objective and expected results"),
                N_("methods and resources match age (individual) characteristics"),
                N_("methods and resources match educational needs"),
                _RESEARCH_METHODS,
            )),
            ("1.3", P, (
                N_("assessment methods and tools match the objective and expected results"),
                N_("assessment methods and tools match age (individual) characteristics"),
                N_("students' self- and peer assessment is planned at all stages of the lesson"),
                _RESEARCH_ASSESSMENT,
            )),
            ("2.1", T, (
                N_("consistent, interconnected mastering of terms and concepts is visible"),
                N_("tasks develop skills of finding, obtaining and explaining information from various sources"),
                N_("students are engaged in finding ways to apply the material in practice"),
            )),
            ("2.2", T, (
                N_("digital educational resources developed by the teacher are used, considering individual "
                   "needs (if any)"),
                N_("links and comments on sources on the topic (including additional sources) are given"),
            )),
            ("2.3", T, (
                N_("teaching methods promote interaction between students (or teacher-student)"),
                N_("educational needs and individual characteristics are taken into account"),
                N_("differentiation of tasks and resources matches students' needs (extra guidance for "
                   "low achievers)"),
                N_("ways of raising cognitive interest are used at all stages of the lesson"),
            )),
            ("2.4", T, (
                N_("the lesson structure is kept, with changes made for students' needs"),
                N_("time is distributed rationally (time management)"),
                N_("the balance of teacher and student talk is kept"),
            )),
            ("2.5", T, (
                N_("a balance of forms of interaction is kept (roles are assigned in group work)"),
                N_("students take an active part in discussion"),
            )),
            ("2.6", T, (
                N_("resources and tasks promote the development of values"),
                N_("students show commitment to values"),
            )),
            ("3.1", A, (
                N_("students are engaged in setting objectives and defining expected results"),
                N_("students' progress is assessed at all stages of the lesson"),
                N_("assessment methods and tools help all students achieve the objectives (adapted to "
                   "needs)"),
                N_("timely feedback and recommendations on developing skills are given"),
                N_("opportunities for self- and peer assessment are given at all stages"),
                N_("reflection matches the objectives and expected results; skills development is planned"),
            )),
            ("4.1", R, (
                N_("the lesson is evaluated on the basis of students' achievement of the objectives"),
            )),
            ("4.2", R, (
                N_("directions and concrete actions for developing practice are set on the basis of the "
                   "lesson's evaluation"),
            )),
        ),
        research=("1.2.4", "1.3.4"),
    ),
)

PRESCHOOL = ObservationSheet(
    id="preschool",
    title=N_("Observation sheet of an organised activity in preschool organisations and pre-school classes"),
    ref="App 9, sheet 2",
    indicators=_build(
        (
            ("1.1", P, (
                N_("the objective matches the content of the organised activity"),
                N_("the organised activity is clear and accessible to all children"),
            )),
            ("1.2", P, (
                N_("upbringing and teaching methods match the objectives"),
                N_("methods match the children's age"),
                N_("methods match the educational needs of all children"),
                _RESEARCH_METHODS,
            )),
            ("1.3", P, (
                N_("forms of interaction support children's individual and collective interests and needs"),
                N_("forms of interaction match the children's age"),
                N_("emotional comfort of the children is ensured during the day"),
                _RESEARCH_METHODS,
            )),
            ("2.1", T, (
                N_("consistent, interconnected mastering of terms and concepts is visible"),
                N_("methods develop skills of finding, obtaining and explaining information"),
                N_("resources develop skills of finding information from various sources"),
                N_("children are engaged in finding ways to apply the material in practice"),
            )),
            ("2.2", T, (
                N_("digital resources developed by the teacher are used, considering children's needs"),
                N_("author's links to additional sources are given to parents"),
            )),
            ("2.3", T, (
                N_("resources promote interaction between children"),
                N_("educational needs and individual characteristics of all children are considered"),
                N_("differentiation of resources matches the needs of all children"),
                N_("methods of raising cognitive interest are used"),
            )),
            ("2.4", T, (
                N_("the daily routine is kept, with changes made for children's needs"),
                N_("time is distributed rationally (time management)"),
                N_("the balance of teacher and children's talk is kept"),
            )),
            ("2.5", T, (
                N_("a balance of forms of interaction is kept (roles are assigned)"),
                N_("children's individual needs and interests are considered when organising interaction"),
                N_("children take an active part in dialogue and discussion"),
            )),
            ("2.6", T, (
                N_("resources and tasks promote the development of values"),
                N_("children show commitment to values"),
            )),
            ("3.1", A, (
                N_("children have self-organisation skills"),
                N_("activities match the children's age"),
                N_("children show interest in a certain activity"),
                N_("self- and peer assessment is carried out"),
            )),
            ("4.1", R, (
                N_("the activity is evaluated on the basis of children's achievement of the tasks"),
            )),
            ("4.2", R, (
                N_("directions and concrete actions for developing practice are set on the basis of "
                   "self-analysis"),
            )),
        ),
        research=("1.2.4", "1.3.4"),
    ),
)

SPECIAL = ObservationSheet(
    id="special",
    title=N_("Observation sheet of a session of a special-education teacher"),
    ref="App 9, sheet 3",
    indicators=_build(
        (
            ("1.1", P, (
                N_("objectives (tasks) match the zone of proximal development"),
                N_("objectives are clear and achievable within the session"),
            )),
            ("1.2", P, (
                N_("methods and resources match the objectives (tasks)"),
                N_("methods and resources match age (individual) characteristics"),
                N_("methods and resources match the needs"),
                _RESEARCH_METHODS,
            )),
            ("1.3", P, (
                N_("assessment methods match the objectives (tasks)"),
                N_("assessment methods match age (individual) characteristics"),
                N_("assessment methods match educational needs"),
                _RESEARCH_ASSESSMENT,
            )),
            ("2.1", T, (
                N_("the work on meeting the child's special needs is systematic"),
                N_("methods engage the child in an active correctional-developmental process"),
                N_("tasks engage the child in an active correctional-developmental process"),
                N_("materials are presented considering needs and individual characteristics"),
            )),
            ("2.2", T, (
                N_("resources are developed (adapted) considering special educational needs"),
                N_("digital educational resources are used considering individual needs (no "
                   "contraindications)"),
            )),
            ("2.3", T, (
                N_("methods and resources promote the correctional process"),
                N_("needs, interests and individual characteristics are considered"),
                N_("resources individualise teaching (the correctional process)"),
                N_("methods of raising cognitive interest are used"),
            )),
            ("2.4", T, (
                N_("the session structure is kept"),
                N_("the teacher takes into account that changes are needed for individual needs"),
                N_("the teacher responds flexibly to the need for changes; time is distributed rationally "
                   "and the permitted load is kept, considering special educational needs"),
            )),
            ("2.5", T, (
                N_("a balance of forms of interaction is kept"),
                N_("students' needs and individual characteristics are considered"),
            )),
            ("2.6", T, (
                N_("resources are aimed at developing values"),
                N_("methods and techniques promote the development of values"),
            )),
            ("3.1", A, (
                N_("objectives and tasks are linked with the content of the session"),
                N_("assessment methods and tools match the content"),
                N_("assessment methods and techniques help achieve the objectives"),
                N_("assessment tools (tasks) help achieve the objectives"),
                N_("students' progress in the session is assessed"),
                N_("the teacher gives timely feedback"),
            )),
            ("4.1", R, (
                N_("the session is evaluated on the basis of achieving the objective"),
            )),
            ("4.2", R, (
                N_("concrete actions and directions for developing practice are set on the basis of the "
                   "session's evaluation"),
            )),
        ),
        research=("1.2.4", "1.3.4"),
    ),
)

OBSERVATION_SHEETS: dict[str, ObservationSheet] = {s.id: s for s in (SECONDARY, PRESCHOOL, SPECIAL)}


class ObservationError(ValueError):
    def __init__(self, message: Phrase) -> None:
        super().__init__(message.render())
        self.message = message


@dataclass(frozen=True)
class ObservationScore:
    raw: int  # the sum of the ratings
    total: int  # capped at [observation] total_cap
    rated: int  # number of indicators rated


def score_observation(
    sheet: ObservationSheet,
    ratings: Mapping[str, int],
    claimed: Category | None = None,
    rules: Rules | None = None,
) -> ObservationScore:
    """Total of one filled-in sheet. Unrated applicable indicators count 0; research-only indicators
    may not be rated for a claim below researcher."""
    rules = rules or default_rules()
    max_level = int(rules.observation["max_level"])
    cap = int(rules.observation["total_cap"])
    applicable = {i.id for i in sheet.applicable(claimed)}
    known = {i.id for i in sheet.indicators}
    raw = 0
    for indicator_id, rating in ratings.items():
        if indicator_id not in known:
            raise ObservationError(Phrase(N_("Unknown indicator {indicator}."), {"indicator": indicator_id}))
        if indicator_id not in applicable:
            raise ObservationError(
                Phrase(
                    N_("Indicator {indicator} is rated only for researcher and master claims."),
                    {"indicator": indicator_id},
                )
            )
        if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= max_level:
            raise ObservationError(
                Phrase(
                    N_("Indicator {indicator}: the rating must be a whole number from 0 to {max}."),
                    {"indicator": indicator_id, "max": max_level},
                )
            )
        raw += rating
    return ObservationScore(raw=raw, total=min(raw, cap), rated=len(ratings))


@dataclass(frozen=True)
class ObservationMean:
    """Criterion 1.2: the mean of the sheets, or None when there are too few sheets to score it."""

    count: int
    required: int
    mean: Fraction | None

    @property
    def scorable(self) -> bool:
        return self.mean is not None

    @property
    def why(self) -> Phrase:
        if self.mean is None:
            return Phrase(
                N_("Cannot be scored: {count} observation sheet(s) given, at least {required} of the last "
                   "academic year are needed."),
                {"count": self.count, "required": self.required},
            )
        return Phrase(
            N_("Mean of {count} observation sheets: {mean}."),
            {"count": self.count, "mean": format_points(self.mean)},
        )


def observation_mean(totals: Sequence[Fraction | int], rules: Rules | None = None) -> ObservationMean:
    """Arithmetic mean of the sheet totals (each capped at total_cap); None below min_sheets."""
    rules = rules or default_rules()
    required = int(rules.observation["min_sheets"])
    cap = int(rules.observation["total_cap"])
    for total in totals:
        if not 0 <= total <= cap:
            raise ObservationError(
                Phrase(
                    N_("An observation sheet total must be from 0 to {cap}, got {total}."),
                    {"cap": cap, "total": format_points(Fraction(total))},
                )
            )
    if len(totals) < required:
        return ObservationMean(count=len(totals), required=required, mean=None)
    return ObservationMean(
        count=len(totals), required=required, mean=Fraction(sum(Fraction(t) for t in totals), len(totals))
    )


def format_points(value: Fraction) -> str:
    """12 or 72.4 (two decimals at most)."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")
