"""Essay word counting and the length verdict (spec §4, §27 of the pilot algorithm).

*Interpretation* (spec §4): Kazakh, Russian and English are counted as a person would count them.
A word is a run of letters and digits; hyphens and apostrophes inside it keep it one word
(``бірінші-кезекте``, ``что-то``, ``don't``), a decimal point or comma between digits keeps a number one
word (``3,5``). Numbers are words. Punctuation, emoji, bullet marks and dashes standing alone are not.
Em and en dashes separate words even without spaces around them (``2020–2023`` is two numbers).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from scoring.config import Rules, default_rules

# Letters or digits (``[^\W_]``), joined by an intra-word hyphen/apostrophe, or by . , : / between digits.
_UNIT = r"[^\W_]+"
_JOINER = r"(?:[-\u2010\u2011'\u2019\u02bc]|(?<=\d)[.,:/](?=\d))"
_WORD_RE = re.compile(rf"{_UNIT}(?:{_JOINER}{_UNIT})*")

# Invisible characters that a word processor may leave inside a word: soft hyphen, zero-width
# space/joiners, word joiner, BOM.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))

DOCX_MAGIC = b"PK\x03\x04"


class EssayFileError(ValueError):
    """The essay file cannot be read (not a .docx, not UTF-8/UTF-16 text)."""


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    # Stress marks and other combining marks left after NFC would split a word in two.
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def iter_words(text: str) -> Iterator[str]:
    """Yield the words of `text` in order (see the module docstring for what a word is)."""
    for match in _WORD_RE.finditer(_normalise(text)):
        yield match.group(0)


def count_words(text: str) -> int:
    """Number of words in `text` (Kazakh, Russian, English; spec §4)."""
    return sum(1 for _ in iter_words(text))


@dataclass(frozen=True)
class EssayVerdict:
    """The count against the allowed range; `to_add`/`to_cut` say how far the text is off."""

    words: int
    min: int
    max: int
    ok: bool
    to_add: int
    to_cut: int


def essay_verdict(words: int, rules: Rules | None = None) -> EssayVerdict:
    """Compare a word count with the `[essay]` range of the rules (250-300 by default)."""
    rules = rules or default_rules()
    low, high = rules.essay_min, rules.essay_max
    to_add = max(0, low - words)
    to_cut = max(0, words - high)
    return EssayVerdict(
        words=words, min=low, max=high, ok=to_add == 0 and to_cut == 0, to_add=to_add, to_cut=to_cut
    )


# A draft may run over the range while the teacher pastes and trims it; three times the longest essay is
# another document pasted by mistake, not a draft of this one.
DRAFT_FACTOR = 3
# Characters per word a draft may have: Kazakh and Russian words average about 8 with the space, so
# this only stops text that is not words (a table, a long link) from filling the draft.
DRAFT_CHARS_PER_WORD = 12


@dataclass(frozen=True)
class DraftLimit:
    words: int
    chars: int

    def exceeded_by(self, text: str) -> bool:
        return len(text) > self.chars or count_words(text) > self.words


def draft_limit(rules: Rules | None = None) -> DraftLimit:
    """The most a draft essay may hold: DRAFT_FACTOR times the rules' longest essay."""
    words = (rules or default_rules()).essay_max * DRAFT_FACTOR
    return DraftLimit(words=words, chars=words * DRAFT_CHARS_PER_WORD)


def is_docx(data: bytes) -> bool:
    """A .docx is a zip archive: detect it by the zip magic bytes, not by the file name."""
    return data[:4] == DOCX_MAGIC


def read_docx_text(data: bytes) -> str:
    """The text of a .docx: body paragraphs and table cells (nested tables too), in document order."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise EssayFileError("not a readable .docx file") from exc
    return "\n".join(_block_texts(document.iter_inner_content()))


def _block_texts(blocks: Iterator[object]) -> Iterator[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            # A merged cell is returned once per grid cell it spans: read it once. The dict keeps
            # the elements alive so that their ids stay unique.
            seen: dict[int, object] = {}
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen[id(cell._tc)] = cell._tc
                    yield from _block_texts(cell.iter_inner_content())


def read_essay_bytes(data: bytes) -> str:
    """Text of an uploaded essay: a .docx (zip magic) or plain UTF-8 / UTF-16 (with BOM) text."""
    if is_docx(data):
        return read_docx_text(data)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise EssayFileError("the text file is not valid UTF-16") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EssayFileError("the text file is neither a .docx nor UTF-8 text") from exc
