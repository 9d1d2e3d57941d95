"""The eight rule types of the scheme format (docs/scheme-format.md): their parameters, input fields and score.

This module is the single source of truth for what a rule means. Each rule
states its input fields (what a template asks for and how a value is
validated) and its score as an :mod:`qwb.expr` expression (what the engine
computes, what the template's 得分 formula shows, what the xlwings functions
return).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qwb.expr import Expr, clamp
from qwb.issues import RuleMissing, RuleUnknownType
from qwb.rules.basic import (
    OP_WORDS,
    RULE_NAMES,
    BonusRule,
    ChoiceRule,
    CompareRule,
    DeductRule,
    DirectRule,
    Level,
    LinearRule,
    Option,
    Rule,
    Step,
    StepsRule,
    TargetRule,
)
from qwb.rules.fields import (
    BASELINE,
    CHOICE,
    COUNT,
    CURRENT,
    DEFAULT_RANGES,
    DIRECT,
    NA_FIELD,
    NO,
    OPS,
    PLAIN_RANGE,
    UNIT_FACTORS,
    VALUE,
    VETO_FIELD,
    YES,
    YESNO,
    InputField,
    Range,
    field_range,
    numeric_field,
    to_decimal,
    unit_factor,
    yesno_field,
)
from qwb.rules.more import (
    METHOD_NAMES,
    RelativeRule,
    Target,
    TargetsRule,
    UnitTargetRule,
    is_relative,
)
from qwb.rules.params import PARAM, Problem, _Params

__all__ = [
    "METHOD_NAMES",
    "RelativeRule",
    "Target",
    "TargetsRule",
    "UnitTargetRule",
    "is_relative",
    "BASELINE",
    "BonusRule",
    "CHOICE",
    "COUNT",
    "CURRENT",
    "ChoiceRule",
    "CompareRule",
    "DEFAULT_RANGES",
    "DIRECT",
    "DeductRule",
    "DirectRule",
    "InputField",
    "Level",
    "LinearRule",
    "NA_FIELD",
    "NO",
    "OPS",
    "OP_WORDS",
    "Option",
    "PARAM",
    "PLAIN_RANGE",
    "Problem",
    "RULE_NAMES",
    "RULE_TYPES",
    "Range",
    "Rule",
    "Step",
    "StepsRule",
    "TargetRule",
    "UNIT_FACTORS",
    "VALUE",
    "VETO_FIELD",
    "YES",
    "YESNO",
    "field_range",
    "numeric_field",
    "parse_rule",
    "rule_to_dict",
    "score_expression",
    "to_decimal",
    "unit_factor",
    "yesno_field",
]

RULE_TYPES: dict[str, Any] = {
    cls.type: cls
    for cls in (ChoiceRule, DirectRule, UnitTargetRule, StepsRule, LinearRule, CompareRule, DeductRule, BonusRule,
                TargetsRule, RelativeRule)
}



def parse_rule(data: Any, problem: Problem) -> Rule | None:
    if not isinstance(data, dict):
        problem("", RuleMissing, "指标缺少评分规则（rule）")
        return None
    kind = data.get("type")
    if kind not in RULE_TYPES:
        allowed = "、".join(RULE_TYPES)
        problem("type", RuleUnknownType, f"未知的规则类型“{kind}”，可选：{allowed}")
        return None
    return RULE_TYPES[kind].parse(_Params(data, problem))


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    return {"type": rule.type, **rule.to_params()}


def score_expression(rule: Rule, points: Decimal, unit: str | None = None) -> Expr:
    """The item's score (for ``unit`` where the rule sets targets per unit): base items are clamped to
    0..points (docs/scheme-format.md)."""
    expr = rule.expression_for(points, unit)
    return clamp(expr, Decimal(0), points) if rule.role == "base" else expr
