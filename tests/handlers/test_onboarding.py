"""Onboarding through the real Dispatcher: language, consent, profile questions, bad input."""

from __future__ import annotations

from typing import Any

from aiogram.methods import EditMessageText, SendMessage, SetMyCommands
from sqlalchemy import select

from features.profile.callbacks import AreaCallback, ChoiceCallback, ConsentCallback, LanguageCallback, ToggleCallback
from storage.fsm_models import FsmRecord
from storage.profile_models import TeacherProfile, User
from tests.conftest import Harness, alerts, last_markup_data, texts

# A valid IIN: born 1985-03-15, male (century digit 3); check digit computed by the §9 algorithm.
VALID_IIN = "850315300019"
KARAGANDA = "351010000"  # the city's KATO code (scoring/data/areas.json)


async def profile_of(h: Harness, user_id: int) -> TeacherProfile | None:
    async with h.app.sessions() as session:
        return await session.get(TeacherProfile, user_id)


async def start_and_consent(h: Harness, user: Any, lang: str = "ru") -> None:
    sent = await h.text(user, "/start")
    assert last_markup_data(sent) == [LanguageCallback(code="kk").pack(), LanguageCallback(code="ru").pack()]
    sent = await h.press(user, LanguageCallback(code=lang).pack())
    assert ConsentCallback(agree=True).pack() in last_markup_data(sent)
    sent = await h.press(user, ConsentCallback(agree=True).pack())
    assert any("?" in t for t in texts(sent))


async def answer_core(h: Harness, user: Any) -> None:
    await answer_until_certificates(h, user)
    await h.press(user, ToggleCallback(field="certificates", value=".").pack())
    await h.press(user, ChoiceCallback(field="special_programme", value="no").pack())
    await h.press(user, ChoiceCallback(field="transferred", value="no").pack())


async def answer_until_certificates(h: Harness, user: Any) -> list[Any]:
    """Every core answer; returns what the last one made the bot send (the certificates question)."""
    await h.text(user, "Ахметова Айгуль Серикқызы")
    await h.text(user, VALID_IIN)
    await h.press(user, ChoiceCallback(field="role", value="teacher").pack())
    await h.press(user, ChoiceCallback(field="teaching_post", value="subject").pack())
    await h.press(user, ChoiceCallback(field="org_type", value="general_secondary").pack())
    await h.text(user, "School-lyceum No. 7")
    await h.press(user, ChoiceCallback(field="region", value="karaganda").pack())
    sent = await h.text(user, "Karaganda city")
    assert AreaCallback(action="pick", code=KARAGANDA).pack() in last_markup_data(sent)  # a match to confirm
    await h.press(user, AreaCallback(action="pick", code=KARAGANDA).pack())
    await h.press(user, ChoiceCallback(field="current_category", value="moderator").pack())
    await h.text(user, "31.12.2026")
    await h.text(user, "8")
    await h.press(user, ChoiceCallback(field="education", value="higher_pedagogical").pack())
    await h.press(user, ChoiceCallback(field="claimed_category", value="expert").pack())
    return await h.press(user, ChoiceCallback(field="attestation_kind", value="regular").pack())


async def test_start_offers_both_languages(harness: Harness) -> None:
    sent = await harness.text(harness.user(10), "/start")
    assert isinstance(sent[-1], SendMessage)
    assert "Қазақша" in str(sent[-1].reply_markup) and "Русский" in str(sent[-1].reply_markup)


async def test_decline_consent_stores_nothing_personal(harness: Harness) -> None:
    user = harness.user(11)
    await harness.text(user, "/start")
    await harness.press(user, LanguageCallback(code="kk").pack())
    sent = await harness.press(user, ConsentCallback(agree=False).pack())
    assert any("3" in t for t in texts(sent))  # refusal ground 3 named
    assert await profile_of(harness, 11) is None


async def test_full_onboarding_records_profile_and_verdict(harness: Harness) -> None:
    user = harness.user(12)
    await start_and_consent(harness, user, "ru")
    profile = await profile_of(harness, 12)
    assert profile is not None and profile.consent_at is not None
    await answer_core(harness, user)
    sent = await harness.text(user, "teacher@mail.kz")
    assert isinstance(sent[-1], SendMessage) and sent[-1].reply_markup is not None  # contact button
    sent = await harness.contact(user, "77011234567")
    profile = await profile_of(harness, 12)
    assert profile is not None
    assert profile.full_name == "Ахметова Айгуль Серикқызы"
    assert profile.iin == VALID_IIN and profile.phone == "+77011234567" and profile.completed_at is not None
    assert profile.claimed_category == "expert" and profile.region == "karaganda" and profile.area_code == KARAGANDA
    # The verdict names the clause of each rule, written the Russian way.
    verdict = next(t for t in texts(sent) if "(п. 31)" in t)
    assert "(Правила, п. 15)" in verdict and "§" not in verdict


async def test_wrong_iin_is_rejected_with_reason(harness: Harness) -> None:
    user = harness.user(13)
    await start_and_consent(harness, user)
    await harness.text(user, "Иванов Иван")
    for bad in ("85031530001", "8503153000191", "85031530001X", "850315300011", "851315300016"):
        sent = await harness.text(user, bad)
        assert len(texts(sent)) == 1, bad
        profile = await profile_of(harness, 13)
        assert profile is not None and profile.iin is None, bad
    await harness.text(user, VALID_IIN)
    profile = await profile_of(harness, 13)
    assert profile is not None and profile.iin == VALID_IIN


async def test_text_where_button_expected_and_stale_button(harness: Harness) -> None:
    user = harness.user(14)
    await start_and_consent(harness, user)
    await harness.text(user, "Иванов Иван")
    await harness.text(user, VALID_IIN)
    sent = await harness.text(user, "teacher")  # the role question wants a button: said, and asked again
    assert texts(sent)[0] == "Пожалуйста, выберите одну из кнопок выше."
    assert ChoiceCallback(field="role", value="teacher").pack() in last_markup_data(sent)
    profile = await profile_of(harness, 14)
    assert profile is not None and profile.role is None
    # A button of another question (stale) and a forged value are refused with an alert.
    sent = await harness.press(user, ChoiceCallback(field="education", value="higher_pedagogical").pack())
    assert alerts(sent) and alerts(sent)[0]
    sent = await harness.press(user, ChoiceCallback(field="role", value="president").pack())
    assert alerts(sent) and alerts(sent)[0]
    sent = await harness.press(user, "garbage:data")
    assert alerts(sent) and alerts(sent)[0]
    profile = await profile_of(harness, 14)
    assert profile is not None and profile.role is None and profile.education is None


async def test_cancel_midway_keeps_answers_and_start_resumes(harness: Harness) -> None:
    user = harness.user(15)
    await start_and_consent(harness, user)
    await harness.text(user, "Иванов Иван")
    sent = await harness.text(user, "/cancel")
    assert len(texts(sent)) == 1
    async with harness.app.sessions() as session:
        record = await session.scalar(select(FsmRecord).where(FsmRecord.key.like("%:15:15:%")))
        assert record is None or record.state is None
    profile = await profile_of(harness, 15)
    assert profile is not None and profile.full_name == "Иванов Иван"
    sent = await harness.text(user, "/start")
    assert any("IIN" in t or "ИИН" in t or "ЖСН" in t for t in texts(sent))


async def test_contact_of_someone_else_is_refused(harness: Harness) -> None:
    user = harness.user(16)
    await start_and_consent(harness, user)
    await answer_core(harness, user)
    await harness.text(user, "x@mail.kz")
    sent = await harness.contact(user, "77010000000", owner_id=999)
    assert len(texts(sent)) == 1
    profile = await profile_of(harness, 16)
    assert profile is not None and profile.phone is None


async def test_photo_instead_of_text_answer(harness: Harness) -> None:
    from aiogram.types import PhotoSize

    user = harness.user(17)
    await start_and_consent(harness, user)
    sent = await harness.send(user, photo=[PhotoSize(file_id="p", file_unique_id="u", width=1, height=1)])
    assert len(texts(sent)) == 1


async def test_language_is_stored_and_changeable(harness: Harness) -> None:
    user = harness.user(18)
    await harness.text(user, "/start")
    await harness.press(user, LanguageCallback(code="kk").pack())
    await harness.text(user, "/lang")
    await harness.press(user, LanguageCallback(code="ru").pack())
    async with harness.app.sessions() as session:
        row = await session.get(User, 18)
        assert row is not None and row.locale == "ru"
    sent = await harness.press(user, "lang:en")
    assert alerts(sent) and alerts(sent)[0]


async def test_delete_me_erases_everything(harness: Harness) -> None:
    from features.privacy.callbacks import DeleteMeCallback

    user = harness.user(19)
    await start_and_consent(harness, user)
    await harness.text(user, "Иванов Иван")
    await harness.text(user, "/delete_me")
    await harness.press(user, DeleteMeCallback(confirm=True).pack())
    assert await profile_of(harness, 19) is None


async def test_early_attestation_multiselect(harness: Harness) -> None:
    user = harness.user(20)
    await start_and_consent(harness, user)
    await answer_core(harness, user)
    await harness.text(user, "/profile")
    from features.profile.callbacks import EditFieldCallback

    await harness.press(user, EditFieldCallback(field="attestation_kind").pack())
    await harness.press(user, ChoiceCallback(field="attestation_kind", value="early").pack())
    sent = await harness.text(user, "01.06.2022")
    options = [d for d in last_markup_data(sent) if d.startswith("tick:")]
    assert len(options) >= 2
    first = options[0]
    sent = await harness.press(user, first)
    assert any(isinstance(r, type(sent[-1])) for r in sent)
    await harness.press(user, ToggleCallback(field="early_requirements", value=".").pack())
    profile = await profile_of(harness, 20)
    assert profile is not None and profile.attestation_kind == "early"
    assert profile.early_requirements == [ToggleCallback.unpack(first).value]


async def test_edit_message_used_for_choice(harness: Harness) -> None:
    user = harness.user(21)
    await start_and_consent(harness, user)
    await harness.text(user, "Иванов Иван")
    await harness.text(user, VALID_IIN)
    sent = await harness.press(user, ChoiceCallback(field="role", value="teacher").pack())
    assert any(isinstance(r, EditMessageText) for r in sent)


async def test_commands_registered_per_language(harness: Harness) -> None:
    from app.commands import register_commands

    await register_commands(harness.bot, harness.app.i18n)
    calls = [r for r in harness.session.requests if isinstance(r, SetMyCommands)]
    assert {c.language_code for c in calls} == {None, "kk", "ru"}
    assert {c.command for c in calls[0].commands} >= {"start", "help", "profile", "lang", "cancel", "delete_me"}


async def test_delete_me_erases_every_area(harness: Harness) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from features.privacy.callbacks import DeleteMeCallback
    from storage.checklist_models import Essay
    from storage.outbox_models import OutboxMessage
    from storage.scoring_models import SelfAssessment

    user = harness.user(22)
    await start_and_consent(harness, user)
    async with harness.app.sessions() as session:
        session.add(Essay(user_id=22, text="words " * 260, words=260, source="text", updated_at=datetime.now(UTC)))
        session.add(SelfAssessment(user_id=22, sheet_id="teacher", answers={"claimed": "expert", "criteria": {}},
                                   observations=[]))
        session.add(OutboxMessage(user_id=22, method="sendMessage", payload={"text": "Your application is refused"},
                                  created_at=datetime.now(UTC), attempts=1))
        await session.commit()
    await harness.text(user, "/delete_me")
    await harness.press(user, DeleteMeCallback(confirm=True).pack())
    async with harness.app.sessions() as session:
        for model in (TeacherProfile, Essay, SelfAssessment, OutboxMessage):
            assert await session.scalar(select(func.count()).select_from(model)) == 0, model


async def test_user_who_unblocked_the_bot_is_active_again(harness: Harness) -> None:
    user = harness.user(23)
    await harness.text(user, "/start")
    async with harness.app.sessions() as session:
        row = await session.get(User, 23)
        assert row is not None
        row.is_active = False  # as the broadcast sender marks a user who blocked the bot
        await session.commit()
    await harness.text(user, "/help")
    async with harness.app.sessions() as session:
        row = await session.get(User, 23)
        assert row is not None and row.is_active


async def test_double_tap_is_handled_once(harness: Harness, monkeypatch: Any) -> None:
    import asyncio

    from sqlalchemy.ext.asyncio import AsyncSession

    commit = AsyncSession.commit

    async def slow_commit(self: AsyncSession) -> None:
        await asyncio.sleep(0.05)  # widen the window between the handler's end and the commit
        await commit(self)

    monkeypatch.setattr(AsyncSession, "commit", slow_commit)
    user = harness.user(24)
    await start_and_consent(harness, user)
    await harness.text(user, "Иванов Иван")
    await harness.text(user, VALID_IIN)
    press = ChoiceCallback(field="role", value="teacher").pack()
    first, second = await asyncio.gather(harness.press(user, press), harness.press(user, press))
    # The second tap waits for the first to commit, then finds its question already answered.
    stale = [a for a in alerts(first) + alerts(second) if a]
    assert len(stale) == 1
    async with harness.app.sessions() as session:
        record = await session.scalar(select(FsmRecord).where(FsmRecord.key.like("%:24:24:%")))
        assert record is not None and record.state == "ProfileForm:teaching_post"


async def test_only_teachers_are_asked_their_post_and_a_new_position_forgets_it(harness: Harness) -> None:
    from features.profile.callbacks import EditFieldCallback

    user = harness.user(25)
    await start_and_consent(harness, user)
    await harness.text(user, "Иванов Иван")
    await harness.text(user, VALID_IIN)
    sent = await harness.press(user, ChoiceCallback(field="role", value="teacher").pack())
    posts = [ChoiceCallback.unpack(d).value for d in last_markup_data(sent)]
    assert posts[0] == "subject" and {"pmpk", "psychologist", "assistant"} <= set(posts)
    forged = await harness.press(user, ChoiceCallback(field="teaching_post", value="astronaut").pack())
    assert alerts(forged) and alerts(forged)[0]
    assert (profile := await profile_of(harness, 25)) is not None and profile.teaching_post is None
    await harness.press(user, ChoiceCallback(field="teaching_post", value="psychologist").pack())
    profile = await profile_of(harness, 25)
    assert profile is not None and profile.teaching_post == "psychologist"

    await harness.press(user, EditFieldCallback(field="role").pack())
    sent = await harness.press(user, ChoiceCallback(field="role", value="head").pack())
    profile = await profile_of(harness, 25)
    assert profile is not None and profile.role == "head" and profile.teaching_post is None
    # A head goes on with the type of organisation: never the post.
    asked = [ChoiceCallback.unpack(d).field for d in last_markup_data(sent) if d.startswith("pick:")]
    assert asked and set(asked) == {"org_type"}


async def test_a_profile_completed_before_the_post_was_asked_is_asked_it_once(harness: Harness) -> None:
    from tests.handlers.attestation_helpers import make_teacher, profile_complete

    await make_teacher(harness, 26, "ru", teaching_post=None)
    assert not await profile_complete(harness, 26)
    sent = await harness.text(harness.user(26), "/start")
    assert {ChoiceCallback.unpack(d).field for d in last_markup_data(sent)} == {"teaching_post"}
    await harness.press(harness.user(26), ChoiceCallback(field="teaching_post", value="social_pedagogue").pack())
    assert await profile_complete(harness, 26)
    sent = await harness.text(harness.user(26), "/start")
    # Nothing more to ask: the verdict again, then the steps (no profile question among the buttons).
    assert [d.split(":")[1] for d in last_markup_data(sent)] == ["checklist", "essay", "score", "submit"]


async def test_certificates_compact_with_none_first_and_the_answer_echoed(harness: Harness) -> None:
    user = harness.user(24)
    await start_and_consent(harness, user, "kk")
    sent = await answer_until_certificates(harness, user)
    question = sent[-1]
    assert isinstance(question, SendMessage) and question.reply_markup is not None
    rows = question.reply_markup.inline_keyboard  # type: ignore[union-attr]
    none = ToggleCallback(field="certificates", value="none").pack()
    assert [b.callback_data for b in rows[0]] == [none]
    options = [b for row in rows[1:-1] for b in row]
    assert len(options) >= 15 and len(rows) < len(options)  # two short labels share a row
    # Ticked, then Done: the question shows what was chosen, in the teacher's language.
    await harness.press(user, ToggleCallback(field="certificates", value="ielts_7").pack())
    await harness.press(user, ToggleCallback(field="certificates", value="celta").pack())
    sent = await harness.press(user, ToggleCallback(field="certificates", value=".").pack())
    echo = next(r for r in sent if isinstance(r, EditMessageText))
    assert echo.text.endswith("→ IELTS 7; " + harness.app.i18n.gettext("CELTA (Pass and above)", locale="kk"))
    profile = await profile_of(harness, 24)
    assert profile is not None and profile.certificates == ["ielts_7", "celta"]


async def test_none_of_the_certificates_answers_at_once(harness: Harness) -> None:
    user = harness.user(25)
    await start_and_consent(harness, user, "ru")
    await answer_until_certificates(harness, user)
    await harness.press(user, ToggleCallback(field="certificates", value="ielts_7").pack())
    sent = await harness.press(user, ToggleCallback(field="certificates", value="none").pack())
    echo = next(r for r in sent if isinstance(r, EditMessageText))
    assert echo.text.endswith("→ " + harness.app.i18n.gettext("none", locale="ru"))
    profile = await profile_of(harness, 25)
    assert profile is not None and profile.certificates == []
    # "none" is no answer to a question without that button.
    sent = await harness.press(user, ToggleCallback(field="early_requirements", value="none").pack())
    assert alerts(sent) and alerts(sent)[0]


async def test_regions_in_the_readers_alphabet(harness: Harness) -> None:
    from scoring.areas import sort_key  # the reader's alphabet, «область»/«облысы» aside
    from scoring.regions import region_by_id

    for user_id, locale, iin in ((26, "kk", VALID_IIN), (27, "ru", "900521400027")):  # one IIN, one account
        user = harness.user(user_id)
        await start_and_consent(harness, user, locale)
        await harness.text(user, "Ахметова Айгуль")
        await harness.text(user, iin)
        await harness.press(user, ChoiceCallback(field="role", value="methodist").pack())
        await harness.press(user, ChoiceCallback(field="org_type", value="general_secondary").pack())
        sent = await harness.text(user, "School-lyceum No. 7")
        shown = [harness.app.i18n.gettext(region_by_id(ChoiceCallback.unpack(d).value).label, locale=locale)
                 for d in last_markup_data(sent)]  # type: ignore[union-attr]
        assert len(shown) == 20 and shown == sorted(shown, key=lambda name: sort_key(name, locale))
    if harness.app.i18n.gettext("Abai region", locale="kk") != "Abai region":  # catalogue compiled
        assert shown != sorted(shown)


async def test_a_category_date_that_has_passed_is_flagged_in_the_profile(harness: Harness) -> None:
    user = harness.user(28)
    await start_and_consent(harness, user)
    await answer_core(harness, user)
    await harness.text(user, "teacher@mail.kz")
    await harness.contact(user, "77011234567")
    from features.profile.callbacks import EditFieldCallback

    await harness.text(user, "/profile")
    await harness.press(user, EditFieldCallback(field="category_valid_until").pack())
    sent = await harness.text(user, "31.05.2020")
    card = texts(sent)[-1]
    line = next(line for line in card.splitlines() if "31.05.2020" in line)
    assert "⚠️" in line
    await harness.press(user, EditFieldCallback(field="category_valid_until").pack())
    sent = await harness.text(user, "31.05.2099")
    assert "⚠️" not in next(line for line in texts(sent)[-1].splitlines() if "31.05.2099" in line)


def ru(h: Harness, text: str, **params: object) -> str:
    out = h.app.i18n.gettext(text, locale="ru")
    return out.format(**params) if params else out


SPECIAL_PROGRAMME = "Were you hired under the Special Programme for regions short of teachers (§10)?"
TRANSFERRED = ("Since your category was given, have you moved to another organisation, to a combined post or to "
               "another post by your profile (§41, §49)?")


async def test_p10_p41_a_teacher_holding_a_category_is_asked_both_and_the_answers_are_kept(harness: Harness) -> None:
    """§10 (teachers) and §41/§49 (holders of a category): asked after the certificates, stored as yes/no, and
    a move keeps the category until it expires (§41) in the verdict."""
    user = harness.user(40)
    await start_and_consent(harness, user, "ru")
    await answer_until_certificates(harness, user)
    sent = await harness.press(user, ToggleCallback(field="certificates", value=".").pack())
    assert ru(harness, SPECIAL_PROGRAMME) in texts(sent)[-1]
    assert ChoiceCallback(field="special_programme", value="yes").pack() in last_markup_data(sent)
    sent = await harness.press(user, ChoiceCallback(field="special_programme", value="no").pack())
    assert ru(harness, TRANSFERRED) in texts(sent)[-1]
    sent = await harness.press(user, ChoiceCallback(field="transferred", value="yes").pack())
    echo = next(r for r in sent if isinstance(r, EditMessageText))
    assert echo.text.endswith("→ " + ru(harness, "Yes"))
    await harness.text(user, "teacher@mail.kz")
    sent = await harness.contact(user, "77011234567")
    profile = await profile_of(harness, 40)
    assert profile is not None and (profile.special_programme, profile.transferred) == (False, True)
    assert profile.completed_at is not None
    verdict = "\n".join(texts(sent))
    assert ru(harness, "✅ You can apply for the claimed category.") in verdict and "(п. 41)" in verdict


async def test_p10_a_graduate_of_the_special_programme_is_assigned_moderator_without_attestation(
        harness: Harness) -> None:
    """§10: a graduate without a category hired under the Special Programme is assigned pedagogue-moderator on
    application, without attestation; the verdict says so with the clause. Without a category she is not asked
    about a move (§41 keeps a category she does not hold)."""
    user = harness.user(41)
    await start_and_consent(harness, user, "ru")
    await harness.text(user, "Ахметова Айгуль Серикқызы")
    await harness.text(user, VALID_IIN)
    await harness.press(user, ChoiceCallback(field="role", value="teacher").pack())
    await harness.press(user, ChoiceCallback(field="teaching_post", value="subject").pack())
    await harness.press(user, ChoiceCallback(field="org_type", value="general_secondary").pack())
    await harness.text(user, "School-lyceum No. 7")
    await harness.press(user, ChoiceCallback(field="region", value="karaganda").pack())
    await harness.text(user, "Karaganda city")
    await harness.press(user, AreaCallback(action="pick", code=KARAGANDA).pack())
    await harness.press(user, ChoiceCallback(field="current_category", value="none").pack())
    await harness.text(user, "1")
    await harness.press(user, ChoiceCallback(field="education", value="higher_pedagogical").pack())
    await harness.press(user, ChoiceCallback(field="claimed_category", value="moderator").pack())
    await harness.press(user, ChoiceCallback(field="attestation_kind", value="regular").pack())
    await harness.press(user, ToggleCallback(field="certificates", value="none").pack())
    sent = await harness.press(user, ChoiceCallback(field="special_programme", value="yes").pack())
    assert not any(ru(harness, TRANSFERRED) in t for t in texts(sent))
    await harness.text(user, "teacher@mail.kz")
    sent = await harness.contact(user, "77011234567")
    profile = await profile_of(harness, 41)
    assert profile is not None and profile.special_programme is True and profile.transferred is None
    verdict = "\n".join(texts(sent))
    assert ru(harness, "✅ On your application {category} is assigned without attestation: no test and no "
                       "portfolio (§10).", category=ru(harness, "pedagogue-moderator")) in verdict
