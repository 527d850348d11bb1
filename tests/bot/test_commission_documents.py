"""Documents of a session rendered to DOCX (the shipped templates) and PDF, read back: the App 12 groups, the
signature lines of those present, Kazakh letters, text XML forbids, fonts, and templates kept in step with
their contexts."""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from pypdf import PdfReader

from features.commission.documents import render as document_render
from features.commission.documents.content import (
    CERTIFICATE,
    EXTRACT,
    EXTRACT_LEADERS,
    PROTOCOL,
    PROTOCOL_LEADERS,
    Attendance,
    CertificateData,
    ProtocolData,
    Row,
    VoteLine,
    certificate_context,
    certificate_docx,
    certificate_pdf,
    extract_context,
    extract_docx,
    protocol_context,
    protocol_docx,
    protocol_pdf,
)
from features.commission.documents.render import SHIPPED_TEMPLATES, clean_text, plan_fonts, render_docx
from scoring.commission import ProtocolGroup


def same(text: str) -> str:
    return text


AT = datetime(2026, 12, 15, 10, 30, tzinfo=UTC)
ATTENDANCE = Attendance(7, ("Chair Ch", "Member A", "Member B", "Member C", "Member D"), ("Member E", "Member F"), 5)


def protocol(leaders: bool = True, **rows_override: object) -> ProtocolData:
    rows = (
        Row("Әбенова Гүлнұр", "head of organisation", "", "head, 3rd category", "head, 2nd category",
            "head, 2nd category", "matches the claimed category", ProtocolGroup.LEADER_MATCHES,
            votes=(VoteLine("Member A", "matches the claimed category", AT),), basis="5 of the 5 members present",
            matches_claimed=True),
        Row("Қасымов Ержан", "deputy head", "", "deputy head, 2nd category", "deputy head, 1st category", "—",
            "does not match the claimed category", ProtocolGroup.LEADER_NOT_MATCHING, keeps_current=True),
    )
    return ProtocolData("Облыстық комиссия", 3, date(2026, 12, 15), "Chair Ch", True,
                        ("Member A", "Member B", "Member C", "Member D"), "Secretary S", leaders, ATTENDANCE, rows)


def docx(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(io.BytesIO(data))
    return [p.text for p in doc.paragraphs], [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_leaders_protocol_has_the_two_groups_of_app_12_and_signatures_of_those_present() -> None:
    paragraphs, tables = docx(protocol_docx(protocol(), same, "ru"))
    assert len(tables) == 4  # matches, does not match, recorded votes, signatures
    assert tables[0][0] == ["No.", "Full name", "Position", "Current category", "Claimed category",
                            "Assigned category", "Commission's decision"]
    assert tables[0][1][1] == "Әбенова Гүлнұр" and tables[1][1][1] == "Қасымов Ержан"
    assert tables[2][1][:2] == ["Әбенова Гүлнұр", "Member A"] and "15.12.2026 10:30:00" in tables[2][1][3]
    assert [row[1] for row in tables[3]] == ["Chair Ch", "Member A", "Member B", "Member C", "Member D",
                                             "Secretary S"]
    assert ProtocolGroup.LEADER_MATCHES.label in paragraphs and ProtocolGroup.LEADER_NOT_MATCHING.label in paragraphs
    assert "Appendix 12" in paragraphs and "Absent: Member E, Member F" in paragraphs
    assert any("present: 5; absent: 2" in p and "5: quorum reached" in p for p in paragraphs)


def test_an_absent_chair_has_no_signature_line() -> None:
    data = protocol()
    absent_chair = ProtocolData(data.commission, data.number, data.session_date, data.chair, False, data.members,
                                data.secretary, data.leaders, data.attendance, data.rows)
    _paragraphs, tables = docx(protocol_docx(absent_chair, same, "ru"))
    assert [row[1] for row in tables[3]] == ["Member A", "Member B", "Member C", "Member D", "Secretary S"]
    assert "Chair Ch — absent" in protocol_context(absent_chair, same)["chair"]


def test_pdf_keeps_kazakh_letters_and_states_attendance() -> None:
    text = pdf(protocol_pdf(protocol(), same))
    assert "Әбенова Гүлнұр" in text and "Қасымов Ержан" in text and "Облыстық комиссия" in text
    assert "Absent: Member E, Member F" in text and "quorum reached" in text.replace("\n", " ")


def test_the_teachers_protocol_has_the_four_tables_of_app_2() -> None:
    rows = (Row("Ким Анна", "teacher", "regular", "pedagogue-moderator", "pedagogue-expert", "—",
                "does not match the claimed category", ProtocolGroup.NOT_MATCHING_CLAIMED, reason="41 < 84"),)
    data = ProtocolData("Комиссия", 1, date(2026, 12, 15), "Chair Ch", True, ("Member A",), "Secretary S", False,
                        ATTENDANCE, rows, postponed=("Омаров Нурлан",))
    paragraphs, tables = docx(protocol_docx(data, same, "ru"))
    assert len(tables) == 4 + 2
    assert tables[1][0][-1] == "Reason" and tables[1][1][1] == "Ким Анна" and tables[1][1][-1] == "41 < 84"
    assert [len(t) for t in tables[:4]] == [1, 2, 1, 1]
    assert "Postponed to a later session: Омаров Нурлан" in paragraphs


def test_the_extract_lists_the_votes_it_announces() -> None:
    data = protocol()
    paragraphs, tables = docx(extract_docx(data, data.rows[0], same, "ru"))
    assert "Extract from the minutes No. 3 of 15.12.2026 of the session of the attestation commission" in paragraphs
    assert "Әбенова Гүлнұр" in paragraphs and "Matches the claimed qualification category" in paragraphs
    assert tables[0][0] == ["Member", "Vote", "Time"]
    assert tables[0][1][:2] == ["Member A", "matches the claimed category"]
    assert "5 of the 5 members present" in paragraphs
    kept = extract_context(data, data.rows[1], same)
    assert kept["matched"] == "Does not match the claimed qualification category"
    assert kept["result"] == "The current qualification category is kept until it expires (§47): deputy head, 2nd " \
                             "category."


def certificate() -> CertificateData:
    return CertificateData("Әбенова Гүлнұр", "head, 2nd category", "head of organisation", date(2026, 12, 15),
                           "Отдел образования", "45-к", date(2026, 12, 20), "Ахметов Серик", date(2026, 12, 21),
                           date(2029, 12, 15), "5-2026-0001")


def test_the_certificate_cites_the_order_and_has_a_place_for_the_seal() -> None:
    paragraphs, tables = docx(certificate_docx(certificate(), same, "ru"))
    body = next(p for p in paragraphs if p.startswith("In accordance with"))
    assert "of 15.12.2026" in body and "No. 45-к of 20.12.2026" in body and "«Отдел образования»" in body
    assert "This certificate is valid until 15.12.2029." in paragraphs
    cells = [c for t in tables for row in t for c in row]
    assert "Place for the seal" in cells and "Ахметов Серик" in cells
    text = pdf(certificate_pdf(certificate(), same))
    assert "5-2026-0001" in text and "15.12.2029" in text and "Әбенова Гүлнұр" in text and "Place for the seal" in text


# --- any stored text ----------------------------------------------------------------------------------


def test_text_xml_forbids_becomes_a_visible_replacement() -> None:
    assert clean_text("a\x00b\x1fc\x0bd\tе\nf\ufffeg\uffff") == "a\ufffdb\ufffdc\ufffdd\tе\nf\ufffdg\ufffd"
    row = Row("Bad\x00Name\x07", "teacher", "regular", "—", "—", "—", "x\x1b", ProtocolGroup.MATCHES_CLAIMED,
              votes=(VoteLine("M\x02", "v\x03", AT),))
    data = ProtocolData("C\x01", 1, date(2026, 12, 15), "Ch\x04", True, ("M\x05",), "S\x06", False, ATTENDANCE,
                        (row,))
    _paragraphs, tables = docx(protocol_docx(data, same, "ru"))
    assert tables[0][1][1] == "Bad\ufffdName\ufffd"
    assert "Bad" in pdf(protocol_pdf(data, same))


def test_characters_no_font_has_are_printed_as_code_points(monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(document_render, "SYSTEM_FALLBACK_FONTS", ())
    assert plan_fonts(["王"], None).missing == frozenset("王")
    cert = certificate()
    odd = CertificateData("王 Ли", *[getattr(cert, f) for f in list(cert.__dataclass_fields__)[1:]])
    with caplog.at_level(logging.WARNING, logger="features.commission.documents.render"):
        text = pdf(certificate_pdf(odd, same))
    assert "[U+738B] Ли" in text
    assert "王" not in caplog.text  # the log says how many, never the text


def test_a_fallback_font_covers_what_dejavu_lacks() -> None:
    if not all(p.is_file() for p in document_render.SYSTEM_FALLBACK_FONTS):
        pytest.fail("GNU Unifont is missing: scripts/install-fonts.sh installs Debian's fonts-unifont")
    plan = plan_fonts(["Ахметова Әйгерім 王小明"], None)
    assert plan.missing == frozenset() and plan.fallbacks == (document_render.SYSTEM_FALLBACK_FONTS[0],)
    assert plan_fonts(["Ахметова Әйгерім"], None).fallbacks == ()  # DejaVu alone: no other font is loaded


def test_a_department_font_comes_first(tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "Own.ttf").write_bytes((document_render.SHIPPED_FONTS / "DejaVuSans.ttf").read_bytes())
    (fonts / "broken.otf").write_bytes(b"not a font")
    assert document_render.fallback_candidates(tmp_path)[:2] == [fonts / "Own.ttf", fonts / "broken.otf"]
    plan_fonts(["王"], tmp_path)  # the broken file is skipped, not fatal


# --- templates and their contexts --------------------------------------------------------------------


def contexts() -> dict[str, dict[str, object]]:
    leaders, teachers = protocol(), protocol(leaders=False)
    return {
        PROTOCOL: protocol_context(teachers, same), PROTOCOL_LEADERS: protocol_context(leaders, same),
        EXTRACT: extract_context(teachers, teachers.rows[0], same),
        EXTRACT_LEADERS: extract_context(leaders, leaders.rows[0], same),
        CERTIFICATE: certificate_context(certificate(), same),
    }


@pytest.mark.parametrize("name", [PROTOCOL, PROTOCOL_LEADERS, EXTRACT, EXTRACT_LEADERS, CERTIFICATE])
def test_each_shipped_template_uses_only_names_its_context_provides(name: str) -> None:
    template = DocxTemplate(str(SHIPPED_TEMPLATES / f"{name}.docx"))
    used = template.get_undeclared_template_variables(SandboxedEnvironment())
    assert used and used <= set(contexts()[name])


def test_the_shipped_templates_are_what_the_build_script_makes(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build", Path(__file__).parents[2] / "scripts" /
                                                  "build_document_templates.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for path in build.build(tmp_path):
        fresh, shipped = docx(path.read_bytes()), docx((SHIPPED_TEMPLATES / path.name).read_bytes())
        assert fresh == shipped, f"{path.name}: run scripts/build_document_templates.py"


def test_a_template_for_one_language_wins_and_a_broken_one_falls_back(tmp_path: Path,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    own = Document()
    own.add_paragraph("KK letterhead {{ full_name }}")
    own.save(str(tmp_path / f"{CERTIFICATE}.kk.docx"))
    (tmp_path / f"{CERTIFICATE}.docx").write_bytes(b"broken")
    context = certificate_context(certificate(), same)
    kk, _tables = docx(render_docx(CERTIFICATE, "kk", context, tmp_path))
    assert kk == ["KK letterhead Әбенова Гүлнұр"]
    with caplog.at_level(logging.ERROR, logger="features.commission.documents.render"):
        ru, _tables = docx(render_docx(CERTIFICATE, "ru", context, tmp_path))
    assert "This certificate is issued to:" in ru and "failed to render" in caplog.text
