"""The scheme workbook's layout: its sheets, their columns (header, width, type, prompt, example,
dropdown) and the vocabularies the dropdowns offer. The writer lays sheets out from it; the reader finds
columns by it. docs/scheme-excel.md describes the same columns for people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from qwb.rules import METHOD_NAMES, NO, OPS, RULE_NAMES, RULE_TYPES, YES

CREATED = dt.datetime(2024, 1, 1)  # fixed, so the same scheme always gives the same bytes
LIMIT = 1000  # rows prepared with dropdowns and prompts (more are allowed, without them)

GUIDE, SETTINGS, INDICATORS, OPTIONS = "说明", "设置", "指标", "选项"
UNITS, DEPARTMENTS, PERIODS, VETOES = "单位", "部门", "时间节点", "否决项"
GRADES, GROUPS, ASSUMPTIONS, EXTENSION = "等次", "分组", "假设", "扩展"
TARGETS = "目标"

LEVEL_DIGITS = "一二三四五六七八九十"
MIN_LEVELS = 3

# --- vocabularies: (key stored in the scheme, what the dropdown shows) -----------------

Vocab = tuple[tuple[str, str], ...]
RULE_VOCAB: Vocab = tuple((t, f"{t} {RULE_NAMES[t]}") for t in RULE_TYPES)
YESNO_VOCAB: Vocab = ((YES, YES), (NO, NO))
OP_VOCAB: Vocab = tuple((o, o) for o in OPS)
UNIT_VOCAB: Vocab = (("%", "%"), ("‰", "‰"))
BETTER_VOCAB: Vocab = (("higher", "higher 越高越好"), ("lower", "lower 越低越好"))
METHOD_VOCAB: Vocab = tuple((m, f"{m} {name}") for m, name in METHOD_NAMES.items())
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

DEPARTMENT_REF = f"={DEPARTMENTS}!$B$2:$B${LIMIT}"  # names: people choose 市场监管局, not scjg
GRADE_REF = f"={GRADES}!$A$2:$A$100"
INDICATOR_REF = f"={INDICATORS}!$A$2:$A${LIMIT}"
PERIOD_REF = f"={PERIODS}!$A$2:$A$100"


@dataclass(frozen=True)
class Col:
    """One column of a sheet (or one row of 设置): where its value goes in the dict form and how it is typed."""

    key: str  # path inside the item's dict form, e.g. "rule.target"
    label: str  # the Chinese header
    width: float = 12
    kind: str = "text"  # text | id | ids | lines | number | target (number, or 是/否) | int | date | yesno | vocab | pairs | range
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
    Col("rule.by_unit", "按单位目标", 12, "units", "目标值规则：个别单位另定的目标（如市下达的任务），写成 单位编号:目标值，"
        "多个用分号隔开；其余单位用“目标值”列。", "c:90; f:80"),
    Col("rule.unit", "单位", 5, "vocab", "填报数值的单位：% 或 ‰（填报时存为小数），或其他文字如 分、个；留空为普通数字。",
        "%", UNIT_VOCAB, closed=False),
    Col("rule.pass", "达标得分", 7, "number", "目标值规则达标的得分；留空为该项分值。", "2"),
    Col("rule.fail", "未达标得分", 7, "number", "目标值规则未达标的得分；留空为 0。", "0"),
    Col("rule.steps", "台阶", 16, "pairs", "阶梯规则：门槛:得分，多档用分号隔开。比较符 >= 时从高到低，<= 时从低到高。",
        "95:5; 90:3; 85:1"),
    Col("rule.else", "否则得分", 7, "number", "阶梯规则一档都未达到时的得分；留空为 0。", "0"),
    Col("rule.zero_at", "零分点", 7, "number", "线性规则：得 0 分的数值（按单位写）。", "60"),
    Col("rule.full_at", "满分点", 7, "number", "线性规则：得满分的数值（按单位写），可小于零分点（越低越好）。", "90"),
    Col("rule.better", "方向", 15, "vocab", "与基期比较、按名次赋分、与平均水平比较：higher 越高越好，lower 越低越好。", "higher 越高越好", BETTER_VOCAB),
    Col("rule.scores.better", "好于基期得分", 7, "number", "与基期比较：本期好于基期的得分。", "2"),
    Col("rule.scores.same", "持平得分", 7, "number", "与基期比较：本期与基期持平的得分。", "1"),
    Col("rule.scores.worse", "差于基期得分", 7, "number", "与基期比较：本期差于基期的得分。", "0"),
    Col("rule.per", "每次扣分", 7, "number", "扣分规则：每发生一次扣多少分。", "0.5"),
    Col("rule.max", "扣分上限", 7, "number", "扣分规则：本项最多扣多少分；留空为不设上限（从本项扣时扣完为止）。", "3"),
    Col("rule.from", "扣分对象", 14, "vocab", "扣分规则：item 从本项分值中扣，total 从总分中扣（本项不计入基本分）。",
        "item 从本项扣", FROM_VOCAB),
    Col("rule.levels", "加分档次", 16, "pairs", "加分规则：档次名称:每项加分，多档用分号隔开；档次名称即填报项。",
        "国家级:2; 省级:1"),
    Col("rule.step", "步长", 5, "number", "直接打分规则：分数须是步长的整数倍，如 0.5，留空为不限；"
        "按名次赋分：每后一名减多少分。", "0.5"),
    Col("rule.method", "相对方法", 24, "vocab", "相对评分规则（与其他单位比较）的计分方法：proportional 按比例折算"
        "（分值×本单位数值÷各单位最高值），rank 按名次赋分（第 1 名得满分，每后一名减“步长”分），"
        "average 与平均水平比较（达到平均水平得满分，否则得“未达平均得分”）。", "rank 按名次赋分", METHOD_VOCAB),
    Col("rule.min", "最低分", 6, "number", "按名次赋分：名次再靠后也至少得多少分；留空为 0。", "2"),
    Col("rule.below", "未达平均得分", 7, "number", "与平均水平比较：未达到平均水平时的得分；留空为 0。", "1"),
    Col("rule.range", "取值范围", 9, "range", "数值填报项允许的范围，按“单位”列的单位写，如 0～100、≥0；"
        "留空为默认（% 和 ‰ 为 0～1000，其他为 ≥0），不限写“不限”。合格率等不超过 100% 的写 0～100。", "0～100"),
)

#: which parameter columns each rule type uses (choice options are on the 选项 sheet)
RULE_PARAMS: dict[str, tuple[str, ...]] = {
    "choice": (),
    "direct": ("step",),
    "target": ("op", "target", "by_unit", "unit", "pass", "fail", "range"),
    "steps": ("op", "unit", "steps", "else", "range"),
    "linear": ("zero_at", "full_at", "unit", "range"),
    "compare": ("better", "scores.better", "scores.same", "scores.worse", "unit", "range"),
    "deduct": ("per", "max", "from"),
    "bonus": ("levels",),
    "targets": (),
    "relative": ("method", "better", "step", "min", "below", "unit", "range"),
}
#: which of relative's parameter columns each method uses
METHOD_PARAMS: dict[str, tuple[str, ...]] = {
    "proportional": ("method", "unit", "range"),
    "rank": ("method", "better", "step", "min", "unit", "range"),
    "average": ("method", "better", "below", "unit", "range"),
}
#: the rule types whose list (options, targets) is on a sheet of its own
LIST_SHEETS = {"choice": OPTIONS, "targets": TARGETS}

INDICATOR_HEAD = (_id("id", "编号", 7, "指标编号，方案内唯一，不能含“|”和空格，如 20 或 2.1。", "20"),)
INDICATOR_COLS = (
    Col("title", "指标名称", 16, "text", "指标的名称。", "监督抽查合格率"),
    Col("content", "考核要点", 40, "text", "考核要点或评分办法原文，模板中展示给填报人。", "制造业产品国家监督抽查合格率达90%以上。"),
    Col("points", "分值", 6, "number", "该项分值；扣分项（从总分扣）可为 0。", "2"),
    Col("points_stated", "原文未给分值", 8, "yesno", "原文没有写明分值、分值是编制时的假设时选“是”。", "否", YESNO_VOCAB),
    Col("department", "评价部门", 12, "id", "填报该项的部门，从下拉列表选择（“部门”表中的名称；也可填部门编号）。", "市场监管局",
        ref=DEPARTMENT_REF),
    Col("cooperating", "配合单位", 10, "ids", "配合部门的编号，多个用顿号或逗号隔开。", "nyj、gxj"),
    Col("evidence", "印证材料", 26, "lines", "需提供的印证材料，每行一项（Alt+Enter 换行），或用分号隔开。", "抽查结果通报"),
    Col("na_allowed", "允许合理缺项", 8, "yesno", "原文允许“合理缺项”（不涉及则不计分）时选“是”。", "否", YESNO_VOCAB),
    Col("periods", "时间节点", 8, "ids", "该项在哪些时间节点填报（“时间节点”表的编号），多个用顿号隔开；留空为全部节点。", "H1、Y"),
)
NODE_COL = Col("node", "规则节点", 8, "id", "各时间节点评分规则不同时填写：第一行填第一个节点（如 H1）及其规则；"
               "其余节点各加一行，编号相同，只填规则节点和规则列。规则相同时留空。", "H1", ref=PERIOD_REF)
NOTE_COL = Col("note", "备注", 28, "text", "编制时的假设或说明。", "原文未写明比较基期，按上年计。")

OPTION_COLS = (
    _id("indicator", "指标编号", 9, "该选项所属指标的编号（规则类型为“choice 选项评分”的指标）。", "1", ref=INDICATOR_REF),
    _id("period", "时间节点", 8, "指标按时间节点分别设定规则时，该选项所属的节点编号；否则留空。", "Q3", ref=PERIOD_REF),
    Col("label", "选项", 30, "text", "填报人可选的一项，同一指标内不能重复；按显示顺序逐行填写。", "完成"),
    Col("score", "分值", 7, "number", "选中该项的得分，不超过指标分值。", "10"),
    Col("note", "说明", 40, "text", "对该选项的解释（可选）。", "按期完成全部任务"),
)
TARGET_COLS = (
    _id("indicator", "指标编号", 9, "该目标所属指标的编号（规则类型为“targets 多项目标”的指标）。", "2", ref=INDICATOR_REF),
    _id("period", "时间节点", 8, "指标按时间节点分别设定规则时，该目标所属的节点编号；否则留空。", "Y", ref=PERIOD_REF),
    Col("field", "填报项", 20, "text", "该目标的填报项名称（填报人填写的数值），同一指标内不能重复。", "监督抽查合格率"),
    Col("op", "比较符", 6, "vocab", "填报值与目标值的比较方向：>= > <= <；留空为 >=。", ">=", OP_VOCAB),
    Col("target", "目标值", 7, "target", "目标值，按“单位”列的单位写数字：95% 写 95；要点是否落实这类目标写“是”"
        "（填报人从下拉列表选“是”即达到，比较符、单位、取值范围留空）。", "95"),
    Col("unit", "单位", 5, "vocab", "填报数值的单位：% 或 ‰，或其他文字如 个；留空为普通数字。", "%", UNIT_VOCAB, closed=False),
    Col("score", "分值", 6, "number", "达到该目标的得分；各行都留空时，每达到一项得 指标分值÷目标个数。", "3"),
    Col("by_unit", "按单位目标", 12, "units", "个别单位另定的目标，写成 单位编号:目标值，多个用分号隔开。", "c:0.5"),
    Col("range", "取值范围", 9, "range", "填报值允许的范围，如 0～100、≥0；留空为默认。", "0～100"),
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
    Col("department", "部门", 12, "id", "认定该否决项的部门（名称或编号，可选）。", "质强办", ref=DEPARTMENT_REF),
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
    TARGETS: "“targets 多项目标”类指标的各项目标（一个分值下的几个数值目标），每行一个。",
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
    return (*INDICATOR_HEAD, *path_cols(depth), *INDICATOR_COLS, NODE_COL, *RULE_COLS, NOTE_COL)


def group_cols(depth: int) -> tuple[Col, ...]:
    return (*path_cols(depth), GROUP_POINTS)


def shown(vocab: Vocab, key: Any) -> Any:
    return dict(vocab).get(key, key)
