"""核查调整: the office's corrections after verification, each with the value and the item score before and after."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qwb.keys import BLANK_KEY, EntryKey
from qwb.numtext import number
from qwb.report.base import ERROR_COLOR, Column, Report, header_row, page_setup, title_block
from qwb.xlsx import fit_row, put

SHEET = "核查调整"
HEADER = 2
FIRST = HEADER + 1
COLUMNS = [
    Column("序号", 5), Column("被考核单位", 11), Column("指标", 7), Column("时间节点", 8), Column("填报项", 9),
    Column("原值", 9), Column("调整值", 9), Column("调整前得分", 8), Column("调整后得分", 8), Column("理由", 34),
    Column("调整人", 9), Column("是否采用", 8), Column("编码", 26),
]
COL = {c.name: i for i, c in enumerate(COLUMNS)}


def write(r: Report) -> None:
    if not r.c.adjustments:
        return
    ws = r.workbook.add_worksheet(SHEET)
    applied = sum(1 for a in r.c.adjustments if a.applied)
    title_block(r, ws, f"{r.heading}核查调整",
                f"质强办核查后调整的填报值：共 {len(r.c.adjustments)} 行，采用 {applied} 行；未采用的原因见“校验问题”表。"
                "调整值按填报值的规则校验，调整后的值参与计分。", len(COLUMNS))
    header_row(r, ws, HEADER, COLUMNS)
    periods = {p.id: p.name for p in r.scheme.periods}
    for n, adj in enumerate(r.c.adjustments):
        _row(r, ws, FIRST + n, n + 1, adj, periods)
    last_row = FIRST + len(r.c.adjustments) - 1
    ws.freeze_panes(FIRST, 0)
    page_setup(r, ws, repeat=HEADER, last_row=last_row, last_col=len(COLUMNS) - 1)


def _row(r: Report, ws: Any, row: int, number: int, adj: Any, periods: dict[str, str]) -> None:
    st = r.styles
    cell, wrap = st.cell(), st.cell(text_wrap=True)
    key = EntryKey.parse(adj.key) or BLANK_KEY
    put(ws, row, COL["序号"], number, st.cell(align="center"))
    put(ws, row, COL["被考核单位"], r.unit_name(key.unit), cell)
    put(ws, row, COL["指标"], key.veto_id or key.item, cell)
    put(ws, row, COL["时间节点"], periods.get(key.period, key.period), cell)
    put(ws, row, COL["填报项"], key.field, cell)
    put(ws, row, COL["原值"], _shown(adj.before), cell)
    put(ws, row, COL["调整值"], _shown(adj.after if adj.applied else adj.to), cell)
    number_format = st.number(r.decimals)
    put(ws, row, COL["调整前得分"], r.num(adj.score_before), number_format)
    put(ws, row, COL["调整后得分"], r.num(adj.score_after), number_format)
    put(ws, row, COL["理由"], adj.reason, wrap)
    put(ws, row, COL["调整人"], adj.by, cell)
    put(ws, row, COL["是否采用"], "采用" if adj.applied else "未采用",
        cell if adj.applied else st.cell(font_color=ERROR_COLOR, bold=True))
    put(ws, row, COL["编码"], adj.key, st.cell(font_size=9, font_color="#7F7F7F"))
    fit_row(ws, row, [(adj.reason, COLUMNS[COL["理由"]].width)])


def _shown(value: Any) -> Any:
    """A stored value as the sheet shows it: numbers as numbers, anything else as text."""
    return number(value) if isinstance(value, Decimal) else value
