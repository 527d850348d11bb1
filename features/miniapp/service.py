"""What the Mini App reads and saves: her sheet through /score's own service, her checklist through /checklist's.

Nothing here stores anything of its own: an answer goes through `SelfAssessmentService` into the row the
chat flow reads, so the chat and the form cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from features.checklist.service import Checklist, ChecklistService
from features.profile.service import ProfileService
from features.self_assessment.answers import typed_totals
from features.self_assessment.flow import NEEDS_PROFILE, NO_SUCH_CRITERION
from features.self_assessment.service import SelfAssessmentService, Setting, checklist_item_ids, setting_of
from scoring.config import Rules
from scoring.i18n import N_, Phrase
from scoring.rulesets import RuleSet
from scoring.sheets import Criterion, ScoringSheet
from scoring.sheets.entry import quantity_answer
from scoring.sheets.evaluate import AnswerError, Evaluation, parse_answer
from scoring.sheets.kinds import with_kinds
from scoring.sheets.model import ScaleKind
from storage.checklist_models import UploadedFile
from storage.scoring_models import SelfAssessment

NOT_HER_SHEET = N_("Your profile does not score you on this sheet.")
DOES_NOT_TAKE = N_("Criterion {criterion} does not take '{key}'; expected: {allowed}.")
A_LEVEL_IS_NEEDED = N_("Criterion {criterion}: a level is needed.")
TOO_MANY_KINDS = N_("Criterion {criterion}: at most {max} kinds of work.")
COUNT_RANGE = N_("Criterion {criterion}: the number of events at this level is from 1 to {max}.")
NOT_A_FLAG = N_("Criterion {criterion}: '{key}' must be true or false.")
TYPE_A_NUMBER = N_("Please send a number.")


class NotAvailable(Exception):
    """The form cannot open (no completed profile, no checklist yet): `message` says why, in her language."""

    def __init__(self, message: Phrase) -> None:
        super().__init__(message.text)
        self.message = message


def _err(text: str, **params: Any) -> AnswerError:
    return AnswerError(Phrase(text, params))


def _check_keys(criterion: Criterion, raw: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in raw:
        if key not in allowed:
            raise _err(DOES_NOT_TAKE, criterion=criterion.id, key=str(key)[:40], allowed=", ".join(allowed))


def _flag(criterion: Criterion, raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise _err(NOT_A_FLAG, criterion=criterion.id, key=key)
    return value


def _kind(criterion: Criterion, raw: object) -> dict[str, Any]:
    """One kind of work as the chat's buttons record it: its level, its count (COUNT scales), co-authored."""
    counted = criterion.scale.kind is ScaleKind.COUNT
    allowed = ("level", "count", "coauthored") if counted else ("level", "coauthored")
    if not isinstance(raw, Mapping):
        raise _err(A_LEVEL_IS_NEEDED, criterion=criterion.id)
    _check_keys(criterion, raw, allowed)
    option = criterion.scale.level(raw["level"]) if isinstance(raw.get("level"), str) else None
    if option is None:
        parse_answer(criterion, {"level": raw.get("level")})  # the sheet's own "unknown level" message
        raise _err(A_LEVEL_IS_NEEDED, criterion=criterion.id)
    kind: dict[str, Any] = {"level": option.name}
    if counted:
        count = raw.get("count", 1)
        most = option.max_count or 1
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= most:
            raise _err(COUNT_RANGE, criterion=criterion.id, max=most)
        kind["count"] = count
    if _flag(criterion, raw, "coauthored"):
        kind["coauthored"] = True
    return kind


def _by_level(criterion: Criterion, raw: Mapping[str, Any], max_kinds: int) -> dict[str, Any]:
    bonus = criterion.scale.bonus.value if criterion.scale.bonus is not None else None
    _check_keys(criterion, raw, ("kinds", bonus) if bonus else ("kinds",))
    given = raw.get("kinds")
    if not isinstance(given, list) or not given:
        raise _err(A_LEVEL_IS_NEEDED, criterion=criterion.id)
    most = max_kinds if criterion.scale.kinds_add_up else 1
    if len(given) > most:
        raise _err(TOO_MANY_KINDS, criterion=criterion.id, max=most)
    extra = {bonus: True} if bonus and _flag(criterion, raw, bonus) else {}
    return with_kinds(criterion, extra, [_kind(criterion, k) for k in given])


def _met(criterion: Criterion, raw: Mapping[str, Any]) -> dict[str, Any] | None:
    bonus = criterion.scale.bonus.value if criterion.scale.bonus is not None else None
    _check_keys(criterion, raw, ("met", bonus) if bonus else ("met",))
    answer = {key: True for key in ("met", bonus) if key and _flag(criterion, raw, key)}
    return answer or None


def _typed(criterion: Criterion, raw: Mapping[str, Any]) -> str:
    _check_keys(criterion, raw, ("text",))
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > 400:
        raise _err(TYPE_A_NUMBER)
    return text


@dataclass(frozen=True)
class FormAnswer:
    """A criterion's answer from the form, in the JSON input format; observation criteria carry the totals."""

    answer: dict[str, Any] | None
    totals: list[int | float] | None = None


def form_answer(criterion: Criterion, raw: object, rules: Rules) -> FormAnswer:
    """The form's answer of one criterion (None: "I have none"), checked as the chat checks a press or a typed
    answer; raises AnswerError with the message to show."""
    if raw is None:
        return FormAnswer(None)
    if not isinstance(raw, Mapping):
        raise _err(N_("Criterion {criterion}: the answer must be a JSON object."), criterion=criterion.id)
    kind = criterion.scale.kind
    if kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        answer: dict[str, Any] | None = _by_level(criterion, raw, int(rules.self_assessment["max_kinds"]))
    elif kind is ScaleKind.FLAG:
        answer = _met(criterion, raw)
    elif kind is ScaleKind.THRESHOLD:
        answer = quantity_answer(criterion, _typed(criterion, raw), rules)
    else:
        totals = typed_totals(_typed(criterion, raw), rules)
        return FormAnswer({"observations": totals}, totals)
    if answer is not None:
        parse_answer(criterion, answer)
    return FormAnswer(answer)


@dataclass
class OpenForm:
    """Her sheet as the form shows it: the profile's setting, the stored row and its evaluation."""

    service: SelfAssessmentService
    setting: Setting
    row: SelfAssessment
    checklist: frozenset[str]

    @property
    def sheet(self) -> ScoringSheet:
        return self.service.sheet(self.row)

    @property
    def answered(self) -> dict[str, Any]:
        return self.service.criteria(self.row)

    @property
    def evaluation(self) -> Evaluation:
        return self.service.evaluate(self.row)

    @property
    def variants(self) -> list[ScoringSheet]:
        """The sheets she may choose between (with or without criterion 1.1, when the profile does not say)."""
        return [self.service.ruleset.sheets[s] for s in self.setting.sheet_ids() if s in self.service.ruleset.sheets]


class MiniAppService:
    """One teacher's form and checklist page, over the request's database session and her rule set."""

    def __init__(self, session: AsyncSession, ruleset: RuleSet, user_id: int) -> None:
        self.session, self.ruleset, self.user_id = session, ruleset, user_id
        self.sheets = SelfAssessmentService(session, ruleset)

    async def _setting(self) -> Setting:
        setting = setting_of(await ProfileService(self.session).get(self.user_id))
        if setting is None:
            raise NotAvailable(Phrase(NEEDS_PROFILE))
        return setting

    async def _sheet_id(self, setting: Setting, requested: str | None) -> str:
        allowed = [s for s in setting.sheet_ids() if s in self.ruleset.sheets]
        if requested is not None:
            if requested not in allowed:
                raise AnswerError(Phrase(NOT_HER_SHEET))
            return requested
        latest = await self.sheets.latest(self.user_id, setting)
        return latest.sheet_id if latest is not None and latest.sheet_id in allowed else allowed[0]

    async def open(self, requested: str | None = None, writing: bool = False) -> OpenForm:
        """Her sheet, the one /score opens, its claim refreshed from the profile as /score does; a sheet she
        has not started is created only to be written (`writing`)."""
        setting = await self._setting()
        sheet_id = await self._sheet_id(setting, requested)
        row = await self.sheets.existing(self.user_id, sheet_id)
        if row is None and not writing:
            row = self.sheets.blank(self.user_id, sheet_id, setting)
        else:
            row = row or await self.sheets.row(self.user_id, sheet_id)
            await self.sheets.refresh_claim(row, setting)
        return OpenForm(self.sheets, setting, row, await checklist_item_ids(self.session, self.user_id))

    async def save(self, sheet_id: str, criterion_id: str, raw: object) -> OpenForm:
        """One criterion's answer saved into her sheet's row; raises AnswerError (nothing saved)."""
        form = await self.open(sheet_id, writing=True)
        criterion = form.sheet.criterion(criterion_id)
        if criterion is None:
            raise AnswerError(Phrase(NO_SUCH_CRITERION))
        given = form_answer(criterion, raw, self.sheets.rules)
        if given.totals is not None:
            await self.sheets.replace_observations(form.row, form.setting, criterion, given.totals)
        else:
            await self.sheets.set_answer(form.row, form.setting, criterion, given.answer)
        return form

    async def checklist(self) -> tuple[Checklist, dict[str, list[UploadedFile]]]:
        """Her checklist and the files attached to each item."""
        service = ChecklistService(self.session, self.ruleset)
        checklist = await service.load(self.user_id)
        if checklist is None:
            raise NotAvailable(await service.why_unavailable(self.user_id))
        files = {s.item.id: await service.files(self.user_id, s.item.id) for s in checklist.states if s.files}
        return checklist, files
