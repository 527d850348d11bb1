"""Every table that holds personal data, and what erasing one person (consent withdrawn) does to each.

A person can be at once a teacher with an application, a commission member or secretary, and an
administrator; each method below covers one of those sides. What survives is only what
scoring/retention.py lists (the records of a commission's decision), cut loose from the person's
account. tests/storage/test_erasure.py fills every table with one person's data and checks that nothing
else of them is left, so a new table that holds personal data needs a line here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import String, cast, delete, exists, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import CompoundSelect

from storage.appeal_models import OPEN_STATUSES, Appeal, AppealFile
from storage.broadcast_models import ApplicationWindow, Broadcast, BroadcastRecipient, ReminderPreference, SentReminder
from storage.checklist_models import Application, Essay, EssayTopics, ItemMark, Notice, UploadedFile
from storage.commission_models import (
    Abstention,
    AgendaItem,
    ApplicationReview,
    Attendance,
    BallotMessage,
    ChairVote,
    Commission,
    CommissionDecision,
    CommissionInvite,
    CommissionMember,
    CommissionPoints,
    CommissionSession,
    GeneratedDocument,
    SessionStatus,
    Vote,
)
from storage.fsm_models import FsmRecord
from storage.maintenance_models import MaintenanceDue
from storage.outbox_models import OutboxMessage
from storage.profile_models import TeacherProfile, User
from storage.ruleset_models import StoredRuleSet
from storage.scoring_models import SelfAssessment
from storage.verification_models import IssuedDocument

IN_PROGRESS = (SessionStatus.OPEN.value, SessionStatus.VOTING.value)
REBUILD = "rebuild_after_erasure"
# A kept complaint's complainant once she is erased: no Telegram account has id 0 (as the records' owner in
# the file store, storage/files/retention.RECORDS_OWNER).
ERASED_COMPLAINANT = 0
DECIDED_COMPLAINT = Appeal.status.not_in([s.value for s in OPEN_STATUSES])


class ErasureRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # --- what there is -------------------------------------------------------------------------

    async def has_personal_data(self, user_id: int) -> bool:
        checks = (
            exists().where(TeacherProfile.user_id == user_id),
            exists().where(CommissionMember.user_id == user_id),
            exists().where(Commission.secretary_user_id == user_id),
            exists().where(Application.user_id == user_id),
            exists().where(UploadedFile.user_id == user_id),
            exists().where(Essay.user_id == user_id),
            exists().where(SelfAssessment.user_id == user_id),
            exists().where(Appeal.user_id == user_id),
        )
        return bool(await self.session.scalar(select(or_(*checks))))

    @staticmethod
    def _commissions_of(user_id: int) -> CompoundSelect:
        """Ids of the commissions this person is a member or the secretary of."""
        return select(CommissionMember.commission_id).where(CommissionMember.user_id == user_id).union(
            select(Commission.id).where(Commission.secretary_user_id == user_id))

    async def sessions_in_progress(self, user_id: int) -> list[tuple[CommissionSession, Commission]]:
        """Open or voting sessions of the commissions this person sits on as a member or the secretary."""
        rows = await self.session.execute(
            select(CommissionSession, Commission).join(Commission, Commission.id == CommissionSession.commission_id)
            .where(CommissionSession.commission_id.in_(self._commissions_of(user_id)),
                   CommissionSession.status.in_(IN_PROGRESS))
            .order_by(CommissionSession.id))
        return [(s, c) for s, c in rows.all()]

    async def decided_session_dates(self, user_id: int) -> list[date]:
        """Dates of the sessions that decided on this person as a candidate."""
        return list(await self.session.scalars(
            select(CommissionSession.session_date)
            .join(AgendaItem, AgendaItem.session_id == CommissionSession.id)
            .join(CommissionDecision, CommissionDecision.candidate_id == AgendaItem.id)
            .where(AgendaItem.user_id == user_id)))

    async def protocol_session_dates(self, user_id: int) -> list[date]:
        """Dates of the sessions whose issued protocol prints this person as a member or the secretary,
        or records their vote."""
        voted = select(Vote.session_id).where(Vote.member_user_id == user_id)
        sat = select(CommissionSession.id).where(
            CommissionSession.commission_id.in_(self._commissions_of(user_id)))
        return list(await self.session.scalars(
            select(CommissionSession.session_date).where(
                or_(CommissionSession.id.in_(voted), CommissionSession.id.in_(sat)),
                exists().where(GeneratedDocument.session_id == CommissionSession.id,
                               GeneratedDocument.kind == "protocol"))))

    async def complaint_dates(self, user_id: int) -> list[date]:
        """Registration days of this person's complaints that were decided (they are kept, erase_complaints)."""
        return list(await self.session.scalars(select(Appeal.registered_on).where(
            Appeal.user_id == user_id, DECIDED_COMPLAINT)))

    async def identifiers(self, user_id: int) -> set[str]:
        """The texts that name this person (names they gave, IIN, e-mail, phone), to find them in messages."""
        profile = await self.session.get(TeacherProfile, user_id)
        found = {v for v in (profile.full_name, profile.iin, profile.email, profile.phone) if v} if profile else set()
        found |= set(await self.session.scalars(select(CommissionMember.full_name).where(
            CommissionMember.user_id == user_id)))
        found |= {n for n in await self.session.scalars(select(Commission.secretary_name).where(
            Commission.secretary_user_id == user_id)) if n}
        return {value for value in found if len(value.strip()) >= 5}

    # --- as a candidate ---------------------------------------------------------------------------

    async def erase_as_candidate(self, user_id: int) -> None:
        """Agenda rows without a decision go; decided ones stay as the record, cut from the account and
        without what the protocol does not print (the organisation, the members' scoring of the portfolio)."""
        decided = select(CommissionDecision.candidate_id)
        mine = select(AgendaItem.id).where(AgendaItem.user_id == user_id)
        await self.session.execute(delete(CommissionPoints).where(CommissionPoints.candidate_id.in_(mine)))
        await self.session.execute(delete(BallotMessage).where(BallotMessage.candidate_id.in_(mine)))
        await self.session.execute(delete(AgendaItem).where(AgendaItem.user_id == user_id,
                                                            AgendaItem.id.not_in(decided)))
        await self.session.execute(update(AgendaItem).where(AgendaItem.user_id == user_id)
                                   .values(user_id=None, org_name=None).execution_options(synchronize_session=False))
        await self.session.execute(delete(ApplicationReview).where(ApplicationReview.user_id == user_id))
        apps = select(Application.id).where(Application.user_id == user_id)
        await self.session.execute(delete(Notice).where(Notice.application_id.in_(apps)))
        for model in (UploadedFile, ItemMark, Essay, Application, SelfAssessment):
            await self.session.execute(delete(model).where(model.user_id == user_id))  # type: ignore[attr-defined]

    async def erase_complaints(self, user_id: int) -> None:
        """Her complaints (§26): the grounds she typed and the files she attached are hers and go (the files'
        objects, and the outcome PDF kept as hers, go with her files in the store); of a decided one the
        department keeps how it handled it (number, dates, status, outcome, who acted) like a decision's
        records, cut from her account. One still open goes whole: nobody is left to review it for or tell."""
        mine = select(Appeal.id).where(Appeal.user_id == user_id)
        await self.session.execute(delete(AppealFile).where(AppealFile.appeal_id.in_(mine)))
        await self.session.execute(delete(Appeal).where(Appeal.user_id == user_id, ~DECIDED_COMPLAINT))
        await self.session.execute(update(Appeal).where(Appeal.user_id == user_id).values(
            user_id=ERASED_COMPLAINANT, grounds="", outcome_file_id=None).execution_options(synchronize_session=False))

    # --- as a member or the secretary -------------------------------------------------------------

    async def erase_commission_roles(self, user_id: int) -> None:
        """Membership, chair votes, attendance, votes and scoring; the secretary's seat is left empty.
        Closed sessions keep their issued protocols, which print the person (scoring/retention.py)."""
        await self.session.execute(delete(ChairVote).where(
            or_(ChairVote.voter_user_id == user_id, ChairVote.candidate_user_id == user_id)))
        await self.session.execute(delete(CommissionMember).where(CommissionMember.user_id == user_id))
        await self.session.execute(update(Commission).where(Commission.secretary_user_id == user_id)
                                   .values(secretary_user_id=None, secretary_name=None)
                                   .execution_options(synchronize_session=False))
        await self.session.execute(delete(Attendance).where(Attendance.user_id == user_id))
        await self.session.execute(delete(Vote).where(Vote.member_user_id == user_id))
        await self.session.execute(delete(Abstention).where(Abstention.member_user_id == user_id))
        await self.session.execute(delete(BallotMessage).where(BallotMessage.member_user_id == user_id))
        await self.session.execute(delete(CommissionPoints).where(CommissionPoints.member_user_id == user_id))

    # --- what others' records say the person did ----------------------------------------------------

    async def forget_actor(self, user_id: int) -> None:
        """Who created a commission, an invite, a session or a broadcast, used an invite, acted on an
        application, set the window or the topics, loaded a rule set: the record stays, without the person."""
        columns = (
            (Commission, Commission.created_by), (CommissionInvite, CommissionInvite.created_by),
            (CommissionInvite, CommissionInvite.used_by), (CommissionSession, CommissionSession.created_by),
            (ApplicationReview, ApplicationReview.acted_by), (Broadcast, Broadcast.created_by),
            (Abstention, Abstention.recorded_by),
            (EssayTopics, EssayTopics.set_by), (ApplicationWindow, ApplicationWindow.set_by),
            (StoredRuleSet, StoredRuleSet.loaded_by), (IssuedDocument, IssuedDocument.revoked_by),
            (Appeal, Appeal.forwarded_by), (Appeal, Appeal.scheduled_by), (Appeal, Appeal.decided_by),
        )
        for model, column in columns:
            await self.session.execute(update(model).where(column == user_id).values({column.key: None})
                                       .execution_options(synchronize_session=False))
        await self.session.execute(update(Broadcast).where(Broadcast.progress_chat_id == user_id)
                                   .values(progress_chat_id=None, progress_message_id=None)
                                   .execution_options(synchronize_session=False))

    # --- messages and reminders ---------------------------------------------------------------------

    async def erase_deliveries(self, user_id: int, identifiers: Iterable[str]) -> None:
        """Messages to the person (sent or not), messages to others that name them (a ballot, a
        notice), broadcast rows, claimed reminders, the reminder choice."""
        await self.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user_id))
        payload = cast(OutboxMessage.payload, String)
        forms = {form for value in identifiers for form in (value, json.dumps(value)[1:-1])}
        if forms:
            await self.session.execute(delete(OutboxMessage).where(
                or_(*(payload.contains(form, autoescape=True) for form in forms))))
        for model in (BroadcastRecipient, SentReminder, ReminderPreference):
            await self.session.execute(delete(model).where(model.user_id == user_id))  # type: ignore[attr-defined]

    # --- the person ---------------------------------------------------------------------------------

    async def erase_profile_and_user(self, user_id: int) -> None:
        await self.session.execute(delete(TeacherProfile).where(TeacherProfile.user_id == user_id))
        await self.session.execute(delete(User).where(User.id == user_id))

    async def erase_conversations(self, user_id: int) -> None:
        """FSM records of the person in any chat (aiogram's keys: fsm:<bot>:<chat>:<user>:<destiny>)."""
        await self.session.execute(delete(FsmRecord).where(FsmRecord.key.like(f"fsm:%:%:{user_id}:%")))

    async def rebuild_indexes(self) -> None:
        """SQLite: an index keeps copies of its keys in its inner pages, and deleting a row does not touch
        them, so an erased IIN could stay in the file. Rebuilding the few indexes over such texts frees those
        pages (zeroed, secure_delete). PostgreSQL reclaims dead rows by (auto)vacuum."""
        if self.session.get_bind().dialect.name == "sqlite":
            for table in ("teacher_profiles", "fsm_records"):
                await self.session.execute(text(f"REINDEX {table}"))

    # --- the database file ---------------------------------------------------------------------------

    async def owe_rebuild(self, since: datetime) -> None:
        if await self.session.get(MaintenanceDue, REBUILD) is None:
            self.session.add(MaintenanceDue(task=REBUILD, since=since))
            await self.session.flush()

    async def rebuild_owed(self) -> bool:
        return await self.session.get(MaintenanceDue, REBUILD) is not None

    async def rebuilt(self) -> None:
        await self.session.execute(delete(MaintenanceDue).where(MaintenanceDue.task == REBUILD))

    # --- retention ----------------------------------------------------------------------------------

    async def purge_records(self, held_before: date) -> int:
        """Documents of sessions held before the date, and the decision records of erased people from
        them: past their retention (scoring/retention.py). Returns how many rows went."""
        old = select(CommissionSession.id).where(CommissionSession.session_date < held_before)
        documents = await self.session.execute(delete(GeneratedDocument).where(GeneratedDocument.session_id.in_(old)))
        # The registry rows that verified them go with them (features/verification).
        await self.session.execute(delete(IssuedDocument).where(IssuedDocument.candidate_id.in_(
            select(AgendaItem.id).where(AgendaItem.session_id.in_(old)))))
        records = await self.session.execute(delete(AgendaItem).where(AgendaItem.user_id.is_(None),
                                                                      AgendaItem.session_id.in_(old)))
        # An erased person's kept complaints, by the same period from their registration.
        complaints = await self.session.execute(delete(Appeal).where(Appeal.user_id == ERASED_COMPLAINANT,
                                                                     Appeal.registered_on < held_before))
        return sum(int(getattr(r, "rowcount", 0) or 0) for r in (documents, records, complaints))
