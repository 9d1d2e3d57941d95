"""Feedback workbooks: what goes back to each department or unit after a consolidation.

For every assignee with problems, its own template pre-filled with what it sent,
every problem cell highlighted with a Chinese comment, and a 问题清单 sheet; for
every assignee that sent nothing, its blank template with a cover note. Each is a
valid template: filled in and returned, it consolidates like the original.
Input files are never touched: the workbooks are built anew from the scheme.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qwb.consolidate import Consolidation
from qwb.files import write_atomic
from qwb.issues import REGISTRY, Issue, Superseded
from qwb.returns import ReturnFile
from qwb.submissions import latest_first_order
from qwb.templates.layout import Assignee, file_name
from qwb.templates.names import ENTRY_SHEET, KEY_HEADER, VALUE_HEADER
from qwb.templates.writer import build_workbook
from qwb.values import ErrorValue, is_blank
from qwb.xlsx import row_height

SHEET = "问题清单"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
SEVERITY = {"error": "错误", "warning": "提醒", "info": "提示"}
#: issues about an old copy, not something the assignee must fix
NOT_FOR_THE_ASSIGNEE = {Superseded.code}


def write_feedback(c: Consolidation, folder: Path, expected_kinds: tuple[str, ...] | None = None) -> list[Path]:
    """One workbook per assignee with problems or missing values, and per assignee that sent nothing."""
    from qwb.returns import Expectations

    expect = Expectations(c.scheme)
    kinds = expected_kinds or tuple(sorted({rf.kind for rf in c.returns if rf.kind})) or ("department",)
    written = []
    for (kind, ident), assignee in expect.assignees.items():
        if kind not in kinds:
            continue
        files = sorted((rf for rf in c.returns if (rf.kind, rf.assignee) == (kind, ident)
                        and rf.status != "rejected"), key=latest_first_order)
        keys = expect.key_set((kind, ident))
        problems = _problems(c, files, keys)
        if (files and not problems) or (not files and ident not in c.missing):
            continue  # nothing to fix, or nothing due yet
        suffix = "待修改" if files else "待报送"
        path = Path(folder) / file_name(c.scheme, assignee).replace(".xlsx", f"-{suffix}.xlsx")
        write_atomic(path, feedback_bytes(c, assignee, files, problems))
        written.append(path)
    return written


def _problems(c: Consolidation, files: list[ReturnFile], keys: set[str]) -> list[Issue]:
    names = {rf.name for rf in files}
    return [i for i in c.issues if i.code not in NOT_FOR_THE_ASSIGNEE
            and (i.file in names or (i.key in keys and not i.file))]


def sent_values(files: list[ReturnFile]) -> dict[str, Any]:
    """What the assignee sent, merged as consolidation merges it: each key's latest non-blank value."""
    values: dict[str, Any] = {}
    for rf in files:
        for key, value in rf.entries.items():
            if not is_blank(value) and not isinstance(value, ErrorValue):
                values[key] = value
    return values


def feedback_bytes(c: Consolidation, assignee: Assignee, files: list[ReturnFile], problems: list[Issue]) -> bytes:
    template = build_workbook(c.scheme, assignee, values=sent_values(files))
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb[ENTRY_SHEET]
    cells = _value_cells(ws)
    for issue in problems:
        if issue.key in cells:
            _mark(ws[cells[issue.key]], issue)
    _problem_sheet(wb, c, assignee, files, problems, cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _value_cells(ws: Any) -> dict[str, str]:
    """{key: the 填报值 cell's reference} in this workbook."""
    from qwb.fill import header_map

    header, cols = header_map(ws)
    out = {}
    for row in range(header + 1, ws.max_row + 1):
        key = ws.cell(row, cols[KEY_HEADER]).value
        if key:
            out[str(key)] = ws.cell(row, cols[VALUE_HEADER]).coordinate
    return out


def _mark(cell: Any, issue: Issue) -> None:
    cell.fill = PatternFill("solid", fgColor=FILLS.get(issue.severity, FILLS["info"]))
    text = f"{SEVERITY.get(issue.severity, '')}：{issue.message}"
    if cell.comment is not None:
        text = f"{cell.comment.text}\n{text}"
    cell.comment = Comment(text, "质强办", width=320, height=120)


#: the problem list's columns: (header, width)
COLUMNS = (("级别", 8), ("位置", 10), ("编码", 26), ("问题", 60), ("如何处理", 40))


def _problem_sheet(wb: Any, c: Consolidation, assignee: Assignee, files: list[ReturnFile],
                   problems: list[Issue], cells: dict[str, str]) -> None:
    ws = wb.create_sheet(SHEET, 0)
    bold = Font(bold=True, name="宋体", size=11)
    wrap = Alignment(wrap_text=True, vertical="top")
    round_name = f"，截至{c.scheme.period_names[c.as_of]}" if c.interim else ""
    ws["A1"] = f"{assignee.name}：{c.scheme.name}（{c.scheme.year}年度{round_name}）{'退回修改' if files else '待报送'}"
    ws["A1"].font = Font(bold=True, name="宋体", size=14)
    if files:
        sent = "、".join(rf.name for rf in files)
        ws["A2"] = (f"已收到：{sent}。下表列出需要修改或补充的内容，“{ENTRY_SHEET}”表中对应的填报值已标色并附批注。"
                    f"请在本工作簿中直接修改后报送（不要改动编码列）。")
    else:
        ws["A2"] = (f"尚未收到{assignee.name}的填报。请填写本工作簿“{ENTRY_SHEET}”表中的填报值后报送；"
                    f"本工作簿即下发的模板。")
    ws["A2"].alignment = wrap
    ws.merge_cells("A2:E2")
    ws.row_dimensions[2].height = row_height([(ws["A2"].value, sum(width for _name, width in COLUMNS))], size=11)
    _print_setup(ws)
    for col, (name, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        if problems:  # else nothing was sent: the request above is all there is
            cell = ws.cell(4, col, name)
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
    if not problems:
        return
    top = Alignment(vertical="top")
    for row, issue in enumerate(problems, start=5):
        where = cells.get(issue.key, "")
        ws.cell(row, 1, SEVERITY.get(issue.severity, issue.severity)).alignment = top
        place = ws.cell(row, 2, f"{ENTRY_SHEET}!{where}" if where else "整份文件")
        place.alignment = top
        if where:
            place.hyperlink = f"#'{ENTRY_SHEET}'!{where}"
            place.font = Font(color="0563C1", underline="single")
        ws.cell(row, 3, issue.key).alignment = top
        ws.cell(row, 4, issue.message).alignment = wrap
        kind = REGISTRY.get(issue.code)
        fix = kind.fix if kind else ""
        ws.cell(row, 5, fix).alignment = wrap
        ws.row_dimensions[row].height = row_height([(issue.message, 60), (fix, 40)], size=11)
        ws.cell(row, 1).fill = PatternFill("solid", fgColor=FILLS.get(issue.severity, FILLS["info"]))
    ws.freeze_panes = "A5"
    ws.print_title_rows = "4:4"


def _print_setup(ws: Any) -> None:
    """A4 landscape, fitted to the page width; the sheet's name above and page numbers below, as qwb's other
    workbooks print; this the one selected tab (or Excel opens the sheets grouped)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    for sheet in ws.parent.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    ws.parent.active = 0
