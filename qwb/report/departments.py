"""部门: who returned what, with how many errors and how much filled in.

When a scheme assesses one place (永州, 铁岭), the departments are what is
compared: each lead department's score against its full marks (得分率), ranked,
with a chart; the sheet is then called 部门得分.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from qwb.engine import competition_ranks, due_periods
from qwb.keys import period_of
from qwb.report.base import (
    ERROR_COLOR,
    FILE_WIDTH,
    INVALID_TEXT,
    KIND,
    MISSING_TEXT,
    NA_FILL,
    NAME_WIDTH,
    NOT_DUE_TEXT,
    UNSCORED_FONT,
    WARNING_COLOR,
    Column,
    Report,
    chart_font,
    header_row,
    page_setup,
    room_below,
    title_block,
    with_widths,
)
from qwb.returns import Expectations
from qwb.submissions import latest_first_order
from qwb.values import is_blank
from qwb.xlsx import fit_row, fit_width, pixels, put, sheet_ref

SHEET, SCORE_SHEET = "部门", "部门得分"
HEADER = 2
FIRST = HEADER + 1
STATUS_COLUMNS = [
    Column("类型", 8), Column("部门（单位）", 18), Column("负责指标", 6.5), Column("提交情况", 20),
    Column("采用的文件", 30), Column("填报日期", 10), Column("应填项", 6.5), Column("已填项", 6.5),
    Column("填报率", 7), Column("错误", 5.5), Column("警告", 5.5),
]
SCORE_COLUMNS = [Column("名次", 5), Column("满分", 6.5), Column("得分", 7), Column("得分率", 7.5),
                 Column("加分", 5.5), Column("扣分", 5.5)]
#: one assessed place: the scorecard first, then how each department returned
SINGLE_COLUMNS = SCORE_COLUMNS[:1] + STATUS_COLUMNS[1:3] + SCORE_COLUMNS[1:] + STATUS_COLUMNS[3:]


@dataclass
class Assignment:
    """One template that was sent out, and what came back."""

    kind: str
    id: str
    name: str
    items: int
    expected: int
    files: list[Any] = field(default_factory=list)
    accepted: Any = None
    filled: int = 0
    errors: int = 0
    warnings: int = 0
    # the department scorecard (one assessed place only)
    points: Decimal = Decimal(0)
    score: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    deduction: Decimal = Decimal(0)
    rank: int | None = None
    #: 未报, 无效 or 未到期 when none of the items the department leads could be scored; it is then not ranked
    state: str = ""
    #: items scored in part or not at all (a period missing or invalid counts 0)
    unscored: int = 0

    @property
    def late(self) -> bool:
        """Something of it is due and nothing came back (nothing due yet is not late: 未到期)."""
        return self.accepted is None and self.expected > 0

    @property
    def rate(self) -> Decimal | None:
        return self.score / self.points if self.points and not self.state else None

    @property
    def share(self) -> float | None:
        return self.filled / self.expected if self.expected and self.accepted is not None else None


def kinds_in_play(c: Any, expect: Expectations) -> list[str]:
    """The kinds of template expected back: those received, and those of the missing ones."""
    kinds = {rf.kind for rf in c.returns if rf.kind and rf.status != "rejected"}
    kinds |= {kind for kind, ident in expect.assignees if ident in c.missing}
    return [k for k in ("department", "unit") if k in kinds] or ["department"]


def assignments(r: Report) -> list[Assignment]:
    """Every expected template and what came back for it (computed once per report)."""
    cached = r.__dict__.get("_assignments")
    if cached is None:
        cached = r.__dict__["_assignments"] = _assignments(r)
    return cached


def _assignments(r: Report) -> list[Assignment]:
    expect = Expectations(r.scheme)
    due = set(due_periods(r.scheme, r.c.as_of or None))
    files_of: dict[tuple[str, str], list[Any]] = {}
    for rf in r.c.returns:
        files_of.setdefault((rf.kind, rf.assignee), []).append(rf)
    issues_of: dict[str, list[Any]] = {}
    for issue in r.c.issues:
        issues_of.setdefault(issue.file, []).append(issue)
    every_period_due = due >= {p.id for p in r.scheme.periods}
    out = []
    for kind in kinds_in_play(r.c, expect):
        for (k, ident), who in expect.assignees.items():
            if k != kind:
                continue
            keys = expect.key_set((k, ident))
            if not every_period_due:
                keys = {key for key in keys if period_of(key) in due}  # not yet due: not asked for
            items = len([i for i in r.scheme.indicators if kind == "unit" or i.department == ident])
            a = Assignment(kind, ident, who.name, items, len(keys))
            a.files = files_of.get((kind, ident), [])
            used = sorted((rf for rf in a.files if rf.status == "accepted"), key=latest_first_order)
            a.accepted = used[-1] if used else None  # the latest; earlier ones still count where it is blank
            if used:
                a.filled = _filled(keys, [rf.entries for rf in used])
                found = [i for rf in used for i in issues_of.get(rf.name, [])]
                a.errors = sum(1 for i in found if i.severity == "error")
                a.warnings = len(found) - a.errors
            out.append(a)
    return out




def _filled(keys: Iterable[str], entries: list[dict[str, Any]]) -> int:
    """How many of ``keys`` hold a value in at least one of the returns' ``entries``."""
    if len(entries) == 1:
        got = entries[0]
        return sum(1 for key in keys if not is_blank(got.get(key)))
    return sum(1 for key in keys if any(not is_blank(e.get(key)) for e in entries))


def scorecard(r: Report, rows: list[Assignment]) -> list[Assignment]:
    """Each department's score on the items it leads, in the one assessed place; ranked by 得分率."""
    unit = r.c.result.units[0]
    departments = [a for a in rows if a.kind == "department"]
    for a in departments:
        _score_led_items(r, a, unit)
    rated = [a for a in departments if a.rate is not None]
    for a, rank in zip(rated, competition_ranks([a.rate or Decimal(0) for a in rated])):
        a.rank = rank
    order = {id(a): n for n, a in enumerate(departments)}
    departments.sort(key=lambda a: (a.rank is None, a.rank or 0, order[id(a)]))
    return departments + [a for a in rows if a.kind != "department"]


def _score_led_items(r: Report, a: Assignment, unit: Any) -> None:
    """Add up the items the department leads; say why when none of them has a score to show."""
    texts, not_due = [], False
    for ind in r.scheme.indicators:
        if ind.department != a.id:
            continue
        item = unit.items[ind.id]
        if not item.due:
            not_due = True
        elif ind.role == "bonus":
            a.bonus += item.score
        elif ind.role == "deduction":
            a.deduction -= item.score
        elif not item.na:
            a.points += ind.points
            a.score += item.score
            texts.append(r.item_text(unit.id, ind.id, item))
            a.unscored += any(v is None for v in item.period_scores.values())
    if texts and (a.accepted is None or all(texts)):
        a.state = INVALID_TEXT if a.accepted is not None and all(t == INVALID_TEXT for t in texts) else MISSING_TEXT
    elif not texts and not_due:
        a.state = NOT_DUE_TEXT


def write(r: Report) -> None:
    rows = assignments(r)
    single = len(r.c.result.units) == 1
    if single:
        rows = scorecard(r, rows)
    columns = SINGLE_COLUMNS if single else STATUS_COLUMNS
    name = SCORE_SHEET if single else SHEET
    ws = r.workbook.add_worksheet(name)
    unit = r.c.result.units[0].name if single else ""
    title = f"{unit}各牵头部门得分（得分率排名）" if single else "各部门填报情况"
    subtitle = ("得分率 = 部门牵头的基本指标得分 ÷ 满分（合理缺项不计）；加分、扣分项单列，不计入得分率。"
                f"灰色“{MISSING_TEXT}”“{INVALID_TEXT}”：牵头指标均未填报或填报值无效，不排名；"
                f"带 * 的得分有指标未报或无效，按 0 分计。"
                + (f"“{NOT_DUE_TEXT}”：牵头指标本次均未到期。" if r.c.interim else "")
                if single else "填报率 = 已填项 ÷ 应填项（按采用的文件计）；错误、警告见“校验问题”表。")
    if r.c.interim:
        subtitle += "应填项只计已到期的时间节点。"
    title_block(r, ws, f"{r.heading}{title}", subtitle, len(columns))
    columns = with_widths(columns, 采用的文件=fit_width(map(_file_name, rows), 16, FILE_WIDTH),
                          提交情况=fit_width([_status(a) for a in rows], 10, 30),
                          **{"部门（单位）": fit_width([a.name for a in rows], 18, NAME_WIDTH)})
    header_row(r, ws, HEADER, columns)
    col = {c.name: i for i, c in enumerate(columns)}
    width = {c.name: c.width for c in columns}
    for i, a in enumerate(rows):
        _row(r, ws, FIRST + i, a, col)
        fit_row(ws, FIRST + i, [(a.name, width["部门（单位）"]), (_file_name(a), width["采用的文件"])])
    last_row = FIRST + len(rows) - 1
    if rows:
        ws.autofilter(HEADER, 0, last_row, len(columns) - 1)
        for rate_col in ("填报率", "得分率"):
            if rate_col in col:
                ws.conditional_format(FIRST, col[rate_col], last_row, col[rate_col], {
                    "type": "data_bar", "bar_color": "#9BC2E6", "min_type": "num", "min_value": 0,
                    "max_type": "num", "max_value": 1, "bar_solid": True})
    if single and any(a.rank for a in rows):
        last_row = _chart(r, ws, rows, col, last_row, [c.width for c in columns])
    ws.freeze_panes(FIRST, 2)
    page_setup(r, ws, repeat=HEADER, last_row=last_row, last_col=len(columns) - 1)



def _file_name(a: Assignment) -> str:
    return "" if a.accepted is None else a.accepted.name


def _status(a: Any) -> str:
    """提交情况 as the row shows it."""
    if a.accepted is None:
        return "未提交" if a.late else f"{NOT_DUE_TEXT}（本次无到期项）"
    superseded = sum(1 for rf in a.files if rf.status == "superseded")
    return "已提交" + (f"（{superseded} 份旧版已替代）" if superseded else "")


def _row(r: Report, ws: Any, row: int, a: Assignment, col: dict[str, int]) -> None:
    st = r.styles
    cell = st.cell()
    missing = a.accepted is None
    if "类型" in col:
        put(ws, row, col["类型"], KIND[a.kind], cell)
    wrap = st.cell(text_wrap=True)
    put(ws, row, col["部门（单位）"], a.name, wrap)
    put(ws, row, col["负责指标"], a.items, st.cell(align="center"))
    if "名次" in col:
        put(ws, row, col["名次"], a.rank, st.cell(align="center", bold=True))
        put(ws, row, col["满分"], float(a.points) if a.points else None, st.cell(num_format="0.##"))
        if a.state:  # its items count 0, but a 0 here would read as a score
            grey = st.cell(bg_color=NA_FILL, font_color=UNSCORED_FONT, align="center")
            put(ws, row, col["得分"], a.state, grey)
            put(ws, row, col["得分率"], a.state, grey)
        else:
            put(ws, row, col["得分"], r.num(a.score) if a.points else None, _score_format(r, a.unscored))
            put(ws, row, col["得分率"], float(a.rate) if a.rate is not None else None, st.cell(num_format="0.0%"))
        put(ws, row, col["加分"], r.num(a.bonus) if a.bonus else None, st.cell(num_format="0.##"))
        put(ws, row, col["扣分"], r.num(a.deduction) if a.deduction else None, st.cell(num_format="0.##"))
    put(ws, row, col["提交情况"], _status(a), st.cell(font_color=ERROR_COLOR, bold=True) if a.late else cell)
    put(ws, row, col["采用的文件"], _file_name(a), wrap)
    date = a.accepted.filled_date if not missing else None
    put(ws, row, col["填报日期"], date.isoformat() if date else "", st.cell(align="center"))
    put(ws, row, col["应填项"], a.expected, st.cell(align="center"))
    put(ws, row, col["已填项"], None if missing else a.filled, st.cell(align="center"))
    put(ws, row, col["填报率"], a.share, st.cell(num_format="0%", align="center"))
    put(ws, row, col["错误"], None if missing else a.errors,
        st.cell(align="center", font_color=ERROR_COLOR, bold=True) if a.errors else st.cell(align="center"))
    put(ws, row, col["警告"], None if missing else a.warnings,
        st.cell(align="center", font_color=WARNING_COLOR) if a.warnings else st.cell(align="center"))


def _score_format(r: Report, unscored: int) -> Any:
    """A score with a grey * when some of its items were missing or invalid and counted 0."""
    if not unscored:
        return r.styles.number(r.decimals)
    decimals = "0." + "0" * r.decimals if r.decimals else "0"
    return r.styles.cell(num_format=f'{decimals}"*"', font_color=UNSCORED_FONT, italic=True)


def _chart(r: Report, ws: Any, rows: list[Assignment], col: dict[str, int], last_row: int,
           widths: list[float]) -> int:
    """得分率 by department, rank 1 at the top; on one printed page: below the table when it fits there (its bars
    a little thinner if need be), else at the top of the next page."""
    rated = [a for a in rows if a.rank is not None]
    first, last = FIRST, FIRST + len(rated) - 1
    chart = r.workbook.add_chart({"type": "bar"})
    chart.add_series({
        "name": sheet_ref(SCORE_SHEET, HEADER, col["得分率"]),
        "categories": sheet_ref(SCORE_SHEET, first, col["部门（单位）"], last),
        "values": sheet_ref(SCORE_SHEET, first, col["得分率"], last),
        "fill": {"color": "#4472C4"}, "gap": 50,
        "data_labels": {"value": True, "num_format": "0.0%", "font": chart_font(8)},
    })
    chart.set_title({"name": "各牵头部门得分率", "name_font": chart_font(12, bold=True), "overlay": False})
    chart.set_x_axis({"min": 0, "max": 1, "major_unit": 0.2, "num_format": "0%", "num_font": chart_font(9),
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_y_axis({"reverse": True, "num_font": chart_font(9), "major_tick_mark": "none"})
    chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"color": "#D9D9D9"}})
    width = sum(pixels(w) for w in widths[:9])
    wanted, least = max(240, 26 * len(rated) + 90), max(240, 18 * len(rated) + 90)
    at = last_row + 2
    left, page = (points * 4 / 3 for points in room_below(ws, last_row + 1, widths, HEADER))
    if least > left:
        ws.set_h_pagebreaks([at])
        left = page
    height = int(min(wanted, left))
    chart.set_size({"width": width, "height": height})
    ws.insert_chart(at, 0, chart, {"object_position": 3})
    return at + math.ceil(height / 20)
