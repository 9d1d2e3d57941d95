"""The rule shapes of scheme format 1.1 (per-period rules, targets, by_unit, relative) in the engine, against
the scores worked out by hand in tests/shapes_case.py, and `qwb scheme check` on malformed shapes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from shapes_case import ITEMS, PERIODS, SHAPES, TOTALS, UNITS, values

from qwb.engine import score
from qwb.scheme import load, read
from qwb.scheme.yaml_form import dump_yaml


def close(value: Decimal | None) -> Decimal | None:
    """Equal to 20 places: a third computed in two orders differs in the 28th."""
    return None if value is None else round(value, 20)


@pytest.fixture(scope="module")
def result() -> Any:
    return score(load(SHAPES), values())


def test_totals_equal_the_hand_computed_ones(result: Any) -> None:
    assert {u.id: u.total for u in result.units} == TOTALS


@pytest.mark.parametrize("item", sorted(ITEMS))
def test_item_scores(result: Any, item: str) -> None:
    for unit in result.units:
        got = unit.items[item]
        want = ITEMS[item][unit.id]
        assert close(None if got.na else got.score) == close(want), (unit.id, item)


@pytest.mark.parametrize(("item", "period"), sorted(PERIODS))
def test_period_scores(result: Any, item: str, period: str) -> None:
    got = [result.unit(u).items[item].period_scores.get(period) for u in UNITS]
    want = PERIODS[(item, period)]
    assert [close(g) for g in got] == [close(w) for w in want]


def test_messy_entries_are_told(result: Any) -> None:
    told = {(i.code, i.key) for i in result.issues}
    assert ("invalid-choice", "f|1|Q3|选项") in told  # a 年终 option offered at 前三季度
    assert ("out-of-range", "e|4|Q3|数值") in told  # 250% outside 0~200%
    assert ("missing-value", "f|2|Y|抽查覆盖率") in told and ("missing-value", "f|5|Y|数值") in told


def test_a_per_unit_target_is_the_units_own(result: Any) -> None:
    """丙区's 90% meets its own target at 前三季度; the same 90% for 甲区 would not (100%)."""
    scheme = load(SHAPES)
    alone = score(scheme, {"a|4|Q3|数值": 0.9, "c|4|Q3|数值": 0.9})
    assert alone.unit("c").items["4"].period_scores["Q3"] == 6
    assert alone.unit("a").items["4"].period_scores["Q3"] == 0


def test_relative_scores_move_with_the_other_units() -> None:
    scheme = load(SHAPES)
    base = {f"{u}|5|Y|数值": v for u, v in zip(UNITS, [0.3, 0.2, 0.15, 0.15, 0.1, 0.1])}
    before = score(scheme, base).unit("b").items["5"].score
    after = score(scheme, base | {"a|5|Y|数值": 0.4}).unit("b").items["5"].score
    assert (before, after) == (Decimal(10) * Decimal("0.2") / Decimal("0.3"), Decimal(5))


def test_a_max_of_zero_scores_zero() -> None:
    scheme = load(SHAPES)
    zeros = score(scheme, {f"{u}|5|Y|数值": 0 for u in UNITS})
    assert {u.items["5"].score for u in zeros.units} == {Decimal(0)}


def test_the_shapes_round_trip_through_yaml(tmp_path: Path) -> None:
    scheme = load(SHAPES)
    (tmp_path / "again.yaml").write_text(dump_yaml(scheme), encoding="utf-8")
    again, issues = read(tmp_path / "again.yaml")
    assert issues == [] and again is not None
    assert [(i.rule, i.rules) for i in again.indicators] == [(i.rule, i.rules) for i in scheme.indicators]


def broken(tmp_path: Path, **changes: Any) -> list[str]:
    """The issues of the shapes scheme with some indicators changed (i4={...} changes indicator 4)."""
    data = yaml.safe_load(SHAPES.read_text(encoding="utf-8"))
    for index, change in changes.items():
        data["indicators"][int(index[1:]) - 1].pop("rule", None)
        data["indicators"][int(index[1:]) - 1].update(change)
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return [f"{i.code}: {i.message} @ {i.cell}" for i in read(tmp_path / "broken.yaml")[1]]


def test_check_a_per_period_rule_missing_a_period(tmp_path: Path) -> None:
    rules = yaml.safe_load(SHAPES.read_text(encoding="utf-8"))["indicators"][0]["rules"]
    del rules["Q3"]
    found = broken(tmp_path, i1={"rules": rules})
    assert any(f.startswith("period-rules-mismatch") and "Q3" in f for f in found), found


def test_check_per_period_rules_asking_different_fields(tmp_path: Path) -> None:
    rules = yaml.safe_load(SHAPES.read_text(encoding="utf-8"))["indicators"][0]["rules"]
    rules["Y"] = {"type": "direct"}
    found = broken(tmp_path, i1={"rules": rules})
    assert any(f.startswith("period-rules-mismatch") and "填报项不同" in f for f in found), found


def test_check_by_unit_naming_an_unknown_unit(tmp_path: Path) -> None:
    found = broken(tmp_path, i4={"rule": {"type": "target", "op": ">=", "target": 100, "unit": "%", "by_unit": {"zz": 90}}})
    assert any(f.startswith("unknown-unit") and "zz" in f for f in found), found


def test_check_targets_without_fields(tmp_path: Path) -> None:
    found = broken(tmp_path, i2={"rule": {"type": "targets", "targets": []}})
    assert any(f.startswith("rule-missing-parameter") and "targets" in f for f in found), found
    found = broken(tmp_path, i2={"rule": {"type": "targets", "targets": [{"op": ">=", "target": 1}]}})
    assert any(f.startswith("rule-bad-parameter") and "field" in f for f in found), found


def test_check_a_rule_and_rules_together(tmp_path: Path) -> None:
    rules = yaml.safe_load(SHAPES.read_text(encoding="utf-8"))["indicators"][0]["rules"]
    found = broken(tmp_path, i1={"rules": rules, "rule": {"type": "direct"}})
    assert any("rule 和 rules" in f for f in found), found


def test_check_proportional_with_negative_values_allowed(tmp_path: Path) -> None:
    found = broken(tmp_path, i5={"rule": {"type": "relative", "method": "proportional", "range": [-10, 100]}})
    assert any(f.startswith("rule-bad-parameter") and "负数" in f for f in found), found


# --- each shape against an independent implementation, written from the format's wording -----------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SCHEME = load(SHAPES)
MAYBE = st.one_of(st.none(), st.decimals(min_value=0, max_value=50, places=1))


def by_hand_relative(method: str, points: Decimal, values: dict[str, Decimal], unit: str, better: str = "higher",
                     step: Decimal = Decimal(0), floor: Decimal = Decimal(0), below: Decimal = Decimal(0)) -> Decimal:
    """5.3: a unit outside the field set scores 0; proportional points × value / max (0 when max is 0); rank
    points − (place − 1) × step, not below min, competition places best first; average points when at least as
    good as the arithmetic mean, else below."""
    if unit not in values:
        return Decimal(0)
    v = values[unit]
    if method == "proportional":
        top = max(values.values())
        return Decimal(0) if top == 0 else points * v / top
    if method == "rank":
        better_than = [o for o in values.values() if (o > v if better == "higher" else o < v)]
        return max(points - len(better_than) * step, floor)
    mean = sum(values.values()) / len(values)
    return points if (v >= mean if better == "higher" else v <= mean) else below


@settings(max_examples=60, deadline=None)
@given(st.lists(MAYBE, min_size=6, max_size=6), st.lists(MAYBE, min_size=6, max_size=6),
       st.lists(MAYBE, min_size=6, max_size=6))
def test_relative_shapes_against_the_wording(share: list[Any], brands: list[Any], complaints: list[Any]) -> None:
    entries: dict[str, Any] = {}
    for unit, a, b, c in zip(UNITS, share, brands, complaints):
        for key, value in ((f"{unit}|5|Y|数值", a), (f"{unit}|6|Y|数值", b), (f"{unit}|7|Y|数值", c)):
            if value is not None:
                scale = {"5": 100, "6": 1, "7": 10000}[key.split("|")[1]]  # %, a count, ‰ (stored values)
                entries[key] = float(value / scale)
        entries[f"{unit}|7|Y|合理缺项"] = "否"
    result = score(SCHEME, entries)
    five = {u: Decimal(str(entries[f"{u}|5|Y|数值"])) for u in UNITS if f"{u}|5|Y|数值" in entries}
    six = {u: Decimal(str(entries[f"{u}|6|Y|数值"])) for u in UNITS if f"{u}|6|Y|数值" in entries}
    seven = {u: Decimal(str(entries[f"{u}|7|Y|数值"])) for u in UNITS if f"{u}|7|Y|数值" in entries}
    for unit in UNITS:
        items = result.unit(unit).items
        assert close(items["5"].period_scores["Y"] or Decimal(0)) == close(
            by_hand_relative("proportional", Decimal(10), five, unit))
        assert (items["6"].period_scores["Y"] or Decimal(0)) == by_hand_relative(
            "rank", Decimal(6), six, unit, step=Decimal(1), floor=Decimal(2))
        assert (items["7"].period_scores["Y"] or Decimal(0)) == by_hand_relative(
            "average", Decimal(4), seven, unit, better="lower", below=Decimal(1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=110, places=1), min_size=4, max_size=4))
def test_targets_against_the_wording(rates: list[Decimal]) -> None:
    """Item 2: the scores of the targets met (3 for 合格率 >= 95%, 2 for 覆盖率 >= 90%); item 3: 4 × met / 2,
    丙区 with its own 0.5‰."""
    entries = {"a|2|Y|监督抽查合格率": float(rates[0] / 100), "a|2|Y|抽查覆盖率": float(rates[1] / 100),
               "c|3|Y|事故率": float(rates[2] / 100000), "c|3|Y|死亡率": float(rates[3] / 100000)}
    items_a, items_c = (score(SCHEME, entries).unit(u).items for u in "ac")
    assert items_a["2"].score == (3 if rates[0] >= 95 else 0) + (2 if rates[1] >= 90 else 0)
    met = (rates[2] / 100 < Decimal("0.5")) + (rates[3] / 100 < Decimal("0.1"))
    assert items_c["3"].score == Decimal(4) * met / 2
