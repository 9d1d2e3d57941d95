"""方案: the scheme itself, so the report stands on its own: the rules of the game and the indicator tree."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qwb.numtext import plain
from qwb.report.base import ROLE, Column, Report, header_row, page_setup, title_block, with_widths
from qwb.rules import RULE_NAMES
from qwb.xlsx import fit_row, fit_width, merge_text, put, row_height

SHEET = "方案"
COLUMNS = [
    Column("指标编号", 7), Column("类别 / 指标", 30), Column("分值", 6), Column("类型", 5.5), Column("评价部门", 12),
    Column("配合单位", 10), Column("计分规则", 8), Column("计分方法", 34), Column("考核要点", 50), Column("合理缺项", 6),
    Column("时间节点", 9),
]
COL = {c.name: i for i, c in enumerate(COLUMNS)}
#: column units taken by one level of a cell's indent (generously)
INDENT_WIDTH = 3


def facts(r: Report) -> list[tuple[str, str]]:
    s = r.scheme
    grades = "；".join(f"{g.name}：{'≥' + plain(g.min) if g.min > 0 else '其余'}" for g in s.grades)
    period = f"{s.period_start} 至 {s.period_end}" if s.period_start and s.period_end else f"{s.year} 年度"
    rows = [
        ("方案", f"{s.name}（{s.id}）"), ("发布单位", s.issuer), ("考核期", period),
        ("基本分", f"满分 {plain(s.scale)} 分；合理缺项按参评满分折算"),
        ("加分上限", f"{plain(s.bonus_cap)} 分" if s.bonus_cap is not None else "不设上限"),
        ("扣分上限", f"{plain(s.deduction_cap)} 分" if s.deduction_cap is not None else "不设上限"),
        ("总分小数位", f"{s.decimals} 位，四舍五入"), ("等次", grades or "不分等次"),
        ("一票否决", "；".join(f"{v.id} {v.title}" for v in s.vetoes) + (f"（等次为 {s.veto_grade}）" if s.veto_grade else "")
         if s.vetoes else "无"),
        ("时间节点", "；".join(f"{p.name}" + (f"（{p.due} 前）" if p.due else "") for p in s.periods)
         + (f"；多节点得分取{_aggregate(s.period_aggregate)}" if len(s.periods) > 1 else "")),
        ("被考核单位", "、".join(u.name for u in s.units)),
        ("评价部门", "、".join(d.name for d in s.departments)),
        ("方案指纹", s.fingerprint()),
    ]
    return rows + sign_off(r)


def sign_off(r: Report) -> list[tuple[str, str]]:
    """What this ranking was computed from, so that someone holding the same files can check it: the qwb
    version, the options given, and the SHA-256 of every input file (the returns' are also on 提交情况)."""
    from qwb.version import __version__

    rows = [("计算程序", f"qwb {__version__}")]
    rows += [(name, text) for name, text in r.c.inputs.items() if text]
    files = "\n".join(f"{rf.name}：{rf.sha256}" for rf in sorted(r.c.returns, key=lambda rf: rf.name) if rf.sha256)
    rows.append(("退回文件 SHA-256", files or "（无）"))
    return rows


def _aggregate(how: str) -> str:
    return {"mean": "平均", "last": "最后一次", "min": "最低", "max": "最高", "sum": "合计"}.get(how, how)


def write(r: Report) -> None:
    ws = r.workbook.add_worksheet(SHEET)
    st = r.styles
    last_col = len(COLUMNS) - 1
    title_block(r, ws, f"{r.heading}方案", "本表由方案文件生成，供核对计分依据。", last_col + 1)
    rows = facts(r)
    label_width = _label_width([label for label, _text in rows])
    row = 2
    for label, text in rows:
        merge_text(ws, row, 0, row, 0, label, st.cell(bold=True, bg_color="#F2F2F2", text_wrap=True))
        merge_text(ws, row, 1, row, last_col, text, st.cell(text_wrap=True))
        fit_row(ws, row, [(label, label_width), (text, sum(c.width for c in COLUMNS[1:]))])
        row += 1
    row += 1
    header_row(r, ws, row, with_widths(COLUMNS, 指标编号=label_width))
    header = row
    row = _tree(r, ws, row + 1)
    if r.scheme.assumptions:
        row += 1
        merge_text(ws, row, 0, row, last_col, "编码说明（方案原文未写明之处的处理）", st.get(bold=True, font_size=11))
        for n, text in enumerate(r.scheme.assumptions, start=1):
            row += 1
            merge_text(ws, row, 0, row, last_col, f"{n}. {text}", st.get(text_wrap=True, font_size=9, valign="top"))
            ws.set_row(row, row_height([(f"{n}. {text}", sum(c.width for c in COLUMNS))], size=9))
    ws.freeze_panes(header + 1, 0)
    page_setup(r, ws, repeat=header, last_row=row, last_col=last_col)


def _label_width(labels: list[str]) -> float:
    """Column A, which holds the labels above the table: each word of a label on one line (退回文件 SHA-256 takes
    two)."""
    return fit_width([word for label in labels for word in label.split()], COLUMNS[COL["指标编号"]].width, 14)


def _tree(r: Report, ws: Any, row: int) -> int:
    """Category rows (with their points) above the items they hold, indented by depth."""
    s = r.scheme
    stated = {g.path: g.points for g in s.groups}
    previous: tuple[str, ...] = ()
    for ind in s.indicators:
        path = tuple(ind.path)
        common = 0
        while common < min(len(path), len(previous)) and path[common] == previous[common]:
            common += 1
        for depth in range(common, len(path)):
            prefix = path[: depth + 1]
            points = stated.get(prefix, _sum_points(r, prefix))
            _category_row(r, ws, row, prefix[-1], depth, points)
            row += 1
        _item_row(r, ws, row, ind, len(path))
        row += 1
        previous = path
    return row - 1


def _sum_points(r: Report, prefix: tuple[str, ...]) -> Decimal:
    return sum((i.points for i in r.scheme.indicators if tuple(i.path[: len(prefix)]) == prefix), Decimal(0))


def _category_row(r: Report, ws: Any, row: int, name: str, depth: int, points: Decimal) -> None:
    st = r.styles
    fill = "#DDEBF7" if depth == 0 else "#F2F2F2"
    fmt = st.cell(bold=True, bg_color=fill)
    put(ws, row, COL["指标编号"], None, fmt)
    put(ws, row, COL["类别 / 指标"], name, st.cell(bold=True, bg_color=fill, indent=depth, text_wrap=True))
    put(ws, row, COL["分值"], float(points), st.cell(bold=True, bg_color=fill, num_format="0.##"))
    for col in range(COL["类型"], len(COLUMNS)):
        put(ws, row, col, None, fmt)
    fit_row(ws, row, [(name, COLUMNS[COL["类别 / 指标"]].width - INDENT_WIDTH * depth)])


def _item_row(r: Report, ws: Any, row: int, ind: Any, depth: int) -> None:
    s = r.scheme
    st = r.styles
    wrap = st.cell(text_wrap=True, valign="top")
    cell = st.cell(valign="top")
    cooperating = "、".join(s.department_name(d) for d in ind.cooperating)
    periods = "、".join(p.name for p in s.periods_of(ind))
    put(ws, row, COL["指标编号"], ind.id, st.cell(align="center", valign="top"))
    put(ws, row, COL["类别 / 指标"], ind.title, st.cell(text_wrap=True, valign="top", indent=depth))
    put(ws, row, COL["分值"], float(ind.points), st.cell(num_format="0.##", valign="top"))
    put(ws, row, COL["类型"], ROLE.get(ind.role, ind.role), cell)
    put(ws, row, COL["评价部门"], s.department_name(ind.department), wrap)
    put(ws, row, COL["配合单位"], cooperating, wrap)
    put(ws, row, COL["计分规则"], RULE_NAMES.get(ind.rule.type, ind.rule.type), cell)
    put(ws, row, COL["计分方法"], ind.describe(None, r.scheme.period_names), wrap)
    put(ws, row, COL["考核要点"], ind.content, wrap)
    put(ws, row, COL["合理缺项"], "允许" if ind.na_allowed else "", st.cell(align="center", valign="top"))
    put(ws, row, COL["时间节点"], periods, wrap)
    wrapped = [(ind.content, COL["考核要点"]), (ind.describe(None, r.scheme.period_names), COL["计分方法"]),
               (ind.title, COL["类别 / 指标"]), (s.department_name(ind.department), COL["评价部门"]),
               (cooperating, COL["配合单位"]), (periods, COL["时间节点"])]
    indent = {COL["类别 / 指标"]: INDENT_WIDTH * depth}
    ws.set_row(row, row_height((text, COLUMNS[col].width - indent.get(col, 0)) for text, col in wrapped))
