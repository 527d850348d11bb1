"""Who may have an application's dossier, and its documents gathered in checklist order from the file store.

The teacher gets her own; the secretary and the members of the commission an application went to get theirs;
no one gets their own application in a commission role, and any other press is a stale (forged) button. The
bytes come from the department's copies (FileStoreService.read checks each against its checksum).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal, StaleButton
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.checklist.service import ChecklistService
from features.dossier.build import Kind
from scoring.commission import own_application_objection
from scoring.documents import ItemState, Source
from scoring.i18n import N_, Phrase
from scoring.rulesets import RuleSet
from storage.checklist_models import ACTIVE_STATUSES, Application, Essay, UploadedFile
from storage.checklist_repository import ChecklistRepository, EssayRepository
from storage.commission_models import ApplicationReview
from storage.commission_repository import CommissionRepository
from storage.file_models import StoredFile
from storage.file_repository import FileRepository
from storage.files import FileStore
from storage.files.service import FileStoreService
from storage.files.store import MissingFile, sha256_of
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository

log = logging.getLogger(__name__)

NO_COPY = Phrase(N_("the bot has no copy of this file (it was sent before the bot kept copies)"))
GONE = Phrase(N_("missing from the file store or damaged (its checksum does not match): not included"))
ERASED = Phrase(N_("The applicant has erased their data (/delete_me)."))
# How long the copy a dossier is sent from stays in the file store.
SENT_COPY_DAYS = 1


@dataclass(frozen=True)
class Gathered:
    """One file of an item: its bytes from the store, or why there are none."""

    name: str | None  # as she sent it; None for a photo
    kind: Kind | None
    data: bytes | None
    sha256: str | None
    problem: Phrase | None = None


@dataclass(frozen=True)
class GatheredItem:
    item_id: str
    state: ItemState | None  # None: a file of an item no longer on her checklist
    files: tuple[Gathered, ...]


@dataclass(frozen=True)
class DossierSource:
    """Everything the dossier shows: whose, which application (None: what she has prepared, not filed) under
    which rule set, and the documents in checklist order."""

    profile: TeacherProfile
    application: Application | None
    ruleset: RuleSet
    items: tuple[GatheredItem, ...]
    today: date


class DossierService:
    def __init__(self, session: AsyncSession, store: FileStore, rule_book: RuleBook, settings: Settings):
        self.session = session
        self.rule_book = rule_book
        self.settings = settings
        self.files = FileStoreService(session, store)
        self.stored = FileRepository(session)
        self.commissions = CommissionRepository(session)

    async def sent_copy(self, owner: int, data: bytes, kind: str, now: datetime) -> int:
        """A made dossier file kept as the teacher's (`owner`) for SENT_COPY_DAYS, for its message to name; the
        nightly retention job erases it after that, /delete_me with her other files."""
        stored = await self.files.store_made(owner, data, kind, now + timedelta(days=SENT_COPY_DAYS))
        return stored.id

    async def own(self, user_id: int, application_id: int, now: datetime) -> DossierSource:
        """The teacher's own dossier: of her application `application_id`, or (0) of what she has prepared."""
        app = await self.commissions.application(application_id) if application_id else None
        if application_id and (app is None or app.user_id != user_id):
            raise StaleButton()
        filed = app is not None and app.status in ACTIVE_STATUSES
        ruleset = (self.rule_book.for_application(app) if filed and app is not None else
                   await self.rule_book.of_teacher(self.session, user_id, now, self.settings.timezone))
        profile = await ProfileRepository(self.session).get(user_id)
        if profile is None:
            raise StaleButton()
        return await self._gather(profile, app if filed else None, ruleset, now)

    async def for_commission(self, user_id: int, application_id: int, now: datetime) -> DossierSource:
        """The dossier of an application routed to a commission this person is the secretary or a member of."""
        review = await self.commissions.review(application_id)
        if review is None or not await self._sits_on(user_id, review):
            raise StaleButton()
        own = own_application_objection(user_id, review.user_id)
        if own is not None:
            raise Refusal(own)
        app = await self.commissions.application(application_id)
        profile = await ProfileRepository(self.session).get(review.user_id)
        if app is None or profile is None:
            raise Refusal(ERASED)
        return await self._gather(profile, app, self.rule_book.for_application(app), now)

    async def _sits_on(self, user_id: int, review: ApplicationReview) -> bool:
        commission = await self.commissions.get(review.commission_id)
        if commission is None:
            return False
        return (commission.secretary_user_id == user_id
                or await self.commissions.member(commission.id, user_id) is not None)

    async def _gather(self, profile: TeacherProfile, app: Application | None, ruleset: RuleSet,
                      now: datetime) -> DossierSource:
        user_id = profile.user_id
        checklist = await ChecklistService(self.session, ruleset).load(user_id)
        by_item: dict[str, list[UploadedFile]] = {}
        for upload in await self._uploads(user_id, app):
            by_item.setdefault(upload.item_id, []).append(upload)
        essay = await EssayRepository(self.session).get(user_id)
        items = []
        for state in checklist.states if checklist is not None else []:
            files = [await self._upload(f) for f in by_item.pop(state.item.id, [])]
            if state.item.source is Source.ESSAY and essay is not None:
                files.append(await self._essay(essay))
            items.append(GatheredItem(state.item.id, state, tuple(files)))
        for item_id, uploads in by_item.items():
            items.append(GatheredItem(item_id, None, tuple([await self._upload(f) for f in uploads])))
        log.info("dossier of user %d: %d items", user_id, len(items))
        return DossierSource(profile, app, ruleset, tuple(items), now.astimezone(ZoneInfo(self.settings.timezone))
                             .date())

    async def _uploads(self, user_id: int, app: Application | None) -> list[UploadedFile]:
        """Her files: exactly those frozen in the filed application's snapshot, else all she has sent."""
        uploads = await ChecklistRepository(self.session).files(user_id)
        if app is None:
            return uploads
        wanted = {fid for ids in ((app.snapshot or {}).get("files") or {}).values() for fid in ids}
        return [f for f in uploads if f.file_id in wanted]

    async def _upload(self, upload: UploadedFile) -> Gathered:
        stored = await self.stored.get(upload.stored_file_id) if upload.stored_file_id is not None else None
        if stored is None:
            return Gathered(upload.file_name, None, None, None, NO_COPY)
        return await self._read(upload.file_name, stored)

    async def _essay(self, essay: Essay) -> Gathered:
        """A Word essay's stored copy; a typed one is its text."""
        stored = await self.stored.get(essay.stored_file_id) if essay.stored_file_id is not None else None
        if stored is not None:
            return await self._read("essay.docx", stored)
        data = essay.text.encode("utf-8")
        return Gathered("essay.txt", Kind.TEXT, data, sha256_of(data))

    async def _read(self, name: str | None, stored: StoredFile) -> Gathered:
        kind = Kind(stored.detected_type)
        try:
            data = await self.files.read(stored)
        except MissingFile:
            log.error("stored file %d of a dossier is missing or damaged", stored.id)
            return Gathered(name, kind, None, stored.sha256, GONE)
        return Gathered(name, kind, data, stored.sha256)
