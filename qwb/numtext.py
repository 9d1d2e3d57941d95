"""Decimals as text and as plain numbers, written one way everywhere.

``plain`` is the text people read (messages, rule descriptions, the report) and
the text formulas hold: never an exponent (Decimal('1E+1') is "10"), never a
trailing zero ("0.50" is "0.5"). Imports nothing from qwb.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal


def plain(value: Decimal | None) -> str:
    """"2.5", "10", "0" (also for minus zero); "" for None."""
    if value is None:
        return ""
    value = value.normalize()
    return format(value.copy_abs() if value.is_zero() else value, "f")


def literal(value: Decimal) -> str:
    """A number as it goes into a formula: plain text, a negative one in brackets so that it can follow
    any operator ("A1-(-2.5)")."""
    text = plain(value)
    return f"({text})" if text.startswith("-") else text


def points(value: Decimal | None) -> str:
    """A score with its unit, as in 2分 or （0.5分）."""
    return f"{plain(value)}分"


def fixed(value: Decimal, decimals: int) -> str:
    """Exactly ``decimals`` places, rounded half up as scores are: fixed(Decimal("2.5"), 2) is "2.50"."""
    digits = max(value.adjusted(), 0) + decimals + 2
    rounded = value.quantize(Decimal(1).scaleb(-decimals), context=Context(prec=max(digits, 28), rounding=ROUND_HALF_UP))
    return format(rounded.copy_abs() if rounded.is_zero() else rounded, "f")


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as the number YAML, JSON or a spreadsheet cell holds: 10 (an int) when whole, else 2.5."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
