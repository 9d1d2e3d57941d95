"""Reading a rule's parameters from the scheme, reporting what is missing or malformed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from qwb.issues import IssueType, RuleBadParameter, RuleMissingParameter
from qwb.numtext import plain
from qwb.rules.fields import Range, to_decimal

#: (parameter path, kind of problem, message); PARAM in a message is where the parameter's name goes, as the
#: author knows it (its YAML key, or its column in the scheme workbook)
Problem = Callable[[str, type[IssueType], str], None]
PARAM = "\x00param\x00"


class _Params:
    """Reads a rule's parameters, reporting what is missing or malformed."""

    def __init__(self, data: dict[str, Any], problem: Problem):
        self.data, self.problem = data, problem

    def number(self, key: str, default: Any = ..., label: str = "") -> Decimal | None:
        raw = self.data.get(key, default)
        if raw is ...:
            self.problem(key, RuleMissingParameter, f"规则缺少参数“{PARAM}”{label}")
            return None
        if raw is None:
            return None
        try:
            return to_decimal(raw)
        except (ValueError, ArithmeticError):
            self.problem(key, RuleBadParameter, f"参数“{PARAM}”应为数字，现为“{raw}”")
            return None

    def choice(self, key: str, allowed: tuple[str, ...], default: Any = ...) -> str | None:
        raw = self.data.get(key, default)
        if raw is ...:
            self.problem(key, RuleMissingParameter, f"规则缺少参数“{PARAM}”（可选：{'、'.join(allowed)}）")
            return None
        if raw not in allowed:
            self.problem(key, RuleBadParameter, f"参数“{PARAM}”应为 {'、'.join(allowed)} 之一，现为“{raw}”")
            return None
        return str(raw)

    def text(self, key: str, default: str = "") -> str:
        raw = self.data.get(key, default)
        return "" if raw is None else str(raw)

    def range(self) -> Range | None:
        """`range: [min, max]` in the field's unit; either end may be null (unbounded)."""
        raw = self.data.get("range")
        if raw is None:
            return None
        if not isinstance(raw, (list, tuple)) or len(raw) != 2:
            self.problem("range", RuleBadParameter, f"参数“{PARAM}”应写成 [最小值, 最大值]（不限的一端写 null），现为“{raw}”")
            return None
        ends = _Params({"min": raw[0], "max": raw[1]}, lambda k, c, m: self.problem(f"range.{k}", c, m))
        low, high = ends.number("min", None), ends.number("max", None)
        if low is not None and high is not None and low > high:
            self.problem("range", RuleBadParameter, f"参数“{PARAM}”的最小值 {plain(low)} 大于最大值 {plain(high)}")
            return None
        return low, high

    def items(self, key: str) -> list[Any]:
        raw = self.data.get(key)
        if not isinstance(raw, list) or not raw:
            self.problem(key, RuleMissingParameter, f"规则缺少参数“{PARAM}”（至少一项）")
            return []
        return raw


def _dec(d: Decimal | None) -> Decimal:
    return d if d is not None else Decimal(0)
