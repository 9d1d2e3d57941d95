"""要点 checkpoints: a `targets` rule whose targets are 是 (answered from a 是/否 dropdown, met by 是).

常州 lists 要点 under one point value without a score each; 4 points over three 要点 give 4 × met / 3."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SKELETON, build_scheme
from filling import fill, need_soffice, read_scores

from qwb import soffice
from qwb.engine import score
from qwb.scheme.model import Builder
from qwb.templates import write_templates
from qwb.values import parse_input

CHECKS = [{"points": 4, "rule": {"type": "targets", "targets": [
    {"field": "要点（1）落实", "target": "是"}, {"field": "要点（2）落实", "target": "是"},
    {"field": "要点（3）落实", "target": "是"}]}}]


def _entries(*answers: Any) -> dict[str, Any]:
    return {f"u1|1|Y|要点（{n}）落实": answer for n, answer in enumerate(answers, 1)}


@pytest.mark.parametrize(("answers", "expected"), [
    (("是", "是", "是"), Decimal(4)), (("是", "否", "是"), Decimal(8) / 3), (("否", "否", "否"), Decimal(0)),
    (("有", " 是 ", "无"), Decimal(8) / 3),  # words the reader takes for 是 and 否, spaces around
])
def test_checkpoints_score_points_times_met_over_their_number(answers: tuple[str, ...], expected: Decimal) -> None:
    result = score(build_scheme(CHECKS), _entries(*answers))
    assert result.unit("u1").items["1"].score == expected and not result.issues


def test_a_checkpoint_is_a_yes_no_field_and_1_is_refused_with_the_choices() -> None:
    scheme = build_scheme(CHECKS)
    [field] = [f for f in scheme.indicator("1").rule.input_fields(Decimal(4)) if f.name == "要点（1）落实"]
    assert field.kind == "yesno" and field.labels == ("是", "否") and field.required
    parsed = parse_input(1, field)
    assert parsed.code == "invalid-choice" and "是、否" in parsed.reason
    refused = score(scheme, _entries(1, "是", "是"))  # refused, told, and the item not scored until answered
    assert refused.unit("u1").items["1"].period_scores == {"Y": None}
    assert [i.code for i in refused.issues] == ["invalid-choice"]


def test_a_checkpoint_round_trips_and_describes_itself() -> None:
    scheme = build_scheme(CHECKS)
    rule = scheme.indicator("1").rule
    assert rule.to_params()["targets"][0] == {"field": "要点（1）落实", "target": "是"}
    assert "要点（1）落实为“是”" in rule.describe(Decimal(4)) and "每达到一项得 4 分的 1/3" in rule.describe(Decimal(4))


@pytest.mark.parametrize("extra", [{"unit": "%"}, {"range": [0, 1]}, {"op": "<"}, {"by_unit": {"u1": 1}}])
def test_a_checkpoint_takes_no_comparison_unit_or_range(extra: dict[str, Any]) -> None:
    data = copy.deepcopy(SKELETON) | {"indicators": [
        {"id": "1", "path": ["类别"], "title": "指标1", "department": "d", **copy.deepcopy(CHECKS[0])}]}
    data["indicators"][0]["rule"]["targets"][0].update(extra)
    builder = Builder(data, lambda path: {"cell": path})
    builder.build()
    assert [i.code for i in builder.issues] == ["rule-bad-parameter"], builder.issues
    assert "是/否" in builder.issues[0].message


def test_the_template_dropdown_and_live_score_agree_with_the_engine(tmp_path: Path) -> None:
    """The unit template offers 是/否, and LibreOffice's recalculated 得分 equals the engine's for the words a
    person types (是 with spaces, 有, 无)."""
    need_soffice()
    import openpyxl

    scheme = build_scheme(CHECKS)
    [template] = write_templates(scheme, "unit", tmp_path / "t")
    lists = {tuple(dv.formula1.strip('"').split(",")) for dv in
             openpyxl.load_workbook(template)["填报"].data_validations.dataValidation if dv.formula1}
    assert ("是", "否") in lists
    fill(template, tmp_path / "filled.xlsx", _entries(" 是", "有", "无"))
    scores = read_scores(soffice.convert(tmp_path / "filled.xlsx", "xlsx", tmp_path / "lo"))
    expected = score(scheme, _entries(" 是", "有", "无")).unit("u1").items["1"].score
    assert Decimal(str(scores["u1|1|Y|要点（3）落实"])).quantize(Decimal("0.0001")) == \
        expected.quantize(Decimal("0.0001")) == Decimal("2.6667")
