"""Personal data through the real Dispatcher: /delete_me says what is kept, why and until when, in the
person's language; the database files keep nothing of an erased person; the consent says where data live;
no log line carries an IIN."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, text

from bot.i18n import create_i18n
from bot.settings import Settings
from features.privacy.callbacks import DeleteMeCallback
from features.profile.views import where_data_live
from scoring import retention
from storage.checklist_models import Essay, UploadedFile
from storage.commission_models import (
    AgendaItem,
    Commission,
    CommissionDecision,
    CommissionMember,
    CommissionSession,
    GeneratedDocument,
)
from storage.profile_models import TeacherProfile, User
from tests.conftest import Harness, texts
from tests.handlers.attestation_helpers import make_teacher
from tests.handlers.test_onboarding import start_and_consent

I18N = create_i18n("kk")
NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
NAME = "Қуанышбекова Жадыра Ерланқызы"
IIN = "920704431789"


def tr(message: str, locale: str, **params: object) -> str:
    out = I18N.gettext(message, locale=locale)
    return out.format(**params) if params else out


async def seed_decision(h: Harness, teacher: int, session_status: str = "closed") -> None:
    """The teacher was decided on in session No. 1 of a district commission, held on 10.12.2025."""
    async with h.app.sessions() as s:
        s.add(Commission(id=1, level="district", name="Commission K", region="karaganda",
                         order_number="1", order_date=date(2025, 9, 1), term_end=date(2026, 9, 1), locale="ru",
                         secretary_user_id=900, secretary_name="Secretary", created_by=1))
        await s.flush()
        s.add(CommissionSession(id=1, commission_id=1, number=1, session_date=date(2025, 12, 10),
                                status=session_status, created_by=900, created_at=NOW, version=0))
        await s.flush()
        s.add(AgendaItem(id=1, session_id=1, application_id=1, user_id=teacher, position=1, status="closed",
                         full_name="Ахметова Айгуль", role="teacher", claimed_category="expert", version=0))
        await s.flush()
        s.add(CommissionDecision(candidate_id=1, decision="claimed", assigned_category="expert", outcome="decided",
                                 counts={}, decided_at=NOW, decided_on=date(2025, 12, 10),
                                 extract_due=date(2025, 12, 15), certificate_number="1-2025-0001",
                                 valid_until=date(2030, 12, 10)))
        s.add(GeneratedDocument(commission_id=1, session_id=1, kind="protocol", fmt="pdf", locale="ru",
                                filename="protocol.pdf", content=b"%PDF", created_at=NOW))
        await s.commit()


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_delete_me_says_what_is_kept_why_and_until_when(harness: Harness, locale: str) -> None:
    await make_teacher(harness, 501, locale=locale)
    await seed_decision(harness, 501)
    user = harness.user(501)
    decision = retention.KEPT[retention.KeptRecord.DECISION]
    until = tr(retention.KEPT_UNTIL, locale, date="10.12.2030", years=5)
    prompt = "\n".join(texts(await harness.text(user, "/delete_me")))
    assert tr(decision.what, locale) in prompt and tr(decision.why, locale) in prompt and until in prompt
    done = "\n".join(texts(await harness.press(user, DeleteMeCallback(confirm=True).pack())))
    assert tr("Your consent is withdrawn and your personal data is erased.", locale) in done
    assert tr(decision.what, locale) in done and until in done
    assert tr(retention.KEPT[retention.KeptRecord.COMMISSION_WORK].what, locale) not in done
    async with harness.app.sessions() as s:
        assert await s.get(TeacherProfile, 501) is None and await s.get(User, 501) is None
        item = await s.get(AgendaItem, 1)
        assert item is not None and item.user_id is None


async def test_nothing_is_kept_of_a_teacher_without_a_decision(harness: Harness) -> None:
    await make_teacher(harness, 502, locale="ru")
    user = harness.user(502)
    prompt = "\n".join(texts(await harness.text(user, "/delete_me")))
    assert tr("Kept, because a commission must keep the records of its decisions; they no longer point to your "
              "Telegram account:", "ru") not in prompt
    done = texts(await harness.press(user, DeleteMeCallback(confirm=True).pack()))
    assert done == [tr("Your consent is withdrawn and your personal data is erased.", "ru") + "\n\n" + tr(
        "The messages of this chat and the files you sent stay in Telegram until you delete the chat. Send /start "
        "to begin again.", "ru")]


async def test_a_member_without_a_profile_is_erased_too(harness: Harness) -> None:
    await seed_decision(harness, 503)
    async with harness.app.sessions() as s:
        s.add(User(id=504, locale="ru", is_active=True))
        s.add(CommissionMember(commission_id=1, user_id=504, full_name="Member Typed-Name", role="ngo",
                               joined_at=NOW))
        await s.commit()
    user = harness.user(504)
    prompt = "\n".join(texts(await harness.text(user, "/delete_me")))
    assert tr(retention.KEPT[retention.KeptRecord.COMMISSION_WORK].what, "ru") in prompt
    await harness.press(user, DeleteMeCallback(confirm=True).pack())
    async with harness.app.sessions() as s:
        assert await s.scalar(text("SELECT count(*) FROM commission_members WHERE user_id = 504")) == 0


async def test_a_session_in_progress_makes_the_erasure_wait(harness: Harness) -> None:
    await seed_decision(harness, 505, session_status="voting")
    async with harness.app.sessions() as s:
        s.add(User(id=506, locale="kk", is_active=True))
        s.add(CommissionMember(commission_id=1, user_id=506, full_name="Member", role="ngo", joined_at=NOW))
        await s.commit()
    await make_teacher(harness, 506, locale="kk")
    wait = tr(retention.WAIT_FOR_SESSION, "kk", number=1, name="Commission K")
    assert texts(await harness.text(harness.user(506), "/delete_me")) == [wait]
    # A confirmation button kept from before the session opened is refused the same way.
    assert texts(await harness.press(harness.user(506), DeleteMeCallback(confirm=True).pack())) == [wait]
    async with harness.app.sessions() as s:
        assert await s.get(TeacherProfile, 506) is not None


async def test_no_on_an_old_consent_message_points_to_delete_me(harness: Harness) -> None:
    """Declining after having agreed would erase without saying what is kept: /delete_me does that."""
    from features.profile.callbacks import ConsentCallback

    await make_teacher(harness, 507, locale="ru")
    sent = await harness.press(harness.user(507), ConsentCallback(agree=False).pack())
    assert texts(sent) == [tr("Your consent is recorded. To withdraw it and erase your data, send /delete_me.", "ru")]
    async with harness.app.sessions() as s:
        assert await s.get(TeacherProfile, 507) is not None


# --- the database files ------------------------------------------------------------------------------


def database_files(settings: Settings) -> dict[str, bytes]:
    db = Path(settings.database_url.split("///", 1)[1])
    return {p.name: p.read_bytes() for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
            if p.exists()}


def occurrences(files: dict[str, bytes], value: str) -> list[str]:
    # SQLite keeps text as UTF-8; JSON columns (FSM data, outbox payloads) escape what is not ASCII.
    forms = {value.encode(), json.dumps(value)[1:-1].encode()}
    return [name for name, data in files.items() if any(form in data for form in forms)]


OTHER = {"name": "Серікбаева Дана Маратқызы", "iin": "861120350007", "email": "dana.s@example.kz",
         "phone": "+77017770022", "file": "other-file"}
PERSON = {"name": NAME, "iin": IIN, "email": "zhadyra.k@example.kz", "phone": "+77015550011", "file": "person-file"}


async def onboard_and_fill(h: Harness, user_id: int, who: dict[str, str]) -> None:
    """A teacher who typed their name and IIN, then left an essay and a file: their data in many pages."""
    user = h.user(user_id)
    await start_and_consent(h, user)
    await h.text(user, who["name"])
    await h.text(user, who["iin"])
    async with h.app.sessions() as s:
        profile = await s.get(TeacherProfile, user_id)
        assert profile is not None and profile.iin == who["iin"]  # typed, through the real onboarding
        profile.email, profile.phone = who["email"], who["phone"]
        s.add(UploadedFile(user_id=user_id, item_id="courses", file_id=f"F-{who['file']}", file_unique_id=who["file"],
                           file_name="courses.pdf", kind="document", uploaded_at=NOW))
        s.add(Essay(user_id=user_id, text=f"{who['name']}. " + "сөз " * 270, words=272, source="text",
                    updated_at=NOW))
        await s.commit()


def traces(who: dict[str, str]) -> tuple[str, ...]:
    return who["name"], who["iin"], who["email"], who["phone"], f"F-{who['file']}"


async def sqlite_built_without_secure_delete(h: Harness) -> None:
    """Some SQLite builds zero deleted content by default (Debian's), most do not: make this one not, so
    that what the bot sets itself is what is tested."""

    def off(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA secure_delete=OFF")

    await h.app.engine.dispose()
    event.listen(h.app.engine.sync_engine, "connect", off, insert=True)


async def test_an_erased_iin_and_name_are_nowhere_in_the_database_files(harness: Harness,
                                                                        settings: Settings) -> None:
    await sqlite_built_without_secure_delete(harness)
    await onboard_and_fill(harness, 510, PERSON)
    await onboard_and_fill(harness, 511, OTHER)  # someone else, who stays
    assert occurrences(database_files(settings), IIN)  # the test looks where the data are
    await harness.text(harness.user(510), "/delete_me")
    await harness.press(harness.user(510), DeleteMeCallback(confirm=True).pack())
    files = database_files(settings)
    assert set(files) == {"bot.db", "bot.db-wal", "bot.db-shm"}  # the WAL now holds only what came after
    for value in traces(PERSON):
        assert occurrences(files, value) == [], value
    assert [v for v in traces(OTHER) if not occurrences(files, v)] == []  # the other teacher's data are all there


async def test_without_emptying_the_wal_the_erased_iin_is_still_in_the_files(
        harness: Harness, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the erasure checkpoints: SQLite's WAL keeps the pages as they were before the delete."""

    async def keep_the_wal(_session: object) -> bool:
        return True

    monkeypatch.setattr("features.privacy.service.empty_wal", keep_the_wal)
    await onboard_and_fill(harness, 512, PERSON)
    await harness.text(harness.user(512), "/delete_me")
    await harness.press(harness.user(512), DeleteMeCallback(confirm=True).pack())
    assert occurrences(database_files(settings), IIN) == ["bot.db-wal"]


async def test_deleted_content_is_zeroed(harness: Harness) -> None:
    await sqlite_built_without_secure_delete(harness)
    async with harness.app.sessions() as s:
        assert (await s.execute(text("PRAGMA secure_delete"))).scalar() == 1


# --- the consent ---------------------------------------------------------------------------------------


# What the consent says of Telegram, and the claim it made before, which Telegram's own servers contradict.
TELEGRAM_STATEMENT = {
    "kk": (("Telegram жеткізеді", "өз серверлерінде сақтайды", "Қазақстан Республикасынан тыс"),
           "шекарасынан тыс берілмейді"),
    "ru": (("передаёт Telegram", "хранит их на своих серверах", "за пределами Республики Казахстан"),
           "не передаются за пределы"),
}


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_consent_names_the_operator_and_telegram(harness: Harness, settings: Settings, locale: str) -> None:
    settings.data_operator = "Қарағанды облысының білім басқармасы"
    settings.data_location = "Қарағанды қаласы"
    user = harness.user(520 if locale == "kk" else 521)
    await harness.text(user, "/start")
    from features.profile.callbacks import LanguageCallback

    consent = "\n".join(texts(await harness.press(user, LanguageCallback(code=locale).pack())))
    assert "Қарағанды облысының білім басқармасы" in consent and "Қарағанды қаласы" in consent
    says, never = TELEGRAM_STATEMENT[locale]
    assert all(phrase in consent for phrase in says) and never not in consent


def test_without_an_operator_the_consent_does_not_invent_one(settings: Settings) -> None:
    with I18N.context(), I18N.use_locale("ru"):
        where = where_data_live(settings)
    assert where == tr("Your answers, essay and self-assessment are kept in the bot's database, run by {operator} "
                       "on its server.", "ru", operator=tr("the organisation that runs this bot", "ru"))


# --- logs ------------------------------------------------------------------------------------------------


async def test_a_failing_statement_logs_no_iin(harness: Harness, caplog: pytest.LogCaptureFixture,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The IIN typed in onboarding reaches a statement that fails (a duplicate key): the update pipeline logs
    the error with its traceback at ERROR, SQLAlchemy echoes its statements at DEBUG; no line has the IIN."""
    from storage.profile_repository import ProfileRepository

    async def failing(self: ProfileRepository, profile: TeacherProfile, field: str, value: object) -> None:
        await self.session.execute(insert(TeacherProfile).values(user_id=profile.user_id, consent_at=NOW,
                                                                 full_name=NAME, iin=value))

    user = harness.user(530)
    await start_and_consent(harness, user)
    await harness.text(user, NAME)
    monkeypatch.setattr(ProfileRepository, "set_field", failing)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    await harness.text(user, IIN)
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert failed and "IntegrityError" in caplog.text  # the error and its traceback were logged
    assert any("INSERT INTO teacher_profiles" in r.getMessage() for r in caplog.records
               if r.name.startswith("sqlalchemy.engine"))  # and the statement's own echo
    assert IIN not in caplog.text and NAME not in caplog.text


async def test_delete_me_empties_the_file_store_of_her(harness: Harness) -> None:
    from features.checklist.callbacks import ChecklistAct, ChecklistCallback
    from tests.handlers.attestation_helpers import pdf

    user, other = harness.user(520), harness.user(521)
    for teacher in (520, 521):
        await make_teacher(harness, teacher)
    for person, unique in ((user, "hers"), (other, "theirs")):
        await harness.press(person, ChecklistCallback(action=ChecklistAct.OPEN, item="courses").pack())
        await harness.send(person, document=pdf(unique))
    store = harness.app.file_store
    assert len(await store.keys_of(520)) == 1
    await harness.text(user, "/delete_me")
    await harness.press(user, DeleteMeCallback(confirm=True).pack())
    assert await store.keys_of(520) == []
    assert len(await store.keys_of(521)) == 1  # nobody else's
