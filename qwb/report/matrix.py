"""指标得分: every unit's score on every indicator, under a full-marks row, as a heat map."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qwb.report.base import (
    HEAT,
    INVALID_TEXT,
    MISSING_TEXT,
    NA_FILL,
    NA_TEXT,
    NOT_DUE_TEXT,
    UNSCORED_FONT,
    Report,
    page_setup,
    title_block,
)
from qwb.rules import DeductRule
from qwb.xlsx import merge_text, print_scale, put, row_height

SHEET = "指标得分"
CATEGORY_ROW, ID_ROW, TITLE_ROW, FULL_ROW = 2, 3, 4, 5
FIRST = FULL_ROW + 1
LEFT = ["名次", "被考核单位", "总分"]
ITEM_WIDTH = 7
#: the indicator titles above the columns: small type, at most this tall (a longer title is cut)
TITLE_SIZE, TITLE_MAX_HEIGHT = 8, 170
#: indicator columns printed on one A4 page at most; more go on further pages, readable rather than shrunk
ITEMS_PER_PAGE = 24
LEFT_WIDTHS = (5, 13, 8)
#: a top category's run of indicator columns: (its name, first and last index among the indicators)
Segment = tuple[str, int, int]


def write(r: Report) -> None:
    ws = r.workbook.add_worksheet(SHEET)
    indicators = r.scheme.indicators
    units = r.c.result.units
    first_item = len(LEFT)
    last_col = first_item + len(indicators) - 1
    title_block(r, ws, f"{r.heading}指标得分", _legend(r), min(last_col + 1, 16))
    pages = printed_pages(indicators)
    _headers(r, ws, first_item, pages)
    numbers: dict[Decimal, float] = {}
    for i, u in enumerate(units):
        _unit_row(r, ws, FIRST + i, u, first_item, numbers)
    last_row = FIRST + len(units) - 1
    if units:
        for k, ind in enumerate(indicators):
            _heat_map(ws, first_item + k, last_row, ind, units)
    ws.freeze_panes(FIRST, first_item)
    if len(pages) == 1:
        page_setup(r, ws, repeat=None, last_row=max(last_row, FULL_ROW), last_col=last_col)
    else:  # a page break before each page's first category, every page at the size its widest one needs
        widest = max(sum(last - first + 1 for _top, first, last in page) for page in pages)
        page_setup(r, ws, repeat=None, last_row=max(last_row, FULL_ROW), last_col=last_col,
                   scale=print_scale([*LEFT_WIDTHS, *[ITEM_WIDTH] * widest]))
        ws.set_v_pagebreaks([first_item + page[0][1] for page in pages[1:]])
    ws.repeat_rows(CATEGORY_ROW, FULL_ROW)
    if len(pages) > 1:
        ws.repeat_columns(0, first_item - 1)  # rank, unit and total on every page
        # the merged title would print cut inside the repeated columns of every further page; the page
        # header already names the assessment and the sheet
        ws.print_area(CATEGORY_ROW, 0, max(last_row, FULL_ROW), last_col)


def printed_pages(indicators: list[Any], per_page: int = ITEMS_PER_PAGE) -> list[list[Segment]]:
    """The indicator columns page by page: each top category whole on one page while it fits beside the
    categories before it, else on the next page; one longer than a page is cut into pages of ``per_page``."""
    pages: list[list[Segment]] = []
    used = per_page  # no page yet
    for top, first, last in _categories(indicators):
        while first <= last:
            size = last - first + 1
            if used + size > per_page:
                pages.append([])
                used = 0
            take = min(size, per_page - used)
            pages[-1].append((top, first, first + take - 1))
            used += take
            first += take
    return pages


def _categories(indicators: list[Any]) -> list[Segment]:
    """The runs of indicators under the same top category, in order."""
    runs: list[Segment] = []
    for k, ind in enumerate(indicators):
        top = ind.path[0] if ind.path else ""
        if runs and runs[-1][0] == top:
            runs[-1] = (top, runs[-1][1], k)
        else:
            runs.append((top, k, k))
    return runs


def _legend(r: Report) -> str:
    return ("每列按该指标的分值着色：0 分为红，一半为黄，满分为绿（扣分项：扣得越多越红）；"
            f"灰色“{NA_TEXT}”为合理缺项，不计入参评满分；“{MISSING_TEXT}”“{INVALID_TEXT}”为未填写或填报值无效"
            f"（按 0 分计，见“校验问题”）；“{NOT_DUE_TEXT}”为期中汇总时尚未到期。多个时间节点的指标为按方案汇总后的得分。")


def _headers(r: Report, ws: Any, first_item: int, pages: list[list[Segment]]) -> None:
    st = r.styles
    head = st.header()
    for col, (name, width) in enumerate(zip(LEFT, LEFT_WIDTHS)):
        merge_text(ws, CATEGORY_ROW, col, TITLE_ROW, col, name, head)
        ws.set_column(col, col, width)
    indicators = r.scheme.indicators
    starts = {first for _top, first, _last in _categories(indicators)}
    for page in pages:  # one merged 类别 cell per category on each printed page
        for top, first, last in page:
            name = (top or "（未分类）") + ("" if first in starts else "（续）")
            merge_text(ws, CATEGORY_ROW, first_item + first, CATEGORY_ROW, first_item + last, name, head)
    small = st.header(font_size=TITLE_SIZE, valign="top")
    for k, ind in enumerate(indicators):
        col = first_item + k
        ws.set_column(col, col, ITEM_WIDTH)
        ws.write_string(ID_ROW, col, ind.id, st.header())
        ws.write_string(TITLE_ROW, col, ind.title, small)
    ws.set_row(CATEGORY_ROW, 30)
    height = row_height([(ind.title, ITEM_WIDTH) for ind in indicators], TITLE_SIZE)
    ws.set_row(TITLE_ROW, min(height, TITLE_MAX_HEIGHT))
    full = st.cell(bold=True, bg_color="#DDEBF7", num_format="0.##")
    merge_text(ws, FULL_ROW, 0, FULL_ROW, 1, "满分", st.cell(bold=True, bg_color="#DDEBF7", align="center"))
    put(ws, FULL_ROW, 2, float(r.scheme.scale), full)
    for k, ind in enumerate(indicators):
        if ind.role == "deduction":
            put(ws, FULL_ROW, first_item + k, float(ind.points), st.cell(bold=True, bg_color="#DDEBF7",
                                                                       num_format='"扣分项"'))
        elif ind.role == "bonus":
            put(ws, FULL_ROW, first_item + k, float(ind.points), st.cell(bold=True, bg_color="#DDEBF7",
                                                                       num_format='"+"0.##'))
        else:
            put(ws, FULL_ROW, first_item + k, float(ind.points), full)


def _unit_row(r: Report, ws: Any, row: int, unit: Any, first_item: int, numbers: dict[Decimal, float]) -> None:
    """One unit's row; ``numbers`` caches the shown value of each distinct score (a few per indicator)."""
    st = r.styles
    put(ws, row, 0, unit.rank, st.cell(align="center"))
    put(ws, row, 1, unit.name, st.cell())
    put(ws, row, 2, r.num(unit.total), st.number(r.decimals, bold=True))
    score_format = st.cell(num_format="0.##")
    na_format = st.cell(bg_color=NA_FILL, font_color=UNSCORED_FONT, align="center")
    items, write_number, write_string = unit.items, ws.write_number, ws.write_string
    for col, ind in enumerate(r.scheme.indicators, first_item):
        item = items[ind.id]
        shown = r.item_text(unit.id, ind.id, item)
        if shown:
            write_string(row, col, shown, na_format)
        elif item.score is None:
            ws.write_blank(row, col, None, score_format)
        else:
            value = numbers.get(item.score)
            if value is None:
                value = numbers[item.score] = r.num(item.score)
            write_number(row, col, value, score_format)


def _heat_map(ws: Any, col: int, last_row: int, ind: Any, units: list[Any]) -> None:
    if ind.role == "deduction":
        cap = ind.rule.cap if isinstance(ind.rule, DeductRule) else None
        worst = min((u.items[ind.id].score for u in units), default=Decimal(0))
        low, high = float(-(cap or 0) or worst or -1), 0.0
    else:
        low, high = 0.0, float(ind.points)
    if high <= low:
        return
    ws.conditional_format(FIRST, col, last_row, col, {
        "type": "3_color_scale",
        "min_type": "num", "min_value": low, "min_color": HEAT[0],
        "mid_type": "num", "mid_value": (low + high) / 2, "mid_color": HEAT[1],
        "max_type": "num", "max_value": high, "max_color": HEAT[2],
    })
