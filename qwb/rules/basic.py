"""The eight basic rule types: choice, direct, target, steps, linear, compare, deduct, bonus."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from qwb.expr import Binary, Call, Compare, Expr, Field, If, Num, Text, clamp
from qwb.issues import RuleBadParameter, RuleMissingParameter
from qwb.numtext import number, plain
from qwb.rules.fields import (
    BASELINE,
    CHOICE,
    COUNT,
    CURRENT,
    DIRECT,
    OPS,
    VALUE,
    InputField,
    Range,
    numeric_field,
    unit_factor,
)
from qwb.rules.params import PARAM, _dec, _Params

#: what each type is called for people, in the Excel form and in messages
RULE_NAMES = {
    "choice": "选项评分",
    "direct": "直接打分",
    "target": "目标值",
    "steps": "阶梯",
    "linear": "线性",
    "compare": "与基期比较",
    "deduct": "扣分",
    "bonus": "加分",
    "targets": "多项目标",
    "relative": "相对评分",
}


@dataclass(frozen=True)
class Rule:
    type: ClassVar[str] = ""
    role: ClassVar[str] = "base"  # base | bonus | deduction

    def input_fields(self, points: Decimal) -> list[InputField]:
        raise NotImplementedError

    def expression(self, points: Decimal) -> Expr:
        """The item's score (for deductions from the total: minus the deduction)."""
        raise NotImplementedError

    def expression_for(self, points: Decimal, unit: str | None) -> Expr:
        """The score for one unit: the same as expression() but where a rule sets targets per unit."""
        return self.expression(points)

    @property
    def varies_by_unit(self) -> bool:
        return False

    def to_params(self) -> dict[str, Any]:
        raise NotImplementedError

    def describe(self, points: Decimal) -> str:
        """The rule in one line of Chinese, for templates and reports."""
        return RULE_NAMES.get(self.type, self.type)

    def describe_for(self, points: Decimal, unit: str | None) -> str:
        """The rule as one unit reads it (its own target where the rule sets targets per unit)."""
        return self.describe(points)




def _with_unit(value: Decimal, unit: str) -> str:
    return f"{plain(value)}{unit}"


def _with_range(params: dict[str, Any], given: Range | None) -> dict[str, Any]:
    if given is not None:
        params["range"] = [number(given[0]), number(given[1])]
    return params


OP_WORDS = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜"}


@dataclass(frozen=True)
class Option:
    label: str
    score: Decimal
    note: str = ""


@dataclass(frozen=True)
class ChoiceRule(Rule):
    type: ClassVar[str] = "choice"
    options: tuple[Option, ...] = ()

    @classmethod
    def parse(cls, p: _Params) -> ChoiceRule:
        options = []
        for i, raw in enumerate(p.items("options")):
            if not isinstance(raw, dict) or "label" not in raw:
                p.problem(f"options[{i}]", RuleBadParameter, "选项应写成 {label: 标签, score: 分值}")
                continue
            score = _Params(raw, lambda k, c, m, i=i: p.problem(f"options[{i}].{k}", c, m)).number("score")
            options.append(Option(str(raw["label"]).strip(), _dec(score), str(raw.get("note") or "")))
        return cls(tuple(options))

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [InputField(CHOICE, "choice", labels=tuple(o.label for o in self.options))]

    def expression(self, points: Decimal) -> Expr:
        expr: Expr = Text("")
        for option in reversed(self.options):
            expr = If(Compare("=", Field(CHOICE), Text(option.label)), Num(option.score), expr)
        return expr

    def describe(self, points: Decimal) -> str:
        return "；".join(f"{o.label} {plain(o.score)}分" for o in self.options)

    def to_params(self) -> dict[str, Any]:
        opts = []
        for o in self.options:
            d: dict[str, Any] = {"label": o.label, "score": number(o.score)}
            if o.note:
                d["note"] = o.note
            opts.append(d)
        return {"options": opts}


@dataclass(frozen=True)
class DirectRule(Rule):
    type: ClassVar[str] = "direct"
    step: Decimal | None = None

    @classmethod
    def parse(cls, p: _Params) -> DirectRule:
        return cls(p.number("step", None))

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [InputField(DIRECT, "score", unit="分", minimum=Decimal(0), maximum=points, step=self.step)]

    def expression(self, points: Decimal) -> Expr:
        return Field(DIRECT)

    def describe(self, points: Decimal) -> str:
        step = f"，按 {plain(self.step)} 分计" if self.step else ""
        return f"按实际情况打分，0～{plain(points)} 分{step}"

    def to_params(self) -> dict[str, Any]:
        return {} if self.step is None else {"step": number(self.step)}


@dataclass(frozen=True)
class TargetRule(Rule):
    type: ClassVar[str] = "target"
    op: str = ">="
    target: Decimal = Decimal(0)
    unit: str = ""
    pass_score: Decimal | None = None
    fail_score: Decimal = Decimal(0)
    range: Range | None = None

    @classmethod
    def parse(cls, p: _Params) -> TargetRule:
        return cls(
            p.choice("op", OPS) or ">=",
            _dec(p.number("target")),
            p.text("unit"),
            p.number("pass", None),
            _dec(p.number("fail", 0)),
            p.range(),
        )

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [numeric_field(VALUE, self.unit, self.range)]

    def expression(self, points: Decimal) -> Expr:
        stored_target = self.target * unit_factor(self.unit)
        passed = self.pass_score if self.pass_score is not None else points
        return If(Compare(self.op, Field(VALUE), Num(stored_target)), Num(passed), Num(self.fail_score))

    def describe(self, points: Decimal) -> str:
        passed = self.pass_score if self.pass_score is not None else points
        return f"{OP_WORDS[self.op]}{_with_unit(self.target, self.unit)} 得 {plain(passed)} 分，否则 {plain(self.fail_score)} 分"

    def to_params(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": self.op, "target": number(self.target)}
        if self.unit:
            d["unit"] = self.unit
        if self.pass_score is not None:
            d["pass"] = number(self.pass_score)
        if self.fail_score:
            d["fail"] = number(self.fail_score)
        return _with_range(d, self.range)


@dataclass(frozen=True)
class Step:
    at: Decimal
    score: Decimal


@dataclass(frozen=True)
class StepsRule(Rule):
    type: ClassVar[str] = "steps"
    op: str = ">="
    unit: str = ""
    steps: tuple[Step, ...] = ()
    else_score: Decimal = Decimal(0)
    range: Range | None = None

    @classmethod
    def parse(cls, p: _Params) -> StepsRule:
        steps = []
        for i, raw in enumerate(p.items("steps")):
            if not isinstance(raw, dict):
                p.problem(f"steps[{i}]", RuleBadParameter, "台阶应写成 {at: 门槛, score: 分值}")
                continue
            sub = _Params(raw, lambda k, c, m, i=i: p.problem(f"steps[{i}].{k}", c, m))
            steps.append(Step(_dec(sub.number("at")), _dec(sub.number("score"))))
        return cls(p.choice("op", (">=", "<=")) or ">=", p.text("unit"), tuple(steps), _dec(p.number("else", 0)),
                   p.range())

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [numeric_field(VALUE, self.unit, self.range)]

    def expression(self, points: Decimal) -> Expr:
        factor = unit_factor(self.unit)
        expr: Expr = Num(self.else_score)
        for step in reversed(self.steps):
            expr = If(Compare(self.op, Field(VALUE), Num(step.at * factor)), Num(step.score), expr)
        return expr

    def describe(self, points: Decimal) -> str:
        steps = "；".join(f"{OP_WORDS[self.op]}{_with_unit(st.at, self.unit)} 得 {plain(st.score)} 分" for st in self.steps)
        return f"{steps}；否则 {plain(self.else_score)} 分"

    def to_params(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": self.op}
        if self.unit:
            d["unit"] = self.unit
        d["steps"] = [{"at": number(s.at), "score": number(s.score)} for s in self.steps]
        if self.else_score:
            d["else"] = number(self.else_score)
        return _with_range(d, self.range)


@dataclass(frozen=True)
class LinearRule(Rule):
    type: ClassVar[str] = "linear"
    zero_at: Decimal = Decimal(0)
    full_at: Decimal = Decimal(1)
    unit: str = ""
    range: Range | None = None

    @classmethod
    def parse(cls, p: _Params) -> LinearRule:
        return cls(_dec(p.number("zero_at")), _dec(p.number("full_at")), p.text("unit"), p.range())

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [numeric_field(VALUE, self.unit, self.range)]

    def expression(self, points: Decimal) -> Expr:
        factor = unit_factor(self.unit)
        zero, span = self.zero_at * factor, (self.full_at - self.zero_at) * factor
        if span == 0:
            return Num(Decimal(0))
        share = Binary("/", Binary("-", Field(VALUE), Num(zero)), Num(span))
        return Binary("*", Num(points), clamp(share, Decimal(0), Decimal(1)))

    def describe(self, points: Decimal) -> str:
        return (f"{_with_unit(self.zero_at, self.unit)} 得 0 分，{_with_unit(self.full_at, self.unit)} 得满分 "
                f"{plain(points)} 分，其间按比例计分")

    def to_params(self) -> dict[str, Any]:
        d: dict[str, Any] = {"zero_at": number(self.zero_at), "full_at": number(self.full_at)}
        if self.unit:
            d["unit"] = self.unit
        return _with_range(d, self.range)


@dataclass(frozen=True)
class CompareRule(Rule):
    type: ClassVar[str] = "compare"
    better: str = "higher"
    better_score: Decimal = Decimal(0)
    same_score: Decimal = Decimal(0)
    worse_score: Decimal = Decimal(0)
    unit: str = ""
    range: Range | None = None

    @classmethod
    def parse(cls, p: _Params) -> CompareRule:
        raw = p.data.get("scores")
        if not isinstance(raw, dict):
            p.problem("scores", RuleMissingParameter, f"规则缺少参数“{PARAM}”（{{better, same, worse}} 三档分值）")
            raw = {}
        sub = _Params(raw, lambda k, c, m: p.problem(f"scores.{k}", c, m))
        return cls(
            p.choice("better", ("higher", "lower")) or "higher",
            _dec(sub.number("better")),
            _dec(sub.number("same")),
            _dec(sub.number("worse")),
            p.text("unit"),
            p.range(),
        )

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [numeric_field(CURRENT, self.unit, self.range), numeric_field(BASELINE, self.unit, self.range)]

    def expression(self, points: Decimal) -> Expr:
        improved = ">" if self.better == "higher" else "<"
        return If(
            Compare(improved, Field(CURRENT), Field(BASELINE)),
            Num(self.better_score),
            If(Compare("=", Field(CURRENT), Field(BASELINE)), Num(self.same_score), Num(self.worse_score)),
        )

    def describe(self, points: Decimal) -> str:
        word = "高于" if self.better == "higher" else "低于"
        return (f"本期{word}基期得 {plain(self.better_score)} 分，持平得 {plain(self.same_score)} 分，"
                f"否则 {plain(self.worse_score)} 分")

    def to_params(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "better": self.better,
            "scores": {
                "better": number(self.better_score),
                "same": number(self.same_score),
                "worse": number(self.worse_score),
            },
        }
        if self.unit:
            d["unit"] = self.unit
        return _with_range(d, self.range)


@dataclass(frozen=True)
class DeductRule(Rule):
    type: ClassVar[str] = "deduct"
    per: Decimal = Decimal(0)
    cap: Decimal | None = None
    source: str = "item"  # the contract's `from`

    @classmethod
    def parse(cls, p: _Params) -> DeductRule:
        return cls(_dec(p.number("per")), p.number("max", None), p.choice("from", ("item", "total"), "item") or "item")

    @property
    def role(self) -> str:  # type: ignore[override]
        return "deduction" if self.source == "total" else "base"

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [InputField(COUNT, "count", unit="次", minimum=Decimal(0))]

    def deduction(self) -> Expr:
        amount: Expr = Binary("*", Field(COUNT), Num(self.per))
        return Call("MIN", (amount, Num(self.cap))) if self.cap is not None else amount

    def expression(self, points: Decimal) -> Expr:
        if self.source == "total":
            return Binary("-", Num(Decimal(0)), self.deduction())
        return Binary("-", Num(points), self.deduction())

    def describe(self, points: Decimal) -> str:
        cap = f"，最多扣 {plain(self.cap)} 分" if self.cap is not None else ""
        if self.source == "total":
            return f"每次从总分中扣 {plain(self.per)} 分{cap}"
        return f"每次扣 {plain(self.per)} 分{cap}，扣完 {plain(points)} 分为止"

    def to_params(self) -> dict[str, Any]:
        d: dict[str, Any] = {"per": number(self.per)}
        if self.cap is not None:
            d["max"] = number(self.cap)
        d["from"] = self.source
        return d


@dataclass(frozen=True)
class Level:
    field: str
    per: Decimal


@dataclass(frozen=True)
class BonusRule(Rule):
    type: ClassVar[str] = "bonus"
    role: ClassVar[str] = "bonus"
    levels: tuple[Level, ...] = field(default=())

    @classmethod
    def parse(cls, p: _Params) -> BonusRule:
        levels = []
        for i, raw in enumerate(p.items("levels")):
            if not isinstance(raw, dict) or not raw.get("field"):
                p.problem(f"levels[{i}]", RuleBadParameter, "加分档次应写成 {field: 填报项名称, per: 每项分值}")
                continue
            name = str(raw["field"]).strip()
            if any(lv.field == name for lv in levels):  # one field, one template row: a repeat cannot be filled
                p.problem(f"levels[{i}].field", RuleBadParameter, f"加分档次“{name}”重复")
                continue
            per = _Params(raw, lambda k, c, m, i=i: p.problem(f"levels[{i}].{k}", c, m)).number("per")
            levels.append(Level(name, _dec(per)))
        return cls(tuple(levels))

    def input_fields(self, points: Decimal) -> list[InputField]:
        return [
            InputField(level.field, "count", unit="项", minimum=Decimal(0), required=False) for level in self.levels
        ]

    def expression(self, points: Decimal) -> Expr:
        terms = tuple(Binary("*", Field(lv.field, default=Decimal(0)), Num(lv.per)) for lv in self.levels)
        return Call("MIN", (Call("SUM", terms or (Num(Decimal(0)),)), Num(points)))

    def describe(self, points: Decimal) -> str:
        levels = "；".join(f"{lv.field}每项加 {plain(lv.per)} 分" for lv in self.levels)
        return f"{levels}；本项最多加 {plain(points)} 分"

    def to_params(self) -> dict[str, Any]:
        return {"levels": [{"field": lv.field, "per": number(lv.per)} for lv in self.levels]}
