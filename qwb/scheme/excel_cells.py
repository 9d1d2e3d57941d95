"""Cell values of the scheme workbook turned into the scheme's dict form: text, numbers (also 95%),
whole numbers, dates, vocabulary words, headers and merged cells."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from qwb.numtext import number
from qwb.rules import NO, RULE_NAMES, YES
from qwb.scheme.excel_columns import (
    ALIASES,
    LEVEL_DIGITS,
    MIN_LEVELS,
    Col,
    Vocab,
    level_label,
)


@dataclass
class Cell:
    value: Any
    ref: str  # "H5"
    number_format: str = "General"
def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def vocab_key(vocab: Vocab, raw: Any) -> str:
    text = unicodedata.normalize("NFKC", text_of(raw)).strip()
    keys = {k for k, _s in vocab}
    for key, shown in vocab:
        if text == shown or norm(text) == norm(shown):
            return key
    first = text.split()[0] if text.split() else text
    if first in keys or first.lower() in keys:
        return first if first in keys else first.lower()
    chinese = {shown.split(" ", 1)[-1]: k for k, shown in vocab} | {RULE_NAMES.get(k, ""): k for k in keys}
    chinese.pop("", None)
    return chinese.get(text) or ALIASES.get(text) or text


def plain_number(text: str) -> int | float | None:
    text = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "")
    text = re.sub(r"(%|‰|分|个|项|次)$", "", text).strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return number(value) if value.is_finite() else None


def strip_op(text: str) -> str:
    return re.sub(r"^\s*(>=|<=|≥|≤|>|<|＞|＜)\s*", "", unicodedata.normalize("NFKC", text))


def percent_format(number_format: str) -> bool:
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def number_of(cell: Cell) -> Any:
    """A parameter as the author sees it: a cell showing 95% is 95; text "95%" is 95; other text passes on."""
    raw = cell.value
    if isinstance(raw, bool):
        return text_of(raw)
    if isinstance(raw, int | float):
        if percent_format(cell.number_format):
            return number(Decimal(format(raw, ".15g")) * 100)
        return raw
    if isinstance(raw, dt.date):
        return text_of(raw)
    parsed = plain_number(str(raw))
    return parsed if parsed is not None else str(raw).strip()


def integer_of(raw: Any) -> Any:
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*\d+\s*", unicodedata.normalize("NFKC", raw)):
        return int(unicodedata.normalize("NFKC", raw))
    return raw


def date_of(raw: Any) -> Any:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        from openpyxl.utils.datetime import from_excel

        return from_excel(raw).date()
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
        if m:
            try:
                return dt.date(*map(int, m.groups()))
            except ValueError:
                return text
        return text
    return raw


def merged_values(ws: Any) -> dict[str, Any]:
    """Every cell of a merged range carries the range's value (authors merge repeated categories)."""
    out: dict[str, Any] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                out[ws.cell(row, col).coordinate] = value
    return out


def header_index(ws: Any, cols: tuple[Col, ...]) -> dict[str, int]:
    """{column key: 1-based column} from the header row, matching the Chinese label or the English key."""
    names = {norm(c.label): c.key for c in cols} | {norm(c.key): c.key for c in cols}
    out: dict[str, int] = {}
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        key = names.get(norm(text_of(cell.value)))
        if key and key not in out:
            out[key] = cell.column
    return out


def depth_of(wb: Any, sheet: str) -> int:
    """How many 一级/二级/... columns the sheet's header has."""
    if sheet not in wb.sheetnames:
        return MIN_LEVELS
    levels = [norm(text_of(c.value)) for c in next(wb[sheet].iter_rows(min_row=1, max_row=1), ())]
    found = [n for n in range(len(LEVEL_DIGITS)) if norm(level_label(n)) in levels]
    return max(found, default=-1) + 1


def path_of(cells: dict[str, Cell]) -> list[str]:
    out = []
    n = 0
    while f"path.{n}" in cells:
        text = text_of(cells[f"path.{n}"].value).strip()
        if text:
            out.append(text)
        n += 1
    return out
