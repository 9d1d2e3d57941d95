"""qwb.assess: the consolidation as pandas tables, equal to the JSON summary."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

import qwb
from qwb.cli import main
from qwb.fill import fill
from qwb.scheme import bundled, load
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


# --- the five bundled schemes: the DataFrames agree with what `qwb demo` (the command line) wrote ----------------

SCHEMES = [p.stem.split("-")[0] for p in bundled()]


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    """``qwb demo`` for every bundled scheme: its returns folder and the JSON summary the command line wrote."""
    out = {}
    for name in SCHEMES:
        folder = tmp_path_factory.mktemp(name)
        assert main(["demo", "--scheme", name, "--out", str(folder)]) == 0
        out[name] = (folder, json.loads((folder / "汇总.json").read_text(encoding="utf-8")))
    return out


def test_the_five_bundled_schemes_are_tested() -> None:
    assert sorted(SCHEMES) == ["changzhou", "tieling", "xianning", "yangjiang", "yongzhou"]


@pytest.mark.parametrize("name", SCHEMES)
def test_dataframes_agree_with_the_command_line_summary(demos: dict[str, Any], name: str) -> None:
    folder, cli = demos[name]
    a = qwb.assess(name, folder / "退回", workers=1)
    assert a.summary() == cli
    units = cli["units"]
    ranking = a.ranking
    assert list(ranking.index) == [u["id"] for u in units]
    for unit in units:
        row = ranking.loc[unit["id"]]
        assert (row["name"], row["total"], row["grade"], row["rank"]) == (
            unit["name"], unit["total"], unit["grade"], unit["rank"])
        assert {k: row[k] for k in unit["categories"]} == unit["categories"]
    expected = {(u["id"], item, period): score for u in units for item, s in u["items"].items()
                for period, score in s["periods"].items()}
    scored = a.scores.drop_duplicates(["unit", "indicator", "period"])
    got = {(r.unit, r.indicator, r.period): None if math.isnan(r.score) else r.score
           for r in scored.itertuples() if (r.unit, r.indicator, r.period) in expected}
    assert got == expected
    assert a.issues.fillna("").to_dict("records") == [{k: i.get(k) or "" for k in a.issues.columns}
                                                       for i in cli["issues"]]
    matrix = a.matrix
    assert list(matrix.index) == [u["id"] for u in units]
    for unit in units:
        row = matrix.loc[unit["id"]]
        assert {k: v for k, v in row.items() if not math.isnan(v)} == {k: s["score"] for k, s in unit["items"].items()
                                                                         if not s.get("na")}


def test_write_report_and_as_of_by_name_like_the_command_line(demos: dict[str, Any], tmp_path: Path) -> None:
    folder, _ = demos["tieling"]
    a = qwb.assess("tieling", folder / "退回", as_of="半年", previous=folder / "汇总.json")
    a.write_report(tmp_path / "排名.xlsx", json_path=tmp_path / "汇总.json")
    assert main(["consolidate", str(bundled("tieling")[0]), str(folder / "退回"), "--out", str(tmp_path / "c.xlsx"),
                 "--json", str(tmp_path / "c.json"), "--as-of", "H1", "--previous", str(folder / "汇总.json")]) == 0
    assert (tmp_path / "汇总.json").read_bytes() == (tmp_path / "c.json").read_bytes()
    assert a.summary()["as_of"] == "H1"
    with pytest.raises(ValueError, match="没有时间节点"):
        qwb.assess("tieling", folder / "退回", as_of="第五季度")
    with pytest.raises(FileNotFoundError, match="找不到退回文件夹"):
        qwb.assess("tieling", tmp_path / "无")
