"""The /score conversation of one person: which screen each press leads to, over the FSM step and the sheet.

Every method checks that the press fits the step it was made for (a button of an old message, or forged
data, raises StaleButton), saves through SelfAssessmentService and returns the screen to show next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.fsm.context import FSMContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal, StaleButton
from features.profile.service import ProfileService
from features.self_assessment.answers import AnswerButton, changed_answer, has_toggles, neighbour, typed_totals
from features.self_assessment.screens import (
    CriterionScreen,
    FillingScreen,
    NoticeScreen,
    Screen,
    Shown,
    SummaryScreen,
    VariantScreen,
)
from features.self_assessment.service import (
    SelfAssessmentService,
    Setting,
    checklist_item_ids,
    setting_of,
    sheet_id_for,
)
from features.self_assessment.states import SCORE_STATES, ScoreForm
from scoring.i18n import N_, Phrase
from scoring.rulesets import RuleSet
from scoring.sheets import Criterion, ScoringSheet
from scoring.sheets.entry import quantity_answer
from scoring.sheets.evaluate import AnswerError
from scoring.sheets.kinds import kinds_of
from scoring.sheets.model import ScaleKind
from scoring.sheets.observation import ObservationError, score_observation
from storage.scoring_models import SelfAssessment

SAVED = N_("Saved.")
NEEDS_PROFILE = N_("The self-assessment needs your completed profile (position, type of organisation, claimed "
                   "category). Send /start to finish it first.")
WELCOME_BACK = N_("Welcome back! Let's continue where you left off.")
NO_SUCH_CRITERION = N_("This sheet has no such criterion.")
USE_THE_BUTTONS = N_("Please use the buttons above, or send /score to see where you are.")
BUTTONS_ONLY = N_("This criterion is answered with the buttons above.")


@dataclass
class OpenSheet:
    """The self-assessment in progress: the profile's setting, the stored sheet and the FSM step and data."""

    service: SelfAssessmentService
    setting: Setting
    row: SelfAssessment
    step: str | None
    data: dict[str, Any]

    @property
    def sheet(self) -> ScoringSheet:
        return self.service.sheet(self.row)

    @property
    def criterion(self) -> Criterion | None:
        return self.sheet.criterion(str(self.data.get("sc_crit")))

    @property
    def adding(self) -> bool:
        """The open criterion waits for the level of a new kind of work (after "➕ Another kind")."""
        return self.data.get("sc_adding") is not None and self.data.get("sc_adding") == self.data.get("sc_crit")

    def open_criterion(self, crit: str) -> Criterion:
        """The criterion on screen, if the button is one of its own; else the button is stale."""
        target = self.sheet.criterion(crit)
        if self.step != ScoreForm.criterion.state or target is None or target.id != self.data.get("sc_crit"):
            raise StaleButton()
        return target


class ScoreFlow:
    def __init__(self, state: FSMContext, session: AsyncSession, user_id: int, ruleset: RuleSet) -> None:
        self.state, self.session, self.user_id = state, session, user_id
        self.service = SelfAssessmentService(session, ruleset)

    @property
    def max_kinds(self) -> int:
        return int(self.service.rules.self_assessment["max_kinds"])

    # --- loading ------------------------------------------------------------------------------------

    async def _setting(self) -> Setting | None:
        return setting_of(await ProfileService(self.session).get(self.user_id))

    async def _find(self) -> OpenSheet | None:
        """The open self-assessment, or None when there is none (or the profile no longer fits its sheet)."""
        step = await self.state.get_state()
        if step not in SCORE_STATES:
            return None
        data = await self.state.get_data()
        sheet_id = data.get("sc_sheet")
        setting = await self._setting()
        if setting is None or sheet_id not in self.service.ruleset.sheets or sheet_id not in setting.sheet_ids():
            return None
        return OpenSheet(self.service, setting, await self.service.row(self.user_id, sheet_id), step, data)

    async def _open(self) -> OpenSheet:
        found = await self._find()
        if found is None:
            raise StaleButton()
        return found

    # --- screens ------------------------------------------------------------------------------------

    def _can_add_kind(self, criterion: Criterion, answer: dict[str, Any] | None) -> bool:
        """Kinds of work add up on this criterion, one is recorded and there is room for another."""
        return criterion.scale.kinds_add_up and 0 < len(kinds_of(answer)) < self.max_kinds

    async def _criterion(self, sheet: OpenSheet, criterion: Criterion, *, adding: bool = False,
                         more_of: Criterion | None = None, note: Phrase | None = None) -> CriterionScreen:
        await self.state.set_state(ScoreForm.criterion)
        adding_id = criterion.id if adding else None
        await self.state.update_data(sc_crit=criterion.id, sc_adding=adding_id)
        sheet.data.update(sc_crit=criterion.id, sc_adding=adding_id)
        evaluation = self.service.evaluate(sheet.row)
        result = next(r for r in evaluation.results if r.criterion.id == criterion.id)
        answered = self.service.criteria(sheet.row)
        offer = more_of if more_of is not None and self._can_add_kind(more_of, answered.get(more_of.id)) else None
        return CriterionScreen(sheet.sheet, criterion, answered, result, len(sheet.row.observations or []),
                               self.service.rules, adding=adding, more_of=offer, note=note)

    async def _summary(self, sheet: OpenSheet) -> SummaryScreen:
        await self.state.set_state(ScoreForm.summary)
        checklist = await checklist_item_ids(self.session, sheet.row.user_id)
        return SummaryScreen(self.service.evaluate(sheet.row), self.service.criteria(sheet.row), checklist)

    async def _advance(self, sheet: OpenSheet, after: Criterion, *, note: Phrase | None = None,
                       more_of: Criterion | None = None) -> Screen:
        """The next unanswered criterion, or the summary once every criterion has an answer."""
        upcoming = self.service.next_open(sheet.row, after.id)
        if upcoming is None:
            return await self._summary(sheet)
        return await self._criterion(sheet, upcoming, note=note, more_of=more_of)

    def _filling(self, sheet: OpenSheet) -> FillingScreen:
        form = self.service.observation_form(sheet.setting)
        indicators = form.applicable(sheet.setting.claimed)
        index = min(int(sheet.data.get("ob_index", 0)), len(indicators) - 1)
        return FillingScreen(form, indicators, index, int(self.service.rules.observation["max_level"]))

    async def _resume(self, sheet: OpenSheet) -> Screen:
        criterion = sheet.criterion
        if sheet.step == ScoreForm.filling.state and criterion is not None:
            return self._filling(sheet)
        if sheet.step == ScoreForm.criterion.state and criterion is not None:
            return await self._criterion(sheet, criterion, adding=sheet.adding)
        return await self._summary(sheet)

    async def _begin(self, sheet_id: str, setting: Setting) -> Screen:
        row = await self.service.row(self.user_id, sheet_id)
        await self.service.refresh_claim(row, setting)
        await self.state.set_state(ScoreForm.criterion)
        await self.state.set_data({"sc_sheet": sheet_id})
        sheet = OpenSheet(self.service, setting, row, ScoreForm.criterion.state, {"sc_sheet": sheet_id})
        upcoming = self.service.next_open(row)
        return await self._summary(sheet) if upcoming is None else await self._criterion(sheet, upcoming)

    # --- the person's actions -----------------------------------------------------------------------

    async def start(self) -> Shown:
        """Where the self-assessment stands (/score, and the "what next" buttons)."""
        setting = await self._setting()
        if setting is None:
            return Shown(NoticeScreen(Phrase(NEEDS_PROFILE)))
        sheet = await self._find()
        if sheet is not None and sheet.step != ScoreForm.variant.state:
            await self.service.refresh_claim(sheet.row, setting)  # the claim may have changed in /profile
            return Shown(await self._resume(sheet), before=Phrase(WELCOME_BACK))
        if setting.asks_dynamics:
            await self.state.set_state(ScoreForm.variant)
            await self.state.set_data({})
            return Shown(VariantScreen())
        return Shown(await self._begin(setting.sheet_ids()[0], setting))

    async def choose_variant(self, value: str) -> Shown:
        """With ("1") or without ("0") criterion 1.1, for a teacher whose post the profile does not say."""
        setting = await self._setting()
        if (await self.state.get_state() != ScoreForm.variant.state or setting is None
                or not setting.asks_dynamics or value not in ("0", "1")):
            raise StaleButton()
        sheet_id = sheet_id_for(setting.role, setting.org_type, dynamics=value == "1")
        return Shown(await self._begin(sheet_id, setting))

    async def summary(self) -> Shown:
        return Shown(await self._summary(await self._open()))

    async def go(self, crit: str) -> Shown:
        sheet = await self._open()
        target = sheet.sheet.criterion(crit)
        if target is None:
            raise Refusal(Phrase(NO_SUCH_CRITERION))
        return Shown(await self._criterion(sheet, target))

    async def another_kind(self, crit: str) -> Shown:
        """"➕ Another kind of work", on the criterion itself or on the next one right after a level."""
        sheet = await self._open()
        target = sheet.sheet.criterion(crit)
        if target is None or not self._can_add_kind(target, self.service.criteria(sheet.row).get(target.id)):
            raise StaleButton()
        return Shown(await self._criterion(sheet, target, adding=True))

    async def step(self, crit: str, forward: bool) -> Shown:
        sheet = await self._open()
        following = neighbour(sheet.sheet, sheet.open_criterion(crit), forward)
        if following is None:
            return Shown(await self._summary(sheet))
        return Shown(await self._criterion(sheet, following))

    async def none(self, crit: str) -> Shown:
        """"I have none": 0 points, then the next unanswered criterion."""
        sheet = await self._open()
        criterion = sheet.open_criterion(crit)
        await self.service.set_answer(sheet.row, sheet.setting, criterion, None)
        return Shown(await self._advance(sheet, criterion), toast=Phrase(N_("Saved: none, 0 points.")))

    async def press_answer(self, crit: str, button: AnswerButton, value: str) -> Shown:
        """A level, count, co-authorship, bonus or kind-removal button of the criterion on screen."""
        sheet = await self._open()
        criterion = sheet.open_criterion(crit)
        current = self.service.criteria(sheet.row).get(criterion.id)
        answer = changed_answer(criterion, current, button, value, adding=sheet.adding, max_kinds=self.max_kinds)
        if answer is None:
            raise StaleButton()
        await self._save(sheet, criterion, answer)
        if button is AnswerButton.LEVEL and not has_toggles(criterion):
            return Shown(await self._advance(sheet, criterion, more_of=criterion), toast=Phrase(SAVED))
        # The winner toggle belongs to the criterion: it leaves a new kind of work waiting for its level.
        adding = button is AnswerButton.BONUS and sheet.adding
        return Shown(await self._criterion(sheet, criterion, adding=adding), toast=Phrase(SAVED))

    async def _save(self, sheet: OpenSheet, criterion: Criterion, answer: dict[str, Any] | None) -> None:
        try:
            await self.service.set_answer(sheet.row, sheet.setting, criterion, answer)
        except AnswerError as error:
            raise Refusal(error.message) from error

    # --- observation sheets -------------------------------------------------------------------------

    async def _observation_criterion(self, crit: str) -> tuple[OpenSheet, Criterion]:
        sheet = await self._open()
        criterion = sheet.open_criterion(crit)
        if criterion.scale.kind is not ScaleKind.OBSERVATION:
            raise StaleButton()
        return sheet, criterion

    async def start_filling(self, crit: str) -> Shown:
        """Fill in one more observation sheet, indicator by indicator."""
        sheet, _criterion = await self._observation_criterion(crit)
        await self.state.set_state(ScoreForm.filling)
        await self.state.update_data(ob_index=0, ob_ratings={})
        sheet.data.update(ob_index=0, ob_ratings={})
        return Shown(self._filling(sheet))

    async def remove_observation(self, crit: str) -> Shown:
        sheet, criterion = await self._observation_criterion(crit)
        await self.service.remove_last_observation(sheet.row, sheet.setting, criterion)
        return Shown(await self._criterion(sheet, criterion))

    async def stop_filling(self) -> Shown:
        sheet = await self._open()
        if sheet.step != ScoreForm.filling.state or sheet.criterion is None:
            raise StaleButton()
        return Shown(await self._criterion(sheet, sheet.criterion), toast=Phrase(N_("The sheet was not saved.")))

    async def rate(self, index: int, rating: int) -> Shown:
        """Rating `rating` of indicator `index`; after the last indicator the sheet is scored and saved."""
        sheet = await self._find()
        max_level = 0 if sheet is None else int(self.service.rules.observation["max_level"])
        if (sheet is None or sheet.criterion is None or sheet.step != ScoreForm.filling.state
                or index != sheet.data.get("ob_index") or not 0 <= rating <= max_level):
            raise StaleButton()
        form = self.service.observation_form(sheet.setting)
        indicators = form.applicable(sheet.setting.claimed)
        ratings = {**sheet.data.get("ob_ratings", {}), indicators[index].id: rating}
        if index + 1 < len(indicators):
            await self.state.update_data(ob_index=index + 1, ob_ratings=ratings)
            sheet.data.update(ob_index=index + 1, ob_ratings=ratings)
            return Shown(self._filling(sheet))
        try:
            score = score_observation(form, ratings, sheet.setting.claimed, self.service.rules)
        except ObservationError as error:
            raise Refusal(error.message) from error
        await self.service.add_observations(sheet.row, sheet.setting, sheet.criterion, [score.total], ratings)
        await self.state.update_data(ob_index=0, ob_ratings={})
        note = Phrase(N_("Observation sheet saved: {total} points."), {"total": score.total})
        return Shown(await self._criterion(sheet, sheet.criterion, note=note), toast=Phrase(SAVED))

    # --- typed answers ------------------------------------------------------------------------------

    async def type_answer(self, text: str) -> Shown:
        """Hours, a percentage or observation totals typed for the criterion on screen."""
        sheet = await self._find()
        criterion = sheet.criterion if sheet is not None else None
        if sheet is None or criterion is None or sheet.step != ScoreForm.criterion.state:
            raise Refusal(Phrase(USE_THE_BUTTONS))
        try:
            if criterion.scale.kind is ScaleKind.THRESHOLD:
                answer = quantity_answer(criterion, text, self.service.rules)
                await self.service.set_answer(sheet.row, sheet.setting, criterion, answer)
                return Shown(await self._advance(sheet, criterion, note=Phrase(SAVED)))
            if criterion.scale.kind is ScaleKind.OBSERVATION:
                return Shown(await self._replace_observations(sheet, criterion, typed_totals(text, self.service.rules)))
        except AnswerError as error:
            raise Refusal(error.message) from error
        raise Refusal(Phrase(BUTTONS_ONLY))

    async def _replace_observations(self, sheet: OpenSheet, criterion: Criterion,
                                    totals: list[int | float]) -> Screen:
        replaced = len(sheet.row.observations or [])
        await self.service.replace_observations(sheet.row, sheet.setting, criterion, totals)
        note = Phrase(N_("Saved: {count} observation sheets (they replace the {replaced} recorded before)."),
                      {"count": len(totals), "replaced": replaced}) if replaced else Phrase(SAVED)
        return await self._criterion(sheet, criterion, note=note)
