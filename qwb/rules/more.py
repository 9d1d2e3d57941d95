"""The rule shapes beyond the basic eight: several targets under one point value (`targets`), targets set per
unit (`by_unit`), and scores relative to the other assessed units (`relative`).

`relative` is the one shape whose score is not a function of the unit's own inputs: it is defined here once,
over the whole field set (:meth:`RelativeRule.scores`, exact Decimals), and rendered once as a spreadsheet
formula over the field set's cells (:meth:`RelativeRule.formula`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from qwb.expr import Binary, Call, Compare, Expr, Field, If, Num, Text
from qwb.issues import RuleBadParameter
from qwb.numtext import literal, number, plain
from qwb.rules.basic import OP_WORDS, Rule, TargetRule
from qwb.rules.fields import OPS, VALUE, YESNO, InputField, Range, numeric_field, unit_factor, yesno_field
from qwb.rules.params import PARAM, _dec, _Params

ZERO = Decimal(0)


def competition_places(values: Mapping[str, Decimal], higher: bool) -> dict[str, int]:
    """1, 2, 2, 4, best first: one more than the number of values strictly better."""
    ordered = list(values.values())
    if higher:
        return {u: 1 + sum(1 for o in ordered if o > v) for u, v in values.items()}
    return {u: 1 + sum(1 for o in ordered if o < v) for u, v in values.items()}


def by_unit_targets(p: _Params, key: str = "by_unit") -> tuple[tuple[str, Decimal], ...]:
    """`by_unit: {UNIT_ID: value}`, the targets a scheme sets for single units (市下达的任务)."""
    raw = p.data.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        p.problem(key, RuleBadParameter, f"参数“{PARAM}”应写成 {{单位编号: 目标值}}，现为“{raw}”")
        return ()
    sub = _Params({str(k): v for k, v in raw.items()}, lambda k, c, m: p.problem(f"{key}.{k}", c, m))
    return tuple((str(unit), _dec(sub.number(str(unit)))) for unit in raw)


def target_of(default: Decimal, by_unit: tuple[tuple[str, Decimal], ...], unit: str | None) -> Decimal:
    return dict(by_unit).get(unit or "", default)


@dataclass(frozen=True)
class UnitTargetRule(TargetRule):
    """`target` with `by_unit`: the same rule, each unit measured against its own target."""

    by_unit: tuple[tuple[str, Decimal], ...] = ()

    @classmethod
    def parse(cls, p: _Params) -> TargetRule:
        base = TargetRule.parse(p)
        by_unit = by_unit_targets(p)
        if not by_unit:
            return base
        return cls(base.op, base.target, base.unit, base.pass_score, base.fail_score, base.range, by_unit)

    def for_unit(self, unit: str | None) -> TargetRule:
        return TargetRule(self.op, target_of(self.target, self.by_unit, unit), self.unit, self.pass_score,
                          self.fail_score, self.range)

    def expression_for(self, points: Decimal, unit: str | None) -> Expr:
        return self.for_unit(unit).expression(points)

    @property
    def varies_by_unit(self) -> bool:
        return True

    def describe(self, points: Decimal) -> str:
        return super().describe(points) + "（" + _by_unit_text(self.by_unit, self.unit) + "）"

    def describe_for(self, points: Decimal, unit: str | None) -> str:
        """What one unit reads: its own target."""
        return self.for_unit(unit).describe(points) if unit else self.describe(points)

    def to_params(self) -> dict[str, Any]:
        return super().to_params() | {"by_unit": {u: number(v) for u, v in self.by_unit}}


def _by_unit_text(by_unit: tuple[tuple[str, Decimal], ...], unit: str) -> str:
    return "部分单位目标另定：" + "、".join(f"{u} {plain(v)}{unit}" for u, v in by_unit)


@dataclass(frozen=True)
class Target:
    """One target of a `targets` rule: a number compared with its target value, or (``target`` 是 or 否) a
    checkpoint answered from a 是/否 dropdown and met by that answer (要点已落实: 是)."""

    field: str
    op: str
    target: Decimal | str
    unit: str = ""
    score: Decimal | None = None
    by_unit: tuple[tuple[str, Decimal], ...] = ()
    range: Range | None = None

    def input_field(self) -> InputField:
        if isinstance(self.target, str):
            return yesno_field(self.field, required=True)
        return numeric_field(self.field, self.unit, self.range)

    def met(self, unit: str | None) -> Expr:
        if isinstance(self.target, str):
            return Compare("=", Field(self.field), Text(self.target))
        goal = target_of(self.target, self.by_unit, unit) * unit_factor(self.unit)
        return Compare(self.op, Field(self.field), Num(goal))

    def text(self, unit: str | None = None) -> str:
        if isinstance(self.target, str):
            return f"{self.field}为“{self.target}”"
        if unit is not None:
            return f"{self.field}{OP_WORDS[self.op]}{plain(target_of(self.target, self.by_unit, unit))}{self.unit}"
        extra = f"（{_by_unit_text(self.by_unit, self.unit)}）" if self.by_unit else ""
        return f"{self.field}{OP_WORDS[self.op]}{plain(self.target)}{self.unit}{extra}"


@dataclass(frozen=True)
class TargetsRule(Rule):
    """Several numeric targets under one point value: the scores of the targets met, or points × met / n."""

    type: ClassVar[str] = "targets"
    targets: tuple[Target, ...] = ()

    @classmethod
    def parse(cls, p: _Params) -> TargetsRule:
        out = []
        for i, raw in enumerate(p.items("targets")):
            if not isinstance(raw, dict) or not str(raw.get("field") or "").strip():
                p.problem(f"targets[{i}]", RuleBadParameter,
                          "目标应写成 {field: 填报项名称, op: \">=\", target: 目标值, unit: 单位, score: 分值}")
                continue
            sub = _Params(raw, lambda k, c, m, i=i: p.problem(f"targets[{i}].{k}", c, m))
            name = str(raw["field"]).strip()
            if any(t.field == name for t in out):  # one field, one template row
                p.problem(f"targets[{i}].field", RuleBadParameter, f"目标的填报项“{name}”重复")
                continue
            if str(raw.get("target", "")).strip() in YESNO:
                out.append(_check(name, sub))
                continue
            out.append(Target(name, sub.choice("op", OPS, ">=") or ">=", _dec(sub.number("target")),
                              sub.text("unit"), sub.number("score", None), by_unit_targets(sub), sub.range()))
        return cls(tuple(out))

    @property
    def varies_by_unit(self) -> bool:
        return any(t.by_unit for t in self.targets)

    @property
    def scored_each(self) -> bool:
        return bool(self.targets) and all(t.score is not None for t in self.targets)

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [t.input_field() for t in self.targets]

    def expression(self, points: Decimal) -> Expr:
        return self.expression_for(points, None)

    def expression_for(self, points: Decimal, unit: str | None) -> Expr:
        if not self.targets:
            return Num(ZERO)
        if self.scored_each:
            return Call("SUM", tuple(If(t.met(unit), Num(_dec(t.score)), Num(ZERO)) for t in self.targets))
        met = Call("SUM", tuple(If(t.met(unit), Num(Decimal(1)), Num(ZERO)) for t in self.targets))
        return Binary("/", Binary("*", Num(points), met), Num(Decimal(len(self.targets))))

    def describe(self, points: Decimal) -> str:
        return self.describe_for(points, None)

    def describe_for(self, points: Decimal, unit: str | None) -> str:
        if self.scored_each:
            return "；".join(f"{t.text(unit)} 得 {plain(_dec(t.score))} 分" for t in self.targets) + "；分别计分后相加"
        return "；".join(t.text(unit) for t in self.targets) + "；" + _share_text(Decimal(points), len(self.targets))

    def to_params(self) -> dict[str, Any]:
        out = []
        for t in self.targets:
            if isinstance(t.target, str):
                out.append({"field": t.field, "target": t.target} | ({} if t.score is None else
                                                                       {"score": number(t.score)}))
                continue
            d: dict[str, Any] = {"field": t.field, "op": t.op, "target": number(t.target)}
            if t.unit:
                d["unit"] = t.unit
            if t.score is not None:
                d["score"] = number(t.score)
            if t.by_unit:
                d["by_unit"] = {u: number(v) for u, v in t.by_unit}
            if t.range is not None:
                d["range"] = [number(t.range[0]), number(t.range[1])]
            out.append(d)
        return {"targets": out}


def _check(name: str, p: _Params) -> Target:
    """A checkpoint target (`target: 是`): a 是/否 answer, no comparison, unit, range or per-unit target."""
    for key in ("unit", "range", "by_unit"):
        if p.data.get(key) not in (None, ""):
            p.problem(key, RuleBadParameter, f"目标值为是/否的目标（从下拉列表选择）不用参数“{PARAM}”")
    if p.data.get("op") not in (None, "", "=", ">="):
        p.problem("op", RuleBadParameter, f"目标值为是/否的目标按选择的是否相同判断，参数“{PARAM}”应留空")
    return Target(name, "=", str(p.data["target"]).strip(), score=p.number("score", None))


def _share_text(points: Decimal, count: int) -> str:
    """"每达到一项得 2.5 分", or for a share with more than two decimals "每达到一项得 4 分的 1/3（约 1.33 分）"."""
    if not count:
        return "无目标，得 0 分"
    each = points / count
    if each == each.quantize(Decimal("0.01")):
        return f"每达到一项得 {plain(each)} 分"
    return f"每达到一项得 {plain(points)} 分的 1/{count}（约 {each.quantize(Decimal('0.01'))} 分）"


METHODS = ("proportional", "rank", "average")
METHOD_NAMES = {"proportional": "按比例折算", "rank": "按名次赋分", "average": "与平均水平比较"}


@dataclass(frozen=True)
class RelativeRule(Rule):
    """Scored against the other units' values of the same item and period (the field set)."""

    type: ClassVar[str] = "relative"
    method: str = "proportional"
    better: str = "higher"
    step: Decimal = ZERO
    minimum: Decimal = ZERO  # the contract's `min`
    below: Decimal = ZERO
    unit: str = ""
    range: Range | None = None

    @classmethod
    def parse(cls, p: _Params) -> RelativeRule:
        method = p.choice("method", METHODS) or "proportional"
        better = (p.choice("better", ("higher", "lower")) if method != "proportional" else None) or "higher"
        step = _dec(p.number("step")) if method == "rank" else ZERO
        return cls(method, better, step, _dec(p.number("min", 0)), _dec(p.number("below", 0)), p.text("unit"),
                   p.range())

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [numeric_field(VALUE, self.unit, self.range)]

    def expression(self, points: Decimal) -> Expr:
        raise TypeError("relative 规则的得分取决于其他单位的数值，须用 scores() 计算")

    def scores(self, points: Decimal, values: Mapping[str, Decimal]) -> dict[str, Decimal]:
        """Each unit of the field set (unit -> its valid value) with its score; units outside it score 0."""
        if not values:
            return {}
        if self.method == "proportional":
            top = max(values.values())
            return {u: points * v / top if top else ZERO for u, v in values.items()}
        if self.method == "rank":
            places = competition_places(values, self.better == "higher")
            return {u: max(points - (places[u] - 1) * self.step, self.minimum) for u in values}
        mean = sum(values.values(), ZERO) / len(values)
        good = (lambda v: v >= mean) if self.better == "higher" else (lambda v: v <= mean)
        return {u: points if good(v) else self.below for u, v in values.items()}

    def formula(self, points: Decimal, own: str, members: Sequence[tuple[str, str]]) -> str:
        """The score of the value in cell ``own`` against the field set, as a formula Excel 2010+, WPS and
        LibreOffice evaluate alike. ``members`` holds every unit's value cell for the item and period (``own``
        included) with the test that puts it in the field set (a number, not 合理缺项)."""
        pts = literal(points)
        if self.method == "proportional":
            top = "MAX(" + ",".join(f"IF({inside},{cell},0)" for cell, inside in members) + ")"
            return f"IF({top}=0,0,{pts}*{own}/{top})"
        if self.method == "rank":
            beats = ">" if self.better == "higher" else "<"
            ahead = "+".join(f"AND({inside},{cell}{beats}{own})" for cell, inside in members)
            return f"MAX({literal(self.minimum)},{pts}-({ahead})*{literal(self.step)})"
        # at least as good as the mean: value × n against the sum, rounded so that float sums compare as typed
        count = "+".join(f"IF({inside},1,0)" for _, inside in members)
        total = "+".join(f"IF({inside},{cell},0)" for cell, inside in members)
        at_least = ">=" if self.better == "higher" else "<="
        return f"IF(ROUND({own}*({count}),9){at_least}ROUND({total},9),{pts},{literal(self.below)})"

    def describe_for(self, points: Decimal, unit: str | None) -> str:
        return self.describe(points)

    def describe(self, points: Decimal) -> str:
        word = "越高越好" if self.better == "higher" else "越低越好"
        if self.method == "proportional":
            return f"按比例折算：{plain(points)} 分 × 本单位数值 ÷ 各单位最高值"
        if self.method == "rank":
            floor = f"，最低 {plain(self.minimum)} 分" if self.minimum else ""
            return f"按名次赋分（{word}）：第 1 名 {plain(points)} 分，每后一名减 {plain(self.step)} 分{floor}"
        return f"与各单位平均水平比较（{word}）：达到平均水平得 {plain(points)} 分，否则 {plain(self.below)} 分"

    def to_params(self) -> dict[str, Any]:
        d: dict[str, Any] = {"method": self.method}
        if self.method != "proportional":
            d["better"] = self.better
        if self.method == "rank":
            d["step"] = number(self.step)
            if self.minimum:
                d["min"] = number(self.minimum)
        if self.method == "average" and self.below:
            d["below"] = number(self.below)
        if self.unit:
            d["unit"] = self.unit
        if self.range is not None:
            d["range"] = [number(self.range[0]), number(self.range[1])]
        return d


def is_relative(rule: Rule) -> bool:
    return isinstance(rule, RelativeRule)
