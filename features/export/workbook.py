"""The export's XLSX in openpyxl's write-only mode: a summary sheet with native charts, one sheet per region.

Write-only worksheets go to disk row by row, so memory stays flat however many applications there are; every
call here is CPU-bound and runs on a worker thread (features/export/task.py), never on the event loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from features.export.views import COLUMNS, Cell, Column, Summary

# Excel's limits on a sheet's title: at most 31 characters, none of these, no apostrophe at either end.
MAX_TITLE = 31
_NOT_IN_TITLE = re.compile(r"[\[\]:*?/\\]")
# Excel keeps this name for itself (the change history sheet).
RESERVED_TITLES = ("History",)
DAY_FORMAT = "DD.MM.YYYY"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
_TITLE_FONT = Font(bold=True, size=13)
# The summary's second block (the chart's data, as /stats's chart shows it) and where the charts go.
_CHART_DATA_COLUMN = 5
_CHART_ANCHOR_COLUMN = "I"
_SUMMARY_WIDTHS = (52, 14, 18, 3, 32, 14, 14)


def sheet_titles(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Valid, distinct sheet titles for `names` in order (Excel compares titles ignoring case): two regions
    whose names become the same title get " (2)", " (3)"… within the 31 characters."""
    used = {title.casefold() for title in (*RESERVED_TITLES, *taken)}
    titles = []
    for name in names:
        base = _NOT_IN_TITLE.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", name)).strip().strip("'").strip() or "—"
        title, n = base[:MAX_TITLE].rstrip(), 2
        while title.casefold() in used:
            suffix = f" ({n})"
            title, n = base[:MAX_TITLE - len(suffix)].rstrip() + suffix, n + 1
        used.add(title.casefold())
        titles.append(title)
    return titles


def _as_text(ws: WriteOnlyWorksheet, value: str) -> Any:
    """Typed text stays text: openpyxl would store "=…" as a formula and "#N/A" as an error."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not (value.startswith("=") or value in ERROR_CODES):
        return value
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"
    return cell


def _day(ws: WriteOnlyWorksheet, value: date) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.number_format = DAY_FORMAT
    return cell


def _cells(ws: WriteOnlyWorksheet, values: Sequence[Cell]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if isinstance(value, str):
            out.append(_as_text(ws, value))
        elif isinstance(value, date):
            out.append(_day(ws, value))
        else:
            out.append(value)
    return out


def _header(ws: WriteOnlyWorksheet, titles: Sequence[str | None]) -> list[Any]:
    row: list[Any] = []
    for title in titles:
        if title is None:
            row.append(None)
            continue
        cell = WriteOnlyCell(ws, title)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGNMENT
        row.append(cell)
    return row


def _widths(ws: WriteOnlyWorksheet, widths: Iterable[float]) -> None:
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _bar_chart(title: str, horizontal_labels: bool = False) -> BarChart:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars, as /stats draws them
    chart.title = title
    chart.style = 10
    chart.x_axis.scaling.orientation = "maxMin"  # the first row on top, as in /stats's chart
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    chart.width, chart.height = 18, 9
    if horizontal_labels:
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
    return chart


class SummarySheet:
    """Lays the summary out row by row (a write-only sheet cannot go back) and records where the charts' data is."""

    def __init__(self, ws: WriteOnlyWorksheet, content: Summary):
        self.ws = ws
        self.content = content
        self.row = 0

    def _append(self, cells: Sequence[Any]) -> int:
        self.ws.append(list(cells))
        self.row += 1
        return self.row

    def _title(self, text: str) -> None:
        cell = WriteOnlyCell(self.ws, text)
        cell.font = _TITLE_FONT
        self._append([cell])

    def write(self) -> None:
        c = self.content
        _widths(self.ws, _SUMMARY_WIDTHS)
        self._title(c.title)
        self._append([c.window])
        self._append([])
        stages_header = self._append(_header(self.ws, c.stages_header))
        for label, count, share in c.stages:
            self._append([label, count, share])
        stages_end = self.row
        self._append([])
        for label, count in c.figures:
            self._append([label, count])
        if c.claimed:
            self._append([])
            self._append(_header(self.ws, c.claimed_header))
            for name, count in c.claimed:
                self._append([_as_text(self.ws, name), count])
        self._append([])
        areas_header = self._areas()
        self._stages_chart(stages_header, stages_end)
        if c.chart_areas:
            # Below the stages' chart (9 cm, some 18 rows), beside its own data when that is lower.
            self._areas_chart(areas_header, areas_header + len(c.chart_areas), max(areas_header, stages_header + 20))

    def _areas(self) -> int:
        """Every area (as /stats lists them) beside the areas of /stats's chart; the header's row."""
        c = self.content
        gap: list[Any] = [None] * (_CHART_DATA_COLUMN - 1 - len(c.areas_header))
        titles = [*c.areas_header, *gap, *c.areas_header] if c.chart_areas else list(c.areas_header)
        header = self._append(_header(self.ws, titles))
        for index in range(max(len(c.areas), len(c.chart_areas))):
            left: list[Any] = list(c.areas[index]) if index < len(c.areas) else [None] * 3
            right: list[Any] = list(c.chart_areas[index]) if index < len(c.chart_areas) else []
            self._append([*left, *gap, *right])
        return header

    def _stages_chart(self, header: int, end: int) -> None:
        chart = _bar_chart(self.content.stages_chart_title, horizontal_labels=True)
        chart.add_data(Reference(self.ws, min_col=2, min_row=header, max_row=end), titles_from_data=True)
        chart.set_categories(Reference(self.ws, min_col=1, min_row=header + 1, max_row=end))
        chart.legend = None
        self.ws.add_chart(chart, f"{_CHART_ANCHOR_COLUMN}{header}")

    def _areas_chart(self, header: int, end: int, anchor_row: int) -> None:
        chart = _bar_chart(self.content.areas_chart_title)
        first = _CHART_DATA_COLUMN + 1
        chart.add_data(Reference(self.ws, min_col=first, max_col=first + 1, min_row=header, max_row=end),
                       titles_from_data=True)
        chart.set_categories(Reference(self.ws, min_col=_CHART_DATA_COLUMN, min_row=header + 1, max_row=end))
        chart.height = max(9, 2 + 0.9 * (end - header))
        chart.legend.position = "b"
        self.ws.add_chart(chart, f"{_CHART_ANCHOR_COLUMN}{anchor_row}")


class ExportWorkbook:
    """The summary first, then one sheet per region in the order given; a region first met while the rows are
    written (a teacher moved since the export began) gets its sheet at the end."""

    def __init__(self, path: Path, headers: list[str], summary: Summary, summary_title: str,
                 regions: Sequence[str | None], name_of: Callable[[str | None], str],
                 columns: Sequence[Column] = COLUMNS):
        self.path = path
        self.headers = headers
        self.columns = columns
        self.name_of = name_of
        self.book = Workbook(write_only=True)
        (self.summary_title,) = sheet_titles([summary_title])
        SummarySheet(self.book.create_sheet(self.summary_title), summary).write()
        self.sheets: dict[str | None, WriteOnlyWorksheet] = {}
        for region in regions:
            self._sheet(region)
        self.rows = 0

    def _sheet(self, region: str | None) -> WriteOnlyWorksheet:
        found = self.sheets.get(region)
        if found is not None:
            return found
        (title,) = sheet_titles([self.name_of(region)], [self.summary_title, *(s.title for s in self.sheets.values())])
        ws = self.book.create_sheet(title)
        _widths(ws, (column.width for column in self.columns))
        ws.freeze_panes = "A2"
        ws.append(_header(ws, self.headers))
        self.sheets[region] = ws
        return ws

    def append(self, region: str | None, values: Sequence[Cell]) -> None:
        ws = self._sheet(region)
        ws.append(_cells(ws, values))
        self.rows += 1

    def close(self) -> None:
        self.book.save(self.path)
