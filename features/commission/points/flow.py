"""A member scores the candidate's sheet from the ballot: each press is checked like a vote, then changed
by the answer rules /score uses (features.self_assessment.answers), and the next screen is returned.

A member, present, not the candidate nor their head, while the vote on the candidate is open: that is
checked on every press (SessionService.check_voter), so an old sheet's button refuses once the vote closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal, StaleButton
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.commission.points.service import PointsService, total_of
from features.commission.points.states import PointsForm
from features.commission.points.views import Ballot, MemberCriterion, MemberSummary
from features.commission.session.handlers import ballot, ballot_body, services
from features.commission.session.service import SessionService
from features.self_assessment.answers import AnswerButton, changed_answer, is_typed, neighbour, typed_totals
from features.self_assessment.screens import CriterionScreen
from scoring.config import Rules
from scoring.i18n import N_, Phrase
from scoring.rulesets import RuleSet
from scoring.sheets import Criterion, ScoringSheet
from scoring.sheets.entry import quantity_answer
from scoring.sheets.evaluate import AnswerError, Evaluation
from scoring.sheets.model import ScaleKind
from storage.commission_models import AgendaItem, CommissionPoints, CommissionSession

SAVED = N_("Saved.")
NO_SHEET = N_("The candidate's scoring sheet is not known (their profile is incomplete).")
NO_SUCH_CRITERION = N_("This sheet has no such criterion.")

Shown = MemberCriterion | MemberSummary | Ballot


@dataclass(frozen=True)
class Pressed:
    """A screen, and what the button's answer says."""

    shown: Shown
    toast: Phrase | None = None


@dataclass
class MemberSheet:
    """The member's sheet of one candidate, with everything its checks found."""

    sessions: SessionService
    points: PointsService
    session: CommissionSession
    item: AgendaItem
    row: CommissionPoints
    ruleset: RuleSet  # her application's

    @property
    def scoring(self) -> ScoringSheet:
        return self.ruleset.sheets[self.row.sheet_id]

    @property
    def rules(self) -> Rules:
        return self.ruleset.rules

    def evaluate(self) -> Evaluation:
        return PointsService.evaluate(self.row, self.ruleset)

    def criterion(self, crit: str) -> Criterion:
        found = self.scoring.criterion(crit)
        if found is None:
            raise Refusal(Phrase(NO_SUCH_CRITERION))
        return found


class PointsFlow:
    def __init__(self, state: FSMContext, session: AsyncSession, settings: Settings, rule_book: RuleBook,
                 member: int) -> None:
        self.state, self.session, self.settings, self.member = state, session, settings, member
        self.rule_book = rule_book

    async def _sheet(self, session_id: int, item_id: int) -> MemberSheet:
        """Everything a vote press is checked for, then the member's sheet (created from the self-assessment)."""
        _commissions, sessions = services(self.session, self.settings, self.rule_book)
        checked = await sessions.check_voter(self.member, session_id, item_id)
        if isinstance(checked, Phrase):
            raise Refusal(checked)
        s, item = checked
        points = sessions.points
        row = await points.sheet_of(item, self.member)
        if row is None:
            raise Refusal(Phrase(NO_SHEET))
        return MemberSheet(sessions, points, s, item, row, await points.ruleset(item))

    async def _pressed(self, session_id: int, item_id: int, ballot_message: int | None) -> MemberSheet:
        sheet = await self._sheet(session_id, item_id)
        if ballot_message is not None:  # the sheet is shown in the ballot's own message
            await sheet.sessions.record_ballot(sheet.item, self.member, ballot_message)
        return sheet

    async def _criterion(self, sheet: MemberSheet, criterion: Criterion, note: Phrase | None = None) -> MemberCriterion:
        await self.state.set_state(PointsForm.criterion)
        await self.state.set_data({"pt_sid": sheet.session.id, "pt_item": sheet.item.id, "pt_crit": criterion.id})
        points, row = sheet.points, sheet.row
        evaluation = sheet.evaluate()
        result = next(r for r in evaluation.results if r.criterion.id == criterion.id)
        screen = CriterionScreen(sheet.scoring, criterion, points.criteria(row), result,
                                 len(points.observations(row, criterion)), sheet.rules)
        return MemberCriterion(screen, sheet.session.id, sheet.item.id, sheet.item.full_name,
                               total_of(evaluation), note)

    async def _summary(self, sheet: MemberSheet) -> MemberSummary:
        await self.state.clear()
        return MemberSummary(sheet.evaluate(), await sheet.points.own_total(sheet.item),
                             sheet.session.id, sheet.item.id, sheet.item.full_name)

    # --- presses ------------------------------------------------------------------------------------

    async def back(self, session_id: int, item_id: int, ballot_message: int | None) -> Pressed:
        sheet = await self._pressed(session_id, item_id, ballot_message)
        await self.state.clear()
        text = await ballot_body(self.session, sheet.sessions, sheet.item, self.member, _)
        return Pressed(Ballot(text, await ballot(self.session, sheet.sessions, sheet.session, sheet.item, _)))

    async def summary(self, session_id: int, item_id: int, ballot_message: int | None) -> Pressed:
        sheet = await self._pressed(session_id, item_id, ballot_message)
        return Pressed(await self._summary(sheet))

    async def open(self, session_id: int, item_id: int, ballot_message: int | None) -> Pressed:
        """From the ballot: the sheet's first criterion."""
        sheet = await self._pressed(session_id, item_id, ballot_message)
        return Pressed(await self._criterion(sheet, sheet.scoring.criteria[0]))

    async def go(self, session_id: int, item_id: int, ballot_message: int | None, crit: str) -> Pressed:
        sheet = await self._pressed(session_id, item_id, ballot_message)
        return Pressed(await self._criterion(sheet, sheet.criterion(crit)))

    async def step(self, session_id: int, item_id: int, ballot_message: int | None, crit: str,
                   forward: bool) -> Pressed:
        sheet = await self._pressed(session_id, item_id, ballot_message)
        following = neighbour(sheet.scoring, sheet.criterion(crit), forward)
        if following is None:
            return Pressed(await self._summary(sheet))
        return Pressed(await self._criterion(sheet, following))

    async def none(self, session_id: int, item_id: int, ballot_message: int | None, crit: str) -> Pressed:
        sheet = await self._pressed(session_id, item_id, ballot_message)
        criterion = sheet.criterion(crit)
        await sheet.points.set_answer(sheet.row, criterion, None)
        return Pressed(await self._criterion(sheet, criterion), Phrase(N_("Saved: none, 0 points.")))

    async def remove_observation(self, session_id: int, item_id: int, ballot_message: int | None,
                                 crit: str) -> Pressed:
        sheet = await self._pressed(session_id, item_id, ballot_message)
        criterion = sheet.criterion(crit)
        if criterion.scale.kind is not ScaleKind.OBSERVATION:
            raise StaleButton()
        points = sheet.points
        await points.set_observations(sheet.row, criterion, points.observations(sheet.row, criterion)[:-1])
        return Pressed(await self._criterion(sheet, criterion), Phrase(SAVED))

    async def press_answer(self, session_id: int, item_id: int, ballot_message: int | None, crit: str,
                           button: AnswerButton, value: str) -> Pressed:
        """A level, count, co-authorship, bonus or kind-removal button: the /score rules change the answer."""
        sheet = await self._pressed(session_id, item_id, ballot_message)
        criterion, points = sheet.criterion(crit), sheet.points
        answer = changed_answer(criterion, points.criteria(sheet.row).get(criterion.id), button, value,
                                max_kinds=int(sheet.rules.self_assessment["max_kinds"]))
        if answer is None:
            raise StaleButton()
        await self._save(sheet, criterion, answer)
        return Pressed(await self._criterion(sheet, criterion), Phrase(SAVED))

    @staticmethod
    async def _save(sheet: MemberSheet, criterion: Criterion, answer: dict[str, Any]) -> None:
        try:
            await sheet.points.set_answer(sheet.row, criterion, answer)
        except AnswerError as error:
            raise Refusal(error.message) from error

    # --- typed answers ------------------------------------------------------------------------------

    async def type_answer(self, text: str) -> MemberCriterion:
        """A typed answer (hours, percent, observation totals) for the criterion on screen."""
        data = await self.state.get_data()
        try:
            sheet = await self._sheet(int(data.get("pt_sid", 0)), int(data.get("pt_item", 0)))
        except Refusal:
            await self.state.clear()
            raise
        criterion = sheet.scoring.criterion(str(data.get("pt_crit")))
        if criterion is None or not is_typed(criterion):
            raise Refusal(Phrase(N_("This criterion is answered with the buttons above.")))
        points = sheet.points
        try:
            if criterion.scale.kind is ScaleKind.THRESHOLD:
                await points.set_answer(sheet.row, criterion, quantity_answer(criterion, text, sheet.rules))
            else:
                # The member states the totals they accept: they replace the candidate's list.
                await points.set_observations(sheet.row, criterion, typed_totals(text, sheet.rules))
        except AnswerError as error:
            raise Refusal(error.message) from error
        return await self._criterion(sheet, criterion, Phrase(SAVED))
