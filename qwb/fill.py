"""Fill a template as the contract allows (openpyxl): write 填报值 cells only, matched by 编码.

Used by the demo to make realistic returns and by the tests. A value wrapped
in :class:`Text` is stored as text even when it starts with = + - @, as a
person's typing in a text cell (or a hostile return) would be; any other
string starting with = becomes a formula, as typing it into Excel would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter

from qwb.templates.names import (
    ENTRY_SHEET,
    HEADER_SCAN_ROWS,
    KEY_HEADER,
    PERSON_LABEL,
    PHONE_LABEL,
    SCORE_HEADER,
    VALUE_HEADER,
)


class Text(str):
    """A string written as a text cell, never as a formula."""


def header_map(ws: Any) -> tuple[int, dict[str, int]]:
    """The entry table's header row and {header: column} (1-based, as openpyxl counts)."""
    for row in ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS):
        names = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if KEY_HEADER in names and VALUE_HEADER in names:
            return row[0].row, names
    raise ValueError("no entry table header")


def set_value(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, Text):
        cell.data_type = "s"


def fill(template: Path, out: Path, entries: dict[str, Any], date: Any = None, person: str | None = None,
         phone: str | None = None) -> int:
    """Write ``entries`` into the 填报值 cells (and the 填报日期, 填报人, 联系电话 if given); returns how many
    entries were written."""
    wb = openpyxl.load_workbook(template)
    ws = wb[ENTRY_SHEET]
    header, cols = header_map(ws)
    written = 0
    for row in range(header + 1, ws.max_row + 1):
        key = ws.cell(row, cols[KEY_HEADER]).value
        if key in entries:
            set_value(ws.cell(row, cols[VALUE_HEADER]), entries[key])
            written += 1
    if date is not None:
        ws.cell(2, cols[VALUE_HEADER]).value = date
    for label, value in ((PERSON_LABEL, person), (PHONE_LABEL, phone)):
        if value is not None:
            _next_to(ws, header, label, value)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return written


def _next_to(ws: Any, header: int, label: str, value: Any) -> None:
    """Write into the cell right of a label above the entry table (right of the label's merged cells)."""
    for row in ws.iter_rows(min_row=1, max_row=header - 1):
        for cell in row:
            if cell.value == label:
                last = next((r.max_col for r in ws.merged_cells.ranges if cell.coordinate in r), cell.column)
                set_value(ws.cell(cell.row, last + 1), value)
                return


def sort_rows(path: Path, column: str = "被考核单位", reverse: bool = False) -> None:
    """Sort the entry rows by one column, as a filler's spreadsheet would: values move with their row and
    formulas are shifted to their new row (a formula pointing at another row then points elsewhere, as in Excel)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[ENTRY_SHEET]
    header, cols = header_map(ws)
    width = ws.max_column
    rows = [(r, [ws.cell(r, c).value for c in range(1, width + 1)]) for r in range(header + 1, ws.max_row + 1)]
    rows = [item for item in rows if any(v is not None for v in item[1])]
    index = cols[column] - 1
    ordered = sorted(rows, key=lambda item: (item[1][index] is None, str(item[1][index] or "")), reverse=reverse)
    for target, (source, values) in enumerate(ordered, start=header + 1):
        for c, value in enumerate(values, start=1):
            if isinstance(value, str) and value.startswith("="):
                letter = get_column_letter(c)
                value = Translator(value, origin=f"{letter}{source}").translate_formula(f"{letter}{target}")
            ws.cell(target, c).value = value
    wb.save(path)


def read_scores(path: Path) -> dict[str, Any]:
    """{key: cached 得分} for rows that carry a score, read from a recalculated file."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[ENTRY_SHEET]
    header, cols = header_map(ws)
    out = {}
    for row in range(header + 1, ws.max_row + 1):
        key = ws.cell(row, cols[KEY_HEADER]).value
        score = ws.cell(row, cols[SCORE_HEADER]).value
        if key:
            out[key] = score
    return out


def as_date(day: dt.date) -> dt.datetime:
    """A date as openpyxl writes it into a date cell."""
    return dt.datetime(day.year, day.month, day.day)
