"""The simulated teacher of benchmarks/load.py: her steps through onboarding, /checklist, /essay and /score.

Each step is what she does (types a text, presses a button, sends a file or her contact), how many messages
and edits the bot answers it with, and a predicate on those that says the answer is the right one (the next
question's button, the file's name, the word count). A teacher is a number `n`; her user id, IIN and answers
follow from it, so what she should have left in the database is known too (`Expected`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.i18n import Locale
from features.checklist.callbacks import ChecklistAct, ChecklistCallback
from features.essay.callbacks import EssayAct, EssayCallback
from features.guidance.callbacks import GuideCallback, GuideStep
from features.profile.callbacks import (
    NONE_OF_THESE,
    AreaCallback,
    ChoiceCallback,
    ConsentCallback,
    LanguageCallback,
    ToggleCallback,
)
from features.profile.form import ProfileField
from features.self_assessment.callbacks import ScoreAct, ScoreCallback
from scoring.iin import check_digit
from scoring.sheets import SHEETS

View = dict[str, Any]
Predicate = Callable[[list[View]], bool]

# The checklist item she uploads to, the sheet she scores and what she types on it.
ITEM = "courses"
SHEET = "teacher"
OBSERVATIONS = "72 75 70 74"
ESSAY_WORDS = 275
TOPIC = "Менің мамандығым"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
AREA = "351010000"


class Act(StrEnum):
    TEXT = "text"
    PRESS = "press"
    DOCUMENT = "document"
    CONTACT = "contact"


@dataclass(frozen=True)
class Step:
    name: str
    act: Act
    value: str  # the text, the button's callback data, the file's name or the phone number
    replies: int  # the bot's messages and edits that answer it
    right: Predicate
    content: bytes = b""


def buttons(view: View) -> list[str]:
    markup = view.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def text_of(view: View) -> str:
    return str(view.get("text") or view.get("caption") or "")


def last_has_button(data: str) -> Predicate:
    return lambda views: bool(views) and data in buttons(views[-1])


def last_has_no_buttons(views: list[View]) -> bool:
    return bool(views) and not buttons(views[-1])


def any_text_has(fragment: str) -> Predicate:
    return lambda views: any(fragment in text_of(v) for v in views)


def asks_for_contact(views: list[View]) -> bool:
    return bool(views) and "request_contact" in json.dumps(views[-1].get("keyboard") or {})


def both(first: Predicate, second: Predicate) -> Predicate:
    return lambda views: first(views) and second(views)


def iin_for(n: int) -> str:
    """A valid IIN of its own for teacher `n` (born 1960–1999; the century digit moves off a missing check digit)."""
    day, month, year = 1 + n % 28, 1 + (n // 28) % 12, 60 + (n // 336) % 40
    serial = (n // 13_440) % 10_000
    for century in ("3", "4"):
        first = f"{year:02d}{month:02d}{day:02d}{century}{serial:04d}"
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
    raise ValueError(f"no IIN for teacher {n}")


def phone_for(n: int) -> str:
    return f"+7701{n % 10_000_000:07d}"


def essay_text(words: int = ESSAY_WORDS) -> str:
    body = " ".join(["мектеп"] * (words - len(TOPIC.split())))
    return f"{TOPIC}\n{body}"


def choice(field: str, value: str) -> str:
    return ChoiceCallback(field=ProfileField(field), value=value).pack()


def score(action: ScoreAct, crit: str = "", value: str = "") -> str:
    return ScoreCallback(action=action, crit=crit, value=value).pack()


def level(crit: str, name: str) -> str:
    criterion = SHEETS[SHEET].criterion(crit)
    assert criterion is not None
    return score(ScoreAct.LEVEL, crit, str([o.name for o in criterion.scale.levels].index(name)))


def _pick(name: str, data: str, next_button: str | None, replies: int = 2) -> Step:
    """A button of a profile question: its message edited to the answer, then the next question."""
    right = last_has_button(next_button) if next_button else last_has_no_buttons
    return Step(name, Act.PRESS, data, replies, right)


def onboarding(n: int) -> list[Step]:
    """/start to the complete profile: the path of tests/e2e/test_bot_process.py, in Russian."""
    agree = ConsentCallback(agree=True).pack()
    lang = LanguageCallback(code=Locale("ru")).pack()
    area = AreaCallback(action="pick", code=AREA).pack()
    certificates_none = ToggleCallback(field=ProfileField.CERTIFICATES, value=NONE_OF_THESE).pack()
    text = Act.TEXT
    return [
        Step("start", text, "/start", 1, last_has_button(lang)),
        _pick("language", lang, agree),
        Step("consent", Act.PRESS, agree, 3, last_has_no_buttons),
        Step("full_name", text, "Ахметова Айгуль", 1, last_has_no_buttons),
        Step("iin", text, iin_for(n), 1, last_has_button(choice("role", "teacher"))),
        _pick("role", choice("role", "teacher"), choice("teaching_post", "subject")),
        _pick("teaching_post", choice("teaching_post", "subject"), choice("org_type", "general_secondary")),
        _pick("org_type", choice("org_type", "general_secondary"), None),
        Step("org_name", text, "Школа-лицей №7", 1, last_has_button(choice("region", "karaganda"))),
        _pick("region", choice("region", "karaganda"), area),
        Step("area_typed", text, "Қарағанды қаласы", 1, last_has_button(area)),
        _pick("area", area, choice("current_category", "moderator")),
        _pick("current_category", choice("current_category", "moderator"), None),
        Step("valid_until", text, "31.12.2027", 1, last_has_no_buttons),
        Step("experience", text, "8", 1, last_has_button(choice("education", "higher_pedagogical"))),
        _pick("education", choice("education", "higher_pedagogical"), choice("claimed_category", "expert")),
        _pick("claimed", choice("claimed_category", "expert"), choice("attestation_kind", "regular")),
        _pick("kind", choice("attestation_kind", "regular"), certificates_none),
        _pick("certificates", certificates_none, choice("special_programme", "no")),
        _pick("special_programme", choice("special_programme", "no"), choice("transferred", "no")),
        _pick("transferred", choice("transferred", "no"), None),
        Step("email", text, f"teacher{n}@mail.kz", 1, asks_for_contact),
        # Saved, complete, the verdict, and what comes next (with its buttons).
        Step("phone", Act.CONTACT, phone_for(n), 4, last_has_button(GuideCallback(step=GuideStep.CHECKLIST).pack())),
    ]


def documents() -> list[Step]:
    """/checklist: the board, an item's card, a PDF for it, back to the board."""
    open_item = ChecklistCallback(action=ChecklistAct.OPEN, item=ITEM).pack()
    back = ChecklistCallback(action=ChecklistAct.BACK).pack()
    return [
        Step("checklist", Act.TEXT, "/checklist", 1, last_has_button(open_item)),
        Step("open_item", Act.PRESS, open_item, 1, last_has_button(back)),
        Step("upload", Act.DOCUMENT, f"{ITEM}.pdf", 1, any_text_has(f"{ITEM}.pdf"), content=PDF),
        Step("back", Act.PRESS, back, 1, last_has_button(open_item)),
    ]


def essay() -> list[Step]:
    """/essay: the topic and the text pasted as one message, then Done."""
    done = EssayCallback(action=EssayAct.DONE).pack()
    return [
        Step("essay", Act.TEXT, "/essay", 1, last_has_button(done)),
        Step("essay_text", Act.TEXT, essay_text(), 1, both(any_text_has(str(ESSAY_WORDS)), last_has_button(done))),
        Step("essay_done", Act.PRESS, done, 1, any_text_has(str(ESSAY_WORDS))),
    ]


def self_assessment() -> list[Step]:
    """/score: a level on criterion 1.1, then the observation sheets' results typed for 1.2."""
    growth = level("1.1", "growth_1_2")
    return [
        Step("score", Act.TEXT, "/score", 1, last_has_button(growth)),
        Step("level_1_1", Act.PRESS, growth, 1, last_has_button(score(ScoreAct.FILL_OBSERVATION, "1.2"))),
        Step("observations", Act.TEXT, OBSERVATIONS, 1, last_has_button(score(ScoreAct.REMOVE_OBSERVATION, "1.2"))),
    ]


def script(n: int) -> list[Step]:
    return [*onboarding(n), *documents(), *essay(), *self_assessment()]


@dataclass(frozen=True)
class Expected:
    """What teacher `n` has left in the database once she has done some of her steps, each once."""

    completed: bool = False
    iin: str | None = None
    phone: str | None = None
    files: int = 0
    essay_words: int | None = None
    observations: tuple[int, ...] | None = None


def expected(n: int, done: int | None = None) -> Expected:
    """After her first `done` steps (all of them by default)."""
    names = {step.name for step in script(n)[:done]}
    return Expected(
        completed="phone" in names, iin=iin_for(n) if "iin" in names else None,
        phone=phone_for(n) if "phone" in names else None, files=int("upload" in names),
        essay_words=ESSAY_WORDS if "essay_done" in names else None,
        observations=tuple(int(v) for v in OBSERVATIONS.split()) if "observations" in names else None,
    )
