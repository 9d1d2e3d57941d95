"""Write one fill-in workbook (xlsxwriter): 说明, 填报, 汇总, 印证材料, 自评报告, and the hidden identity."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from functools import cached_property
from typing import Any

from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell

from qwb.keys import key_text
from qwb.numtext import plain
from qwb.rules import NA_FIELD, OP_WORDS, VALUE, YES, InputField, TargetRule, TargetsRule, UnitTargetRule
from qwb.rules.more import target_of
from qwb.scheme.model import Indicator, Scheme, Veto
from qwb.templates.formulas import (
    RELATIVE_LATER,
    InputCell,
    aggregate_formula,
    grade_formula,
    item_score_formula,
    relative_score_formula,
    veto_formula,
)
from qwb.templates.layout import Assignee, EntryRow, entry_rows, file_name, scheme_title
from qwb.templates.names import (
    DATE_LABEL,
    ENTRY_SHEET,
    EVIDENCE_SHEET,
    FIELD_HEADER,
    FILLER_LABEL,
    IDENTITY_SHEET,
    KEY_HEADER,
    LIST_SHEET,
    PERSON_LABEL,
    PHONE_LABEL,
    README_SHEET,
    REPORT_SHEET,
    SCORE_HEADER,
    SUMMARY_SHEET,
    TEMPLATE_FORMAT,
    VALUE_HEADER,
    Identity,
)
from qwb.templates.styles import CHECK_FILL, NUMBER_FORMATS, WRONG_FILL, Styles
from qwb.templates.validation import number_validation
from qwb.version import __version__
from qwb.xlsx import (
    fit_row,
    fit_width,
    merge_text,
    new_workbook,
    page_setup,
    print_scale,
    quoted,
    row_height,
    text_width,
)

HEADER_ROW = 4  # 0-based: the entry table's header row (row 5 in Excel)

#: the entry table's columns: (header, width); 编码 填报项 填报值 得分 are the contract's
COLUMNS = [
    ("序号", 5), ("被考核单位", 10), ("类别", 12), ("指标编号", 7), ("指标名称", 18), ("考核要点", 42),
    ("分值", 6), ("时间节点", 8), (FIELD_HEADER, 10), ("计量单位", 7), ("目标", 8), (VALUE_HEADER, 13), (SCORE_HEADER, 8),
    ("说明/依据", 24), ("印证材料", 20), (KEY_HEADER, 24),
]
COL = {name: i for i, (name, _w) in enumerate(COLUMNS)}
#: the 汇总 sheet: one row per indicator from SUMMARY_FIRST, its aggregated score in SUMMARY_SCORE_COL; the totals
#: beside it from PANEL_TOP, a row below the table's header (which is printed on every page: the totals' header
#: beside it printed empty on each further page)
SUMMARY_FIRST, SUMMARY_SCORE_COL, PANEL_TOP = 3, 6, 3
#: 类别 grows to show its longest category up to this width, then wraps
CATEGORY_MAX = 20
README_WIDTHS = (18, 90)
#: 自评报告's 指标名称 column (a longer name wraps, its row made as tall as it needs)
REPORT_TITLE_WIDTH = 30
DEFAULT_OUTLINE = ["一、基本情况", "二、主要工作及成效", "三、存在的问题", "四、下一步工作打算"]


def build_workbook(scheme: Scheme, assignee: Assignee, password: str | None = None,
                   values: dict[str, Any] | None = None) -> bytes:
    """The template as .xlsx bytes; ``values`` pre-fills 填报值 cells (simulated returns, benchmarks)."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    workbook.set_properties({
        "title": file_name(scheme, assignee).removesuffix(".xlsx"),
        "author": scheme.issuer or "qwb",
        "comments": f"qwb {__version__}",
        "created": dt.datetime(max(scheme.year, 1980), 1, 1),
    })
    writer = TemplateWriter(workbook, scheme, assignee, password)
    writer.values = values or {}
    writer.write()
    workbook.close()
    return buffer.getvalue()


class TemplateWriter:
    def __init__(self, workbook: Any, scheme: Scheme, assignee: Assignee, password: str | None):
        self.wb, self.scheme, self.assignee = workbook, scheme, assignee
        self.password = password or ""
        self.styles = Styles(workbook)
        self.rows = entry_rows(scheme, assignee)
        self.lists_sheet: Any = None
        self.list_row = 0
        self.score_cells: dict[tuple[str, str, str], str] = {}  # (unit, indicator, period) -> 得分 cell
        self.na_cells: dict[tuple[str, str], str] = {}
        self.veto_cells: dict[tuple[str, str], str] = {}
        self.values: dict[str, Any] = {}
        self.marked: dict[tuple[Any, ...], tuple[InputField, list[str]]] = {}
        #: 得分 rows of relative items, written once every unit's value cell is known
        self.relative_rows: list[tuple[int, EntryRow, Any]] = []
        self.value_cells: dict[str, str] = {}  # key -> its 填报值 cell

    @property
    def is_unit(self) -> bool:
        return self.assignee.kind == "unit"

    def write(self) -> None:
        readme = self.wb.add_worksheet(README_SHEET)
        entry = self.wb.add_worksheet(ENTRY_SHEET)
        summary = self.wb.add_worksheet(SUMMARY_SHEET) if self.is_unit else None
        evidence_items = [r for r in self.rows if r.first_of_item and not r.is_veto and r.item.evidence]  # type: ignore[union-attr]
        evidence = self.wb.add_worksheet(EVIDENCE_SHEET) if evidence_items else None
        report = self.wb.add_worksheet(REPORT_SHEET) if self.is_unit else None
        self.lists_sheet = self.wb.add_worksheet(LIST_SHEET)
        identity = self.wb.add_worksheet(IDENTITY_SHEET)
        self.write_entry_sheet(entry)
        self.write_readme(readme)
        if summary is not None:
            self.write_summary(summary)
        if evidence is not None:
            self.write_evidence(evidence, evidence_items)
        if report is not None:
            self.write_report(report)
        self.write_identity(identity)
        self.lists_sheet.hide()
        identity.hide()
        entry.activate()

    # --- 填报 ---------------------------------------------------------------------

    def width(self, name: str) -> float:
        """A column's width; 类别 fits its longest category, up to CATEGORY_MAX (wrapped beyond); 得分 shows
        汇总后计算 whole where some item is scored against the other units."""
        if name == "类别":
            names = ["否决项", *(i.path[0] for i in self.scheme.indicators if i.path)]
            return fit_width(names, COLUMNS[COL[name]][1], CATEGORY_MAX)
        if name == SCORE_HEADER and self.scored_later:
            return fit_width([RELATIVE_LATER], COLUMNS[COL[name]][1], 14)
        return COLUMNS[COL[name]][1]

    def write_entry_sheet(self, ws: Any) -> None:
        st, s = self.styles, self.scheme
        for i, (name, _width) in enumerate(COLUMNS):
            ws.set_column(i, i, self.width(name))
        ws.set_column(COL[KEY_HEADER], COL[KEY_HEADER], 24, None, {"level": 0})
        kind = "自评填报表" if self.is_unit else "填报表"
        merge_text(ws, 0, 0, 0, COL[SCORE_HEADER], f"{scheme_title(s)}{kind} — {self.assignee.name}", st.title())
        ws.set_row(0, 24)
        self.write_header_block(ws)
        merge_text(ws, 2, 0, 2, COL[KEY_HEADER],
                   f"只在黄色单元格中填写；得分随填写自动计算。请勿修改、删除或插入行，请勿改动“{KEY_HEADER}”列。"
                   "百分比直接输入如 95%；千分比输入如 0.6‰。填报值变红：汇总时不能计分，请改正；"
                   "变橙：得分显示“待核”，请改为规范的数字。", st.get(font_color="#C00000"))
        for col, (name, _w) in enumerate(COLUMNS):
            ws.write_string(HEADER_ROW, col, name, st.header())
        ws.set_row(HEADER_ROW, 22)
        self.write_entries(ws)
        self.write_relative_scores(ws)
        self.write_marks(ws)
        last = HEADER_ROW + max(len(self.rows), 1)
        ws.autofilter(HEADER_ROW, 0, last, COL[KEY_HEADER])
        ws.freeze_panes(HEADER_ROW + 1, 0)
        page_setup(ws, repeat=HEADER_ROW)
        ws.print_area(0, 0, last, COL["印证材料"])
        ws.protect(self.password, {"autofilter": True, "sort": True, "format_columns": True,
                                   "format_rows": True})

    def write_header_block(self, ws: Any) -> None:
        st = self.styles
        # each label right of the one before and its box right after it, over columns wide enough for both;
        # 填报日期's box stays above 填报值 (where earlier templates and qwb.fill have it)
        merge_text(ws, 1, 0, 1, 1, FILLER_LABEL, st.label())
        merge_text(ws, 1, 2, 1, 3, self.assignee.name, st.text())
        ws.write_string(1, 4, PERSON_LABEL, st.label())
        ws.write_blank(1, 5, None, st.input())
        merge_text(ws, 1, 6, 1, 7, PHONE_LABEL, st.label())
        ws.merge_range(1, 8, 1, 9, "", st.input())
        ws.write_string(1, COL[VALUE_HEADER] - 1, DATE_LABEL, st.label())
        ws.write_blank(1, COL[VALUE_HEADER], None, st.input("yyyy-mm-dd"))
        ws.data_validation(1, COL[VALUE_HEADER], 1, COL[VALUE_HEADER], {
            "validate": "date", "criteria": ">", "value": dt.date(2000, 1, 1),
            "input_title": DATE_LABEL, "input_message": "填写日期，如 2016-12-20。多次提交时以日期最晚的一份为准。",
            "error_title": "日期不正确", "error_message": "请填写日期，格式如 2016-12-20。",
        })

    def write_entries(self, ws: Any) -> None:
        st = self.styles
        band = False
        previous_unit = None
        period_rows: dict[tuple[str, str, str], dict[str, str]] = {}
        for i, r in enumerate(self.rows):
            row = HEADER_ROW + 1 + i
            if r.first_of_item:
                band = not band
            top = 2 if previous_unit is not None and r.unit_id != previous_unit else 0
            previous_unit = r.unit_id
            text = st.text(band=band, top=top)
            wrap = st.text(band=band, wrap=True, top=top)
            item = r.item
            ws.write_number(row, COL["序号"], i + 1, text)
            ws.write_string(row, COL["被考核单位"], r.unit_name, text)
            if isinstance(item, Veto):
                ws.write_string(row, COL["类别"], "否决项", text)
                ws.write_string(row, COL["指标编号"], item.id, text)
                ws.write_string(row, COL["指标名称"], item.title, wrap)
                ws.write_string(row, COL["考核要点"], "发生则考核等次为“" + (self.scheme.veto_grade or "") + "”", wrap)
                ws.write_blank(row, COL["分值"], None, text)
            else:
                ws.write_string(row, COL["类别"], item.path[0] if item.path else "", wrap)
                ws.write_string(row, COL["指标编号"], item.id, text)
                ws.write_string(row, COL["指标名称"], item.title, wrap)
                ws.write_string(row, COL["考核要点"], self.content_text(item, r.unit_id) if r.first_of_item else "〃", wrap)
                ws.write_number(row, COL["分值"], float(item.points), text)
            target = "" if isinstance(item, Veto) else target_text(item, r)
            ws.write_string(row, COL["时间节点"], r.period.name, wrap)
            ws.write_string(row, COL[FIELD_HEADER], r.field.name, wrap)
            ws.write_string(row, COL["计量单位"], r.field.unit if r.field.kind not in ("choice", "yesno") else "", text)
            ws.write_string(row, COL["目标"], target, wrap)
            value_cell = xl_rowcol_to_cell(row, COL[VALUE_HEADER])
            self.write_input(ws, row, r, top)
            ws.write_blank(row, COL["说明/依据"], None, st.input(wrap=True, top=top))
            evidence = "" if isinstance(item, Veto) else "；".join(item.evidence)
            ws.write_string(row, COL["印证材料"], evidence, wrap)
            ws.write_string(row, COL[KEY_HEADER], r.key, st.key(top=top))
            self.value_cells[r.key] = value_cell
            group = (r.unit_id, item.id, r.period.id)
            period_rows.setdefault(group, {})[r.field.name] = value_cell
            score_format = st.score(top=top)
            if isinstance(item, Veto):
                self.veto_cells[(r.unit_id, item.id)] = value_cell
                ws.write_formula(row, COL[SCORE_HEADER], veto_formula(value_cell), score_format, "")
            elif r.last_of_period:
                cells = period_rows[group]
                na_cell = cells.get(NA_FIELD) if item.na_allowed and r.last_period_of_item else None
                if na_cell:
                    self.na_cells[(r.unit_id, item.id)] = na_cell
                if item.rule_in(r.period.id).type == "relative":
                    self.relative_rows.append((row, r, score_format))
                else:
                    formula = item_score_formula(item, cells, na_cell, r.period.id, r.unit_id)
                    ws.write_formula(row, COL[SCORE_HEADER], formula, score_format, "")
                self.score_cells[group] = xl_rowcol_to_cell(row, COL[SCORE_HEADER], row_abs=True, col_abs=True)
            else:
                ws.write_blank(row, COL[SCORE_HEADER], None, st.text(band=band, top=top))
            content = self.content_text(item, r.unit_id) if r.first_of_item and not isinstance(item, Veto) else ""
            category = item.path[0] if isinstance(item, Indicator) and item.path else ""
            ws.set_row(row, row_height([(content, self.width("考核要点")), (item.title, self.width("指标名称")),
                                        (evidence, self.width("印证材料")), (category, self.width("类别")),
                                        (r.period.name, self.width("时间节点")), (r.field.name, self.width(FIELD_HEADER)),
                                        (target, self.width("目标")), (longest_option(r.field), self.width(VALUE_HEADER))]))

    def write_relative_scores(self, ws: Any) -> None:
        """得分 of relative items: live over every unit's row where this template holds them all (a department
        template), else 汇总后计算 (a unit's own template cannot see the others)."""
        units = [u.id for u in self.scheme.units]
        for row, r, score_format in self.relative_rows:
            ind, period = r.item, r.period.id
            name = ind.input_fields(period)[0].name  # type: ignore[union-attr]
            keys = [key_text(u, ind.id, period, name) for u in units]
            if self.is_unit or not all(k in self.value_cells for k in keys):
                ws.write_string(row, COL[SCORE_HEADER], RELATIVE_LATER, self.styles.score(top=0))
                continue
            na_of = {u: self.na_cells.get((u, ind.id)) for u in units}
            members = [(self.value_cells[k], na_of[u]) for u, k in zip(units, keys)]
            own = self.value_cells[key_text(r.unit_id, ind.id, period, name)]
            na_cell = na_of[r.unit_id] if r.last_period_of_item else None
            formula = relative_score_formula(ind, period, own, members, na_cell)  # type: ignore[arg-type]
            ws.write_formula(row, COL[SCORE_HEADER], formula, score_format, "")

    def content_text(self, ind: Indicator, unit: str | None = None) -> str:
        return f"{ind.content or ind.title}\n【计分】{ind.describe(unit, self.scheme.period_names)}"

    def write_input(self, ws: Any, row: int, r: EntryRow, top: int) -> None:
        f = r.field
        num_format = NUMBER_FORMATS.get(f.unit if f.unit in ("%", "‰") else f.kind, "General")
        style = self.styles.input(num_format, top=top, wrap=f.kind == "choice")  # a long option wraps, whole
        value = self.values.get(r.key)
        if value is None:
            ws.write_blank(row, COL[VALUE_HEADER], None, style)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(row, COL[VALUE_HEADER], value, style)
        else:
            ws.write_string(row, COL[VALUE_HEADER], str(value), style)
        ws.data_validation(row, COL[VALUE_HEADER], row, COL[VALUE_HEADER], self.validation(r, row))
        self.mark(row, f)

    def validation(self, r: EntryRow, row: int) -> dict[str, Any]:
        f = r.field
        title = f"{r.item.id} {f.name}"[:32]
        if f.kind in ("choice", "yesno"):
            return {"validate": "list", "source": self.list_source(f.labels), "input_title": title,
                    "input_message": _cut("请从下拉列表选择：" + "、".join(f.labels)),
                    "error_title": "不是可选项", "error_message": _cut("只能选择：" + "、".join(f.labels))}
        return number_validation(f, xl_rowcol_to_cell(row, COL[VALUE_HEADER]), title)

    def mark(self, row: int, field: InputField) -> None:
        """Group the cell with the other value cells of the same kind of field: one conditional format each."""
        key = (field.kind, field.unit, field.labels, field.minimum, field.maximum, field.step, field.required)
        self.marked.setdefault(key, (field, []))[1].append(xl_rowcol_to_cell(row, COL[VALUE_HEADER]))

    def write_marks(self, ws: Any) -> None:
        """Red: consolidation will refuse the value; orange: text only consolidation can read (得分 shows 待核).
        One rule per kind of field over all its cells: the formula is relative to the first cell."""
        wrong, check = self.styles.dxf(bg_color=WRONG_FILL), self.styles.dxf(bg_color=CHECK_FILL)
        for field, cells in self.marked.values():
            cell = InputCell(field, cells[0])
            for criteria, fmt in ((cell.wrong_format(), wrong), (cell.check_format(), check)):
                ws.conditional_format(cells[0], {"type": "formula", "criteria": "=" + criteria, "format": fmt,
                                                 "multi_range": " ".join(cells), "stop_if_true": True})

    def list_source(self, labels: tuple[str, ...]) -> Any:
        joined = ",".join(labels)
        if len(joined) < 200 and not any("," in x or '"' in x for x in labels):
            return list(labels)
        start = self.list_row
        for i, label in enumerate(labels):
            self.lists_sheet.write_string(start + i, 0, label)
        self.list_row += len(labels) + 1
        return f"={quoted(LIST_SHEET)}!{xl_range_abs(start, 0, start + len(labels) - 1, 0)}"

    # --- 汇总 (unit templates) ----------------------------------------------------------

    def write_summary(self, ws: Any) -> None:
        st, s = self.styles, self.scheme
        unit = self.assignee.id
        heads = [("指标编号", 8), ("类别", self.width("类别")), ("指标名称", 28), ("分值", 7), ("类型", 7), ("合理缺项", 8),
                 ("得分", max(9, self.width(SCORE_HEADER)))]
        for i, (name, width) in enumerate(heads):
            ws.set_column(i, i, width)
            ws.write_string(2, i, name, st.header())
        merge_text(ws, 0, 0, 0, 6, f"{self.assignee.name} 自评得分汇总（随填报自动计算）", st.title())
        ws.set_column(8, 8, fit_width(["分类得分（未折算）", *self.top_categories], 16, 40))
        ws.set_column(9, 9, 12)
        later = {i.id for i in self.scored_later}
        first = SUMMARY_FIRST
        roles = {"base": "基本", "bonus": "加分", "deduction": "扣分"}
        for i, ind in enumerate(s.indicators):
            row = first + i
            ws.write_string(row, 0, ind.id, st.text())
            category = ind.path[0] if ind.path else ""
            ws.write_string(row, 1, category, st.text(wrap=True))
            ws.write_string(row, 2, ind.title, st.text(wrap=True))
            fit_row(ws, row, [(category, heads[1][1]), (ind.title, heads[2][1])])
            ws.write_number(row, 3, float(ind.points), st.text())
            ws.write_string(row, 4, roles[ind.role], st.text())
            na = self.na_cells.get((unit, ind.id))
            entry = quoted(ENTRY_SHEET)
            # 1 (counted out by the SUMIFS of the totals) shows as 是, 0 as nothing
            ws.write_formula(row, 5, f'=IF({entry}!{na}="{YES}",1,0)' if na else "=0",
                             st.text(num_format=f'"{YES}";;', align="center"), 0)
            if ind.id in later:
                ws.write_string(row, SUMMARY_SCORE_COL, RELATIVE_LATER, st.score())
                continue
            cells = [f"{entry}!{self.score_cells[(unit, ind.id, p.id)]}" for p in s.periods_of(ind)]
            ws.write_formula(row, SUMMARY_SCORE_COL, aggregate_formula(s.period_aggregate, cells), st.score(), 0)
        last = first + len(s.indicators) - 1
        category, pts, role, na, score = (xl_range_abs(first, col, last, col) for col in (1, 3, 4, 5, 6))
        self.write_totals(ws, (pts, role, na, score), category, unit)

    @cached_property
    def top_categories(self) -> list[str]:
        """The top categories of the base items, in scheme order: 汇总's 分类得分 lines."""
        return list(dict.fromkeys(i.path[0] for i in self.scheme.base_indicators if i.path))

    @cached_property
    def scored_later(self) -> list[Indicator]:
        """The items compared with the other units in some period: a unit's own template cannot score them."""
        s = self.scheme
        return [i for i in s.indicators if any(i.rule_in(p.id).type == "relative" for p in s.periods_of(i))]

    def value_range(self) -> str:
        """The 填报值 cells of the entry table: blank until the filler types something."""
        first, last = HEADER_ROW + 1, HEADER_ROW + max(len(self.rows), 1)
        return f"{quoted(ENTRY_SHEET)}!{xl_range_abs(first, COL[VALUE_HEADER], last, COL[VALUE_HEADER])}"

    def write_totals(self, ws: Any, ranges: tuple[str, str, str, str], category: str, unit: str) -> None:
        """The totals right of the table; ``ranges``: its 分值, 类型, 合理缺项 and 得分 columns."""
        st, s = self.styles, self.scheme
        pts, role, na, score = ranges
        scale = plain(s.full_marks) if s.full_marks is not None else f'SUMIFS({pts},{role},"基本")'
        bonus = f'SUMIFS({score},{role},"加分")'
        if s.bonus_cap is not None:
            bonus = f"MIN({bonus},{plain(s.bonus_cap)})"
        deduction = f'-SUMIFS({score},{role},"扣分")'
        if s.deduction_cap is not None:
            deduction = f"MIN({deduction},{plain(s.deduction_cap)})"
        vetoes = [f"{quoted(ENTRY_SHEET)}!{c}=\"{YES}\"" for (u, _v), c in self.veto_cells.items() if u == unit]
        veto = f"OR({','.join(vetoes)})" if vetoes else "FALSE"
        later = self.scored_later
        total_label = f"总分（不含{len(later)}项）" if later else "总分"
        top = PANEL_TOP + 1  # the first line's row
        j = [f"J{top + 1 + k}" for k in range(8)]  # the lines' values, as formulas name them
        lines = [
            ("基本分（原始）", f'=SUMIFS({score},{role},"基本",{na},0)'),
            ("基本分满分", f'=SUMIFS({pts},{role},"基本",{na},0)'),
            ("折算基数", f"={scale}"),
            ("折算基本分", f"=IF({j[1]}=0,0,{j[0]}*{j[2]}/{j[1]})"),
            ("加分", f"={bonus}"),
            ("扣分", f"={deduction}"),
            (total_label, f'=IF(COUNTA({self.value_range()})=0,"",ROUND(MAX({j[3]}+{j[4]}-{j[5]},0),{s.decimals}))'),
            ("否决", f'=IF({veto},"是","否")'),
        ]
        ws.write_string(PANEL_TOP, 8, "合计", st.header())
        ws.write_blank(PANEL_TOP, 9, None, st.header())
        for i, (label, formula) in enumerate(lines):
            ws.write_string(top + i, 8, label, st.text(bold=True))
            ws.write_formula(top + i, 9, formula, st.score(), "")
        grades = [(g.name, plain(g.min)) for g in s.grades]
        grade_row = top + len(lines)
        ws.write_string(grade_row, 8, "等次", st.text(bold=True))
        grade = grade_formula(j[6], grades, f'{j[7]}="是"', s.veto_grade).removeprefix("=")
        if later:
            ws.write_string(grade_row, 9, "汇总后确定", st.score())
            points = plain(sum((i.points for i in later), Decimal(0)))
            # short enough for one line: a taller row would stretch the indicator row beside it
            merge_text(ws, grade_row + 1, 8, grade_row + 1, 9, f"另 {len(later)} 项（{points} 分）由质强办汇总后计算",
                       st.text())
        else:
            ws.write_formula(grade_row, 9, f'=IF({j[6]}="","",{grade})', st.score(), "")
        ws.write_string(grade_row + 2, 8, "分类得分（未折算）", st.header())
        ws.write_string(grade_row + 2, 9, "", st.header())
        for i, name in enumerate(self.top_categories):
            ws.write_string(grade_row + 3 + i, 8, name, st.text())
            ws.write_formula(grade_row + 3 + i, 9, f'=SUMIFS({score},{category},"{name}",{role},"基本",{na},0)',
                             st.score(), "")
        ws.freeze_panes(3, 0)
        page_setup(ws, repeat=2)
        ws.protect(self.password, {"autofilter": True, "sort": True, "format_columns": True})

    # --- 说明, 印证材料, 自评报告, identity --------------------------------------------------

    def write_readme(self, ws: Any) -> None:
        st, s = self.styles, self.scheme
        ws.set_column(0, 0, README_WIDTHS[0])
        ws.set_column(1, 1, README_WIDTHS[1])
        ws.write_string(0, 0, scheme_title(s), st.title())
        kind = "被考核单位自评" if self.is_unit else "评价部门填报"
        period = f"{s.period_start or ''} 至 {s.period_end or ''}" if s.period_start else f"{s.year}年度"
        rows: list[tuple[str, str]] = [
            ("发布单位", s.issuer), ("考核期", period), ("模板类型", kind), ("填报单位", self.assignee.name),
            ("填报行数", f"{len(self.rows)} 行"),
        ]
        for p in s.periods:
            rows.append((f"时间节点：{p.name}", f"{p.due} 前报送" if p.due else "按通知报送"))
        rows += [
            ("如何填写", "1. 打开“填报”表，填写第 2 行的填报人、联系电话和填报日期。\n"
                       "2. 逐行在黄色的“填报值”列中填写：选项类从下拉列表选择；数值类直接输入数字，"
                       "百分比输入如 95%，千分比输入如 0.6‰；次数填整数。\n"
                       "3. “得分”列随填写自动计算，供核对；最终得分以质强办汇总计算为准。\n"
                       "4. 在“说明/依据”列简要写明数据来源或计分依据；需要印证材料的，在“印证材料”表列出文件名。\n"
                       "5. 保存为 .xlsx 后按时报送（可用 Excel、WPS 或 LibreOffice 填写，无需宏或插件）。"),
            ("请勿改动", "请勿删除、插入或复制行，请勿修改“编码”列、表名和隐藏的工作表。" + self.sorting_note()
             + "汇总时按“编码”识别每一行。"),
            ("合理缺项", "允许合理缺项的指标有一行“合理缺项”，确实不涉及时选“是”并在“说明/依据”写明理由；"
                       "未填写的项目不会被视为合理缺项，将按 0 分计。"),
            ("联系人", s.contact or "（质强办联系人及电话，下发前请填写）"),
        ]
        for i, (label, text) in enumerate(rows):
            ws.write_string(2 + i, 0, label, st.text(bold=True, valign="top", wrap=True))
            ws.write_string(2 + i, 1, text, st.text(wrap=True))
            fit_row(ws, 2 + i, [(label, README_WIDTHS[0]), (text, README_WIDTHS[1])])
        page_setup(ws)
        ws.protect(self.password)

    def sorting_note(self) -> str:
        """What a filler can do with the rows of a protected sheet: Excel sorts no locked cells."""
        if self.password:
            return "可以用表头的筛选按钮筛选、隐藏行，调整列宽；工作表受密码保护，不能排序。"
        return ("可以用表头的筛选按钮筛选、隐藏行，调整列宽；工作表受保护，排序前须先撤销保护（“审阅”→“撤销工作表保护”，"
                "无密码），排序后按“序号”升序可恢复原来的顺序。")

    def write_evidence(self, ws: Any, items: list[EntryRow]) -> None:
        st = self.styles
        heads = [("被考核单位", 10), ("指标编号", 8), ("指标名称", 24), ("应提供的印证材料", 40),
                 ("已提供的文件（请列出文件名）", 36), ("备注", 20)]
        merge_text(ws, 0, 0, 0, len(heads) - 1, "印证材料清单：按清单准备材料，在黄色单元格列出所附文件名", st.title())
        for i, (name, width) in enumerate(heads):
            ws.set_column(i, i, width)
            ws.write_string(2, i, name, st.header())
        for i, r in enumerate(items):
            row = 3 + i
            item = r.item
            assert isinstance(item, Indicator)
            ws.write_string(row, 0, r.unit_name, st.text())
            ws.write_string(row, 1, item.id, st.text())
            ws.write_string(row, 2, item.title, st.text(wrap=True))
            wanted = "\n".join(f"{n + 1}. {e}" for n, e in enumerate(item.evidence))
            ws.write_string(row, 3, wanted, st.text(wrap=True))
            fit_row(ws, row, [(item.title, heads[2][1]), (wanted, heads[3][1])])
            ws.write_blank(row, 4, None, st.input(wrap=True))
            ws.write_blank(row, 5, None, st.input(wrap=True))
        ws.freeze_panes(3, 0)
        page_setup(ws, repeat=2)
        ws.protect(self.password, {"format_rows": True, "format_columns": True})

    def write_report(self, ws: Any) -> None:
        st, s = self.styles, self.scheme
        outline = s.extra.get("self_report_outline") or DEFAULT_OUTLINE
        widths = (10, REPORT_TITLE_WIDTH, 12, 12, 40)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        merge_text(ws, 0, 0, 0, 4, f"{self.assignee.name}{s.year}年度质量工作自评报告", st.title())
        row = 2
        for heading in outline:
            merge_text(ws, row, 0, row, 4, str(heading), st.text(bold=True))
            ws.merge_range(row + 1, 0, row + 1, 4, "", st.input(wrap=True))
            ws.set_row(row + 1, 80)
            row += 2
        row += 1
        # the table starts a page of its own, its header on every page (a set print size: Excel ignores page
        # breaks on a sheet fitted to the page width)
        ws.set_h_pagebreaks([row])
        merge_text(ws, row, 0, row, 4, f"附：指标自评得分表（自动汇总自“{ENTRY_SHEET}”表）", st.text(bold=True))
        row += 1
        ws.repeat_rows(row)
        for i, name in enumerate(("指标编号", "指标名称", "分值", "自评得分", "主要工作及成效（简述）")):
            ws.write_string(row, i, name, st.header())
        for i, ind in enumerate(s.indicators):
            r = row + 1 + i
            ws.write_string(r, 0, ind.id, st.text())
            ws.write_string(r, 1, ind.title, st.text(wrap=True))
            fit_row(ws, r, [(ind.title, REPORT_TITLE_WIDTH)])
            ws.write_number(r, 2, float(ind.points), st.text())
            score = xl_rowcol_to_cell(SUMMARY_FIRST + i, SUMMARY_SCORE_COL)
            ws.write_formula(r, 3, f"={quoted(SUMMARY_SHEET)}!{score}", st.score(), "")
            ws.write_blank(r, 4, None, st.input(wrap=True))
        page_setup(ws, landscape=False, scale=print_scale(widths, landscape=False))
        ws.protect(self.password, {"format_rows": True, "format_columns": True})

    def write_identity(self, ws: Any) -> None:
        s = self.scheme
        pairs = [
            (Identity.FORMAT, TEMPLATE_FORMAT), (Identity.SCHEME, s.id), (Identity.SCHEME_NAME, s.name),
            (Identity.YEAR, str(s.year)), (Identity.FINGERPRINT, s.fingerprint()), (Identity.KIND, self.assignee.kind),
            (Identity.ASSIGNEE, self.assignee.id), (Identity.ASSIGNEE_NAME, self.assignee.name),
            (Identity.VERSION, __version__), (Identity.ROWS, str(len(self.rows))), (Identity.ENTRY_SHEET, ENTRY_SHEET),
            (Identity.HEADER_ROW, str(HEADER_ROW + 1)), (Identity.DATE_CELL, xl_rowcol_to_cell(1, COL[VALUE_HEADER])),
        ]
        for i, (key, value) in enumerate(pairs):
            ws.write_string(i, 0, key)
            ws.write_string(i, 1, value)
        ws.protect(self.password)


def target_text(ind: Indicator, r: EntryRow) -> str:
    """The target this unit's value is measured against (its own where the scheme sets targets per unit)."""
    rule = ind.rule_in(r.period.id)
    if isinstance(rule, TargetRule) and r.field.name == VALUE:
        rule = rule.for_unit(r.unit_id) if isinstance(rule, UnitTargetRule) else rule
        return f"{OP_WORDS[rule.op]}{plain(rule.target)}{rule.unit}"
    if isinstance(rule, TargetsRule):
        for t in rule.targets:
            if t.field == r.field.name:
                if isinstance(t.target, str):
                    return f"选“{t.target}”"
                return f"{OP_WORDS[t.op]}{plain(target_of(t.target, t.by_unit, r.unit_id))}{t.unit}"
    return ""


def longest_option(field: InputField) -> str:
    """The widest option a choice field's cell may show ("" for other fields): its row is made tall enough."""
    if field.kind != "choice":
        return ""
    return max(field.labels, key=text_width, default="")


def _cut(text: str, limit: int = 250) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

