"""提交情况: every template expected back, what was received, what is missing, what was superseded."""

from __future__ import annotations

from collections import Counter
from typing import Any

from qwb.report.base import (
    ERROR_COLOR,
    FILE_WIDTH,
    KIND,
    NAME_WIDTH,
    NOT_DUE_TEXT,
    STATUS,
    WARNING_COLOR,
    Column,
    Report,
    header_row,
    page_setup,
    title_block,
    with_widths,
)
from qwb.report.departments import Assignment, assignments
from qwb.report.problems import link_target
from qwb.xlsx import fit_row, fit_width, put

SHEET = "提交情况"
HEADER = 2
FIRST = HEADER + 1
COLUMNS = [
    Column("序号", 5), Column("类型", 8), Column("填报单位", 18), Column("状态", 8), Column("文件", 34),
    Column("填报日期", 10), Column("读取行数", 7), Column("SHA-256", 18), Column("说明", 46),
]
COL = {c.name: i for i, c in enumerate(COLUMNS)}


def write(r: Report) -> None:
    ws = r.workbook.add_worksheet(SHEET)
    rows = assignments(r)
    received = sum(1 for a in rows if a.accepted is not None)
    late = sum(1 for a in rows if a.late)  # those with nothing due yet are not counted as 应提交
    status = Counter(rf.status for rf in r.c.returns)  # several files of one sender may all be used (merged)
    subtitle = (f"应提交 {received + late} 份：已收到 {received} 份，未提交 {late} 份；"
                f"共收到 {len(r.c.returns)} 个文件，采用 {status['accepted']}，被新版本替代 {status['superseded']}，"
                f"拒收 {status['rejected']}。")
    subtitle += "SHA-256 列只显示文件校验值的开头，复制该单元格可得到完整的 64 位值。"
    title_block(r, ws, f"{r.heading}提交情况", subtitle, len(COLUMNS))
    columns = with_widths(COLUMNS, 文件=fit_width([rf.name for rf in r.c.returns], 16, FILE_WIDTH),
                          填报单位=fit_width([a.name for a in rows], COLUMNS[COL["填报单位"]].width, NAME_WIDTH))
    header_row(r, ws, HEADER, columns)
    width = {c.name: c.width for c in columns}
    row = FIRST
    for a in rows:
        row = _assignment(r, ws, row, a, width)
    listed = {id(rf) for a in rows for rf in a.files}
    for rf in r.c.returns:
        if id(rf) not in listed:
            _file_row(r, ws, row, rf, "", "", width)
            row += 1
    last_row = max(row - 1, FIRST)
    ws.autofilter(HEADER, 0, last_row, len(COLUMNS) - 1)
    ws.freeze_panes(FIRST, 0)
    page_setup(r, ws, repeat=HEADER, last_row=last_row, last_col=len(COLUMNS) - 1)


def _assignment(r: Report, ws: Any, row: int, a: Assignment, width: dict[str, float]) -> int:
    st = r.styles
    if not a.files:
        put(ws, row, COL["序号"], row - HEADER, st.cell(align="center"))
        put(ws, row, COL["类型"], KIND[a.kind], st.cell())
        put(ws, row, COL["填报单位"], a.name, st.cell(text_wrap=True))
        if a.late:
            put(ws, row, COL["状态"], "未提交", st.cell(bold=True, font_color=ERROR_COLOR, align="center"))
            note = "尚未提交，其负责的填报项按未填写计。"
        else:
            put(ws, row, COL["状态"], NOT_DUE_TEXT, st.cell(align="center"))
            note = "本次汇总没有到期的填报项，不需要提交。"
        for name in ("文件", "填报日期", "读取行数", "SHA-256"):
            put(ws, row, COL[name], None, st.cell())
        put(ws, row, COL["说明"], note, st.cell(text_wrap=True))
        fit_row(ws, row, [(a.name, width["填报单位"]), (note, width["说明"])])
        return row + 1
    for rf in sorted(a.files, key=lambda f: (f.status != "accepted", f.name)):
        _file_row(r, ws, row, rf, KIND[a.kind], a.name, width)
        row += 1
    return row


def _file_row(r: Report, ws: Any, row: int, rf: Any, kind: str, name: str, width: dict[str, float]) -> None:
    st = r.styles
    colour = {"rejected": ERROR_COLOR, "superseded": WARNING_COLOR}.get(rf.status)
    name = name or "（无法识别）"
    put(ws, row, COL["序号"], row - HEADER, st.cell(align="center"))
    put(ws, row, COL["类型"], kind, st.cell())
    put(ws, row, COL["填报单位"], name, st.cell(text_wrap=True))
    put(ws, row, COL["状态"], STATUS.get(rf.status, rf.status),
        st.cell(align="center", bold=bool(colour), font_color=colour or "#000000"))
    target = link_target(r, rf.name)
    if target:
        ws.write_url(row, COL["文件"], target, st.link(rf.name, width["文件"]), rf.name, "打开退回文件")
    else:
        put(ws, row, COL["文件"], rf.name, st.cell(text_wrap=True))
    put(ws, row, COL["填报日期"], rf.filled_date.isoformat() if rf.filled_date else "", st.cell(align="center"))
    put(ws, row, COL["读取行数"], rf.rows_read, st.cell(align="center"))
    # "fill" keeps the 64 digits inside their column (cut at its edge, whole when copied) instead of running on
    # into an empty 说明
    put(ws, row, COL["SHA-256"], rf.sha256, st.cell(font_size=8, font_color="#7F7F7F", align="fill"))
    put(ws, row, COL["说明"], _note(rf), st.cell(text_wrap=True))
    fit_row(ws, row, [(name, width["填报单位"]), ("" if target else rf.name, width["文件"]), (_note(rf), width["说明"])])


def _note(rf: Any) -> str:
    if rf.status == "accepted":
        return ""
    reasons = [i.message for i in rf.issues if i.code in ("superseded", "other-scheme", "unknown-workbook",
                                                             "unreadable-file", "encrypted-file", "unsupported-format",
                                                             "file-too-large")]
    return reasons[0] if reasons else ""
