"""What a file really is, from its bytes (never its name): PDF, JPEG, PNG or DOCX are accepted.

PDF, JPEG and PNG are told by their signatures (puremagic). A DOCX is a ZIP, and so are XLSX, PPTX, ODT,
JAR and any archive: it is a DOCX when its `[Content_Types].xml` declares a Word document's main part and
a `word/` part is there. A macro-enabled Word file (.docm) declares another content type and is refused.
"""

from __future__ import annotations

import io
import zipfile
from enum import StrEnum

import puremagic

from scoring.i18n import N_, Phrase


class FileType(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    DOCX = "docx"

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self]


MIME_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.JPEG: "image/jpeg",
    FileType.PNG: "image/png",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
BY_SIGNATURE = {MIME_TYPES[kind]: kind for kind in (FileType.PDF, FileType.JPEG, FileType.PNG)}
ZIP_SIGNATURE = b"PK\x03\x04"
CONTENT_TYPES = "[Content_Types].xml"
WORD_MAIN_PART = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# [Content_Types].xml is a few kilobytes; reading more of an untrusted archive is how zip bombs work.
CONTENT_TYPES_LIMIT = 1 << 20

EMPTY = N_("The file is empty. Send the document again.")
ARCHIVE = N_("This is an archive, not a document. Send a PDF, JPEG, PNG or DOCX file.")
NOT_ALLOWED = N_("This file is not a PDF, JPEG, PNG or DOCX document. Send the document in one of these formats.")


class UnacceptedFile(Exception):
    """An upload whose bytes are not an accepted type; the reason is a translatable phrase."""

    def __init__(self, reason: Phrase) -> None:
        super().__init__(reason.text)
        self.reason = reason


def detect_type(data: bytes) -> FileType | Phrase:
    """The accepted type the bytes are, or why they are refused."""
    if not data:
        return Phrase(EMPTY)
    signed = _by_signature(data)
    if signed is not None:
        return signed
    if data.startswith(ZIP_SIGNATURE):
        return FileType.DOCX if _is_docx(data) else Phrase(ARCHIVE)
    return Phrase(NOT_ALLOWED)


def accepted_type(data: bytes) -> FileType:
    """The accepted type the bytes are; UnacceptedFile otherwise."""
    kind = detect_type(data)
    if isinstance(kind, Phrase):
        raise UnacceptedFile(kind)
    return kind


def _by_signature(data: bytes) -> FileType | None:
    try:
        matches = puremagic.magic_string(data)
    except puremagic.PureError:
        return None
    if not matches:
        return None
    # Only the likeliest matches count: a weaker one does not make a program a picture.
    best = max(match.confidence for match in matches)
    for match in matches:
        if match.confidence == best and match.mime_type in BY_SIGNATURE:
            return BY_SIGNATURE[match.mime_type]
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if CONTENT_TYPES not in names or not any(name.startswith("word/") for name in names):
                return False
            with archive.open(CONTENT_TYPES) as part:
                declared = part.read(CONTENT_TYPES_LIMIT)
    # zipfile raises NotImplementedError for a compression method it cannot read: such a file is no DOCX.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        return False
    return WORD_MAIN_PART in declared
