"""What every sheet of the ranking workbook shares: formats, tables, page setup (over qwb.xlsx).

Text from a return (values, file names, messages quoting them) is written with
``write_string`` only (qwb.xlsx.put), never ``write``: a cell that starts with
= + - @ stays text, so a return cannot put a formula or a link into the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from qwb import xlsx
from qwb.engine import KeyIndex, as_number
from qwb.issues import SEVERITY_NAMES

#: the charts' font, on every Windows with Excel or WPS; LibreOffice elsewhere substitutes a CJK font
#: (rendered and checked with fonts-noto-cjk: no missing glyphs)
CHART_FONT = "微软雅黑"
HEADER_FILL = "#1F4E78"
SUBHEADER_FILL = "#DDEBF7"
BAND_FILL = "#F3F6FA"
NA_FILL = "#E7E6E6"
UNSCORED_FONT = "#7F7F7F"
NA_TEXT = "缺项"
#: an item that has no score to show: not sent, refused, or not yet due (never shown as a 0)
MISSING_TEXT, INVALID_TEXT, NOT_DUE_TEXT = "未报", "无效", "未到期"
ERROR_COLOR = "#C00000"
WARNING_COLOR = "#B26B00"
#: fills for the grades from best to worst; the worst grade is always red
GRADE_FILLS = ["#C6EFCE", "#DDEBF7", "#FFF2CC", "#FCE4D6"]
GRADE_BARS = ["#5B9E47", "#4472C4", "#E0A526", "#ED7D31"]
WORST_FILL, WORST_BAR = "#FFC7CE", "#C00000"
#: a three-colour heat map: nothing, half, full marks
HEAT = ("#F8696B", "#FFEB84", "#63BE7B")

#: the title's type size, down to the smallest when a narrow table needs it on one line
TITLE_SIZE, SMALLEST_TITLE_SIZE = 16, 12
SEVERITY = SEVERITY_NAMES
STATUS = {"accepted": "采用", "rejected": "拒收", "superseded": "已替代"}
KIND = {"department": "部门填报", "unit": "单位自评"}
ROLE = {"base": "基本", "bonus": "加分", "deduction": "扣分"}


class Styles(xlsx.Formats):
    """The report's formats; each is created once per workbook."""

    def title(self, size: float = 0) -> Any:
        return self.get(bold=True, font_size=size or TITLE_SIZE, text_wrap=True)

    def subtitle(self) -> Any:
        return self.get(font_color="#595959", text_wrap=True)

    def header(self, **extra: Any) -> Any:
        return self.get(bold=True, font_color="white", bg_color=HEADER_FILL, border=1, border_color="#8EA9C1",
                        align="center", text_wrap=True, **extra)

    def cell(self, **extra: Any) -> Any:
        return self.get(border=1, border_color="#BFBFBF", **extra)

    def one_line(self, text: str, width: float, **extra: Any) -> Any:
        """A cell kept to one line: its text shrunk when the column is too narrow for it."""
        return self.cell(shrink=xlsx.line_count(text, width) > 1, **extra)

    def link(self, text: str, width: float) -> Any:
        """A link to a file: one line, as LibreOffice cannot wrap a link."""
        return self.one_line(text, width, font_color="#0563C1", underline=1)

    def number(self, decimals: int, **extra: Any) -> Any:
        return self.cell(num_format="0" if decimals == 0 else "0." + "0" * decimals, **extra)


@dataclass
class Report:
    """One ranking workbook being written: the consolidation, the workbook and where it will be saved."""

    c: Any  # qwb.consolidate.Consolidation
    workbook: Any
    out: Path
    styles: Styles = field(init=False)
    #: each sheet's title, subtitle and how many columns they are merged across (see fit_title)
    titles: dict[str, tuple[str, str | None, int]] = field(init=False, default_factory=dict)

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
    def refused(self) -> set[tuple[str, str]]:
        """(unit, indicator) pairs with a value that was refused (an error issue), as opposed to not sent."""
        return {(i.unit, i.indicator) for i in self.c.issues if i.severity == "error" and i.unit and i.indicator}

    def item_text(self, unit_id: str, item_id: str, item: Any) -> str:
        """The grey text an item shows instead of a score: 缺项, 未到期, or 未报 / 无效 when no period of it could
        be scored (it counts 0, but a 0 on the sheet would read as a real score); "" when it has a score."""
        if item.na:
            return NA_TEXT
        if not item.due:
            return NOT_DUE_TEXT
        scores = item.period_scores.values()
        if scores and None in scores and all(v is None for v in scores):  # `in` first: most items have scores
            return INVALID_TEXT if (unit_id, item_id) in self.refused else MISSING_TEXT
        return ""

    @cached_property
    def return_paths(self) -> dict[str, Path]:
        """Each return's path by the name issues use (the first, if two share a name)."""
        paths: dict[str, Path] = {}
        for rf in self.c.returns:
            paths.setdefault(rf.name, Path(rf.path))
        return paths

    @cached_property
    def folder(self) -> Path:
        """The folder the workbook is saved in, resolved: links to returns are relative to it."""
        return Path(self.out).resolve().parent

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

    @property
    def as_of_text(self) -> str:
        """（截至“半年”，期中汇总） for a scheme with time nodes; nothing for a scheme with one."""
        if len(self.scheme.periods) < 2:
            return ""
        node = next(p.name for p in self.scheme.periods if p.id == self.c.as_of)
        return f"（截至“{node}”{'，期中汇总' if self.c.interim else ''}）"

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


@dataclass(frozen=True)
class Column:
    name: str
    width: float


#: the widest a column of file names (or of department names) gets; a longer name wraps in a taller row
FILE_WIDTH = 64
NAME_WIDTH = 32


def with_widths(columns: list[Column], **widths: float) -> list[Column]:
    """The columns with some widths replaced (by column name)."""
    return [Column(c.name, widths.get(c.name, c.width)) for c in columns]


def header_row(r: Report, ws: Any, row: int, columns: list[Column], height: float = 30) -> None:
    """The table's header: its wrapped names in a row at least ``height`` tall, taller when a name needs it."""
    for col, column in enumerate(columns):
        ws.write_string(row, col, column.name, r.styles.header())
        ws.set_column(col, col, column.width)
    ws.set_row(row, max(height, xlsx.row_height((c.name, c.width) for c in columns)))


def title_block(r: Report, ws: Any, title: str, subtitle: str | None, width: int) -> None:
    """Row 1: the title, with the node the run is as of; row 2: what the sheet shows (None: the sheet writes
    its own second row). Both merged across ``width`` columns, wrapped within them when wider (page_setup makes
    the rows tall enough once the columns have their widths)."""
    title += r.as_of_text
    xlsx.merge_text(ws, 0, 0, 0, max(width - 1, 0), title, r.styles.title())
    ws.set_row(0, 26)
    if subtitle is not None:
        xlsx.merge_text(ws, 1, 0, 1, max(width - 1, 0), subtitle, r.styles.subtitle())
    r.titles[ws.name] = (title, subtitle, width)


def column_width(ws: Any, col: int) -> float:
    """A column's width in units, as set (Excel's default when not)."""
    info = ws.col_info.get(col)
    return (info.width - 5) / 7 if info is not None and info.width is not None else 8.43


def fit_title(r: Report, ws: Any) -> None:
    """Once the columns have their widths: the title in smaller type when that keeps it on one line across the
    columns it is merged over, and the title and subtitle rows as tall as their text takes there."""
    if ws.name not in r.titles:
        return
    title, subtitle, width = r.titles[ws.name]
    across = sum(column_width(ws, col) for col in range(max(width, 1)))
    size = next((size for size in range(TITLE_SIZE, SMALLEST_TITLE_SIZE - 1, -1)
                 if xlsx.text_width(title, size) + 1 <= across), SMALLEST_TITLE_SIZE)
    if size != TITLE_SIZE:
        ws.write_string(0, 0, title, r.styles.title(size))
    ws.set_row(0, max(26, xlsx.row_height([(title, across)], size)))
    if subtitle:
        xlsx.fit_row(ws, 1, [(subtitle, across)])


def page_setup(r: Report, ws: Any, repeat: int | None, last_row: int, last_col: int, landscape: bool = True,
               fit_height: int = 0, fit_width: int = 1, scale: int | None = None) -> None:
    """A4, fitted to ``fit_width`` pages wide (or printed at ``scale`` per cent), header rows repeated, the
    scheme and sheet in the header, page numbers in the footer (8 point), centred."""
    xlsx.page_setup(ws, landscape, repeat, fit_height, footer="&C&8 第 &P 页，共 &N 页", fit_width=fit_width,
                    scale=scale)
    ws.print_area(0, 0, max(last_row, 0), max(last_col, 0))
    ws.center_horizontally()
    fit_title(r, ws)
    fix_heights(ws, last_row)
    ws.set_header(f"&L&8 {_escape_header(r.heading + r.as_of_text)}&R&8 &A")  # the space ends the font size: &8 2015年


#: points; a 10-point Chinese line with its spacing
ROW_HEIGHT = 15


def fix_heights(ws: Any, last_row: int) -> None:
    """Give every printed row an explicit height, so Excel, WPS and LibreOffice break pages at the same rows
    (each application's automatic height for a Chinese line differs)."""
    for row in range(last_row + 1):
        if row not in ws.row_info:
            ws.set_row(row, ROW_HEIGHT)


def height_of(ws: Any, row: int) -> float:
    """A row's height in points: as set, or the height every printed row is given (fix_heights)."""
    info = ws.row_info.get(row)
    return info.height * 0.75 if info is not None and info.height is not None else ROW_HEIGHT


def room_below(ws: Any, last_row: int, widths: list[float], repeat: int | None) -> tuple[float, float]:
    """Points of the sheet (unscaled) left below ``last_row`` on its printed page, and on a page that holds only
    the repeated header row, for a sheet fitted to one landscape A4 page wide. A little is kept in hand: the
    applications' row heights differ by a fraction of a point."""
    page = xlsx.printable()[1] / xlsx.fitted_scale(widths) * xlsx.PRINT_SAFETY
    header = height_of(ws, repeat) if repeat is not None else 0.0
    used = 0.0
    for row in range(last_row + 1):
        height = height_of(ws, row)
        if used + height > page:
            used = header
        used += height
    return page - used, page - header


def _escape_header(text: str) -> str:
    return text.replace("&", "&&")


def chart_font(size: float = 9, **extra: Any) -> dict[str, Any]:
    return {"name": CHART_FONT, "size": size, **extra}

