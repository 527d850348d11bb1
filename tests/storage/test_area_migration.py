"""Migration 0012: typed districts become KATO codes with the bot's own matcher; what matches none is
left for the teacher to choose again and for the admin to fix (and the downgrade gives the names back)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from storage.migrate import alembic_config, upgrade_sync

BEFORE = ("0002_checklist", "0004_commission")  # the migrations 0012 builds on
PROFILES = {
    1: ("karaganda", "Қарағанды"),  # the reproduced case: the Kazakh name…
    2: ("karaganda", "г. Караганда"),  # …and the Russian one with an affix: both the city of Karaganda
    3: ("karaganda", "Осакаровский р-н"),
    4: ("karaganda", "пос. Ботакара, школа у дороги"),  # matches no area: asked again
    5: ("karaganda", "Карагнда"),  # a typo: only offered for confirmation, so not mapped
    6: ("astana", "Караганда"),  # another region's city: not mapped into the wrong region
    7: (None, "Темиртау"),  # no region: the whole country, one area of that name
}
COMMISSIONS = {1: ("karaganda", "Караганда"), 2: ("karaganda", "Северный округ")}


def _seed(db: Path) -> None:
    with closing(sqlite3.connect(db)) as con, con:
        for user_id, (region, district) in PROFILES.items():
            con.execute("INSERT INTO teacher_profiles (user_id, consent_at, region, district, updated_at) "
                        "VALUES (?, '2026-09-01 00:00:00', ?, ?, '2026-09-01 00:00:00')", (user_id, region, district))
        for cid, (region, district) in COMMISSIONS.items():
            con.execute("INSERT INTO commissions (id, level, name, region, district, order_number, order_date, "
                        "term_end, locale, created_by, created_at) VALUES (?, 'district', 'C', ?, ?, '1', "
                        "'2026-09-01', '2027-09-01', 'ru', 1, '2026-09-01 00:00:00')", (cid, region, district))


def test_typed_districts_become_codes_and_the_unmatched_are_left_open(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    cfg = alembic_config(f"sqlite+aiosqlite:///{db}")
    for revision in BEFORE:
        command.upgrade(cfg, revision)
    _seed(db)
    upgrade_sync(f"sqlite+aiosqlite:///{db}")
    with closing(sqlite3.connect(db)) as con:
        codes = dict(con.execute("SELECT user_id, area_code FROM teacher_profiles").fetchall())
        assert codes == {1: "351010000", 2: "351010000", 3: "355600000", 4: None, 5: None, 6: None,
                         7: "352410000"}
        assert "district" not in {row[1] for row in con.execute("PRAGMA table_info(teacher_profiles)")}
        commissions = {row[0]: row[1:] for row in con.execute(
            "SELECT id, area_code, legacy_area, area_reported_at FROM commissions")}
        # Mapped: the code, no typed text. Unmapped: the typed text kept for the admin's notice.
        assert commissions == {1: ("351010000", None, None), 2: (None, "Северный округ", None)}

    command.downgrade(cfg, "0004_commission")
    with closing(sqlite3.connect(db)) as con:
        back = dict(con.execute("SELECT user_id, district FROM teacher_profiles").fetchall())
        assert back[1] == back[2] == "Караганда" and back[3] == "Осакаровский район" and back[4] is None
        assert dict(con.execute("SELECT id, district FROM commissions").fetchall()) == {
            1: "Караганда", 2: "Северный округ"}
