"""Turn what a person or a spreadsheet put in a 填报值 cell into a checked value.

A number is a stored cell value (a ``%`` field's 0.952 is 95.2%); text is what a
person typed (``"95.2%"``, ``"９５．２％"``, ``"九十五"``) and, in a ``%`` or ``‰``
field, text without a sign is in the field's own unit, as a spreadsheet reads
typing into a percentage cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from qwb.issues import (
    ErrorValueInCell,
    FormulaInValue,
    InvalidChoice,
    InvalidNumber,
    IssueType,
    NotWholeNumber,
    OffStep,
    OutOfRange,
)
from qwb.numtext import plain
from qwb.rules import NO, YES, InputField, to_decimal, unit_factor

FORMULA_START = ("=", "+", "-", "@")
YES_WORDS = {"是", "有", "y", "yes", "true", "√", "✓", "发生"}
NO_WORDS = {"否", "无", "没有", "n", "no", "false", "×", "✗", "未发生", "不是"}
#: a number as text: ASCII digits, one optional point, an optional exponent
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", re.ASCII | re.IGNORECASE)
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", re.ASCII)
#: beyond a spreadsheet's range (about 1e308) a typed number is a mistake, and arithmetic on it overflows
MAX_EXPONENT = 307
COUNT_SUFFIXES = ("次", "个", "项", "起", "家", "件", "人次", "例")


@dataclass(frozen=True)
class Parsed:
    """A value ready for scoring, or the kind of problem and the Chinese reason it is not."""

    value: Decimal | str | None = None
    problem: type[IssueType] | None = None
    reason: str = ""

    @property
    def missing(self) -> bool:
        return self.value is None and self.problem is None

    @property
    def code(self) -> str | None:
        return self.problem.code if self.problem else None


@dataclass(frozen=True)
class ErrorValue:
    """A spreadsheet error value (#DIV/0!, #N/A, ...) read from a 填报值 cell."""

    text: str

    def __str__(self) -> str:
        return self.text


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "") or (isinstance(raw, float) and raw != raw)


def normalise_text(text: str) -> str:
    """Full-width digits and signs to ASCII, spaces and thousands separators out."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = text.replace("％", "%").replace("。", ".").replace("，", ",")
    return re.sub(r"[\s\u00a0\u3000]+", "", text)


_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}


def chinese_number(text: str) -> Decimal | None:
    """九十五 -> 95, 一百零二 -> 102, 三点五 -> 3.5, 百分之九十五 -> 0.95; None if not a numeral."""
    if not text:
        return None
    negative = text.startswith("负")
    text = text.removeprefix("负")
    percent = text.startswith("百分之")
    permille = text.startswith("千分之")
    if percent or permille:
        text = text[3:]
    whole, _, fraction = text.partition("点")
    value = _chinese_integer(whole)
    if value is None or any(ch not in _DIGITS for ch in fraction):
        return None
    number = Decimal(value)
    if fraction:
        number += Decimal("0." + "".join(str(_DIGITS[ch]) for ch in fraction))
    if percent:
        number /= 100
    if permille:
        number /= 1000
    return -number if negative else number


def _chinese_integer(text: str) -> int | None:
    if not text or any(ch not in _DIGITS and ch not in _SMALL_UNITS and ch not in _BIG_UNITS for ch in text):
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:  # 一二三 read digit by digit
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total = section = digit = 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[ch]
            digit = 0
        else:
            total += (section + digit) * _BIG_UNITS[ch]
            section = digit = 0
    return total + section + digit


def _suffix(text: str, field_unit: str) -> str | None:
    """The unit word a typed number ends with: the field's own unit, a count word (次, 件…) or 分; None if none."""
    for suffix in (field_unit, *COUNT_SUFFIXES, "分"):
        if suffix and suffix not in "%‰" and text.endswith(suffix) and len(text) > len(suffix):
            return suffix
    return None


def _foreign(suffix: str, field_unit: str) -> bool:
    """Whether a unit word typed after a number says something else than the field's unit: any word in a
    % or 元 cell, 分 in a count cell; a count word in a count cell (3个 for 3次) and any word in a field without a
    unit (85分, 3件) say nothing else."""
    if not field_unit or suffix == field_unit:
        return False
    return not (field_unit in COUNT_SUFFIXES and suffix in COUNT_SUFFIXES)


def foreign_unit(text: str, field_unit: str) -> str | None:
    """The unit word typed after a number that does not fit the field's unit (3分 or 3件 in a % cell)."""
    text = normalise_text(text)
    if text.endswith(("%", "‰")):
        return None
    suffix = _suffix(text, field_unit)
    return suffix if suffix is not None and _foreign(suffix, field_unit) else None


def parse_number_text(text: str, field_unit: str) -> Decimal | None:
    """A typed number in stored form, or None when the text is not a number."""
    text = normalise_text(text)
    factor = unit_factor(field_unit)
    for sign, sign_factor in (("%", Decimal("0.01")), ("‰", Decimal("0.001"))):
        if text.endswith(sign):
            text, factor = text[: -len(sign)], sign_factor
            break
    else:
        suffix = _suffix(text, field_unit)
        if suffix is not None:
            if _foreign(suffix, field_unit):  # 3分 or 3件 in a % cell: not 3 %
                return None
            text = text[: -len(suffix)]
    if "," in text:  # thousands separators only: "95,2" is not 952
        if not THOUSANDS.fullmatch(text):
            return None
        text = text.replace(",", "")
    try:
        if not PLAIN_NUMBER.fullmatch(text):  # Decimal() alone also takes "9_5" and non-ASCII digits
            raise InvalidOperation(text)
        number = Decimal(text)
    except InvalidOperation:
        number = chinese_number(text)
        if number is None:
            return None
        if text.startswith(("百分之", "千分之", "负百分之", "负千分之")):
            factor = Decimal(1)
    if not number.is_finite() or number.adjusted() > MAX_EXPONENT:
        return None
    return number * factor


def display(raw: Any) -> str:
    """A cell value as the person saw it: 2, not the 2.0 a file stores; long text shortened."""
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        raw = int(raw)
    text = str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_input(raw: Any, field: InputField) -> Parsed:
    """Check one raw cell value against its field."""
    if isinstance(raw, ErrorValue):
        return Parsed(problem=ErrorValueInCell, reason=f"单元格是错误值 {raw.text}（公式出错）")
    if is_blank(raw):
        return Parsed()
    if isinstance(raw, str) and normalise_text(raw).startswith(FORMULA_START) and field.kind in ("choice", "yesno"):
        return Parsed(problem=FormulaInValue, reason=f"“{display(raw)}”像是公式，请直接填写值")
    if field.kind in ("choice", "yesno"):
        return _parse_label(raw, field)
    return _parse_numeric(raw, field)


@functools.lru_cache(maxsize=4096)
def _normalised_labels(labels: tuple[str, ...]) -> dict[str, str]:
    return {normalise_text(label): label for label in labels}


def _parse_label(raw: Any, field: InputField) -> Parsed:
    if isinstance(raw, bool):  # TRUE/FALSE never comes from the dropdown: a formula or a program put it there
        return Parsed(problem=InvalidChoice, reason=f"“{raw}”不是可选项，请从下拉列表选择：{'、'.join(field.labels)}")
    if isinstance(raw, str) and raw in field.labels:  # the dropdown's own text: the common case
        return Parsed(raw)
    text = normalise_text(_label_text(raw))
    label = _normalised_labels(field.labels).get(text)
    if label is not None:
        return Parsed(label)
    if field.kind == "yesno":
        word = text.lower()
        if word in YES_WORDS:
            return Parsed(YES)
        if word in NO_WORDS:
            return Parsed(NO)
    allowed = "、".join(field.labels)
    return Parsed(problem=InvalidChoice, reason=f"“{display(raw)}”不是可选项，请从下拉列表选择：{allowed}")


def _label_text(raw: Any) -> str:
    """A cell's value as label text: a spreadsheet stores a picked label "1" as the number 1.0."""
    if isinstance(raw, (int, float, Decimal)):
        try:
            return plain(to_decimal(raw))
        except (ValueError, ArithmeticError):
            pass
    return str(raw)


def _parse_numeric(raw: Any, field: InputField) -> Parsed:
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        return Parsed(problem=InvalidNumber, reason=f"“{display(raw)}”不是数字，请填写数字")
    if isinstance(raw, (int, float, Decimal)):
        try:
            number = to_decimal(raw)
        except (ValueError, ArithmeticError):
            return Parsed(problem=InvalidNumber, reason=f"“{display(raw)}”不是有效的数字")
    else:
        text = str(raw)
        if normalise_text(text).startswith(("=", "@")) or normalise_text(text).startswith("+="):
            return Parsed(problem=FormulaInValue, reason=f"“{display(raw)}”像是公式，请直接填写数值")
        parsed = parse_number_text(text, field.unit)
        foreign = foreign_unit(text, field.unit) if parsed is None else None
        if foreign is not None:
            example = "95% 或 0.95" if field.unit == "%" else f"12{field.unit}"
            return Parsed(problem=InvalidNumber, reason=f"“{display(raw)}”的单位“{foreign}”与本项不符（本项以“{field.unit}”"
                                                        f"计），请按本项单位填写，例如 {example}")
        if parsed is None:
            example = "95% 或 0.95" if field.unit == "%" else "3" if field.kind == "count" else "95"
            return Parsed(problem=InvalidNumber, reason=f"“{display(raw)}”不是数字，请填写数字，例如 {example}")
        number = parsed
    return _check_range(number, field, raw)


def _check_range(number: Decimal, field: InputField, raw: Any) -> Parsed:
    if field.kind == "count" and number != number.to_integral_value():
        return Parsed(problem=NotWholeNumber, reason=f"“{display(raw)}”应为整数（次数、个数），请填写 0、1、2……")
    low, high = field.minimum, field.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        return Parsed(problem=OutOfRange, reason=_out_of_range(number, field, raw))
    if field.step and (number - (low or 0)) % field.step != 0:
        return Parsed(problem=OffStep, reason=f"“{display(raw)}”应为 {plain(field.step)} 的整数倍")
    return Parsed(number.normalize() + 0)


def range_text(field: InputField) -> str:
    """The range in the field's own unit, as the filler types it: 0%～100%, ≥0."""
    low, high = (None if end is None else in_unit(end, field.unit) for end in (field.minimum, field.maximum))
    if low and high:
        return f"{low}～{high}"
    return f"≥{low}" if low else f"≤{high}"


def in_unit(stored: Decimal, unit: str) -> str:
    """A stored value written in its field's unit: 65 in a % cell is 6500%."""
    if unit in ("%", "‰"):
        return f"{plain(stored / unit_factor(unit))}{unit}"
    return plain(stored)


def _out_of_range(number: Decimal, field: InputField, raw: Any) -> str:
    """Why a value is refused, with the likely cause where there is one."""
    stored_number = field.unit in ("%", "‰") and isinstance(raw, (int, float, Decimal))
    reason = f"“{display(raw)}”"
    if stored_number:
        reason += f"在{field.unit}单元格中读作 {in_unit(number, field.unit)}，"
    reason += f"超出允许范围 {range_text(field)}"
    meant = number * unit_factor(field.unit)
    if stored_number and (field.minimum is None or meant >= field.minimum) and (
            field.maximum is None or meant <= field.maximum):
        reason += f"；是否少了 {field.unit}？应填 {plain(number)}{field.unit}"
    return reason
