"""Documents of a session rendered to DOCX and PDF: tables per decision group, Kazakh letters in the PDF."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from docx import Document
from pypdf import PdfReader

from bot.commission_documents import (
    CertificateData,
    ProtocolData,
    Row,
    VoteLine,
    certificate_blocks,
    extract_blocks,
    protocol_blocks,
    to_docx,
    to_pdf,
)
from scoring.commission import ProtocolGroup


def same(text: str) -> str:
    return text


AT = datetime(2026, 12, 15, 10, 30, tzinfo=UTC)


def leaders_protocol() -> ProtocolData:
    rows = (
        Row("Әбенова Гүлнұр", "head of organisation", "", "head, 3rd category", "head, 2nd category",
            "head, 2nd category", "matches the claimed category", ProtocolGroup.LEADER_MATCHES,
            votes=(VoteLine("Member A", "matches the claimed category", AT),)),
        Row("Қасымов Ержан", "deputy head", "", "deputy head, 2nd category", "deputy head, 1st category", "—",
            "does not match the claimed category", ProtocolGroup.LEADER_NOT_MATCHING),
    )
    return ProtocolData("Облыстық комиссия", 3, date(2026, 12, 15), "Chair Ch", ("Member A", "Member B"),
                        "Secretary S", leaders=True, rows=rows)


def test_leaders_protocol_has_the_two_groups_of_app_12() -> None:
    doc = Document(io.BytesIO(to_docx(protocol_blocks(leaders_protocol(), same), landscape=True)))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert len(tables) == 3  # matches, does not match, recorded votes
    assert tables[0][0] == ["No.", "Full name", "Position", "Current category", "Claimed category",
                            "Assigned category", "Commission's decision"]
    assert tables[0][1][1] == "Әбенова Гүлнұр" and tables[1][1][1] == "Қасымов Ержан"
    assert tables[2][1][:2] == ["Әбенова Гүлнұр", "Member A"] and "15.12.2026 10:30:00" in tables[2][1][3]
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert ProtocolGroup.LEADER_MATCHES.label in headings and ProtocolGroup.LEADER_NOT_MATCHING.label in headings


def test_pdf_keeps_kazakh_letters() -> None:
    data = leaders_protocol()
    reader = PdfReader(io.BytesIO(to_pdf(protocol_blocks(data, same), landscape=True)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Әбенова Гүлнұр" in text and "Қасымов Ержан" in text and "Облыстық комиссия" in text


def test_extract_and_certificate() -> None:
    data = leaders_protocol()
    extract = Document(io.BytesIO(to_docx(extract_blocks(data, data.rows[1], same))))
    lines = [p.text for p in extract.paragraphs]
    assert "Қасымов Ержан" in lines and "does not match the claimed qualification category" in lines
    cert = CertificateData("Әбенова Гүлнұр", "head, 2nd category", "head of organisation", "17-к",
                           date(2026, 9, 1), date(2026, 12, 15), "Облыстық комиссия", "—", "Karaganda",
                           date(2026, 12, 15), date(2029, 12, 15), "5-2026-0001")
    pdf = PdfReader(io.BytesIO(to_pdf(certificate_blocks(cert, same))))
    text = pdf.pages[0].extract_text()
    assert "5-2026-0001" in text and "15.12.2029" in text and "Әбенова Гүлнұр" in text
