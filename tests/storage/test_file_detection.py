"""A file's type comes from its bytes: PDF, JPEG, PNG and DOCX are accepted, anything else is refused."""

from __future__ import annotations

import pytest

from scoring.i18n import Phrase
from storage.files import FileType, UnacceptedFile, accepted_type, detect_type
from storage.files.detection import ARCHIVE, EMPTY, NOT_ALLOWED
from tests.storage import sample_files


@pytest.mark.parametrize(("make", "kind"), [
    (sample_files.pdf, FileType.PDF),
    (sample_files.jpeg, FileType.JPEG),
    (sample_files.png, FileType.PNG),
    (sample_files.word, FileType.DOCX),
])
def test_accepted_types_are_told_by_their_bytes(make: object, kind: FileType) -> None:
    assert callable(make)
    assert detect_type(make()) is kind
    assert accepted_type(make()) is kind


def test_a_program_renamed_diploma_pdf_is_refused() -> None:
    # The name the teacher gave it (diploma.pdf) plays no part: only the bytes are read.
    assert detect_type(sample_files.program()) == Phrase(NOT_ALLOWED)
    with pytest.raises(UnacceptedFile) as refused:
        accepted_type(sample_files.program())
    assert refused.value.reason == Phrase(NOT_ALLOWED)


@pytest.mark.parametrize("make", [sample_files.plain_zip, sample_files.spreadsheet, sample_files.macro_word])
def test_a_zip_that_is_not_a_word_document_is_refused(make: object) -> None:
    assert callable(make)
    assert detect_type(make()) == Phrase(ARCHIVE)


def test_a_broken_zip_is_refused() -> None:
    assert detect_type(sample_files.word()[:200]) == Phrase(ARCHIVE)


@pytest.mark.parametrize(("data", "reason"), [
    (b"", EMPTY),
    (b"Just some text, typed in Notepad.", NOT_ALLOWED),
    (b"<html><body>diploma</body></html>", NOT_ALLOWED),
    (sample_files.image("GIF"), NOT_ALLOWED),
])
def test_other_bytes_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    assert detect_type(data) == Phrase(reason)


def test_mime_types() -> None:
    assert FileType.PDF.mime_type == "application/pdf"
    assert FileType.DOCX.mime_type.endswith("wordprocessingml.document")
