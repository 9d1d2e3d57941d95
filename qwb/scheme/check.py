"""`qwb scheme check`: every inconsistency of a scheme, located where the author fixes it."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from qwb.issues import (
    BadId,
    DuplicateId,
    FullMarksMismatch,
    GradesNotDescending,
    GroupSumMismatch,
    IdleDepartment,
    Issue,
    IssueType,
    NoLowestGrade,
    OptionAbovePoints,
    PeriodRulesMismatch,
    PointsNotStated,
    RuleBadParameter,
    StepsOutOfOrder,
    ThresholdOutsideRange,
    UnknownDepartment,
    UnknownGrade,
    UnknownPeriod,
    UnknownUnit,
    ZeroPoints,
)
from qwb.keys import VETO_PREFIX
from qwb.numtext import plain
from qwb.rules import (
    NA_FIELD,
    VETO_FIELD,
    ChoiceRule,
    CompareRule,
    DirectRule,
    LinearRule,
    RelativeRule,
    Rule,
    StepsRule,
    TargetRule,
    TargetsRule,
    UnitTargetRule,
    field_range,
)
from qwb.scheme.model import Indicator, Locate, Scheme, veto_owner


def check(scheme: Scheme, locate: Locate | None = None, file: str = "") -> list[Issue]:
    """Every inconsistency; ``locate`` turns a path of the dict form into the place its author fixes it."""
    found: list[Issue] = []

    def problem(path: str, kind: type[IssueType], message: str, indicator: str = "") -> None:
        where = locate(path) if locate else {"file": file, "cell": path}
        if indicator:
            where = {**where, "indicator": indicator}
        found.append(kind.new(detail=message, **where))

    _check_ids(scheme, problem)
    _check_references(scheme, problem)
    _check_rules(scheme, problem)
    _check_grades(scheme, problem)
    _check_groups(scheme, problem)
    _check_idle_departments(scheme, problem)
    return found


def _check_idle_departments(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    """A department that leads no indicator and asks about no veto gets no template: say so, in case an
    indicator names the wrong department."""
    owners = {i.department for i in s.indicators} | {veto_owner(s, v) for v in s.vetoes}
    for n, d in enumerate(s.departments):
        if d.id not in owners:
            helping = [i.id for i in s.indicators if d.id in i.cooperating]
            listed = "、".join(helping[:5]) + (f" 等 {len(helping)} 项" if len(helping) > 5 else "")
            role = f"只是指标 {listed} 的配合单位，" if helping else ""
            problem(f"departments[{n}].id", IdleDepartment,
                    f"部门“{d.name}”（{d.id}）{role}不负责任何指标或否决项，不会收到填报模板")


def _duplicates(values: list[str]) -> set[str]:
    return {v for v, n in Counter(values).items() if n > 1}


def _check_ids(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    for key, label, items in (
        ("units", "单位", s.units),
        ("departments", "部门", s.departments),
        ("periods", "时间节点", s.periods),
        ("vetoes", "否决项", s.vetoes),
        ("indicators", "指标", s.indicators),
    ):
        ids = [x.id for x in items]
        for dup in sorted(_duplicates(ids)):
            index = ids.index(dup, ids.index(dup) + 1)
            problem(f"{key}[{index}].id", DuplicateId, f"{label}编号“{dup}”重复")
        for i, x in enumerate(items):
            if not x.id or "|" in x.id or x.id != x.id.strip() or any(c.isspace() for c in x.id):
                problem(f"{key}[{i}].id", BadId, f"{label}编号“{x.id}”不能为空，不能含“|”或空格（编号是编码的一部分）")
            elif x.id.startswith(VETO_PREFIX):
                problem(f"{key}[{i}].id", BadId, f"{label}编号“{x.id}”不能以“{VETO_PREFIX}”开头")


def _check_references(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    departments = {d.id for d in s.departments}
    periods = {p.id for p in s.periods}
    for i, ind in enumerate(s.indicators):
        if ind.department not in departments:
            problem(f"indicators[{i}].department", UnknownDepartment,
                    f"指标 {ind.id} 的评价部门“{ind.department}”不在部门表中", ind.id)
        for c in ind.cooperating:
            if c not in departments:
                problem(f"indicators[{i}].cooperating", UnknownDepartment,
                        f"指标 {ind.id} 的配合单位“{c}”不在部门表中", ind.id)
        for p in ind.periods or ():
            if p not in periods:
                problem(f"indicators[{i}].periods", UnknownPeriod,
                        f"指标 {ind.id} 的时间节点“{p}”不在时间节点表中", ind.id)
        if not ind.points_stated:
            problem(f"indicators[{i}].points", PointsNotStated,
                    f"指标 {ind.id} 原文未给出分值，按 {plain(ind.points)} 分编码", ind.id)
        elif ind.points == 0 and ind.role != "deduction":
            problem(f"indicators[{i}].points", ZeroPoints, f"指标 {ind.id} 分值为 0", ind.id)
        for f in {f.name: f for period in s.periods_of(ind) for f in ind.input_fields(period.id)}.values():
            if f.name in (NA_FIELD, VETO_FIELD):
                problem(f"indicators[{i}].rule", RuleBadParameter,
                        f"指标 {ind.id} 的填报项不能叫“{f.name}”（保留名称）", ind.id)
    for i, v in enumerate(s.vetoes):
        if v.department and v.department not in departments:
            problem(f"vetoes[{i}].department", UnknownDepartment,
                    f"否决项 {v.id} 的部门“{v.department}”不在部门表中")


def _check_rules(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    units = {u.id for u in s.units}
    for i, ind in enumerate(s.indicators):
        if ind.rules:
            _check_period_rules(s, ind, f"indicators[{i}].rules", problem)
        rules = [(f"indicators[{i}].rules.{p}", r) for p, r in ind.rules] or [(f"indicators[{i}].rule", ind.rule)]
        for at, rule in rules:
            _check_rule(ind, rule, at, problem)
            _check_new_shapes(ind, rule, at, units, problem)


def _check_period_rules(s: Scheme, ind: Indicator, at: str, problem) -> None:  # type: ignore[no-untyped-def]
    """Per-period rules: one for each period of the item, none for others, the same input fields in all."""
    asked = [p.id for p in s.periods_of(ind)]
    given = [p for p, _ in ind.rules]
    for p in asked:
        if p not in given:
            problem(at, PeriodRulesMismatch, f"指标 {ind.id} 在时间节点“{p}”考核，但没有该节点的评分规则", ind.id)
    for p in given:
        if p not in asked:
            problem(f"{at}.{p}", PeriodRulesMismatch,
                    f"指标 {ind.id} 不在时间节点“{p}”考核（考核节点：{'、'.join(asked)}），却写了该节点的评分规则", ind.id)
    shapes = {p: tuple(f.name for f in r.input_fields(ind.points)) for p, r in ind.rules}
    if len(set(shapes.values())) > 1:
        listed = "；".join(f"{p}：{'、'.join(names)}" for p, names in shapes.items())
        problem(at, PeriodRulesMismatch, f"指标 {ind.id} 各节点规则的填报项不同（{listed}），应一致", ind.id)
    if len({r.role for _, r in ind.rules}) > 1:
        problem(at, PeriodRulesMismatch, f"指标 {ind.id} 各节点规则有的计入基本分、有的为加分或扣分，应一致", ind.id)


def _check_new_shapes(ind: Indicator, r: Rule, at: str, units: set[str], problem) -> None:  # type: ignore[no-untyped-def]
    by_unit: list[tuple[str, tuple[tuple[str, Decimal], ...]]] = []
    if isinstance(r, UnitTargetRule):
        by_unit = [("by_unit", r.by_unit)]
    elif isinstance(r, TargetsRule):
        by_unit = [(f"targets[{j}].by_unit", t.by_unit) for j, t in enumerate(r.targets)]
        if r.scored_each and sum((t.score or Decimal(0) for t in r.targets), Decimal(0)) > ind.points:
            problem(f"{at}.targets", OptionAbovePoints,
                    f"指标 {ind.id} 各目标分值合计 {plain(sum((t.score or Decimal(0) for t in r.targets), Decimal(0)))} "
                    f"超过指标分值 {plain(ind.points)}（得分按分值封顶）", ind.id)
        for name in {f.name for f in r.input_fields(ind.points)} & {NA_FIELD, VETO_FIELD}:
            problem(f"{at}.targets", RuleBadParameter, f"指标 {ind.id} 的目标填报项不能叫“{name}”（保留名称）", ind.id)
    for path, pairs in by_unit:
        for unit, _value in pairs:
            if unit not in units:
                problem(f"{at}.{path}.{unit}", UnknownUnit,
                        f"指标 {ind.id} 按单位设定的目标引用了单位“{unit}”，它不在被考核单位表中", ind.id)
    if isinstance(r, RelativeRule):
        low, _high = field_range(r.unit, r.range)
        if r.method == "proportional" and (low is None or low < 0):
            problem(f"{at}.range", RuleBadParameter,
                    f"指标 {ind.id} 按比例折算，填报值不能为负数：取值范围的下限应不小于 0", ind.id)
        if r.method == "rank" and r.step <= 0:
            problem(f"{at}.step", RuleBadParameter, f"指标 {ind.id} 按名次赋分，每名之差（step）应大于 0", ind.id)
        if r.minimum > ind.points or r.below > ind.points:
            problem(f"{at}", OptionAbovePoints, f"指标 {ind.id} 的最低分或未达平均分超过指标分值 {plain(ind.points)}", ind.id)


def _check_rule(ind: Indicator, r: Rule, at: str, problem) -> None:  # type: ignore[no-untyped-def]
    pts = ind.points

    def above(label: str, score: Decimal, path: str) -> None:
        if score > pts:
            problem(f"{at}.{path}", OptionAbovePoints,
                    f"指标 {ind.id} 的{label}分值 {plain(score)} 超过指标分值 {plain(pts)}", ind.id)

    if isinstance(r, ChoiceRule):
        labels = [o.label for o in r.options]
        for dup in _duplicates(labels):
            problem(f"{at}.options", RuleBadParameter, f"指标 {ind.id} 的选项“{dup}”重复", ind.id)
        for j, o in enumerate(r.options):
            above(f"选项“{o.label}”", o.score, f"options[{j}].score")
            if not o.label:
                problem(f"{at}.options[{j}].label", RuleBadParameter, f"指标 {ind.id} 有空白选项", ind.id)
    elif isinstance(r, StepsRule):
        for j, st in enumerate(r.steps):
            above(f"台阶 {plain(st.at)}", st.score, f"steps[{j}].score")
        ats = [st.at for st in r.steps]
        ordered = all(a > b for a, b in zip(ats, ats[1:])) if r.op == ">=" else all(a < b for a, b in zip(ats, ats[1:]))
        if not ordered:
            want = "从高到低" if r.op == ">=" else "从低到高"
            problem(f"{at}.steps", StepsOutOfOrder,
                    f"指标 {ind.id} 的台阶（{r.op}）应{want}排列：{'、'.join(plain(a) for a in ats)}", ind.id)
        above("未达标", r.else_score, "else")
    elif isinstance(r, TargetRule):
        above("达标", r.pass_score if r.pass_score is not None else pts, "pass")
        above("未达标", r.fail_score, "fail")
    elif isinstance(r, CompareRule):
        above("“好于基期”", r.better_score, "scores.better")
        above("“持平”", r.same_score, "scores.same")
        above("“差于基期”", r.worse_score, "scores.worse")
    elif isinstance(r, LinearRule) and r.zero_at == r.full_at:
        problem(f"{at}.full_at", RuleBadParameter, f"指标 {ind.id} 的 zero_at 与 full_at 不能相等", ind.id)
    elif isinstance(r, DirectRule) and r.step is not None and (r.step <= 0 or r.step > pts):
        problem(f"{at}.step", RuleBadParameter, f"指标 {ind.id} 的步长 {r.step} 应大于 0 且不超过分值", ind.id)
    _check_thresholds_in_range(ind, r, at, problem)


def _check_thresholds_in_range(ind: Indicator, r: Rule, at: str, problem) -> None:  # type: ignore[no-untyped-def]
    """A target, step or linear end no valid value can reach is almost always a typo (95 where 0.95 was meant,
    or a range that forgot the target)."""
    if isinstance(r, TargetsRule):
        for j, t in enumerate(r.targets):
            if isinstance(t.target, str):  # a 是/否 checkpoint: nothing to reach
                continue
            marks = [(f"targets[{j}].target", t.target)] + [(f"targets[{j}].by_unit.{u}", v) for u, v in t.by_unit]
            _marks_in_range(ind, marks, t.unit, t.range, at, problem)
        return
    marks: list[tuple[str, Decimal]] = []
    if isinstance(r, TargetRule):
        marks = [("target", r.target)] + [(f"by_unit.{u}", v) for u, v in getattr(r, "by_unit", ())]
    elif isinstance(r, StepsRule):
        marks = [(f"steps[{j}].at", st.at) for j, st in enumerate(r.steps)]
    elif isinstance(r, LinearRule):
        marks = [("zero_at", r.zero_at), ("full_at", r.full_at)]
    if marks:
        _marks_in_range(ind, marks, r.unit, r.range, at, problem)  # type: ignore[attr-defined]


def _marks_in_range(ind: Indicator, marks: list[tuple[str, Decimal]], unit: str, given: Any, at: str,
                    problem) -> None:  # type: ignore[no-untyped-def]
    low, high = field_range(unit, given)
    for path, mark in marks:
        if (low is not None and mark < low) or (high is not None and mark > high):
            problem(f"{at}.{path}", ThresholdOutsideRange,
                    f"指标 {ind.id} 的门槛 {plain(mark)}{unit} 在填报值允许的范围 {_range(low, high, unit)} 之外，"
                    "任何有效的填报值都无法越过或达不到它", ind.id)


def _range(low: Decimal | None, high: Decimal | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"{plain(low)}{unit}～{plain(high)}{unit}"
    return f"≥{plain(low)}{unit}" if low is not None else f"≤{plain(high)}{unit}"


def _check_grades(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    mins = [g.min for g in s.grades]
    if not all(a > b for a, b in zip(mins, mins[1:])):
        problem("grades", GradesNotDescending,
                f"等次下限应从高到低排列：{'、'.join(f'{g.name}≥{plain(g.min)}' for g in s.grades)}")
    names = [g.name for g in s.grades]
    for dup in _duplicates(names):
        problem("grades", DuplicateId, f"等次名称“{dup}”重复")
    if s.veto_grade and s.veto_grade not in names:
        problem("veto_grade", UnknownGrade, f"否决等次“{s.veto_grade}”不在等次表中")
    if s.vetoes and not s.veto_grade:
        problem("veto_grade", UnknownGrade, "方案有否决项，但没有规定否决后的等次（veto_grade）")
    if mins and min(mins) > 0:
        problem("grades", NoLowestGrade, f"最低等次下限为 {plain(min(mins))}，更低的总分将没有等次")


def _check_groups(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    for i, g in enumerate(s.groups):
        items = [ind for ind in s.indicators if ind.path[: len(g.path)] == g.path]
        total = sum((ind.points for ind in items), Decimal(0))
        if total != g.points:
            name = " / ".join(g.path)
            problem(f"groups[{i}].points", GroupSumMismatch,
                    f"“{name}”原文标明 {plain(g.points)} 分，其下 {len(items)} 项指标合计 {plain(total)} 分")
    base_sum = sum((ind.points for ind in s.base_indicators), Decimal(0))
    if s.full_marks is not None and base_sum != s.full_marks:
        problem("full_marks", FullMarksMismatch,
                f"满分为 {plain(s.full_marks)}，基本指标分值合计 {plain(base_sum)}（总分按比例折算）")
