"""Live 得分 formulas, rendered from the rule expressions in qwb.rules (never written by hand).

Only functions Excel 2010+, WPS and LibreOffice evaluate alike: IF, AND, OR, MIN,
MAX, N, ISNUMBER, IFERROR, VALUE, SUBSTITUTE, SUMIFS, COUNTIF, ROUND.
"""

from __future__ import annotations

from qwb.numtext import plain
from qwb.rules import NA_FIELD, YES, InputField, score_expression
from qwb.scheme.model import Indicator


def stored_value(field: InputField, cell: str) -> str:
    """The cell as a number in stored form. A ‰ cannot be typed as a number, so text such as
    0.6‰ (or 0.6 in a ‰ field) is read as per mille, as the engine does."""
    if field.kind == "choice" and any(_numeric(label) for label in field.labels):
        return f'(""&{cell})'  # a label such as "2" picked from the list is stored as the number 2
    if field.unit == "‰":
        return f'IFERROR(IF(ISNUMBER({cell}),{cell},VALUE(SUBSTITUTE({cell},"‰",""))/1000),"")'
    return cell


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def ready_condition(fields: list[InputField], cells: dict[str, str]) -> str:
    """True once every required input holds an acceptable value."""
    tests = []
    for f in fields:
        if not f.required:
            continue
        cell = cells[f.name]
        if f.kind in ("choice", "yesno"):
            value = stored_value(f, cell)
            tests.append("OR(" + ",".join(f'{value}="{label}"' for label in f.labels) + ")")
        else:
            tests.append(f"ISNUMBER({stored_value(f, cell)})")
            if f.minimum is not None:
                tests.append(f"{cell}>={plain(f.minimum)}")
            if f.maximum is not None:
                tests.append(f"{cell}<={plain(f.maximum)}")
    if not tests:
        return "TRUE"
    return tests[0] if len(tests) == 1 else "AND(" + ",".join(tests) + ")"


def item_score_formula(ind: Indicator, cells: dict[str, str], na_cell: str | None = None) -> str:
    """=IF(ready, score, "") for one item and period; "缺项" when marked 合理缺项."""
    fields = [f for f in ind.input_fields()]
    by_name = {f.name: f for f in fields}

    def ref(name: str) -> str:
        return stored_value(by_name[name], cells[name])

    body = score_expression(ind.rule, ind.points).formula(ref)
    ready = ready_condition(fields, cells)
    formula = body if ready == "TRUE" else f'IF({ready},{body},"")'
    if na_cell:
        formula = f'IF({na_cell}="{YES}","{NA_FIELD}",{formula})'
    return "=" + formula


def aggregate_formula(how: str, cells: list[str]) -> str:
    """An item's period scores combined per period_aggregate; a blank period counts 0 (N())."""
    terms = [f"N({c})" for c in cells]
    if how == "last":
        return "=" + terms[-1]
    if how in ("min", "max"):
        return f"={how.upper()}({','.join(terms)})"
    total = "+".join(terms)
    if how == "sum" or len(cells) == 1:
        return f"={total}"
    return f"=({total})/{len(cells)}"


def grade_formula(total: str, grades: list[tuple[str, str]], veto: str | None, veto_grade: str | None) -> str:
    expr = '""'
    for name, low in reversed(grades):
        expr = f'IF({total}>={low},"{name}",{expr})'
    if veto and veto_grade:
        expr = f'IF({veto},"{veto_grade}",{expr})'
    return "=" + expr

