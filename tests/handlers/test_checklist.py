"""/checklist through the real Dispatcher: board, item cards, files, marks and every bad input."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import Sticker, Voice
from sqlalchemy import select

from app.factory import create_application
from features.checklist.callbacks import ChecklistAct, ChecklistCallback
from scoring.categories import Category
from storage.checklist_models import ItemMark, UploadedFile
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.fakes import RecordingSession
from tests.handlers.attestation_helpers import NOW, at, make_teacher, pdf, photo


def ck(action: str, item: str = "", arg: str = "") -> str:
    """A checklist button; `arg` is the file row id of "rm", "1"/"0" of "na" and "ss"."""
    if action not in ChecklistAct.__members__.values():
        return f"{ChecklistCallback.__prefix__}:{action}:{item}:0:0"  # forged: no such action
    act = ChecklistAct(action)
    file = int(arg) if act is ChecklistAct.REMOVE else 0
    yes = arg == "1" and act in (ChecklistAct.NOT_APPLICABLE, ChecklistAct.IN_STATE_SYSTEMS)
    return ChecklistCallback(action=act, item=item, file=file, yes=yes).pack()


async def files_of(h: Harness, user_id: int, item: str | None = None) -> list[UploadedFile]:
    async with h.app.sessions() as session:
        query = select(UploadedFile).where(UploadedFile.user_id == user_id)
        if item:
            query = query.where(UploadedFile.item_id == item)
        return list(await session.scalars(query.order_by(UploadedFile.id)))


@pytest.fixture(autouse=True)
def fixed_clock(harness: Harness) -> None:
    harness.app.dispatcher["clock"] = at(NOW)


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_board_lists_every_item_with_progress(harness: Harness, locale: str) -> None:
    user = harness.user(100)
    await make_teacher(harness, 100, locale)
    sent = await harness.text(user, "/checklist")
    assert len(sent) == 1 and isinstance(sent[0], SendMessage)
    board = sent[0].text
    assert "1" in board and "9" in board  # application done: 1 of 9 required
    buttons = last_markup_data(sent)
    items = [ChecklistCallback.unpack(b).item for b in buttons]
    assert items[:3] == ["application", "identity", "courses"]
    assert "knowledge_quality" in items and "preschool_skills" not in items and "methodist_materials" not in items


async def test_checklist_needs_a_profile(harness: Harness) -> None:
    sent = await harness.text(harness.user(101), "/checklist")
    assert len(texts(sent)) == 1 and "/start" in texts(sent)[0]


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_open_item_send_files_done(harness: Harness, locale: str) -> None:
    user = harness.user(102)
    await make_teacher(harness, 102, locale)
    await harness.text(user, "/checklist")
    sent = await harness.press(user, ck("open", "courses"), message_id=77)
    # The board is edited in place into the item's card: what it is, why, the clause.
    assert len(sent) == 2 and isinstance(sent[1], EditMessageText) and sent[1].message_id == 77
    from scoring.documents import BY_ID

    assert harness.app.i18n.gettext(BY_ID["courses"].why, locale=locale) in sent[1].text  # why, with its clause
    sent = await harness.send(user, document=pdf("c1", "courses.pdf"))
    assert len(texts(sent)) == 1 and "courses.pdf" in texts(sent)[0]
    sent = await harness.send(user, photo=photo("c2"))
    assert len(texts(sent)) == 1
    rows = await files_of(harness, 102, "courses")
    assert [(r.file_unique_id, r.kind, r.file_name) for r in rows] == [("c1", "document", "courses.pdf"),
                                                                      ("c2", "photo", None)]
    assert rows[0].file_id == "F-c1" and rows[0].file_size == 200_000 and rows[0].mime_type == "application/pdf"
    assert rows[1].file_id == "P-c2"  # the largest photo size
    sent = await harness.press(user, ck("back"), message_id=78)
    assert isinstance(sent[-1], EditMessageText) and "✅" in sent[-1].text
    # Closed: a file now is not attached to anything.
    sent = await harness.send(user, document=pdf("c3"))
    assert len(texts(sent)) == 1 and "/checklist" in texts(sent)[0]
    assert len(await files_of(harness, 102)) == 2


async def test_same_file_twice_is_stored_once(harness: Harness) -> None:
    user = harness.user(103)
    await make_teacher(harness, 103)
    await harness.press(user, ck("open", "student_achievements"))
    await harness.send(user, document=pdf("dup"))
    sent = await harness.send(user, document=pdf("dup"))
    assert len(texts(sent)) == 1
    assert len(await files_of(harness, 103)) == 1


async def test_album_of_many_files_all_stored(harness: Harness) -> None:
    user = harness.user(104)
    await make_teacher(harness, 104)
    await harness.press(user, ck("open", "observation_sheets"))
    replies = []
    for n in range(7):
        if n % 2:
            sent = await harness.send(user, photo=photo(f"a{n}"), media_group_id="album-1")
        else:
            sent = await harness.send(user, document=pdf(f"a{n}", f"sheet{n}.pdf"), media_group_id="album-1")
        replies += texts(sent)
    assert len(replies) == 7
    assert len(await files_of(harness, 104, "observation_sheets")) == 7


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_bad_input_while_an_item_is_open(harness: Harness, locale: str) -> None:
    user = harness.user(105)
    await make_teacher(harness, 105, locale)
    await harness.press(user, ck("open", "courses"))
    bad = [
        {"sticker": Sticker(file_id="st", file_unique_id="st", type="regular", width=512, height=512,
                            is_animated=False, is_video=False)},
        {"voice": Voice(file_id="vo", file_unique_id="vo", duration=3)},
        {"document": pdf("exe", "setup.exe", mime="application/x-msdownload")},
        {"document": pdf("big", "huge.pdf", size=20 * 1024 * 1024 + 1)},
        {"text": "here it is"},
    ]
    answers = []
    for fields in bad:
        sent = await harness.send(user, **fields)
        assert len(texts(sent)) == 1, fields
        answers.append(texts(sent)[0])
    assert "PDF" in answers[2] and "20" in answers[3]
    assert len(set(answers)) == len(answers)
    assert await files_of(harness, 105) == []
    # Nothing lost: the item is still open and takes a good file.
    await harness.send(user, document=pdf("ok"))
    assert len(await files_of(harness, 105, "courses")) == 1


async def test_one_file_item_refuses_a_second_and_replace_all(harness: Harness) -> None:
    user = harness.user(106)
    await make_teacher(harness, 106)
    await harness.press(user, ck("open", "knowledge_quality"))
    await harness.send(user, document=pdf("k1", "quality.pdf"))
    sent = await harness.send(user, document=pdf("k2", "quality2.pdf"))
    assert "quality.pdf" in texts(sent)[0]
    assert [f.file_unique_id for f in await files_of(harness, 106)] == ["k1"]
    await harness.press(user, ck("clear", "knowledge_quality"))
    await harness.send(user, document=pdf("k2", "quality2.pdf"))
    assert [f.file_unique_id for f in await files_of(harness, 106)] == ["k2"]


async def test_remove_one_file(harness: Harness) -> None:
    user = harness.user(107)
    await make_teacher(harness, 107)
    await harness.press(user, ck("open", "courses"))
    await harness.send(user, document=pdf("r1"))
    await harness.send(user, document=pdf("r2"))
    first = (await files_of(harness, 107))[0]
    sent = await harness.press(user, ck("open", "courses"))
    assert ck("rm", "courses", str(first.id)) in last_markup_data(sent)
    await harness.press(user, ck("rm", "courses", str(first.id)))
    assert [f.file_unique_id for f in await files_of(harness, 107)] == ["r2"]
    # Someone else's file id, or a stale one, is refused.
    sent = await harness.press(user, ck("rm", "courses", str(first.id)))
    assert alerts(sent) and alerts(sent)[0]


async def test_not_applicable_only_for_optional_items(harness: Harness) -> None:
    user = harness.user(108)
    await make_teacher(harness, 108)
    sent = await harness.press(user, ck("open", "retraining"))
    assert ck("na", "retraining", "1") in last_markup_data(sent)
    await harness.press(user, ck("na", "retraining", "1"))
    sent = await harness.press(user, ck("open", "courses"))
    assert ck("na", "courses", "1") not in last_markup_data(sent)
    sent = await harness.press(user, ck("na", "courses", "1"))  # forged
    assert alerts(sent) and alerts(sent)[0]
    async with harness.app.sessions() as session:
        marks = {m.item_id: m for m in await session.scalars(select(ItemMark).where(ItemMark.user_id == 108))}
    assert marks["retraining"].not_applicable and "courses" not in marks
    sent = await harness.text(user, "/checklist")
    assert "🚫" in texts(sent)[0]


async def test_state_systems_question_asked_once(harness: Harness) -> None:
    user = harness.user(109)
    await make_teacher(harness, 109)
    sent = await harness.text(user, "/checklist")
    assert "❓" in texts(sent)[0]
    sent = await harness.press(user, ck("open", "diploma"))
    assert ck("ss", "diploma", "1") in last_markup_data(sent)
    await harness.press(user, ck("ss", "diploma", "1"))
    await harness.press(user, ck("ss", "employment_record", "0"))
    sent = await harness.text(user, "/checklist")
    board = texts(sent)[0]
    diploma_line = next(line for line in board.splitlines() if "diploma" in line.lower() or "диплом" in line.lower())
    assert diploma_line.startswith("✅")
    assert "❓" not in board  # both answered; employment record now missing (❌)


async def test_restart_between_two_files_loses_nothing(harness: Harness) -> None:
    user = harness.user(110)
    await make_teacher(harness, 110)
    await harness.press(user, ck("open", "courses"))
    await harness.send(user, document=pdf("before"))
    # The process restarts: a new application (dispatcher, storage, engine) on the same database.
    await harness.app.close()
    harness.app = create_application(harness.app.settings)
    harness.app.dispatcher["clock"] = at(NOW)
    harness.session = RecordingSession()
    harness.bot = Bot(token=harness.app.settings.token, session=harness.session)
    sent = await harness.send(user, document=pdf("after"))
    assert "/checklist" not in texts(sent)[0]  # the open item survived the restart
    assert [f.file_unique_id for f in await files_of(harness, 110, "courses")] == ["before", "after"]


async def test_stale_and_forged_buttons(harness: Harness) -> None:
    user = harness.user(111)
    await make_teacher(harness, 111)
    sent = await harness.press(user, ck("open", "no_such_item"))
    assert alerts(sent) and alerts(sent)[0]
    sent = await harness.press(user, ck("open", "methodist_materials"))  # not on a teacher's checklist
    assert alerts(sent) and alerts(sent)[0]
    sent = await harness.press(user, ck("explode", "courses"))
    assert alerts(sent) and alerts(sent)[0]


async def test_delete_me_erases_files_marks_and_essay(harness: Harness) -> None:
    from features.privacy.callbacks import DeleteMeCallback
    from storage.checklist_models import Essay

    user = harness.user(112)
    await make_teacher(harness, 112)
    await harness.press(user, ck("open", "courses"))
    await harness.send(user, document=pdf("gone"))
    await harness.press(user, ck("na", "retraining", "1"))
    async with harness.app.sessions() as session:
        session.add(Essay(user_id=112, text="t", words=1, source="text", updated_at=NOW))
        await session.commit()
    await harness.text(user, "/delete_me")
    await harness.press(user, DeleteMeCallback(confirm=True).pack())
    assert await files_of(harness, 112) == []
    async with harness.app.sessions() as session:
        assert await session.get(Essay, 112) is None
        assert list(await session.scalars(select(ItemMark).where(ItemMark.user_id == 112))) == []


async def test_a_pmpk_teacher_brings_no_students_achievements_and_no_observation_sheets(harness: Harness) -> None:
    """egov items 9 and 11: the ПМПК teacher's board leaves them out and they never block submission."""
    await make_teacher(harness, 130, "ru", teaching_post="pmpk", org_type="special")
    await make_teacher(harness, 131, "ru", teaching_post="subject", org_type="special")
    boards = {}
    for uid in (130, 131):
        sent = await harness.text(harness.user(uid), "/checklist")
        boards[uid] = [ChecklistCallback.unpack(b).item for b in last_markup_data(sent)]
    exempt = {"student_achievements", "observation_sheets", "development_programme"}
    assert exempt <= set(boards[131])
    assert not exempt & set(boards[130])
    assert set(boards[130]) == set(boards[131]) - exempt


def ru(h: Harness, text: str, **params: object) -> str:
    out = h.app.i18n.gettext(text, locale="ru")
    return out.format(**params) if params else out


STUDENTS_IF_ANY = ("Documents confirming students' achievements, if any: for your position the scoring sheet makes "
                   "them optional (App 8 criterion 2.1 note 1; App 11 criterion 2.4 note 2).")


@pytest.mark.parametrize("post", ["psychologist", "social_pedagogue", "mentor_organiser", "nvtp_organiser",
                                  "special_needs"])
async def test_app8_criterion_2_1_note_1_these_posts_bring_students_achievements_only_if_any(
        harness: Harness, post: str) -> None:
    """App 8 criterion 2.1 note 1 (the pilot's reading, `interpretations.student_achievements`): students'
    achievements are "if any" for these posts: not counted, never blocking, and they can be marked not
    applicable; the card says why, with the clause."""
    user = harness.user(140)
    await make_teacher(harness, 140, "ru", teaching_post=post)
    board = texts(await harness.text(user, "/checklist"))[0]
    assert ru(harness, "Progress: {done} of {total} required documents", done=1, total=8) in board
    sent = await harness.press(user, ck("open", "student_achievements"))
    card = texts(sent)[-1]
    assert ru(harness, STUDENTS_IF_ANY) in card and ru(harness, "Only if you have it.") in card
    assert ck("na", "student_achievements", "1") in last_markup_data(sent)
    await harness.press(user, ck("na", "student_achievements", "1"))
    async with harness.app.sessions() as session:
        mark = await session.scalar(select(ItemMark).where(ItemMark.user_id == 140,
                                                           ItemMark.item_id == "student_achievements"))
    assert mark is not None and mark.not_applicable


async def test_app4_item_8_6_a_subject_teacher_still_brings_students_achievements(harness: Harness) -> None:
    from scoring.documents import BY_ID

    user = harness.user(141)
    await make_teacher(harness, 141, "ru", teaching_post="subject")
    board = texts(await harness.text(user, "/checklist"))[0]
    assert ru(harness, "Progress: {done} of {total} required documents", done=1, total=9) in board
    sent = await harness.press(user, ck("open", "student_achievements"))
    card = texts(sent)[-1]
    assert ru(harness, BY_ID["student_achievements"].why) in card and ru(harness, "Required.") in card
    assert ck("na", "student_achievements", "1") not in last_markup_data(sent)
    assert alerts(await harness.press(user, ck("na", "student_achievements", "1"))) == [
        ru(harness, "This document is required: it cannot be marked not applicable.")]


async def observation_card(h: Harness, user_id: int, **profile: object) -> str:
    await make_teacher(h, user_id, "ru", **profile)
    await h.text(h.user(user_id), "/checklist")
    return texts(await h.press(h.user(user_id), ck("open", "observation_sheets")))[-1]


async def test_app8_criterion_1_2_a_teachers_card_asks_for_the_rule_sets_number_of_sheets(harness: Harness) -> None:
    card = await observation_card(harness, 150)
    assert ru(harness, "Sheets of your lessons observed in the last academic year (App 9), at least {count}: "
                       "criterion 1.2 takes their mean (App 8); not for ПМПК teachers (egov item 11).", count=5) in card
    assert ru(harness, "Required.") in card


@pytest.mark.parametrize(("claimed", "count"), [("moderator", 4), ("expert", 5), ("researcher", 6), ("master", 7)])
async def test_app8_sheet_2_criterion_1_1_a_methodists_card_asks_for_4_5_6_7_sheets(
        harness: Harness, claimed: str, count: int) -> None:
    card = await observation_card(harness, 151, role="methodist", teaching_post=None, claimed_category=claimed)
    label = ru(harness, next(c.label for c in Category if c.value == claimed))
    assert ru(harness, "Observation sheets with your feedback on the lessons you observed in the last academic "
                       "year: {count} for {claimed} (App 8, sheet 2, criterion 1.1).", count=count,
                       claimed=label) in card
    assert ru(harness, "Required.") in card


async def test_app11_app4_item_8_a_heads_observation_sheets_are_only_if_any(harness: Harness) -> None:
    """App 11 scores no observation and App 4 item 8 does not list the sheets (the pilot's reading,
    `interpretations.leader_observation_sheets`): a head's card says so and nothing blocks on them."""
    card = await observation_card(harness, 152, role="head", teaching_post=None, current_category=None,
                                  claimed_category="head_3")
    assert ru(harness, "Sheets of observed lessons (App 9), if you have them: the leaders' scoring sheets (App 11) do "
                       "not score them and the pilot's list (App 4 item 8) does not ask for them.") in card
    assert ru(harness, "Only if you have it.") in card


async def stored_keys(h: Harness, user_id: int) -> list[str]:
    return await h.app.file_store.keys_of(user_id)


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_an_upload_is_kept_in_the_file_store(harness: Harness, locale: str) -> None:
    from storage.file_models import StoredFile
    from tests.storage.sample_files import pdf as real_pdf

    user = harness.user(120)
    await make_teacher(harness, 120, locale)
    await harness.press(user, ck("open", "courses"))
    harness.session.files["F-kept"] = content = real_pdf()
    await harness.send(user, document=pdf("kept", "courses.pdf"))
    [row] = await files_of(harness, 120, "courses")
    async with harness.app.sessions() as session:
        stored = await session.get(StoredFile, row.stored_file_id)
    assert stored is not None and stored.owner_user_id == 120 and stored.detected_type == "pdf"
    assert await harness.app.file_store.get(stored.store_key) == content


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_a_renamed_program_is_refused_and_nothing_kept(harness: Harness, locale: str) -> None:
    from storage.files.detection import NOT_ALLOWED

    user = harness.user(121)
    await make_teacher(harness, 121, locale)
    await harness.press(user, ck("open", "courses"))
    harness.session.files["F-exe"] = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120  # a Windows program
    sent = await harness.send(user, document=pdf("exe", "diploma.pdf"))
    assert texts(sent) == [harness.app.i18n.gettext(NOT_ALLOWED, locale=locale)]
    assert texts(sent)[0] != NOT_ALLOWED  # translated
    assert await files_of(harness, 121) == [] and await stored_keys(harness, 121) == []


async def test_a_local_bot_api_server_takes_files_over_20_mb(harness: Harness) -> None:
    harness.app.settings.bot_api_url = "http://telegram-bot-api:8081"
    user = harness.user(122)
    await make_teacher(harness, 122)
    await harness.press(user, ck("open", "courses"))
    await harness.send(user, document=pdf("large", "large.pdf", size=300 * 1024 * 1024))
    assert [f.file_unique_id for f in await files_of(harness, 122, "courses")] == ["large"]
    assert len(await stored_keys(harness, 122)) == 1
