"""Every typed field at the longest length its parser accepts, through the real Dispatcher on PostgreSQL:
each is stored and answered (a parser that accepts more than its column holds fails here, with no reply).

The limits are read from where the code takes them (the columns, the handlers' constants), so a limit
that moves is walked at its new length.
"""

from __future__ import annotations

from typing import Any

from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from sqlalchemy import select

from bot.text_input import max_length
from features.broadcast.handlers import MAX_TEXT
from features.commission.agenda.handlers import REFUSAL_DOCUMENTS_MAX
from features.essay.service import MAX_TOPIC_CHARS, MAX_TOPICS_CHARS
from features.profile.callbacks import AreaCallback, ChoiceCallback, ToggleCallback
from scoring.commission import RefusalGround
from scoring.config import default_rules
from scoring.essay import draft_limit
from storage.broadcast_models import Broadcast
from storage.checklist_models import Essay, EssayTopics
from storage.commission_models import ApplicationReview, Commission, CommissionDecision, CommissionMember
from storage.profile_models import TeacherProfile
from storage.scoring_models import SelfAssessment
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.attestation_helpers import iin_for
from tests.handlers.commission_helpers import (
    ADMIN,
    MEMBERS,
    SECRETARY,
    agenda,
    cm,
    elect_chair,
    invite_code,
    latest_session,
    teacher_with_application,
    today_text,
    vt,
)
from tests.handlers.test_onboarding import start_and_consent
from tests.handlers.test_scoring import sc

TEACHER, ACCEPTED, REFUSED = 501, 502, 503
REASON_MAX = 1000  # features.commission.session.service: "Type the reason as text, 3 to 1000 characters."


def filled(pattern: str, length: int) -> str:
    """`pattern` repeated to exactly `length` characters, ending in a letter (trimming would shorten it)."""
    text = (pattern * (length // len(pattern) + 1))[:length]
    return text[:-1] + "ж" if text[-1].isspace() else text


def full_name(length: int, first: str = "А") -> str:
    surname = (length - 1) // 2
    return first * surname + " " + "Б" * (length - 1 - surname)


def essay_parts(limit_words: int, limit_chars: int, parts: int = 3) -> list[str]:
    """`parts` messages whose join (blank line between) has exactly `limit_words` words of `limit_chars`."""
    per_part = limit_words // parts
    separators = 2 * (parts - 1)
    word_chars = (limit_chars - separators - parts * (per_part - 1)) // (parts * per_part)
    texts_ = [" ".join(["а" * word_chars] * per_part) for _ in range(parts)]
    short = limit_chars - (sum(map(len, texts_)) + separators)
    texts_[-1] += "б" * short  # the last word takes the characters left over
    return texts_


def sent_texts(requests: list[TelegramMethod[Any]]) -> list[str]:
    return [r.text for r in requests if isinstance(r, SendMessage | EditMessageText)]


FAILURE = "Sorry, something went wrong on our side. What you saved is kept; please try again."


def failures(h: Harness) -> set[str]:
    return {h.app.i18n.gettext(FAILURE, locale=locale) for locale in ("kk", "ru")}


async def longest(h: Harness, user: Any, text: str) -> list[TelegramMethod[Any]]:
    """One character more than `text` is refused (one answer, the step stays open); then `text` itself."""
    key = StorageKey(bot_id=h.bot.id, chat_id=user.id, user_id=user.id)
    step = await h.app.storage.get_state(key)
    refused = await h.text(user, text + "ж")
    assert len(texts(refused)) == 1 and await h.app.storage.get_state(key) == step, (step, texts(refused))
    assert texts(refused)[0] not in failures(h), step  # refused by its step, not by the database
    sent = await h.text(user, text)
    assert texts(sent), step
    return sent


KARAGANDA = "351010000"  # Karaganda, city of regional significance (scoring/data/areas.json)


async def onboard(h: Harness, org_name: str) -> None:
    user = h.user(TEACHER)
    await start_and_consent(h, user, "ru")
    await longest(h, user, full_name(max_length(TeacherProfile.full_name)))
    await h.text(user, iin_for(TEACHER))
    await h.press(user, ChoiceCallback(field="role", value="teacher").pack())
    await h.press(user, ChoiceCallback(field="teaching_post", value="subject").pack())
    await h.press(user, ChoiceCallback(field="org_type", value="general_secondary").pack())
    await longest(h, user, org_name)
    await h.press(user, ChoiceCallback(field="region", value="karaganda").pack())
    # The district is chosen from the list (typed text is only matched to it, never stored).
    assert AreaCallback(action="pick", code=KARAGANDA).pack() in last_markup_data(await h.text(user, "г. Караганда"))
    await h.press(user, AreaCallback(action="pick", code=KARAGANDA).pack())
    await h.press(user, ChoiceCallback(field="current_category", value="moderator").pack())
    await h.text(user, "31.12.2027")
    await h.text(user, "60 жыл")
    await h.press(user, ChoiceCallback(field="education", value="higher_pedagogical").pack())
    await h.press(user, ChoiceCallback(field="claimed_category", value="expert").pack())
    await h.press(user, ChoiceCallback(field="attestation_kind", value="regular").pack())
    await h.press(user, ToggleCallback(field="certificates", value=".").pack())
    await h.press(user, ChoiceCallback(field="special_programme", value="no").pack())
    await h.press(user, ChoiceCallback(field="transferred", value="no").pack())
    await longest(h, user, "a" * (max_length(TeacherProfile.email) - len("@mail.kz")) + "@mail.kz")
    sent = await h.contact(user, "7" * 15)
    assert "+" + "7" * 15 in "".join(texts(sent)) or texts(sent)


async def new_commission(h: Harness, level: str, name: str, organisation: str | None) -> int:
    admin = h.user(ADMIN, "ru")
    await h.text(admin, "/commission_new")
    await h.press(admin, cm("lvl", arg=level))
    await longest(h, admin, name)
    await h.press(admin, cm("reg", arg="karaganda"))
    assert cm("apick", 0, KARAGANDA) in last_markup_data(await h.text(admin, "Караганда"))
    await h.press(admin, cm("apick", 0, KARAGANDA))
    if organisation is not None:
        await longest(h, admin, organisation)
    await longest(h, admin, filled("№ 17-к/", max_length(Commission.order_number)))
    await h.text(admin, "01.09.2026")
    await h.press(admin, cm("lang", arg="ru"))
    async with h.app.sessions() as s:
        return int(await s.scalar(select(Commission.id).order_by(Commission.id.desc()).limit(1)) or 0)


async def test_every_typed_field_at_its_longest_is_stored_and_answered_on_postgresql(pg_harness: Harness) -> None:
    h = pg_harness
    assert h.app.engine.dialect.name == "postgresql"
    org_name = filled("Жалпы білім беретін № 12 мектеп-гимназиясы ", max_length(TeacherProfile.org_name))
    admin, secretary = h.user(ADMIN, "ru"), h.user(SECRETARY)

    # Admin: the year's essay topics, each and all together at their limits.
    topics = [filled(f"Тақырып {n}: педагогтің кәсіби өсуі ", MAX_TOPIC_CHARS)
              for n in range(1, MAX_TOPICS_CHARS // MAX_TOPIC_CHARS + 1)]
    refused = await h.text(admin, "/topics\n" + "\n".join([topics[0] + "ж", *topics[1:]]))
    assert texts(refused) == [h.app.i18n.gettext(
        "Each topic can have at most {each} characters, and all of them together {total} (teachers read them in one "
        "message). Please shorten them.", locale="ru").format(each=MAX_TOPIC_CHARS, total=MAX_TOPICS_CHARS)]
    assert texts(await h.text(admin, "/topics\n" + "\n".join(topics)))

    # Teacher: the questionnaire, then the essay draft at its limit, then typed hours at theirs.
    await onboard(h, org_name)
    user = h.user(TEACHER)
    listing = await h.text(user, "/essay")
    assert all(t in texts(listing)[0] for t in topics)
    limit = draft_limit(default_rules())
    for part in essay_parts(limit.words, limit.chars):
        assert texts(await h.text(user, part))
    assert len(texts(await h.text(user, "ж"))) == 1  # one character more: refused, the draft kept
    assert texts(await h.press(user, "es:done"))
    max_hours = int(default_rules().self_assessment["max_hours"])
    await h.text(user, "/score")
    await h.press(user, sc("go", "4.1"))
    assert texts(await h.text(user, f"{max_hours + 1} сағат"))
    await h.press(user, sc("go", "4.1"))
    assert texts(await h.text(user, f"{max_hours} сағат"))

    # Admin: commissions with every typed field at its column's length.
    name = filled("Аттестациялық комиссия ", max_length(Commission.name))
    await new_commission(h, "organisation", name, filled("Мектеп-гимназия ", max_length(Commission.organisation)))
    cid = await new_commission(h, "district", name, None)
    member_name = max_length(CommissionMember.full_name)
    for n, member in enumerate(MEMBERS):
        await h.text(h.user(member), f"/start {await invite_code(h, cid)}")
        await h.press(h.user(member), "inv:ngo")
        await longest(h, h.user(member), full_name(member_name, "АӘБВГДЕ"[n]))
    await h.text(secretary, f"/start {await invite_code(h, cid, 'secretary')}")
    await longest(h, secretary, full_name(max_length(Commission.secretary_name), "С"))
    await elect_chair(h, cid)

    # Secretary: a refusal naming its documents at their limit, a reason at its limit.
    apps = [await teacher_with_application(h, uid, area_code=KARAGANDA, org_name=org_name, current_category=None,
                                           full_name=full_name(max_length(TeacherProfile.full_name), "Т"))
            for uid in (ACCEPTED, REFUSED)]
    await h.text(secretary, "/agenda")
    await h.press(secretary, cm("acc", apps[0]))
    await h.press(secretary, cm("ref", apps[1]))
    for ground in RefusalGround:
        await h.press(secretary, cm("grd", apps[1], ground.value))
    await h.press(secretary, cm("grd", apps[1], "."))
    documents = filled("Біліктілікті арттыру курсының сертификаты жоқ; ", REFUSAL_DOCUMENTS_MAX)
    await longest(h, secretary, documents)
    await h.press(secretary, cm("snew", cid))
    await h.text(secretary, today_text())
    session = await latest_session(h)
    await h.press(secretary, cm("sopen", session.id))
    for member in MEMBERS:
        await h.press(h.user(member), cm("here", session.id))
    await h.press(secretary, cm("svote", session.id))
    [item] = await agenda(h, session.id)
    await h.press(secretary, cm("item", session.id, str(item.id)))
    for member in MEMBERS:  # every member present votes: the vote closes (§18)
        await h.press(h.user(member), vt(session.id, item.id, "n"))
    await h.press(secretary, cm("iclose", session.id, str(item.id)))
    reason = filled("Портфолио балы шекті деңгейден төмен. ", REASON_MAX)
    await longest(h, secretary, reason)
    # Forged ids beyond PostgreSQL's INTEGER reach no query: the stale answer, not an error.
    await h.press(secretary, f"ss:put:{session.id}:0:{2**40}:")
    await h.press(secretary, f"cm:card:{2**40}:")

    # Admin: a broadcast with both texts at Telegram's limit, to a district typed by its name.
    await h.text(admin, "/broadcast")
    await longest(h, admin, filled("Құрметті әріптестер! ", MAX_TEXT))
    await longest(h, admin, filled("Уважаемые коллеги! ", MAX_TEXT))
    await h.press(admin, "bcseg:district:")
    await h.text(admin, "Қарағанды")
    assert alerts(await h.press(admin, "bcok:1"))

    async with h.app.sessions() as s:
        profile = await s.get(TeacherProfile, TEACHER)
        essay = await s.get(Essay, TEACHER)
        stored_topics = await s.scalar(select(EssayTopics.topics))
        assessment = await s.get(SelfAssessment, (TEACHER, "teacher"))
        commissions = list(await s.scalars(select(Commission).order_by(Commission.id)))
        members = list(await s.scalars(select(CommissionMember).where(CommissionMember.commission_id == cid)))
        review = await s.scalar(select(ApplicationReview).where(ApplicationReview.application_id == apps[1]))
        decision = await s.scalar(select(CommissionDecision))
        broadcast = await s.scalar(select(Broadcast))
    assert profile is not None and profile.completed_at is not None
    assert (len(profile.full_name or ""), profile.org_name, profile.area_code) == (
        max_length(TeacherProfile.full_name), org_name, KARAGANDA)
    assert len(profile.email or "") == max_length(TeacherProfile.email) and profile.experience_years == 60
    assert profile.phone == "+" + "7" * 15
    assert essay is not None and (essay.words, len(essay.text)) == (limit.words, limit.chars)
    assert stored_topics == topics
    assert assessment is not None and assessment.answers["criteria"]["4.1"] == {"hours": max_hours}
    assert [(c.name, c.area_code, c.organisation is not None) for c in commissions] == [
        (name, KARAGANDA, True), (name, KARAGANDA, False)]
    assert all(len(c.order_number) == max_length(Commission.order_number) for c in commissions)
    assert len(members) == len(MEMBERS) and all(len(m.full_name) == member_name for m in members)
    assert len(commissions[1].secretary_name or "") == max_length(Commission.secretary_name)
    assert review is not None and review.status == "refused" and review.documents == documents
    assert decision is not None and decision.reason == reason
    assert broadcast is not None and broadcast.segment == {"kind": "district", "value": "Қарағанды"}
    assert (len(broadcast.text_kk), len(broadcast.text_ru), broadcast.total) == (MAX_TEXT, MAX_TEXT, 3)

    # Everything was answered, nothing failed, and every message fits one Telegram message.
    everything = sent_texts(h.session.requests)
    failed = failures(h)
    answers = [r.text for r in h.session.requests if isinstance(r, AnswerCallbackQuery) and r.text]
    assert not failed & {*everything, *answers}
    assert max(map(len, everything)) <= MAX_TEXT
    notice = next(r.text for r in h.session.requests if isinstance(r, SendMessage) and r.chat_id == REFUSED)
    assert documents in notice
