"""`qwb scheme check`: every inconsistency of a scheme, located where the author fixes it."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from qwb.issues import Issue, make
from qwb.rules import NA_FIELD, VETO_FIELD, ChoiceRule, CompareRule, DirectRule, LinearRule, StepsRule, TargetRule, _n
from qwb.scheme.model import SLUG, Scheme


def check(scheme: Scheme, earlier: list[Issue] | None = None, file: str = "") -> list[Issue]:
    found: list[Issue] = []

    def problem(path: str, code: str, message: str, indicator: str = "") -> None:
        where = scheme.locate(path) if scheme.locate else {"file": file, "cell": path}
        if indicator:
            where = {**where, "indicator": indicator}
        found.append(make(code, message, **where))

    _check_ids(scheme, problem)
    _check_references(scheme, problem)
    _check_rules(scheme, problem)
    _check_grades(scheme, problem)
    _check_groups(scheme, problem)
    return found


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
            problem(f"{key}[{index}].id", "duplicate-id", f"{label}编号“{dup}”重复")
        for i, x in enumerate(items):
            if not x.id or "|" in x.id or x.id != x.id.strip() or any(c.isspace() for c in x.id):
                problem(f"{key}[{i}].id", "bad-id", f"{label}编号“{x.id}”不能为空，不能含“|”或空格")
            elif key in ("units", "departments") and not SLUG.match(x.id):
                problem(f"{key}[{i}].id", "bad-id", f"{label}编号“{x.id}”只能用英文字母、数字、- 和 _（用于文件名和编码）")


def _check_references(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    departments = {d.id for d in s.departments}
    periods = {p.id for p in s.periods}
    for i, ind in enumerate(s.indicators):
        if ind.department not in departments:
            problem(f"indicators[{i}].department", "unknown-department",
                    f"指标 {ind.id} 的评价部门“{ind.department}”不在部门表中", ind.id)
        for c in ind.cooperating:
            if c not in departments:
                problem(f"indicators[{i}].cooperating", "unknown-department",
                        f"指标 {ind.id} 的配合单位“{c}”不在部门表中", ind.id)
        for p in ind.periods or ():
            if p not in periods:
                problem(f"indicators[{i}].periods", "unknown-period",
                        f"指标 {ind.id} 的时间节点“{p}”不在时间节点表中", ind.id)
        if not ind.points_stated:
            problem(f"indicators[{i}].points", "points-not-stated",
                    f"指标 {ind.id} 原文未给出分值，按 {_n(ind.points)} 分编码", ind.id)
        elif ind.points == 0 and ind.role != "deduction":
            problem(f"indicators[{i}].points", "zero-points", f"指标 {ind.id} 分值为 0", ind.id)
        for f in ind.input_fields():
            if f.name in (NA_FIELD, VETO_FIELD):
                problem(f"indicators[{i}].rule", "rule-bad-parameter",
                        f"指标 {ind.id} 的填报项不能叫“{f.name}”（保留名称）", ind.id)
    for i, v in enumerate(s.vetoes):
        if v.department and v.department not in departments:
            problem(f"vetoes[{i}].department", "unknown-department",
                    f"否决项 {v.id} 的部门“{v.department}”不在部门表中")


def _check_rules(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    for i, ind in enumerate(s.indicators):
        r, pts, at = ind.rule, ind.points, f"indicators[{i}].rule"

        def above(label: str, score: Decimal, path: str) -> None:
            if score > pts:
                problem(f"{at}.{path}", "option-above-points",
                        f"指标 {ind.id} 的{label}分值 {_n(score)} 超过指标分值 {_n(pts)}", ind.id)

        if isinstance(r, ChoiceRule):
            labels = [o.label for o in r.options]
            for dup in _duplicates(labels):
                problem(f"{at}.options", "rule-bad-parameter", f"指标 {ind.id} 的选项“{dup}”重复", ind.id)
            for j, o in enumerate(r.options):
                above(f"选项“{o.label}”", o.score, f"options[{j}].score")
                if not o.label:
                    problem(f"{at}.options[{j}].label", "rule-bad-parameter", f"指标 {ind.id} 有空白选项", ind.id)
        elif isinstance(r, StepsRule):
            for j, st in enumerate(r.steps):
                above(f"台阶 {_n(st.at)}", st.score, f"steps[{j}].score")
            ats = [st.at for st in r.steps]
            ordered = all(a > b for a, b in zip(ats, ats[1:])) if r.op == ">=" else all(a < b for a, b in zip(ats, ats[1:]))
            if not ordered:
                want = "从高到低" if r.op == ">=" else "从低到高"
                problem(f"{at}.steps", "steps-out-of-order",
                        f"指标 {ind.id} 的台阶（{r.op}）应{want}排列：{'、'.join(_n(a) for a in ats)}", ind.id)
            above("未达标", r.else_score, "else")
        elif isinstance(r, TargetRule):
            above("达标", r.pass_score if r.pass_score is not None else pts, "pass")
            above("未达标", r.fail_score, "fail")
        elif isinstance(r, CompareRule):
            above("“好于基期”", r.better_score, "scores.better")
            above("“持平”", r.same_score, "scores.same")
            above("“差于基期”", r.worse_score, "scores.worse")
        elif isinstance(r, LinearRule) and r.zero_at == r.full_at:
            problem(f"{at}.full_at", "rule-bad-parameter", f"指标 {ind.id} 的 zero_at 与 full_at 不能相等", ind.id)
        elif isinstance(r, DirectRule) and r.step is not None and (r.step <= 0 or r.step > pts):
            problem(f"{at}.step", "rule-bad-parameter", f"指标 {ind.id} 的步长 {r.step} 应大于 0 且不超过分值", ind.id)


def _check_grades(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    mins = [g.min for g in s.grades]
    if not all(a > b for a, b in zip(mins, mins[1:])):
        problem("grades", "grades-not-descending",
                f"等次下限应从高到低排列：{'、'.join(f'{g.name}≥{_n(g.min)}' for g in s.grades)}")
    names = [g.name for g in s.grades]
    for dup in _duplicates(names):
        problem("grades", "duplicate-id", f"等次名称“{dup}”重复")
    if s.veto_grade and s.veto_grade not in names:
        problem("veto_grade", "unknown-grade", f"否决等次“{s.veto_grade}”不在等次表中")
    if s.vetoes and not s.veto_grade:
        problem("veto_grade", "unknown-grade", "方案有否决项，但没有规定否决后的等次（veto_grade）")
    if mins and min(mins) > 0:
        problem("grades", "no-lowest-grade", f"最低等次下限为 {_n(min(mins))}，更低的总分将没有等次")


def _check_groups(s: Scheme, problem) -> None:  # type: ignore[no-untyped-def]
    for i, g in enumerate(s.groups):
        items = [ind for ind in s.indicators if ind.path[: len(g.path)] == g.path]
        total = sum((ind.points for ind in items), Decimal(0))
        if total != g.points:
            name = " / ".join(g.path)
            problem(f"groups[{i}].points", "group-sum-mismatch",
                    f"“{name}”原文标明 {_n(g.points)} 分，其下 {len(items)} 项指标合计 {_n(total)} 分")
    base_sum = sum((ind.points for ind in s.base_indicators), Decimal(0))
    if s.full_marks is not None and base_sum != s.full_marks:
        problem("full_marks", "full-marks-mismatch",
                f"满分为 {_n(s.full_marks)}，基本指标分值合计 {_n(base_sum)}（总分按比例折算）")
