"""Essay word counting (spec §4) and the length verdict (§27)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from scoring.config import load_rules
from scoring.essay import (
    EssayFileError,
    count_words,
    essay_verdict,
    is_docx,
    iter_words,
    read_docx_text,
    read_essay_bytes,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("Мен мұғаліммін.", 2),
        ("Бірінші-кезекте оқушылардың қызығушылығы маңызды.", 4),
        ("Я думаю, что-то изменится к лучшему.", 6),
        ("Teaching is a life-long journey, isn't it?", 7),
        ("В 2023 году 25 учеников сдали 3,5 экзамена.", 8),
        ("Оқушылар 😀 сабаққа 🎉🎉 қатысты !!!", 3),
        ("• бірінші\n• екінші\n- третий\n* fourth\n— fifth", 5),
        ("Слово — слово – слово - слово", 4),
        ("2020–2023 жылдар", 3),
        ("Ұстаз ... ; : ? ! « » ( ) — қазақ", 2),
        ("ә ғ қ ң ө ұ ү һ і", 9),
    ],
)
def test_count_words(text: str, expected: int) -> None:
    assert count_words(text) == expected


def test_hyphenated_words_are_kept_whole() -> None:
    assert list(iter_words("бірінші-кезекте что-то well-known")) == ["бірінші-кезекте", "что-то", "well-known"]


def test_invisible_characters_and_stress_marks_do_not_split_words() -> None:
    # soft hyphen inside a word, a stress mark (combining acute) and a zero-width space
    assert count_words("педа\u00adгог молоко\u0301 сабақ\u200bтар") == 3
    # decomposed й (и + combining breve) is one letter after normalisation
    assert list(iter_words("мои\u0306")) == ["мой"]


def test_verdict_in_range_and_limits_from_rules() -> None:
    rules = load_rules()
    assert (rules.essay_min, rules.essay_max) == (250, 300)
    for words in (250, 275, 300):
        verdict = essay_verdict(words, rules)
        assert verdict.ok
        assert (verdict.to_add, verdict.to_cut) == (0, 0)


def test_verdict_too_short_and_too_long() -> None:
    rules = load_rules()
    short = essay_verdict(249, rules)
    assert not short.ok and short.to_add == 1 and short.to_cut == 0
    long = essay_verdict(312, rules)
    assert not long.ok and long.to_add == 0 and long.to_cut == 12
    assert (long.words, long.min, long.max) == (312, 250, 300)


def test_verdict_uses_configured_range(tmp_path: Path) -> None:
    override = tmp_path / "rules.toml"
    override.write_text("[essay]\nmin_words = 10\nmax_words = 20\n", encoding="utf-8")
    rules = load_rules(override)
    assert essay_verdict(15, rules).ok
    assert essay_verdict(21, rules).to_cut == 1


def _docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("Менің педагогикалық философиям.")  # 3
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Бірінші-кезекте оқушы"  # 2
    table.cell(0, 1).text = "что-то важное"  # 2
    table.cell(1, 0).text = "2024 year"  # 2
    table.cell(1, 1).text = "😀 •"  # 0
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "merged cell once"  # 3, not 9
    document.add_paragraph("Соңы.")  # 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_cells_are_read() -> None:
    data = _docx_bytes()
    assert is_docx(data)
    text = read_docx_text(data)
    assert "Бірінші-кезекте" in text and "что-то важное" in text
    assert text.index("философиям") < text.index("Бірінші") < text.index("Соңы")
    assert count_words(text) == 13


def test_read_essay_bytes_detects_docx_by_magic_and_decodes_text() -> None:
    assert count_words(read_essay_bytes(_docx_bytes())) == 13
    assert read_essay_bytes("\ufeffсәлем әлем".encode()) == "сәлем әлем"
    assert read_essay_bytes("сәлем".encode("utf-16")) == "сәлем"


def test_unreadable_inputs_raise_essay_file_error() -> None:
    with pytest.raises(EssayFileError):
        read_docx_text(b"PK\x03\x04 not really a zip")
    with pytest.raises(EssayFileError):
        read_essay_bytes(b"\xff\xd8\xff\xe0 jpeg bytes \x80\x81")
