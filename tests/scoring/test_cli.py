"""`python -m scoring` through a subprocess, the way other tools call it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))

EXAMPLE = {
    "claimed": "expert",
    "criteria": {
        "1.1": {"level": "growth_1_2"},
        "1.2": {"observations": [72, 75, 70, 74, 71]},
        "2.1": {"level": "region", "winner": True},
        "3.3": {"level": "republic", "coauthored": True},
        "4.1": {"hours": 96},
    },
}


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [PYTHON, "-m", "scoring", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=60, check=False
    )


def test_evaluate_from_stdin() -> None:
    result = run("evaluate", "teacher", "-", stdin=json.dumps(EXAMPLE).encode())
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["sheet"] == "teacher" and out["category"] == "expert" and out["gap"] == 0
    assert out["total"] == pytest.approx(84.4)
    assert set(out) >= {"sheet", "total", "threshold", "category", "claimed", "gap", "criteria", "advice"}


def test_evaluate_from_a_file_with_advice(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({**EXAMPLE, "claimed": "researcher"}), encoding="utf-8")
    out = json.loads(run("evaluate", "teacher", str(answers)).stdout)
    assert out["gap"] == pytest.approx(113 - 84.4)
    assert out["advice"] and all({"criterion", "points", "gain", "text"} <= set(a) for a in out["advice"])
    assert sum(a["gain"] for a in out["advice"]) >= out["gap"]


def test_sheets_lists_every_sheet_with_answer_formats() -> None:
    result = run("sheets")
    assert result.returncode == 0
    sheets = json.loads(result.stdout)
    assert [s["id"] for s in sheets][:2] == ["teacher", "teacher-no-dynamics"]
    assert len(sheets) == 11
    teacher = sheets[0]
    by_id = {c["id"]: c for c in teacher["criteria"]}
    assert [lv["name"] for lv in by_id["1.1"]["answer"]["levels"]] == [
        "unstable", "stable", "growth_1_2", "growth_3_plus"
    ]
    assert by_id["3.1"]["answer"]["example"] == {"level": "republic", "count": 3}
    assert by_id["4.1"]["answer"]["quantity"] == "hours"
    one = json.loads(run("sheets", "deputy").stdout)
    assert one["threshold"] == {"deputy-3": 30, "deputy-2": 47, "deputy-1": 62}


@pytest.mark.parametrize("claimed", ["head-2", "head_2"])
def test_leader_categories_use_the_hyphenated_spelling(claimed: str) -> None:
    answers = {"claimed": claimed, "criteria": {"1.1": {"met": True}}}
    result = run("evaluate", "head", "-", stdin=json.dumps(answers).encode())
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["threshold"] == {"head-3": 38, "head-2": 49, "head-1": 62}
    assert out["claimed"] == "head-2"
    assert out["gap"] == 49 - out["total"]
    reached = json.loads(run("evaluate", "cabinet-deputy", "-", stdin=json.dumps({
        "criteria": {c["id"]: c["answer"]["example"]
                     for c in json.loads(run("sheets", "cabinet-deputy").stdout)["criteria"]},
    }).encode()).stdout)
    assert reached["category"] == "deputy-1"


def test_a_criterion_left_out_scores_zero() -> None:
    out = json.loads(run("evaluate", "teacher", "-", stdin=b'{"criteria": {"4.1": {"hours": 96}}}').stdout)
    assert out["total"] == 3
    assert out["criteria"]["2.1"]["points"] == 0 and out["category"] is None and out["gap"] is None


def _docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "кесте ұяшығы"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_essay_text_and_docx(tmp_path: Path) -> None:
    text = " ".join(["сөз"] * 260)
    out = json.loads(run("essay", "-", stdin=text.encode()).stdout)
    assert out == {"words": 260, "min": 250, "max": 300, "ok": True}
    essay = tmp_path / "essay.bin"  # detected by content, not by the file name
    essay.write_bytes(_docx("что-то 2024 😀 • word"))
    out = json.loads(run("essay", str(essay)).stdout)
    assert out == {"words": 5, "min": 250, "max": 300, "ok": False}


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (("evaluate", "teacher", "-"), b"{not json", "invalid JSON"),
        (("evaluate", "nope", "-"), b"{}", "unknown sheet"),
        (("evaluate", "teacher", "-"), b'{"criteria": {"7.7": {}}}', "no criterion 7.7"),
        (("evaluate", "teacher", "-"), b'{"criteria": {"2.1": {"level": "moon"}}}', "unknown level"),
        (("evaluate", "teacher", "/nonexistent/answers.json"), b"", "cannot read"),
        (("essay", "/nonexistent/essay.docx"), b"", "cannot read"),
        (("essay", "-"), b"PK\x03\x04broken", "cannot read the essay"),
        (("sheets", "nope"), b"", "unknown sheet"),
        (("evaluate", "teacher", "-"), b'{"criteria": {"4.1": {"hours": NaN}}}', "NaN is not a number"),
        (("evaluate", "teacher", "-"), b'{"criteria": {"4.1": {"hours": 1e999}}}', "non-negative number"),
        (("evaluate", "teacher", "-"), b'{"criteria": {"4.1": {"hours": -1}}}', "non-negative number"),
        (("evaluate", "teacher", "-"), b'{"criteria": {"2.1": {"level": "a\\nb"}}}', "unknown level"),
        (("evaluate", "teacher", "-"), b"[" * 100_000, "nested too deeply"),
        (("evaluate", "head", "-"), b'{"claimed": "expert"}', "unknown claimed category"),
        (("evaluate", "teacher", "-"), b'{"criteria": {"1.2": {"observations": [102.5, 1, 1, 1, 1]}}}', "got 102.5"),
        (("frobnicate",), b"", "invalid choice"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(args: tuple[str, ...], stdin: bytes, fragment: str) -> None:
    result = run(*args, stdin=stdin)
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert fragment in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr
    assert result.stdout == b""
