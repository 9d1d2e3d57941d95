"""自评与核查: what each unit claimed against what the departments verified, per unit and per item."""

from __future__ import annotations

from typing import Any

from qwb.report.base import Column, Report, header_row, page_setup, title_block
from qwb.xlsx import fit_row, merge_text, put

SHEET = "自评与核查"
SUMMARY_COLUMNS = [Column("被考核单位", 14), Column("自评总分", 9), Column("核查总分", 9), Column("差值", 8),
                   Column("自评等次", 8), Column("核查等次", 8), Column("有差异的指标", 10)]
DETAIL_COLUMNS = [Column("被考核单位", 14), Column("指标编号", 9), Column("分值", 9), Column("自评得分", 9),
                  Column("核查得分", 9), Column("差值", 9), Column("指标名称", 34)]
HEADER = 2


def write(r: Report) -> None:
    c = r.c
    ws = r.workbook.add_worksheet(SHEET)
    title_block(r, ws, f"{r.heading}自评与核查对比",
                "差值 = 核查得分 − 自评得分：负数（红）为核查低于自评，正数（绿）为核查高于自评。", len(DETAIL_COLUMNS))
    header_row(r, ws, HEADER, SUMMARY_COLUMNS)
    verified = {u.id: u for u in c.result.units}
    differing: dict[str, int] = {}
    for x in c.comparison:
        if x.difference != 0:
            differing[x.unit] = differing.get(x.unit, 0) + 1
    st = r.styles
    row = HEADER + 1
    for s in sorted(c.self_result.units, key=lambda u: (verified[u.id].rank, u.id)):
        v = verified[s.id]
        put(ws, row, 0, s.name, st.cell())
        put(ws, row, 1, r.num(s.total), st.number(r.decimals))
        put(ws, row, 2, r.num(v.total), st.number(r.decimals, bold=True))
        put(ws, row, 3, r.num(v.total - s.total), st.number(r.decimals))
        put(ws, row, 4, s.grade, st.cell(align="center"))
        put(ws, row, 5, v.grade, st.cell(align="center", bold=True))
        put(ws, row, 6, differing.get(s.id, 0), st.cell(align="center"))
        row += 1
    _highlight(r, ws, HEADER + 1, row - 1, 3)
    detail = row + 2
    merge_text(ws, detail - 1, 0, detail - 1, 3, "逐项对比", st.get(bold=True, font_size=11))
    header_row(r, ws, detail, DETAIL_COLUMNS)
    last = _detail(r, ws, detail + 1)
    ws.autofilter(detail, 0, max(last, detail + 1), len(DETAIL_COLUMNS) - 1)
    ws.freeze_panes(HEADER + 1, 1)
    page_setup(r, ws, repeat=None, last_row=max(last, detail + 1), last_col=len(DETAIL_COLUMNS) - 1,
               landscape=False)
    ws.repeat_rows(detail)  # the detail table's header on the pages it runs over


def _detail(r: Report, ws: Any, first: int) -> int:
    st = r.styles
    indicators = {i.id: i for i in r.scheme.indicators}
    row = first
    for x in r.c.comparison:
        ind = indicators[x.indicator]
        put(ws, row, 0, r.scheme.unit_name(x.unit), st.cell())
        put(ws, row, 1, x.indicator, st.cell(align="center"))
        put(ws, row, 2, float(ind.points), st.cell(num_format="0.##"))
        put(ws, row, 3, float(x.self_score), st.cell(num_format="0.00##"))
        put(ws, row, 4, float(x.verified_score), st.cell(num_format="0.00##"))
        put(ws, row, 5, float(x.difference), st.cell(num_format="+0.00##;-0.00##;0"))
        put(ws, row, 6, ind.title, st.cell(text_wrap=True))
        fit_row(ws, row, [(ind.title, DETAIL_COLUMNS[6].width)])
        row += 1
    _highlight(r, ws, first, row - 1, 5)
    return row - 1


def _highlight(r: Report, ws: Any, first: int, last: int, col: int) -> None:
    if last < first:
        return
    st = r.styles
    ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": "<", "value": 0,
                                                  "format": st.dxf(font_color="#9C0006", bg_color="#FFC7CE")})
    ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": ">", "value": 0,
                                                  "format": st.dxf(font_color="#006100", bg_color="#C6EFCE")})
