"""/export: an administrator gets the year's applications as XLSX (one sheet per region and a summary with the
/stats figures and charts) and the same rows as CSV, written in the background with a progress message; a
failure is told; others are refused."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import threading
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendDocument, SendMessage, TelegramMethod
from aiogram.types import FSInputFile
from openpyxl import load_workbook

from features.export import task, views
from features.export.service import ExportService
from features.export.task import exports
from features.export.workbook import sheet_titles
from features.stats.service import StatsService
from scoring.regions import REGIONS_BY_ID
from scoring.sheets.evaluate import evaluate_answers
from storage.checklist_models import Application, ApplicationStatus
from storage.commission_models import (
    AgendaItem,
    ApplicationReview,
    Commission,
    CommissionDecision,
    CommissionSession,
    ReviewStatus,
)
from storage.profile_models import TeacherProfile
from storage.scoring_models import SelfAssessment
from tests.conftest import Harness, last_markup_data, texts
from tests.handlers.attestation_helpers import at, make_teacher

ADMIN = 1
NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
SUBMITTED = datetime(2026, 10, 5, 19, 30, tzinfo=UTC)  # 00:30 on 6 October in Almaty: the local day counts
KARAGANDA, TEMIRTAU = "351010000", "352410000"
ANSWERS: dict[str, Any] = {"claimed": "expert", "criteria": {
    "2.1": {"level": "region"}, "2.2": {"level": "district"}, "1.2": {"observations": [72, 75, 70, 74, 71]}}}
ALMATY, KARAGANDA_REGION = REGIONS_BY_ID["almaty_city"].label, REGIONS_BY_ID["karaganda"].label
FORMULA_ORG = '=HYPERLINK("http://x","School")'


def tr_for(h: Harness, locale: str) -> Any:
    return lambda msgid: h.app.i18n.gettext(msgid, locale=locale)


async def seed(h: Harness) -> None:
    """Five applications of 2026/27 in three regions at every stage, a draft never submitted and one of
    the year before (neither exported)."""
    await make_teacher(h, 201, "ru", region="karaganda", area_code=KARAGANDA)
    await make_teacher(h, 202, "ru", region="karaganda", area_code=TEMIRTAU, org_name=FORMULA_ORG,
                       role="deputy", teaching_post=None, org_type="general_secondary")
    await make_teacher(h, 203, "kk", region="almaty_city", area_code=None, org_name="Гимназия № 12")
    await make_teacher(h, 204, "ru", region="almaty_city", area_code=None)
    await make_teacher(h, 205, "ru", region=None, area_code=None)
    await make_teacher(h, 206, "ru")
    await make_teacher(h, 207, "ru")
    async with h.app.sessions() as s:
        s.add(SelfAssessment(user_id=201, sheet_id="teacher", answers=ANSWERS, observations=[], updated_at=NOW))
        commission = Commission(name="Комиссия Карагандинской области", level="region", region="karaganda",
                                locale="ru", order_number="1", order_date=date(2026, 9, 1), term_end=date(2027, 9, 1),
                                created_by=ADMIN)
        s.add(commission)
        await s.flush()
        apps: dict[int, Application] = {}
        for uid, status in ((201, ApplicationStatus.SUBMITTED), (202, ApplicationStatus.UNDER_REVIEW),
                            (203, ApplicationStatus.DECIDED), (204, ApplicationStatus.WITHDRAWN),
                            (205, ApplicationStatus.DRAFT), (206, ApplicationStatus.DRAFT),
                            (207, ApplicationStatus.DECIDED)):
            app = Application(user_id=uid, academic_year=2025 if uid == 207 else 2026, status=status.value,
                              created_at=SUBMITTED, submitted_at=None if uid == 206 else SUBMITTED,
                              registered_on=date(2026, 10, 6), claimed_category="expert", number=f"N-{uid}",
                              withdrawn_at=NOW if uid == 204 else None)
            s.add(app)
            await s.flush()
            apps[uid] = app
        for uid, review in ((202, ReviewStatus.ACCEPTED), (203, ReviewStatus.DECIDED), (205, ReviewStatus.REFUSED)):
            s.add(ApplicationReview(application_id=apps[uid].id, commission_id=commission.id, user_id=uid,
                                    status=review.value, routed_at=SUBMITTED, routed_on=date(2026, 10, 6),
                                    acted_at=datetime(2026, 10, 7, 5, 0, tzinfo=UTC), acted_by=900))
        session = CommissionSession(commission_id=commission.id, number=1, session_date=date(2026, 11, 20),
                                    status="closed", created_by=900, created_at=NOW, version=0)
        s.add(session)
        await s.flush()
        item = AgendaItem(session_id=session.id, application_id=apps[203].id, user_id=203, position=1,
                          status="closed", full_name="Ахметова Айгуль", role="teacher", claimed_category="expert",
                          version=0)
        s.add(item)
        await s.flush()
        s.add(CommissionDecision(candidate_id=item.id, decision="claimed", assigned_category="expert",
                                 outcome="decided", counts={}, decided_at=NOW, decided_on=date(2026, 11, 20),
                                 extract_due=date(2026, 11, 25)))
        await s.commit()


class Exported:
    """What the background export sent: its requests and the files' bytes (read before the temp file goes)."""

    def __init__(self, h: Harness):
        self.h = h
        self.files: dict[str, bytes] = {}
        h.session.on_request = self._keep

    async def _keep(self, method: TelegramMethod[Any]) -> None:
        if isinstance(method, SendDocument) and isinstance(method.document, FSInputFile):
            assert method.document.filename is not None
            self.files[method.document.filename] = Path(method.document.path).read_bytes()

    async def run(self, feed: Any) -> tuple[list[TelegramMethod[Any]], list[TelegramMethod[Any]]]:
        """The update's own requests, then what the export sent once it had finished."""
        before = len(self.h.session.requests)
        own = await feed
        await exports.wait()
        return own, self.h.session.requests[before + len(own):]


def rows_of(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def admin_harness(harness: Harness) -> Harness:
    harness.app.dispatcher["clock"] = at(NOW)
    return harness


async def test_an_admin_gets_the_workbook_then_the_same_rows_as_csv(admin_harness: Harness) -> None:
    h = admin_harness
    await seed(h)
    tr = tr_for(h, "ru")

    def up(msgid: str) -> str:
        return first_upper(tr(msgid))

    exported = Exported(h)
    own, sent = await exported.run(h.text(h.user(ADMIN, "ru"), "/export"))
    assert own == []  # the command only starts it: everything comes from the export itself
    progress = [r for r in sent if isinstance(r, SendMessage)]
    assert [m.text for m in progress] == [tr("⏳ Preparing the export: {done} of {total} applications…").format(
        done=0, total=5)]
    assert [type(r) for r in sent] == [SendMessage, SendDocument, EditMessageText]
    document = sent[1]
    assert isinstance(document, SendDocument)
    assert document.caption == tr("Applications {year}/{next}: {count}. One sheet per region, and a summary with "
                                  "the /stats figures.").format(year=2026, next=2027, count=5)
    assert texts(sent)[-1] == tr("✅ The export is ready: {count} applications.").format(count=5)

    book = load_workbook(io.BytesIO(exported.files["applications-2026-2027.xlsx"]))
    summary, almaty, karaganda, nowhere = tr("Summary"), tr(ALMATY), tr(KARAGANDA_REGION), tr("region not given")
    assert book.sheetnames == [summary, almaty, karaganda, nowhere]  # regions in the Russian alphabet, none last
    header = [tr(t) for t in ("Application No.", "Region", "District", "Organisation", "Position", "Post",
                              "Claimed category", "Stage", "Self-assessment total", "Commission", "Decision",
                              "Category assigned", "Submitted", "Registered", "Accepted or refused by the secretary",
                              "Decided", "Withdrawn")]
    for title in (almaty, karaganda, nowhere):
        assert rows_of(book[title])[0] == header
        assert book[title].freeze_panes == "A2"

    expected_total = round(float(evaluate_answers(h.app.rule_book.builtin.sheets["teacher"], ANSWERS).total), 2)
    day = datetime(2026, 10, 6)  # submitted at 00:30 local time on 6 October
    accepted = datetime(2026, 10, 7)
    by_number = {row[0]: row for title in (almaty, karaganda, nowhere) for row in rows_of(book[title])[1:]}
    assert set(by_number) == {"N-201", "N-202", "N-203", "N-204", "N-205"}
    assert by_number["N-201"] == [
        "N-201", tr(KARAGANDA_REGION), "Караганда", "School-lyceum No. 7", up("teacher"),
        up("subject teacher, educator or instructor"), up("pedagogue-expert"), up("application submitted"),
        expected_total, None, None, None, day, day, None, None, None]
    assert by_number["N-202"][1:9] == [tr(KARAGANDA_REGION), "Темиртау", FORMULA_ORG, up("deputy head"), None,
                                       up("pedagogue-expert"), up("accepted by a commission"), None]
    assert by_number["N-202"][9] == "Комиссия Карагандинской области" and by_number["N-202"][14] == accepted
    assert by_number["N-203"][7:16] == [
        up("decided by a commission"), None, "Комиссия Карагандинской области",
        up("matches the claimed category"), up("pedagogue-expert"), day, day, accepted, datetime(2026, 11, 20)]
    assert by_number["N-204"][7] == up("withdrawn") and by_number["N-204"][16] == datetime(2026, 11, 25)
    assert by_number["N-205"][1] == tr("region not given")
    assert by_number["N-205"][7] == up("refused by the secretary (back to a draft)")
    # Days are real dates shown as the bot writes them; the typed "=…" stayed text, not a formula.
    assert book[karaganda]["M2"].is_date and book[karaganda]["M2"].number_format == "DD.MM.YYYY"
    org = next(c for c in book[karaganda]["D"] if c.value == FORMULA_ORG)
    assert org.data_type == "s"
    # No name, IIN, phone or e-mail anywhere in the workbook.
    everything = repr([rows_of(book[t]) for t in book.sheetnames])
    assert "Ахметова" not in everything and "teacher@mail.kz" not in everything and "+7701" not in everything

    await assert_summary_is_the_stats_report(h, book[summary], tr)
    assert_native_charts(exported.files["applications-2026-2027.xlsx"])

    # The button under the workbook: the same rows as CSV (UTF-8 with a BOM, semicolons).
    button = last_markup_data(sent)
    assert len(button) == 1
    own, sent = await exported.run(h.press(h.user(ADMIN, "ru"), button[0]))
    data = exported.files["applications-2026-2027.csv"]
    assert data.startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == header
    assert {line[0]: line for line in lines[1:]} == {number: as_csv(row) for number, row in by_number.items()}
    assert next(line for line in lines if line[0] == "N-202")[3] == "'" + FORMULA_ORG  # never run as a formula


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def as_csv(row: list[Any]) -> list[str]:
    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, float):
            return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        return "'" + value if value.startswith("=") else value
    return [cell(v) for v in row]


async def assert_summary_is_the_stats_report(h: Harness, sheet: Any, tr: Any) -> None:
    async with h.app.sessions() as session:
        report = await StatsService(session, h.app.rule_book.in_force(NOW, "Asia/Almaty")).report(NOW)
    rows = rows_of(sheet)
    assert rows[0][0] == tr("📊 Attestation {year}/{next}, as of {today}").format(year=2026, next=2027,
                                                                                today="25.11.2026")
    by_label = {row[0]: tuple(row[1:3]) for row in rows if row and isinstance(row[0], str)}
    for stage in report.stages:
        assert by_label[first_upper(tr(stage.label))] == (stage.count, report.share(stage.count))
    assert by_label[first_upper(tr("refused by a commission"))][0] == report.refused == 1
    assert by_label[first_upper(tr("waiting for a secretary to accept or refuse"))][0] == report.awaiting_review
    areas_at = next(i for i, row in enumerate(rows) if row[0] == tr("By region"))
    listed = [tuple(row[0:3]) for row in rows[areas_at + 1:] if row[0] is not None]
    names = {"karaganda": tr(KARAGANDA_REGION), "almaty_city": tr(ALMATY), None: tr("region not given")}
    assert listed == [(names[a.key], a.consented, a.submitted) for a in report.areas]
    assert [tuple(row[4:7]) for row in rows[areas_at + 1:] if row[4] is not None] == listed  # 3 areas: all charted


def assert_native_charts(data: bytes) -> None:
    """Two bar charts drawn by Excel itself: the stages, and per region who agreed and who submitted."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        charts = sorted(n for n in package.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 2
        areas = package.read(charts[1]).decode()
    assert areas.count("<ser>") == 2 and 'barDir val="bar"' in areas
    assert "$F$" in areas and "$G$" in areas and "$E$" in areas  # the series and their area names


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_headers_and_texts_are_in_the_admins_language(admin_harness: Harness, locale: str) -> None:
    h = admin_harness
    await seed(h)
    exported = Exported(h)
    _own, sent = await exported.run(h.text(h.user(ADMIN, locale), "/export csv"))
    tr = tr_for(h, locale)
    assert tr("Self-assessment total") != "Self-assessment total"
    lines = list(csv.reader(io.StringIO(exported.files["applications-2026-2027.csv"].decode("utf-8-sig")),
                            delimiter=";"))
    assert lines[0][8] == tr("Self-assessment total") and len(lines) == 6
    assert isinstance(sent[1], SendDocument) and sent[1].reply_markup is None
    assert sent[1].caption == tr("Applications {year}/{next}: {count} (CSV: UTF-8, columns separated by "
                                 "semicolons).").format(year=2026, next=2027, count=5)


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_others_are_refused(admin_harness: Harness, locale: str) -> None:
    h = admin_harness
    await make_teacher(h, 300, locale)
    exported = Exported(h)
    own, sent = await exported.run(h.text(h.user(300, locale), "/export"))
    assert texts(own) == [h.app.i18n.gettext("This command is for administrators only.", locale=locale)]
    assert sent == [] and exported.files == {}
    # A forged press of the CSV button is refused too.
    own, sent = await exported.run(h.press(h.user(300, locale), "exp:csv"))
    assert not [r for r in [*own, *sent] if isinstance(r, SendDocument)]


async def test_large_exports_show_their_progress_batch_by_batch(admin_harness: Harness,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    h = admin_harness
    await seed(h)
    monkeypatch.setattr(task, "BATCH", 2)
    monkeypatch.setattr(task, "PROGRESS_SECONDS", 0.0)
    exported = Exported(h)
    _own, sent = await exported.run(h.text(h.user(ADMIN, "ru"), "/export"))
    tr = tr_for(h, "ru")
    edits = [r.text for r in sent if isinstance(r, EditMessageText)]
    assert edits == [tr("⏳ Preparing the export: {done} of {total} applications…").format(done=n, total=5)
                     for n in (2, 4, 5)] + [tr("✅ The export is ready: {count} applications.").format(count=5)]
    first = next(r for r in sent if isinstance(r, SendMessage))
    assert all(isinstance(r, EditMessageText) and r.chat_id == first.chat_id for r in sent if r not in (first,)
               and not isinstance(r, SendDocument))
    book = load_workbook(io.BytesIO(exported.files["applications-2026-2027.xlsx"]))
    assert sum(book[t].max_row - 1 for t in book.sheetnames[1:]) == 5  # every batch written once


async def test_a_failed_export_is_told_and_logs_no_personal_data(admin_harness: Harness,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    h = admin_harness
    await seed(h)

    def broken(*_args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(task, "write_rows", broken)
    exported = Exported(h)
    with caplog.at_level(logging.INFO):
        _own, sent = await exported.run(h.text(h.user(ADMIN, "ru"), "/export"))
    tr = tr_for(h, "ru")
    assert texts(sent)[-1] == tr("⚠️ The export could not be prepared, and nothing was sent. Please try /export "
                                 "again later; the error has been logged for the operator.")
    assert not [r for r in sent if isinstance(r, SendDocument)]
    assert "OSError" in caplog.text
    for personal in ("School-lyceum", "Ахметова", "N-201", "Гимназия"):
        assert personal not in caplog.text
    assert not list(Path(task.tempfile.gettempdir()).glob("export-*.xlsx"))  # the half-written file is gone


async def test_a_second_export_waits_for_the_first(admin_harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    h = admin_harness
    await seed(h)
    release = threading.Event()
    real = task.write_rows

    def slow(*args: Any) -> None:
        release.wait(10)
        real(*args)

    monkeypatch.setattr(task, "write_rows", slow)
    exported = Exported(h)
    await h.text(h.user(ADMIN, "ru"), "/export")
    assert exports.busy(ADMIN)
    second = await h.text(h.user(ADMIN, "ru"), "/export csv")
    busy = tr_for(h, "ru")("Your export is still being prepared; it will arrive here when it is ready.")
    assert busy in texts(second)
    assert not [r for r in second if isinstance(r, SendDocument)]
    release.set()
    await exports.wait()
    assert list(exported.files) == ["applications-2026-2027.xlsx"]


async def test_a_wrong_argument_is_explained(admin_harness: Harness) -> None:
    h = admin_harness
    sent = await h.text(h.user(ADMIN, "kk"), "/export pdf")
    assert texts(sent) == [tr_for(h, "kk")("Send /export for the Excel workbook, or /export csv for a CSV file.")]
    await exports.wait()


async def test_an_empty_year_still_has_its_summary(admin_harness: Harness) -> None:
    h = admin_harness
    exported = Exported(h)
    _own, sent = await exported.run(h.text(h.user(ADMIN, "ru"), "/export"))
    book = load_workbook(io.BytesIO(exported.files["applications-2026-2027.xlsx"]))
    assert book.sheetnames == [tr_for(h, "ru")("Summary")]
    assert texts(sent)[-1] == tr_for(h, "ru")("✅ The export is ready: {count} applications.").format(count=0)


def test_sheet_titles_are_valid_and_distinct() -> None:
    long = "Восточно-Казахстанская область: районы [север]"
    titles = sheet_titles([long, long.replace(":", "/"), "A*B?", "a b ", "'Quoted'", "history", "", "Итого"],
                          taken=["Итого"])
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") and not t.startswith("'") for t in titles)
    assert len({t.casefold() for t in [*titles, "итого", "history"]}) == len(titles) + 2
    assert titles[0] == "Восточно-Казахстанская область"
    assert titles[1] == "Восточно-Казахстанская обла (2)"
    assert titles[2:4] == ["A B", "a b (2)"]
    assert titles[4] == "Quoted" and titles[5] == "history (2)" and titles[6] == "—" and titles[7] == "Итого (2)"


async def test_regions_whose_names_make_the_same_title_get_their_own_sheets(admin_harness: Harness,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Two regions named alike once cut to 31 characters and cleaned of what Excel forbids: two sheets, each
    with its own region's rows."""
    h = admin_harness
    await seed(h)
    names = {"karaganda": "Регион: очень длинное название области",
             "almaty_city": "Регион/ очень длинное название области"}
    monkeypatch.setattr(views, "sheet_name_of", lambda region, tr: names.get(region or "", "—"))
    exported = Exported(h)
    await exported.run(h.text(h.user(ADMIN, "ru"), "/export"))
    book = load_workbook(io.BytesIO(exported.files["applications-2026-2027.xlsx"]))
    first, second = book.sheetnames[1:3]
    assert (first, second) == ("Регион  очень длинное название", "Регион  очень длинное назва (2)")
    assert {row[0] for row in rows_of(book[first])[1:]} == {"N-203", "N-204"}  # almaty_city sorts first
    assert {row[0] for row in rows_of(book[second])[1:]} == {"N-201", "N-202"}


async def test_the_service_reads_in_batches_by_id(admin_harness: Harness) -> None:
    h = admin_harness
    await seed(h)
    async with h.app.sessions() as session:
        service = ExportService(session, h.app.rule_book)
        plan = await service.plan(NOW)
        first = await service.batch(plan.year, 0, 3)
        rest = await service.batch(plan.year, first[-1].application_id, 3)
        assert await service.batch(plan.year, rest[-1].application_id, 3) == []
    assert plan.total == 5 and set(plan.regions) == {"karaganda", "almaty_city", None}
    assert [len(first), len(rest)] == [3, 2]
    assert [r.number for r in first + rest] == ["N-201", "N-202", "N-203", "N-204", "N-205"]
    profile_free = {field for field in first[0].__dataclass_fields__} & {"full_name", "iin", "phone", "email"}
    assert profile_free == set()


def test_the_export_reads_no_personal_column() -> None:
    """No name, IIN, phone or e-mail is even selected (the spec asks for none of them in the export)."""
    from storage.export_repository import ExportRepository

    query = str(ExportRepository._lines())
    for personal in ("full_name", "iin", "phone", "email"):
        assert f"{TeacherProfile.__tablename__}.{personal}" not in query


async def test_on_postgresql_the_same_rows(pg_harness: Harness) -> None:
    """The batches' queries, days in the deployment's zone and the JSON answers on the server a region runs."""
    h = pg_harness
    h.app.dispatcher["clock"] = at(NOW)
    await seed(h)
    exported = Exported(h)
    _own, sent = await exported.run(h.text(h.user(ADMIN, "ru"), "/export"))
    book = load_workbook(io.BytesIO(exported.files["applications-2026-2027.xlsx"]))
    rows = {row[0]: row for title in book.sheetnames[1:] for row in rows_of(book[title])[1:]}
    assert set(rows) == {"N-201", "N-202", "N-203", "N-204", "N-205"}
    expected = round(float(evaluate_answers(h.app.rule_book.builtin.sheets["teacher"], ANSWERS).total), 2)
    assert rows["N-201"][8] == expected and rows["N-201"][12] == datetime(2026, 10, 6)
    assert rows["N-203"][15] == datetime(2026, 11, 20)
    assert texts(sent)[-1] == tr_for(h, "ru")("✅ The export is ready: {count} applications.").format(count=5)
