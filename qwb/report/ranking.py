"""总排名: the ranking table with its arithmetic, grade colours, and the charts leaders look at."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qwb import numtext
from qwb.history import change_text, rank_change
from qwb.report.base import (
    CHART_FONT,
    NA_FILL,
    NOT_DUE_TEXT,
    UNSCORED_FONT,
    Column,
    Report,
    chart_font,
    header_row,
    page_setup,
    title_block,
    with_widths,
)
from qwb.xlsx import fit_row, fit_width, merge_text, pixels, put, quoted, row_height, sheet_ref

SHEET = "总排名"
HEADER = 2  # 0-based row of the table's header
FIRST = HEADER + 1
#: the fixed columns; category subtotals follow
COLUMNS = [
    Column("名次", 5), Column("被考核单位", 13), Column("总分", 8), Column("等次", 7),
    Column("基本分实得", 8.5), Column("参评满分", 8), Column("折算基本分", 8.5), Column("加分", 6), Column("扣分", 6),
    Column("一票否决", 6.5), Column("填报完整", 8),
]
COL = {c.name: i for i, c in enumerate(COLUMNS)}
#: with last year's summary (--previous)
PREVIOUS = [("上年得分", 8), ("上年名次", 6.5), ("名次升降", 7)]
UP, DOWN, SAME = "#548235", "#C00000", "#7F7F7F"
CATEGORY_WIDTH = 10
CATEGORY_COLORS = ["#4472C4", "#70AD47", "#FFC000", "#5B9BD5", "#A5A5A5", "#ED7D31", "#264478", "#9E480E",
                   "#636363", "#997300", "#43682B", "#7030A0", "#00B0F0", "#F4B183"]
#: colours light enough to need dark labels
LIGHT = {"#FFC000", "#A5A5A5", "#5B9BD5", "#00B0F0", "#F4B183"}
PX_PER_ROW = 20
#: with more units than this the per-unit charts show the top TOP_N only, and a histogram of the totals by
#: score band shows everyone (a thousand bars cannot be read)
CHART_ALL_UP_TO = 50
TOP_N = 30
#: with more units than this the table runs over a page and its header is repeated
REPEAT_FROM = 24


@dataclass(frozen=True)
class Layout:
    """Where things are on the sheet (0-based rows and columns)."""

    n: int
    categories: list[str]
    last_col: int
    note_row: int
    dist_row: int  # header row of the grade distribution table
    chart_row: int
    data_col: int  # first column of the chart data, right of the print area

    @property
    def last_unit_row(self) -> int:
        return FIRST + self.n - 1

    @property
    def charted(self) -> int:
        """How many units (from the top) the per-unit charts show."""
        return self.n if self.n <= CHART_ALL_UP_TO else TOP_N

    @property
    def last_charted_row(self) -> int:
        return FIRST + self.charted - 1

    def category_col(self, i: int) -> int:
        return len(COLUMNS) + i

    def previous_col(self, i: int) -> int:
        """上年得分, 上年名次, 名次升降, right of the categories (when last year's summary was given)."""
        return len(COLUMNS) + len(self.categories) + i


def categories(r: Report) -> list[str]:
    """The top-level categories of the base items, in scheme order."""
    return list(dict.fromkeys(i.path[0] if i.path else "" for i in r.scheme.base_indicators))


def category_label(category: str, value: Decimal, between: str = "") -> str:
    return f"{category or '（未分类）'}{between}（{numtext.points(value)}）"


def category_points(r: Report) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for ind in r.scheme.base_indicators:
        top = ind.path[0] if ind.path else ""
        out[top] = out.get(top, Decimal(0)) + ind.points
    return out


def _category_due(r: Report, u: Any, category: str) -> bool:
    """Whether any base item under this top category has a period due for the unit."""
    return any(u.items[ind.id].due for ind in r.scheme.base_indicators
               if (ind.path[0] if ind.path else "") == category and ind.id in u.items)


def write(r: Report) -> None:
    ws = r.workbook.add_worksheet(SHEET)
    units = r.c.result.units
    cats = categories(r)
    n = len(units)
    last_col = len(COLUMNS) + len(cats) - 1 + (len(PREVIOUS) if r.c.previous is not None else 0)
    note_row = FIRST + n + 1
    dist_row = note_row + 3
    chart_row = dist_row + len(r.scheme.grades) + 3
    layout = Layout(n, cats, last_col, note_row, dist_row, chart_row, last_col + 2)
    title_block(r, ws, f"{r.heading}结果排名", None, last_col + 1)
    status_line(r, ws, last_col)
    _table(r, ws, layout)
    _notes(r, ws, layout)
    last_row = _distribution(r, ws, layout) if r.scheme.grades else note_row + 1
    if n > 1:
        last_row = _charts(r, ws, layout)
        if r.c.previous is not None:
            last_row = _change_chart(r, ws, layout, last_row + 1)
    elif n == 1:
        last_row = _single_unit(r, ws, layout)
    ws.freeze_panes(FIRST, 2)
    page_setup(r, ws, repeat=HEADER if n > REPEAT_FROM else None, last_row=last_row, last_col=last_col,
               fit_height=1 if n == 1 else 0)  # one place: its table and chart on one page
    ws.activate()


def status_line(r: Report, ws: Any, last_col: int) -> None:
    """Row 2: 初步结果 (with what is missing and wrong, linked to the sheets that list it), 期中结果 (an interim
    run with everything due received and correct) or 最终结果."""
    c, st = r.c, r.styles
    errors = len(c.errors)
    kinds = {"department": "部门", "unit": "单位"}
    missing = "、".join(f"{n} 个{kinds.get(k, k)}" for k, n in _missing_by_kind(c).items())
    if c.missing or errors:
        parts = [f"{missing}未报送" if c.missing else "", f"{errors} 个错误" if errors else "",
                 "之后的时间节点尚未到期" if c.interim else ""]
        text = "初步结果：" + "，".join(p for p in parts if p) + "。未报或无效的项按 0 分计，排名会变。"
        fill, color = "#C00000", "white"
    elif c.interim:
        text = "期中结果：到期的都已收到，没有错误；之后的时间节点尚未到期，不计分，也不计入满分。"
        fill, color = "#FFF2CC", "#7F6000"
    else:
        text = "最终结果：应报送的都已收到，没有错误。"
        fill, color = "#E2EFDA", "#375623"
    links = last_col >= 6
    merge_text(ws, 1, 0, 1, last_col - 4 if links else last_col, text,
               st.get(bold=True, font_color=color, bg_color=fill, text_wrap=True))
    if links:
        # link blue on white, like a button on the banner: LibreOffice draws a link in its own blue whatever the
        # format says, unreadable on the red of a preliminary result
        link = st.get(font_color="#0563C1", underline=1, bg_color="#FFFFFF", align="center", bold=True,
                      border=1, border_color=color)
        for col, sheet, label in ((last_col - 3, "提交情况", "→ 提交情况"), (last_col - 1, "校验问题", "→ 校验问题")):
            ws.merge_range(1, col, 1, col + 1, "", link)
            ws.write_url(1, col, f"internal:{quoted(sheet)}!A1", link, string=label)
    ws.set_row(1, 30)


def _missing_by_kind(c: Any) -> dict[str, int]:
    kinds = {u.id: "unit" for u in c.scheme.units}
    out: dict[str, int] = {}
    for assignee in c.missing:
        kind = kinds.get(assignee, "department")
        out[kind] = out.get(kind, 0) + 1
    return out


def _subtitle(r: Report) -> str:
    s = r.scheme
    parts = [f"基本分折算为 {numtext.plain(s.scale)} 分"]
    if s.bonus_cap is not None:
        parts.append(f"加分最多 {numtext.plain(s.bonus_cap)} 分")
    if s.deduction_cap is not None:
        parts.append(f"扣分最多 {numtext.plain(s.deduction_cap)} 分")
    if s.grades:
        bands = "，".join(f"{g.name} ≥{numtext.plain(g.min)}" if g.min > 0 else g.name for g in s.grades)
        parts.append(f"等次：{bands}")
    if s.veto_grade:
        parts.append(f"一票否决为 {s.veto_grade}")
    basis = "按评价部门核查结果计分" if r.c.mode == "verified" else "按被考核单位自评计分（未收到评价部门填报）"
    return "；".join(parts) + f"。{basis}。"


def _table(r: Report, ws: Any, layout: Layout) -> None:
    st = r.styles
    points = category_points(r)
    vetoes = [_veto_text(u) for u in r.c.result.units]
    columns = with_widths(COLUMNS, 一票否决=fit_width(vetoes, COLUMNS[COL["一票否决"]].width, 24))
    columns += [Column(category_label(c, points[c], "\n"), CATEGORY_WIDTH) for c in layout.categories]
    if r.c.previous is not None:
        columns += [Column(name, width) for name, width in PREVIOUS]
    header_row(r, ws, HEADER, columns, height=42)
    for i, u in enumerate(r.c.result.units):
        row = FIRST + i
        fill, _bar = r.grade_fills.get(u.grade, ("#FFFFFF", ""))
        band = {"bg_color": "#F7F9FC"} if i % 2 else {}
        put(ws, row, COL["名次"], u.rank, st.cell(align="center", bold=True, **band))
        put(ws, row, COL["被考核单位"], u.name, st.cell(**band))
        put(ws, row, COL["总分"], r.num(u.total), st.number(r.decimals, bold=True, **band))
        put(ws, row, COL["等次"], u.grade, st.cell(align="center", bold=True, bg_color=fill))
        put(ws, row, COL["基本分实得"], float(u.base_raw), st.cell(num_format="0.00##", **band))
        put(ws, row, COL["参评满分"], float(u.base_max), st.cell(num_format="0.##", **band))
        put(ws, row, COL["折算基本分"], r.num(u.base), st.number(r.decimals, **band))
        put(ws, row, COL["加分"], r.num(u.bonus), st.number(r.decimals, **band))
        put(ws, row, COL["扣分"], r.num(u.deduction), st.number(r.decimals, **band))
        put(ws, row, COL["一票否决"], vetoes[i],
            st.cell(align="center", font_color="#C00000", bold=True) if u.veto else st.cell(align="center", **band))
        complete = "完整" if u.complete else f"缺 {len(u.missing)} 项"
        put(ws, row, COL["填报完整"], complete,
            st.cell(align="center", **band) if u.complete else st.cell(align="center", font_color="#B26B00", bold=True))
        for j, cat in enumerate(layout.categories):
            if r.c.interim and not _category_due(r, u, cat):  # nothing in it is due yet: a 0 would read as a score
                put(ws, row, layout.category_col(j), NOT_DUE_TEXT,
                    st.cell(bg_color=NA_FILL, font_color=UNSCORED_FONT, align="center"))
            else:
                put(ws, row, layout.category_col(j), r.num(u.categories.get(cat, Decimal(0))),
                    st.number(r.decimals, **band))
        if r.c.previous is not None:
            _previous_cells(r, ws, row, layout, u, band)
    if layout.n:
        ws.autofilter(HEADER, 0, layout.last_unit_row, layout.last_col)


def _veto_text(u: Any) -> str:
    """否, or 是 with the vetoes hit: 是（V1、V3）."""
    return f"是（{'、'.join(v for v, hit in u.vetoes.items() if hit)}）" if u.veto else "否"


def _previous_cells(r: Report, ws: Any, row: int, layout: Layout, u: Any, band: dict[str, str]) -> None:
    st = r.styles
    before = r.c.previous.get(u.id)
    change = rank_change(before, u.rank)
    color = SAME if change is None or change == 0 else UP if change > 0 else DOWN
    put(ws, row, layout.previous_col(0), before.get("total") if before else None, st.number(r.decimals, **band))
    put(ws, row, layout.previous_col(1), before.get("rank") if before else None, st.cell(align="center", **band))
    put(ws, row, layout.previous_col(2), change_text(change), st.cell(align="center", bold=True, font_color=color,
                                                                       **band))


def _change_chart(r: Report, ws: Any, layout: Layout, at: int) -> int:
    """名次升降: places moved since last year, one bar per unit in ranking order (new units have no bar)."""
    col = layout.data_col + len(r.scheme.grades) + 1  # right of the grade lines' data
    ws.write_string(HEADER, col, "名次变化", r.styles.get(font_color="#7F7F7F"))
    for i, u in enumerate(r.c.result.units[:layout.charted]):
        change = rank_change(r.c.previous.get(u.id), u.rank)
        if change is not None:
            ws.write_number(FIRST + i, col, change, r.styles.get(font_color="#7F7F7F"))
    chart = r.workbook.add_chart({"type": "column"})
    chart.add_series({
        "name": sheet_ref(SHEET, HEADER, col),
        "categories": sheet_ref(SHEET, FIRST, COL["被考核单位"], layout.last_charted_row),
        "values": sheet_ref(SHEET, FIRST, col, layout.last_charted_row),
        "fill": {"color": UP}, "invert_if_negative": True, "invert_if_negative_color": DOWN,
        "data_labels": {"value": True, "font": chart_font(8)}, "gap": 60,
    })
    top = f"，前 {layout.charted} 名" if layout.charted < layout.n else ""
    chart.set_title(_title(f"与上年相比的名次变化（正数为上升{top}）"))
    chart.set_x_axis(_category_axis(layout.charted) | {"label_position": "low"})
    chart.set_y_axis({"num_font": chart_font(9), "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}},
                      "line": {"none": True}})
    chart.set_legend({"none": True})
    width = max(_widths_px(layout), 760)
    height = int(width * 0.28)
    chart.set_size({"width": width, "height": height})
    ws.insert_chart(at, 0, chart, {"object_position": 3})
    return at + math.ceil(height / PX_PER_ROW)


def _notes(r: Report, ws: Any, layout: Layout) -> None:
    s = r.scheme
    text = (f"{_subtitle(r)}折算基本分 = 基本分实得 × {numtext.plain(s.scale)} ÷ 参评满分（标为合理缺项的指标不计入参评满分）；"
            f"总分 = 折算基本分 + 加分 − 扣分，四舍五入保留 {s.decimals} 位小数；名次按总分从高到低，同分同名次。"
            "分类得分为各一级指标下基本分实得之和（未折算）。")
    merge_text(ws, layout.note_row, 0, layout.note_row, layout.last_col, text,
                   r.styles.get(text_wrap=True, font_size=9, font_color="#595959", valign="top"))
    ws.set_row(layout.note_row, row_height([(text, sum(c.width for c in COLUMNS) * 0.9)], 9))


def _distribution(r: Report, ws: Any, layout: Layout) -> int:
    """The grade distribution table (also the data of the distribution chart); returns its last row."""
    st = r.styles
    row = layout.dist_row
    ws.write_string(row - 1, 0, "等次分布", st.get(bold=True, font_size=11))
    ws.write_string(row, 1, "等次", st.header())
    merge_text(ws, row, 2, row, 4, "分数线", st.header())
    ws.write_string(row, 5, "单位数", st.header())
    ws.write_string(row, 6, "占比", st.header())
    units = r.c.result.units
    grades = r.scheme.grades
    for i, g in enumerate(grades):
        count = sum(1 for u in units if u.grade == g.name)
        upper = grades[i - 1].min if i else None
        band = f"≥{numtext.plain(g.min)}" + (f" 且 <{numtext.plain(upper)}" if upper is not None else "")
        if r.scheme.veto_grade == g.name:
            band += "，或一票否决"
        fill, _bar = r.grade_fills.get(g.name, ("#FFFFFF", ""))
        put(ws, row + 1 + i, 1, g.name, st.cell(align="center", bold=True, bg_color=fill))
        merge_text(ws, row + 1 + i, 2, row + 1 + i, 4, band, st.cell())
        put(ws, row + 1 + i, 5, count, st.cell(align="center"))
        put(ws, row + 1 + i, 6, count / len(units) if units else 0, st.cell(num_format="0%", align="center"))
    return row + len(grades)


def _threshold_data(r: Report, ws: Any, layout: Layout) -> list[tuple[int, str, str]]:
    """Columns right of the print area holding each grade line (one value per unit, as a line series needs);
    returns (column, grade, bar colour) for each grade above zero."""
    st = r.styles
    lines = [g for g in r.scheme.grades if g.min > 0]
    out = []
    if lines:
        ws.write_string(HEADER - 1, layout.data_col, "图表数据：等次分数线", st.get(font_color="#7F7F7F"))
    for k, g in enumerate(lines):
        col = layout.data_col + k
        ws.set_column(col, col, 11)
        ws.write_string(HEADER, col, f"{g.name}（{numtext.points(g.min)}）", st.header())
        for i in range(layout.charted):
            ws.write_number(FIRST + i, col, float(g.min), st.cell(font_color="#7F7F7F"))
        out.append((col, g.name, r.grade_fills.get(g.name, ("", "#7F7F7F"))[1]))
    return out


def _widths_px(layout: Layout) -> int:
    widths = [c.width for c in COLUMNS] + [CATEGORY_WIDTH] * len(layout.categories)
    return sum(pixels(w) for w in widths)


def _charts(r: Report, ws: Any, layout: Layout) -> int:
    """Totals with grade lines (full width), then category stacks and the grade distribution side by side."""
    width = max(_widths_px(layout), 760)
    top_height, bottom_height = int(width * 0.33), int(width * 0.29)
    totals = _totals_chart(r, ws, layout)
    totals.set_size({"width": width, "height": top_height})
    ws.insert_chart(layout.chart_row, 0, totals, {"object_position": 3})
    below = layout.chart_row + math.ceil(top_height / PX_PER_ROW) + 1
    stacks = _category_chart(r, layout)
    if r.scheme.grades:
        stacks.set_size({"width": int(width * 0.62), "height": bottom_height})
        dist = _distribution_chart(r, layout)
        dist.set_size({"width": width - int(width * 0.62) - 8, "height": bottom_height})
        ws.insert_chart(below, 0, stacks, {"object_position": 3})
        ws.insert_chart(below, 0, dist, {"x_offset": int(width * 0.62) + 8, "object_position": 3})
    else:
        stacks.set_size({"width": width, "height": bottom_height})
        ws.insert_chart(below, 0, stacks, {"object_position": 3})
    last = below + math.ceil(bottom_height / PX_PER_ROW)
    breaks = [layout.chart_row - 1]
    if layout.charted < layout.n:  # on a page of its own: the three charts above fill one
        histogram = _histogram_chart(r, ws, layout)
        histogram.set_size({"width": width, "height": top_height})
        breaks.append(last + 1)
        ws.insert_chart(last + 2, 0, histogram, {"object_position": 3})
        last += 2 + math.ceil(top_height / PX_PER_ROW)
    ws.set_h_pagebreaks(breaks)
    return last


def score_bands(totals: list[float]) -> list[tuple[int, int, int]]:
    """The totals counted by score band, [low, high) of a width of 1, 2 or 5 times a power of ten giving at
    most about 20 bands, from the band of the lowest total to that of the highest."""
    if not totals:
        return []
    low, high = min(totals), max(totals)
    width, factors = 1, itertools.cycle((2, 2.5, 2))  # 1, 2, 5, 10, 20, 50, …
    while (high - low) / width > 20:
        width = int(width * next(factors))
    start = math.floor(low / width) * width
    count = int((high - start) // width) + 1
    bands = [0] * count
    for t in totals:
        bands[min(int((t - start) // width), count - 1)] += 1
    return [(start + k * width, start + (k + 1) * width, bands[k]) for k in range(count)]


def _histogram_chart(r: Report, ws: Any, layout: Layout) -> Any:
    """分数分布: every unit counted by its total's band (its data right of the print area)."""
    st = r.styles
    col = layout.data_col + len(r.scheme.grades) + 3  # right of the grade lines' and the changes' data
    bands = score_bands([float(u.total) for u in r.c.result.units])
    ws.write_string(HEADER, col, "分数段", st.header())
    ws.write_string(HEADER, col + 1, "单位数", st.header())
    ws.set_column(col, col, 11)
    for k, (low, high, count) in enumerate(bands):
        ws.write_string(FIRST + k, col, f"{low:g}–{high:g}", st.get(font_color="#7F7F7F"))
        ws.write_number(FIRST + k, col + 1, count, st.get(font_color="#7F7F7F"))
    chart = r.workbook.add_chart({"type": "column"})
    last = FIRST + max(len(bands), 1) - 1
    chart.add_series({
        "name": sheet_ref(SHEET, HEADER, col + 1),
        "categories": sheet_ref(SHEET, FIRST, col, last),
        "values": sheet_ref(SHEET, FIRST, col + 1, last),
        "fill": {"color": "#4472C4"}, "border": {"color": "#FFFFFF", "width": 0.5}, "gap": 8,
        "data_labels": {"value": True, "position": "outside_end", "font": chart_font(8)},
    })
    most = max((b[2] for b in bands), default=1)
    step = nice_step(most)
    chart.set_title(_title(f"分数分布（全部 {layout.n} 个单位，按总分分段，含下限不含上限）", 11))
    chart.set_x_axis({"num_font": chart_font(8, rotation=-45 if len(bands) > 12 else 0), "major_tick_mark": "none",
                      "name": "总分", "name_font": chart_font(9, bold=False)})
    top = step * (most // step + 1)
    chart.set_y_axis(_value_axis(top + step if top - most < 0.12 * top else top, step, "单位数"))
    chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"color": "#D9D9D9"}})
    return chart


def _title(text: str, size: float = 12) -> dict[str, Any]:
    return {"name": text, "name_font": chart_font(size, bold=True), "overlay": False}


def _category_axis(n: int) -> dict[str, Any]:
    rotation = -45 if n > 8 else 0
    return {"num_font": chart_font(9 if n <= 15 else 8, rotation=rotation), "major_tick_mark": "none",
            "line": {"color": "#A6A6A6"}}


def _value_axis(maximum: float | None, major: float | None = None, name: str = "") -> dict[str, Any]:
    axis: dict[str, Any] = {"min": 0, "num_font": chart_font(9), "major_gridlines": {
        "visible": True, "line": {"color": "#E0E0E0", "width": 0.75}}, "line": {"none": True}}
    if maximum is not None:
        axis["max"] = maximum
    if major is not None:
        axis["major_unit"] = major
    if name:
        axis["name"] = name
        axis["name_font"] = chart_font(9, bold=False)
    return axis


def _top_of_scale(r: Report) -> float:
    top = float(r.scheme.scale + (r.scheme.bonus_cap or 0))
    highest = max((float(u.total) for u in r.c.result.units), default=0.0)
    return math.ceil(max(top, highest, 1) / 10) * 10


def _totals_chart(r: Report, ws: Any, layout: Layout) -> Any:
    wb, n, last = r.workbook, layout.charted, layout.last_charted_row
    names = sheet_ref(SHEET, FIRST, COL["被考核单位"], last)
    chart = wb.add_chart({"type": "column"})
    points = [{"fill": {"color": r.grade_fills.get(u.grade, ("", "#4472C4"))[1]}, "border": {"none": True}}
              for u in r.c.result.units[:n]]
    labels = {"value": True, "position": "inside_end", "font": chart_font(8 if n <= 12 else 7, color="#FFFFFF",
                                                                           bold=True),
              "num_format": "0." + "0" * r.decimals if r.decimals else "0"}
    chart.add_series({
        "name": sheet_ref(SHEET, HEADER, COL["总分"]),
        "categories": names,
        "values": sheet_ref(SHEET, FIRST, COL["总分"], last),
        "points": points,
        "data_labels": labels if n <= 20 else {},
        "gap": 60 if n <= 12 else 30,
    })
    lines = wb.add_chart({"type": "line"})
    for col, _grade, color in _threshold_data(r, ws, layout):
        lines.add_series({
            "name": sheet_ref(SHEET, HEADER, col),
            "categories": names,
            "values": sheet_ref(SHEET, FIRST, col, last),
            "line": {"color": color, "width": 1.5, "dash_type": "dash"},
            "marker": {"type": "none"},
        })
    if lines.series:
        chart.combine(lines)
    top = f"前 {n} 名，共 {layout.n} 个单位" if n < layout.n else ""
    notes = "，".join(x for x in (top, "柱色为等次，虚线为等次分数线" if r.scheme.grades else "") if x)
    chart.set_title(_title(f"总分排名（{notes}）" if notes else "总分排名"))
    chart.set_x_axis(_category_axis(n))
    chart.set_y_axis(_value_axis(_top_of_scale(r), 10))
    if lines.series:  # the grade lines named in the legend; the bars need no entry
        chart.set_legend({"position": "top", "font": chart_font(9), "delete_series": [0]})
    else:
        chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"color": "#D9D9D9"}})
    return chart


def _category_chart(r: Report, layout: Layout) -> Any:
    n, last = layout.charted, layout.last_charted_row
    chart = r.workbook.add_chart({"type": "column", "subtype": "stacked"})
    names = sheet_ref(SHEET, FIRST, COL["被考核单位"], last)
    points = category_points(r)
    for j, cat in enumerate(layout.categories):
        col = layout.category_col(j)
        color = CATEGORY_COLORS[j % len(CATEGORY_COLORS)]
        chart.add_series({
            "name": category_label(cat, points[cat]),  # the header without its line break
            "categories": names,
            "values": sheet_ref(SHEET, FIRST, col, last),
            "fill": {"color": color},
            "border": {"color": "#FFFFFF", "width": 0.5} if n <= 30 else {"none": True},
            "gap": 50,
            "data_labels": {"value": True, "position": "center", "num_format": "0.#",
                            "font": chart_font(7, color="#262626" if color in LIGHT else "#FFFFFF")}
            if n <= 10 and len(layout.categories) <= 6 else {},
        })
    total = float(sum(category_points(r).values()))
    chart.set_title(_title(f"分类得分（未折算，{'前 ' + str(n) + ' 名' if n < layout.n else '按名次排列'}）", 11))
    chart.set_x_axis(_category_axis(n))
    chart.set_y_axis(_value_axis(math.ceil(max(total, 1) / 10) * 10, 20 if total > 60 else None))
    chart.set_legend({"position": "bottom", "font": chart_font(8)})
    chart.set_chartarea({"border": {"color": "#D9D9D9"}})
    return chart


def _distribution_chart(r: Report, layout: Layout) -> Any:
    grades = r.scheme.grades
    row = layout.dist_row
    chart = r.workbook.add_chart({"type": "column"})
    chart.add_series({
        "name": sheet_ref(SHEET, row, 5),
        "categories": sheet_ref(SHEET, row + 1, 1, row + len(grades)),
        "values": sheet_ref(SHEET, row + 1, 5, row + len(grades)),
        "points": [{"fill": {"color": r.grade_fills.get(g.name, ("", "#4472C4"))[1]}} for g in grades],
        "data_labels": {"value": True, "position": "outside_end", "font": chart_font(9, bold=True)},
        "gap": 80,
    })
    most = max((sum(1 for u in r.c.result.units if u.grade == g.name) for g in grades), default=1)
    chart.set_title(_title("等次分布（单位数）", 11))
    chart.set_x_axis({"num_font": chart_font(10, bold=True), "major_tick_mark": "none"})
    step = nice_step(most)
    top = step * (most // step + 1)
    if top - most < 0.12 * top:  # room for the label above the tallest bar
        top += step
    chart.set_y_axis(_value_axis(top, step))
    chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"color": "#D9D9D9"}})
    return chart


def nice_step(most: int) -> int:
    """A gridline step of 1, 2 or 5 times a power of ten giving at most about six lines up to ``most``."""
    step = 1
    while most / step > 6:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if most / step <= 6:
                break
    return step


def _single_unit(r: Report, ws: Any, layout: Layout) -> int:
    """One assessed place: the categories against their full marks instead of a ranking chart."""
    st = r.styles
    unit = r.c.result.units[0]
    row = (layout.dist_row + len(r.scheme.grades) + 3) if r.scheme.grades else layout.note_row + 3
    ws.write_string(row - 1, 0, "分类得分", st.get(bold=True, font_size=11))
    heads = ("类别", "参评满分", "得分", "得分率")
    merge_text(ws, row, 0, row, 1, heads[0], st.header())
    for k, name in enumerate(heads[1:]):
        ws.write_string(row, 2 + k, name, st.header())
    active = _category_active_points(r, unit)
    name_width = COLUMNS[0].width + COLUMNS[1].width  # 类别 is merged over 名次 and 被考核单位
    cats = layout.categories
    for i, cat in enumerate(cats):
        got, full = unit.categories.get(cat, Decimal(0)), active.get(cat, Decimal(0))
        name = cat or "（未分类）"
        merge_text(ws, row + 1 + i, 0, row + 1 + i, 1, name, st.cell(text_wrap=True))
        fit_row(ws, row + 1 + i, [(name, name_width)])
        if r.c.interim and not _category_due(r, unit, cat):  # no bar, and no 0 that would read as a score
            put(ws, row + 1 + i, 2, None, st.cell())
            put(ws, row + 1 + i, 3, NOT_DUE_TEXT, st.cell(bg_color=NA_FILL, font_color=UNSCORED_FONT, align="center"))
            put(ws, row + 1 + i, 4, None, st.cell())
            continue
        put(ws, row + 1 + i, 2, float(full), st.cell(num_format="0.##"))
        put(ws, row + 1 + i, 3, r.num(got), st.number(r.decimals))
        put(ws, row + 1 + i, 4, float(got / full) if full else None, st.cell(num_format="0.0%"))
    chart = r.workbook.add_chart({"type": "bar"})
    chart.add_series({
        "name": sheet_ref(SHEET, row, 4),
        "categories": sheet_ref(SHEET, row + 1, 0, row + len(cats)),
        "values": sheet_ref(SHEET, row + 1, 4, row + len(cats)),
        "fill": {"color": "#4472C4"}, "gap": 60,
        "data_labels": {"value": True, "num_format": "0.0%", "font": chart_font(9)},
    })
    chart.set_title(_title(f"{unit.name} 各类指标得分率", 11))
    chart.set_x_axis({"min": 0, "max": 1, "major_unit": 0.2, "num_format": "0%", "num_font": chart_font(9),
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_y_axis({"reverse": True, "num_font": chart_font(9), "major_tick_mark": "none"})
    chart.set_legend({"none": True})
    height = max(220, 50 * len(cats) + 90)
    chart.set_size({"width": max(_widths_px(layout), 640), "height": height})
    chart_row = row + len(cats) + 2
    ws.insert_chart(chart_row, 0, chart, {"object_position": 3})
    return chart_row + math.ceil(height / PX_PER_ROW)


def _category_active_points(r: Report, unit: Any) -> dict[str, Decimal]:
    """The points of the base items counted for the unit, per top category: neither 合理缺项 nor not yet due."""
    out: dict[str, Decimal] = {}
    for ind in r.scheme.base_indicators:
        item = unit.items[ind.id]
        if not item.na and item.due:
            top = ind.path[0] if ind.path else ""
            out[top] = out.get(top, Decimal(0)) + ind.points
    return out


__all__ = ["CHART_FONT", "SHEET", "write"]
