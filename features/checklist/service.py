"""The document checklist of one teacher: what applies, what is done, storing and removing files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.downloads import TelegramFiles, keep_upload
from bot.refusal import Refusal, StaleButton
from bot.rule_book import TeacherSets
from features.profile.form import teaching_post_of
from features.profile.service import is_complete
from scoring import documents
from scoring.documents import DocProfile, Item, ItemState, Mark, Progress
from scoring.essay import essay_verdict
from scoring.i18n import N_, Phrase
from scoring.rulesets import RuleSet
from scoring.rulesets.documents import item_of, items_of
from storage.checklist_models import Application, UploadedFile
from storage.checklist_repository import ApplicationRepository, ChecklistRepository, EssayRepository
from storage.files import FileStore
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def doc_profile(profile: TeacherProfile) -> DocProfile | None:
    """The checklist needs the position and the type of organisation; None until they are answered."""
    if not profile.role or not profile.org_type:
        return None
    post = teaching_post_of(profile)
    # The post decides who brings students' achievements only "if any" (App 8 criterion 2.1 note 1).
    return DocProfile.of(profile.role, profile.org_type, profile.claimed_category, profile.current_category,
                         pmpk=post is not None and post.is_pmpk, post=post.value if post else None)


@dataclass(frozen=True)
class Incoming:
    """A file as the update describes it (nothing is downloaded)."""

    file_id: str
    file_unique_id: str
    is_photo: bool
    file_name: str | None
    mime_type: str | None
    size: int | None


class AddResult(StrEnum):
    SAVED = "saved"
    DUPLICATE = "duplicate"  # the same file is already attached to this item
    FULL = "full"  # a one-file item already has its file
    FROZEN = "frozen"  # the application is submitted: withdraw first
    REJECTED = "rejected"  # not a file the item takes (format, size): see `Attached.problem`


@dataclass
class Checklist:
    profile: TeacherProfile
    doc_profile: DocProfile
    states: list[ItemState]
    progress: Progress
    frozen: Application | None

    def state_of(self, item_id: str) -> ItemState | None:
        return next((s for s in self.states if s.item.id == item_id), None)


@dataclass
class Card:
    """One item of her checklist, with the files she sent for it."""

    checklist: Checklist
    state: ItemState
    files: list[UploadedFile]

    @property
    def accepts_files(self) -> bool:
        return self.state.item.uploadable and self.checklist.frozen is None


@dataclass(frozen=True)
class Attached:
    """What became of a file she sent for `item`: `files` are the item's files afterwards."""

    result: AddResult
    files: list[UploadedFile]
    frozen: Application | None = None
    problem: Phrase | None = None


def frozen_refusal(app: Application) -> Phrase:
    return Phrase(N_("Your application No. {number} is submitted, so the documents are frozen. To change "
                     "anything, /withdraw the application first (only while the window is open)."),
                  {"number": app.number})


FILE_GONE = Phrase(N_("This file is no longer attached."))
REQUIRED_ITEM = Phrase(N_("This document is required: it cannot be marked not applicable."))
NO_CONSENT = Phrase(N_("Send /start first: the checklist needs your consent and your profile."))
NO_POSITION = Phrase(N_("Your checklist depends on your position and type of organisation: finish your profile "
                        "with /start."))


class ChecklistService:
    def __init__(self, session: AsyncSession, ruleset: RuleSet, file_store: FileStore | None = None):
        """`file_store`: where her uploads are kept (needed to `attach` one)."""
        self.session = session
        self.file_store = file_store
        self.ruleset = ruleset
        self.rules = ruleset.rules
        self.repo = ChecklistRepository(session)
        self.essays = EssayRepository(session)
        self.applications = ApplicationRepository(session)
        self.profiles = ProfileRepository(session)

    @classmethod
    async def of_teacher(cls, session: AsyncSession, sets: TeacherSets, user_id: int,
                         file_store: FileStore | None = None) -> ChecklistService:
        """Her checklist's service, with her set's documents table."""
        return cls(session, await sets.of(session, user_id), file_store)

    async def load(self, user_id: int) -> Checklist | None:
        profile = await self.profiles.get(user_id)
        if profile is None:
            return None
        view = doc_profile(profile)
        if view is None:
            return None
        essay = await self.essays.get(user_id)
        essay_ok = essay is not None and essay_verdict(essay.words, self.rules).ok
        marks = {
            item_id: Mark(m.not_applicable, m.in_state_systems)
            for item_id, m in (await self.repo.marks(user_id)).items()
        }
        states = documents.evaluate(
            view, await self.repo.file_counts(user_id), marks,
            application_ready=is_complete(profile), essay_ok=essay_ok, rules=self.rules, items=items_of(self.ruleset),
        )
        frozen = await self.applications.active(user_id)
        return Checklist(profile, view, states, documents.progress(states), frozen)

    async def why_unavailable(self, user_id: int) -> Phrase:
        """Why `load` found no checklist: no consent yet, or the profile lacks the position."""
        return NO_CONSENT if await self.profiles.get(user_id) is None else NO_POSITION

    async def board(self, user_id: int) -> Checklist:
        """Her checklist, for a button of it (refused as stale if she has none any more)."""
        checklist = await self.load(user_id)
        if checklist is None:
            raise StaleButton()
        return checklist

    async def card(self, user_id: int, item_id: str) -> Card | None:
        """The card of `item_id`; None if it is not on her checklist (callback data is hers to forge)."""
        checklist = await self.load(user_id)
        state = checklist.state_of(item_id) if checklist is not None else None
        if checklist is None or state is None:
            return None
        return Card(checklist, state, await self.files(user_id, item_id))

    async def open_card(self, user_id: int, item_id: str) -> Card:
        card = await self.card(user_id, item_id)
        if card is None:
            raise StaleButton()
        return card

    async def _editable(self, user_id: int, item_id: str) -> Card:
        """The card of an item she is about to change: refused once the application is submitted."""
        card = await self.open_card(user_id, item_id)
        if card.checklist.frozen is not None:
            raise Refusal(frozen_refusal(card.checklist.frozen))
        return card

    async def detach(self, user_id: int, item_id: str, file_pk: int) -> Card:
        await self._editable(user_id, item_id)
        if await self.remove_file(user_id, file_pk) is None:
            raise Refusal(FILE_GONE)
        return await self.open_card(user_id, item_id)

    async def detach_all(self, user_id: int, item_id: str) -> Card:
        await self._editable(user_id, item_id)
        await self.clear_item(user_id, item_id)
        return await self.open_card(user_id, item_id)

    async def mark_not_applicable(self, user_id: int, item_id: str, value: bool, when: datetime) -> Card:
        card = await self._editable(user_id, item_id)
        if not await self.set_not_applicable(user_id, card.state.item, value, when, optional=card.state.optional):
            raise Refusal(REQUIRED_ITEM)
        return await self.open_card(user_id, item_id)

    async def answer_in_state_systems(self, user_id: int, item_id: str, value: bool, when: datetime) -> Card:
        card = await self._editable(user_id, item_id)
        if not await self.set_in_state_systems(user_id, card.state.item, value, when):
            raise StaleButton()
        return await self.open_card(user_id, item_id)

    async def attach(self, user_id: int, item: Item, incoming: Incoming, when: datetime,
                     telegram: TelegramFiles) -> Attached:
        """A file she sent for `item`: checked against the item, then downloaded and kept in the file store
        (refused when its bytes are not an accepted type), then recorded unless it cannot be."""
        problem = check_upload(item, incoming, telegram.size_limit)
        if problem is not None:
            return Attached(AddResult.REJECTED, [], problem=problem)
        result = await self.unaddable(user_id, item, incoming)
        if result is None:
            assert self.file_store is not None, "attaching a file needs the file store"
            data = await telegram.download(incoming.file_id)
            stored = await keep_upload(self.session, self.file_store, user_id, data)
            result = await self.add_file(user_id, item, incoming, when, stored_file_id=stored.id)
        if result is AddResult.FROZEN:
            return Attached(result, [], frozen=await self.frozen(user_id))
        return Attached(result, await self.files(user_id, item.id))

    def item(self, item_id: str) -> Item | None:
        """An item of this set's table (the one a file she sends is for)."""
        return item_of(self.ruleset, item_id)

    async def files(self, user_id: int, item_id: str) -> list[UploadedFile]:
        return await self.repo.files(user_id, item_id)

    async def frozen(self, user_id: int) -> Application | None:
        return await self.applications.active(user_id)

    async def unaddable(self, user_id: int, item: Item, incoming: Incoming) -> AddResult | None:
        """Why the file cannot be added to the item as it stands (None: it can)."""
        if await self.frozen(user_id) is not None:
            return AddResult.FROZEN
        existing = await self.repo.files(user_id, item.id)
        if any(f.file_unique_id == incoming.file_unique_id for f in existing):
            return AddResult.DUPLICATE
        if not item.multiple and existing:
            return AddResult.FULL
        return None

    async def add_file(self, user_id: int, item: Item, incoming: Incoming, when: datetime,
                       stored_file_id: int | None = None) -> AddResult:
        """Record the file with the item; `stored_file_id`: its copy in the file store."""
        refused = await self.unaddable(user_id, item, incoming)
        if refused is not None:
            return refused
        row = UploadedFile(
            user_id=user_id, item_id=item.id, file_id=incoming.file_id, file_unique_id=incoming.file_unique_id,
            file_name=incoming.file_name, file_size=incoming.size, mime_type=incoming.mime_type,
            kind="photo" if incoming.is_photo else "document", uploaded_at=when, stored_file_id=stored_file_id,
        )
        if not await self.repo.add_file(row):
            return AddResult.DUPLICATE
        if item.source is documents.Source.STATE_OR_UPLOAD:
            # Sending the document answers the state-systems question: it is not there.
            await self.repo.set_mark(user_id, item.id, when, in_state_systems=False)
        return AddResult.SAVED

    async def remove_file(self, user_id: int, file_pk: int) -> UploadedFile | None:
        return await self.repo.remove_file(user_id, file_pk)

    async def clear_item(self, user_id: int, item_id: str) -> int:
        return await self.repo.clear_item(user_id, item_id)

    async def set_not_applicable(self, user_id: int, item: Item, value: bool, when: datetime,
                                 optional: bool | None = None) -> bool:
        """Only an optional ("if any") item can be marked not applicable: `optional` says whether it is for
        her (`ItemState.optional`), by default the item's own need."""
        if value and not (item.optional if optional is None else optional):
            return False
        await self.repo.set_mark(user_id, item.id, when, not_applicable=value)
        return True

    async def set_in_state_systems(self, user_id: int, item: Item, value: bool, when: datetime) -> bool:
        if item.source is not documents.Source.STATE_OR_UPLOAD:
            return False
        await self.repo.set_mark(user_id, item.id, when, in_state_systems=value)
        return True


def check_upload(item: Item, incoming: Incoming, max_bytes: int | None = documents.MAX_FILE_BYTES) -> Phrase | None:
    return documents.check_upload(
        item, is_photo=incoming.is_photo, file_name=incoming.file_name, mime=incoming.mime_type, size=incoming.size,
        max_bytes=max_bytes,
    )
