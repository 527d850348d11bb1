"""The dossier's two files from an application's documents: one PDF (cover sheet, then every document) and a ZIP.

Pure apart from the libraries: no database, no Telegram. PDFs are merged page by page with pypdf, a JPEG or PNG
becomes a page of its own (fpdf2), a Word file cannot become pages without a converter and is only in the ZIP
(the cover says so). A PDF or an image that cannot be read is also only in the ZIP, and the cover says why.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from features.commission.documents.render import Pdf
from scoring.i18n import N_

if TYPE_CHECKING:
    from pypdf import PdfReader

# fpdf2, Pillow and pypdf are imported where a dossier is built, not at the bot's start.
log = logging.getLogger(__name__)

Translate = Callable[[str], str]


class Kind(StrEnum):
    """What a document's bytes are (storage.files.detection's types, and a typed essay's text)."""

    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    DOCX = "docx"
    TEXT = "txt"


IMAGES = (Kind.JPEG, Kind.PNG)
ORIENTATION = 0x0112  # the EXIF tag: how the camera was held


@dataclass(frozen=True)
class Document:
    """One file of a checklist item: its bytes from the file store, or (`data` None) why there are none."""

    name: str  # as she sent it, or a name for a photo
    kind: Kind | None
    data: bytes | None
    sha256: str | None
    problem: str | None = None  # translated: why the bytes are missing


@dataclass(frozen=True)
class CoverItem:
    title: str
    status: str
    documents: tuple[Document, ...] = ()


@dataclass(frozen=True)
class DossierContent:
    """What the cover says, already in the reader's language, and the documents in checklist order."""

    heading: str
    facts: tuple[str, ...]
    items: tuple[CoverItem, ...]
    stem: str  # the files' name without extension: dossier-<number>


@dataclass(frozen=True)
class Dossier:
    pdf: bytes
    pdf_name: str
    zip: bytes
    zip_name: str
    pages: int
    merged: int  # documents that are pages of the PDF
    zip_only: int  # documents only in the ZIP (Word files, unreadable files)
    missing: int  # documents with no bytes at all


# --- placing each document -----------------------------------------------------------------------------


class Placement(StrEnum):
    PAGES = "pages"  # its pages are in the PDF
    ZIP_ONLY = "zip"  # a Word file or a typed text: only in the ZIP
    UNREADABLE = "unreadable"  # a PDF or image that could not be read: only in the ZIP
    MISSING = "missing"  # no bytes: in neither


@dataclass
class Placed:
    document: Document
    placement: Placement
    reader: PdfReader | None = None  # its pages (an image's one page)
    count: int = 0
    first: int = 0  # its first page in the dossier (1-based), once the cover is known


def _pdf_reader(data: bytes) -> PdfReader:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted")
    if len(reader.pages) == 0:
        raise ValueError("no pages")
    for page in reader.pages:
        _ = page.mediabox  # a page without a readable size breaks the merge later
    return reader


def _upright(data: bytes) -> tuple[bytes, int, int]:
    """The image's bytes turned as its EXIF orientation says (re-encoded only then: a JPEG is embedded as it is),
    and its width and height."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        if opened.getexif().get(ORIENTATION, 1) == 1:
            return data, opened.width, opened.height
        turned = ImageOps.exif_transpose(opened)
        buffer = io.BytesIO()
        turned.convert("RGB").save(buffer, "JPEG", quality=92)
        return buffer.getvalue(), turned.width, turned.height


def image_page(data: bytes) -> bytes:
    """A JPEG or PNG as one A4 page, upright, fitted inside the margins."""
    from fpdf import FPDF

    upright, width, height = _upright(data)
    pdf = FPDF(orientation="L" if width > height else "P", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    margin = 10.0
    pdf.image(io.BytesIO(upright), x=margin, y=margin, w=pdf.w - 2 * margin, h=pdf.h - 2 * margin,
              keep_aspect_ratio=True)
    return bytes(pdf.output())


def place(document: Document) -> Placed:
    if document.data is None:
        return Placed(document, Placement.MISSING)
    if document.kind not in (Kind.PDF, *IMAGES):
        return Placed(document, Placement.ZIP_ONLY)
    try:
        reader = _pdf_reader(document.data if document.kind is Kind.PDF else image_page(document.data))
    except Exception:  # any malformed upload: the cover says it is only in the ZIP
        log.warning("a %s document could not be made pages of a dossier", document.kind)
        return Placed(document, Placement.UNREADABLE)
    return Placed(document, Placement.PAGES, reader, len(reader.pages))


# --- the cover -----------------------------------------------------------------------------------------

IN_ZIP = N_("not pages of this PDF: included in the ZIP")
UNREADABLE = N_("could not be read as a PDF or an image: included in the ZIP")
PAGE = N_("page {first}")
PAGES = N_("pages {first}–{last}")
CHECKSUM = N_("SHA-256: {sha256}")
ITEMS_HEADING = N_("Documents, in the order of the checklist")
WHY_ZIP = N_("The ZIP holds the original of every document as it was sent, named in the order of the checklist, "
             "and SHA256SUMS.txt with their checksums. A Word file (such as the essay) cannot be made pages of a "
             "PDF without a converter, so it is only in the ZIP.")


def _where(placed: Placed, t: Translate) -> str:
    if placed.placement is Placement.PAGES:
        last = placed.first + placed.count - 1
        return (t(PAGE).format(first=placed.first) if placed.count == 1
                else t(PAGES).format(first=placed.first, last=last))
    if placed.placement is Placement.UNREADABLE:
        return t(UNREADABLE)
    if placed.placement is Placement.ZIP_ONLY:
        return t(IN_ZIP)
    return placed.document.problem or "—"


def _texts(content: DossierContent, placed: Sequence[Sequence[Placed]], t: Translate) -> list[str]:
    texts = [content.heading, *content.facts, t(ITEMS_HEADING), t(WHY_ZIP)]
    for item, documents in zip(content.items, placed, strict=True):
        texts += [item.title, item.status, *(p.document.name for p in documents), *(_where(p, t) for p in documents)]
    return texts


def _indented(pdf: Pdf, text: str, size: float) -> None:
    pdf.pdf.set_x(pdf.pdf.l_margin + 6)
    pdf.line(text, size=size, after=0.3)


def cover(content: DossierContent, placed: Sequence[Sequence[Placed]], t: Translate) -> bytes:
    pdf = Pdf(_texts(content, placed, t), None)
    pdf.line(content.heading, size=14, bold=True, after=3)
    for fact in content.facts:
        pdf.line(fact, size=10, after=0.5)
    pdf.space(4)
    pdf.line(t(ITEMS_HEADING), size=11, bold=True, after=2)
    for n, (item, documents) in enumerate(zip(content.items, placed, strict=True), 1):
        pdf.line(f"{n}. {item.title} — {item.status}", size=9, bold=True, after=0.5)
        for p in documents:
            _indented(pdf, f"{p.document.name} — {_where(p, t)}", size=8)
            if p.document.sha256:
                _indented(pdf, t(CHECKSUM).format(sha256=p.document.sha256), size=7)
        pdf.space(1)
    pdf.space(3)
    pdf.line(t(WHY_ZIP), size=8)
    return pdf.output()


# --- the two files -------------------------------------------------------------------------------------


def _number_pages(placed: Sequence[Sequence[Placed]], cover_pages: int) -> None:
    page = cover_pages + 1
    for documents in placed:
        for p in documents:
            p.first = page
            page += p.count


def _merge(cover_pdf: bytes, content: DossierContent, placed: Sequence[Sequence[Placed]]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover_pdf)))
    writer.add_outline_item(title=content.heading, page_number=0)
    for item, documents in zip(content.items, placed, strict=True):
        for p in documents:
            if p.reader is not None:
                writer.append(p.reader)
                writer.add_outline_item(title=f"{item.title}: {p.document.name}", page_number=p.first - 1)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


def member_name(position: int, index: int | None, title: str, kind: Kind | None) -> str:
    """A ZIP member's name: the item's position in the checklist, the file's within the item, the item's name."""
    label = _UNSAFE.sub(" ", title).strip(" .")[:60].strip() or "document"
    number = f"{position:02d}" if index is None else f"{position:02d}-{index}"
    return f"{number} {label}.{kind.value if kind else 'bin'}"


def originals(content: DossierContent) -> bytes:
    buffer = io.BytesIO()
    sums = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for position, item in enumerate(content.items, 1):
            present = [d for d in item.documents if d.data is not None]
            for index, document in enumerate(present, 1):
                assert document.data is not None
                name = member_name(position, index if len(present) > 1 else None, item.title, document.kind)
                archive.writestr(name, document.data)
                sums.append(f"{document.sha256}  {name}\n")
        archive.writestr("SHA256SUMS.txt", "".join(sums))
    return buffer.getvalue()


def build(content: DossierContent, t: Translate) -> Dossier:
    """Both files; slow on many scans, so callers run it off the event loop."""
    from pypdf import PdfReader

    placed = [[place(d) for d in item.documents] for item in content.items]
    # The cover names each document's pages, which start after the cover: laid out again until its length holds.
    cover_pages = 1
    for _attempt in range(3):
        _number_pages(placed, cover_pages)
        cover_pdf = cover(content, placed, t)
        laid_out = len(PdfReader(io.BytesIO(cover_pdf)).pages)
        if laid_out == cover_pages:
            break
        cover_pages = laid_out
    merged = _merge(cover_pdf, content, placed)
    flat = [p for documents in placed for p in documents]
    return Dossier(
        pdf=merged, pdf_name=f"{content.stem}.pdf", zip=originals(content), zip_name=f"{content.stem}.zip",
        pages=laid_out + sum(p.count for p in flat),
        merged=sum(p.placement is Placement.PAGES for p in flat),
        zip_only=sum(p.placement in (Placement.ZIP_ONLY, Placement.UNREADABLE) for p in flat),
        missing=sum(p.placement is Placement.MISSING for p in flat))
