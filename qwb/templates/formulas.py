"""Live 得分 formulas, rendered from the rule expressions in qwb.rules (never written by hand).

Each input cell is read as the reader (qwb.values) reads it, as far as a formula can know: a number (its
range, step and whole-number rule checked), a label with spaces around it, or text that is only digits with
one optional point and the field's own % or ‰ sign. Anything else the reader may still accept (三点五, 3分,
1,200, ９５％) makes the score 待核; anything the reader refuses (an error value, TRUE/FALSE, a number out
of range or off its step) makes it 有误. So 得分 never shows a number consolidation would not give
(SCHEME.md 5.2). The same tests colour the 填报值 cell (conditional formats).

Only functions Excel 2010+, WPS and LibreOffice evaluate alike (PORTABLE_FUNCTIONS).
"""

from __future__ import annotations

from dataclasses import dataclass

from qwb.numtext import literal, plain
from qwb.rules import NA_FIELD, NO, YES, InputField, score_expression, unit_factor
from qwb.scheme.model import Indicator
from qwb.values import NO_WORDS, YES_WORDS

#: what 得分 shows for a value consolidation refuses, and for text only consolidation can read
WRONG = "有误"
CHECK = "待核"
PORTABLE_FUNCTIONS = frozenset({
    "IF", "AND", "OR", "NOT", "MIN", "MAX", "SUM", "N", "ISNUMBER", "ISERROR", "ISLOGICAL", "IFERROR", "VALUE",
    "SUBSTITUTE", "TRIM", "LEN", "LEFT", "RIGHT", "EXACT", "MOD", "ROUND", "INT", "SUMIFS", "COUNTIF", "COUNTA",
})
SIGNS = ("%", "‰")


def _all(tests: list[str]) -> str:
    return tests[0] if len(tests) == 1 else "AND(" + ",".join(tests) + ")"


def _any(tests: list[str]) -> str:
    return tests[0] if len(tests) == 1 else "OR(" + ",".join(tests) + ")"


def _text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@dataclass(frozen=True)
class InputCell:
    """One 填报值 cell of a field, as formula pieces. ``known`` and the rest assume the cell holds no error
    value (test ``error`` first: IF evaluates only the branch it takes, AND and OR evaluate everything)."""

    field: InputField
    ref: str

    @property
    def is_label(self) -> bool:
        return self.field.kind in ("choice", "yesno")

    @property
    def error(self) -> str:
        return f"ISERROR({self.ref})"

    @property
    def blank(self) -> str:
        return f"LEN(TRIM({self.ref}))=0"

    @property
    def logical(self) -> str:
        return f"ISLOGICAL({self.ref})"

    @property
    def trimmed(self) -> str:
        return f"TRIM({self.ref})"

    @property
    def sign(self) -> str:
        return self.field.unit if self.field.unit in SIGNS else ""

    @property
    def digits(self) -> str:
        """The typed text without its trailing %/‰ sign (the field's own sign only)."""
        t = self.trimmed
        if not self.sign:
            return t
        return f'IF(RIGHT({t},1)="{self.sign}",LEFT({t},LEN({t})-1),{t})'

    def text_number(self) -> str:
        """Text that is digits with at most one point inside: the only text VALUE() reads as the reader does."""
        s = self.digits
        stripped = s
        for ch in "0123456789.":
            stripped = f'SUBSTITUTE({stripped},"{ch}","")'
        return _all([f"LEN({s})>0", f"LEN({stripped})=0", f'LEN({s})-LEN(SUBSTITUTE({s},".",""))<=1',
                     f'LEFT({s},1)<>"."', f'RIGHT({s},1)<>"."'])

    def labels(self) -> list[str]:
        if self.field.kind == "yesno":
            return list(dict.fromkeys([*self.field.labels, *sorted(YES_WORDS), *sorted(NO_WORDS)]))
        return list(self.field.labels)

    @property
    def known(self) -> str:
        """The formula reads the value exactly as consolidation does."""
        if self.is_label:  # EXACT: "=" ignores case, the reader does not (yes/no words aside)
            test = "EXACT" if self.field.kind == "choice" else ""
            tests = [f"EXACT({self.trimmed},{_text(lb)})" if test else f"{self.trimmed}={_text(lb)}"
                     for lb in self.labels()]
            return _all([f"NOT({self.logical})", _any(tests)])
        return _all([f"NOT({self.logical})", _any([f"ISNUMBER({self.ref})", self.text_number()])])

    @property
    def value(self) -> str:
        """The value in stored form (95% is 0.95); a blank optional field is 0; a yes/no answer as 是 or 否,
        whichever word the reader takes for it was typed."""
        if self.field.kind == "yesno":
            return f"IF({self._says(YES, YES_WORDS)},{_text(YES)},IF({self._says(NO, NO_WORDS)},{_text(NO)},{self.trimmed}))"
        if self.is_label:
            return self.trimmed
        divisor = plain(1 / unit_factor(self.sign)) if self.sign else ""
        parsed = f"VALUE({self.digits})" + (f"/{divisor}" if divisor else "")
        value = f"IF(ISNUMBER({self.ref}),{self.ref},{parsed})"
        return value if self.field.required else f"IF({self.blank},0,{value})"

    @property
    def invalid(self) -> str:
        """A known value consolidation refuses: outside the range, off the step, not whole."""
        f, v = self.field, self.value
        tests = []
        if f.minimum is not None:
            tests.append(f"{v}<{literal(f.minimum)}")
        if f.maximum is not None:
            tests.append(f"{v}>{literal(f.maximum)}")
        if f.step:
            low = f"-{literal(f.minimum)}" if f.minimum else ""
            tests.append(f"MOD(ROUND(({v}{low})/{literal(f.step)},9),1)<>0")
        if f.kind == "count":
            tests.append(f"INT({v})<>{v}")
        if not tests or self.is_label:
            return "FALSE"
        return _any(tests)

    def is_yes(self) -> str:
        """是 (or a word the reader takes for it); FALSE for anything else, error values included."""
        return f"IFERROR(AND(NOT({self.logical}),{self._says(YES, YES_WORDS)}),FALSE)"

    def _says(self, answer: str, words: set[str]) -> str:
        """The cell holds ``answer`` or a word the reader takes for it."""
        return _any([f"{self.trimmed}={_text(w)}" for w in self.labels() if w == answer or w in words])

    def wrong_format(self) -> str:
        """Conditional format: consolidation will refuse this value."""
        if self.is_label:
            return f"IF({self.error},TRUE,{self.logical})"
        return f"IF({self.error},TRUE,IF({self.logical},TRUE,IF({self.known},{self.invalid},FALSE)))"

    def check_format(self) -> str:
        """Conditional format: text the template cannot read; consolidation decides."""
        return f"IF({self.error},FALSE,IF({self.logical},FALSE,IF({self.blank},FALSE,NOT({self.known}))))"


def score_formula(fields: list[InputField], cells: dict[str, str], body: str) -> str:
    """The score ``body`` once every input is known and valid; "" while a required input is blank."""
    inputs = [InputCell(f, cells[f.name]) for f in fields]
    required = [c for c in inputs if c.field.required]
    known = [c.known if c.field.required else _any([c.blank, c.known]) for c in inputs]
    invalid = [c.invalid for c in inputs if c.invalid != "FALSE"]
    formula = body
    if invalid:
        formula = f"IF({_any(invalid)},{_text(WRONG)},{formula})"
    formula = f"IF({_all(known)},{formula},{_text(CHECK)})"
    formula = f"IF({_any([c.logical for c in inputs])},{_text(WRONG)},{formula})"
    if required:
        formula = f'IF({_any([c.blank for c in required])},"",{formula})'
    return f"IF({_any([c.error for c in inputs])},{_text(WRONG)},{formula})"


def na_input(cell: str) -> InputCell:
    return InputCell(InputField(NA_FIELD, "yesno", labels=(YES, NO), required=False), cell)


def item_score_formula(ind: Indicator, cells: dict[str, str], na_cell: str | None = None, period: str | None = None,
                       unit: str | None = None) -> str:
    """=得分 for one item and period (its own rule under per-period rules; the unit's own targets where the
    rule sets them per unit); "合理缺项" when marked so."""
    fields = ind.input_fields(period)
    by_name = {f.name: InputCell(f, cells[f.name]) for f in fields}
    body = score_expression(ind.rule_in(period), ind.points, unit).formula(lambda name: by_name[name].value)
    return "=" + _with_na(score_formula(fields, cells, body) if fields else body, na_cell)


def _with_na(formula: str, na_cell: str | None) -> str:
    return f'IF({na_input(na_cell).is_yes()},"{NA_FIELD}",{formula})' if na_cell else formula


#: what 得分 shows for a relative item where the template does not hold every unit's value
RELATIVE_LATER = "汇总后计算"


def relative_score_formula(ind: Indicator, period: str, own: str, members: list[tuple[str, str | None]],
                           na_cell: str | None = None) -> str:
    """=得分 of a relative item (rules.more.RelativeRule) in a template holding every unit's row: over
    ``members``, each unit's value cell with its 合理缺项 cell (or None). A member the formula cannot read as
    consolidation does (text, an error value, a number consolidation refuses) makes the score 待核."""
    rule = ind.rule_in(period)
    field = ind.input_fields(period)[0]
    inside = []
    unreadable = []
    for cell, na in members:
        member = InputCell(field, cell)
        test = f"ISNUMBER({cell})" if na is None else f"AND(ISNUMBER({cell}),NOT({na_input(na).is_yes()}))"
        inside.append((cell, test))
        refused = member.invalid.replace(member.value, cell) if member.invalid != "FALSE" else "FALSE"
        unreadable.append(f"IF(ISERROR({cell}),TRUE,IF({member.blank},FALSE,OR(NOT(ISNUMBER({cell})),{refused})))")
    body = f"IF({_any(unreadable)},{_text(CHECK)},{rule.formula(ind.points, own, inside)})"  # type: ignore[attr-defined]
    return "=" + _with_na(score_formula([field], {field.name: own}, body), na_cell)


def veto_formula(cell: str) -> str:
    yes = InputCell(InputField("", "yesno", labels=(YES, NO)), cell).is_yes()
    return f'=IF({yes},"否决","")'


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
