"""The input fields a rule asks for, their units and the ranges a value may take."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: field names of the contract
CHOICE, DIRECT, VALUE, CURRENT, BASELINE, COUNT = "选项", "得分", "数值", "本期", "基期", "次数"
NA_FIELD, VETO_FIELD = "合理缺项", "是否发生"
YES, NO = "是", "否"

UNIT_FACTORS = {"%": Decimal("0.01"), "‰": Decimal("0.001")}
OPS = (">=", ">", "<=", "<")


def unit_factor(unit: str | None) -> Decimal:
    return UNIT_FACTORS.get(unit or "", Decimal(1))


def to_decimal(value: Any) -> Decimal:
    """A number as Decimal; floats keep the 15 significant digits a spreadsheet shows."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(value)
        return Decimal(format(value, ".15g")).normalize() + 0
    return Decimal(str(value).strip())


@dataclass(frozen=True)
class InputField:
    """One input a rule asks for: its name, kind and what values are allowed."""

    name: str
    kind: str  # number | count | score | choice | yesno
    unit: str = ""
    labels: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    step: Decimal | None = None
    required: bool = True


YESNO = (YES, NO)

Range = tuple[Decimal | None, Decimal | None]
#: a numeric field's valid values when the rule gives no `range`, in the field's own unit
DEFAULT_RANGES: dict[str, Range] = {"%": (Decimal(0), Decimal(1000)), "‰": (Decimal(0), Decimal(1000))}
PLAIN_RANGE: Range = (Decimal(0), None)


def field_range(unit: str, given: Range | None) -> Range:
    """The range a numeric field accepts, in the field's unit: the rule's own, else the unit's default."""
    return given if given is not None else DEFAULT_RANGES.get(unit, PLAIN_RANGE)


def numeric_field(name: str, unit: str, given: Range | None) -> InputField:
    """A number input; its minimum and maximum are stored values (95% is 0.95), as cells hold them."""
    low, high = field_range(unit, given)
    factor = unit_factor(unit)
    return InputField(name, "number", unit=unit, minimum=None if low is None else low * factor,
                      maximum=None if high is None else high * factor)


def yesno_field(name: str, required: bool = False) -> InputField:
    return InputField(name, "yesno", labels=YESNO, required=required)

