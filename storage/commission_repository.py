"""Queries about commissions, their sessions and votes (the only place that builds them).

Concurrency: state changes that must not interleave (a vote and the closing of its candidate, two
transitions of a session) first run a guarded UPDATE on the row they depend on ("... WHERE status =
expected"). On PostgreSQL that UPDATE takes the row lock, so the second writer waits and then sees
the new status; on SQLite writers are serialised anyway. Votes are written with an upsert on the
(session, candidate, member) unique key, so a double press or two presses at the same instant can
only ever leave one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import Application, ApplicationStatus
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
    ItemStatus,
    ReviewStatus,
    SessionStatus,
    Vote,
)


class CommissionRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    def _insert(self) -> Any:
        dialect = self.session.get_bind().dialect.name
        return postgresql.insert if dialect == "postgresql" else sqlite.insert

    # --- commissions ---------------------------------------------------------------------------

    async def create(self, **fields: Any) -> Commission:
        row = Commission(**fields)
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, commission_id: int) -> Commission | None:
        return await self.session.get(Commission, commission_id)

    async def all(self) -> list[Commission]:
        return list(await self.session.scalars(select(Commission).order_by(Commission.id)))

    async def for_secretary(self, user_id: int) -> list[Commission]:
        return list(await self.session.scalars(
            select(Commission).where(Commission.secretary_user_id == user_id).order_by(Commission.id)
        ))

    async def for_member(self, user_id: int) -> list[Commission]:
        return list(await self.session.scalars(
            select(Commission).join(CommissionMember, CommissionMember.commission_id == Commission.id)
            .where(CommissionMember.user_id == user_id).order_by(Commission.id)
        ))

    async def set_secretary(self, commission: Commission, user_id: int, name: str) -> None:
        commission.secretary_user_id = user_id
        commission.secretary_name = name
        await self.session.flush()

    # --- members -------------------------------------------------------------------------------

    async def members(self, commission_id: int) -> list[CommissionMember]:
        return list(await self.session.scalars(
            select(CommissionMember).where(CommissionMember.commission_id == commission_id)
            .order_by(CommissionMember.id)
        ))

    async def members_of(self, commission_ids: Sequence[int]) -> list[CommissionMember]:
        """The members of these commissions, in one query (the session reminders' recipients)."""
        if not commission_ids:
            return []
        return list(await self.session.scalars(
            select(CommissionMember).where(CommissionMember.commission_id.in_(sorted(set(commission_ids))))
            .order_by(CommissionMember.commission_id, CommissionMember.id)
        ))

    async def member(self, commission_id: int, user_id: int) -> CommissionMember | None:
        return await self.session.scalar(select(CommissionMember).where(
            CommissionMember.commission_id == commission_id, CommissionMember.user_id == user_id
        ))

    async def add_member(self, commission_id: int, user_id: int, full_name: str, role: str, when: datetime) -> bool:
        """False if they are a member already (the unique key decides, also under concurrency)."""
        try:
            async with self.session.begin_nested():
                self.session.add(CommissionMember(commission_id=commission_id, user_id=user_id, full_name=full_name,
                                                  role=role, is_chair=False, joined_at=when))
        except IntegrityError:
            return False
        return True

    async def remove_member(self, commission_id: int, user_id: int) -> bool:
        """The member leaves; the chair election forgets their votes, given and received."""
        await self.session.execute(delete(ChairVote).where(
            ChairVote.commission_id == commission_id,
            (ChairVote.voter_user_id == user_id) | (ChairVote.candidate_user_id == user_id)))
        result = await self.session.execute(delete(CommissionMember).where(
            CommissionMember.commission_id == commission_id, CommissionMember.user_id == user_id
        ))
        return bool(getattr(result, "rowcount", 0))

    async def chair(self, commission_id: int) -> CommissionMember | None:
        return await self.session.scalar(select(CommissionMember).where(
            CommissionMember.commission_id == commission_id, CommissionMember.is_chair.is_(True)
        ))

    async def set_chair(self, commission_id: int, user_id: int) -> None:
        await self.session.execute(update(CommissionMember).where(
            CommissionMember.commission_id == commission_id
        ).values(is_chair=CommissionMember.user_id == user_id))
        await self.session.flush()

    async def cast_chair_vote(self, commission_id: int, voter: int, candidate: int, when: datetime) -> None:
        stmt = self._insert()(ChairVote).values(
            commission_id=commission_id, voter_user_id=voter, candidate_user_id=candidate, voted_at=when
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["commission_id", "voter_user_id"],
            set_={"candidate_user_id": candidate, "voted_at": when},
        )
        await self.session.execute(stmt)

    async def chair_votes(self, commission_id: int) -> dict[int, int]:
        rows = await self.session.execute(select(ChairVote.voter_user_id, ChairVote.candidate_user_id).where(
            ChairVote.commission_id == commission_id
        ))
        return {voter: candidate for voter, candidate in rows.all()}

    # --- invites -------------------------------------------------------------------------------

    async def add_invite(self, **fields: Any) -> CommissionInvite:
        row = CommissionInvite(**fields)
        self.session.add(row)
        await self.session.flush()
        return row

    async def invite(self, code: str) -> CommissionInvite | None:
        return await self.session.scalar(select(CommissionInvite).where(CommissionInvite.code == code))

    async def consume_invite(self, invite_id: int, user_id: int, now: datetime) -> bool:
        """Mark the invite used; False if someone used it first or it expired meanwhile."""
        result = await self.session.execute(
            update(CommissionInvite)
            .where(CommissionInvite.id == invite_id, CommissionInvite.used_at.is_(None),
                   CommissionInvite.expires_at > now)
            .values(used_at=now, used_by=user_id)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    # --- application reviews -------------------------------------------------------------------

    async def review(self, application_id: int) -> ApplicationReview | None:
        return await self.session.get(ApplicationReview, application_id)

    async def add_review(self, **fields: Any) -> bool:
        try:
            async with self.session.begin_nested():
                self.session.add(ApplicationReview(**fields))
        except IntegrityError:
            return False
        return True

    async def reviews(self, commission_id: int, statuses: Sequence[ReviewStatus]) -> list[ApplicationReview]:
        return list(await self.session.scalars(
            select(ApplicationReview).where(
                ApplicationReview.commission_id == commission_id,
                ApplicationReview.status.in_([s.value for s in statuses]),
            ).order_by(ApplicationReview.routed_at, ApplicationReview.application_id)
        ))

    async def routable_applications(self) -> list[Application]:
        """Submitted applications never routed, or refused and submitted again since."""
        query = (
            select(Application)
            .outerjoin(ApplicationReview, ApplicationReview.application_id == Application.id)
            .where(
                Application.status.in_([ApplicationStatus.SUBMITTED.value, ApplicationStatus.REGISTERED.value]),
                (ApplicationReview.application_id.is_(None))
                | (ApplicationReview.status == ReviewStatus.REFUSED.value),
            )
            .order_by(Application.id)
        )
        return list(await self.session.scalars(query))

    async def application(self, application_id: int) -> Application | None:
        return await self.session.get(Application, application_id)

    async def overdue_reviews(self, routed_before_or_on: date) -> list[ApplicationReview]:
        # Sorted here, not by ORDER BY: with it SQLite walks every review along the commission's index to
        # skip a sort, instead of the few pending ones along the status's (a national table, on the loop).
        rows = await self.session.scalars(select(ApplicationReview).where(
            ApplicationReview.status == ReviewStatus.PENDING.value,
            ApplicationReview.routed_on <= routed_before_or_on,
        ))
        return sorted(rows, key=lambda r: (r.commission_id, r.application_id))

    async def act_on_review(self, application_id: int, expected: ReviewStatus, new: ReviewStatus, by: int,
                            when: datetime, grounds: list[str] | None = None, documents: str | None = None) -> bool:
        result = await self.session.execute(
            update(ApplicationReview)
            .where(ApplicationReview.application_id == application_id, ApplicationReview.status == expected.value)
            .values(status=new.value, acted_at=when, acted_by=by, grounds=grounds, documents=documents)
            .execution_options(synchronize_session=False)
        )
        await self.session.flush()
        if result.rowcount:  # type: ignore[attr-defined]
            row = await self.review(application_id)
            if row is not None:
                await self.session.refresh(row)
            return True
        return False

    async def holds_application_of(self, commission_id: int, user_id: int) -> bool:
        """The commission has this person's application: routed, accepted or on the agenda of a session
        that is not closed yet (scoring.commission, conflict of interest)."""
        held = (ReviewStatus.PENDING.value, ReviewStatus.ACCEPTED.value, ReviewStatus.SCHEDULED.value)
        routed = select(ApplicationReview.application_id).where(
            ApplicationReview.commission_id == commission_id, ApplicationReview.user_id == user_id,
            ApplicationReview.status.in_(held))
        on_agenda = select(AgendaItem.id).join(CommissionSession, CommissionSession.id == AgendaItem.session_id).where(
            CommissionSession.commission_id == commission_id, CommissionSession.status != SessionStatus.CLOSED.value,
            AgendaItem.user_id == user_id)
        return bool(await self.session.scalar(select(exists(routed) | exists(on_agenda))))

    async def set_review_status(self, application_id: int, status: ReviewStatus) -> None:
        await self.session.execute(update(ApplicationReview).where(
            ApplicationReview.application_id == application_id
        ).values(status=status.value).execution_options(synchronize_session=False))

    # --- sessions ------------------------------------------------------------------------------

    async def create_session(
        self, commission_id: int, session_date: date, by: int, when: datetime
    ) -> CommissionSession:
        last = await self.session.scalar(select(func.max(CommissionSession.number)).where(
            CommissionSession.commission_id == commission_id
        ))
        row = CommissionSession(commission_id=commission_id, number=(last or 0) + 1, session_date=session_date,
                                status=SessionStatus.DRAFT.value, created_by=by, created_at=when, version=0)
        self.session.add(row)
        await self.session.flush()
        return row

    async def get_session(self, session_id: int) -> CommissionSession | None:
        return await self.session.get(CommissionSession, session_id)

    async def sessions_by_id(self, session_ids: Sequence[int]) -> dict[int, CommissionSession]:
        """These sessions, by id, in one query."""
        if not session_ids:
            return {}
        rows = await self.session.scalars(select(CommissionSession).where(
            CommissionSession.id.in_(sorted(set(session_ids)))))
        return {s.id: s for s in rows}

    async def sessions(self, commission_id: int) -> list[CommissionSession]:
        return list(await self.session.scalars(select(CommissionSession).where(
            CommissionSession.commission_id == commission_id
        ).order_by(CommissionSession.id)))

    async def sessions_of(self, status: SessionStatus, commission_ids: Sequence[int]) -> list[CommissionSession]:
        return list(await self.session.scalars(select(CommissionSession).where(
            CommissionSession.commission_id.in_(commission_ids), CommissionSession.status == status.value
        ).order_by(CommissionSession.id)))

    async def transition(self, session_id: int, expected: Sequence[SessionStatus], new: SessionStatus,
                         **values: Any) -> bool:
        result = await self.session.execute(
            update(CommissionSession)
            .where(CommissionSession.id == session_id,
                   CommissionSession.status.in_([s.value for s in expected]))
            .values(status=new.value, version=CommissionSession.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        ok = bool(getattr(result, "rowcount", 0))
        row = await self.get_session(session_id)
        if row is not None:
            await self.session.refresh(row)
        return ok

    async def set_session_date(self, session_id: int, when: date) -> bool:
        """Re-date a session that has not been opened yet."""
        result = await self.session.execute(
            update(CommissionSession)
            .where(CommissionSession.id == session_id, CommissionSession.status == SessionStatus.DRAFT.value)
            .values(session_date=when, version=CommissionSession.version + 1)
            .execution_options(synchronize_session=False)
        )
        await self._refresh_session(session_id)
        return bool(getattr(result, "rowcount", 0))

    async def set_order(self, session_id: int, number: str, when: date, issuer: str, signatory: str) -> bool:
        """Record the order assigning the categories; refused once its certificates are issued."""
        result = await self.session.execute(
            update(CommissionSession)
            .where(CommissionSession.id == session_id, CommissionSession.status == SessionStatus.CLOSED.value,
                   CommissionSession.certificates_issued_at.is_(None))
            .values(order_number=number, order_date=when, order_issuer=issuer, order_signatory=signatory,
                    version=CommissionSession.version + 1)
            .execution_options(synchronize_session=False)
        )
        await self._refresh_session(session_id)
        return bool(getattr(result, "rowcount", 0))

    async def take_certificates(self, session_id: int, when: datetime) -> bool:
        """Claim the issue of a session's certificates: True for the one caller that does it."""
        result = await self.session.execute(
            update(CommissionSession)
            .where(CommissionSession.id == session_id, CommissionSession.order_number.is_not(None),
                   CommissionSession.certificates_issued_at.is_(None))
            .values(certificates_issued_at=when, version=CommissionSession.version + 1)
            .execution_options(synchronize_session=False)
        )
        await self._refresh_session(session_id)
        return bool(getattr(result, "rowcount", 0))

    async def last_order(self, commission_id: int) -> CommissionSession | None:
        """The commission's latest session with an order recorded (its issuer and signatory are offered again)."""
        return await self.session.scalar(select(CommissionSession).where(
            CommissionSession.commission_id == commission_id, CommissionSession.order_issuer.is_not(None)
        ).order_by(CommissionSession.order_date.desc(), CommissionSession.id.desc()).limit(1))

    async def _refresh_session(self, session_id: int) -> None:
        row = await self.get_session(session_id)
        if row is not None:
            await self.session.refresh(row)

    async def lock_session(self, session_id: int) -> None:
        """Serialise with other writers of this session (attendance vs. opening the vote)."""
        await self.session.execute(update(CommissionSession).where(CommissionSession.id == session_id).values(
            version=CommissionSession.version + 1
        ).execution_options(synchronize_session=False))

    # --- attendance ----------------------------------------------------------------------------

    async def mark_present(self, session_id: int, user_id: int, when: datetime) -> bool:
        stmt = self._insert()(Attendance).values(session_id=session_id, user_id=user_id, marked_at=when)
        stmt = stmt.on_conflict_do_nothing(index_elements=["session_id", "user_id"])
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def present(self, session_id: int) -> set[int]:
        return set(await self.session.scalars(select(Attendance.user_id).where(Attendance.session_id == session_id)))

    # --- agenda --------------------------------------------------------------------------------

    async def add_item(self, **fields: Any) -> AgendaItem:
        row = AgendaItem(status=ItemStatus.WAITING.value, version=0, **fields)
        self.session.add(row)
        await self.session.flush()
        return row

    async def items(self, session_id: int) -> list[AgendaItem]:
        return list(await self.session.scalars(select(AgendaItem).where(
            AgendaItem.session_id == session_id
        ).order_by(AgendaItem.position)))

    async def item(self, item_id: int) -> AgendaItem | None:
        return await self.session.get(AgendaItem, item_id)

    async def item_transition(self, item_id: int, expected: ItemStatus, new: ItemStatus) -> bool:
        """Guarded status change; with expected == new it only takes the row lock (a vote does this)."""
        result = await self.session.execute(
            update(AgendaItem)
            .where(AgendaItem.id == item_id, AgendaItem.status == expected.value)
            .values(status=new.value, version=AgendaItem.version + 1)
            .execution_options(synchronize_session=False)
        )
        ok = bool(getattr(result, "rowcount", 0))
        row = await self.item(item_id)
        if row is not None:
            await self.session.refresh(row)
        return ok

    # --- votes ---------------------------------------------------------------------------------

    async def upsert_vote(self, session_id: int, item_id: int, member: int, decision: str, category: str | None,
                          when: datetime) -> bool:
        """Insert or change the member's vote; True if it was their first vote on this candidate."""
        stmt = self._insert()(Vote).values(session_id=session_id, candidate_id=item_id, member_user_id=member,
                                           decision=decision, category=category, cast_at=when, changes=0)
        stmt = stmt.on_conflict_do_update(
            index_elements=["session_id", "candidate_id", "member_user_id"],
            set_={"decision": decision, "category": category, "cast_at": when, "changes": Vote.changes + 1},
        ).returning(Vote.changes)
        changes = (await self.session.execute(stmt)).scalar_one()
        return changes == 0

    async def votes(self, item_id: int) -> list[Vote]:
        return list(await self.session.scalars(select(Vote).where(Vote.candidate_id == item_id).order_by(Vote.id)))

    async def vote(self, item_id: int, member: int) -> Vote | None:
        return await self.session.scalar(select(Vote).where(Vote.candidate_id == item_id,
                                                            Vote.member_user_id == member))

    async def abstentions(self, item_id: int) -> list[Abstention]:
        return list(await self.session.scalars(select(Abstention).where(Abstention.candidate_id == item_id)
                                               .order_by(Abstention.member_user_id)))

    async def add_abstentions(self, item_id: int, members: Sequence[int], by: int, when: datetime) -> None:
        for member in members:
            stmt = self._insert()(Abstention).values(candidate_id=item_id, member_user_id=member, recorded_at=when,
                                                     recorded_by=by)
            await self.session.execute(stmt.on_conflict_do_nothing(index_elements=["candidate_id", "member_user_id"]))

    async def set_ballot_message(self, item_id: int, member: int, message_id: int) -> None:
        stmt = self._insert()(BallotMessage).values(candidate_id=item_id, member_user_id=member,
                                                    message_id=message_id)
        await self.session.execute(stmt.on_conflict_do_update(
            index_elements=["candidate_id", "member_user_id"], set_={"message_id": message_id}))

    async def ballot_messages(self, item_id: int) -> dict[int, int]:
        rows = await self.session.execute(select(BallotMessage.member_user_id, BallotMessage.message_id).where(
            BallotMessage.candidate_id == item_id))
        return {member: message for member, message in rows.all()}

    # --- commission points (a member's scoring sheet per candidate) --------------------------------

    async def points(self, item_id: int, member: int) -> CommissionPoints | None:
        return await self.session.scalar(select(CommissionPoints).where(
            CommissionPoints.candidate_id == item_id, CommissionPoints.member_user_id == member))

    async def all_points(self, item_id: int) -> list[CommissionPoints]:
        return list(await self.session.scalars(select(CommissionPoints).where(
            CommissionPoints.candidate_id == item_id).order_by(CommissionPoints.id)))

    async def points_or_create(self, item_id: int, member: int, sheet_id: str, answers: dict[str, Any],
                               when: datetime) -> CommissionPoints:
        """The member's sheet for this candidate; created from `answers` on the first call.

        Insert-or-ignore on the (candidate, member) key: a double press that opens the sheet twice at the
        same instant still leaves one row.
        """
        stmt = self._insert()(CommissionPoints).values(
            candidate_id=item_id, member_user_id=member, sheet_id=sheet_id, answers=answers, updated_at=when,
        ).on_conflict_do_nothing(index_elements=["candidate_id", "member_user_id"])
        await self.session.execute(stmt)
        row = await self.points(item_id, member)
        assert row is not None
        return row

    async def save_points(self, row: CommissionPoints, answers: dict[str, Any], when: datetime) -> None:
        # A new dict, so SQLAlchemy sees the JSON change (in-place mutation is not tracked).
        row.answers = answers
        row.updated_at = when
        await self.session.flush()

    async def set_reason(self, decision_id: int, reason: str) -> None:
        await self.session.execute(update(CommissionDecision).where(CommissionDecision.id == decision_id)
                                   .values(reason=reason).execution_options(synchronize_session=False))
        row = await self.session.get(CommissionDecision, decision_id)
        if row is not None:
            await self.session.refresh(row)

    # --- decisions and documents ----------------------------------------------------------------

    async def add_decision(self, **fields: Any) -> CommissionDecision:
        row = CommissionDecision(**fields)
        self.session.add(row)
        await self.session.flush()
        return row

    async def decision(self, item_id: int) -> CommissionDecision | None:
        return await self.session.scalar(select(CommissionDecision).where(CommissionDecision.candidate_id == item_id))

    async def agenda_entry(self, application_id: int) -> tuple[AgendaItem, CommissionSession, Commission] | None:
        """The latest session whose agenda holds this application, and its commission."""
        row = (await self.session.execute(
            select(AgendaItem, CommissionSession, Commission)
            .join(CommissionSession, CommissionSession.id == AgendaItem.session_id)
            .join(Commission, Commission.id == CommissionSession.commission_id)
            .where(AgendaItem.application_id == application_id)
            .order_by(AgendaItem.id.desc()).limit(1))).first()
        return (row[0], row[1], row[2]) if row is not None else None

    async def count_certificates(self, prefix: str) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(CommissionDecision).where(
            CommissionDecision.certificate_number.like(f"{prefix}%")
        )) or 0)

    async def overdue_extracts(self, due_on_or_before: date) -> list[tuple[CommissionDecision, AgendaItem]]:
        rows = await self.session.execute(
            select(CommissionDecision, AgendaItem).join(AgendaItem, AgendaItem.id == CommissionDecision.candidate_id)
            .where(CommissionDecision.extract_sent_at.is_(None), CommissionDecision.extract_due <= due_on_or_before,
                   AgendaItem.user_id.is_not(None))  # an erased person is sent nothing
            .order_by(CommissionDecision.id)
        )
        return [(d, i) for d, i in rows.all()]

    async def add_document(self, **fields: Any) -> GeneratedDocument:
        row = GeneratedDocument(**fields)
        self.session.add(row)
        await self.session.flush()
        return row

    async def documents(self, session_id: int, kind: str | None = None) -> list[GeneratedDocument]:
        query = select(GeneratedDocument).where(GeneratedDocument.session_id == session_id)
        if kind is not None:
            query = query.where(GeneratedDocument.kind == kind)
        return list(await self.session.scalars(query.order_by(GeneratedDocument.id)))
