"""Scoring functions for spreadsheet cells (QWB_CHOICE, QWB_TARGET, ...), registered with xlwings.

Every function is a thin wrapper: it builds the rule object of :mod:`qwb.rules`
from its arguments, checks each input with the engine's own
:func:`qwb.values.parse_input` and evaluates the rule's score expression
(:func:`qwb.rules.score_expression`), or calls the engine's own totals, grade
and rank functions. No rule is written a second time here.

Excel passes numbers as doubles: they are read with :func:`qwb.rules.to_decimal`
(15 significant digits, as Excel shows and compares them), so
95.19999999999999 meets a target of 95.2. A blank required input, an error in
an input cell or a bad argument gives an Excel error value, never a traceback:

* ``#N/A``: a required input is blank, or what is looked up is not there (a
  label not among the options, an indicator not in the scheme);
* ``#VALUE!``: an argument is not what the function needs (text instead of a
  number, an unknown comparison, ranges of different sizes, an unreadable scheme);
* an error in an input cell (``#DIV/0!`` ...) comes back unchanged.

When several inputs are wrong, the first in argument order decides, as in
Excel's own functions.

With xlwings Server and Excel on the web these strings become real error
values; classic Windows UDFs show them as text (xlwings cannot return a true
error value there).

Modules: ``UDF Modules = qwb.udfs`` in the xlwings add-in, or ``qwb serve``.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import xlwings as xw

from qwb.engine import competition_ranks, grade_of, scaled_base
from qwb.issues import InvalidChoice
from qwb.rules import (
    BASELINE,
    CHOICE,
    COUNT,
    CURRENT,
    NA_FIELD,
    VALUE,
    YES,
    BonusRule,
    ChoiceRule,
    CompareRule,
    DeductRule,
    InputField,
    Level,
    LinearRule,
    Option,
    RelativeRule,
    Rule,
    Step,
    StepsRule,
    Target,
    TargetRule,
    TargetsRule,
    score_expression,
    yesno_field,
)
from qwb.scheme.model import Grade, Indicator, Scheme
from qwb.values import is_blank, parse_input

__all__ = [
    "QWB_AVERAGE", "QWB_BONUS", "QWB_CHOICE", "QWB_COMPARE", "QWB_DEDUCT", "QWB_GRADE", "QWB_LINEAR",
    "QWB_PROPORTIONAL", "QWB_RANK", "QWB_RANKSCORE", "QWB_SCORE", "QWB_STEPS", "QWB_TARGET", "QWB_TARGETS",
    "QWB_TOTAL", "QWB_UNITSCORE",
]

logger = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

NOT_AVAILABLE, BAD_VALUE = "#N/A", "#VALUE!"
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#BUSY!", "#CONNECT!", "#UNKNOWN!")
ZERO = Decimal(0)
CATEGORY = "qwb 质量考核"
OPS = {">=": ">=", ">": ">", "<=": "<=", "<": "<", "≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "＞＝": ">=", "＜＝": "<="}
BETTER = {"higher": "higher", "lower": "lower", "高": "higher", "低": "lower", "越高越好": "higher",
          "越低越好": "lower"}


def _decorators() -> tuple[Any, Any]:
    """xlwings' func and arg: xlwings Server's when XLWINGS_ON_SERVER=true, else the classic ones.

    xlwings decides this once, when it is first imported; reading the variable
    here as well keeps qwb.udfs right even if xlwings was imported earlier.
    """
    if os.environ.get("XLWINGS_ON_SERVER") == "true":
        import xlwings.server

        return xlwings.server.func, xlwings.server.arg
    return xw.func, xw.arg


func, arg = _decorators()


class CellError(Exception):
    """What a function returns to the cell instead of a value, and why (for the log)."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code


def excel_function(f: F) -> F:
    """Errors become Excel error values; an unexpected one is logged, never shown as a traceback."""

    @functools.wraps(f)
    def wrapper(*args: Any) -> Any:
        try:
            return f(*args)
        except CellError as exc:
            logger.info("%s：%s（%s）", f.__name__, exc, exc.code)
            return exc.code
        except Exception:  # noqa: BLE001 - the cell must get an error value, not a traceback
            logger.exception("%s 计算出错", f.__name__)
            return BAD_VALUE

    return wrapper  # type: ignore[return-value]


def doc_args(ranges: tuple[str, ...] = (), **docs: str) -> Callable[[F], F]:
    """``@xw.arg`` for every parameter: its Chinese description; ``ranges`` as 2-D lists; errors as text."""

    def apply(f: F) -> F:
        for name, text in docs.items():
            options: dict[str, Any] = {"doc": text, "err_to_str": True}
            if name in ranges:
                options["ndim"] = 2
            f = arg(name, **options)(f)
        return f

    return apply


# --- reading what Excel passes ---------------------------------------------------------


def _cells(raw: Any) -> list[Any]:
    """A range (2-D list, row by row), a list or a single value as a flat list."""
    if isinstance(raw, (list, tuple)):
        return [cell for item in raw for cell in _cells(item)]
    return [raw]


def _check(raw: Any) -> Any:
    if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
        raise CellError(raw.strip(), f"输入单元格为错误值 {raw.strip()}")
    return raw


def _single(raw: Any, what: str) -> Any:
    if isinstance(raw, (list, tuple)):
        cells = _cells(raw)
        if len(cells) != 1:
            raise CellError(BAD_VALUE, f"{what}应为单个单元格，现为 {len(cells)} 个单元格的区域")
        raw = cells[0]
    return _check(raw)


def _input(raw: Any, field: InputField) -> Decimal | str | None:
    """One input checked exactly as the engine checks a 填报值 cell."""
    parsed = parse_input(_single(raw, field.name), field)
    if parsed.problem:
        raise CellError(NOT_AVAILABLE if parsed.problem is InvalidChoice else BAD_VALUE, f"{field.name}：{parsed.reason}")
    if parsed.value is None and field.required:
        raise CellError(NOT_AVAILABLE, f"{field.name}未填写")
    return parsed.value


def _number(raw: Any, what: str) -> Decimal:
    value = _input(raw, InputField(what, "number"))
    if not isinstance(value, Decimal):
        raise CellError(BAD_VALUE, f"{what}应为数字")
    return value


def _number_or(raw: Any, what: str, default: Decimal) -> Decimal:
    return default if is_blank(_single(raw, what)) else _number(raw, what)


def _number_or_none(raw: Any, what: str) -> Decimal | None:
    return None if is_blank(_single(raw, what)) else _number(raw, what)


def _label(raw: Any) -> str:
    """Cell content as a label: 1.0 is "1", as Excel shows it."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return "" if raw is None else str(raw).strip()


def _yes(raw: Any, what: str) -> bool:
    raw = _single(raw, what)
    return not is_blank(raw) and _input(raw, yesno_field(what)) == YES


def _pairs(left: Any, right: Any, what: tuple[str, str]) -> list[tuple[Any, Any]]:
    """Two ranges of the same size, cell by cell; rows blank in both are left out."""
    a, b = [_check(x) for x in _cells(left)], [_check(x) for x in _cells(right)]
    if len(a) != len(b):
        raise CellError(BAD_VALUE, f"{what[0]}（{len(a)} 格）与{what[1]}（{len(b)} 格）个数不同")
    pairs = [(x, y) for x, y in zip(a, b) if not (is_blank(x) and is_blank(y))]
    for x, y in pairs:
        if is_blank(x) or is_blank(y):
            raise CellError(BAD_VALUE, f"{what[0]}与{what[1]}应成对填写")
    if not pairs:
        raise CellError(BAD_VALUE, f"{what[0]}为空")
    return pairs


def _op(raw: Any, allowed: Iterable[str]) -> str:
    op = OPS.get(_label(_single(raw, "比较符")).replace(" ", ""))
    if op is None or op not in allowed:
        raise CellError(BAD_VALUE, f"比较符应为 {'、'.join(allowed)} 之一，现为“{_label(raw)}”")
    return op


def _result(value: Decimal) -> float:
    return float(value)


def _score(rule: Rule, points: Decimal, raw: dict[str, Any], unit: str | None = None) -> Decimal:
    """The item score the engine gives these inputs: each checked as the engine does, the rule's expression
    (with ``unit``'s own targets where the rule sets targets per unit)."""
    env = {f.name: _input(raw.get(f.name), f) for f in rule.input_fields(points)}
    value = score_expression(rule, points, unit).evaluate(env)
    if not isinstance(value, Decimal):
        raise CellError(NOT_AVAILABLE, "无法计分")
    return value


def _top(*scores: Decimal) -> Decimal:
    """The item's points when a function states only its scores: the highest of them (at least 0)."""
    return max((ZERO, *scores))


# --- the functions -------------------------------------------------------------------------


@func(category=CATEGORY)
@doc_args(
    ("labels", "scores"),
    value="填报的选项，例如“完成”",
    labels="各选项名称所在的区域",
    scores="与选项一一对应的分值区域",
)
@excel_function
def QWB_CHOICE(value: Any, labels: list[Any], scores: list[Any]) -> Any:  # noqa: N802
    """选项评分：返回与填报选项相同的那一项的分值；选项不在列表中时为 #N/A。"""
    options = tuple(Option(_label(label), _number(score, "分值")) for label, score in _pairs(labels, scores, ("选项", "分值")))
    rule = ChoiceRule(options)
    choice = _label(_single(value, CHOICE)) or None
    return _result(_score(rule, _top(*(o.score for o in options)), {CHOICE: choice}))


@func(category=CATEGORY)
@doc_args(
    value="实际值（百分比单元格存的是小数，95% 即 0.95）",
    op="比较符：>=、>、<= 或 <",
    target="目标值，与实际值同一单位（95% 写 95% 或 0.95）",
    pass_score="达到目标的得分",
    fail_score="未达目标的得分，省略为 0",
)
@excel_function
def QWB_TARGET(value: Any, op: Any, target: Any, pass_score: Any, fail_score: Any = None) -> Any:  # noqa: N802
    """目标值评分：实际值与目标比较，达到得 pass_score，否则得 fail_score（默认 0）。"""
    passed, failed = _number(pass_score, "达标得分"), _number_or(fail_score, "未达标得分", ZERO)
    rule = TargetRule(_op(op, (">=", ">", "<=", "<")), _number(target, "目标值"), "", passed, failed)
    return _result(_score(rule, _top(passed, failed), {VALUE: value}))


@func(category=CATEGORY)
@doc_args(
    ("thresholds", "scores"),
    value="实际值",
    op="比较符：>=（达到门槛）或 <=（不超过门槛）",
    thresholds="各档门槛，按从严到宽的顺序排列",
    scores="与门槛一一对应的分值",
    else_score="一档都未达到时的得分，省略为 0",
)
@excel_function
def QWB_STEPS(value: Any, op: Any, thresholds: list[Any], scores: list[Any], else_score: Any = None) -> Any:  # noqa: N802
    """阶梯评分：按顺序找到实际值达到的第一档，返回该档分值；都未达到返回 else_score（默认 0）。"""
    pairs = _pairs(thresholds, scores, ("门槛", "分值"))
    steps = tuple(Step(_number(at, "门槛"), _number(score, "分值")) for at, score in pairs)
    otherwise = _number_or(else_score, "未达档得分", ZERO)
    rule = StepsRule(_op(op, (">=", "<=")), "", steps, otherwise)
    return _result(_score(rule, _top(otherwise, *(s.score for s in steps)), {VALUE: value}))


@func(category=CATEGORY)
@doc_args(
    value="实际值",
    zero_at="得 0 分的值",
    full_at="得满分的值（可小于 zero_at，表示越低越好）",
    points="满分",
)
@excel_function
def QWB_LINEAR(value: Any, zero_at: Any, full_at: Any, points: Any) -> Any:  # noqa: N802
    """线性评分：满分 × (实际值 − zero_at) / (full_at − zero_at)，限制在 0 到满分之间。"""
    full = _number(points, "满分")
    if full < 0:
        raise CellError(BAD_VALUE, "满分不能为负数")
    rule = LinearRule(_number(zero_at, "零分值"), _number(full_at, "满分值"), "")
    return _result(_score(rule, full, {VALUE: value}))


@func(category=CATEGORY)
@doc_args(
    current="本期值",
    baseline="基期值",
    better="higher（越高越好）或 lower（越低越好）",
    better_score="比基期好时的得分",
    same_score="与基期持平时的得分",
    worse_score="比基期差时的得分",
)
@excel_function
def QWB_COMPARE(current: Any, baseline: Any, better: Any, better_score: Any, same_score: Any,  # noqa: N802
                worse_score: Any) -> Any:
    """与基期比较：本期比基期好、持平、差，分别得三档分值。"""
    direction = BETTER.get(_label(_single(better, "方向")).lower())
    if direction is None:
        raise CellError(BAD_VALUE, f"方向应为 higher 或 lower，现为“{_label(better)}”")
    scores = (_number(better_score, "改善得分"), _number(same_score, "持平得分"), _number(worse_score, "下降得分"))
    rule = CompareRule(direction, *scores)
    return _result(_score(rule, _top(*scores), {CURRENT: current, BASELINE: baseline}))


@func(category=CATEGORY)
@doc_args(
    count="次数（0 或正整数）",
    per="每次扣分",
    cap="最多扣分，省略为不封顶",
)
@excel_function
def QWB_DEDUCT(count: Any, per: Any, cap: Any = None) -> Any:  # noqa: N802
    """扣分：返回应扣的分数 min(次数 × 每次扣分, 封顶)。"""
    rule = DeductRule(_number(per, "每次扣分"), _number_or_none(cap, "扣分上限"), "total")
    return _result(ZERO - _score(rule, ZERO, {COUNT: count}))


@func(category=CATEGORY)
@doc_args(
    ("counts", "pers"),
    counts="各级别获得的项数（空白按 0）",
    pers="与级别一一对应的每项加分",
    cap="加分上限，省略为不封顶",
)
@excel_function
def QWB_BONUS(counts: list[Any], pers: list[Any], cap: Any = None) -> Any:  # noqa: N802
    """加分：返回 min(Σ 项数 × 每项加分, 上限)。"""
    a, b = [_check(x) for x in _cells(counts)], [_check(x) for x in _cells(pers)]
    if len(a) != len(b):
        raise CellError(BAD_VALUE, f"项数（{len(a)} 格）与每项加分（{len(b)} 格）个数不同")
    levels = tuple(Level(f"第{i + 1}级", _number(per, "每项加分")) for i, per in enumerate(b) if not is_blank(per))
    raw = {f"第{i + 1}级": count for i, count in enumerate(a) if not is_blank(b[i])}
    return _result(_score(BonusRule(levels), _number_or(cap, "加分上限", Decimal("Infinity")), raw))


@func(category=CATEGORY)
@doc_args(
    ("scores", "points", "na_flags"),
    scores="各项得分（空白按 0 分）",
    points="与得分一一对应的各项分值",
    na_flags="各项是否合理缺项（是/否，空白为否），可省略",
    full_marks="总分折算的满分，省略为各项分值之和",
)
@excel_function
def QWB_TOTAL(scores: list[Any], points: list[Any], na_flags: Any = None,  # noqa: N802
              full_marks: Any = None) -> Any:
    """折算基本分：合理缺项以外各项得分之和 × 满分 / 这些项的分值之和。"""
    a, b = [_check(x) for x in _cells(scores)], [_check(x) for x in _cells(points)]
    flags = [None] * len(a) if na_flags is None else [_check(x) for x in _cells(na_flags)]
    if not len(a) == len(b) == len(flags):
        raise CellError(BAD_VALUE, f"得分（{len(a)} 格）、分值（{len(b)} 格）、合理缺项（{len(flags)} 格）个数应相同")
    items = []
    for score, item_points, na in zip(a, b, flags):
        if is_blank(score) and is_blank(item_points):
            continue
        value = ZERO if is_blank(score) else _number(score, "得分")
        items.append((value, _number(item_points, "分值"), _yes(na, NA_FIELD)))
    scale = _number_or(full_marks, "满分", sum((p for _, p, _ in items), ZERO))
    return _result(scaled_base(items, scale)[2])


@func(category=CATEGORY)
@doc_args(
    ("mins", "names"),
    total="总分",
    mins="各等次的分数下限",
    names="与下限一一对应的等次名称",
    veto="是否发生否决事项（是/否），可省略",
    veto_grade="发生否决时的等次，省略为最低等次",
)
@excel_function
def QWB_GRADE(total: Any, mins: list[Any], names: list[Any], veto: Any = None,  # noqa: N802
              veto_grade: Any = None) -> Any:
    """评定等次：总分达到的最高一档；发生否决时为否决等次。"""
    grades = [Grade(_label(name), _number(low, "等次下限")) for low, name in _pairs(mins, names, ("下限", "等次"))]
    grades.sort(key=lambda g: g.min, reverse=True)
    forced = _label(_single(veto_grade, "否决等次")) or grades[-1].name
    scheme = Scheme(id="udf", name="", year=0, indicators=[], units=[], departments=[], grades=grades,
                    veto_grade=forced)
    return grade_of(scheme, _number(total, "总分"), _yes(veto, "是否否决"))


@func(category=CATEGORY)
@doc_args(
    ("values",),
    value="要排名的分数",
    values="参与排名的全部分数（空白不计）",
)
@excel_function
def QWB_RANK(value: Any, values: list[Any]) -> Any:  # noqa: N802
    """排名：从高到低，并列同名次，下一名次顺延（1、2、2、4）。"""
    target = _number(value, "分数")
    totals = [_number(v, "分数") for v in map(_check, _cells(values)) if not is_blank(v)]
    if target not in totals:
        raise CellError(NOT_AVAILABLE, "要排名的分数不在参与排名的分数中")
    return competition_ranks(totals)[totals.index(target)]


@func(category=CATEGORY)
@doc_args(
    scheme_path="方案文件（.yaml 或 .xlsx）的完整路径，或内置方案名，如 changzhou",
    indicator_id="指标编号",
    values="该指标的填报值，按填报项顺序（如 本期、基期）",
)
@excel_function
def QWB_SCORE(scheme_path: Any, indicator_id: Any, *values: Any) -> Any:  # noqa: N802
    """按方案文件中该指标自己的评分规则计分（一个时间节点的得分）。"""
    scheme, indicator = _scheme_item(scheme_path, indicator_id)
    rule = indicator.rule
    if getattr(rule, "varies_by_unit", False):
        raise CellError(BAD_VALUE, f"指标 {indicator.id} 各单位目标不同：请用 QWB_UNITSCORE 并给出单位")
    if len({r for _, r in indicator.rules}) > 1:
        raise CellError(BAD_VALUE, f"指标 {indicator.id} 各时间节点规则不同：请用 QWB_UNITSCORE 并给出时间节点")
    return _result(_item_score(indicator, rule, None, values))


@func(category=CATEGORY)
@doc_args(
    scheme_path="方案文件（.yaml 或 .xlsx）的完整路径，或内置方案名，如 changzhou",
    indicator_id="指标编号",
    unit="被考核单位（编号或名称）；留空按方案的统一目标",
    period="时间节点（编号或名称）；留空为该指标的最后一个节点",
    values="该指标在该节点的填报值，按填报项顺序",
)
@excel_function
def QWB_UNITSCORE(scheme_path: Any, indicator_id: Any, unit: Any, period: Any, *values: Any) -> Any:  # noqa: N802
    """按方案计分，用该单位自己的目标和该时间节点自己的规则（方案按单位另定目标或按节点定规则时用）。"""
    scheme, indicator = _scheme_item(scheme_path, indicator_id)
    unit_id = _lookup(_label(_single(unit, "单位")), {u.id: u.name for u in scheme.units}, "被考核单位")
    periods = {p.id: p.name for p in scheme.periods_of(indicator)}
    period_id = _lookup(_label(_single(period, "时间节点")), periods, f"指标 {indicator.id} 的时间节点")
    return _result(_item_score(indicator, indicator.rule_in(period_id), unit_id, values))


def _scheme_item(scheme_path: Any, indicator_id: Any) -> tuple[Scheme, Indicator]:
    scheme = load_scheme(_label(_single(scheme_path, "方案文件")))
    item_id = _label(_single(indicator_id, "指标编号"))
    indicator = next((i for i in scheme.indicators if i.id == item_id), None)
    if indicator is None:
        raise CellError(NOT_AVAILABLE, f"方案中没有指标“{item_id}”")
    return scheme, indicator


def _lookup(given: str, names: dict[str, str], what: str) -> str | None:
    """The id of a unit or period given by id or name; None for a blank cell."""
    if not given:
        return None
    for key, name in names.items():
        if given in (key, name):
            return key
    raise CellError(NOT_AVAILABLE, f"方案中没有{what}“{given}”")


def _item_score(indicator: Indicator, rule: Rule, unit: str | None, values: tuple[Any, ...]) -> Decimal:
    if isinstance(rule, RelativeRule):
        raise CellError(BAD_VALUE, f"指标 {indicator.id} 与其他单位比较计分：请用 QWB_PROPORTIONAL、QWB_RANKSCORE 或 "
                                   "QWB_AVERAGE")
    fields = rule.input_fields(indicator.points)
    if len(values) > len(fields):
        raise CellError(BAD_VALUE, f"指标 {indicator.id} 只有 {len(fields)} 个填报项：{'、'.join(f.name for f in fields)}")
    return _score(rule, indicator.points, {f.name: v for f, v in zip(fields, values)}, unit)


@func(category=CATEGORY)
@doc_args(
    ("values", "ops", "targets", "scores"),
    values="各项实际值（百分比单元格存的是小数）",
    ops="与实际值一一对应的比较符：>=、>、<= 或 <",
    targets="与实际值一一对应的目标值",
    scores="各目标的分值，省略时按达到项数占比计分",
    points="该项分值",
)
@excel_function
def QWB_TARGETS(values: list[Any], ops: list[Any], targets: list[Any], scores: Any = None,  # noqa: N802
                points: Any = None) -> Any:
    """多项目标：各目标分别计分后相加；未给分值时得 分值 × 达到项数 ÷ 目标数；不超过分值。"""
    a, b, c = [_check(x) for x in _cells(values)], _cells(ops), _cells(targets)
    each = [None] * len(a) if scores is None else [_check(x) for x in _cells(scores)]
    if not len(a) == len(b) == len(c) == len(each):
        raise CellError(BAD_VALUE, f"实际值（{len(a)} 格）、比较符（{len(b)} 格）、目标值（{len(c)} 格）"
                                   f"{'' if scores is None else f'、分值（{len(each)} 格）'}个数应相同")
    goals = tuple(Target(f"目标{i + 1}", _op(op, (">=", ">", "<=", "<")), _number(goal, "目标值"), "",
                         None if scores is None else _number(score, "分值"))
                  for i, (op, goal, score) in enumerate(zip(b, c, each)))
    total = sum((g.score or ZERO for g in goals), ZERO)
    full = _number(points, "分值") if points is not None else (total if scores is not None else None)
    if full is None:
        raise CellError(BAD_VALUE, "未给各目标分值时须给出该项分值")
    return _result(_score(TargetsRule(goals), full, {f"目标{i + 1}": v for i, v in enumerate(a)}))


def _relative(rule: RelativeRule, value: Any, values: Any, points: Any) -> Any:
    """The score of ``value`` against the field set ``values`` (blank cells left out), by the engine's rule."""
    full = _number(points, "分值")
    own = _number(value, "本单位数值")
    field_set = [_number(v, "各单位数值") for v in map(_check, _cells(values)) if not is_blank(v)]
    if own not in field_set:
        raise CellError(NOT_AVAILABLE, "本单位数值不在各单位数值中")
    if rule.method == "proportional" and any(v < 0 for v in field_set):
        raise CellError(BAD_VALUE, "按比例折算的数值不能为负数")
    scores = rule.scores(full, {str(i): v for i, v in enumerate(field_set)})
    return _result(scores[str(field_set.index(own))])


def _better(raw: Any) -> str:
    direction = BETTER.get(_label(_single(raw, "方向")).lower() or "higher")
    if direction is None:
        raise CellError(BAD_VALUE, f"方向应为 higher 或 lower，现为“{_label(raw)}”")
    return direction


@func(category=CATEGORY)
@doc_args(("values",), value="本单位数值", values="参与比较的各单位数值（含本单位，空白不计）", points="该项分值")
@excel_function
def QWB_PROPORTIONAL(value: Any, values: list[Any], points: Any) -> Any:  # noqa: N802
    """按比例折算：分值 × 本单位数值 ÷ 各单位最高值；最高值为 0 时得 0。"""
    return _relative(RelativeRule("proportional"), value, values, points)


@func(category=CATEGORY)
@doc_args(("values",), value="本单位数值", values="参与排名的各单位数值（含本单位，空白不计）", points="第 1 名的得分",
          step="每后一名减的分数", better="higher（越高越好，默认）或 lower（越低越好）", minimum="最低得分，省略为 0")
@excel_function
def QWB_RANKSCORE(value: Any, values: list[Any], points: Any, step: Any, better: Any = None,  # noqa: N802
                  minimum: Any = None) -> Any:
    """按名次赋分：分值 −（名次 − 1）× 每名之差，不低于最低分；并列同名次（1、2、2、4）。"""
    rule = RelativeRule("rank", _better(better), _number(step, "每名之差"), _number_or(minimum, "最低分", ZERO))
    return _relative(rule, value, values, points)


@func(category=CATEGORY)
@doc_args(("values",), value="本单位数值", values="各单位数值（含本单位，空白不计）", points="达到平均水平的得分",
          better="higher（越高越好，默认）或 lower（越低越好）", below="未达到平均水平的得分，省略为 0")
@excel_function
def QWB_AVERAGE(value: Any, values: list[Any], points: Any, better: Any = None,  # noqa: N802
                below: Any = None) -> Any:
    """与平均水平比较：不差于各单位算术平均值得满分，否则得 below（默认 0）。"""
    rule = RelativeRule("average", _better(better), below=_number_or(below, "未达平均得分", ZERO))
    return _relative(rule, value, values, points)


# --- schemes for QWB_SCORE ---------------------------------------------------------------


def scheme_file(name: str) -> Path:
    """A scheme file by path, or a bundled scheme by name (changzhou, ...)."""
    from qwb.scheme import resolve

    path = resolve(name)
    if path is None:
        raise CellError(BAD_VALUE, f"找不到方案文件：{name}")
    return path.resolve()


def load_scheme(name: str) -> Scheme:
    """The scheme, read once per file version (path, modification time and size)."""
    path = scheme_file(name)
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int, size: int) -> Scheme:
    from qwb.scheme import SchemeError, load

    try:
        return load(path)
    except SchemeError as exc:
        raise CellError(BAD_VALUE, f"方案有错误：{exc}") from exc
