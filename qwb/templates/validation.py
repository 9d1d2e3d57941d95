"""Data validation of a 填报值 cell: the field's own range and step (SCHEME.md 5.1), with Chinese prompts
that give a real example in the field's unit. Excel limits a validation formula to 255 characters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qwb.numtext import literal, number, plain
from qwb.rules import InputField, unit_factor
from qwb.values import in_unit

#: the example each kind of number starts from, in the field's unit; moved into the field's range
EXAMPLES = {"%": Decimal(95), "‰": Decimal("0.6"), "count": Decimal(3), "score": Decimal("3.5")}
DEFAULT_EXAMPLE = Decimal(12)


def example(field: InputField) -> str:
    """A value a person may type into the field, as typed: 95%, 0.6‰, 3.5, 12."""
    factor = unit_factor(field.unit if field.unit in ("%", "‰") else "")
    value = EXAMPLES.get(field.unit, EXAMPLES.get(field.kind, DEFAULT_EXAMPLE)) * factor
    if field.maximum is not None and value > field.maximum:
        value = field.maximum
    if field.minimum is not None and value < field.minimum:
        value = field.minimum
    if field.step:
        value = (field.minimum or 0) + (value - (field.minimum or 0)) // field.step * field.step
    return in_unit(value, field.unit) if field.unit in ("%", "‰") else plain(value)


def span(field: InputField) -> str:
    """The range in words: 0%～100% 之间的数, 不小于 0 的整数."""
    low, high = (None if end is None else in_unit(end, field.unit) for end in (field.minimum, field.maximum))
    noun = "整数" if field.kind == "count" else "数"
    if low is not None and high is not None:
        return f"{low}～{high} 之间的{noun}"
    if low is not None:
        return f"不小于 {low} 的{noun}"
    if high is not None:
        return f"不大于 {high} 的{noun}"
    return noun


def _unit_note(field: InputField) -> str:
    if field.unit == "%":
        return "百分比，请带 % 输入（如 95%），不要只输入 95"
    if field.unit == "‰":
        return "千分比，输入如 0.6 或 0.6‰，均表示千分之零点六"
    if field.kind == "score":
        return "得分"
    if field.kind == "count":
        return "整数（次数、个数），没有则填 0"
    return f"数字（单位：{field.unit}）" if field.unit else "数字"


def _step_note(field: InputField) -> str:
    return f"，且为 {plain(field.step)} 的整数倍" if field.step else ""


def number_validation(field: InputField, cell: str, title: str) -> dict[str, Any]:
    """The validation of a numeric 填报值 cell at ``cell`` (a relative reference)."""
    messages = {
        "input_title": title,
        "input_message": f"填写{_unit_note(field)}。范围：{span(field)}{_step_note(field)}。例如 {example(field)}",
        "error_title": "超出范围或格式不对",
        "error_message": f"请填写 {span(field)}{_step_note(field)}，例如 {example(field)}。",
    }
    return {**_criteria(field, cell), **messages}


def _criteria(field: InputField, cell: str) -> dict[str, Any]:
    low, high = field.minimum, field.maximum
    if field.unit == "‰":  # a text cell: 0.6 and 0.6‰ are both typed per mille
        typed = f'VALUE(SUBSTITUTE({cell},"‰",""))'
        per_mille = [None if end is None else end / unit_factor("‰") for end in (low, high)]
        return {"validate": "custom", "value": "=" + _tests(typed, *per_mille, None)}
    if field.step:
        return {"validate": "custom", "value": "=" + _tests(cell, low, high, field.step)}
    kind = "integer" if field.kind == "count" else "decimal"
    if low is not None and high is not None:
        return {"validate": kind, "criteria": "between", "minimum": number(low), "maximum": number(high)}
    if low is not None:
        return {"validate": kind, "criteria": ">=", "value": number(low)}
    if high is not None:
        return {"validate": kind, "criteria": "<=", "value": number(high)}
    return {"validate": kind, "criteria": "between", "minimum": -1e12, "maximum": 1e12}


def _tests(value: str, low: Decimal | None, high: Decimal | None, step: Decimal | None) -> str:
    tests = [f"ISNUMBER({value})"]
    if low is not None:
        tests.append(f"{value}>={literal(low)}")
    if high is not None:
        tests.append(f"{value}<={literal(high)}")
    if step:
        offset = f"-{literal(low)}" if low else ""
        tests.append(f"MOD(ROUND(({value}{offset})/{literal(step)},9),1)=0")
    return "AND(" + ",".join(tests) + ")"
