"""Retention of the file store: a decided application's files are kept until the category it awarded expires
(FILE_RETENTION), and the nightly job then erases them from the store and the table, logging counts only."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update

import app.scheduler as scheduler_module
from app.scheduler import FILES_JOB_ID, start_scheduler
from storage.checklist_models import Application, Essay, UploadedFile
from storage.commission_models import CommissionDecision
from storage.file_models import StoredFile
from storage.files.retention import FileRetention
from storage.files.service import FileStoreService, erase_expired_files
from tests.conftest import Harness
from tests.handlers.commission_helpers import MEMBERS, SECRETARY, TEACHERS, cast_votes, cm, voting_session
from tests.handlers.test_reminders import service
from tests.storage import sample_files

NAME = "Teacher 301"  # TEACHERS[0] as teacher_with_application names her


async def uploads(h: Harness, teacher: int) -> dict[str, int]:
    """Her checklist: two files submitted with her application, one added since; a .docx essay. Their
    stored_files ids by what they are."""
    ids = {}
    async with h.app.sessions() as s:
        kept = FileStoreService(s, h.app.file_store)
        for name, data in (("diploma", sample_files.pdf()), ("scan", sample_files.jpeg()),
                           ("added", sample_files.png()), ("essay", sample_files.word())):
            ids[name] = (await kept.store_upload(teacher, data)).id
        for name in ("diploma", "scan", "added"):
            s.add(UploadedFile(user_id=teacher, item_id="courses", file_id=f"F-{name}", file_unique_id=name,
                               kind="document", uploaded_at=datetime.now(UTC), stored_file_id=ids[name]))
        s.add(Essay(user_id=teacher, text="…", words=1, source="docx", updated_at=datetime.now(UTC),
                    stored_file_id=ids["essay"]))
        await s.execute(update(Application).where(Application.user_id == teacher).values(
            snapshot={"files": {"courses": ["F-diploma", "F-scan"]}}))
        await s.commit()
    return ids


async def keep_until(h: Harness) -> dict[int, datetime | None]:
    async with h.app.sessions() as s:
        return {f.id: f.keep_until for f in await s.scalars(select(StoredFile))}


async def decide(h: Harness) -> tuple[CommissionDecision, dict[str, int]]:
    """Her files uploaded, then her application decided: she is awarded the category she claimed."""
    sid, items = await voting_session(h)
    ids = await uploads(h, TEACHERS[0])
    await h.press(h.user(SECRETARY), cm("item", sid, str(items[0])))
    await cast_votes(h, sid, items[0], MEMBERS[:6])  # all six: matches the claimed category (expert)
    await h.press(h.user(SECRETARY), cm("iclose", sid, str(items[0])))
    async with h.app.sessions() as s:
        decision = await s.scalar(select(CommissionDecision).where(CommissionDecision.candidate_id == items[0]))
    assert decision is not None and decision.valid_until is not None
    return decision, ids


async def test_deciding_keeps_her_application_files_until_the_category_expires(harness: Harness) -> None:
    assert set((await keep_until(harness)).values()) <= {None}
    decision, ids = await decide(harness)
    assert decision.valid_until is not None
    end = datetime.combine(decision.valid_until + timedelta(days=1), time())  # through its last day (naive UTC)
    kept = await keep_until(harness)
    assert {name: kept[i] for name, i in ids.items()} == {
        "diploma": end, "scan": end, "essay": end,
        "added": None,  # not part of the decided application: still hers to submit
    }
    # The day after, the retention job erases exactly those, from the store and from the table.
    assert await erase_expired_files(harness.app.sessions, harness.app.file_store,
                                     clock=lambda: end.replace(tzinfo=UTC) + timedelta(hours=1)) == 3
    assert set(await keep_until(harness)) == {ids["added"]}
    assert len(await harness.app.file_store.keys_of(TEACHERS[0])) == 1


def test_the_retention_setting_reads_validity_or_days_and_a_decision_without_a_category() -> None:
    decided, valid = date(2026, 5, 20), date(2031, 5, 20)
    assert FileRetention().keep_until(decided, valid) == datetime(2031, 5, 21, tzinfo=UTC)
    assert FileRetention(without_category_days=90).keep_until(decided, None) == datetime(2026, 8, 19, tzinfo=UTC)
    assert FileRetention(30).keep_until(decided, valid) == datetime(2026, 6, 20, tzinfo=UTC)


async def test_a_file_of_an_owner_with_an_application_under_way_waits(harness: Harness) -> None:
    """Past its date, but her new application (a draft) may list it again: it stays until that one is decided."""
    _decision, ids = await decide(harness)
    async with harness.app.sessions() as s:
        await s.execute(update(StoredFile).values(keep_until=datetime(2020, 1, 1, tzinfo=UTC)))
        await s.execute(update(Application).where(Application.user_id == TEACHERS[0]).values(status="draft"))
        await s.commit()
    assert await erase_expired_files(harness.app.sessions, harness.app.file_store) == 0
    assert set(await keep_until(harness)) == set(ids.values())


async def test_a_dossier_copy_goes_after_its_day_even_while_her_application_is_under_way(harness: Harness) -> None:
    """Only her checklist's and essay's files wait for the application; a prepared dossier is not one of them."""
    _decision, ids = await decide(harness)
    async with harness.app.sessions() as s:
        dossier = await FileStoreService(s, harness.app.file_store).store_upload(
            TEACHERS[0], sample_files.pdf() + b"% a dossier of hers\n")
        await s.execute(update(StoredFile).values(keep_until=datetime(2020, 1, 1, tzinfo=UTC)))
        await s.execute(update(Application).where(Application.user_id == TEACHERS[0]).values(status="draft"))
        await s.commit()
    assert dossier.id not in ids.values()
    assert await erase_expired_files(harness.app.sessions, harness.app.file_store) == 1
    assert set(await keep_until(harness)) == set(ids.values())


async def test_the_nightly_job_erases_expired_files_and_logs_only_counts(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    _decision, ids = await decide(harness)
    async with harness.app.sessions() as s:
        await s.execute(update(StoredFile).where(StoredFile.id.in_([ids["diploma"], ids["essay"]]))
                        .values(keep_until=datetime(2020, 1, 1, tzinfo=UTC)))
        await s.commit()
    scheduler = start_scheduler(service(harness), harness.app.settings, file_store=harness.app.file_store)
    try:
        job = scheduler.get_job(FILES_JOB_ID)
        assert job is not None and (job.next_run_time.hour, job.next_run_time.minute) == (3, 30)
        caplog.set_level(logging.INFO)
        caplog.clear()
        assert await scheduler_module.erase_expired() == 2
    finally:
        scheduler.shutdown(wait=False)
    assert set(await keep_until(harness)) == {ids["scan"], ids["added"]}  # the others are left
    assert len(await harness.app.file_store.keys_of(TEACHERS[0])) == 2
    assert "erased 2 stored files past their retention date" in caplog.text
    assert NAME not in caplog.text and str(TEACHERS[0]) not in caplog.text
