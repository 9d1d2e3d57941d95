"""The new rule shapes in the templates, recalculated by LibreOffice: each 得分 cell equals the engine's
period score (tests/shapes_case.py, worked by hand), relative items live over every unit's row in a
department template and 汇总后计算 in a unit's own; per-period options; each unit's own target."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from filling import fill, need_soffice, read_scores
from shapes_case import PERIODS, SHAPES, UNITS, values

from qwb import soffice
from qwb.consolidate import consolidate
from qwb.scheme import load
from qwb.templates import write_templates
from qwb.templates.formulas import RELATIVE_LATER
from qwb.templates.layout import entry_rows
from qwb.templates.names import ENTRY_SHEET


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    need_soffice()
    base = tmp_path_factory.mktemp("shapes")
    scheme = load(SHAPES)
    filled = []
    for template in write_templates(scheme, "department", base / "t"):
        fill(template, base / "f" / template.name, values())
        filled.append(base / "f" / template.name)
    paths = soffice.convert_many(filled, "xlsx", base / "lo")
    shown: dict[str, Any] = {}
    for path in paths:
        shown |= read_scores(path)
    return base / "lo", shown


def score_shown(shown: dict[str, Any], unit: str, item: str, period: str) -> Any:
    """The 得分 of one unit, item and period: on the row of its last field."""
    cells = [v for k, v in shown.items() if k.startswith(f"{unit}|{item}|{period}|") and v not in (None, "")]
    assert len(cells) <= 1, cells
    return cells[0] if cells else None


def test_every_score_cell_equals_the_engine(recalculated: tuple[Path, dict[str, Any]]) -> None:
    folder, shown = recalculated
    scheme = load(SHAPES)
    c = consolidate(scheme, folder)
    compared = 0
    for unit in c.result.units:
        for item, score in unit.items.items():
            for period, expected in score.period_scores.items():
                got = score_shown(shown, unit.id, item, period)
                if expected is None:
                    assert got in (None, "合理缺项", "有误", "待核"), (unit.id, item, period, got)
                else:
                    assert got == pytest.approx(float(expected), abs=1e-9), (unit.id, item, period, got, expected)
                    compared += 1
    assert compared >= 40
    assert not [i for i in c.issues if i.code == "score-mismatch"]


@pytest.mark.parametrize(("item", "period"), sorted(PERIODS))
def test_hand_computed_period_scores_in_the_sheet(recalculated: tuple[Path, dict[str, Any]], item: str,
                                                  period: str) -> None:
    _folder, shown = recalculated
    for unit, want in zip(UNITS, PERIODS[(item, period)]):
        got = score_shown(shown, unit, item, period)
        if want is None:
            assert got in (None, "合理缺项", "有误", "待核"), (unit, got)
        else:
            assert got == pytest.approx(float(want), abs=1e-9), (unit, item, period, got)


def test_a_unit_template_says_relative_scores_come_later(tmp_path: Path) -> None:
    scheme = load(SHAPES)
    template = next(p for p in write_templates(scheme, "unit", tmp_path) if "丙区" in p.name)
    ws = openpyxl.load_workbook(template)[ENTRY_SHEET]
    later = [r for r in range(1, ws.max_row + 1) for c in range(1, ws.max_column + 1)
             if ws.cell(r, c).value == RELATIVE_LATER]
    assert len(later) == 4  # items 5 (Y), 6 (H1, Y), 7 (Y)
    content = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "完成率≥90%" not in content and "≥90% 得 6 分" in content  # 丙区 reads its own target
    assert "事故率＜0.5‰" in content


def test_each_node_offers_only_its_own_options(tmp_path: Path) -> None:
    scheme = load(SHAPES)
    rows = {r.key: r for r in entry_rows(scheme, next(iter(_department(scheme, "zqb"))))}
    assert rows["a|1|H1|选项"].field.labels == ("已制定方案", "未制定方案")
    assert rows["a|1|Y|选项"].field.labels == ("成效明显", "有一定成效", "无成效")


def _department(scheme: Any, ident: str) -> Any:
    from qwb.templates.layout import assignees

    return [a for a in assignees(scheme, "department") if a.id == ident]


def test_relative_formula_is_exact_at_the_mean(recalculated: tuple[Path, dict[str, Any]]) -> None:
    """Item 7: 丙区, 戊区 and 己区 sit exactly on the mean (0.3‰): full marks in the sheet as in the engine."""
    _folder, shown = recalculated
    assert [shown[f"{u}|7|Y|合理缺项"] for u in "cef"] == [4, 4, 4]
    assert shown["d|7|Y|合理缺项"] == "合理缺项"
    assert Decimal(str(shown["b|7|Y|合理缺项"])) == 1
