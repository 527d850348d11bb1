"""Complaints about a refusal or a decision (§26): filing, the provider's actions, deadlines and reminders."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.downloads import TelegramFiles, keep_upload
from bot.refusal import Refusal, StaleButton
from bot.rule_book import RuleBook
from bot.settings import Settings
from bot.text_input import max_length
from features.verification.service import VerificationService
from scoring import appeals
from scoring.appeals import AppealDeadlines, AppealPeriods
from scoring.i18n import N_, Phrase
from storage.appeal_models import OPEN_STATUSES, Appeal, AppealFile, AppealRemedy, AppealStatus, AppealSubject
from storage.appeal_repository import AppealRepository, Contested
from storage.checklist_models import Application
from storage.commission_models import Commission
from storage.files import FileStore
from storage.profile_models import TeacherProfile
from storage.verification_models import IssuedDocument

log = logging.getLogger(__name__)

GROUNDS_MAX = max_length(Appeal.grounds)
REASONS_MAX = max_length(Appeal.reasons)
MAX_FILES = 10
NUMBER_PREFIX = "Ж"

NOTHING_TO_APPEAL = N_("There is nothing to complain about: a complaint is about a commission's refusal to accept "
                       "your documents or about its decision on your application (§26).")
NOT_YOURS = N_("This application is not yours: a complaint is filed only about one's own application.")
PERIOD_OVER = N_("The period for a complaint about this ended on {date}: complaints are taken for {months} "
                 "month(s) after the refusal or decision.")
ALREADY_FILED = N_("You have already filed complaint No. {number} about this.")
EMPTY_GROUNDS = N_("The grounds are empty: type what you disagree with and why, in one message.")
LONG_TEXT = N_("This text is {length} characters long; at most {max} fit. Shorten it and send it again.")
EMPTY_REASONS = N_("The reasons are empty: type why the complaint is rejected.")
TOO_MANY_FILES = N_("At most {max} files can be attached to a complaint. Press «Done» to go on.")
TOO_BIG = N_("This file is larger than the bot can receive (20 MB). Send a smaller scan.")
NOT_A_HOLDER = N_("Only the secretary of the commission concerned or an administrator acts on this complaint.")
OWN_COMPLAINT = N_("This complaint is about your own application: someone else acts on it.")
ALREADY_DONE = N_("Complaint No. {number} has already moved on: nothing was changed.")
REVIEW_IN_PAST = N_("That moment has passed: type a later date and time.")
NOT_FORWARDABLE = N_("Complaint No. {number} has already been forwarded: nothing was changed.")


@dataclass(frozen=True)
class Appealable:
    """A refusal or decision she may complain about now, and until when."""

    contested: Contested
    on: date
    closes: date


@dataclass(frozen=True)
class Filed:
    appeal: Appeal
    deadlines: AppealDeadlines
    periods: AppealPeriods
    holders: list[int]


@dataclass(frozen=True)
class Card:
    """A complaint as its holders see it."""

    appeal: Appeal
    teacher_name: str
    application_number: str
    commission_name: str | None
    files: list[AppealFile]


@dataclass(frozen=True)
class Upheld:
    appeal: Appeal
    revoked: list[IssuedDocument]  # the documents the upholding revoked


def utc_now() -> datetime:
    return datetime.now(UTC)


def current_deadline(appeal: Appeal) -> date:
    """What the holder must meet next: forwarding (or satisfying it) while it is filed; the reviewing body's
    review once it is forwarded; the provider's own review when it was scheduled without forwarding."""
    if appeal.status == AppealStatus.FILED.value:
        return appeal.forward_by
    if appeal.quality_body_review_by is not None:
        return appeal.quality_body_review_by
    return appeal.provider_review_by


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).date()


def checked_text(text: str | None, longest: int, empty: str) -> str:
    """Typed grounds or reasons (already normalised at the edge): refused when empty or too long."""
    value = (text or "").strip()
    if not value:
        raise Refusal(Phrase(empty))
    if len(value) > longest:
        raise Refusal(Phrase(LONG_TEXT, {"length": len(value), "max": longest}))
    return value


class AppealService:
    def __init__(self, session: AsyncSession, settings: Settings, rule_book: RuleBook, today: date,
                 file_store: FileStore | None = None):
        """`today`: bot.clock.local_today (the fixed day in the sandbox and tests); `file_store`: where her files
        and the outcome's document are kept."""
        self.session = session
        self.file_store = file_store
        self.settings = settings
        self.book = rule_book
        self.today = today
        self.zone = ZoneInfo(settings.timezone)
        self.repo = AppealRepository(session)

    # --- the teacher ---------------------------------------------------------------------------------

    async def periods(self, application_id: int) -> AppealPeriods:
        """§26's numbers of the rule set that judged this application."""
        app = await self.session.get(Application, application_id)
        ruleset = self.book.for_application(app) if app is not None else self.book.builtin
        return AppealPeriods.of(ruleset.rules)

    async def appealable(self, user_id: int) -> list[Appealable]:
        """What she may complain about today: in its period, not complained about yet."""
        found = []
        for contested in await self.repo.contested(user_id):
            on = contested.on or _local_day(contested.acted_at, self.zone)
            if on is None or await self.repo.on(contested.application_id, contested.subject):
                continue
            periods = await self.periods(contested.application_id)
            if appeals.may_file(on, self.today, periods):
                found.append(Appealable(contested, on, appeals.filing_closes(on, periods)))
        return sorted(found, key=lambda a: a.on, reverse=True)

    async def start(self, user_id: int, application_id: int, subject: AppealSubject) -> Appealable:
        """The refusal or decision she complains about, checked on the server: hers, in its period, not yet."""
        app = await self.session.get(Application, application_id)
        if app is None or app.user_id != user_id:
            raise Refusal(Phrase(NOT_YOURS))
        earlier = await self.repo.on(application_id, subject)
        if earlier:
            raise Refusal(Phrase(ALREADY_FILED, {"number": earlier[0].number}))
        contested = next((c for c in await self.repo.contested(user_id)
                          if c.application_id == application_id and c.subject is subject), None)
        on = (contested.on or _local_day(contested.acted_at, self.zone)) if contested is not None else None
        if contested is None or on is None:
            raise Refusal(Phrase(NOTHING_TO_APPEAL))
        periods = await self.periods(application_id)
        if not appeals.may_file(on, self.today, periods):
            raise Refusal(Phrase(PERIOD_OVER, {"date": appeals.filing_closes(on, periods).strftime("%d.%m.%Y"),
                                               "months": periods.filing_months}))
        return Appealable(contested, on, appeals.filing_closes(on, periods))

    async def keep_file(self, user_id: int, file_id: str, size: int | None, kept: int,
                        telegram: TelegramFiles) -> int:
        """A file for her complaint, kept in the file store (refused when its bytes are no accepted type);
        the id of its stored copy."""
        if kept >= MAX_FILES:
            raise Refusal(Phrase(TOO_MANY_FILES, {"max": MAX_FILES}))
        limit = telegram.size_limit
        if limit is not None and size is not None and size > limit:
            raise Refusal(Phrase(TOO_BIG))
        stored = await keep_upload(self.session, self.store(), user_id, await telegram.download(file_id))
        return stored.id

    def store(self) -> FileStore:
        assert self.file_store is not None, "keeping a file needs the file store"
        return self.file_store

    async def file(self, user_id: int, application_id: int, subject: AppealSubject, grounds: str, attend: bool,
                   files: Sequence[dict[str, str | int | None]], locale: str, now: datetime) -> Filed:
        """Register her complaint: checked again (the form took a while), numbered, its deadlines set."""
        chosen = await self.start(user_id, application_id, subject)
        periods = await self.periods(application_id)
        due = appeals.deadlines(self.today, periods)
        year = due.registered_on.year
        sequence = await self.repo.next_sequence(year)
        appeal = await self.repo.add(
            number=f"{NUMBER_PREFIX}-{year}-{sequence:06d}", year=year, sequence=sequence,
            application_id=application_id, commission_id=chosen.contested.commission_id, user_id=user_id,
            locale=locale, subject=subject.value, subject_on=chosen.on,
            grounds=checked_text(grounds, GROUNDS_MAX, EMPTY_GROUNDS), attend=attend,
            status=AppealStatus.FILED.value, filed_at=now, registered_on=due.registered_on,
            forward_by=due.forward_by, provider_review_by=due.provider_review_by)
        for f in files:
            await self.repo.add_file(appeal_id=appeal.id, stored_file_id=f.get("stored"), file_id=str(f["file_id"]),
                                     file_name=f.get("name"), kind=str(f.get("kind") or "document"))
        log.info("complaint %d filed on application %d (%d file(s))", appeal.id, application_id, len(files))
        holders = await self.holders(appeal)
        if not holders:
            log.error("complaint %d reaches no one: its commission has no secretary and ADMIN_IDS is empty", appeal.id)
        return Filed(appeal, due, periods, holders)

    async def of_teacher(self, user_id: int) -> list[Appeal]:
        return await self.repo.of_user(user_id)

    # --- the scheduler -------------------------------------------------------------------------------

    async def open_appeals(self) -> list[Appeal]:
        return await self.repo.open()

    async def mark_reminded(self, appeal: Appeal, deadline: date) -> bool:
        """Record the reminder for `deadline`; False when it was already sent (a second run, a restart)."""
        return await self.repo.mark(appeal.id, "reminded_for", deadline)

    async def mark_reported_overdue(self, appeal: Appeal, deadline: date) -> bool:
        return await self.repo.mark(appeal.id, "overdue_reported_for", deadline)

    # --- the holders ---------------------------------------------------------------------------------

    async def holders(self, appeal: Appeal) -> list[int]:
        """Who holds it: the secretary of the commission concerned and the admins, never the complainant."""
        commission = await self.session.get(Commission, appeal.commission_id) if appeal.commission_id else None
        people = [commission.secretary_user_id] if commission and commission.secretary_user_id else []
        people += [a for a in self.settings.admin_ids if a not in people]
        return [p for p in people if p != appeal.user_id]

    async def held(self, actor: int, appeal_id: int) -> Appeal:
        """The complaint, if `actor` may act on it (checked for every press: callback data is forged easily)."""
        appeal = await self.repo.get(appeal_id)
        if appeal is None:
            raise StaleButton()
        if appeal.user_id == actor:
            raise Refusal(Phrase(OWN_COMPLAINT))
        if actor not in await self.holders(appeal):
            raise Refusal(Phrase(NOT_A_HOLDER))
        return appeal

    async def card(self, appeal: Appeal) -> Card:
        profile = await self.session.get(TeacherProfile, appeal.user_id)
        app = await self.session.get(Application, appeal.application_id)
        commission = await self.session.get(Commission, appeal.commission_id) if appeal.commission_id else None
        return Card(appeal, profile.full_name if profile and profile.full_name else "—",
                    (app.number if app else None) or str(appeal.application_id),
                    commission.name if commission else None, await self.repo.files(appeal.id))

    async def _moved(self, appeal: Appeal, expected: Sequence[AppealStatus], new: AppealStatus,
                     **fields: object) -> Appeal:
        if not await self.repo.move(appeal.id, expected, new, **fields):
            raise Refusal(Phrase(ALREADY_DONE, {"number": appeal.number}))
        await self.session.refresh(appeal)
        return appeal

    async def forward(self, actor: int, appeal_id: int, now: datetime) -> Appeal:
        """Recorded as sent, with the case, to the quality-control body today; its 15 days start."""
        appeal = await self.held(actor, appeal_id)
        if appeal.forwarded_on is not None:
            raise Refusal(Phrase(NOT_FORWARDABLE, {"number": appeal.number}))
        periods = await self.periods(appeal.application_id)
        return await self._moved(
            appeal, OPEN_STATUSES, AppealStatus.FORWARDED, forwarded_at=now, forwarded_on=self.today,
            forwarded_by=actor, quality_body_review_by=appeals.quality_body_review_by(self.today, periods))

    async def schedule(self, actor: int, appeal_id: int, review_at: datetime) -> Appeal:
        appeal = await self.held(actor, appeal_id)
        if review_at.astimezone(self.zone).date() < self.today:
            raise Refusal(Phrase(REVIEW_IN_PAST))
        return await self._moved(appeal, OPEN_STATUSES, AppealStatus.SCHEDULED, review_at=review_at.astimezone(UTC),
                                 scheduled_by=actor)

    async def uphold(self, actor: int, appeal_id: int, remedy: AppealRemedy, now: datetime) -> Upheld:
        appeal = await self.held(actor, appeal_id)
        appeal = await self._moved(appeal, OPEN_STATUSES, AppealStatus.UPHELD, remedy=remedy.value,
                                   decided_at=now, decided_by=actor)
        return Upheld(appeal, await self.on_upheld(appeal, remedy, now))

    async def on_upheld(self, appeal: Appeal, remedy: AppealRemedy, now: datetime) -> list[IssuedDocument]:
        """An upheld complaint revokes the application's documents in force (extract, certificate; in this
        transaction) and asks for them to be reissued after the re-vote or correction (`reissue_requested_at`).
        The teacher hears of the revocation in the outcome's message, not in a notice of its own."""
        appeal.reissue_requested_at = now
        revoked = await VerificationService(self.session, self.settings).revoke_for_complaint(
            appeal.application_id, appeal.number, remedy.value, appeal.decided_by, now)
        await self.session.flush()
        log.info("complaint %d upheld (%s): %d document(s) of application %d revoked, reissue requested",
                 appeal.id, remedy.value, len(revoked), appeal.application_id)
        return revoked

    async def reject(self, actor: int, appeal_id: int, reasons: str, now: datetime) -> Appeal:
        appeal = await self.held(actor, appeal_id)
        text = checked_text(reasons, REASONS_MAX, EMPTY_REASONS)
        return await self._moved(appeal, OPEN_STATUSES, AppealStatus.REJECTED, reasons=text, decided_at=now,
                                 decided_by=actor)

    async def record_outcome_document(self, appeal: Appeal, data: bytes) -> int:
        """The outcome's document kept in the file store as hers (her record), linked to the complaint."""
        stored = await keep_upload(self.session, self.store(), appeal.user_id, data)
        appeal.outcome_file_id = stored.id
        await self.session.flush()
        return stored.id


@dataclass(frozen=True)
class AppealCounts:
    open: int
    overdue: int


async def appeal_counts(session: AsyncSession, today: date) -> AppealCounts:
    """Open complaints and those of them past their current deadline (/stats)."""
    rows = await AppealRepository(session).open()
    return AppealCounts(len(rows), sum(1 for a in rows if appeals.is_overdue(current_deadline(a), today)))
