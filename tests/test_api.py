"""qwb.assess: the consolidation as pandas tables, equal to the JSON summary."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import qwb
from qwb.fill import fill
from qwb.scheme import load
from qwb.simulate import simulate
from qwb.templates import write_templates

MINI = Path(__file__).parent / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("api")
    scheme = load(MINI)
    values = simulate(scheme, seed=21) | {"west|4|Y|数值": "很多", "north|5|Y|数值": None}
    for template in write_templates(scheme, "department", base / "t"):
        fill(template, base / "r" / template.name, values)
    return qwb.assess(MINI, base / "r"), base


def test_ranking_equals_the_summary(assessed) -> None:  # type: ignore[no-untyped-def]
    a, _base = assessed
    summary = a.summary()
    ranking = a.ranking
    assert list(ranking.index) == [u["id"] for u in summary["units"]]
    for unit in summary["units"]:
        row = ranking.loc[unit["id"]]
        assert (row["total"], row["grade"], row["rank"], bool(row["complete"])) == (
            unit["total"], unit["grade"], unit["rank"], unit["complete"])
        for category, value in unit["categories"].items():
            assert row[category] == value
    assert str(ranking["total"].dtype) == "float64" and str(ranking["rank"].dtype) == "int64"


def test_scores_long_form_equals_the_items(assessed) -> None:  # type: ignore[no-untyped-def]
    a, _base = assessed
    scores = a.scores
    items = {u["id"]: u["items"] for u in a.summary()["units"]}
    for row in scores.itertuples():
        expected = items[row.unit].get(row.indicator, {}).get("periods", {}).get(row.period)
        assert (row.score is None or math.isnan(row.score)) if expected is None else row.score == expected
    status = {(r.unit, r.indicator, r.field): r.status for r in scores.itertuples()}
    assert status[("west", "4", "数值")] == "invalid" and status[("north", "5", "数值")] == "missing"
    scored = scores[scores.status == "scored"]
    assert (scored.file != "").all() and scored.cell.str.match(r"^[A-Z]+\d+$").all()


def test_issues_and_report(assessed) -> None:  # type: ignore[no-untyped-def]
    a, base = assessed
    assert list(a.issues.columns) == ["severity", "code", "file", "sheet", "cell", "unit", "indicator", "message"]
    assert {"invalid-number", "missing-value"} <= set(a.issues.code)
    a.write_report(base / "排名.xlsx")
    assert (base / "排名.xlsx").stat().st_size > 10_000


def test_a_bundled_scheme_by_name_and_an_unknown_one(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    assert qwb.assess("changzhou", tmp_path / "r").ranking.shape[0] == 6
    with pytest.raises(FileNotFoundError, match="找不到方案"):
        qwb.assess("nosuch", tmp_path / "r")
