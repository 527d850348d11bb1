"""The 2024 pilot rule set (Joint order No. 153/354) builds exactly the sheets the bot scored with before
rule sets were data: tests/scoring/data/pilot-sheets.json is the snapshot of the Python sheet modules."""

from __future__ import annotations

import json
from pathlib import Path

from tests.scoring.sheet_snapshot import snapshot

SNAPSHOT = Path(__file__).with_name("data") / "pilot-sheets.json"


def test_every_sheet_is_the_one_the_python_modules_built() -> None:
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    built = snapshot()
    assert built.keys() == expected.keys()
    for kind in expected:
        assert list(built[kind]) == list(expected[kind])
        for sheet_id in expected[kind]:
            assert built[kind][sheet_id] == expected[kind][sheet_id], f"{kind}.{sheet_id}"
