"""Protocol (App 2 / App 12), extract (App 3 / App 13) and certificate (App 1) as DOCX and PDF.

Texts are English msgids translated by the `translate` function of the commission's language, so a
document reads the same whoever asked for it. PDF needs a Unicode TTF with the Kazakh letters
(ә ғ қ ң ө ұ ү һ і): DejaVu Sans, shipped in bot/fonts.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.shared import Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from scoring.commission import LEADER_GROUPS, TEACHER_GROUPS, ProtocolGroup, needs_reason
from scoring.i18n import N_

Translate = Callable[[str], str]

# DejaVu Sans has every Kazakh letter (ә ғ қ ң ө ұ ү һ і); a copy ships with the bot (bot/fonts, free
# licence in bot/fonts/LICENSE) so PDFs work on a machine without Debian's fonts-dejavu-core.
FONT_DIRS = (
    Path(__file__).with_name("fonts"), Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
)
SIGNATURE_NOTE = N_(
    "Members' votes were recorded in the Telegram bot, each with its time (listed below); this record "
    "stands in for the members' digital signatures (§23)."
)


@dataclass(frozen=True)
class VoteLine:
    member: str
    choice: str  # already translated
    at: datetime


@dataclass(frozen=True)
class Row:
    full_name: str
    position: str
    kind: str  # regular / early (teachers only)
    current: str
    claimed: str
    assigned: str
    decision: str
    group: ProtocolGroup
    reason: str = ""
    votes: tuple[VoteLine, ...] = ()
    points: str = ""  # the members' commission points against the threshold, one line; "" if nobody scored


@dataclass(frozen=True)
class ProtocolData:
    commission: str
    number: int
    session_date: date
    chair: str
    members: tuple[str, ...]
    secretary: str
    leaders: bool  # App 12 (heads and deputies) instead of App 2
    rows: tuple[Row, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CertificateData:
    full_name: str
    category: str
    position: str
    order_number: str
    order_date: date
    decided_on: date
    issuer: str
    signatory: str
    place: str
    issued_on: date
    valid_until: date
    number: str


def d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _columns(t: Translate, leaders: bool, group: ProtocolGroup) -> list[str]:
    if leaders:
        return [t(N_("No.")), t(N_("Full name")), t(N_("Position")), t(N_("Current category")),
                t(N_("Claimed category")), t(N_("Assigned category")), t(N_("Commission's decision"))]
    cols = [t(N_("No.")), t(N_("Full name")), t(N_("Position")), t(N_("Regular / early")),
            t(N_("Qualification category")), t(N_("Claimed category")), t(N_("Assigned category"))]
    if needs_reason(group):
        cols.append(t(N_("Reason")))
    return cols


def _cells(leaders: bool, group: ProtocolGroup, n: int, r: Row) -> list[str]:
    if leaders:
        return [str(n), r.full_name, r.position, r.current, r.claimed, r.assigned, r.decision]
    cells = [str(n), r.full_name, r.position, r.kind, r.current, r.claimed, r.assigned]
    if needs_reason(group):
        cells.append(r.reason)
    return cells


@dataclass(frozen=True)
class _Block:
    """A document as a list of blocks, rendered the same way to DOCX and PDF."""

    kind: str  # "title", "text", "heading", "table"
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def protocol_blocks(p: ProtocolData, t: Translate) -> list[_Block]:
    title = (N_("Minutes of the session of the commission for assigning (confirming) the qualification categories "
                "of heads and deputy heads of organisations") if p.leaders else
             N_("Minutes of the session of the commission for assigning (confirming) the qualification categories of "
                "teachers, heads of departments and methodists"))
    out = [
        _Block("title", t(title)),
        _Block("text", p.commission),
        _Block("text", t(N_("Minutes No. {number} of {date}")).format(number=p.number, date=d(p.session_date))),
        _Block("text", t(N_("Chair of the commission: {name}")).format(name=p.chair)),
        _Block("text", t(N_("Members of the commission:"))),
        *[_Block("text", f"{i}. {name}") for i, name in enumerate(p.members, start=1)],
        _Block("heading", t(N_("Decision of the commission on the results of assigning (confirming) the "
                               "qualification category"))),
    ]
    for group in LEADER_GROUPS if p.leaders else TEACHER_GROUPS:
        rows = [r for r in p.rows if r.group is group]
        out.append(_Block("heading", t(group.label)))
        table = [tuple(_columns(t, p.leaders, group))]
        table += [tuple(_cells(p.leaders, group, n, r)) for n, r in enumerate(rows, start=1)]
        out.append(_Block("table", rows=tuple(table)))
    scored = [r.points for r in p.rows if r.points]
    if scored:
        out.append(_Block("heading", t(N_("Commission points (scoring sheets filled in by the members)"))))
        out += [_Block("text", line) for line in scored]
    out.append(_Block("heading", t(N_("Votes recorded in the bot"))))
    out.append(_Block("text", t(SIGNATURE_NOTE)))
    votes = [(t(N_("Candidate")), t(N_("Member")), t(N_("Vote")), t(N_("Time")))]
    votes += [(r.full_name, v.member, v.choice, v.at.strftime("%d.%m.%Y %H:%M:%S %Z").strip())
              for r in p.rows for v in r.votes]
    out.append(_Block("table", rows=tuple(votes)))
    out += [
        _Block("text", t(N_("Chair of the commission: {name}")).format(name=p.chair) + "  ____________ "
               + t(N_("(signature)"))),
        _Block("text", t(N_("Members of the commission:"))),
        *[_Block("text", f"{name}  ____________ " + t(N_("(signature)"))) for name in p.members],
        _Block("text", t(N_("Secretary: {name}")).format(name=p.secretary) + "  ____________ "
               + t(N_("(signature)"))),
    ]
    return out


def extract_blocks(p: ProtocolData, row: Row, t: Translate) -> list[_Block]:
    claimed = row.group is ProtocolGroup.MATCHES_CLAIMED or (
        row.group is ProtocolGroup.LEADER_MATCHES and row.assigned == row.claimed)
    matched = t(N_("matches the claimed qualification category")) if claimed else t(
        N_("does not match the claimed qualification category"))
    return [
        _Block("text", d(p.session_date)),
        _Block("text", p.commission),
        _Block("title", t(N_("Extract from the minutes No. {number} of the session of the attestation commission"))
               .format(number=p.number)),
        _Block("text", t(N_("DECISION of the commission on the results of assigning (confirming) the qualification "
                            "category"))),
        _Block("heading", row.full_name),
        _Block("text", matched),
        _Block("text", t(N_("Decision: {decision}")).format(decision=row.decision)),
        _Block("text", t(N_("Qualification category: {category}")).format(category=row.assigned or row.current)),
        _Block("text", t(SIGNATURE_NOTE)),
        _Block("text", t(N_("Secretary of the commission: {name}")).format(name=p.secretary) + "  ____________ "
               + t(N_("(signature)"))),
    ]


def certificate_blocks(c: CertificateData, t: Translate) -> list[_Block]:
    return [
        _Block("title", t(N_("CERTIFICATE of assignment (confirmation) of a qualification category"))),
        _Block("text", t(N_("This certificate is issued to {name}")).format(name=c.full_name)),
        _Block("text", t(N_("By the decision of the attestation commission of {decided} and the order of {issuer} "
                            "No. {number} of {order_date}, the qualification category {category} is assigned "
                            "(confirmed) for the position {position}.")).format(
            decided=d(c.decided_on), issuer=c.issuer, number=c.order_number, order_date=d(c.order_date),
            category=c.category, position=c.position)),
        _Block("text", t(N_("This certificate is valid until {date}.")).format(date=d(c.valid_until))),
        # `signatory` already says who signs (the chair or the secretary, see DocumentService.signatory).
        _Block("text", c.signatory + "  ____________ " + t(N_("(signature)"))),
        _Block("text", t(N_("Place of issue: {place}")).format(place=c.place)),
        _Block("text", t(N_("Registration number: {number}")).format(number=c.number)),
        _Block("text", t(N_("Date of issue: {date}")).format(date=d(c.issued_on))),
    ]


# --- renderers ------------------------------------------------------------------------------------


def to_docx(blocks: list[_Block], landscape: bool = False) -> bytes:
    doc = Document()
    if landscape:
        from docx.enum.section import WD_ORIENT

        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    doc.styles["Normal"].font.size = Pt(10)
    for block in blocks:
        if block.kind == "title":
            doc.add_heading(block.text, level=1)
        elif block.kind == "heading":
            doc.add_heading(block.text, level=2)
        elif block.kind == "text":
            doc.add_paragraph(block.text)
        else:
            table = doc.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for r, values in enumerate(block.rows):
                for col, value in enumerate(values):
                    table.cell(r, col).text = value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def font_path(bold: bool = False) -> Path:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise RuntimeError(f"{name} not found in {', '.join(map(str, FONT_DIRS))}: install fonts-dejavu-core")


def to_pdf(blocks: list[_Block], landscape: bool = False) -> bytes:
    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    pdf.add_font("DejaVu", "", str(font_path()))
    pdf.add_font("DejaVu", "B", str(font_path(bold=True)))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    for block in blocks:
        if block.kind == "table":
            pdf.set_font("DejaVu", "", 8)
            with pdf.table(first_row_as_headings=True, line_height=4.5) as table:
                for values in block.rows:
                    row = table.row()
                    for value in values:
                        row.cell(value)
            pdf.ln(2)
            continue
        size = {"title": 13, "heading": 11}.get(block.kind, 10)
        pdf.set_font("DejaVu", "B" if block.kind in ("title", "heading") else "", size)
        pdf.multi_cell(0, size * 0.55, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    return bytes(pdf.output())
