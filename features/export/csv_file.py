"""The export's rows as CSV for Excel in Kazakh or Russian: UTF-8 with a BOM, semicolons, decimal commas.

Excel in these locales splits columns on ";" and reads "72,5" as a number; ISO days it reads as dates in
any locale. A cell that starts like a formula is prefixed with an apostrophe, so a typed organisation name
cannot run as one when the file is opened (CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from features.export.views import Cell

DELIMITER = ";"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | int):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


class ExportCsv:
    """Rows in the order they are written (by application); the region is a column of every row."""

    def __init__(self, path: Path, headers: list[str]):
        self.path = path
        self._file: TextIO = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file, delimiter=DELIMITER)
        self._writer.writerow(headers)
        self.rows = 0

    def append(self, _region: str | None, values: Sequence[Cell]) -> None:
        self._writer.writerow([csv_value(v) for v in values])
        self.rows += 1

    def close(self) -> None:
        self._file.close()
