"""What every sheet of the ranking workbook shares: formats, safe cell writing, tables, page setup.

Text from a return (values, file names, messages quoting them) is written with
``write_string`` only, never ``write``: a cell that starts with = + - @ stays
text, so a return cannot put a formula or a link into the report.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from qwb.engine import KeyIndex, as_number
from qwb.templates.styles import Styles as CachedFormats

FONT = "宋体"
#: the charts' font, on every Windows with Excel or WPS; LibreOffice elsewhere substitutes a CJK font
#: (rendered and checked with fonts-noto-cjk: no missing glyphs)
CHART_FONT = "微软雅黑"
HEADER_FILL = "#1F4E78"
SUBHEADER_FILL = "#DDEBF7"
BAND_FILL = "#F3F6FA"
NA_FILL = "#E7E6E6"
ERROR_COLOR = "#C00000"
WARNING_COLOR = "#B26B00"
#: fills for the grades from best to worst; the worst grade is always red
GRADE_FILLS = ["#C6EFCE", "#DDEBF7", "#FFF2CC", "#FCE4D6"]
GRADE_BARS = ["#5B9E47", "#4472C4", "#E0A526", "#ED7D31"]
WORST_FILL, WORST_BAR = "#FFC7CE", "#C00000"
#: a three-colour heat map: nothing, half, full marks
HEAT = ("#F8696B", "#FFEB84", "#63BE7B")

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS = {"accepted": "采用", "rejected": "拒收", "superseded": "已替代"}
KIND = {"department": "部门填报", "unit": "单位自评"}
ROLE = {"base": "基本", "bonus": "加分", "deduction": "扣分"}


class Styles(CachedFormats):
    """The report's formats; each is created once per workbook (the cache the templates use)."""

    def dxf(self, **props: Any) -> Any:
        """A format for conditional formatting: only what it changes."""
        key = (("dxf", True), *sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]

    def title(self) -> Any:
        return self.get(bold=True, font_size=16)

    def subtitle(self) -> Any:
        return self.get(font_color="#595959")

    def header(self, **extra: Any) -> Any:
        return self.get(bold=True, font_color="white", bg_color=HEADER_FILL, border=1, border_color="#8EA9C1",
                        align="center", text_wrap=True, **extra)

    def cell(self, **extra: Any) -> Any:
        return self.get(border=1, border_color="#BFBFBF", **extra)

    def number(self, decimals: int, **extra: Any) -> Any:
        return self.cell(num_format="0" if decimals == 0 else "0." + "0" * decimals, **extra)


@dataclass
class Report:
    """One ranking workbook being written: the consolidation, the workbook and where it will be saved."""

    c: Any  # qwb.consolidate.Consolidation
    workbook: Any
    out: Path
    styles: Styles = field(init=False)
    raw_to_csv: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.styles = Styles(self.workbook)

    @property
    def scheme(self) -> Any:
        return self.c.scheme

    @property
    def decimals(self) -> int:
        return int(self.scheme.decimals)

    def num(self, value: Decimal | None) -> float | None:
        return None if value is None else as_number(value, self.decimals)

    @cached_property
    def index(self) -> KeyIndex:
        return KeyIndex(self.scheme)

    @cached_property
    def grade_fills(self) -> dict[str, tuple[str, str]]:
        """Grade name -> (cell fill, bar colour), best to worst; the last grade red."""
        names = [g.name for g in self.scheme.grades]
        out = {}
        for i, name in enumerate(names):
            last = i == len(names) - 1 and len(names) > 1
            out[name] = (WORST_FILL, WORST_BAR) if last else (GRADE_FILLS[min(i, 3)], GRADE_BARS[min(i, 3)])
        if self.scheme.veto_grade and self.scheme.veto_grade not in out:
            out[self.scheme.veto_grade] = (WORST_FILL, WORST_BAR)
        return out

    @property
    def heading(self) -> str:
        """The scheme's name with its year, said once: 常州市质量工作考核（2016年度）."""
        name, year = self.scheme.name, str(self.scheme.year)
        return name if year in name else f"{name}（{year}年度）"

    def unit_name(self, unit_id: str) -> str:
        return self.scheme.unit_name(unit_id) if unit_id else ""

    def assignee_name(self, kind: str, assignee: str) -> str:
        if kind == "unit":
            return self.scheme.unit_name(assignee)
        return self.scheme.department_name(assignee)

    def created(self) -> dt.datetime:
        """The workbook's fixed creation time, from the scheme: the same consolidation gives the same bytes."""
        end = self.scheme.period_end or dt.date(max(int(self.scheme.year or 0), 1980), 12, 31)
        return dt.datetime(max(end.year, 1980), end.month, end.day)


def put(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value by its Python type; every string as a string, never a formula or a link."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):  # a TRUE/FALSE cell in a return stays one
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), fmt)
    elif isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            ws.write_string(row, col, str(value), fmt)
        else:
            ws.write_number(row, col, value, fmt)
    elif isinstance(value, (dt.datetime, dt.date, dt.time)):
        ws.write_string(row, col, value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat(), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


@dataclass(frozen=True)
class Column:
    name: str
    width: float
    key: str = ""  # a named format, see Table.formats


def with_widths(columns: list[Column], **widths: float) -> list[Column]:
    """The columns with some widths replaced (by column name)."""
    return [Column(c.name, widths.get(c.name, c.width), c.key) for c in columns]


def header_row(r: Report, ws: Any, row: int, columns: list[Column], height: float = 30) -> None:
    for col, column in enumerate(columns):
        ws.write_string(row, col, column.name, r.styles.header())
        ws.set_column(col, col, column.width)
    ws.set_row(row, height)


def merge(ws: Any, first_row: int, first_col: int, last_row: int, last_col: int, text: str, fmt: Any) -> None:
    """A merged range holding text (merge_range alone would guess the type of its data)."""
    if (first_row, first_col) == (last_row, last_col):
        ws.write_string(first_row, first_col, text, fmt)
        return
    ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    ws.write_string(first_row, first_col, text, fmt)


def title_block(r: Report, ws: Any, title: str, subtitle: str, width: int) -> None:
    """Row 1: the title; row 2: what the sheet shows."""
    merge(ws, 0, 0, 0, max(width - 1, 0), title, r.styles.title())
    ws.set_row(0, 26)
    merge(ws, 1, 0, 1, max(width - 1, 0), subtitle, r.styles.subtitle())


def page_setup(r: Report, ws: Any, repeat: int | None, last_row: int, last_col: int, landscape: bool = True,
               fit_height: int = 0) -> None:
    """A4, fitted to one page wide, header rows repeated, a footer with page numbers."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if repeat is not None:
        ws.repeat_rows(repeat)
    ws.print_area(0, 0, max(last_row, 0), max(last_col, 0))
    ws.fit_to_pages(1, fit_height)
    ws.center_horizontally()
    fix_heights(ws, last_row)
    ws.set_header(f"&L&8 {_escape_header(r.heading)}&R&8 &A")  # the space ends the font size: &8 2015年
    ws.set_footer("&C&8 第 &P 页，共 &N 页")


#: points; a 10-point Chinese line with its spacing
ROW_HEIGHT = 15


def fix_heights(ws: Any, last_row: int) -> None:
    """Give every printed row an explicit height, so Excel, WPS and LibreOffice break pages at the same rows
    (each application's automatic height for a Chinese line differs)."""
    for row in range(last_row + 1):
        if row not in ws.row_info:
            ws.set_row(row, ROW_HEIGHT)


def _escape_header(text: str) -> str:
    return text.replace("&", "&&")


def sheet_ref(name: str, row: int, col: int, row_end: int | None = None, col_end: int | None = None) -> str:
    """An absolute reference such as '总排名'!$C$5:$C$10 (rows and columns 0-based)."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    start = xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)
    if row_end is None:
        return f"'{name}'!{start}"
    end = xl_rowcol_to_cell(row_end, col_end if col_end is not None else col, row_abs=True, col_abs=True)
    return f"'{name}'!{start}:{end}"


def display_width(text: str) -> int:
    """Width in spreadsheet column units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` units wide."""
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in str(text).split("\n"))


def fit_width(texts: list[str], minimum: float, maximum: float) -> float:
    """A column width that shows the longest text, between the bounds."""
    return max(minimum, min(maximum, max((display_width(t) + 2 for t in texts), default=0)))


def fit_rows(ws: Any, row: int, wrapped: list[tuple[str, float]], line: float = 13.5) -> None:
    """Set a row's height for its wrapped cells, given as (text, column width); spreadsheets do not on open."""
    lines = max((lines_needed(text, width) for text, width in wrapped if text), default=1)
    if lines > 1:
        ws.set_row(row, min(line * lines + 3, 409))


def chart_font(size: float = 9, **extra: Any) -> dict[str, Any]:
    return {"name": CHART_FONT, "size": size, **extra}


def points_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")
