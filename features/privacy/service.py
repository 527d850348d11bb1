"""Consent withdrawn (/delete_me): the person is erased everywhere but in the records a commission must keep.

What is kept, why and for how long is data in scoring/retention.py; which rows that means, table by table,
is storage/erasure_repository.py; the person's files go from the file store with their rows
(FileStoreService.erase_owner). The erasure commits on its own, then empties SQLite's WAL: until then the
-wal file still holds the erased rows' old pages. The next night the database file is rebuilt as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from aiogram.fsm.context import FSMContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal
from scoring import retention
from scoring.config import Rules
from scoring.i18n import N_, Phrase
from storage.db import empty_wal, rebuild_file
from storage.erasure_repository import ErasureRepository
from storage.files import FileStore
from storage.files.service import FileStoreService

NOTHING_TO_ERASE = Phrase(N_("There is no personal data of yours to erase."))
Kept = list[tuple[Phrase, Phrase, Phrase]]  # what is kept, why, until when (scoring.retention.explain)


@dataclass(frozen=True)
class Erased:
    existed: bool  # there was personal data to erase
    kept: Kept


class ErasureService:
    def __init__(self, session: AsyncSession, rules: Rules, file_store: FileStore | None = None):
        """`rules`: the sections in force today (RuleBook.in_force): retention and the rebuild hours;
        `file_store`: where the person's files are (needed to `erase`)."""
        self.session = session
        self.file_store = file_store
        self.repo = ErasureRepository(session)
        self.rules = rules

    async def preview(self, user_id: int) -> Kept:
        """Before the person confirms: what the erasure would keep. Refused when there is nothing of theirs
        to erase, or while a session they sit on is in progress."""
        if not await self.repo.has_personal_data(user_id):
            raise Refusal(NOTHING_TO_ERASE)
        refusal = await self.refusal(user_id)
        if refusal is not None:
            raise Refusal(refusal)
        return await self.kept(user_id)

    async def refusal(self, user_id: int) -> Phrase | None:
        """Why the person cannot be erased right now: a session they sit on is in progress."""
        in_progress = await self.repo.sessions_in_progress(user_id)
        if not in_progress:
            return None
        s, c = in_progress[0]
        return Phrase(retention.WAIT_FOR_SESSION, {"name": c.name, "number": s.number})

    async def kept(self, user_id: int) -> Kept:
        """What an erasure would keep of this person now, why, and until when."""
        items = [retention.KeptItem(retention.KeptRecord.DECISION, day)
                 for day in await self.repo.decided_session_dates(user_id)]
        items += [retention.KeptItem(retention.KeptRecord.COMMISSION_WORK, day)
                  for day in await self.repo.protocol_session_dates(user_id)]
        items += [retention.KeptItem(retention.KeptRecord.COMPLAINT, day)
                  for day in await self.repo.complaint_dates(user_id)]
        return retention.explain(items, self.rules)

    async def erase(self, user_id: int, state: FSMContext) -> Erased | Phrase:
        """Erase the person (the conversation state too), commit, empty the WAL; or why not now (said in the
        chat, under the confirmation, rather than as an alert)."""
        refusal = await self.refusal(user_id)
        if refusal is not None:
            return refusal
        assert self.file_store is not None, "an erasure needs the file store"
        existed = await self.repo.has_personal_data(user_id)
        kept = await self.kept(user_id)
        identifiers = await self.repo.identifiers(user_id)
        # The objects first, then their rows: an erasure cut short is finished by the next /delete_me.
        await FileStoreService(self.session, self.file_store).erase_owner(user_id)
        await self.repo.erase_as_candidate(user_id)
        await self.repo.erase_complaints(user_id)
        await self.repo.erase_commission_roles(user_id)
        await self.repo.forget_actor(user_id)
        await self.repo.erase_deliveries(user_id, identifiers)
        await self.repo.erase_profile_and_user(user_id)
        await state.clear()  # Redis keeps the state elsewhere; in the database clearing writes a row…
        await self.repo.erase_conversations(user_id)  # …which goes with every other chat's record
        await self.repo.rebuild_indexes()
        await self.repo.owe_rebuild(datetime.now(UTC))
        # Committed here, not by the middleware after the handler: the WAL can only be emptied of the
        # erased rows once they are gone from a committed state.
        await self.session.commit()
        await empty_wal(self.session)
        return Erased(existed, kept)

    async def rebuild_if_owed(self, local_now: datetime) -> bool:
        """In the night after an erasure, rebuild SQLite's file so no stale copy of an erased row is left in
        it (storage.db.rebuild_file). True if it was rebuilt now."""
        if not retention.rebuild_hours(self.rules).contains(local_now.time()) or not await self.repo.rebuild_owed():
            return False
        await self.session.commit()  # the rebuild runs on a connection of its own: nothing may stay open here
        rebuilt = await rebuild_file(self.session)
        await self.repo.rebuilt()  # only once done: a failed rebuild is tried again on the next run
        await self.session.commit()
        return rebuilt

    async def purge(self, today: date) -> int:
        """Delete the kept records whose retention has run out (scoring/retention.py)."""
        return await self.repo.purge_records(retention.purge_before(today, self.rules))
