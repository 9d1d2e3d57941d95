"""校验问题: every issue, filterable, each with a link to the return it is about.

The link is built from the name of the file qwb read from disk, relative to the
report, never from anything inside a return.
"""

from __future__ import annotations

import os
from typing import Any

from qwb.issues import REGISTRY
from qwb.report.base import (
    ERROR_COLOR,
    FILE_WIDTH,
    SEVERITY,
    WARNING_COLOR,
    Column,
    Report,
    header_row,
    page_setup,
    title_block,
    with_widths,
)
from qwb.templates.names import ENTRY_SHEET, IDENTITY_SHEET
from qwb.xlsx import fit_row, fit_width, put, quoted

SHEET = "校验问题"
HEADER = 2
FIRST = HEADER + 1
COLUMNS = [
    Column("序号", 5), Column("级别", 5.5), Column("问题", 14), Column("文件（点击打开）", 30), Column("工作表", 7),
    Column("单元格", 7), Column("被考核单位", 10), Column("指标", 6), Column("说明", 60), Column("代码", 16),
]
COL = {c.name: i for i, c in enumerate(COLUMNS)}
#: sheets qwb itself names in issues: only these go into a link's location
KNOWN_SHEETS = {ENTRY_SHEET, IDENTITY_SHEET}
#: characters that would change what a link means or where it points
UNSAFE = set('#"<>|?*') | {chr(c) for c in range(32)}


def link_target(r: Report, name: str, sheet: str = "", cell: str = "") -> str | None:
    """'external:' + the return's path relative to the report, from the name qwb read from disk."""
    path = r.return_paths.get(name)
    if path is None:
        return None
    try:
        relative = os.path.relpath(path.resolve(), r.folder)
    except ValueError:  # another drive on Windows
        return None
    relative = relative.replace(os.sep, "/")
    if any(ch in UNSAFE for ch in relative) or len(relative) > 200:
        return None
    target = f"external:{relative}"
    if sheet in KNOWN_SHEETS and cell.isalnum() and cell.isascii():
        target += f"#{quoted(sheet)}!{cell}"
    return target


def write(r: Report) -> None:
    ws = r.workbook.add_worksheet(SHEET)
    issues = r.c.issues
    n_err = sum(1 for i in issues if i.severity == "error")
    subtitle = (f"共 {len(issues)} 个问题：错误 {n_err} 个，警告 {len(issues) - n_err} 个。"
                "错误的填报值不计分（按未填写处理）；点击文件名打开退回文件并定位到单元格（文件需与本工作簿保持相对位置）。")
    title_block(r, ws, f"{r.heading}校验问题", subtitle, len(COLUMNS) - 1)
    file_width = fit_width([i.file for i in issues], 16, FILE_WIDTH)
    header_row(r, ws, HEADER, with_widths(COLUMNS, 问题=fit_width(map(_title, issues), 14, 30),
                                          **{"文件（点击打开）": file_width}))
    for n, issue in enumerate(issues):
        linked = _row(r, ws, FIRST + n, n + 1, issue, file_width)
        fit_row(ws, FIRST + n, [(issue.message, COLUMNS[COL["说明"]].width), ("" if linked else issue.file, file_width)])
    last_row = FIRST + max(len(issues), 1) - 1
    if not issues:
        put(ws, FIRST, COL["说明"], "未发现问题。", r.styles.cell())
    ws.autofilter(HEADER, 0, last_row, len(COLUMNS) - 1)
    ws.freeze_panes(FIRST, 0)
    page_setup(r, ws, repeat=HEADER, last_row=last_row, last_col=len(COLUMNS) - 1)


def _title(issue: Any) -> str:
    """The issue's kind in words (its code where the kind is unknown)."""
    kind = REGISTRY.get(issue.code)
    return kind.title if kind else issue.code


def _row(r: Report, ws: Any, row: int, number: int, issue: Any, file_width: float) -> bool:
    """Write the issue's row; whether its file is a link."""
    st = r.styles
    cell = st.cell()
    wrap = st.cell(text_wrap=True)
    error = issue.severity == "error"
    put(ws, row, COL["序号"], number, st.cell(align="center"))
    put(ws, row, COL["级别"], SEVERITY.get(issue.severity, issue.severity),
        st.cell(align="center", bold=True, font_color=ERROR_COLOR if error else WARNING_COLOR))
    put(ws, row, COL["问题"], _title(issue), cell)
    linked = _file_cell(r, ws, row, issue, file_width)
    put(ws, row, COL["工作表"], issue.sheet, cell)
    put(ws, row, COL["单元格"], issue.cell, st.cell(align="center"))
    put(ws, row, COL["被考核单位"], r.unit_name(issue.unit), cell)
    put(ws, row, COL["指标"], issue.indicator, st.cell(align="center"))
    put(ws, row, COL["说明"], issue.message, wrap)
    put(ws, row, COL["代码"], issue.code, st.cell(font_color="#7F7F7F", font_size=9))
    return linked


def _file_cell(r: Report, ws: Any, row: int, issue: Any, width: float) -> bool:
    """The issue's file, as a link when it can be opened from here; whether it is one."""
    target = link_target(r, issue.file, issue.sheet, issue.cell) if issue.file else None
    if target is None:
        put(ws, row, COL["文件（点击打开）"], issue.file, r.styles.cell(text_wrap=True))
        return False
    ws.write_url(row, COL["文件（点击打开）"], target, r.styles.link(issue.file, width), issue.file,
                 "打开退回文件" + (f"（{issue.sheet}!{issue.cell}）" if issue.cell else ""))
    return True
