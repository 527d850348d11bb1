"""Bad input never wedges a flow: typed text normalised at the edge, forged buttons, commands in text
steps, oversized drafts and state, a taken IIN, numbers with units. All through the real Dispatcher."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message
from sqlalchemy import select

from bot.callbacks import ChoiceCallback, ToggleCallback, WindowCallback
from bot.pipeline.fsm_storage import MAX_DATA_BYTES
from features.broadcast.callbacks import BroadcastControlCallback
from features.self_assessment.callbacks import ObservationCallback
from storage.broadcast_models import Broadcast
from storage.checklist_models import Essay
from storage.profile_models import TeacherProfile
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.attestation_helpers import iin_for, make_teacher
from tests.handlers.commission_helpers import ADMIN, cm, create_commission
from tests.handlers.test_onboarding import VALID_IIN, profile_of, start_and_consent

STALE = "This button is no longer active."
EMPTY = ("This message is empty once invisible characters are removed. Please type the answer in letters or "
         "digits.")


def tr(h: Harness, text: str, locale: str = "ru") -> str:
    return h.app.i18n.gettext(text, locale=locale)


def key(h: Harness, user_id: int) -> StorageKey:
    return StorageKey(bot_id=h.bot.id, chat_id=user_id, user_id=user_id)


async def state_of(h: Harness, user_id: int) -> str | None:
    return await h.app.storage.get_state(key(h, user_id))


async def to_org_name(h: Harness, user: Any) -> None:
    """A new teacher (Russian) at the organisation-name question."""
    await start_and_consent(h, user)
    await h.text(user, "Иванов Иван")
    await h.text(user, iin_for(user.id))
    await h.press(user, ChoiceCallback(field="role", value="teacher").pack())
    await h.press(user, ChoiceCallback(field="teaching_post", value="subject").pack())
    await h.press(user, ChoiceCallback(field="org_type", value="general_secondary").pack())
    assert await state_of(h, user.id) == "ProfileForm:org_name"


# --- 1. one normalisation at the edge -----------------------------------------------------------------


async def test_a_name_in_nfd_is_accepted_and_stored_composed(harness: Harness) -> None:
    user = harness.user(401)
    await start_and_consent(harness, user)
    name = "Йолдасбаев Ёрлан Ахметұлы"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    sent = await harness.text(user, decomposed)
    assert tr(harness, "Your IIN (12 digits, as in your identity document):") in texts(sent)
    profile = await profile_of(harness, 401)
    assert profile is not None and profile.full_name == name


async def test_an_organisation_of_zero_width_characters_is_refused_and_not_stored(harness: Harness) -> None:
    user = harness.user(402)
    await to_org_name(harness, user)
    sent = await harness.text(user, "\u200b\u200c\u200d\u2060\ufeff")
    assert texts(sent) == [tr(harness, EMPTY)]
    sent = await harness.text(user, "\u200bШ\u200b")  # one letter left: too short, said with the range
    assert texts(sent) == [tr(harness, "Please send a name between {min} and {max} characters long.").format(
        min=2, max=300)]
    profile = await profile_of(harness, 402)
    assert profile is not None and profile.org_name is None
    assert await state_of(harness, 402) == "ProfileForm:org_name"
    await harness.text(user, "Школа\u00ad-лицей\u200b №7\u0007")
    profile = await profile_of(harness, 402)
    assert profile is not None and profile.org_name == "Школа-лицей №7"


# --- 3. forged questionnaire buttons and ids ------------------------------------------------------------


async def test_a_button_of_another_kind_or_value_is_stale_and_changes_nothing(harness: Harness) -> None:
    user = harness.user(403)
    await start_and_consent(harness, user)
    stale = tr(harness, STALE)
    # At the name question (typed text): picks and ticks for it are forged.
    for data in (ChoiceCallback(field="full_name", value="x").pack(),
                 ToggleCallback(field="full_name", value=".").pack()):
        assert alerts(await harness.press(user, data)) == [stale], data
    await harness.text(user, "Иванов Иван")
    await harness.text(user, iin_for(403))
    # At the role question (a single choice): a tick, or a value it does not offer.
    for data in (ToggleCallback(field="role", value=".").pack(), ToggleCallback(field="role", value="teacher").pack(),
                 ChoiceCallback(field="role", value="president").pack()):
        assert alerts(await harness.press(user, data)) == [stale], data
    profile = await profile_of(harness, 403)
    assert profile is not None and profile.role is None


async def test_a_pick_at_the_certificates_question_is_stale_and_ticks_are_checked(harness: Harness) -> None:
    await make_teacher(harness, 404, certificates=None)
    user = harness.user(404)
    await harness.text(user, "/start")  # the one unanswered question: certificates (multi-select)
    assert await state_of(harness, 404) == "ProfileForm:certificates"
    stale = tr(harness, STALE)
    for data in (ChoiceCallback(field="certificates", value="ielts_7").pack(),
                 ToggleCallback(field="certificates", value="no-such-certificate").pack(),
                 ChoiceCallback(field="experience_years", value="5").pack(),
                 ChoiceCallback(field="category_valid_until", value="tomorrow").pack()):
        assert alerts(await harness.press(user, data)) == [stale], data
    profile = await profile_of(harness, 404)
    assert profile is not None and profile.certificates is None and profile.experience_years == 8
    await harness.press(user, ToggleCallback(field="certificates", value="ielts_7").pack())
    await harness.press(user, ToggleCallback(field="certificates", value=".").pack())
    profile = await profile_of(harness, 404)
    assert profile is not None and profile.certificates == ["ielts_7"]


HUGE = "99999999999999999999"  # beyond a 64-bit integer


async def test_ids_too_large_or_not_ascii_digits_get_the_stale_answer(harness: Harness) -> None:
    cid = await create_commission(harness)
    admin = harness.user(ADMIN)
    stale = tr(harness, STALE, "kk")
    forged = [
        f"cm:card:{HUGE}:", "cm:card:²:", "cm:acc:2147483648:", f"vt:{HUGE}:1:a:", "vt:1:²:a:",
        f"pt:{HUGE}:1:go:4.1:", cm("chair", cid, HUGE), cm("chair", cid, "²"), cm("setchair", cid, "١٢"),
        cm("rmmask", cid, HUGE), cm("rmmok", cid, "²"), f"ss:put:{cid}:0:{HUGE}:", f"bc:cancel:{HUGE}",
        f"win:reset:{HUGE}", f"ob:{HUGE}:1", "ob:1:²",
    ]
    for data in forged:
        sent = await harness.press(admin, data)
        assert alerts(sent) == [stale], data
    # The factories refuse what does not fit the columns, so forged ids never reach a query.
    for factory, fields in ((BroadcastControlCallback, {"action": "cancel"}), (WindowCallback, {"action": "reset"})):
        with pytest.raises(ValueError):
            factory.unpack(f"{factory.__prefix__}:" + ":".join([*fields.values(), HUGE]))  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        ObservationCallback.unpack("ob:1000:1")


async def test_a_file_id_with_a_superscript_digit_is_not_attached(harness: Harness) -> None:
    await make_teacher(harness, 405)
    user = harness.user(405)
    await harness.text(user, "/checklist")
    sent = await harness.press(user, "ck:rm:courses:²")
    assert alerts(sent) == [tr(harness, "This file is no longer attached.")]


# --- 4. commands in text steps ---------------------------------------------------------------------------


def text_states(h: Harness) -> set[str]:
    """Every state some message handler waits in (a typed answer, a file, anything)."""
    found: set[str] = set()
    for router in h.app.dispatcher.chain_tail:
        for handler in router.message.handlers:
            for flt in handler.filters or []:
                if isinstance(flt.callback, StateFilter):
                    for item in flt.callback.states:
                        if isinstance(item, type) and issubclass(item, StatesGroup):
                            found |= {s for s in item.__all_states_names__}
                        elif isinstance(item, State):
                            assert item.state is not None
                            found.add(item.state)
                        elif isinstance(item, str):
                            found.add(item)
    return found - {"*"}


async def test_a_command_typed_in_any_text_step_runs_as_the_command(harness: Harness) -> None:
    states = text_states(harness)
    assert {"BroadcastForm:text_kk", "EssayForm:collecting", "NewCommission:name", "Refuse:documents",
            "ReasonForm:text", "NewSession:date", "ProfileForm:org_name", "Join:name"} <= states
    # /score belongs to the last router: a text step of any router before it that took commands as text
    # would answer instead.
    expected = tr(harness, "The self-assessment needs your completed profile (position, type of organisation, "
                           "claimed category). Send /start to finish it first.", "kk")
    user = harness.user(ADMIN)
    for state in sorted(states):
        await harness.app.storage.set_state(key(harness, ADMIN), state)
        sent = await harness.text(user, "/score")
        assert texts(sent) == [expected], state


async def test_the_broadcast_composer_runs_commands_and_keeps_waiting_for_the_text(harness: Harness) -> None:
    admin = harness.user(ADMIN, "ru")
    await harness.text(admin, "/broadcast")
    sent = await harness.text(admin, "/help")
    assert len(texts(sent)) == 1 and "/broadcast_status" in texts(sent)[0]
    sent = await harness.text(admin, "/stats")
    assert len(sent) == 2 and tr(harness, "Now send the same text in Russian.") not in texts(sent)  # figures, chart
    assert await state_of(harness, ADMIN) == "BroadcastForm:text_kk"
    sent = await harness.text(admin, "Сәлеметсіз бе!")
    assert texts(sent) == [tr(harness, "Now send the same text in Russian.")]
    sent = await harness.text(admin, "/cancel")
    assert await state_of(harness, ADMIN) is None
    async with harness.app.sessions() as s:
        assert list(await s.scalars(select(Broadcast))) == []


# --- 5. size bounds ---------------------------------------------------------------------------------------


def essay_part(words: int) -> str:
    return " ".join(["білім"] * words)


async def test_an_essay_draft_far_over_the_rules_is_refused_and_the_rest_kept(harness: Harness) -> None:
    await make_teacher(harness, 406)
    user = harness.user(406)
    await harness.text(user, "/essay")
    for _ in range(2):
        await harness.text(user, essay_part(400))
    sent = await harness.text(user, essay_part(150))  # 950 words: over three times the 300-word maximum
    assert texts(sent)[0].startswith(tr(harness, "This is far longer than an essay of {min}–{max} words ({words} "
                                             "words): at most {limit} words can be kept as a draft. Please send "
                                             "the essay itself.").format(min=250, max=300, words=950, limit=900))
    data = await harness.app.storage.get_data(key(harness, 406))
    assert [len(p.split()) for p in data["parts"]] == [400, 400]
    await harness.press(user, "es:done")
    async with harness.app.sessions() as s:
        essay = await s.get(Essay, 406)
    assert essay is not None and essay.words == 800


async def test_an_essay_file_far_over_the_rules_is_refused(harness: Harness) -> None:
    from tests.handlers.attestation_helpers import pdf

    await make_teacher(harness, 407)
    user = harness.user(407)
    await harness.text(user, "/essay")
    harness.session.files["F-long"] = essay_part(1000).encode()
    sent = await harness.send(user, document=pdf("long", name="essay.txt", size=6000, mime="text/plain"))
    assert texts(sent)[0] == tr(harness, "This is far longer than an essay of {min}–{max} words ({words} words): at "
                                         "most {limit} words can be kept as a draft. Please send the essay "
                                         "itself.").format(min=250, max=300, words=1000, limit=900)
    async with harness.app.sessions() as s:
        assert await s.get(Essay, 407) is None


async def test_fsm_data_over_the_bound_fails_the_update_and_keeps_the_step(harness: Harness) -> None:
    class Hoard(StatesGroup):
        hoarding = State()

    async def hoard(message: Message, state: FSMContext) -> None:
        await state.update_data(note="small")
        await state.update_data(blob="ж" * MAX_DATA_BYTES)

    router = Router(name="hoard")
    router.message.register(hoard, StateFilter(Hoard.hoarding))
    dispatcher = harness.app.dispatcher
    dispatcher.include_router(router)
    dispatcher.sub_routers.insert(0, dispatcher.sub_routers.pop())  # before the fallback
    await harness.app.storage.set_state(key(harness, 408), Hoard.hoarding)
    await harness.app.storage.set_data(key(harness, 408), {"kept": 1})
    sent = await harness.text(harness.user(408), "anything")
    assert texts(sent) == [tr(harness, "Sorry, something went wrong on our side. What you saved is kept; please try "
                                       "again.", "kk")]
    assert await harness.app.storage.get_data(key(harness, 408)) == {"kept": 1}  # rolled back, "note" too
    assert await state_of(harness, 408) == Hoard.hoarding.state


# --- 6. the IIN ---------------------------------------------------------------------------------------------


async def test_an_iin_held_by_another_account_is_refused_without_saying_whose(harness: Harness) -> None:
    await make_teacher(harness, 409, iin=VALID_IIN, full_name="Ахметова Айгуль")
    user = harness.user(410)
    await start_and_consent(harness, user)
    await harness.text(user, "Иванов Иван")
    sent = await harness.text(user, VALID_IIN)
    taken = tr(harness, "This IIN is already registered in the bot from another Telegram account, and one IIN "
                        "belongs to one account. If you registered it earlier, continue in that account. If it is "
                        "your IIN and that account is not yours, tell the bot's administrator at your education "
                        "department. Please check the digits.")
    assert texts(sent) == [taken] and "Ахметова" not in taken
    profile = await profile_of(harness, 410)
    assert profile is not None and profile.iin is None
    assert await state_of(harness, 410) == "ProfileForm:iin"
    await harness.text(user, iin_for(410))
    profile = await profile_of(harness, 410)
    assert profile is not None and profile.iin == iin_for(410)


async def test_the_holder_may_type_their_own_iin_again(harness: Harness) -> None:
    await make_teacher(harness, 411, iin=VALID_IIN)
    user = harness.user(411)
    await harness.press(user, "edit:iin")
    sent = await harness.text(user, VALID_IIN)
    assert tr(harness, "Your profile:") in "\n".join(texts(sent))


async def test_an_iin_born_in_the_future_or_before_1900_is_refused(harness: Harness) -> None:
    from scoring.iin import check_digit

    user = harness.user(412)
    await start_and_consent(harness, user)
    await harness.text(user, "Иванов Иван")
    future = "991231" + "5" + "0012"  # born 31.12.2099
    old = "991231" + "1" + "0012"  # born 31.12.1899
    for first_eleven, word in ((future, "31.12.2099"), (old, "31.12.1899")):
        sent = await harness.text(user, first_eleven + str(check_digit(first_eleven)))
        assert len(texts(sent)) == 1 and word in texts(sent)[0]
    profile = await profile_of(harness, 412)
    assert profile is not None and profile.iin is None


# --- 7. typed numbers and buttons -----------------------------------------------------------------------


async def test_years_typed_with_their_unit_and_absurd_numbers(harness: Harness) -> None:
    await make_teacher(harness, 413, experience_years=None)
    user = harness.user(413)
    await harness.text(user, "/start")
    assert await state_of(harness, 413) == "ProfileForm:experience_years"
    out_of_range = tr(harness, "That is out of range: the number of years is from {low} to {high}.").format(
        low=0, high=60)
    for absurd in ("500", "500 лет", "100000000000000000000"):
        assert texts(await harness.text(user, absurd)) == [out_of_range], absurd
    assert texts(await harness.text(user, "²")) == [
        tr(harness, "Please send a whole number of years from {low} to {high}.").format(low=0, high=60)]
    await harness.text(user, "12 жыл")
    profile = await profile_of(harness, 413)
    assert profile is not None and profile.experience_years == 12
    await harness.press(user, "edit:experience_years")
    await harness.text(user, "13 лет")
    profile = await profile_of(harness, 413)
    assert profile is not None and profile.experience_years == 13


async def test_text_at_a_multi_select_shows_the_question_again_with_the_ticks(harness: Harness) -> None:
    await make_teacher(harness, 414, certificates=None)
    user = harness.user(414)
    await harness.text(user, "/start")
    await harness.press(user, ToggleCallback(field="certificates", value="ielts_7").pack())
    sent = await harness.text(user, "IELTS 7")
    assert texts(sent)[0] == tr(harness, "Please choose one of the buttons above.")
    assert ToggleCallback(field="certificates", value=".").pack() in last_markup_data(sent)
    assert "☑" in str(sent[-1].reply_markup) or "✅" in str(sent[-1].reply_markup)  # type: ignore[attr-defined]
    await harness.press(user, ToggleCallback(field="certificates", value=".").pack())
    async with harness.app.sessions() as s:
        profile = await s.get(TeacherProfile, 414)
    assert profile is not None and profile.certificates == ["ielts_7"]


async def test_hours_typed_with_their_unit_in_the_self_assessment(harness: Harness) -> None:
    from tests.handlers.test_scoring import sc, stored

    await make_teacher(harness, 415)
    user = harness.user(415)
    await harness.text(user, "/score")  # a subject teacher: the teacher sheet, no question about 1.1
    await harness.press(user, sc("go", "4.1"))
    await harness.text(user, "72 часа")
    row = await stored(harness, 415, "teacher")
    assert row is not None and row.answers["criteria"]["4.1"] == {"hours": 72}
    await harness.press(user, sc("go", "4.1"))
    sent = await harness.text(user, "100000000000000000000 сағат")
    assert texts(sent) == [tr(harness, "{value} hours is more than the courses can add up to; at most {max} hours "
                                       "are accepted.").format(value="> 10^12", max=2000)]


async def test_text_where_a_commission_step_wants_a_button_shows_the_buttons_again(harness: Harness) -> None:
    from tests.handlers.commission_helpers import SECRETARY, full_commission, invite_code, teacher_with_application

    admin = harness.user(ADMIN)
    choose = tr(harness, "Please choose one of the buttons above.", "kk")
    await harness.text(admin, "/commission_new")
    sent = await harness.text(admin, "district")
    assert texts(sent)[0] == choose and cm("lvl", arg="district") in last_markup_data(sent)
    assert await state_of(harness, ADMIN) == "NewCommission:level"

    cid = await full_commission(harness)
    newcomer = harness.user(120)
    await harness.text(newcomer, f"/start {await invite_code(harness, cid)}")
    sent = await harness.text(newcomer, "teacher")
    assert texts(sent)[0] == choose and "inv:teacher" in last_markup_data(sent)

    app_id = await teacher_with_application(harness, 301)
    secretary = harness.user(SECRETARY)
    await harness.text(secretary, "/agenda")
    await harness.press(secretary, cm("ref", app_id))
    await harness.press(secretary, cm("grd", app_id, "requirements"))
    sent = await harness.text(secretary, "the documents are missing")
    assert texts(sent)[0] == choose and cm("grd", app_id, ".") in last_markup_data(sent)
    assert "☑️" in str(sent[-1].reply_markup)  # type: ignore[attr-defined]  # the ground ticked stays ticked
    assert await state_of(harness, SECRETARY) == "Refuse:grounds"


async def test_text_where_the_composer_wants_a_segment_shows_the_segments_again(harness: Harness) -> None:
    admin = harness.user(ADMIN, "ru")
    await harness.text(admin, "/broadcast")
    await harness.text(admin, "Сәлеметсіз бе!")
    await harness.text(admin, "Здравствуйте!")
    sent = await harness.text(admin, "всем")
    assert texts(sent)[0] == tr(harness, "Please choose one of the buttons above.")
    assert "bcseg:all:" in last_markup_data(sent)
    assert await state_of(harness, ADMIN) == "BroadcastForm:segment"
