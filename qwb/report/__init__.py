"""The ranking workbook (xlsxwriter). Text from returns is always written as text, never as a formula."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import xlsxwriter

from qwb.engine import as_number
from qwb.files import write_atomic

SEVERITY = {"error": "错误", "warning": "警告"}
STATUS = {"accepted": "采用", "rejected": "拒收", "superseded": "已替代"}


def write_report(c: Any, out: Path) -> None:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    header = wb.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "white", "border": 1, "font_name": "宋体"})
    text = wb.add_format({"border": 1, "font_name": "宋体"})
    _ranking(wb.add_worksheet("总排名"), c, header, text)
    _issues(wb.add_worksheet("校验问题"), c, header, text)
    _returns(wb.add_worksheet("提交情况"), c, header, text)
    wb.close()
    write_atomic(Path(out), buffer.getvalue())


def _table(ws: Any, heads: list[str], rows: list[list[Any]], header: Any, text: Any) -> None:
    for col, name in enumerate(heads):
        ws.write_string(0, col, name, header)
        ws.set_column(col, col, max(8, len(name) * 2 + 2))
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, col, value, text)
            else:
                ws.write_string(r, col, "" if value is None else str(value), text)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(heads) - 1)


def _ranking(ws: Any, c: Any, header: Any, text: Any) -> None:
    d = c.scheme.decimals
    rows = [[u.rank, u.name, as_number(u.total, d), u.grade, as_number(u.base, d), as_number(u.bonus, d),
             as_number(u.deduction, d), "是" if u.veto else "否", "是" if u.complete else "否"] for u in c.result.units]
    _table(ws, ["名次", "单位", "总分", "等次", "基本分", "加分", "扣分", "否决", "填报完整"], rows, header, text)


def _issues(ws: Any, c: Any, header: Any, text: Any) -> None:
    rows = [[SEVERITY.get(i.severity, i.severity), i.code, i.file, i.sheet, i.cell, i.unit, i.indicator, i.message]
            for i in c.issues]
    _table(ws, ["级别", "代码", "文件", "工作表", "单元格", "单位", "指标", "说明"], rows, header, text)


def _returns(ws: Any, c: Any, header: Any, text: Any) -> None:
    rows = [[r["file"], r["assignee"], STATUS.get(r["status"], r["status"]), r["filled_date"] or "", r["sha256"]]
            for r in c.return_rows()]
    rows += [["（未提交）", a, "未提交", "", ""] for a in c.missing]
    _table(ws, ["文件", "填报单位", "状态", "填报日期", "SHA-256"], rows, header, text)
