"""Totals, grades and ranks per the scheme format (docs/scheme-format.md), every expected number worked out by hand."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qwb.engine import score
from qwb.scheme.model import Scheme

D = Decimal
Make = Callable[..., Scheme]

#: five units; 管理 may be 合理缺项; bonus_cap 3, deduction_cap 4; one veto
RANKED = {
    "full_marks": 100, "bonus_cap": 3, "deduction_cap": 4, "decimals": 2,
    "units": [{"id": x, "name": f"{x}县"} for x in "abcde"],
    "vetoes": [{"id": "V1", "title": "发生重大质量安全事件", "department": "d"}],
}
RANKED_ITEMS = [
    {"id": "1", "path": ["管理", "规划"], "points": 40, "na_allowed": True, "rule": {"type": "direct"}},
    {"id": "2", "path": ["结果"], "points": 60, "rule": {"type": "direct"}},
    {"id": "3", "path": ["加分"], "points": 5, "rule": {"type": "bonus", "levels": [
        {"field": "国家级", "per": 2}, {"field": "省级", "per": 1}]}},
    {"id": "4", "path": ["扣分"], "points": 0, "rule": {"type": "deduct", "per": 3, "from": "total"}},
]


def ranked_entries() -> dict[str, Any]:
    e: dict[str, Any] = {}

    def unit(u: str, s1: Any, s2: Any, count: int = 0, veto: str = "否", **bonus: int) -> None:
        if s1 is not None:
            e[f"{u}|1|Y|得分"] = s1
        e[f"{u}|2|Y|得分"] = s2
        e[f"{u}|4|Y|次数"] = count
        e[f"{u}|veto:V1|Y|是否发生"] = veto
        e.update({f"{u}|3|Y|{k}": v for k, v in bonus.items()})

    unit("a", 38, 57, 国家级=2)  # base 95 of 100 -> 95; bonus 2x2=4, capped at bonus_cap 3; total 98
    unit("b", 30, 55)  # 85
    unit("c", None, 51)  # 1 is 合理缺项: 51 of 60 -> 51 x 100 / 60 = 85, ties with b
    e["c|1|Y|合理缺项"] = "是"
    unit("d", 35, 50, count=2, veto="是", 省级=1)  # 85 + 1 - min(2x3, cap 4) = 82; veto -> D
    unit("e", 10, 5, count=3)  # 15 - min(9, 4) = 11
    return e


@pytest.fixture
def ranked(make_scheme: Make) -> Any:
    return score(make_scheme(RANKED_ITEMS, **RANKED), ranked_entries())


def test_competition_ranking_with_a_tie(ranked: Any) -> None:
    got = [(u.id, u.total, u.rank) for u in ranked.units]
    # sorted by rank then id; b and c tie at 85 and share rank 2; the next is 4
    assert got == [("a", 98, 1), ("b", 85, 2), ("c", 85, 2), ("d", 82, 4), ("e", 11, 5)]


def test_grades_and_veto(ranked: Any) -> None:
    grades = {u.id: (u.grade, u.veto) for u in ranked.units}
    # A >= 90, B >= 80, D >= 0; d's 82 would be B but its veto forces veto_grade D
    assert grades == {"a": ("A", False), "b": ("B", False), "c": ("B", False), "d": ("D", True), "e": ("D", False)}
    assert ranked.unit("d").vetoes == {"V1": True}


def test_base_bonus_deduction(ranked: Any) -> None:
    parts = {u.id: (u.base_raw, u.base_max, u.base, u.bonus, u.deduction) for u in ranked.units}
    assert parts == {
        "a": (95, 100, 95, 3, 0),  # bonus 4 capped at bonus_cap 3
        "b": (85, 100, 85, 0, 0),
        "c": (51, 60, 85, 0, 0),  # 51 x 100 / 60
        "d": (85, 100, 85, 1, 4),  # deduction 6 capped at deduction_cap 4
        "e": (15, 100, 15, 0, 4),  # deduction 9 capped at 4
    }
    assert all(u.complete for u in ranked.units)
    assert ranked.issues == []


def test_categories_are_unscaled_sums_of_active_items(ranked: Any) -> None:
    cats = {u.id: u.categories for u in ranked.units}
    # top-level path only; bonus and from-total deduction items are in no category
    assert cats["a"] == {"管理": 38, "结果": 57}
    assert cats["c"] == {"管理": 0, "结果": 51}  # 合理缺项 contributes nothing; 51 unscaled, not 85
    assert cats["e"] == {"管理": 10, "结果": 5}


def test_json_of_a_unit(ranked: Any) -> None:
    assert ranked.unit("c").to_json(2) == {
        "id": "c", "name": "c县", "total": 85.0, "grade": "B", "rank": 2, "veto": False, "complete": True,
        "base": 85.0, "bonus": 0.0, "deduction": 0.0, "categories": {"管理": 0.0, "结果": 51.0},
        # item 1 is 合理缺项, so absent; no bonus counts and no deductions score 0
        "items": {"2": {"score": 51, "periods": {"Y": 51}}, "3": {"score": 0, "periods": {"Y": 0}},
                  "4": {"score": 0, "periods": {"Y": 0}}},
    }


def test_fully_na_unit_scales_to_zero(make_scheme: Make) -> None:
    scheme = make_scheme([
        {"points": 10, "na_allowed": True, "rule": {"type": "direct"}},
        {"points": 5, "rule": {"type": "bonus", "levels": [{"field": "获奖", "per": 2}]}},
    ], full_marks=100)
    unit = score(scheme, {"u1|1|Y|合理缺项": "是", "u1|2|Y|获奖": 1}).unit("u1")
    # base_max 0 -> scaled 0 (no division by zero); total = 0 + bonus 2
    assert (unit.base_raw, unit.base_max, unit.base, unit.bonus, unit.total) == (0, 0, 0, 2, 2)
    assert unit.complete and unit.grade == "D"
    assert unit.items["1"].na and not unit.items["1"].active


@pytest.mark.parametrize(("full_marks", "expected"), [(100, D(90)), (None, D(90)), (50, D(45)), (120, D(108))])
def test_scaling_when_an_item_is_na(make_scheme: Make, full_marks: int | None, expected: Decimal) -> None:
    scheme = make_scheme([
        {"points": 20, "na_allowed": True, "rule": {"type": "direct"}},
        {"points": 80, "rule": {"type": "direct"}},
    ], full_marks=full_marks)
    unit = score(scheme, {"u1|1|Y|合理缺项": "是", "u1|1|Y|得分": 20, "u1|2|Y|得分": 72}).unit("u1")
    # base 72 of base_max 80 (item 1's 20 is ignored) on scale full_marks (default: 20 + 80 = 100): 72 x scale / 80
    assert (unit.base_raw, unit.base_max, unit.total) == (72, 80, expected)


@pytest.mark.parametrize(
    ("decimals", "value", "expected"),
    [
        (2, 8.125, D("8.13")),  # exactly half: up (half-even would give 8.12)
        (2, 1.005, D("1.01")),  # the float 1.00499999999999989... is read as 1.005; Python's round() gives 1.0
        (2, 8.124, D("8.12")),
        (1, 0.25, D("0.3")),
        (0, 2.5, D(3)),
        (0, 3.5, D(4)),
        (3, 1.0005, D("1.001")),
    ],
)
def test_rounding_half_up(make_scheme: Make, decimals: int, value: float, expected: Decimal) -> None:
    scheme = make_scheme([{"points": 10, "rule": {"type": "direct"}}], decimals=decimals)
    unit = score(scheme, {"u1|1|Y|得分": value}).unit("u1")
    assert unit.total == expected
    assert unit.to_json(decimals)["total"] == float(expected)


def test_rounding_half_up_after_scaling(make_scheme: Make) -> None:
    scheme = make_scheme([
        {"points": 20, "na_allowed": True, "rule": {"type": "direct"}},
        {"points": 80, "rule": {"type": "direct"}},
    ], full_marks=100)
    unit = score(scheme, {"u1|1|Y|合理缺项": "是", "u1|2|Y|得分": 35.004}).unit("u1")
    # 35.004 x 100 / 80 = 43.755 exactly -> 43.76
    assert unit.total == D("43.76") and unit.base == D("43.76")


def test_total_is_floored_at_zero(make_scheme: Make) -> None:
    scheme = make_scheme([
        {"points": 100, "rule": {"type": "direct"}},
        {"points": 0, "path": ["扣分"], "rule": {"type": "deduct", "per": 5, "from": "total"}},
    ])
    unit = score(scheme, {"u1|1|Y|得分": 2, "u1|2|Y|次数": 1}).unit("u1")
    # max(2 - 5, 0) = 0
    assert (unit.base, unit.deduction, unit.total, unit.grade) == (2, 5, 0, "D")


# --- several periods ----------------------------------------------------------------------------------


PERIODS = [{"id": "H1", "name": "半年"}, {"id": "Q3", "name": "前三季度"}, {"id": "Y", "name": "年终"}]
PERIOD_ITEMS = [
    {"points": 10, "rule": {"type": "direct"}},  # asked in H1, Q3 and Y
    {"points": 10, "periods": ["Y"], "rule": {"type": "direct"}},  # asked at year end only
]


@pytest.mark.parametrize(
    ("how", "item", "total"),
    [
        # item 1: H1 6, Q3 missing (0), Y 9; item 2: 8; scale 20 = base_max 20
        ("mean", D(5), D(13)),  # (6 + 0 + 9) / 3 = 5
        ("last", D(9), D(17)),
        ("min", D(0), D(8)),
        ("max", D(9), D(17)),
        ("sum", D(15), D(23)),  # 6 + 0 + 9: the scheme asked for a sum
    ],
)
def test_period_aggregation_with_a_missing_period(make_scheme: Make, how: str, item: Decimal, total: Decimal) -> None:
    scheme = make_scheme(PERIOD_ITEMS, periods=PERIODS, period_aggregate=how)
    result = score(scheme, {"u1|1|H1|得分": 6, "u1|1|Y|得分": 9, "u1|2|Y|得分": 8})
    unit = result.unit("u1")
    assert unit.items["1"].period_scores == {"H1": 6, "Q3": None, "Y": 9}
    assert unit.items["1"].score == item
    assert unit.items["2"].period_scores == {"Y": 8}
    assert unit.total == total
    assert not unit.complete and not unit.items["1"].complete
    assert [(i.code, i.key) for i in result.issues] == [("missing-value", "u1|1|Q3|得分")]


def test_period_mean_when_complete(make_scheme: Make) -> None:
    scheme = make_scheme(PERIOD_ITEMS, periods=PERIODS)
    unit = score(scheme, {"u1|1|H1|得分": 6, "u1|1|Q3|得分": 7, "u1|1|Y|得分": 9, "u1|2|Y|得分": 8}).unit("u1")
    # item 1: 22 / 3 = 7.333...; total 7.333... + 8 = 15.333... -> 15.33
    assert unit.items["1"].score == D(22) / 3
    assert (unit.total, unit.complete) == (D("15.33"), True)


def test_na_is_asked_in_the_items_last_period(make_scheme: Make) -> None:
    scheme = make_scheme([{"points": 10, "na_allowed": True, "rule": {"type": "direct"}},
                          {"points": 10, "rule": {"type": "direct"}}], periods=PERIODS)
    result = score(scheme, {"u1|1|Y|合理缺项": "是", "u1|1|H1|合理缺项": "是",
                            **{f"u1|2|{p}|得分": 5 for p in ("H1", "Q3", "Y")}})
    unit = result.unit("u1")
    # 合理缺项 in Y covers every period of item 1; 5 of 10 -> 5 x 20 / 10 = 10
    assert (unit.items["1"].na, unit.complete, unit.total) == (True, True, 10)
    assert [(i.code, i.key) for i in result.issues] == [("unknown-key", "u1|1|H1|合理缺项")]


# --- missing, unknown and invalid entries ---------------------------------------------------------------


NA_PAIR = [
    {"points": 40, "na_allowed": True, "rule": {"type": "direct"}},
    {"points": 60, "rule": {"type": "direct"}},
]


@pytest.mark.parametrize("na", [None, "否", "无"])
def test_missing_value_is_never_na(make_scheme: Make, na: str | None) -> None:
    scheme = make_scheme(NA_PAIR, full_marks=100)
    entries: dict[str, Any] = {"u1|2|Y|得分": 60}
    if na is not None:
        entries["u1|1|Y|合理缺项"] = na
    result = score(scheme, entries)
    unit = result.unit("u1")
    # item 1 scores 0 and stays in base_max: 60 of 100 -> 60 (it would be 100 if treated as 合理缺项)
    assert (unit.base_raw, unit.base_max, unit.total, unit.complete) == (60, 100, 60, False)
    assert unit.items["1"].score == 0 and not unit.items["1"].na
    assert unit.missing == ["u1|1|Y|得分"]
    issue = result.issues[0]
    assert (len(result.issues), issue.code, issue.severity, issue.unit, issue.indicator) == (
        1, "missing-value", "warning", "u1", "1")
    assert "未填写" in issue.message


def test_missing_veto_answer_makes_the_unit_incomplete(ranked: Any, make_scheme: Make) -> None:
    entries = ranked_entries()
    del entries["b|veto:V1|Y|是否发生"]
    result = score(make_scheme(RANKED_ITEMS, **RANKED), entries)
    b = result.unit("b")
    assert (b.total, b.veto, b.grade, b.complete) == (85, False, "B", False)
    assert [(i.code, i.key) for i in result.issues] == [("missing-value", "b|veto:V1|Y|是否发生")]


def test_invalid_value_scores_zero_and_reports_once(make_scheme: Make) -> None:
    scheme = make_scheme(NA_PAIR, full_marks=100)
    result = score(scheme, {"u1|1|Y|得分": "很好", "u1|2|Y|得分": 60})
    unit = result.unit("u1")
    assert (unit.total, unit.complete) == (60, False)
    # an error for the bad value, and no second "missing" warning for the same cell
    assert [(i.code, i.severity, i.key) for i in result.issues] == [("invalid-number", "error", "u1|1|Y|得分")]


def test_absurd_number_is_invalid_not_a_crash(make_scheme: Make) -> None:
    scheme = make_scheme([{"points": 10, "rule": {"type": "linear", "zero_at": 0.6, "full_at": 0.1, "unit": "‰"}}])
    for text in ("1e9999999", "9e999999", "-1e400"):
        result = score(scheme, {"u1|1|Y|数值": text})
        assert [i.code for i in result.issues] == ["invalid-number"], text
    assert score(scheme, {"u1|1|Y|数值": "1e300"}).unit("u1").total == 0  # huge but real: clamped to 0


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("u1|99|Y|得分", "unknown-key"),  # no such indicator
        ("zz|1|Y|得分", "unknown-key"),  # no such unit
        ("u1|1|H1|得分", "unknown-key"),  # no such period
        ("u1|1|Y|数值", "unknown-key"),  # a direct item asks for 得分
        ("u1|veto:V9|Y|是否发生", "unknown-key"),
        ("u1|1|Y", "unknown-key"),  # three parts
        ("乱码", "unknown-key"),
        ("u1|2|Y|合理缺项", "na-not-allowed"),  # item 2 does not allow 合理缺项
    ],
)
def test_unknown_keys_are_reported_and_ignored(make_scheme: Make, key: str, code: str) -> None:
    scheme = make_scheme(NA_PAIR, full_marks=100)
    result = score(scheme, {"u1|1|Y|得分": 30, "u1|2|Y|得分": 45, key: "是"})
    assert [(i.code, i.key) for i in result.issues] == [(code, key)]
    expected_severity = "error" if code == "na-not-allowed" else "warning"
    assert result.issues[0].severity == expected_severity
    unit = result.unit("u1")
    assert (unit.total, unit.complete, unit.items["2"].active) == (75, True, True)  # 30 + 45, nothing changed


def test_mini_scheme_end_to_end(mini: Scheme) -> None:
    entries = {
        "east|1|Y|选项": "完成", "east|2|Y|得分": 9.5, "east|3|Y|本期": 120, "east|3|Y|基期": 100,
        "east|4|Y|数值": 0.96, "east|5|Y|数值": 82, "east|6|Y|数值": 0.0002, "east|7|Y|次数": 1,
        "east|8|Y|次数": 1, "east|9|Y|国家级": 1, "east|veto:V1|Y|是否发生": "否",
    }
    east = score(mini, entries).unit("east")
    # 10 + 9.5 + 20 + 20 + 15 + 8 (linear 0.8) + 8 (10 - 2) = 90.5 of 100; bonus 2; deduction 3
    assert (east.base, east.bonus, east.deduction, east.total, east.grade) == (D("90.5"), 2, 3, D("89.5"), "B")
    assert east.categories == {"宏观": D("39.5"), "结果": 51}
    assert east.complete


# --- the totals formula, written out independently, against the engine -----------------------------------

unit_inputs = st.tuples(
    st.one_of(st.none(), st.integers(min_value=0, max_value=80).map(lambda n: D(n) / 2)),  # item 1 or 合理缺项
    st.integers(min_value=0, max_value=600).map(lambda n: D(n) / 10),  # item 2
    st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=3),  # 国家级, 省级
    st.integers(min_value=0, max_value=3),  # deductions from the total
    st.booleans(),  # veto
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inputs=st.lists(unit_inputs, min_size=5, max_size=5), full_marks=st.sampled_from([None, 100, 50, 120]))
def test_totals_grades_ranks_follow_the_formula(make_scheme: Make, inputs: list[Any], full_marks: int | None) -> None:
    scheme = make_scheme(RANKED_ITEMS, **{**RANKED, "full_marks": full_marks})
    entries: dict[str, Any] = {}
    want: dict[str, tuple[Decimal, str]] = {}
    for u, (s1, s2, national, provincial, count, veto) in zip("abcde", inputs):
        entries.update({f"{u}|2|Y|得分": s2, f"{u}|3|Y|国家级": national, f"{u}|3|Y|省级": provincial,
                        f"{u}|4|Y|次数": count, f"{u}|veto:V1|Y|是否发生": "是" if veto else "否"})
        entries.update({f"{u}|1|Y|合理缺项": "是"} if s1 is None else {f"{u}|1|Y|得分": s1})
        base, base_max = (s2, D(60)) if s1 is None else (s1 + s2, D(100))
        scaled = base * (full_marks if full_marks is not None else 100) / base_max
        bonus = min(min(D(2 * national + provincial), D(5)), D(3))
        deduction = min(D(3 * count), D(4))
        total = max(scaled + bonus - deduction, D(0)).quantize(D("0.01"), rounding="ROUND_HALF_UP")
        grade = "D" if veto else next(g for g, low in (("A", 90), ("B", 80), ("C", 60), ("D", 0)) if total >= low)
        want[u] = (total, grade)
    result = score(scheme, entries)
    assert {u.id: (u.total, u.grade) for u in result.units} == want
    totals = [t for t, _ in want.values()]
    assert {u.id: u.rank for u in result.units} == {u: 1 + sum(t > want[u][0] for t in totals) for u in want}
    assert [(u.rank, u.id) for u in result.units] == sorted((u.rank, u.id) for u in result.units)
    assert result.issues == [] and all(u.complete for u in result.units)


def test_key_index_holds_one_unit_and_answers_for_every_key() -> None:
    from qwb.engine import KeyIndex, PerUnit
    from qwb.scheme import bundled, load
    from qwb.scheme.entries import entries

    for path in bundled():
        scheme = load(path)
        index = KeyIndex(scheme)
        assert isinstance(index.fields, PerUnit)
        every = list(entries(scheme))
        assert list(index.fields) == [e.key for e in every] and len(index.items) == len(every)
        for e in every:
            assert index.fields[e.key] == e.field and index.items.get(e.key) is e.item and e.key in index.fields
        unit = scheme.units[0].id
        for wrong in (f"nobody|{every[0].key.partition('|')[2]}", f"{unit}|nothing|Y|值", unit, "", 3):
            assert wrong not in index.fields and index.fields.get(wrong) is None  # type: ignore[arg-type]
