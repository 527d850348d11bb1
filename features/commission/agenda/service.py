"""The secretary's review of applications (§23): /agenda, the applicant's card and files, accepting, refusing.

Every action re-checks that the application went to a commission whose secretary is the presser, and is not
their own. A refusal (`Refusal`) is raised before anything is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import locale_of
from bot.refusal import Refusal
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.commission.agenda.card import card, submitted_files
from features.commission.composition.service import CommissionService
from features.commission.session.service import SessionService
from scoring.commission import RefusalGround
from scoring.i18n import N_, Phrase
from storage.checklist_models import UploadedFile
from storage.commission_models import ApplicationReview, Commission, CommissionSession
from storage.profile_models import TeacherProfile

ALREADY_DECIDED = Phrase(N_("This application has already been accepted or refused."))


@dataclass(frozen=True)
class Applicant:
    review: ApplicationReview
    profile: TeacherProfile | None


@dataclass(frozen=True)
class CommissionAgenda:
    """One commission's share of a secretary's /agenda."""

    commission: Commission
    pending: list[Applicant]
    accepted: int
    sessions: list[CommissionSession]  # not closed
    awaiting_order: list[CommissionSession]


@dataclass(frozen=True)
class ApplicantCard:
    application_id: int
    text: str
    pending: bool


@dataclass(frozen=True)
class SubmittedFiles:
    files: list[UploadedFile]
    applicant: str | None


@dataclass(frozen=True)
class Decision:
    """An application accepted (or, `done` False, found already decided) and who is told of it, in which language."""

    done: bool
    application_id: int
    number: str | int
    commission: Commission
    teacher: int
    locale: str


# The refusal notice (App 7) in the teacher's language: locale, application number, commission -> text.
ComposeNotice = Callable[[str, "str | int", Commission], str]


class AgendaService:
    def __init__(self, session: AsyncSession, settings: Settings, rule_book: RuleBook):
        self.settings = settings
        self.commissions = CommissionService.in_force(session, rule_book, settings.timezone)
        self.sessions = SessionService(session, self.commissions)

    async def agenda(self, secretary: int) -> list[CommissionAgenda]:
        svc = self.commissions
        mine = await svc.of_secretary(secretary)
        if not mine:
            raise Refusal(Phrase(N_("/agenda is for commission secretaries; you are not one.")))
        return [CommissionAgenda(
            c, [Applicant(r, await svc.profile(r.user_id)) for r in await svc.pending(c)], len(await svc.accepted(c)),
            await svc.open_sessions(c),
            await self.sessions.awaiting_order(c)) for c in mine]

    async def review(self, secretary: int, application_id: int) -> tuple[ApplicationReview, Commission]:
        found = await self.commissions.review_for_secretary(secretary, application_id)
        if isinstance(found, Phrase):
            raise Refusal(found)
        return found

    async def card(self, secretary: int, application_id: int) -> ApplicantCard:
        review, _c = await self.review(secretary, application_id)
        return ApplicantCard(review.application_id, await card(self.commissions, review), review.status == "pending")

    async def files(self, secretary: int, application_id: int) -> SubmittedFiles:
        review, _c = await self.review(secretary, application_id)
        profile = await self.commissions.profile(review.user_id)
        return SubmittedFiles(await submitted_files(self.commissions, review),
                              profile.full_name if profile is not None else None)

    async def accept(self, secretary: int, application_id: int) -> Decision:
        review, c = await self.review(secretary, application_id)
        done = await self.commissions.accept(review, secretary)
        return await self._decision(done, review, c)

    async def refusable(self, secretary: int, application_id: int) -> ApplicationReview:
        review, _c = await self.review(secretary, application_id)
        if review.status != "pending":
            raise Refusal(Phrase(N_("Only a pending application of your commission can be refused.")))
        return review

    async def refuse(self, secretary: int, application_id: int, grounds: list[RefusalGround], documents: str,
                     notice: ComposeNotice) -> Decision:
        """Refuse with the grounds and documents; the notice, in the teacher's language, is stored with it."""
        review, c = await self.review(secretary, application_id)
        decision = await self._decision(True, review, c)
        text = notice(decision.locale, decision.number, c)
        if not await self.commissions.refuse(review, secretary, grounds, documents, decision.locale, text):
            raise Refusal(ALREADY_DECIDED)
        return decision

    async def _decision(self, done: bool, review: ApplicationReview, c: Commission) -> Decision:
        app = await self.commissions.application(review.application_id)
        locale = await locale_of(self.commissions.session, review.user_id, self.settings.default_locale)
        return Decision(done, review.application_id, (app.number if app else None) or review.application_id, c,
                        review.user_id, locale)
