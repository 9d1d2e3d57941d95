"""The scheme's Excel form: an XLSForm-like authoring workbook (docs/scheme-excel.md).

A person who does not write YAML authors a scheme in a workbook with one sheet
per part of the scheme (设置, 指标, 选项, 单位, 部门, 时间节点, 否决项, 等次, 分组,
假设, 扩展) and Chinese headers. Reading converts the sheets into exactly the
dict form :func:`qwb.scheme.yaml_form.scheme_to_dict` produces and builds it
with the same :class:`~qwb.scheme.model.Builder`, so both forms mean the same;
every problem is located at the sheet and cell the author fixes.

Columns are matched by their header text (Chinese, or the English key), so an
author may reorder them; an unknown header is ignored, a blank row skipped.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from xlsxwriter.utility import xl_col_to_name

from qwb.files import write_atomic
from qwb.issues import Issue, make
from qwb.rules import NO, OPS, RULE_NAMES, RULE_TYPES, YES, _plain
from qwb.scheme.model import KNOWN_KEYS, Builder, Scheme
from qwb.scheme.yaml_form import scheme_to_dict

FONT = "宋体"
CREATED = dt.datetime(2024, 1, 1)  # fixed, so the same scheme always gives the same bytes
LIMIT = 1000  # rows prepared with dropdowns and prompts (more are allowed, without them)

GUIDE, SETTINGS, INDICATORS, OPTIONS = "说明", "设置", "指标", "选项"
UNITS, DEPARTMENTS, PERIODS, VETOES = "单位", "部门", "时间节点", "否决项"
GRADES, GROUPS, ASSUMPTIONS, EXTENSION = "等次", "分组", "假设", "扩展"

LEVEL_DIGITS = "一二三四五六七八九十"
MIN_LEVELS = 3

# --- vocabularies: (key stored in the scheme, what the dropdown shows) -----------------

Vocab = tuple[tuple[str, str], ...]
RULE_VOCAB: Vocab = tuple((t, f"{t} {RULE_NAMES[t]}") for t in RULE_TYPES)
YESNO_VOCAB: Vocab = ((YES, YES), (NO, NO))
OP_VOCAB: Vocab = tuple((o, o) for o in OPS)
UNIT_VOCAB: Vocab = (("%", "%"), ("‰", "‰"))
BETTER_VOCAB: Vocab = (("higher", "higher 越高越好"), ("lower", "lower 越低越好"))
FROM_VOCAB: Vocab = (("item", "item 从本项扣"), ("total", "total 从总分扣"))
AGGREGATE_VOCAB: Vocab = (
    ("mean", "mean 各节点得分取平均"),
    ("last", "last 取最后一个节点的得分"),
    ("min", "min 取各节点中最低的得分"),
    ("max", "max 取各节点中最高的得分"),
    ("sum", "sum 各节点得分相加"),
)
ALIASES = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "大于等于": ">=", "小于等于": "<=", "大于": ">", "小于": "<",
           "越高越好": "higher", "越低越好": "lower", "本项": "item", "总分": "total"}

DEPARTMENT_REF = f"={DEPARTMENTS}!$A$2:$A${LIMIT}"
GRADE_REF = f"={GRADES}!$A$2:$A$100"
INDICATOR_REF = f"={INDICATORS}!$A$2:$A${LIMIT}"


@dataclass(frozen=True)
class Col:
    """One column of a sheet (or one row of 设置): where its value goes in the dict form and how it is typed."""

    key: str  # path inside the item's dict form, e.g. "rule.target"
    label: str  # the Chinese header
    width: float = 12
    kind: str = "text"  # text | id | ids | lines | number | int | date | yesno | vocab | pairs
    help: str = ""  # the input prompt, and the column's line in 说明
    example: str = ""
    vocab: Vocab = ()
    ref: str = ""  # dropdown from a range of another sheet
    closed: bool = True  # a vocabulary dropdown refuses other text

    @property
    def rule_param(self) -> str:
        return self.key.removeprefix("rule.") if self.key.startswith("rule.") else ""


def _id(key: str, label: str, width: float, help_: str, example: str, ref: str = "") -> Col:
    return Col(key, label, width, "id", help_, example, ref=ref)


SETTINGS_ROWS = (
    _id("id", "编号", 0, "方案编号：英文字母、数字、- 和 _，用于文件名和模板编号。", "changzhou-2016"),
    Col("name", "名称", kind="text", help="方案全称。", example="常州市质量工作考核"),
    Col("issuer", "发布单位", help="印发方案的单位。", example="常州市质量强市领导小组办公室"),
    Col("year", "年度", kind="int", help="考核年度，四位整数。", example="2016"),
    Col("period.start", "考核期开始", kind="date", help="考核期第一天，日期格式。", example="2016-01-01"),
    Col("period.end", "考核期结束", kind="date", help="考核期最后一天，日期格式。", example="2016-12-31"),
    Col("full_marks", "满分", kind="number", help="总分折算到的满分；留空则为基本指标分值之和。", example="100"),
    Col("bonus_cap", "加分上限", kind="number", help="加分项合计最多加多少分；留空为不设上限。", example="5"),
    Col("deduction_cap", "扣分上限", kind="number", help="从总分扣分合计最多扣多少分；留空为不设上限。", example="10"),
    Col("decimals", "小数位数", kind="int", help="总分四舍五入保留的小数位数，0～6；留空为 2。", example="2"),
    Col("veto_grade", "否决等次", kind="id", ref=GRADE_REF,
        help="发生否决项时直接评定的等次，须是“等次”表中的名称。", example="D"),
    Col("period_aggregate", "多时间节点汇总方式", kind="vocab", vocab=AGGREGATE_VOCAB,
        help="一项指标在多个时间节点分别打分时，如何合成该项得分；留空为 mean（平均）。",
        example="mean 各节点得分取平均"),
    Col("contact", "联系人", help="方案解释、填报问题的联系人和电话。", example="质强办 张三 0519-85000000"),
    Col("source.file", "来源文件", help="方案所依据的文件名。", example="常州市质量工作考核办法.docx"),
    Col("source.title", "来源文件标题", help="来源文件的标题。", example="关于印发常州市质量工作考核办法的通知"),
)
SOURCE_PREFIX = "来源·"

RULE_COLS = (
    Col("rule.type", "规则类型", 18, "vocab", "评分规则，从下拉列表选择；所选类型用到的参数列为白色，用不到的列为灰色。",
        "target 目标值", RULE_VOCAB),
    Col("rule.op", "比较符", 6, "vocab", "目标值、阶梯规则的比较方向：>= > <= <。阶梯只能用 >= 或 <=。", ">=", OP_VOCAB),
    Col("rule.target", "目标值", 7, "number", "目标值规则的门槛，按“单位”列的单位写数字：95% 写 95。", "95"),
    Col("rule.unit", "单位", 5, "vocab", "填报数值的单位：% 或 ‰（填报时存为小数），或其他文字如 分、个；留空为普通数字。",
        "%", UNIT_VOCAB, closed=False),
    Col("rule.pass", "达标得分", 7, "number", "目标值规则达标的得分；留空为该项分值。", "2"),
    Col("rule.fail", "未达标得分", 7, "number", "目标值规则未达标的得分；留空为 0。", "0"),
    Col("rule.steps", "台阶", 16, "pairs", "阶梯规则：门槛:得分，多档用分号隔开。比较符 >= 时从高到低，<= 时从低到高。",
        "95:5; 90:3; 85:1"),
    Col("rule.else", "否则得分", 7, "number", "阶梯规则一档都未达到时的得分；留空为 0。", "0"),
    Col("rule.zero_at", "零分点", 7, "number", "线性规则：得 0 分的数值（按单位写）。", "60"),
    Col("rule.full_at", "满分点", 7, "number", "线性规则：得满分的数值（按单位写），可小于零分点（越低越好）。", "90"),
    Col("rule.better", "方向", 15, "vocab", "与基期比较：higher 越高越好，lower 越低越好。", "higher 越高越好", BETTER_VOCAB),
    Col("rule.scores.better", "好于基期得分", 7, "number", "与基期比较：本期好于基期的得分。", "2"),
    Col("rule.scores.same", "持平得分", 7, "number", "与基期比较：本期与基期持平的得分。", "1"),
    Col("rule.scores.worse", "差于基期得分", 7, "number", "与基期比较：本期差于基期的得分。", "0"),
    Col("rule.per", "每次扣分", 7, "number", "扣分规则：每发生一次扣多少分。", "0.5"),
    Col("rule.max", "扣分上限", 7, "number", "扣分规则：本项最多扣多少分；留空为不设上限（从本项扣时扣完为止）。", "3"),
    Col("rule.from", "扣分对象", 14, "vocab", "扣分规则：item 从本项分值中扣，total 从总分中扣（本项不计入基本分）。",
        "item 从本项扣", FROM_VOCAB),
    Col("rule.levels", "加分档次", 16, "pairs", "加分规则：档次名称:每项加分，多档用分号隔开；档次名称即填报项。",
        "国家级:2; 省级:1"),
    Col("rule.step", "步长", 5, "number", "直接打分规则：分数须是步长的整数倍，如 0.5；留空为不限。", "0.5"),
)

#: which parameter columns each rule type uses (choice options are on the 选项 sheet)
RULE_PARAMS: dict[str, tuple[str, ...]] = {
    "choice": (),
    "direct": ("step",),
    "target": ("op", "target", "unit", "pass", "fail"),
    "steps": ("op", "unit", "steps", "else"),
    "linear": ("zero_at", "full_at", "unit"),
    "compare": ("better", "scores.better", "scores.same", "scores.worse", "unit"),
    "deduct": ("per", "max", "from"),
    "bonus": ("levels",),
}

INDICATOR_HEAD = (_id("id", "编号", 7, "指标编号，方案内唯一，不能含“|”和空格，如 20 或 2.1。", "20"),)
INDICATOR_COLS = (
    Col("title", "指标名称", 16, "text", "指标的名称。", "监督抽查合格率"),
    Col("content", "考核要点", 40, "text", "考核要点或评分办法原文，模板中展示给填报人。", "制造业产品国家监督抽查合格率达90%以上。"),
    Col("points", "分值", 6, "number", "该项分值；扣分项（从总分扣）可为 0。", "2"),
    Col("points_stated", "原文未给分值", 8, "yesno", "原文没有写明分值、分值是编制时的假设时选“是”。", "否", YESNO_VOCAB),
    Col("department", "评价部门", 10, "id", "填报该项的部门编号，从“部门”表中选择。", "scjg", ref=DEPARTMENT_REF),
    Col("cooperating", "配合单位", 10, "ids", "配合部门的编号，多个用顿号或逗号隔开。", "nyj、gxj"),
    Col("evidence", "印证材料", 26, "lines", "需提供的印证材料，每行一项（Alt+Enter 换行），或用分号隔开。", "抽查结果通报"),
    Col("na_allowed", "允许合理缺项", 8, "yesno", "原文允许“合理缺项”（不涉及则不计分）时选“是”。", "否", YESNO_VOCAB),
    Col("periods", "时间节点", 8, "ids", "该项在哪些时间节点填报（“时间节点”表的编号），多个用顿号隔开；留空为全部节点。", "H1、Y"),
)
NOTE_COL = Col("note", "备注", 28, "text", "编制时的假设或说明。", "原文未写明比较基期，按上年计。")

OPTION_COLS = (
    _id("indicator", "指标编号", 9, "该选项所属指标的编号（规则类型为“choice 选项评分”的指标）。", "1", ref=INDICATOR_REF),
    Col("label", "选项", 30, "text", "填报人可选的一项，同一指标内不能重复；按显示顺序逐行填写。", "完成"),
    Col("score", "分值", 7, "number", "选中该项的得分，不超过指标分值。", "10"),
    Col("note", "说明", 40, "text", "对该选项的解释（可选）。", "按期完成全部任务"),
)
UNIT_COLS = (
    _id("id", "编号", 14, "被考核单位编号：英文字母、数字、- 和 _，用于文件名。", "liyang"),
    Col("name", "名称", 20, "text", "被考核单位名称。", "溧阳市"),
)
DEPARTMENT_COLS = (
    _id("id", "编号", 14, "部门编号：英文字母、数字、- 和 _，用于文件名。", "scjg"),
    Col("name", "名称", 24, "text", "部门名称。", "市场监管局"),
)
PERIOD_COLS = (
    _id("id", "编号", 10, "时间节点编号，如 H1、Q3、Y。整张表留空则只有一个节点“Y 年度”。", "H1"),
    Col("name", "名称", 16, "text", "时间节点名称。", "半年"),
    Col("due", "截止日期", 12, "date", "该节点的填报截止日期（可选）。", "2016-06-30"),
)
VETO_COLS = (
    _id("id", "编号", 8, "否决项编号。", "V1"),
    Col("title", "否决事项", 50, "text", "否决事项的表述。", "发生区域性、系统性产品质量安全事件"),
    Col("department", "部门", 12, "id", "认定该否决项的部门编号（可选）。", "zqb", ref=DEPARTMENT_REF),
)
GRADE_COLS = (
    Col("name", "等次", 12, "id", "等次名称，按下限从高到低逐行填写。", "A"),
    Col("min", "总分下限", 10, "number", "总分不低于此值即为该等次；最低等次填 0。", "90"),
)
GROUP_POINTS = Col("points", "分值", 8, "number", "原文标明的该类别分值，用于核对其下指标分值之和。", "19")
ASSUMPTION_COLS = (Col("text", "假设", 100, "text", "编制中对原文不明确或不一致之处所作的假设，每行一条。",
                       "第 20 项原文未写明比较基期，按上年计。"),)
EXTENSION_COLS = (
    _id("key", "键", 22, "扩展项的英文名称，如 self_report_outline。", "self_report_outline"),
    Col("yaml", "内容（YAML）", 100, "text", "扩展项的内容，YAML 写法；一格放不下时在下一行写同一个键继续。",
        "- 一、基本情况\n- 二、工作成效"),
)
CHUNK = 30000  # an Excel cell holds at most 32767 characters

SHEET_INTROS = {
    SETTINGS: "方案的基本信息，每行一项：A 列为项目，B 列填写，C 列为说明。",
    INDICATORS: "每行一项考核指标。规则参数只填所选规则类型用到的列（白色），灰色的列留空。",
    OPTIONS: "“choice 选项评分”类指标的选项，每行一个，按显示顺序排列。",
    UNITS: "被考核单位（参加排名的市、区、县），每行一个。",
    DEPARTMENTS: "评价部门（牵头填报的部门），每行一个。",
    PERIODS: "时间节点（如半年、前三季度、年终），按时间先后每行一个；只有年终考核时可整表留空。",
    VETOES: "否决项（一票否决），每行一项。",
    GRADES: "考核等次，按总分下限从高到低每行一个。",
    GROUPS: "原文标明分值的指标类别，用于核对；可留空。",
    ASSUMPTIONS: "编制方案时所作的假设，每行一条；可留空。",
    EXTENSION: "其他扩展内容（程序使用，一般不需改动）。",
}


def level_label(n: int) -> str:
    return f"{LEVEL_DIGITS[n]}级指标" if n < len(LEVEL_DIGITS) else f"{n + 1}级指标"


def path_cols(depth: int, width: float = 12) -> tuple[Col, ...]:
    return tuple(Col(f"path.{n}", level_label(n), width, "text",
                     f"指标所属的第 {n + 1} 级类别；没有这一级则留空。", ["质量宏观管理", "质量工作机制", "工作制度"][n % 3])
                 for n in range(max(depth, MIN_LEVELS)))


def indicator_cols(depth: int) -> tuple[Col, ...]:
    return (*INDICATOR_HEAD, *path_cols(depth), *INDICATOR_COLS, *RULE_COLS, NOTE_COL)


def group_cols(depth: int) -> tuple[Col, ...]:
    return (*path_cols(depth), GROUP_POINTS)


# --- writing -------------------------------------------------------------------------


def write_excel(scheme: Scheme, path: str | Path) -> None:
    """The scheme as an authoring workbook that :func:`read_excel` reads back to an equal scheme."""
    _write(scheme_to_dict(scheme), Path(path))


def write_blank(path: str | Path) -> None:
    """The empty authoring workbook: headers, dropdowns, prompts and the 说明 sheet, no data."""
    _write(None, Path(path))


def _write(data: dict[str, Any] | None, path: Path) -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                      "strings_to_urls": False})
    title = f"{data['name']}（{data['year']}）" if data else "考核方案编制模板"
    wb.set_properties({"title": title, "author": "qwb", "created": CREATED, "comments": "qwb 考核方案编制工作簿"})
    _Writer(wb, data).write_all()
    wb.close()
    write_atomic(path, buffer.getvalue())


class _Formats:
    """Each xlsxwriter format created once."""

    def __init__(self, wb: Any):
        self.wb = wb
        self.cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, **props: Any) -> Any:
        props = {"font_name": FONT, "font_size": 10, "valign": "vcenter", **props}
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]

    def header(self, rule: bool = False) -> Any:
        return self.get(bold=True, font_color="white", bg_color="#375623" if rule else "#1F4E78", border=1,
                        border_color="#808080", align="center", text_wrap=True)

    def column(self, col: Col) -> Any:
        """The column's own format, for cells an author adds below the data."""
        return self.get(**_col_props(col))

    def cell(self, col: Col) -> Any:
        return self.get(**_col_props(col), border=1, border_color="#BFBFBF")


def _col_props(col: Col) -> dict[str, Any]:
    props: dict[str, Any] = {"text_wrap": col.kind in ("text", "lines", "pairs", "ids", "vocab")}
    if col.kind in ("id", "text", "lines", "pairs", "ids"):
        props["num_format"] = "@"
    if col.kind == "date":
        props["num_format"] = "yyyy-mm-dd"
    if col.kind in ("number", "int", "yesno", "vocab", "date"):
        props["align"] = "center"
    return props


class _Writer:
    def __init__(self, wb: Any, data: dict[str, Any] | None):
        self.wb, self.data = wb, data or {}
        self.f = _Formats(wb)
        self.blank = data is None

    def write_all(self) -> None:
        d = self.data
        indicators = d.get("indicators", [])
        depth = max((len(i.get("path", [])) for i in indicators), default=0)
        group_depth = max((len(g["path"]) for g in d.get("groups", [])), default=0)
        guide = self.wb.add_worksheet(GUIDE)
        self.settings_sheet()
        self.indicator_sheet(indicators, depth)
        self.table(OPTIONS, OPTION_COLS, _options(indicators))
        self.table(UNITS, UNIT_COLS, d.get("units", []))
        self.table(DEPARTMENTS, DEPARTMENT_COLS, d.get("departments", []))
        self.table(PERIODS, PERIOD_COLS, d.get("periods", []))
        self.table(VETOES, VETO_COLS, d.get("vetoes", []))
        self.table(GRADES, GRADE_COLS, d.get("grades", []))
        self.table(GROUPS, group_cols(group_depth), [_flat_group(g) for g in d.get("groups", [])])
        self.table(ASSUMPTIONS, ASSUMPTION_COLS, [{"text": a} for a in d.get("assumptions", [])])
        self.table(EXTENSION, EXTENSION_COLS, _extension_rows(d))
        self.guide_sheet(guide, depth, group_depth)
        (guide if self.blank else self.wb.get_worksheet_by_name(INDICATORS)).activate()

    # --- 设置 ----------------------------------------------------------------------

    def settings_sheet(self) -> None:
        ws = self.wb.add_worksheet(SETTINGS)
        ws.set_column(0, 0, 18)
        ws.set_column(1, 1, 44)
        ws.set_column(2, 2, 60)
        for c, name in enumerate(("项目", "值", "说明")):
            ws.write_string(0, c, name, self.f.header())
        ws.set_row(0, 22)
        flat = _flat_settings(self.data)
        rows = list(SETTINGS_ROWS) + [Col(f"source.{k}", f"{SOURCE_PREFIX}{k}", help="来源文件的其他信息。")
                                      for k in flat.get("source_extra", [])]
        label_format = self.f.get(bold=True, border=1, border_color="#BFBFBF", bg_color="#F2F2F2")
        for r, col in enumerate(rows, start=1):
            ws.write_string(r, 0, col.label, label_format)
            _put(ws, r, 1, flat.get(col.key), self.f.cell(col))
            ws.write_string(r, 2, col.help + (f"例：{col.example}" if col.example else ""),
                            self.f.get(text_wrap=True, font_color="#595959", border=1, border_color="#BFBFBF"))
            self.validate(ws, r, 1, r, col)
            _fit_row(ws, r, [(flat.get(col.key), 44), (col.help + col.example, 60)])
        ws.freeze_panes(1, 0)
        self.page(ws, landscape=False)

    # --- 指标 ----------------------------------------------------------------------

    def indicator_sheet(self, indicators: list[dict[str, Any]], depth: int) -> None:
        cols = indicator_cols(depth)
        rows = [_flat_indicator(i) for i in indicators]
        ws = self.table(INDICATORS, cols, rows, paper=8)
        letter = {c.key: xl_col_to_name(i) for i, c in enumerate(cols)}
        type_cell = f"${letter['rule.type']}2"
        grey = self.f.get(bg_color="#D9D9D9", font_color="#808080")
        for i, col in enumerate(cols):
            if col.rule_param and col.key != "rule.type":
                users = [t for t, params in RULE_PARAMS.items() if col.rule_param in params]
                found = ",".join(f'ISNUMBER(SEARCH("{w}",{type_cell}))' for t in users for w in (t, RULE_NAMES[t]))
                ws.conditional_format(1, i, LIMIT - 1, i, {
                    "type": "formula", "criteria": f'=AND({type_cell}<>"",NOT(OR({found})))', "format": grey})
        ws.autofilter(0, 0, max(len(rows), 1), len(cols) - 1)

    # --- generic tables --------------------------------------------------------------

    def table(self, name: str, cols: Iterable[Col], rows: list[dict[str, Any]], paper: int = 9) -> Any:
        cols = tuple(cols)
        ws = self.wb.add_worksheet(name)
        for i, col in enumerate(cols):
            ws.set_column(i, i, col.width, self.f.column(col))
            ws.write_string(0, i, col.label, self.f.header(rule=bool(col.rule_param)))
            self.validate(ws, 1, i, LIMIT - 1, col)
        ws.set_row(0, 40 if name == INDICATORS else 22)
        for r, row in enumerate(rows, start=1):
            for i, col in enumerate(cols):
                _put(ws, r, i, row.get(col.key), self.f.cell(col))
            _fit_row(ws, r, [(row.get(c.key), c.width) for c in cols if _col_props(c)["text_wrap"]])
        ws.freeze_panes(1, 1 if name == INDICATORS else 0)
        self.page(ws, landscape=paper == 8 or sum(c.width for c in cols) > 90, paper=paper)
        return ws

    def validate(self, ws: Any, first: int, col_index: int, last: int, col: Col) -> None:
        rule = _validation(col)
        rule.update(input_title=col.label[:32], input_message=col.help[:255])
        ws.data_validation(first, col_index, last, col_index, rule)

    def page(self, ws: Any, landscape: bool = True, paper: int = 9) -> None:
        ws.set_landscape() if landscape else ws.set_portrait()
        ws.set_paper(paper)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_header("&C&A")
        ws.set_footer("&C第 &P 页，共 &N 页")

    # --- 说明 ----------------------------------------------------------------------

    def guide_sheet(self, ws: Any, depth: int, group_depth: int) -> None:
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 2, 70)
        ws.set_column(3, 3, 30)
        ws.write_string(0, 0, "考核方案编制工作簿 使用说明", self.f.get(bold=True, font_size=14))
        ws.set_row(0, 24)
        for r, line in enumerate(GUIDE_LINES, start=1):
            ws.write_string(r, 0, line, self.f.get())
        top = len(GUIDE_LINES) + 2
        for c, name in enumerate(("工作表", "列 / 项目", "说明", "示例")):
            ws.write_string(top, c, name, self.f.header())
        r = top + 1
        text = self.f.get(text_wrap=True, border=1, border_color="#BFBFBF", valign="top")
        sheet_fmt = self.f.get(bold=True, text_wrap=True, border=1, border_color="#BFBFBF", bg_color="#DDEBF7",
                               valign="top")
        for sheet, cols in _guide_sheets(depth, group_depth):
            ws.write_string(r, 0, sheet, sheet_fmt)
            ws.merge_range(r, 1, r, 3, SHEET_INTROS[sheet], sheet_fmt)
            r += 1
            for col in cols:
                ws.write_string(r, 0, sheet, text)
                ws.write_string(r, 1, col.label, text)
                ws.write_string(r, 2, _guide_text(col), text)
                ws.write_string(r, 3, col.example, text)
                _fit_row(ws, r, [(_guide_text(col), 70), (col.example, 30)])
                r += 1
        ws.freeze_panes(top + 1, 0)
        self.page(ws, landscape=False)


GUIDE_LINES = (
    "1. 本工作簿是考核方案的 Excel 形式，与 YAML 形式等价：qwb scheme check 本文件.xlsx 检查，"
    "qwb scheme export 本文件.xlsx --out 方案.yaml 转换。",
    "2. 每张工作表第一行是表头，请勿修改表头文字；列的先后可以调整，空行会被忽略。",
    "3. 单元格有下拉列表的，请从列表中选择；选中单元格时会显示填写提示。",
    "4. 检查发现的问题会指出工作表和单元格（如“指标 H5”），按提示修改即可。",
    "5. 百分比门槛按“单位”列的单位写数字：单位为 %、目标 95% 时，目标值写 95。",
    "6. 下表逐列说明各工作表的填写方法。",
)


def _guide_sheets(depth: int, group_depth: int) -> list[tuple[str, tuple[Col, ...]]]:
    return [
        (SETTINGS, SETTINGS_ROWS),
        (INDICATORS, indicator_cols(depth)),
        (OPTIONS, OPTION_COLS),
        (UNITS, UNIT_COLS),
        (DEPARTMENTS, DEPARTMENT_COLS),
        (PERIODS, PERIOD_COLS),
        (VETOES, VETO_COLS),
        (GRADES, GRADE_COLS),
        (GROUPS, group_cols(group_depth)),
        (ASSUMPTIONS, ASSUMPTION_COLS),
        (EXTENSION, EXTENSION_COLS),
    ]


def _guide_text(col: Col) -> str:
    text = col.help
    if col.vocab and col.kind == "vocab" and col.key != "rule.type":
        text += "可选：" + "、".join(shown for _k, shown in col.vocab) + "。"
    if col.key == "rule.type":
        text += "可选：" + "；".join(f"{t} {RULE_NAMES[t]}（用到：{_param_labels(t)}）" for t in RULE_TYPES) + "。"
    return text


def _param_labels(rule_type: str) -> str:
    if rule_type == "choice":
        return "“选项”表"
    labels = {c.rule_param: c.label for c in RULE_COLS}
    return "、".join(labels[p] for p in RULE_PARAMS[rule_type])


def _validation(col: Col) -> dict[str, Any]:
    error = {"error_title": f"{col.label}填写不正确"[:32]}
    if col.vocab:
        return {"validate": "list", "source": [shown for _k, shown in col.vocab],
                "error_type": "stop" if col.closed else "information",
                "error_message": f"请从下拉列表中选择。{col.help}"[:255], **error}
    if col.ref:
        return {"validate": "list", "source": col.ref, "error_type": "warning",
                "error_message": f"不在列表中。{col.help}"[:255], **error}
    if col.kind == "number":
        return {"validate": "decimal", "criteria": "between", "minimum": -1e9, "maximum": 1e9,
                "error_message": f"请填写数字。{col.help}"[:255], **error}
    if col.kind == "int":
        return {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 9999,
                "error_message": f"请填写整数。{col.help}"[:255], **error}
    if col.kind == "date":
        return {"validate": "date", "criteria": "between", "minimum": dt.date(1990, 1, 1),
                "maximum": dt.date(2100, 12, 31), "error_message": "请填写日期，如 2016-12-31。", **error}
    return {"validate": "any"}


def _display_width(text: str) -> float:
    """Width in column units (a digit of the default font); a CJK character at 10 pt is about 1.8."""
    return sum(1.8 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def _fit_row(ws: Any, row: int, cells: list[tuple[Any, float]]) -> None:
    """Set a row's height for its wrapped text: neither Excel nor LibreOffice refits rows of an .xlsx on opening."""
    lines = 1
    for value, width in cells:
        if isinstance(value, str) and value:
            chars = max(width - 1, 1)
            lines = max(lines, sum(max(1, math.ceil(_display_width(p) / chars)) for p in value.split("\n")))
    if lines > 1:
        ws.set_row(row, min(13.5 * lines + 3, 409))


def _put(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, YES if value else NO, fmt)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime)
                          else value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


# --- the dict form flattened into cells ----------------------------------------------


def _shown(vocab: Vocab, key: Any) -> Any:
    return dict(vocab).get(key, key)


def _number_text(value: Any) -> str:
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(d.normalize(), "f")


def _flat_settings(d: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {k: d.get(k) for k in ("id", "name", "issuer", "year", "full_marks", "bonus_cap",
                                                  "deduction_cap", "decimals", "veto_grade", "contact")}
    period = d.get("period") or {}
    flat["period.start"], flat["period.end"] = period.get("start"), period.get("end")
    if d:
        flat["period_aggregate"] = _shown(AGGREGATE_VOCAB, d.get("period_aggregate", "mean"))
    source = d.get("source") or {}
    if _source_in_settings(source):
        for k, v in source.items():
            flat[f"source.{k}"] = v
        flat["source_extra"] = [k for k in source if k not in ("file", "title")]
    return flat


def _source_in_settings(source: dict[str, Any]) -> bool:
    return all(isinstance(k, str) and isinstance(v, str) and k.strip() == k and k for k, v in source.items())


def _extension_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    extra = {k: v for k, v in d.items() if k not in KNOWN_KEYS}
    if d.get("source") and not _source_in_settings(d["source"]):
        extra = {"source": d["source"], **extra}
    for key, value in extra.items():
        text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
        rows += [{"key": key, "yaml": text[i:i + CHUNK]} for i in range(0, len(text), CHUNK)]
    return rows


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str_representer)


def _flat_group(g: dict[str, Any]) -> dict[str, Any]:
    return {**{f"path.{n}": p for n, p in enumerate(g["path"])}, "points": g["points"]}


def _options(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"indicator": ind["id"], **opt} for ind in indicators for opt in ind["rule"].get("options", [])]


def _join_lines(items: list[str]) -> str:
    text = "\n".join(items)
    # one item holding a semicolon would be split when read back: a trailing newline marks the text as lines
    return text + "\n" if len(items) == 1 and re.search(r"[;；]", text) else text


def _flat_indicator(d: dict[str, Any]) -> dict[str, Any]:
    cells: dict[str, Any] = {k: d.get(k) for k in ("id", "title", "content", "points", "department", "note")}
    cells.update({f"path.{n}": p for n, p in enumerate(d.get("path", []))})
    cells["points_stated"] = YES if d.get("points_stated") is False else NO
    cells["na_allowed"] = YES if d.get("na_allowed") else NO
    cells["cooperating"] = "、".join(d.get("cooperating", []))
    cells["evidence"] = _join_lines(d.get("evidence", []))
    cells["periods"] = "、".join(d["periods"]) if "periods" in d else None
    cells.update(_flat_rule(d["rule"]))
    return cells


def _flat_rule(rule: dict[str, Any]) -> dict[str, Any]:
    known = {c.key for c in RULE_COLS}
    cells: dict[str, Any] = {"rule.type": _shown(RULE_VOCAB, rule["type"])}
    for key, value in rule.items():
        if key in ("type", "options"):
            continue
        if key == "scores":
            cells.update({f"rule.scores.{k}": v for k, v in value.items()})
            continue
        if f"rule.{key}" not in known:
            raise ValueError(f"规则参数 {key} 在 Excel 形式中没有对应的列")
        if key == "steps":
            value = "; ".join(f"{_number_text(s['at'])}:{_number_text(s['score'])}" for s in value)
        elif key == "levels":
            value = "; ".join(f"{lv['field']}:{_number_text(lv['per'])}" for lv in value)
        elif key in ("better", "from"):
            value = _shown(BETTER_VOCAB if key == "better" else FROM_VOCAB, value)
        cells[f"rule.{key}"] = value
    return cells


# --- reading -------------------------------------------------------------------------


def read_excel(path: str | Path) -> tuple[Scheme | None, list[Issue]]:
    """Read an authoring workbook: (scheme or None, every problem, located by sheet and cell)."""
    path = Path(path)
    data, reader, issues = read_dict(path)
    if data is None or reader is None:
        return None, issues
    builder = Builder(data, reader.locate)
    scheme = builder.build()
    return scheme, issues + reader.relabel(builder.issues)


def read_dict(path: Path) -> tuple[dict[str, Any] | None, _Reader | None, list[Issue]]:
    """The workbook in the dict form of :func:`~qwb.scheme.yaml_form.scheme_to_dict`, its locator, the issues."""
    from qwb import guard

    refusal = guard.inspect(path)
    if refusal is not None:
        return None, None, [make("scheme-unreadable", f"无法读取方案工作簿：{refusal.message}", file=path.name)]
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        return None, None, [make("scheme-unreadable", f"无法读取方案工作簿：{exc}", file=path.name)]
    if INDICATORS not in wb.sheetnames and SETTINGS not in wb.sheetnames:
        message = f"工作簿中没有“{SETTINGS}”和“{INDICATORS}”工作表，不是考核方案编制工作簿（可用 qwb scheme blank 生成）"
        return None, None, [make("scheme-format", message, file=path.name)]
    reader = _Reader(wb, path.name)
    data = reader.data()
    return data, reader, reader.issues


@dataclass
class _Cell:
    value: Any
    ref: str  # "H5"
    number_format: str = "General"


class _Reader:
    def __init__(self, wb: Any, file: str):
        self.wb, self.file = wb, file
        self.issues: list[Issue] = []
        self.where: dict[str, tuple[str, str]] = {}
        self.ids: list[str] = []
        self.reported: set[tuple[str, str]] = set()
        self.labels: dict[tuple[str, str], tuple[str, str]] = {}  # (sheet, cell) -> (English key, Chinese label)

    # --- issues and locations ------------------------------------------------------

    def problem(self, sheet: str, cell: str, code: str, message: str, indicator: str = "") -> None:
        self.reported.add((sheet, cell))
        where = {"file": self.file, "sheet": sheet, "cell": cell}
        self.issues.append(make(code, message, **where, **({"indicator": indicator} if indicator else {})))

    def at(self, path: str, sheet: str, cell: str, label: str = "") -> None:
        self.where.setdefault(path, (sheet, cell))
        if label:
            self.labels[(sheet, cell)] = (path.split(".")[-1], label)

    def locate(self, path: str) -> dict[str, str]:
        p = path
        while p not in self.where and p:
            p = p[: p.rindex("[")] if p.endswith("]") else p[: p.rindex(".")] if "." in p else ""
        out = {"file": self.file}
        if p in self.where:
            out["sheet"], out["cell"] = self.where[p]
        m = re.match(r"indicators\[(\d+)\]", path)
        if m and int(m.group(1)) < len(self.ids) and self.ids[int(m.group(1))]:
            out["indicator"] = self.ids[int(m.group(1))]
        return out

    def relabel(self, issues: list[Issue]) -> list[Issue]:
        """The Builder's issues, minus those at a cell already reported, with parameter names in Chinese."""
        out = []
        for issue in issues:
            if (issue.sheet, issue.cell) in self.reported:
                continue
            if (issue.sheet, issue.cell) in self.labels:
                key, label = self.labels[(issue.sheet, issue.cell)]
                issue.message = issue.message.replace(f"“{key}”", f"“{label}”").replace(
                    f"必填项 {key}", f"必填项“{label}”")
            if "“options”" in issue.message:
                issue.message = issue.message.replace("“options”", f"“选项”（在“{OPTIONS}”表中按指标编号逐行填写）")
            out.append(issue)
        return out

    # --- sheets ---------------------------------------------------------------------

    def rows(self, name: str, cols: Iterable[Col], required: tuple[str, ...] = ()) -> list[dict[str, _Cell]]:
        """The non-blank rows of a sheet, each as {column key: cell}."""
        if name not in self.wb.sheetnames:
            return []
        ws = self.wb[name]
        merged = _merged_values(ws)
        by_label = _header_index(ws, tuple(cols))
        for key in required:
            if key not in by_label:
                label = next(c.label for c in cols if c.key == key)
                self.problem(name, "A1", "scheme-format", f"“{name}”表缺少“{label}”列（表头应在第 1 行）")
        out = []
        for row in ws.iter_rows(min_row=2):
            cells = {}
            for key, index in by_label.items():
                if index - 1 < len(row):
                    c = row[index - 1]
                    cells[key] = _Cell(merged.get(c.coordinate, c.value), c.coordinate, c.number_format or "General")
            if any(not _blank(row[i - 1].value) for i in by_label.values() if i - 1 < len(row)):
                first = row[0].coordinate if row else f"A{row[0].row}"
                cells["_row"] = _Cell(None, first)
                out.append(cells)
        return out

    def data(self) -> dict[str, Any]:
        d: dict[str, Any] = {"format": "qwb-scheme/1"}
        self.settings(d)
        d["grades"] = self.table("grades", GRADES, GRADE_COLS)
        d["units"] = self.table("units", UNITS, UNIT_COLS)
        d["departments"] = self.table("departments", DEPARTMENTS, DEPARTMENT_COLS)
        for key, sheet, cols in (("periods", PERIODS, PERIOD_COLS), ("vetoes", VETOES, VETO_COLS)):
            items = self.table(key, sheet, cols)
            if items:
                d[key] = items
        assumptions = [a["text"] for a in self.table("assumptions", ASSUMPTIONS, ASSUMPTION_COLS) if a.get("text")]
        if assumptions:
            d["assumptions"] = assumptions
        groups = self.groups()
        if groups:
            d["groups"] = groups
        self.extension(d)
        d["indicators"] = self.indicators()
        return d

    def settings(self, d: dict[str, Any]) -> None:
        self.at("", SETTINGS, "A1")
        if SETTINGS not in self.wb.sheetnames:
            self.problem(SETTINGS, "", "scheme-format", f"工作簿中没有“{SETTINGS}”工作表")
            return
        ws = self.wb[SETTINGS]
        specs = {_norm(c.label): c for c in SETTINGS_ROWS} | {_norm(c.key): c for c in SETTINGS_ROWS}
        values: dict[str, Any] = {}
        for row in ws.iter_rows(min_row=2, max_col=2):
            label = _text(row[0].value).strip()
            if not label or len(row) < 2:
                continue
            col = specs.get(_norm(label))
            if col is None and label.startswith(SOURCE_PREFIX):
                col = Col(f"source.{label.removeprefix(SOURCE_PREFIX)}", label)
            if col is None:
                self.problem(SETTINGS, row[0].coordinate, "scheme-format",
                             f"“{SETTINGS}”表第 {row[0].row} 行的项目“{label}”无法识别")
                continue
            cell = _Cell(row[1].value, row[1].coordinate, row[1].number_format or "General")
            self.at(col.key, SETTINGS, cell.ref, col.label)
            if col.key == "period.start":
                self.at("period", SETTINGS, cell.ref)
            value = self.parse(col, cell, SETTINGS)
            if value is not None:
                values[col.key] = value
        self.assemble_settings(d, values)

    def assemble_settings(self, d: dict[str, Any], values: dict[str, Any]) -> None:
        for key, value in values.items():
            if key.startswith("source."):
                d.setdefault("source", {})[key.removeprefix("source.")] = value
            elif key.startswith("period."):
                continue
            elif key == "period_aggregate" and value == "mean":
                continue
            else:
                d[key] = value
        if "period.start" in values or "period.end" in values:
            d["period"] = {"start": values.get("period.start"), "end": values.get("period.end")}

    def table(self, key: str, sheet: str, cols: tuple[Col, ...]) -> list[dict[str, Any]]:
        self.at(key, sheet, "A2")
        items = []
        for i, cells in enumerate(self.rows(sheet, cols)):
            self.at(f"{key}[{i}]", sheet, cells["_row"].ref)
            item = {}
            for col in cols:
                if col.key in cells:
                    self.at(f"{key}[{i}].{col.key}", sheet, cells[col.key].ref, col.label)
                    value = self.parse(col, cells[col.key], sheet)
                    if value is not None:
                        item[col.key] = value
            items.append(item)
        return items

    def groups(self) -> list[dict[str, Any]]:
        cols = group_cols(_depth(self.wb, GROUPS))
        self.at("groups", GROUPS, "A2")
        out = []
        for i, cells in enumerate(self.rows(GROUPS, cols)):
            self.at(f"groups[{i}]", GROUPS, cells["_row"].ref)
            if "points" in cells:
                self.at(f"groups[{i}].points", GROUPS, cells["points"].ref, GROUP_POINTS.label)
            points = self.parse(GROUP_POINTS, cells["points"], GROUPS) if "points" in cells else None
            out.append({"path": _path(cells), "points": points})
        return out

    def extension(self, d: dict[str, Any]) -> None:
        texts: dict[str, list[str]] = {}
        previous = ""
        for cells in self.rows(EXTENSION, EXTENSION_COLS):
            key = _text(cells["key"].value).strip() if "key" in cells else ""
            ref = cells["key"].ref if "key" in cells else cells["_row"].ref
            if key in KNOWN_KEYS - {"source"} or not key:
                self.problem(EXTENSION, ref, "scheme-format",
                             f"扩展项的键“{key}”不可用：{'不能为空' if not key else '请在对应的工作表中填写'}")
                continue
            if key in texts and key != previous:
                self.problem(EXTENSION, ref, "scheme-format", f"扩展项“{key}”出现两次，应写在相邻的行中")
                continue
            self.at(key, EXTENSION, ref)
            texts.setdefault(key, []).append(_text(cells["yaml"].value) if "yaml" in cells else "")
            previous = key
        for key, parts in texts.items():
            try:
                value = yaml.safe_load("".join(parts))
            except yaml.YAMLError as exc:
                self.problem(EXTENSION, self.where[key][1], "scheme-format", f"扩展项“{key}”不是有效的 YAML：{exc}")
                continue
            if key == "source" and isinstance(value, dict):
                d["source"] = {**value, **d.get("source", {})}
            else:
                d[key] = value

    # --- 指标 and 选项 ----------------------------------------------------------------

    def indicators(self) -> list[dict[str, Any]]:
        cols = indicator_cols(_depth(self.wb, INDICATORS))
        self.at("indicators", INDICATORS, "A2")
        rows = self.rows(INDICATORS, cols, required=("id",))
        options = self.options()
        out = []
        for i, cells in enumerate(rows):
            self.ids.append(_text(cells["id"].value).strip() if "id" in cells else "")
            out.append(self.indicator(i, cells, cols))
        self.attach_options(out, options)
        return out

    def indicator(self, i: int, cells: dict[str, _Cell], cols: tuple[Col, ...]) -> dict[str, Any]:
        at = f"indicators[{i}]"
        self.at(at, INDICATORS, cells["_row"].ref)
        for col in cols:
            if col.key in cells:
                self.at(f"{at}.{col.key}", INDICATORS, cells[col.key].ref, col.label)
        if "rule.type" in cells:
            self.at(f"{at}.rule", INDICATORS, cells["rule.type"].ref)
        if "rule.scores.better" in cells:
            self.at(f"{at}.rule.scores", INDICATORS, cells["rule.scores.better"].ref)
        self.at(f"{at}.path", INDICATORS, cells.get("path.0", cells["_row"]).ref)
        value = {c.key: self.parse(c, cells[c.key], INDICATORS) for c in cols if c.key in cells and not c.rule_param}
        d: dict[str, Any] = {"id": value.get("id") or "", "path": _path(cells), "title": value.get("title") or ""}
        for key in ("content", "points"):
            if value.get(key) is not None:
                d[key] = value[key]
        if value.get("points_stated") is True:
            d["points_stated"] = False
        d["department"] = value.get("department") or ""
        for key in ("cooperating", "evidence", "periods"):
            if value.get(key):
                d[key] = value[key]
        if value.get("na_allowed") is True:
            d["na_allowed"] = True
        rule = self.rule(cells, self.ids[i])
        if rule is not None:
            d["rule"] = rule
        if value.get("note"):
            d["note"] = value["note"]
        return d

    def rule(self, cells: dict[str, _Cell], ind_id: str) -> dict[str, Any] | None:
        type_cell = cells.get("rule.type")
        if type_cell is None or _blank(type_cell.value):
            return None
        kind = _vocab_key(RULE_VOCAB, type_cell.value)
        rule: dict[str, Any] = {"type": kind}
        used = RULE_PARAMS.get(kind, tuple(c.rule_param for c in RULE_COLS))
        for col in RULE_COLS[1:]:
            cell = cells.get(col.key)
            if cell is None or _blank(cell.value):
                continue
            if col.rule_param not in used:
                self.problem(INDICATORS, cell.ref, "rule-bad-parameter",
                             f"指标 {ind_id} 的规则类型“{_shown(RULE_VOCAB, kind)}”不使用“{col.label}”，"
                             f"请清空该格或改正规则类型", ind_id)
                continue
            value = self.parse(col, cell, INDICATORS, ind_id)
            if col.rule_param.startswith("scores."):
                rule.setdefault("scores", {})[col.rule_param.removeprefix("scores.")] = value
            elif value is not None:
                rule[col.rule_param] = value
        return rule

    def options(self) -> dict[str, list[tuple[str, dict[str, Any], dict[str, _Cell]]]]:
        by_id: dict[str, list[tuple[str, dict[str, Any], dict[str, _Cell]]]] = {}
        for cells in self.rows(OPTIONS, OPTION_COLS, required=("indicator", "label")):
            parsed = {c.key: self.parse(c, cells[c.key], OPTIONS) for c in OPTION_COLS if c.key in cells}
            option: dict[str, Any] = {"label": parsed.get("label") or ""}
            if parsed.get("score") is not None:
                option["score"] = parsed["score"]
            if parsed.get("note"):
                option["note"] = parsed["note"]
            by_id.setdefault(parsed.get("indicator") or "", []).append((cells["_row"].ref, option, cells))
        return by_id

    option_labels = {c.key: c.label for c in OPTION_COLS}

    def attach_options(self, indicators: list[dict[str, Any]], by_id: dict[str, Any]) -> None:
        used: set[str] = set()
        for i, d in enumerate(indicators):
            rule = d.get("rule")
            if not rule or rule.get("type") != "choice" or d["id"] not in by_id:
                continue
            used.add(d["id"])
            rule["options"] = [option for _ref, option, _cells in by_id[d["id"]]]
            self.at(f"indicators[{i}].rule.options", OPTIONS, by_id[d["id"]][0][0])
            for j, (ref, _option, cells) in enumerate(by_id[d["id"]]):
                self.at(f"indicators[{i}].rule.options[{j}]", OPTIONS, ref)
                for key in ("label", "score", "note"):
                    if key in cells:
                        self.at(f"indicators[{i}].rule.options[{j}].{key}", OPTIONS, cells[key].ref,
                                self.option_labels[key])
        for ind_id, entries in by_id.items():
            if ind_id in used:
                continue
            why = "不是“choice 选项评分”类指标" if ind_id in self.ids else "不在“指标”表中"
            for ref, _option, cells in entries:
                cell = cells["indicator"].ref if "indicator" in cells else ref
                self.problem(OPTIONS, cell, "rule-bad-parameter", f"选项所属的指标编号“{ind_id}”{why}")

    # --- one cell ---------------------------------------------------------------------

    def parse(self, col: Col, cell: _Cell, sheet: str, indicator: str = "") -> Any:
        """The cell's value in the dict form; None when blank. Unreadable text is passed on for the Builder."""
        raw = cell.value
        if _blank(raw):
            return None
        kind = col.kind
        if kind == "number":
            return _number(cell)
        if kind == "int":
            return _integer(raw)
        if kind == "date":
            return _date(raw)
        if kind == "id":
            return _text(raw).strip()
        if kind == "ids":
            return [p for p in re.split(r"[、，,；;\s]+", _text(raw)) if p]
        if kind == "lines":
            text = _text(raw)
            parts = text.split("\n") if "\n" in text else re.split(r"[;；]", text)
            return [p.strip() for p in parts if p.strip()]
        if kind == "yesno":
            return self.yesno(col, cell, sheet, indicator)
        if kind == "vocab":
            return _vocab_key(col.vocab, raw)
        if kind == "pairs":
            return self.pairs(col, cell, indicator)
        return _text(raw)

    def yesno(self, col: Col, cell: _Cell, sheet: str, indicator: str) -> bool | None:
        from qwb.values import NO_WORDS, YES_WORDS

        word = _text(cell.value).strip().lower()
        if word in YES_WORDS or cell.value is True:
            return True
        if word in NO_WORDS or cell.value is False:
            return False
        self.problem(sheet, cell.ref, "scheme-format", f"“{col.label}”应填 是 或 否，现为“{cell.value}”", indicator)
        return None

    def pairs(self, col: Col, cell: _Cell, indicator: str) -> list[dict[str, Any]]:
        """台阶 "95:5; 90:3" -> [{at, score}]; 加分档次 "国家级:2; 省级:1" -> [{field, per}]."""
        steps = col.key == "rule.steps"
        out = []
        for part in re.split(r"[;；\n]+", _text(cell.value)):
            part = part.strip()
            if not part:
                continue
            m = re.match(r"^(.*?)[:：](.*)$" if steps else r"^(.*)[:：](.*)$", part)
            name, amount = m.groups() if m else ("", "")
            first = _plain_number(_strip_op(name)) if steps else name.strip()
            second = _plain_number(amount)
            if not m or first is None or second is None or first == "":
                example = "95:5; 90:3" if steps else "国家级:2; 省级:1"
                self.problem(INDICATORS, cell.ref, "rule-bad-parameter",
                             f"“{col.label}”中的“{part}”看不懂，应写成 {example}", indicator)
                continue
            out.append({"at": first, "score": second} if steps else {"field": first, "per": second})
        return out


# --- cell values -------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _vocab_key(vocab: Vocab, raw: Any) -> str:
    text = unicodedata.normalize("NFKC", _text(raw)).strip()
    keys = {k for k, _s in vocab}
    for key, shown in vocab:
        if text == shown or _norm(text) == _norm(shown):
            return key
    first = text.split()[0] if text.split() else text
    if first in keys or first.lower() in keys:
        return first if first in keys else first.lower()
    chinese = {shown.split(" ", 1)[-1]: k for k, shown in vocab} | {RULE_NAMES.get(k, ""): k for k in keys}
    chinese.pop("", None)
    return chinese.get(text) or ALIASES.get(text) or text


def _plain_number(text: str) -> int | float | None:
    text = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "")
    text = re.sub(r"(%|‰|分|个|项|次)$", "", text).strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return _plain(value) if value.is_finite() else None


def _strip_op(text: str) -> str:
    return re.sub(r"^\s*(>=|<=|≥|≤|>|<|＞|＜)\s*", "", unicodedata.normalize("NFKC", text))


def _percent_format(number_format: str) -> bool:
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def _number(cell: _Cell) -> Any:
    """A parameter as the author sees it: a cell showing 95% is 95; text "95%" is 95; other text passes on."""
    raw = cell.value
    if isinstance(raw, bool):
        return _text(raw)
    if isinstance(raw, int | float):
        if _percent_format(cell.number_format):
            return _plain(Decimal(format(raw, ".15g")) * 100)
        return raw
    if isinstance(raw, dt.date):
        return _text(raw)
    parsed = _plain_number(str(raw))
    return parsed if parsed is not None else str(raw).strip()


def _integer(raw: Any) -> Any:
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*\d+\s*", unicodedata.normalize("NFKC", raw)):
        return int(unicodedata.normalize("NFKC", raw))
    return raw


def _date(raw: Any) -> Any:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        from openpyxl.utils.datetime import from_excel

        return from_excel(raw).date()
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
        if m:
            try:
                return dt.date(*map(int, m.groups()))
            except ValueError:
                return text
        return text
    return raw


def _merged_values(ws: Any) -> dict[str, Any]:
    """Every cell of a merged range carries the range's value (authors merge repeated categories)."""
    out: dict[str, Any] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                out[ws.cell(row, col).coordinate] = value
    return out


def _header_index(ws: Any, cols: tuple[Col, ...]) -> dict[str, int]:
    """{column key: 1-based column} from the header row, matching the Chinese label or the English key."""
    names = {_norm(c.label): c.key for c in cols} | {_norm(c.key): c.key for c in cols}
    out: dict[str, int] = {}
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        key = names.get(_norm(_text(cell.value)))
        if key and key not in out:
            out[key] = cell.column
    return out


def _depth(wb: Any, sheet: str) -> int:
    """How many 一级/二级/... columns the sheet's header has."""
    if sheet not in wb.sheetnames:
        return MIN_LEVELS
    levels = [_norm(_text(c.value)) for c in next(wb[sheet].iter_rows(min_row=1, max_row=1), ())]
    found = [n for n in range(len(LEVEL_DIGITS)) if _norm(level_label(n)) in levels]
    return max(found, default=-1) + 1


def _path(cells: dict[str, _Cell]) -> list[str]:
    out = []
    n = 0
    while f"path.{n}" in cells:
        text = _text(cells[f"path.{n}"].value).strip()
        if text:
            out.append(text)
        n += 1
    return out
