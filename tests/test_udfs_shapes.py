"""QWB_TARGETS, QWB_PROPORTIONAL, QWB_RANKSCORE and QWB_AVERAGE through xlwings' dispatch agree with the engine
on every item-period of the shapes scheme (tests/shapes_case.py), and on generated cases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from shapes_case import SHAPES, UNITS, values
from test_udfs import NA, VALUE, call, cell, column

from qwb.engine import score
from qwb.rules import RelativeRule
from qwb.scheme import load

SCHEME = load(SHAPES)
RESULT = score(SCHEME, values())
VALUES = values()


def engine(unit: str, item: str, period: str) -> float | None:
    got = RESULT.unit(unit).items[item].period_scores.get(period)
    return None if got is None else float(got)


def test_targets_scored_each_item_2() -> None:
    for unit in UNITS:
        rates = [VALUES.get(f"{unit}|2|Y|监督抽查合格率"), VALUES.get(f"{unit}|2|Y|抽查覆盖率")]
        got = call("QWB_TARGETS", column(rates), column([">=", ">="]), column(["95%", "90%"]), column([3, 2]),
                   cell(5))
        assert got == (NA if engine(unit, "2", "Y") is None else engine(unit, "2", "Y")), unit


def test_targets_by_share_with_each_units_own_target_item_3() -> None:
    for unit in UNITS:
        rates = [VALUES[f"{unit}|3|Y|事故率"], VALUES[f"{unit}|3|Y|死亡率"]]
        own = 0.0005 if unit == "c" else 0.0003  # 丙区's own target
        got = call("QWB_TARGETS", column(rates), column(["<", "<"]), column([own, 0.0001]), None, cell(4))
        assert got == engine(unit, "3", "Y"), unit


def test_per_unit_target_item_4() -> None:
    goals = {"c": 0.9, "f": 0.8}
    for unit in UNITS:
        got = call("QWB_TARGET", cell(VALUES[f"{unit}|4|Y|数值"]), cell(">="), cell(goals.get(unit, 1.0)), cell(6))
        assert got == engine(unit, "4", "Y"), unit


def field_set(item: str, period: str) -> list[Any]:
    out = []
    for unit in UNITS:
        if VALUES.get(f"{unit}|{item}|Y|合理缺项") == "是":
            out.append(None)
        else:
            out.append(VALUES.get(f"{unit}|{item}|{period}|数值"))
    return out


def test_relative_functions_items_5_to_7() -> None:
    checks = [
        ("5", "Y", lambda v, vs: call("QWB_PROPORTIONAL", cell(v), column(vs), cell(10))),
        ("6", "H1", lambda v, vs: call("QWB_RANKSCORE", cell(v), column(vs), cell(6), cell(1), cell("higher"), cell(2))),
        ("6", "Y", lambda v, vs: call("QWB_RANKSCORE", cell(v), column(vs), cell(6), cell(1), None, cell(2))),
        ("7", "Y", lambda v, vs: call("QWB_AVERAGE", cell(v), column(vs), cell(4), cell("lower"), cell(1))),
    ]
    compared = 0
    for item, period, function in checks:
        members = field_set(item, period)
        for unit, value in zip(UNITS, members):
            if value is None:
                continue
            assert function(value, members) == engine(unit, item, period), (item, period, unit)
            compared += 1
    assert compared == 5 + 6 + 5 + 5


def test_relative_functions_refuse_what_they_cannot_score() -> None:
    assert call("QWB_PROPORTIONAL", cell(5), column([1, 2]), cell(10)) == NA  # not in the field set
    assert call("QWB_PROPORTIONAL", cell(-1), column([-1, 2]), cell(10)) == VALUE
    assert call("QWB_RANKSCORE", cell(1), column([1, 2]), cell(6), cell(1), cell("sideways")) == VALUE
    assert call("QWB_TARGETS", column([1, 2]), column([">="]), column([1, 2]), None, cell(4)) == VALUE
    assert call("QWB_TARGETS", column([1, 2]), column([">=", ">="]), column([1, 2])) == VALUE  # no points


@settings(max_examples=40, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=500, places=1), min_size=1, max_size=7),
       st.sampled_from(["higher", "lower"]))
def test_generated_relative_cases_agree(numbers: list[Decimal], better: str) -> None:
    floats = [float(n) for n in numbers]
    for i in range(len(numbers)):
        members = {str(j): m for j, m in enumerate(numbers)}
        rank = RelativeRule("rank", better, Decimal(2), Decimal(1)).scores(Decimal(10), members)[str(i)]
        assert call("QWB_RANKSCORE", cell(floats[i]), column(floats), cell(10), cell(2), cell(better), cell(1)) == \
            float(rank)
        mean = RelativeRule("average", better, below=Decimal(3)).scores(Decimal(8), members)[str(i)]
        assert call("QWB_AVERAGE", cell(floats[i]), column(floats), cell(8), cell(better), cell(3)) == float(mean)


def test_unitscore_uses_each_units_target_and_each_nodes_rule() -> None:
    path = cell(str(SHAPES))
    for unit in UNITS:  # item 4: 100 %, 丙区 90 %, 己区 80 %
        value = VALUES[f"{unit}|4|Y|数值"]
        assert call("QWB_UNITSCORE", path, cell("4"), cell(unit), cell("Y"), cell(value)) == engine(unit, "4", "Y")
    assert call("QWB_UNITSCORE", path, cell("4"), cell("丙区"), cell("年终"), cell(0.9)) == 6  # by name
    assert call("QWB_UNITSCORE", path, cell("4"), cell("甲区"), cell("年终"), cell(0.9)) == 0
    assert call("QWB_UNITSCORE", path, cell("4"), cell(None), cell(None), cell(0.9)) == 0  # blank unit: the common target
    assert call("QWB_SCORE", path, cell("4"), cell(0.9)) == VALUE  # it would not know whose target
    assert call("QWB_UNITSCORE", path, cell("4"), cell("庚区"), cell("Y"), cell(0.9)) == NA
    assert call("QWB_UNITSCORE", path, cell("4"), cell("a"), cell("H1"), cell(0.9)) == NA  # 4 has no 半年 node
    # item 1: a choice at 半年, a target at 年终
    assert call("QWB_UNITSCORE", path, cell("1"), cell(None), cell("半年"), cell("已制定方案")) == 5
    assert call("QWB_SCORE", path, cell("1"), cell("已制定方案")) == VALUE
