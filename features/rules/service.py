"""Loading a rule set in the bot: the check, the diff against the set in force, storing it, and what it
changes for each teacher in progress (told in the background: features/rules/notices.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import locale_of
from bot.refusal import Refusal, StaleButton
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.checklist.service import doc_profile
from features.profile.form import to_rules_profile
from features.self_assessment.service import SelfAssessmentService, setting_of
from scoring.calendar import academic_year
from scoring.documents import applicable_items
from scoring.i18n import N_, Phrase
from scoring.iin import InvalidIin, validate_iin
from scoring.rulesets import Problem, RuleSet, RuleSetError, parse_ruleset, read_toml_text
from scoring.rulesets.changes import TeacherFacts, changes_for
from scoring.rulesets.diff import Change, diff
from scoring.rulesets.registry import RegistryError, starting_in
from storage.checklist_repository import ChecklistRepository
from storage.profile_models import TeacherProfile
from storage.ruleset_models import StoredRuleSet
from storage.ruleset_repository import RuleSetRepository

MAX_FILE_BYTES = 1_000_000
NOT_A_RULE_SET_FILE = Phrase(N_("This is not a rule set file: send a .toml file of at most 1 MB."))
ALREADY_LOADED = N_("The rule set {key} is already loaded: change its version to load an edited file.")
YEAR_TAKEN = N_("This rule set cannot start in {year}: {reason}")

# Her language and what changed for her -> the message she reads (features/rules/views.py).
Wording = Callable[[list[Phrase], Callable[[str], str]], str]


@dataclass(frozen=True)
class Entry:
    ruleset: RuleSet
    stored: StoredRuleSet | None  # None: the built-in pilot


@dataclass(frozen=True)
class Checked:
    """A sent file checked: its problems, or the set and what it changes against the set in force."""

    problems: tuple[Problem, ...] = ()
    ruleset: RuleSet | None = None
    current: RuleSet | None = None
    changes: list[Change] = field(default_factory=list)
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Loaded:
    ruleset: RuleSet
    year: int
    telling: bool  # it changes what teachers in progress see: each is being told (features/rules/notices.py)


def _facts_profile(profile: TeacherProfile, today: date) -> TeacherFacts:
    birth, sex = None, None
    if profile.iin:
        try:
            parsed = validate_iin(profile.iin)
            birth, sex = parsed.birth_date, parsed.sex.value
        except InvalidIin:
            pass
    return TeacherFacts(today, to_rules_profile(profile), birth, sex)


class RuleSetService:
    def __init__(self, session: AsyncSession, book: RuleBook, settings: Settings) -> None:
        self.session = session
        self.book = book
        self.settings = settings
        self.repo = RuleSetRepository(session)

    def today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.settings.timezone)).date()

    async def listing(self) -> list[Entry]:
        await self.book.refresh(self.session, force=True)
        stored = {row.key: row for row in await self.repo.all()}
        return [Entry(s, stored.get(s.key)) for s in self.book.sets]

    def years(self, today: date) -> tuple[int, ...]:
        """The academic years a set loaded today may start: the next two."""
        year = academic_year(today)
        return year + 1, year + 2

    @staticmethod
    def accept_file(file_name: str | None, size: int | None) -> None:
        if not (file_name or "").lower().endswith(".toml") or (size or 0) > MAX_FILE_BYTES:
            raise Refusal(NOT_A_RULE_SET_FILE)

    async def check(self, data: bytes, file_name: str, now: datetime) -> Checked:
        """Every problem of the file with its place; if none, the diff against the set in force today."""
        try:
            ruleset = parse_ruleset(read_toml_text(data.decode("utf-8-sig"), file_name), file_name)
        except UnicodeDecodeError:
            return Checked((Problem("", "the file is not UTF-8 text"),))
        except RuleSetError as error:
            return Checked(error.problems)
        if await self.repo.get(ruleset.key) is not None or any(s.key == ruleset.key for s in self.book.sets):
            raise Refusal(Phrase(ALREADY_LOADED, {"key": ruleset.key}))
        today = self.today(now)
        current = self.book.for_submission(today)
        return Checked((), ruleset, current, diff(current, ruleset), self.years(today))

    def check_year(self, year: int, now: datetime) -> None:
        if year not in self.years(self.today(now)):
            raise StaleButton()

    async def confirm(self, data: bytes, year: int, by: int, now: datetime) -> Loaded:
        """Store the set judging from `year` on; if it changes what teachers in progress see, with its change
        notices pending (worked out in batches in the background, not in this update)."""
        self.check_year(year, now)
        origin = f"rule_sets:{by}"
        text = data.decode("utf-8-sig")
        ruleset = starting_in(parse_ruleset(read_toml_text(text, origin), origin), year)
        if await self.repo.get(ruleset.key) is not None:
            raise Refusal(Phrase(ALREADY_LOADED, {"key": ruleset.key}))
        try:
            self.book.with_set(ruleset)
        except RegistryError as error:
            raise Refusal(Phrase(YEAR_TAKEN, {"year": year, "reason": str(error)})) from error
        today = self.today(now)
        before = self.book.for_teacher(today)
        telling = self.book.with_set(ruleset).for_teacher(today).key == ruleset.key != before.key
        await self.repo.add(ruleset.key, text, year, by, now, notices_from=before.key if telling else None,
                            notices_on=today)
        await self.book.refresh(self.session, force=True)
        return Loaded(ruleset, year, telling)

    async def notices(self, row: StoredRuleSet, profiles: Sequence[TeacherProfile], i18n: I18n,
                      wording: Wording) -> list[tuple[int, str]]:
        """What stored set `row` changes for each of these teachers, in her language (nothing: no message)."""
        assert row.notices_from is not None and row.notices_on is not None
        old, new, today = self.book.get(row.notices_from), self.book.get(row.key), row.notices_on
        year = academic_year(self.book.registry.next_submission_day(today))
        messages: list[tuple[int, str]] = []
        for profile in profiles:
            changes = changes_for(old, new, year, await self.facts(profile, today))
            if not changes:
                continue
            locale = await self._locale(profile.user_id)

            def tr(text: str, locale: str = locale) -> str:
                return i18n.gettext(text, locale=locale)

            messages.append((profile.user_id, wording(changes, tr)))
        return messages

    async def _locale(self, user_id: int) -> str:
        return await locale_of(self.session, user_id, self.settings.default_locale)

    async def facts(self, profile: TeacherProfile, today: date) -> TeacherFacts:
        """Her data the rules judge: profile, self-assessment, checklist."""
        facts = _facts_profile(profile, today)
        setting = setting_of(profile)
        sheet_id, answers = None, None
        if setting is not None:
            row = await SelfAssessmentService(self.session, self.book.builtin).latest(profile.user_id, setting)
            sheet_id = row.sheet_id if row is not None else setting.sheet_ids()[0]
            answers = row.answers if row is not None else None
        view = doc_profile(profile)
        on_checklist = frozenset(i.id for i in applicable_items(view)) if view is not None else frozenset()
        checklists = ChecklistRepository(self.session)
        supplied = {f.item_id for f in await checklists.files(profile.user_id)}
        supplied |= {item for item, mark in (await checklists.marks(profile.user_id)).items() if mark.in_state_systems}
        return TeacherFacts(today, facts.profile, facts.birth_date, facts.sex, sheet_id, answers,
                            on_checklist, frozenset(supplied))
