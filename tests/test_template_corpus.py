"""SCHEME.md 5.2 on messy input: every bundled scheme's templates filled with what people really type,
recalculated in LibreOffice and consolidated; each 得分 cell shows the score consolidation gives that
item-period, or text (待核, 有误), never a different number and never blank for a scored input."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from filling import Text, fill, need_soffice, read_scores

from qwb import soffice
from qwb.consolidate import consolidate
from qwb.keys import EntryKey
from qwb.rules import InputField, to_decimal
from qwb.scheme import bundled, load
from qwb.scheme.model import Scheme
from qwb.templates import write_templates
from qwb.templates.layout import Assignee, assignees, entry_rows

DATA = Path(__file__).parent / "data"
SCHEMES = [DATA / "mini.yaml", DATA / "shapes.yaml", *bundled()]

#: what people type into number cells: stored numbers (65 in a % cell is 6500%), text forms the reader
#: accepts, off-step and non-whole numbers, error values, formulas, booleans
NUMBERS: list[Any] = [
    "EXAMPLE", 65, Text("三点五"), Text("3分"), "EXAMPLE", Text("百分之七十"), Text("1,200"), 2.3, Text("９５％"),
    "=1/0", "=3+0.5", True, "EXAMPLE", 2.5, Text("0.6‰"), Text(" 4 "), -1, 1.5, Text("95%"), 0, Text("abc"),
    "EXAMPLE", 1200, Text("3.5"), False, "=2*0.35", Text("0.7"), 0.7, Text("1e3"), 3, "=NA()", Text("12."),
]
LABELS: list[Any] = ["LABEL", "LABEL ", " LABEL", "LABEL", Text("ｘ"), True, "=1/0", '="LABEL"', 1, "LABEL"]
YESNO: list[Any] = [None, "否", None, "是 ", Text("有"), Text("无"), None, True, "=1/0", "否"]


def _example(field: InputField) -> float:
    """A clean, in-range stored value."""
    low, high = field.minimum or Decimal(0), field.maximum
    value = (low + high) / 2 if high is not None else low + 7
    if field.step:
        value = low + (value - low) // field.step * field.step
    if field.kind == "count":
        value = value.to_integral_value()
    return float(value)


def corpus(scheme: Scheme, assignee: Assignee) -> dict[str, Any]:
    """One messy value per input of the template, cycling through the lists above."""
    out: dict[str, Any] = {}
    for n, row in enumerate(entry_rows(scheme, assignee)):
        f = row.field
        if f.kind == "yesno":
            value = YESNO[n % len(YESNO)]
        elif f.kind == "choice":
            value = LABELS[n % len(LABELS)]
            label = f.labels[n % len(f.labels)]
            value = value.replace("LABEL", label) if isinstance(value, str) else value
        else:
            value = NUMBERS[n % len(NUMBERS)]
            value = _example(f) if value == "EXAMPLE" else value
        if value is not None:
            out[row.key] = value
    return out


def _templates(scheme: Scheme, out: Path) -> list[tuple[Assignee, Path]]:
    """The department template with the most rows and the first unit's self-evaluation template."""
    departments = assignees(scheme, "department")
    dept = max(departments, key=lambda a: len(entry_rows(scheme, a)))
    unit = assignees(scheme, "unit")[0]
    paths = {p.stem: p for kind in ("department", "unit") for p in write_templates(scheme, kind, out / kind)}
    from qwb.templates.layout import file_name

    return [(a, paths[Path(file_name(scheme, a)).stem]) for a in (dept, unit)]


def _out_of_range(raw: Any, field: InputField) -> bool:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return False
    value = to_decimal(raw)
    return (field.minimum is not None and value < field.minimum) or (
        field.maximum is not None and value > field.maximum)


def test_every_score_cell_agrees_with_consolidation(tmp_path: Path) -> None:
    need_soffice()
    jobs = []
    for scheme_path in SCHEMES:
        scheme = load(scheme_path)
        for assignee, template in _templates(scheme, tmp_path / "t" / scheme.id):
            values = corpus(scheme, assignee)
            filled = tmp_path / "filled" / f"{scheme.id}-{assignee.kind}.xlsx"
            fill(template, filled, values)
            jobs.append((scheme, assignee, values, filled))
    recalculated = soffice.convert_many([j[3] for j in jobs], "xlsx", tmp_path / "lo")
    compared = texts = 0
    for (scheme, assignee, values, _filled), path in zip(jobs, recalculated, strict=True):
        folder = tmp_path / "returns" / path.stem
        folder.mkdir(parents=True)
        shutil.copy(path, folder / path.name)
        c = consolidate(scheme, folder)
        units = {u["id"]: u for u in c.summary()["units"]}
        shown = read_scores(path)
        fields = {r.key: r.field for r in entry_rows(scheme, assignee)}
        for row in entry_rows(scheme, assignee):
            if not row.last_of_period or row.is_veto:
                continue
            key = EntryKey.parse(row.key)
            assert key is not None
            item = units[key.unit]["items"].get(key.item)
            expected = None if item is None else item["periods"].get(key.period)
            score = shown[row.key]
            where = f"{path.name} {row.key} {[values.get(k) for k in fields if k.rsplit('|', 1)[0] == row.key.rsplit('|', 1)[0]]}"
            if isinstance(score, str) and score:
                texts += 1
                continue
            if score is None or score == "":
                assert expected is None, f"blank 得分 but consolidation scores {expected}: {where}"
                continue
            assert expected is not None, f"得分 {score} but consolidation gives no score: {where}"
            assert score == pytest.approx(expected, abs=1e-9), where
            compared += 1
        issues = {(i.key, i.code) for i in c.issues}
        for key, raw in values.items():
            if key in fields and _out_of_range(raw, fields[key]):
                assert (key, "out-of-range") in issues, key
                if not fields[key].required:  # a refused optional input counts 0; the item keeps its score
                    continue
                parsed = EntryKey.parse(key)
                item = units[parsed.unit]["items"].get(parsed.item)
                assert item is None or item["periods"].get(parsed.period) is None, key
    assert compared > 100 and texts > 50, (compared, texts)


def test_formulas_without_a_result_are_not_scored(tmp_path: Path) -> None:
    """A return saved by a program that does not calculate (openpyxl): its formulas have no result."""
    scheme = load(bundled()[0])
    _dept, (unit, template) = _templates(scheme, tmp_path / "t")
    values = corpus(scheme, unit)
    fill(template, tmp_path / "r" / "return.xlsx", values)
    c = consolidate(scheme, tmp_path / "r")
    units = {u["id"]: u for u in c.summary()["units"]}
    codes = {(i.key, i.code) for i in c.issues}
    formulas = [k for k, v in values.items() if isinstance(v, str) and not isinstance(v, Text) and v.startswith("=")]
    fields = {r.key: r.field for r in entry_rows(scheme, unit)}
    checked = 0
    for key in formulas:
        assert (key, "formula-in-value") in codes, key
        parsed = EntryKey.parse(key)
        if not parsed.is_veto and fields[key].required and fields[key].kind in ("number", "score", "count"):
            assert units[parsed.unit]["items"][parsed.item]["periods"][parsed.period] is None, key
            checked += 1
    assert checked >= 2


def test_score_mismatch_blames_the_formula_only_when_it_was_overwritten(tmp_path: Path) -> None:
    from xlsxwriter.utility import xl_col_to_name

    from qwb.consolidate import score_mismatches
    from qwb.issues import ScoreMismatch
    from qwb.templates.writer import COL

    scheme = load(DATA / "mini.yaml")
    dept = next(a for a in assignees(scheme, "department") if a.id == "zqb")
    template = next(p for p in write_templates(scheme, "department", tmp_path / "t") if "质强办" in p.name)
    fill(template, tmp_path / "r" / "return.xlsx", {"east|2|Y|得分": 2.3, "west|2|Y|得分": 2.5})
    c = consolidate(scheme, tmp_path / "r")
    (rf,) = c.returns
    assert len(rf.score_formulas) == sum(1 for r in entry_rows(scheme, dept) if r.last_of_period)
    score_column = xl_col_to_name(COL["得分"])

    def score_cell(key: str) -> str:
        return score_column + rf.where[key]["cell"].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    assert score_cell("east|2|Y|得分") in rf.score_formulas
    rf.stored_scores = {"east|2|Y|得分": (2.3, score_cell("east|2|Y|得分"))}  # an older template showed 2.3
    (issue,) = score_mismatches(rf, c.result)
    assert ScoreMismatch.REFUSED in issue.message and ScoreMismatch.OVERWRITTEN not in issue.message
    rf.stored_scores = {"west|2|Y|得分": (4, score_cell("west|2|Y|得分"))}
    rf.score_formulas.discard(score_cell("west|2|Y|得分"))  # a 4 typed over the formula
    (issue,) = score_mismatches(rf, c.result)
    assert ScoreMismatch.OVERWRITTEN in issue.message
