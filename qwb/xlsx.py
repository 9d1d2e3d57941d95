"""What qwb's xlsxwriter producers share: the workbook options, a format cache, safe cell writing, page
setup, sheet references, and one estimate of how wide text is and how tall a row of wrapped text must be.

The producers: the fill-in templates (qwb.templates.writer), the ranking workbook (qwb.report) and the
scheme workbook (qwb.scheme.excel_writer).

Widths are in Excel's column units: the width of a digit of the workbook's default font (11-point
Calibri, which xlsxwriter declares): 7 pixels. Heights are in points. xlsxwriter cannot autofit, and
LibreOffice and WPS keep a stored row height, so a row of wrapped text gets the height estimated here.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

#: nothing a producer writes is converted on its own: a string stays a string (never a number, a formula
#: or a link), and NaN or infinity is refused rather than written as an error value
OPTIONS = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
           "nan_inf_to_errors": False}

FONT = "宋体"
FONT_SIZE = 10
#: the cell formats every producer starts from
BASE_FORMAT = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter"}

A4, A3 = 9, 8
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
PAGE_NUMBERS = "&C第 &P 页，共 &N 页"

#: column units one character of 10-point text takes. A Chinese character (or a full-width or ambiguous one:
#: “ ” — …) is an em: 13 px against 7 px a unit in Excel at 100% (1.86), 17 against 9 at 125% (1.89), 1.8 in
#: LibreOffice with Calibri's metrics; a Latin letter or digit of 宋体 half an em. Checked against each of
#: these on the bundled schemes' texts: no row estimated short, 15 of 657 cells a line taller than Excel needs
WIDE = 1.9
NARROW = 0.95
#: a Latin letter, digit or sign where 宋体 is not installed (LibreOffice on Linux) is drawn in the fallback
#: font, DejaVu Sans: its digits are 0.64 em against 宋体's half em, so 2015年 measured with 宋体 wrapped early.
#: Widths in ems of DejaVu Sans; a character is given the wider of that and half an em (NARROW)
_FALLBACK_EMS = {**dict.fromkeys("0123456789", 0.64), **dict.fromkeys("%@", 0.95), **dict.fromkeys("mwMW", 0.9),
                 **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ", 0.72), **dict.fromkeys("abcdeghknopqsuvxyz", 0.6)}
#: points per line of 10-point Chinese text: Excel's 宋体 needs 13.5, LibreOffice's Noto CJK 14.5
LINE = 14.5
#: points a row adds to its lines (the cell's top and bottom margins)
ROW_PADDING = 3
MAX_ROW_HEIGHT = 409


def new_workbook(buffer: io.BytesIO) -> Any:
    """An in-memory xlsxwriter workbook with qwb's options; close() it, then read ``buffer``."""
    return xlsxwriter.Workbook(buffer, dict(OPTIONS))


class Formats:
    """Each distinct cell format created once per workbook: equal properties give the same Format."""

    def __init__(self, workbook: Any):
        self.workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, **props: Any) -> Any:
        """A cell format: BASE_FORMAT with ``props`` over it."""
        return self._format({**BASE_FORMAT, **props})

    def dxf(self, **props: Any) -> Any:
        """A format for conditional formatting: only what it changes."""
        return self._format(props, ("dxf", True))

    def _format(self, props: dict[str, Any], *tag: tuple[str, Any]) -> Any:
        key = (*tag, *sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]


# --- cells ----------------------------------------------------------------------------------------


def put(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value by its Python type; every string as a string, never a formula or a link."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):  # a TRUE/FALSE cell in a return stays one
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), fmt)
    elif isinstance(value, (int, float)):
        if value != value or value in (math.inf, -math.inf):
            ws.write_string(row, col, str(value), fmt)
        else:
            ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime):
        ws.write_string(row, col, value.isoformat(sep=" "), fmt)
    elif isinstance(value, (dt.date, dt.time)):
        ws.write_string(row, col, value.isoformat(), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def merge_text(ws: Any, first_row: int, first_col: int, last_row: int, last_col: int, text: str, fmt: Any) -> None:
    """A merged range holding text (merge_range alone would pick the write method by the data's type);
    a single cell is written without merging."""
    if (first_row, first_col) != (last_row, last_col):
        ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    ws.write_string(first_row, first_col, text, fmt)


# --- references -----------------------------------------------------------------------------------


def quoted(sheet: str) -> str:
    """A sheet name as a reference starts: always in quotes ('填报'). xlsxwriter's quote_sheetname leaves a
    Chinese name bare; the quotes are what every formula and chart qwb writes has always held."""
    name = quote_sheetname(sheet)
    return name if name.startswith("'") else f"'{name}'"


def sheet_ref(sheet: str, row: int, col: int, row_end: int | None = None, col_end: int | None = None) -> str:
    """An absolute reference such as '总排名'!$C$5:$C$10 (rows and columns 0-based)."""
    start = xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)
    if row_end is None:
        return f"{quoted(sheet)}!{start}"
    end = xl_rowcol_to_cell(row_end, col if col_end is None else col_end, row_abs=True, col_abs=True)
    return f"{quoted(sheet)}!{start}:{end}"


# --- page setup -----------------------------------------------------------------------------------


def page_setup(ws: Any, landscape: bool = True, repeat: int | None = None, fit_height: int = 0,
               footer: str = PAGE_NUMBERS, paper: int = A4, fit_width: int = 1, scale: int | None = None) -> None:
    """A4 (or ``paper``: 8 is A3), fitted to ``fit_width`` pages wide (and ``fit_height`` pages high, 0: as
    many as it takes), row ``repeat`` (0-based) printed on every page, ``footer`` (page numbers; "" for none).
    With ``scale`` (per cent, see print_scale) the sheet is printed at that size instead of fitted: Excel
    ignores manual page breaks on a sheet fitted to pages."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(paper)
    ws.set_margins(**MARGINS)
    if repeat is not None:
        ws.repeat_rows(repeat)
    if scale is None:
        ws.fit_to_pages(fit_width, fit_height)
    else:
        ws.set_print_scale(scale)
    if footer:
        ws.set_footer(footer)


# --- text width and row height --------------------------------------------------------------------

#: what a line does not break inside: a run of Latin letters and digits, a character with the closing
#: punctuation after it (，。） never start a line) and the opening punctuation before it (（“ never end one)
_UNIT = re.compile(r"\s|[（《“‘「『【〔(\[]*(?:[!-~]+|.)[，。、；：？！）》”’」』】〕…,.;:!?)\]]*")


def char_width(ch: str, size: float = FONT_SIZE) -> float:
    wide = unicodedata.east_asian_width(ch) in "WFA"
    return (WIDE if wide else max(NARROW, WIDE * _FALLBACK_EMS.get(ch, 0))) * size / FONT_SIZE


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The display width of text in column units: of its widest line, if it has several."""
    return max(sum(char_width(ch, size) for ch in line) for line in str(text).split("\n"))


def line_count(text: str, width: float, size: float = FONT_SIZE) -> int:
    """Lines wrapped text takes in a column ``width`` units wide: each line filled as a spreadsheet does,
    never breaking a run of Latin letters or digits that fits on a line."""
    usable = max(width, WIDE * size / FONT_SIZE)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for unit in _UNIT.findall(paragraph):
            w = sum(char_width(ch, size) for ch in unit)
            if used and used + w > usable and not unit.isspace():
                lines += 1
                used = 0.0
            while w > usable:  # longer than a line: broken anywhere
                lines += 1
                w -= usable
            used += w
    return max(lines, 1)


def row_height(cells: Iterable[tuple[str, float]], size: float = FONT_SIZE) -> float:
    """Points a row needs to show its wrapped cells, given as (text, column width), in full."""
    lines = max((line_count(text, width, size) for text, width in cells if text), default=1)
    return min(MAX_ROW_HEIGHT, LINE * size / FONT_SIZE * lines + ROW_PADDING)


def fit_row(ws: Any, row: int, cells: Iterable[tuple[str, float]], size: float = FONT_SIZE) -> None:
    """Set a row's height for its wrapped cells when they take more than one line (spreadsheets do not
    refit a row of an .xlsx on opening)."""
    cells = [(text, width) for text, width in cells if text]
    if any(line_count(text, width, size) > 1 for text, width in cells):
        ws.set_row(row, row_height(cells, size))


def fit_width(texts: Iterable[str], minimum: float, maximum: float) -> float:
    """A column width that shows the longest text on one line, between the bounds."""
    return max(minimum, min(maximum, max((text_width(t) + 2 for t in texts), default=0)))


def pixels(width: float) -> int:
    """A column's width on screen, as charts are sized."""
    return int(width * 7 + 5)


#: inches of paper: A4 and A3, long side first
PAPER_INCHES = {A4: (11.69, 8.27), A3: (16.54, 11.69)}
#: of the printable width a scaled page fills at most: the applications' column widths differ by a pixel or so
PRINT_SAFETY = 0.95


def print_scale(widths: Iterable[float], landscape: bool = True, paper: int = A4) -> int:
    """The print size (per cent, 10-100) at which columns of these widths fit across one page between the
    margins, with PRINT_SAFETY in hand."""
    needed = _points_across(widths)
    across = printable(landscape, paper)[0]
    return max(10, min(100, math.floor(100 * PRINT_SAFETY * across / needed))) if needed else 100


def printable(landscape: bool = True, paper: int = A4) -> tuple[float, float]:
    """Points of paper between the margins: (across, down)."""
    long, short = PAPER_INCHES[paper]
    across, down = (long, short) if landscape else (short, long)
    return ((across - MARGINS["left"] - MARGINS["right"]) * 72, (down - MARGINS["top"] - MARGINS["bottom"]) * 72)


def fitted_scale(widths: Iterable[float], landscape: bool = True, paper: int = A4) -> float:
    """The size (1 = 100 %) a sheet fitted to one page wide is printed at: whole per cent, as the applications
    choose it."""
    needed = _points_across(widths)
    across = printable(landscape, paper)[0]
    return min(100, math.floor(100 * across / needed)) / 100 if needed else 1.0


def _points_across(widths: Iterable[float]) -> float:
    """Points columns of these widths take on paper at 100 % (a pixel is 3/4 of a point)."""
    return sum(pixels(w) for w in widths) * 0.75
