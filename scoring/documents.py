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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from scoring.categories import Category, OrgType, Role
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

    @classmethod
    def of(
        cls, role: str, org_type: str, claimed: str | None = None, current: str | None = None, pmpk: bool = False,
    ) -> DocProfile:
        held = current not in (None, "", "none")
        return cls(Role(role), OrgType(org_type), Category(claimed) if claimed else None, held, pmpk)


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
         Source.UPLOAD, not_roles=CABINET_ROLES, not_pmpk=True),
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
         Source.UPLOAD, not_pmpk=True),
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


def required_items(p: DocProfile) -> list[Item]:
    """Items that can block submission (before the state-systems answer is known)."""
    return [
        item for item in applicable_items(p)
        if item.need is Need.REQUIRED and item.source is not Source.STATE
    ]


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

    @property
    def blocking(self) -> bool:
        return self.state in (State.MISSING, State.ASK)

    @property
    def counts(self) -> bool:
        """Counted in the progress line ("6 of 9 required documents")."""
        return not (self.item.source is Source.STATE or self.item.need is Need.IF_ANY)


def evaluate(
    p: DocProfile,
    files: Mapping[str, int],
    marks: Mapping[str, Mark],
    *,
    application_ready: bool,
    essay_ok: bool,
    items: Iterable[Item] = ITEMS,
) -> list[ItemState]:
    """The state of every applicable item from the files sent, the marks and the essay/profile."""
    result = []
    for item in applicable_items(p, items):
        count = files.get(item.id, 0)
        mark = marks.get(item.id, Mark())
        state: State
        if item.source is Source.STATE:
            state = State.FETCHED
        elif item.source is Source.PROFILE:
            state = State.DONE if application_ready else State.MISSING
        elif item.source is Source.ESSAY:
            state = State.DONE if essay_ok else State.MISSING
        elif count or (item.source is Source.STATE_OR_UPLOAD and mark.in_state_systems is True):
            state = State.DONE
        elif item.source is Source.STATE_OR_UPLOAD and mark.in_state_systems is None:
            state = State.ASK
        elif item.optional:
            state = State.NOT_APPLICABLE if mark.not_applicable else State.OPTIONAL
        else:
            state = State.MISSING
        result.append(ItemState(item, state, count))
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
) -> Phrase | None:
    """Why a file cannot be accepted for `item` (None: it can). Uses only what the update says: the
    size is checked before any download (the Bot API cannot hand a bot a file over 20 MB)."""
    accepted = formats_label(item.formats)
    if not item.uploadable:
        return Phrase(N_("Nothing to send for this item."))
    if size is not None and size > MAX_FILE_BYTES:
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
