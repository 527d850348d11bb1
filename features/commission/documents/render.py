"""Rendering a document's content to DOCX (a department's replaceable template, filled by docxtpl) and to PDF
(the bot's own layout of the same content, fpdf2).

- Templates: `<name>.docx` in features/commission/documents/templates, unless the folder of `DOCUMENT_TEMPLATES_DIR` has
  `<name>.<locale>.docx` or `<name>.docx`. A department template that fails to render is logged and the shipped
  one is used, so a typo in a template never stops a session from being closed.
- Any stored text renders: characters XML does not allow (C0 controls other than tab and newline, U+FFFE,
  U+FFFF, lone surrogates) become U+FFFD, visibly, instead of making the writer raise.
- PDF fonts: DejaVu Sans (shipped) for Latin, Cyrillic with every Kazakh letter, Greek and more; characters it
  lacks fall back to the first font that has them, from the department's `fonts/` folder, then GNU Unifont
  (Debian's fonts-unifont: all of Unicode's basic plane and most of the rest). A character no font has is
  printed as its code point (e.g. [U+1F600]) and logged (by count, never the text): never dropped silently.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf.fonts import FontFace

# docxtpl, python-docx, fpdf2, fontTools and segno are imported where a document is made: a bot process that
# makes none does not pay their start-up time and memory.

log = logging.getLogger(__name__)
# fontTools warns about the zero creation date of Unifont on every load; it means nothing here.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)

SHIPPED_TEMPLATES = Path(__file__).with_name("templates")
SHIPPED_FONTS = Path(__file__).with_name("fonts")
# DejaVu Sans has every Kazakh letter (ә ғ қ ң ө ұ ү һ і); a copy ships with the bot (free licence in
# features/commission/documents/fonts/LICENSE), Debian's fonts-dejavu-core is the second place to look.
PRIMARY_FONT_DIRS = (SHIPPED_FONTS, Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
SYSTEM_FALLBACK_FONTS = (
    Path("/usr/share/fonts/opentype/unifont/unifont.otf"),
    Path("/usr/share/fonts/opentype/unifont/unifont_upper.otf"),
)
FONT_SUFFIXES = (".ttf", ".otf")

# XML 1.0 allows tab, newline and carriage return among the C0 controls; the brief's rule keeps tab and newline.
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(value: str) -> str:
    return _NOT_XML.sub(REPLACEMENT, value)


def clean(value: Any) -> Any:
    """The content with every string made writable (recursively through dicts, lists and tuples)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)


# --- QR code -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QrCode:
    """A QR code in a document's context: the text it holds, drawn where the template or layout puts it."""

    text: str
    # Measured: a signed certificate is 330–620 characters, QR version 14–19 (81–101 modules with the quiet zone);
    # 40 mm gives at least 0.4 mm a module, which a phone's camera reads at arm's length.
    width_mm: float = 40

    def png(self) -> bytes:
        # Medium error correction survives a crease or a stamp over a corner; the 4-module quiet zone is the
        # standard's.
        import segno

        out = io.BytesIO()
        segno.make(self.text, error="m", micro=False).save(out, kind="png", scale=6, border=4)
        return out.getvalue()


# --- DOCX ----------------------------------------------------------------------------------------------


def template_path(name: str, locale: str, folder: Path | None) -> Path:
    """The department's template for this document and language, else theirs for every language, else ours."""
    if folder is not None:
        for candidate in (folder / f"{name}.{locale}.docx", folder / f"{name}.docx"):
            if candidate.is_file():
                return candidate
    return SHIPPED_TEMPLATES / f"{name}.docx"


def _fill(path: Path, context: dict[str, Any]) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2.sandbox import SandboxedEnvironment

    document = DocxTemplate(str(path))
    used = document.get_undeclared_template_variables(SandboxedEnvironment())
    unknown = used - set(context)
    if unknown:
        log.warning("Template %s uses names the bot does not provide: %s", path, ", ".join(sorted(unknown)))
    if context.get("verification_code") and not {"qr", "verification_code"} <= used:
        log.warning("Template %s has no {{ qr }} or {{ verification_code }}: its documents cannot be verified", path)
    context = {k: InlineImage(document, io.BytesIO(v.png()), width=Mm(v.width_mm)) if isinstance(v, QrCode) else v
               for k, v in context.items()}
    document.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(name: str, locale: str, context: dict[str, Any], folder: Path | None = None) -> bytes:
    context = clean(context)
    path = template_path(name, locale, folder)
    try:
        return _fill(path, context)
    except Exception:
        if path.parent == SHIPPED_TEMPLATES:
            raise
        log.exception("Template %s failed to render; the bot's own %s.docx is used instead", path, name)
        return _fill(SHIPPED_TEMPLATES / f"{name}.docx", context)


# --- PDF -----------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def coverage(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def primary_font(bold: bool = False) -> Path:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in PRIMARY_FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise RuntimeError(f"{name} not found in {', '.join(map(str, PRIMARY_FONT_DIRS))}: install fonts-dejavu-core")


def fallback_candidates(folder: Path | None) -> list[Path]:
    own = sorted(p for p in (folder / "fonts").iterdir() if p.suffix.lower() in FONT_SUFFIXES) if (
        folder is not None and (folder / "fonts").is_dir()) else []
    return own + [p for p in SYSTEM_FALLBACK_FONTS if p.is_file()]


@dataclass(frozen=True)
class FontPlan:
    fallbacks: tuple[Path, ...]  # the fonts this document needs besides DejaVu, in order
    missing: frozenset[str]  # characters no font has


def plan_fonts(texts: Iterable[str], folder: Path | None) -> FontPlan:
    have = coverage(primary_font()) & coverage(primary_font(bold=True))
    needed = {ch for text in texts for ch in text if ord(ch) not in have and ch not in "\n\t"}
    chosen: list[Path] = []
    for path in fallback_candidates(folder) if needed else []:
        try:
            covered = {ch for ch in needed if ord(ch) in coverage(path)}
        except Exception:  # an unreadable font file in a department's folder: the next one
            log.warning("Font %s cannot be read", path)
            continue
        if covered:
            chosen.append(path)
            needed -= covered
        if not needed:
            break
    return FontPlan(tuple(chosen), frozenset(needed))


def shown(text: str, missing: frozenset[str]) -> str:
    return "".join(f"[U+{ord(ch):04X}]" if ch in missing else ch for ch in text) if missing else text


class Pdf:
    """A page layout over fpdf2 with DejaVu and the fallback fonts this document's text needs."""

    FAMILY = "DejaVu"

    def __init__(self, texts: Iterable[str], folder: Path | None, landscape: bool = False):
        from fpdf import FPDF

        self.plan = plan_fonts(texts, folder)
        if self.plan.missing:
            log.warning("%d character(s) in a document have no glyph in any font; printed as code points",
                        len(self.plan.missing))
        self.pdf = FPDF(orientation="L" if landscape else "P", format="A4")
        self.pdf.add_font(self.FAMILY, "", str(primary_font()))
        self.pdf.add_font(self.FAMILY, "B", str(primary_font(bold=True)))
        names = []
        for n, path in enumerate(self.plan.fallbacks):
            self.pdf.add_font(f"fallback{n}", "", str(path))
            names.append(f"fallback{n}")
        if names:
            self.pdf.set_fallback_fonts(names, exact_match=False)
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.add_page()

    def text(self, value: str) -> str:
        return shown(clean_text(value), self.plan.missing)

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.FAMILY, "B" if bold else "", size)

    def line(self, value: str, size: float = 10, bold: bool = False, align: str = "L", after: float = 1.5) -> None:
        from fpdf.enums import XPos, YPos

        self.font(size, bold)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(after)

    def caption(self, value: str, align: str = "L") -> None:
        """The small print under a filled-in blank, as on the official forms."""
        self.line(value, size=7, align=align, after=2.5)

    def space(self, height: float = 4) -> None:
        self.pdf.ln(height)

    def table(self, rows: list[list[str]], widths: tuple[float, ...] | None = None, size: float = 8) -> None:
        self.font(size)
        with self.pdf.table(first_row_as_headings=True, line_height=size * 0.55, col_widths=widths,
                            headings_style=_headings(self.FAMILY), text_align="LEFT") as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(self.text(value))
        self.pdf.ln(2)

    def signature(self, role: str, name: str, signature: str) -> None:
        """A signature line: who, their name, a blank to sign on with its caption under it."""
        from fpdf.enums import XPos, YPos

        self.font(10)
        with self.pdf.table(col_widths=(45, 30, 25), borders_layout="NONE", first_row_as_headings=False,
                            line_height=5, v_align="BOTTOM", text_align="LEFT") as table:
            row = table.row()
            row.cell(self.text(role))
            row.cell(self.text(name))
            row.cell("_" * 22, align="C")
        self.font(7)
        pdf = self.pdf
        width = pdf.w - pdf.l_margin - pdf.r_margin
        pdf.set_x(pdf.l_margin + width * 0.75)
        pdf.multi_cell(width * 0.25, 3, self.text(signature), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)

    def seal(self, label: str) -> None:
        """The place for the seal: a dashed circle with its label inside."""
        pdf = self.pdf
        radius = 17.0
        centre_x, centre_y = pdf.l_margin + radius + 5, pdf.get_y() + radius + 2
        pdf.set_dash_pattern(dash=1.2, gap=1.2)
        pdf.circle(x=centre_x, y=centre_y, radius=radius)
        pdf.set_dash_pattern()
        self.font(7)
        pdf.set_xy(centre_x - radius + 3, centre_y - 3)
        pdf.multi_cell(radius * 2 - 6, 3, self.text(label), align="C")
        pdf.set_xy(pdf.l_margin, centre_y + radius + 4)

    def verification(self, qr: QrCode, code_line: str, hint: str) -> None:
        """The QR code at the left margin with the code to type and how to verify beside it; on a new page if
        the rest of this one is too short for it."""
        from fpdf.enums import XPos, YPos

        pdf = self.pdf
        if pdf.get_y() + qr.width_mm + 4 > pdf.h - pdf.b_margin:
            pdf.add_page()
        top = pdf.get_y() + 2
        pdf.image(io.BytesIO(qr.png()), x=pdf.l_margin, y=top, w=qr.width_mm, h=qr.width_mm)
        pdf.set_xy(pdf.l_margin + qr.width_mm + 4, top + 4)
        self.font(11, bold=True)
        pdf.multi_cell(0, 6, self.text(code_line), new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.font(8)
        pdf.multi_cell(0, 4, self.text(hint), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + qr.width_mm) + 2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _headings(family: str) -> FontFace:
    from fpdf.fonts import FontFace

    return FontFace(family=family, emphasis="BOLD")


PdfLayout = Callable[[dict[str, Any], Path | None], bytes]
