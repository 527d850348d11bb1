"""The documents a teacher assembles for attestation, as data (spec §3), and the checklist state.

Sources: the pilot list (App 4 item 8), the standing Rules' list (`000`, App 1 item 8), the egov card
(`002`: 11 items and the extra documents per type of organisation and for methodists).

Blocking rule (spec §3): an item blocks submission only if it applies to this person (role, type of
organisation, claimed category, holds a category or not) and is required. "If any" items never
block; items fetched from state systems (identity document, national qualification test certificate)
are shown and never block. The diploma and the employment record are asked once: "are they in the
state information systems?" (*interpretation*: the bot cannot see them itself); they block only if not.

*Interpretations* kept here, with their reason:
- The head and deputy of a methodical cabinet are attested as methodists (§5), so the methodists'
  extra documents apply to them and the students' achievements do not (egov item 9).
- The extra documents per type of organisation are for the organisation's teachers (egov: "педагогтері
  үшін"): they apply to teachers and department heads / organisation methodists, not to heads, deputies
  or methodical-cabinet staff.
- ПМПК (psychological-medical-pedagogical consultation) teachers are exempt from students' achievements,
  observation sheets and the special-education indicators (egov items 9, 11); the profile asks a
  teacher's post (`TeachingPost.PMPK`).

Where the pilot and the egov card disagree about who must bring a document, the rule set's
`[interpretations]` names the reading (`Reading`); the pilot's is the default, since the pilot's list and
scoring sheets are what the commission scores by:
- `student_achievements`: App 8 criterion 2.1 note 1 makes students' contests "if any" for
  mentor-organisers, АӘТД organisers, psychologists, social pedagogues, teachers of children with special
  needs, department heads and organisation methodists, and App 11 criterion 2.4 note 2 for preschool heads;
  the egov card (item 9) exempts only methodical-cabinet methodists and ПМПК teachers.
- `leader_observation_sheets`: App 11 (heads, deputies, methodical-cabinet heads and deputies) scores no
  observation sheets and App 4 item 8 does not ask for them, so for leaders they are "if any"; the egov
  card (item 11) lists them for everyone but ПМПК teachers. How many a sheet needs depends on the sheet:
  App 8 criterion 1.2 takes the mean of `[observation] min_sheets` for teachers, App 8 sheet 2 criterion
  1.1 counts `[observation] methodist_sheets` (4 · 5 · 6 · 7) by the claimed category for methodists
  (`observation_sheets_needed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from scoring.categories import Category, OrgType, Role, TeachingPost
from scoring.config import Rules, default_rules
from scoring.i18n import N_, Phrase

# Bot API: a bot can download files of at most 20 MB (getFile); larger files could never reach a commission.
MAX_FILE_BYTES = 20 * 1024 * 1024


class Format(StrEnum):
    PDF = "pdf"
    IMAGE = "image"  # JPEG or PNG
    DOCX = "docx"

    @property
    def label(self) -> str:
        return FORMAT_LABELS[self]


FORMAT_LABELS: dict[Format, str] = {Format.PDF: "PDF", Format.IMAGE: "JPEG/PNG", Format.DOCX: "DOCX"}
FORMAT_EXTENSIONS: dict[Format, frozenset[str]] = {
    Format.PDF: frozenset({".pdf"}),
    Format.IMAGE: frozenset({".jpg", ".jpeg", ".png"}),
    Format.DOCX: frozenset({".docx"}),
}
FORMAT_MIME: dict[Format, frozenset[str]] = {
    Format.PDF: frozenset({"application/pdf"}),
    Format.IMAGE: frozenset({"image/jpeg", "image/png"}),
    Format.DOCX: frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
}


class Source(StrEnum):
    UPLOAD = "upload"  # the teacher sends files
    PROFILE = "profile"  # the application (App 5) is filled in from the profile and consent
    ESSAY = "essay"  # written with /essay
    STATE = "state"  # fetched from state systems through the e-gov gateway: shown, never asked
    STATE_OR_UPLOAD = "state_or_upload"  # asked once: in state systems? uploaded only if not


class Need(StrEnum):
    REQUIRED = "required"
    IF_ANY = "if_any"


class Reading(StrEnum):
    """Which text decides who must bring a document where the texts disagree (`[interpretations]`)."""

    PILOT = "pilot"  # the pilot's list (App 4 item 8) with the notes of its scoring sheets (App 8, App 11)
    EGOV = "egov"  # the egov.kz service card (002)


def reading_of(key: str, rules: Rules | None = None) -> Reading:
    """The reading the rule set's `[interpretations] key` chooses (its schema allows only a Reading)."""
    return Reading(str((rules or default_rules()).interpretation(key)))


LEADER_ROLES = frozenset({Role.HEAD, Role.DEPUTY, Role.CABINET_HEAD, Role.CABINET_DEPUTY})
CABINET_ROLES = frozenset({Role.CABINET_METHODIST, Role.CABINET_HEAD, Role.CABINET_DEPUTY})
ORG_TEACHER_ROLES = frozenset({Role.TEACHER, Role.METHODIST})

SCANS = frozenset({Format.PDF, Format.IMAGE})
ANY_FORMAT = frozenset({Format.PDF, Format.IMAGE, Format.DOCX})
TEXTS = frozenset({Format.PDF, Format.DOCX})


@dataclass(frozen=True)
class DocProfile:
    """What decides which documents apply to a person."""

    role: Role
    org_type: OrgType
    claimed: Category | None = None
    holds_category: bool = False
    pmpk: bool = False  # a teacher of a psychological-medical-pedagogical consultation (ПМПК)
    post: TeachingPost | None = None  # what a person in the "teacher" role does (None: not asked)

    @classmethod
    def of(
        cls, role: str, org_type: str, claimed: str | None = None, current: str | None = None, pmpk: bool = False,
        post: str | None = None,
    ) -> DocProfile:
        held = current not in (None, "", "none")
        teaching_post = TeachingPost(post) if post else None
        pmpk = pmpk or teaching_post is TeachingPost.PMPK
        return cls(Role(role), OrgType(org_type), Category(claimed) if claimed else None, held, pmpk,
                   teaching_post)


@dataclass(frozen=True)
class Audience:
    """People a note of the texts names: every condition given holds (None: any)."""

    roles: frozenset[Role] | None = None
    posts: frozenset[TeachingPost] | None = None
    org_types: frozenset[OrgType] | None = None

    def includes(self, p: DocProfile) -> bool:
        return ((self.roles is None or p.role in self.roles)
                and (self.posts is None or p.post in self.posts)
                and (self.org_types is None or p.org_type in self.org_types))


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    why: str  # one line, with its clause
    source: Source
    need: Need = Need.REQUIRED
    formats: frozenset[Format] = SCANS
    multiple: bool = True
    roles: frozenset[Role] | None = None  # None: every role
    not_roles: frozenset[Role] = frozenset()
    org_types: frozenset[OrgType] | None = None  # None: every type of organisation
    claimed: frozenset[Category] | None = None  # None: every claimed category
    holds_category: bool | None = None  # True: only holders of a category; None: everyone
    not_pmpk: bool = False
    # A required item the pilot's reading makes "if any" for these people; `reading` is its
    # `[interpretations]` key, which may choose the egov card's reading instead (then it stays required).
    if_any_for: tuple[Audience, ...] = ()
    reading: str | None = None

    @property
    def uploadable(self) -> bool:
        return self.source in (Source.UPLOAD, Source.STATE_OR_UPLOAD)

    @property
    def optional(self) -> bool:
        return self.need is Need.IF_ANY

    def applies(self, p: DocProfile) -> bool:
        if self.roles is not None and p.role not in self.roles:
            return False
        if p.role in self.not_roles:
            return False
        if self.org_types is not None and p.org_type not in self.org_types:
            return False
        if self.claimed is not None and (p.claimed is None or p.claimed not in self.claimed):
            return False
        if self.holds_category is not None and p.holds_category is not self.holds_category:
            return False
        return not (self.not_pmpk and p.pmpk)

    def accepts(self, fmt: Format | None) -> bool:
        return fmt is not None and fmt in self.formats

    def need_for(self, p: DocProfile, rules: Rules | None = None) -> Need:
        """Whether this item is required from this person or only "if any" (see the module docstring)."""
        if self.need is Need.IF_ANY or not any(audience.includes(p) for audience in self.if_any_for):
            return self.need
        if self.reading is not None and reading_of(self.reading, rules) is Reading.EGOV:
            return Need.REQUIRED
        return Need.IF_ANY


# App 8 criterion 2.1 note 1: students' contests "if any" for these posts and for department heads and
# organisation methodists; App 11 criterion 2.4 note 2: "if any" for preschool heads.
STUDENTS_IF_ANY: tuple[Audience, ...] = (
    Audience(roles=frozenset({Role.TEACHER}), posts=frozenset({
        TeachingPost.MENTOR_ORGANISER, TeachingPost.NVTP_ORGANISER, TeachingPost.PSYCHOLOGIST,
        TeachingPost.SOCIAL_PEDAGOGUE, TeachingPost.SPECIAL_NEEDS,
    })),
    Audience(roles=frozenset({Role.METHODIST})),
    Audience(roles=frozenset({Role.HEAD}), org_types=frozenset({OrgType.PRESCHOOL})),
)
# App 11 has no observation criterion and App 4 item 8 does not list the sheets.
OBSERVATION_IF_ANY: tuple[Audience, ...] = (Audience(roles=LEADER_ROLES),)


ITEMS: tuple[Item, ...] = (
    Item("application", N_("Application (App 5 form)"),
         N_("Filled in from your profile and consent: name, IIN, position, workplace, category (§21, App 5)."),
         Source.PROFILE, formats=frozenset(), multiple=False),
    Item("identity", N_("Identity document"),
         N_("Fetched from state systems through the e-gov gateway: nothing to send (App 4 item 8(2))."),
         Source.STATE, formats=frozenset(), multiple=False),
    Item("courses", N_("Professional development course certificate"),
         N_("Courses on programmes agreed with the ministry (App 4 item 8(3); Rules App 1 item 8(5))."),
         Source.UPLOAD),
    Item("category_certificate", N_("Certificate and order of the current category"),
         N_("Only for those who already hold a category (App 4 item 8(4); Rules App 1 item 8(6))."),
         Source.UPLOAD, holds_category=True),
    Item("professional_achievements", N_("Professional achievements and dissemination of experience"),
         N_("Documents confirming your achievements and spreading of experience, if any (App 4 item 8(5))."),
         Source.UPLOAD, Need.IF_ANY, ANY_FORMAT),
    Item("student_achievements", N_("Students' achievements"),
         N_("Documents confirming students' achievements (App 4 item 8(6); not for methodical-cabinet "
            "methodists and ПМПК teachers, egov item 9)."),
         Source.UPLOAD, not_roles=CABINET_ROLES, not_pmpk=True, if_any_for=STUDENTS_IF_ANY,
         reading="student_achievements"),
    Item("essay", N_("Essay, 250–300 words"),
         N_("Written with /essay on one of this year's topics (App 4 item 8(7), §27)."),
         Source.ESSAY, formats=frozenset(), multiple=False),
    Item("diploma", N_("Education document (diploma)"),
         N_("Needed only if it is not in the state information systems (App 4 item 8(8); Rules App 1 item 8(2))."),
         Source.STATE_OR_UPLOAD),
    Item("employment_record", N_("Employment record"),
         N_("Needed only if it is not in the state information systems (App 4 item 8(9); Rules App 1 item 8(4))."),
         Source.STATE_OR_UPLOAD),
    Item("retraining", N_("Retraining document"),
         N_("A retraining course document, if you have one (Rules App 1 item 8(3); egov item 4)."),
         Source.UPLOAD, Need.IF_ANY),
    Item("qualification_test", N_("National qualification test certificate"),
         N_("Fetched from state systems through the e-gov gateway: nothing to send (egov item 8; App 4 item 8)."),
         Source.STATE, formats=frozenset(), multiple=False),
    Item("observation_sheets", N_("Lesson observation sheets"),
         N_("Sheets of observed lessons (App 9), at least 5 a year; not for ПМПК teachers (egov item 11)."),
         Source.UPLOAD, not_pmpk=True, if_any_for=OBSERVATION_IF_ANY, reading="leader_observation_sheets"),
    Item("methodist_materials", N_("Publications, projects, innovative work, methodical materials"),
         N_("Extra documents for methodical-cabinet methodists (egov, additional documents; §5)."),
         Source.UPLOAD, formats=ANY_FORMAT, roles=CABINET_ROLES),
    Item("knowledge_quality", N_("Students' knowledge-quality indicators"),
         N_("For the period since the last category, with external and final assessment results, signed and "
            "sealed by the head (egov, additional documents: general secondary, TVET)."),
         Source.UPLOAD, multiple=False, roles=ORG_TEACHER_ROLES,
         org_types=frozenset({OrgType.GENERAL_SECONDARY, OrgType.TVET})),
    Item("preschool_skills", N_("Indicators of children's skill formation"),
         N_("Skills and abilities indicators, signed and sealed by the head (egov, additional documents: preschool)."),
         Source.UPLOAD, multiple=False, roles=ORG_TEACHER_ROLES, org_types=frozenset({OrgType.PRESCHOOL})),
    Item("programme_mastery", N_("Programme-mastery indicators"),
         N_("Students' mastery of the chosen programme, signed and sealed by the head (egov, additional "
            "documents: additional education)."),
         Source.UPLOAD, multiple=False, roles=ORG_TEACHER_ROLES, org_types=frozenset({OrgType.ADDITIONAL})),
    Item("development_programme", N_("Individual development programme effectiveness indicators"),
         N_("Effectiveness of the individual development programmes, signed and sealed by the head (egov, "
            "additional documents: special education; not for ПМПК teachers)."),
         Source.UPLOAD, multiple=False, roles=ORG_TEACHER_ROLES, org_types=frozenset({OrgType.SPECIAL}),
         not_pmpk=True),
)
BY_ID: dict[str, Item] = {item.id: item for item in ITEMS}
UNKNOWN_ITEM_TITLE = N_("A document of the application")


def title_of(item_id: str) -> str:
    """The msgid of a checklist item's name; an item no longer in the table (a file kept from an older list)
    is still named as a document, never by its internal id."""
    item = BY_ID.get(item_id)
    return item.title if item is not None else UNKNOWN_ITEM_TITLE


def applicable_items(p: DocProfile, items: Iterable[Item] = ITEMS) -> list[Item]:
    """Every item shown on this person's checklist, in the order of the lists (`items`: a rule set's table,
    scoring.rulesets.documents.items_of)."""
    return [item for item in items if item.applies(p)]


def required_items(p: DocProfile, rules: Rules | None = None) -> list[Item]:
    """Items that can block submission (before the state-systems answer is known)."""
    return [
        item for item in applicable_items(p)
        if item.need_for(p, rules) is Need.REQUIRED and item.source is not Source.STATE
    ]


# --- what an item's card says to this person -----------------------------------------------------------

METHODIST_ROLES = frozenset({Role.METHODIST, Role.CABINET_METHODIST})  # App 8, sheet 2


def observation_sheets_needed(p: DocProfile, rules: Rules | None = None) -> int | None:
    """How many observation sheets this person's scoring sheet asks for (None: it asks for none, or the claim
    is not known yet): teachers the `[observation] min_sheets` of App 8 criterion 1.2, department heads and
    methodists 4 · 5 · 6 · 7 by the claimed category (App 8 sheet 2, criterion 1.1; `[observation]
    methodist_sheets`), leaders none (App 11 has no observation criterion)."""
    rules = rules or default_rules()
    if p.role in LEADER_ROLES:
        return None
    if p.role in METHODIST_ROLES:
        by_category = rules.methodist_observation_sheets
        return int(by_category[p.claimed.value]) if p.claimed is not None and p.claimed.value in by_category else None
    return int(rules.observation["min_sheets"])


def _observation_help(p: DocProfile, rules: Rules) -> Phrase:
    count = observation_sheets_needed(p, rules)
    if p.role in LEADER_ROLES:
        if BY_ID["observation_sheets"].need_for(p, rules) is Need.IF_ANY:
            return Phrase(N_("Sheets of observed lessons (App 9), if you have them: the leaders' scoring sheets "
                             "(App 11) do not score them and the pilot's list (App 4 item 8) does not ask for them."))
        return Phrase(N_("Sheets of observed lessons (App 9): the egov card asks for them (egov item 11)."))
    if p.role in METHODIST_ROLES:
        if count is None:
            return Phrase(N_("Observation sheets with your feedback on the lessons you observed in the last academic "
                             "year: 4, 5, 6 or 7 by the claimed category, moderator to master (App 8, sheet 2, "
                             "criterion 1.1)."))
        return Phrase(N_("Observation sheets with your feedback on the lessons you observed in the last academic "
                         "year: {count} for {claimed} (App 8, sheet 2, criterion 1.1)."),
                      {"count": count, "claimed": Phrase(p.claimed.label) if p.claimed else ""})
    return Phrase(N_("Sheets of your lessons observed in the last academic year (App 9), at least {count}: "
                     "criterion 1.2 takes their mean (App 8); not for ПМПК teachers (egov item 11)."),
                  {"count": count})


def _students_help(p: DocProfile, rules: Rules) -> Phrase:
    if BY_ID["student_achievements"].need_for(p, rules) is Need.IF_ANY:
        return Phrase(N_("Documents confirming students' achievements, if any: for your position the scoring "
                         "sheet makes them optional (App 8 criterion 2.1 note 1; App 11 criterion 2.4 note 2)."))
    return Phrase(BY_ID["student_achievements"].why)


_HELP_BY_PROFILE: dict[str, Callable[[DocProfile, Rules], Phrase]] = {
    "observation_sheets": _observation_help,
    "student_achievements": _students_help,
}


def help_for(item: Item, p: DocProfile, rules: Rules | None = None) -> Phrase:
    """The one line an item's card shows this person, with its clause (`Item.why` unless it depends on them)."""
    by_profile = _HELP_BY_PROFILE.get(item.id)
    return by_profile(p, rules or default_rules()) if by_profile is not None else Phrase(item.why)


def format_of(file_name: str | None, mime: str | None) -> Format | None:
    """The format of a file by its extension (if it has one we know), else by its MIME type."""
    if file_name:
        suffix = PurePosixPath(file_name.lower()).suffix
        if suffix:
            for fmt, extensions in FORMAT_EXTENSIONS.items():
                if suffix in extensions:
                    return fmt
            return None
    if mime:
        for fmt, mimes in FORMAT_MIME.items():
            if mime.lower() in mimes:
                return fmt
    return None


def formats_label(formats: Iterable[Format]) -> str:
    return ", ".join(fmt.label for fmt in Format if fmt in set(formats))


# --- the state of a checklist ----------------------------------------------------------------------


class State(StrEnum):
    DONE = "done"  # files sent, essay within range, application filled, or in state systems
    MISSING = "missing"  # blocks submission
    ASK = "ask"  # in state systems? not answered yet (blocks until answered)
    OPTIONAL = "optional"  # "if any", nothing sent: does not block
    NOT_APPLICABLE = "not_applicable"  # an optional item marked "not applicable" by the teacher
    FETCHED = "fetched"  # from state systems: shown, never blocks


@dataclass(frozen=True)
class Mark:
    not_applicable: bool = False
    in_state_systems: bool | None = None  # None: not asked/answered


@dataclass(frozen=True)
class ItemState:
    item: Item
    state: State
    files: int = 0
    need: Need | None = None  # for this person (Item.need_for); None: the item's own
    line: Phrase | None = None  # the card's line for this person (help_for); None: the item's `why`

    @property
    def blocking(self) -> bool:
        return self.state in (State.MISSING, State.ASK)

    @property
    def help(self) -> Phrase:
        """The one line the item's card shows this person, with its clause."""
        return self.line if self.line is not None else Phrase(self.item.why)

    @property
    def optional(self) -> bool:
        """ "If any" for this person: shown, never blocks."""
        return (self.need or self.item.need) is Need.IF_ANY

    @property
    def counts(self) -> bool:
        """Counted in the progress line ("6 of 9 required documents")."""
        return not (self.item.source is Source.STATE or self.optional)


def _state_of(item: Item, need: Need, count: int, mark: Mark, *, application_ready: bool, essay_ok: bool) -> State:
    if item.source is Source.STATE:
        return State.FETCHED
    if item.source is Source.PROFILE:
        return State.DONE if application_ready else State.MISSING
    if item.source is Source.ESSAY:
        return State.DONE if essay_ok else State.MISSING
    if count or (item.source is Source.STATE_OR_UPLOAD and mark.in_state_systems is True):
        return State.DONE
    if item.source is Source.STATE_OR_UPLOAD and mark.in_state_systems is None:
        return State.ASK
    if need is Need.IF_ANY:
        return State.NOT_APPLICABLE if mark.not_applicable else State.OPTIONAL
    return State.MISSING


def evaluate(
    p: DocProfile,
    files: Mapping[str, int],
    marks: Mapping[str, Mark],
    *,
    application_ready: bool,
    essay_ok: bool,
    rules: Rules | None = None,
    items: Iterable[Item] = ITEMS,
) -> list[ItemState]:
    """The state of every applicable item from the files sent, the marks and the essay/profile."""
    rules = rules or default_rules()
    result = []
    for item in applicable_items(p, items):
        count = files.get(item.id, 0)
        need = item.need_for(p, rules)
        state = _state_of(item, need, count, marks.get(item.id, Mark()), application_ready=application_ready,
                          essay_ok=essay_ok)
        result.append(ItemState(item, state, count, need, help_for(item, p, rules)))
    return result


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done == self.total


def progress(states: Iterable[ItemState]) -> Progress:
    counted = [s for s in states if s.counts]
    return Progress(sum(1 for s in counted if not s.blocking), len(counted))


def missing(states: Iterable[ItemState]) -> list[ItemState]:
    return [s for s in states if s.blocking]


# --- checking a file before it is stored -----------------------------------------------------------


def check_upload(
    item: Item, *, is_photo: bool, file_name: str | None, mime: str | None, size: int | None,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> Phrase | None:
    """Why a file cannot be accepted for `item` (None: it can). Uses only what the update says: the
    size is checked before any download (the official Bot API cannot hand a bot a file over 20 MB;
    `max_bytes` None: a local Bot API server, which can)."""
    accepted = formats_label(item.formats)
    if not item.uploadable:
        return Phrase(N_("Nothing to send for this item."))
    if size is not None and max_bytes is not None and size > max_bytes:
        return Phrase(
            N_("This file is {size} MB; Telegram lets a bot receive files of at most 20 MB. Please compress it "
               "or split it into parts and send them one by one."),
            {"size": f"{size / 1024 / 1024:.1f}"},
        )
    if is_photo:
        if Format.IMAGE in item.formats:
            return None
        return Phrase(N_("A photo is not accepted for this item. Please send it as a file: {formats}."),
                       {"formats": accepted})
    if not item.accepts(format_of(file_name, mime)):
        return Phrase(N_("This type of file is not accepted here. Accepted: {formats}."), {"formats": accepted})
    return None
