"""Real minimal files of each kind, made by the libraries that write them, and a look at everything in a store."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx
from fpdf import FPDF
from PIL import Image

from storage.files import FileStore, LocalFileStore, S3FileStore


def pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Diploma")
    return bytes(document.output())


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, fmt)
    return buffer.getvalue()


def jpeg() -> bytes:
    return image("JPEG")


def png() -> bytes:
    return image("PNG")


def word() -> bytes:
    document = docx.Document()
    document.add_paragraph("Certificate")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def archive(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, content in parts.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def plain_zip() -> bytes:
    return archive({"diploma.pdf": pdf(), "notes.txt": b"scans"})


def spreadsheet() -> bytes:
    """An XLSX's skeleton: a ZIP with [Content_Types].xml, but of a workbook, not a Word document."""
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             b'spreadsheetml.sheet.main+xml"/></Types>')
    return archive({"[Content_Types].xml": types, "xl/workbook.xml": b"<workbook/>"})


def macro_word() -> bytes:
    """A .docm: a Word package whose main part is macro-enabled."""
    original = zipfile.ZipFile(io.BytesIO(word()))
    parts = {name: original.read(name) for name in original.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml")
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    return archive(parts)


def program() -> bytes:
    """A Windows program's first bytes: the MZ header pointing at a PE header (what a renamed .exe starts with)."""
    header = bytearray(b"MZ" + b"\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(0x40 - 16))
    header[0x3C:0x40] = struct.pack("<I", 0x40)
    return bytes(header) + b"PE\x00\x00" + struct.pack("<H", 0x14C) + bytes(64)


async def everything_in(store: FileStore) -> list[str]:
    """Every object the store holds, whoever's (the local folder's files, the bucket's objects)."""
    if isinstance(store, LocalFileStore):
        root = Path(store.root)
        return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
    assert isinstance(store, S3FileStore)
    pages = store.client.get_paginator("list_objects_v2").paginate(Bucket=store.bucket)
    return sorted([item["Key"] async for page in pages for item in page.get("Contents", [])])
