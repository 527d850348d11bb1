"""The document checklist of one teacher: what applies, what is done, storing and removing files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from features.profile.form import teaching_post_of
from features.profile.service import is_complete
from scoring import documents
from scoring.config import Rules, default_rules
from scoring.documents import DocProfile, Item, ItemState, Mark, Progress
from scoring.essay import essay_verdict
from scoring.i18n import Phrase
from storage.checklist_models import Application, UploadedFile
from storage.checklist_repository import ApplicationRepository, ChecklistRepository, EssayRepository
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def doc_profile(profile: TeacherProfile) -> DocProfile | None:
    """The checklist needs the position and the type of organisation; None until they are answered."""
    if not profile.role or not profile.org_type:
        return None
    return DocProfile.of(profile.role, profile.org_type, profile.claimed_category, profile.current_category,
                         pmpk=(post := teaching_post_of(profile)) is not None and post.is_pmpk)


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


@dataclass
class Checklist:
    profile: TeacherProfile
    doc_profile: DocProfile
    states: list[ItemState]
    progress: Progress
    frozen: Application | None

    def state_of(self, item_id: str) -> ItemState | None:
        return next((s for s in self.states if s.item.id == item_id), None)


class ChecklistService:
    def __init__(self, session: AsyncSession, rules: Rules | None = None):
        self.session = session
        self.rules = rules or default_rules()
        self.repo = ChecklistRepository(session)
        self.essays = EssayRepository(session)
        self.applications = ApplicationRepository(session)

    async def load(self, user_id: int) -> Checklist | None:
        profile = await ProfileRepository(self.session).get(user_id)
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
            application_ready=is_complete(profile), essay_ok=essay_ok,
        )
        frozen = await self.applications.active(user_id)
        return Checklist(profile, view, states, documents.progress(states), frozen)

    async def files(self, user_id: int, item_id: str) -> list[UploadedFile]:
        return await self.repo.files(user_id, item_id)

    async def frozen(self, user_id: int) -> Application | None:
        return await self.applications.active(user_id)

    async def add_file(self, user_id: int, item: Item, incoming: Incoming, when: datetime) -> AddResult:
        if await self.frozen(user_id) is not None:
            return AddResult.FROZEN
        existing = await self.repo.files(user_id, item.id)
        if any(f.file_unique_id == incoming.file_unique_id for f in existing):
            return AddResult.DUPLICATE
        if not item.multiple and existing:
            return AddResult.FULL
        row = UploadedFile(
            user_id=user_id, item_id=item.id, file_id=incoming.file_id, file_unique_id=incoming.file_unique_id,
            file_name=incoming.file_name, file_size=incoming.size, mime_type=incoming.mime_type,
            kind="photo" if incoming.is_photo else "document", uploaded_at=when,
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

    async def set_not_applicable(self, user_id: int, item: Item, value: bool, when: datetime) -> bool:
        """Only an optional ("if any") item can be marked not applicable."""
        if value and not item.optional:
            return False
        await self.repo.set_mark(user_id, item.id, when, not_applicable=value)
        return True

    async def set_in_state_systems(self, user_id: int, item: Item, value: bool, when: datetime) -> bool:
        if item.source is not documents.Source.STATE_OR_UPLOAD:
            return False
        await self.repo.set_mark(user_id, item.id, when, in_state_systems=value)
        return True


def check_upload(item: Item, incoming: Incoming) -> Phrase | None:
    return documents.check_upload(
        item, is_photo=incoming.is_photo, file_name=incoming.file_name, mime=incoming.mime_type, size=incoming.size,
    )
