"""The schema of a rule set file: every table and key, its type and range (pydantic, checked on load)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from scoring.categories import Education

Int = Annotated[int, Strict()]
Count = Annotated[int, Strict(), Field(ge=0)]
Positive = Annotated[int, Strict(), Field(ge=1)]
Bool = Annotated[bool, Strict()]
Text = Annotated[str, Strict(), Field(min_length=1)]
# "@name": the value of [interpretations] name, so a reading chosen there reaches the sheets and documents.
Reference = Annotated[str, Strict(), Field(pattern=r"^@[a-z_]+$")]
ClockTime = Annotated[str, Strict(), Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
MonthDay = Annotated[str, Strict(), Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]

ACADEMIC_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Table):
    order: Text
    date: date
    clauses: list[Text] = Field(min_length=1)
    note: Text | None = None


class Applies(Table):
    from_: Text = Field(alias="from")
    to: Text | None = None
    in_force_from: date | None = None

    @field_validator("from_", "to")
    @classmethod
    def _academic_year(cls, value: str | None) -> str | None:
        if value is None:
            return value
        match = ACADEMIC_YEAR.match(value)
        if match is None or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError("must be an academic year like 2025/26")
        return value


class Meta(Table):
    id: Annotated[str, Strict(), Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    version: Text
    title: Text
    source: Source
    applies: Applies


class Window(Table):
    opens: MonthDay
    closes: MonthDay


class Deadlines(Table):
    acceptance_notice: Count
    extract: Count
    attested_list: Count
    # Older files had the complaint's deadlines here; [appeals] holds them now (and takes these if it is absent).
    complaint_forwarded: Count | None = None
    complaint_reviewed: Count | None = None


class Appeals(Table):
    """§26: the complaint's periods (scoring.appeals). Optional: a file without it gets the pilot's."""

    filing_months: Positive = 3
    forward_working_days: Count = 3
    provider_review_working_days: Positive = 5
    quality_body_review_working_days: Positive = 15
    remind_working_days_before: Count = 1


class WorkingHours(Table):
    start: ClockTime
    end: ClockTime


class Essay(Table):
    min_words: Positive
    max_words: Positive


class Retirement(Table):
    exemption_years: Count
    age_men: Positive
    age_women: Positive


class EarlyRequired(Table):
    expert: Count
    researcher: Count
    master: Count


class Early(Table):
    min_years_since_last: Count
    required: EarlyRequired


class MinExperience(Table):
    """§31: years of pedagogical experience, for every category one claims on the teacher ladder."""

    teacher: Count
    moderator: Count
    expert: Count
    researcher: Count
    master: Count


Educations = Annotated[list[Education], Field(min_length=1)]


class RequiredEducation(Table):
    """§31: the education levels that qualify, for every category one claims on the teacher ladder."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)

    teacher: Educations
    moderator: Educations
    expert: Educations
    researcher: Educations
    master: Educations


class Eligibility(Table):
    """§31 experience and education by category, §3/§43 validity, §43 leaders' lead time, §34, §6."""

    min_experience: MinExperience
    education: RequiredEducation
    validity_years_teacher: Count
    validity_years_deputy: Count
    validity_years_head: Count
    leader_apply_months_before: Count
    postponement_max_years: Count
    tvet_moderator_min_years: Count
    tvet_expert_more_than_years: Count


Percent = Annotated[int, Strict(), Field(ge=0, le=100)]


class TestThresholds(Table):
    teacher: Percent
    moderator: Percent
    expert: Percent
    researcher: Percent
    master: Percent
    leader: Percent


class MethodistSheets(Table):
    """App 8 sheet 2 criterion 1.1: the observation sheets a methodist brings, by claimed category."""

    moderator: Positive
    expert: Positive
    researcher: Positive
    master: Positive


class Observation(Table):
    max_level: Positive
    total_cap: Positive
    min_sheets: Positive
    methodist_sheets: MethodistSheets


class SelfAssessment(Table):
    max_hours: Positive
    max_count: Positive
    max_observation_sheets: Positive
    max_kinds: Positive


class Voting(Table):
    majority_of: Literal["present", "cast"]
    quorum_numerator: Positive
    quorum_denominator: Positive
    min_members: Positive


class Reminders(Table):
    days_before_close: list[Positive]
    quiet_start: ClockTime
    quiet_end: ClockTime
    expiry_months_teacher: list[Positive]
    expiry_months_leader: list[Positive]


class Commission(Table):
    invite_days: Positive


class Retention(Table):
    decision_records_years: Positive
    rebuild_start: ClockTime
    rebuild_end: ClockTime


class Interpretations(Table):
    deputy_thresholds: Literal["printed", "columns"]
    deputy_own_area_only: Bool
    dissemination_items: Literal["uncapped", "capped"]
    observation_mean_rounding: Literal["exact", "half_up", "down"]
    coauthored_material_organisation_points: Count
    course_hours_between_steps: Literal["lower_step", "exact"]
    professional_achievements: Literal["if_any", "required"]
    student_achievements: Literal["pilot", "egov"]
    leader_observation_sheets: Literal["pilot", "egov"]


class Document(Table):
    need: Literal["required", "if_any"] | Reference
    clause: Text


class Area(Table):
    label: Text


class LevelOption(Table):
    name: Text
    label: Text | None = None
    points: Count
    coauthored_points: Count | Reference | None = None
    max_count: Positive | None = None


class Step(Table):
    min: Count
    points: Count
    strict: Bool = False


class Criterion(Table):
    id: Text
    title: Text
    evidence: Text
    ref: Text
    notes: list[Text] = []
    area: Text | None = None
    scale: Literal["level", "count", "threshold", "flag", "observation"]
    kinds_add_up: Bool = False
    levels: list[LevelOption] = []
    quantity: Literal["hours", "percent", "sheets"] | None = None
    steps: list[Step] = []
    reduced_steps: list[Step] = []
    summed: Bool = False
    points: Count = 0
    bonus: Literal["winner", "off_budget"] | None = None


class Sheet(Table):
    title: Text
    ref: Text
    based_on: Text | None = None
    without: list[Text] = []
    thresholds: dict[str, Count] = Field(min_length=1)
    column_thresholds: dict[str, Count] | None = None
    printed_max: Positive | None = None
    reduced_hours: Bool = False
    notes: list[Text] = []
    criteria: list[Criterion] = []


class ObservationGroup(Table):
    id: Text
    section: Literal["planning", "teaching", "assessment", "reflection"]
    indicators: list[Text] = Field(min_length=1)


class ObservationSheet(Table):
    title: Text
    ref: Text
    research_only: list[Text] = []
    groups: list[ObservationGroup] = Field(min_length=1)


class RuleSetFile(Table):
    ruleset: Meta
    windows: list[Window] = Field(min_length=1)
    deadlines: Deadlines
    appeals: Appeals | None = None
    working_hours: WorkingHours
    essay: Essay
    retirement: Retirement
    early: Early
    eligibility: Eligibility
    test_thresholds: TestThresholds
    observation: Observation
    self_assessment: SelfAssessment
    voting: Voting
    reminders: Reminders
    commission: Commission
    retention: Retention
    interpretations: Interpretations
    documents: dict[str, Document] = Field(min_length=1)
    areas: dict[str, Area] = {}
    sheets: dict[str, Sheet] = Field(min_length=1)
    observation_sheets: dict[str, ObservationSheet] = Field(min_length=1)


# The tables that are the engine's rule sections (scoring.config.Rules reads them by name).
RULE_SECTIONS = (
    "deadlines", "appeals", "working_hours", "essay", "retirement", "early", "eligibility", "test_thresholds",
    "observation", "self_assessment", "voting", "reminders", "commission", "retention", "interpretations",
)


def dumped(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_none=True)
