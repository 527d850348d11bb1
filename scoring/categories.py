"""The domain vocabulary: categories, roles, organisation types (spec §1, §7; App 5)."""

from __future__ import annotations

from enum import StrEnum

from scoring.i18n import N_


class Category(StrEnum):
    """Teacher ladder in order (§31), then the leader ladders (§13, §43, §48)."""

    TRAINEE = "trainee"
    TEACHER = "teacher"
    MODERATOR = "moderator"
    EXPERT = "expert"
    RESEARCHER = "researcher"
    MASTER = "master"
    HEAD_3 = "head_3"
    HEAD_2 = "head_2"
    HEAD_1 = "head_1"
    DEPUTY_3 = "deputy_3"
    DEPUTY_2 = "deputy_2"
    DEPUTY_1 = "deputy_1"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[Category, str] = {
    Category.TRAINEE: N_("pedagogue-trainee"),
    Category.TEACHER: N_("pedagogue"),
    Category.MODERATOR: N_("pedagogue-moderator"),
    Category.EXPERT: N_("pedagogue-expert"),
    Category.RESEARCHER: N_("pedagogue-researcher"),
    Category.MASTER: N_("pedagogue-master"),
    Category.HEAD_3: N_("head, 3rd category"),
    Category.HEAD_2: N_("head, 2nd category"),
    Category.HEAD_1: N_("head, 1st category"),
    Category.DEPUTY_3: N_("deputy head, 3rd category"),
    Category.DEPUTY_2: N_("deputy head, 2nd category"),
    Category.DEPUTY_1: N_("deputy head, 1st category"),
}

TEACHER_LADDER: tuple[Category, ...] = (
    Category.TRAINEE,
    Category.TEACHER,
    Category.MODERATOR,
    Category.EXPERT,
    Category.RESEARCHER,
    Category.MASTER,
)
HEAD_LADDER: tuple[Category, ...] = (Category.HEAD_3, Category.HEAD_2, Category.HEAD_1)
DEPUTY_LADDER: tuple[Category, ...] = (Category.DEPUTY_3, Category.DEPUTY_2, Category.DEPUTY_1)


class Role(StrEnum):
    """Position of the person under attestation (profile question 'role')."""

    TEACHER = "teacher"
    METHODIST = "methodist"  # department head / organisation methodist
    CABINET_METHODIST = "cabinet_methodist"  # methodical-cabinet methodist
    HEAD = "head"
    DEPUTY = "deputy"
    CABINET_HEAD = "cabinet_head"
    CABINET_DEPUTY = "cabinet_deputy"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_leader(self) -> bool:
        return self in (Role.HEAD, Role.DEPUTY, Role.CABINET_HEAD, Role.CABINET_DEPUTY)


ROLE_LABELS: dict[Role, str] = {
    Role.TEACHER: N_("teacher"),
    Role.METHODIST: N_("department head / organisation methodist"),
    Role.CABINET_METHODIST: N_("methodical-cabinet methodist"),
    Role.HEAD: N_("head of organisation"),
    Role.DEPUTY: N_("deputy head"),
    Role.CABINET_HEAD: N_("head of a methodical cabinet"),
    Role.CABINET_DEPUTY: N_("deputy head of a methodical cabinet"),
}


class TeachingPost(StrEnum):
    """What a person in the "teacher" role does: some posts have no students' results to show.

    Criterion 1.1 of the teacher sheet (App 8, its own note) is not scored for mentor-organisers, АӘТД
    organisers, pedagogue-psychologists, psychologists, social pedagogues and pedagogue-assistants;
    ПМПК teachers bring no students' achievements and no lesson observation sheets (egov items 9, 11).
    """

    SUBJECT = "subject"
    SPECIAL_NEEDS = "special_needs"
    PMPK = "pmpk"
    PSYCHOLOGIST = "psychologist"
    SOCIAL_PEDAGOGUE = "social_pedagogue"
    MENTOR_ORGANISER = "mentor_organiser"
    NVTP_ORGANISER = "nvtp_organiser"
    ASSISTANT = "assistant"

    @property
    def label(self) -> str:
        return TEACHING_POST_LABELS[self]

    @property
    def scores_dynamics(self) -> bool:
        """Criterion 1.1 (results dynamics) is scored: the `teacher` sheet, else `teacher-no-dynamics`."""
        return self not in _WITHOUT_DYNAMICS

    @property
    def is_pmpk(self) -> bool:
        return self is TeachingPost.PMPK


_WITHOUT_DYNAMICS = frozenset({
    TeachingPost.PSYCHOLOGIST, TeachingPost.SOCIAL_PEDAGOGUE, TeachingPost.MENTOR_ORGANISER,
    TeachingPost.NVTP_ORGANISER, TeachingPost.ASSISTANT,
})

TEACHING_POST_LABELS: dict[TeachingPost, str] = {
    TeachingPost.SUBJECT: N_("subject teacher, educator or instructor"),
    TeachingPost.SPECIAL_NEEDS: N_("teacher of children with special educational needs"),
    TeachingPost.PMPK: N_("teacher of a psychological-medical-pedagogical consultation (ПМПК)"),
    TeachingPost.PSYCHOLOGIST: N_("pedagogue-psychologist or psychologist"),
    TeachingPost.SOCIAL_PEDAGOGUE: N_("social pedagogue"),
    TeachingPost.MENTOR_ORGANISER: N_("mentor-organiser"),
    TeachingPost.NVTP_ORGANISER: N_("organiser of initial military and technological training (АӘТД)"),
    TeachingPost.ASSISTANT: N_("pedagogue-assistant"),
}


class OrgType(StrEnum):
    GENERAL_SECONDARY = "general_secondary"
    PRESCHOOL = "preschool"
    TVET = "tvet"
    ADDITIONAL = "additional"
    SPECIAL = "special"

    @property
    def label(self) -> str:
        return ORG_TYPE_LABELS[self]


ORG_TYPE_LABELS: dict[OrgType, str] = {
    OrgType.GENERAL_SECONDARY: N_("general secondary education"),
    OrgType.PRESCHOOL: N_("preschool education"),
    OrgType.TVET: N_("technical and vocational education (TVET)"),
    OrgType.ADDITIONAL: N_("additional education"),
    OrgType.SPECIAL: N_("special education"),
}


class Education(StrEnum):
    """Education level, as far as the category table of §1 needs it."""

    VOCATIONAL = "vocational"  # TVET-level professional education by profile
    HIGHER_PEDAGOGICAL = "higher_pedagogical"
    HIGHER_OTHER = "higher_other"  # higher by profile, not pedagogical
    POSTGRADUATE_PEDAGOGICAL = "postgraduate_pedagogical"
    POSTGRADUATE_OTHER = "postgraduate_other"

    @property
    def label(self) -> str:
        return EDUCATION_LABELS[self]


EDUCATION_LABELS: dict[Education, str] = {
    Education.VOCATIONAL: N_("technical and vocational (college)"),
    Education.HIGHER_PEDAGOGICAL: N_("higher pedagogical"),
    Education.HIGHER_OTHER: N_("higher, non-pedagogical, by profile"),
    Education.POSTGRADUATE_PEDAGOGICAL: N_("postgraduate pedagogical"),
    Education.POSTGRADUATE_OTHER: N_("postgraduate, non-pedagogical"),
}


class AttestationKind(StrEnum):
    REGULAR = "regular"
    EARLY = "early"


class CommissionLevel(StrEnum):
    ORGANISATION = "organisation"
    DISTRICT = "district"
    REGION = "region"
    MINISTRY = "ministry"

    @property
    def label(self) -> str:
        return COMMISSION_LEVEL_LABELS[self]


COMMISSION_LEVEL_LABELS: dict[CommissionLevel, str] = {
    CommissionLevel.ORGANISATION: N_("the organisation's commission"),
    CommissionLevel.DISTRICT: N_("the district (city) commission"),
    CommissionLevel.REGION: N_("the regional commission"),
    CommissionLevel.MINISTRY: N_("the ministry's commission"),
}


class OldCategory(StrEnum):
    """Categories of the former system; not equivalent to the new ladder (§32)."""

    SECOND = "second"
    FIRST = "first"
    HIGHEST = "highest"

    @property
    def label(self) -> str:
        return OLD_CATEGORY_LABELS[self]


OLD_CATEGORY_LABELS: dict[OldCategory, str] = {
    OldCategory.SECOND: N_("second category (old system)"),
    OldCategory.FIRST: N_("first category (old system)"),
    OldCategory.HIGHEST: N_("highest category (old system)"),
}


class Subordination(StrEnum):
    """Whose organisation it is; §13 sends some claims of subordinate organisations one level up."""

    LOCAL = "local"  # an ordinary organisation of a district or city
    REGIONAL = "regional"  # subordinate to a regional (or Astana, Almaty, Shymkent) education department
    REPUBLICAN = "republican"  # subordinate to the ministry, or an organisation of a sectoral state body

    @property
    def label(self) -> str:
        return SUBORDINATION_LABELS[self]


SUBORDINATION_LABELS: dict[Subordination, str] = {
    Subordination.LOCAL: N_("a district or city organisation"),
    Subordination.REGIONAL: N_("subordinate to the regional education department"),
    Subordination.REPUBLICAN: N_("subordinate to the ministry or another state body"),
}
