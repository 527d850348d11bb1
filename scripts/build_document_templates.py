"""Builds the bot's own DOCX templates of the commission's documents (features/commission/documents/templates/*.docx).

Run it after changing a layout here: `.venv/bin/python scripts/build_document_templates.py`. The templates are
ordinary Word documents with docxtpl's Jinja tags ({{ name }}, {%p for %} around paragraphs, {%tr for %} around
table rows); a department copies one, changes letterhead, wording or layout in Word or LibreOffice, keeps the
tags it needs, and puts it into its DOCUMENT_TEMPLATES_DIR. The names a template can use are the keys of the
contexts in features/commission/documents/content.py (listed in the README).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from features.commission.documents.content import (  # noqa: E402
    CERTIFICATE,
    EXTRACT,
    EXTRACT_LEADERS,
    PROTOCOL,
    PROTOCOL_LEADERS,
)
from features.commission.documents.render import SHIPPED_TEMPLATES  # noqa: E402

TEACHER_COLUMNS = ("no", "full_name", "position", "kind", "current", "claimed", "assigned")
LEADER_COLUMNS = ("no", "full_name", "position", "current", "claimed", "assigned", "decision")


def new_document(landscape: bool = False) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(3)
    for name in ("Heading 1", "Heading 2", "Title"):
        style = doc.styles[name]
        style.font.name = "Times New Roman"
        style.font.color.rgb = None
    return doc


def para(doc: DocumentObject, text: str, *, align: str = "left", bold: bool = False, size: float | None = None,
         style: str | None = None) -> None:
    paragraph = doc.add_paragraph(style=style)
    paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)


def widths(table: Table, centimetres: tuple[float, ...]) -> None:
    """Fixed column widths (Word and LibreOffice both honour them only with autofit off)."""
    table.autofit = False
    for column, width in zip(table.columns, centimetres, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def small(table: Table, row: int, col: int, text: str, size: float = 8) -> None:
    paragraph = table.cell(row, col).paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).font.size = Pt(size)


def heading(doc: DocumentObject, text: str, level: int = 2) -> None:
    doc.add_heading(text, level=level)


def looped_table(doc: DocumentObject, header: list[str] | None, cells: list[str], loop: str,
                 borders: bool = True) -> Table:
    """A header row (if any), then one row repeated for each item of `loop` ("r in rows")."""
    first = 1 if header else 0
    table = doc.add_table(rows=first + 3, cols=len(cells))
    if borders:
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, text in enumerate(header or []):
        table.cell(0, col).paragraphs[0].add_run(text).bold = True
    table.cell(first, 0).text = f"{{%tr for {loop} %}}"
    for col, text in enumerate(cells):
        table.cell(first + 1, col).text = text
    table.cell(first + 2, 0).text = "{%tr endfor %}"
    return table


COLUMN_WIDTHS = {  # centimetres on a landscape A4 page with 2 cm margins (25.7 cm)
    TEACHER_COLUMNS: (1.2, 5, 3.5, 3, 4, 4, 4),
    (*TEACHER_COLUMNS, "reason"): (1, 4.5, 3, 2.7, 3.3, 3.3, 3.3, 4.5),
    LEADER_COLUMNS: (1.2, 5, 3.5, 3.8, 3.8, 3.8, 4.5),
}


def decision_table(doc: DocumentObject, group: str, columns: tuple[str, ...]) -> None:
    heading(doc, f"{{{{ {group}.title }}}}", level=2)
    header = [f"{{{{ columns.{'current_leader' if c == 'current' and 'decision' in columns else c} }}}}"
              for c in columns]
    table = looped_table(doc, header, [f"{{{{ r.{c} }}}}" for c in columns], f"r in {group}.rows")
    widths(table, COLUMN_WIDTHS[columns])


def signatures(doc: DocumentObject) -> None:
    table = looped_table(doc, None, ["{{ s.role }}", "{{ s.name }}", "____________ {{ signature }}"],
                         "s in signatures", borders=False)
    widths(table, (9, 9, 7))
    table.rows[1].height = Cm(1)  # room to sign


def votes(doc: DocumentObject, with_candidate: bool) -> None:
    heading(doc, "{{ votes_title }}")
    para(doc, "{{ note }}")
    keys = ("candidate", "member", "vote", "time") if with_candidate else ("member", "vote", "time")
    table = looped_table(doc, [f"{{{{ vote_columns.{k} }}}}" for k in keys], [f"{{{{ v.{k} }}}}" for k in keys],
                         "v in votes")
    widths(table, (6, 6, 8.5, 5) if with_candidate else (5, 7.5, 4.5))


def verification(doc: DocumentObject) -> None:
    """The QR code with the code to type and how to verify (features/verification); left out when there is none."""
    para(doc, "{%p if verification_code %}")
    para(doc, "{{ qr }}")
    para(doc, "{{ verification_label }} {{ verification_code }}", bold=True, size=12)
    para(doc, "{{ verification_hint }}", size=8)
    para(doc, "{%p endif %}")


def protocol(leaders: bool) -> DocumentObject:
    doc = new_document(landscape=True)
    para(doc, "{{ form }}", align="right", size=9)
    para(doc, "{{ title }}", align="center", bold=True, size=13)
    para(doc, "{{ commission }}", align="center")
    para(doc, "{{ heading }}", align="center")
    para(doc, "{{ chair_label }} {{ chair }}")
    para(doc, "{{ members_label }}")
    para(doc, "{%p for m in members %}")
    para(doc, "{{ m.no }}. {{ m.name }}")
    para(doc, "{%p endfor %}")
    heading(doc, "{{ attendance_title }}")
    para(doc, "{{ attendance }}")
    para(doc, "{{ present_label }} {{ present }}")
    para(doc, "{{ absent_label }} {{ absent }}")
    heading(doc, "{{ decision_title }}")
    if leaders:
        for group in ("leader_matches", "leader_not_matching"):
            decision_table(doc, group, LEADER_COLUMNS)
    else:
        decision_table(doc, "matches_claimed", TEACHER_COLUMNS)
        decision_table(doc, "not_matching_claimed", (*TEACHER_COLUMNS, "reason"))
        decision_table(doc, "matches_current", TEACHER_COLUMNS)
        decision_table(doc, "lower_than_current", TEACHER_COLUMNS)
    para(doc, "{%p if postponed %}")
    para(doc, "{{ postponed_label }} {{ postponed }}")
    para(doc, "{%p endif %}")
    heading(doc, "{{ basis_title }}")
    para(doc, "{%p for b in bases %}")
    para(doc, "{{ b.name }}: {{ b.text }}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if points %}")
    heading(doc, "{{ points_title }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p for line in points %}")
    para(doc, "{{ line }}")
    para(doc, "{%p endfor %}")
    votes(doc, with_candidate=True)
    para(doc, "")
    signatures(doc)
    return doc


def extract(leaders: bool) -> DocumentObject:
    doc = new_document()
    para(doc, "{{ form }}", align="right", size=9)
    if not leaders:  # App 3 dates the extract above; App 13 in its title
        para(doc, "{{ date }}", align="right")
    para(doc, "{{ commission }}", align="center")
    para(doc, "{{ commission_caption }}", align="center", size=8)
    para(doc, "{{ title }}", align="center", bold=True, size=12)
    para(doc, "{{ decision_title }}", align="center", bold=True)
    para(doc, "{{ full_name }}", align="center", bold=True, size=13)
    para(doc, "{{ name_caption }}", align="center", size=8)
    para(doc, "{{ position_label }} {{ position }}")
    para(doc, "{{ claimed_label }} {{ claimed }}")
    para(doc, "{{ matched }}", bold=True)
    para(doc, "{{ decision_label }} {{ decision }}")
    para(doc, "{{ category_label }} {{ category }}")
    para(doc, "{{ result }}", bold=True)
    para(doc, "{%p if reason %}")
    para(doc, "{{ reason_label }} {{ reason }}")
    para(doc, "{%p endif %}")
    para(doc, "{{ basis }}")
    votes(doc, with_candidate=False)
    para(doc, "")
    table = doc.add_table(rows=1, cols=3)
    for col, text in enumerate(("{{ secretary_label }}", "{{ secretary }}", "____________ {{ signature }}")):
        table.cell(0, col).text = text
    widths(table, (6, 6, 5))
    para(doc, "")
    verification(doc)
    return doc


def certificate() -> DocumentObject:
    doc = new_document()
    para(doc, "{{ form }}", align="right", size=9)
    para(doc, "")
    para(doc, "{{ title }}", align="center", bold=True, size=15)
    para(doc, "")
    para(doc, "{{ issued_to }}", size=12)
    para(doc, "{{ full_name }}", align="center", bold=True, size=14)
    para(doc, "{{ name_caption }}", align="center", size=8)
    para(doc, "{{ body }}", align="justify", size=12)
    para(doc, "{{ valid }}", size=12)
    para(doc, "")
    table = doc.add_table(rows=2, cols=3)
    for col, text in enumerate(("{{ head_label }}", "{{ signatory }}", "____________________")):
        table.cell(0, col).text = text
    small(table, 1, 2, "{{ signatory_caption }}", size=7)
    widths(table, (7, 5, 5))
    para(doc, "")
    seal = doc.add_table(rows=1, cols=1)
    seal.style = "Table Grid"
    seal.alignment = WD_TABLE_ALIGNMENT.LEFT
    widths(seal, (4,))
    seal.rows[0].height = Cm(4)
    seal.rows[0].height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    seal.cell(0, 0).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    small(seal, 0, 0, "{{ seal }}", size=9)
    para(doc, "")
    para(doc, "{{ number_label }} {{ number }}", size=12)
    para(doc, "{{ issued_label }} {{ issued_on }}", size=12)
    para(doc, "")
    verification(doc)
    return doc


BUILDERS = {
    PROTOCOL: lambda: protocol(leaders=False),
    PROTOCOL_LEADERS: lambda: protocol(leaders=True),
    EXTRACT: lambda: extract(leaders=False),
    EXTRACT_LEADERS: lambda: extract(leaders=True),
    CERTIFICATE: certificate,
}


def build(folder: Path = SHIPPED_TEMPLATES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, builder in BUILDERS.items():
        doc = builder()
        # Fixed metadata, so a rebuild without changes gives the same document text.
        doc.core_properties.author = "attestation-bot"
        doc.core_properties.title = name
        path = folder / f"{name}.docx"
        doc.save(str(path))
        out.append(path)
    return out


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(ROOT))
