"""Every rule type at its boundaries, scored through the engine (docs/scheme-format.md).

Each test builds a one-item scheme (or uses tests/data/mini.yaml), enters values
as a spreadsheet or a person would give them, and reads back the item's score
for the period and the issue codes. Expected scores are worked out by hand in
the parameter lists.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qwb.engine import Result, score
from qwb.keys import key_text
from qwb.rules import score_expression
from qwb.scheme.model import Builder, Scheme

D = Decimal


def run(scheme: Scheme, fields: dict[str, Any], item: str = "1", unit: str = "u1", period: str = "Y") -> Result:
    return score(scheme, {key_text(unit, item, period, name): value for name, value in fields.items()})


def outcome(scheme: Scheme, fields: dict[str, Any], item: str = "1", unit: str = "u1") -> tuple[Decimal | None, list[str]]:
    """(the item's score in the year, the issue codes other than missing-value)."""
    result = run(scheme, fields, item, unit)
    period_score = result.unit(unit).items[item].period_scores["Y"]
    return period_score, [i.code for i in result.issues if i.code != "missing-value"]


def item_score(scheme: Scheme, fields: dict[str, Any], item: str = "1", unit: str = "u1") -> Decimal | None:
    got, codes = outcome(scheme, fields, item, unit)
    assert codes == [], codes
    return got


def one(make: Callable[..., Scheme], rule: dict[str, Any], points: int | float = 10, **extra: Any) -> Scheme:
    return make([{"points": points, "rule": rule}], **extra)


# --- target ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        (">=", 90, 10), (">=", 89.99, 0), (">=", 90.01, 10),
        (">", 90, 0), (">", 90.01, 10), (">", 89.99, 0),
        ("<=", 90, 10), ("<=", 90.01, 0), ("<=", 89.99, 10),
        ("<", 90, 0), ("<", 89.99, 10), ("<", 90.01, 0),
    ],
)
def test_target_each_op_at_and_around_the_target(make_scheme: Callable[..., Scheme], op: str, value: float, expected: int) -> None:
    scheme = one(make_scheme, {"type": "target", "op": op, "target": 90})
    assert item_score(scheme, {"数值": value}) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.952, 20),  # the stored fraction of 95.2%: exactly the target
        (0.9519999999999999, 20),  # Excel's float for 95.2% after arithmetic: 15 significant digits make it 0.952
        (0.9519, 0),
        (0.95199999999, 0),  # 11 significant digits are a real value below the target
        ("95.2%", 20),
        ("95.2", 20),  # typed into a percentage cell: in the field's own unit
        ("９５．２％", 20),
        ("95.1%", 0),
        (1, 20),  # 100%
    ],
)
def test_target_in_percent(mini: Scheme, value: Any, expected: int) -> None:
    # mini item 4: target >= 95.2 %, 20 points
    assert item_score(mini, {"数值": value}, item="4", unit="east") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0006, 10), ("0.6‰", 10), (0.00059, 10), (0.00061, 0), ("0.61‰", 0), (0.0006000000000000001, 10), (0, 10)],
)
def test_target_in_per_mille_lower_is_better(make_scheme: Callable[..., Scheme], value: Any, expected: int) -> None:
    scheme = one(make_scheme, {"type": "target", "op": "<=", "target": 0.6, "unit": "‰"})
    assert item_score(scheme, {"数值": value}) == expected


def test_float_as_excel_passes_it_meets_the_target(make_scheme: Callable[..., Scheme]) -> None:
    # 95.2 computed in a spreadsheet (e.g. 0.952*100) arrives as 95.19999999999999
    scheme = one(make_scheme, {"type": "target", "op": ">=", "target": 95.2})
    assert 0.952 * 100 == 95.19999999999999
    assert item_score(scheme, {"数值": 0.952 * 100}) == 10
    assert item_score(scheme, {"数值": 95.1999999999}) == 0  # 12 significant digits: really below


@pytest.mark.parametrize(
    ("params", "value", "expected"),
    [
        ({}, 90, 10),  # pass defaults to the item's points
        ({}, 80, 0),  # fail defaults to 0
        ({"pass": 8, "fail": 2}, 90, 8),
        ({"pass": 8, "fail": 2}, 80, 2),
        ({"fail": 3}, 80, 3),
    ],
)
def test_target_pass_and_fail_scores(make_scheme: Callable[..., Scheme], params: dict[str, Any], value: int, expected: int) -> None:
    scheme = one(make_scheme, {"type": "target", "op": ">=", "target": 85, **params})
    assert item_score(scheme, {"数值": value}) == expected


# --- steps ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, 20),
        (90, 20),  # meets every step: the first one wins
        (85, 20),  # exactly at a step
        (84.99, 15),
        (80, 15),
        (79.99999999999999, 15),  # a spreadsheet's 80: 15 significant digits
        (70, 10),
        (69.9, 0),  # no step met: else (default 0)
        ("八十五", 20),
        ("85分", 20),
    ],
)
def test_steps_higher_is_better(mini: Scheme, value: Any, expected: int) -> None:
    # mini item 5: >= 85 -> 20, >= 80 -> 15, >= 70 -> 10, else 0
    assert item_score(mini, {"数值": value}, item="5", unit="east") == expected


LOWER_STEPS = {
    "type": "steps", "op": "<=", "unit": "%",
    "steps": [{"at": 1, "score": 10}, {"at": 2, "score": 6}, {"at": 3, "score": 2}], "else": 1,
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 10),
        (0.005, 10),
        (0.01, 10),  # exactly 1%
        ("1%", 10),
        (0.0101, 6),
        (0.02, 6),
        (0.025, 2),
        (0.03, 2),
        (0.0301, 1),  # else
        ("3.5%", 1),
    ],
)
def test_steps_lower_is_better_in_percent_with_else(make_scheme: Callable[..., Scheme], value: Any, expected: int) -> None:
    assert item_score(one(make_scheme, LOWER_STEPS), {"数值": value}) == expected


# --- linear --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (50, D(0)),  # below zero_at: clamped to 0
        (60, D(0)),
        (66, D(2)),  # 10 x (66-60)/30 = 2
        (75, D(5)),  # the midpoint
        (90, D(10)),
        (120, D(10)),  # above full_at: clamped to points
        (70, D(10) / 3),  # 10 x 10/30
    ],
)
def test_linear_increasing(make_scheme: Callable[..., Scheme], value: int, expected: Decimal) -> None:
    scheme = one(make_scheme, {"type": "linear", "zero_at": 60, "full_at": 90})
    got = item_score(scheme, {"数值": value})
    assert got is not None and abs(got - expected) < D("1e-20")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0007, D(0)),  # worse than zero_at 0.6‰: clamped
        (0.0006, D(0)),
        ("0.6‰", D(0)),
        (0.00035, D(5)),  # midpoint of 0.6‰ .. 0.1‰
        (0.0002, D(8)),  # 10 x (0.0002-0.0006)/(0.0001-0.0006) = 10 x 0.8
        (0.0001, D(10)),
        (0, D(10)),  # better than full_at: clamped to points
    ],
)
def test_linear_decreasing_per_mille(mini: Scheme, value: Any, expected: Decimal) -> None:
    # mini item 6: zero_at 0.6‰, full_at 0.1‰, 10 points
    assert item_score(mini, {"数值": value}, item="6", unit="east") == expected


# --- compare -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("better", "current", "baseline", "expected"),
    [
        ("higher", 5, 4, 20), ("higher", 4, 4, 10), ("higher", 3, 4, 0),
        ("lower", 3, 4, 20), ("lower", 4, 4, 10), ("lower", 5, 4, 0),
        ("higher", 0.1 + 0.2, 0.3, 10),  # 0.30000000000000004 is the spreadsheet's 0.3: same
        ("higher", "四", 4, 10),
    ],
)
def test_compare(make_scheme: Callable[..., Scheme], better: str, current: Any, baseline: Any, expected: int) -> None:
    scheme = one(make_scheme, {"type": "compare", "better": better, "scores": {"better": 20, "same": 10, "worse": 0}}, points=20)
    assert item_score(scheme, {"本期": current, "基期": baseline}) == expected


def test_compare_missing_baseline_scores_nothing(make_scheme: Callable[..., Scheme]) -> None:
    scheme = one(make_scheme, {"type": "compare", "better": "higher", "scores": {"better": 10, "same": 5, "worse": 0}})
    result = run(scheme, {"本期": 5})
    assert result.unit("u1").items["1"].period_scores["Y"] is None
    assert result.unit("u1").items["1"].score == 0
    assert [i.code for i in result.issues] == ["missing-value"]
    assert result.issues[0].key == "u1|1|Y|基期"


# --- deduct --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "count", "expected"),
    [
        ({}, 0, 10),
        ({}, 3, 4),  # 10 - 3 x 2
        ({}, 5, 0),  # 10 - 10
        ({}, 6, 0),  # 10 - 12 floored at 0
        ({"max": 4}, 1, 8),
        ({"max": 4}, 3, 6),  # 10 - min(6, 4)
        ({"max": 4}, 50, 6),
    ],
)
def test_deduct_from_item(make_scheme: Callable[..., Scheme], params: dict[str, Any], count: int, expected: int) -> None:
    scheme = one(make_scheme, {"type": "deduct", "per": 2, "from": "item", **params})
    assert item_score(scheme, {"次数": count}) == expected


def _with_total_deductions(make: Callable[..., Scheme], deduction_cap: int | None, *rules: dict[str, Any]) -> Scheme:
    items = [{"points": 100, "rule": {"type": "direct"}}]
    items += [{"points": 0, "path": ["扣分项"], "rule": {"type": "deduct", "from": "total", **r}} for r in rules]
    return make(items, deduction_cap=deduction_cap)


@pytest.mark.parametrize(
    ("count", "cap", "deduction", "total"),
    [
        (0, None, 0, 90),
        (1, None, 3, 87),  # 90 - 3
        (2, None, 6, 84),
        (5, None, 6, 84),  # min(5 x 3, max 6) = 6
        (1, 4, 3, 87),
        (2, 4, 4, 86),  # min(6, deduction_cap 4) = 4
    ],
)
def test_deduct_from_total(make_scheme: Callable[..., Scheme], count: int, cap: int | None, deduction: int, total: int) -> None:
    scheme = _with_total_deductions(make_scheme, cap, {"per": 3, "max": 6})
    result = score(scheme, {"u1|1|Y|得分": 90, "u1|2|Y|次数": count})
    unit = result.unit("u1")
    assert (unit.deduction, unit.total, unit.base) == (deduction, total, 90)
    assert unit.items["2"].role == "deduction" and not unit.items["2"].active
    assert "扣分项" not in unit.categories  # not in the base, not in a category


def test_deductions_from_total_add_up_then_the_cap_applies(make_scheme: Callable[..., Scheme]) -> None:
    scheme = _with_total_deductions(make_scheme, 5, {"per": 3}, {"per": 1.5})
    # 2 x 3 + 1 x 1.5 = 7.5 -> capped at 5; 90 - 5 = 85
    unit = score(scheme, {"u1|1|Y|得分": 90, "u1|2|Y|次数": 2, "u1|3|Y|次数": 1}).unit("u1")
    assert (unit.deduction, unit.total) == (5, 85)
    uncapped = score(_with_total_deductions(make_scheme, None, {"per": 3}, {"per": 1.5}),
                     {"u1|1|Y|得分": 90, "u1|2|Y|次数": 2, "u1|3|Y|次数": 1}).unit("u1")
    assert (uncapped.deduction, uncapped.total) == (D("7.5"), D("82.5"))


@pytest.mark.parametrize(("count", "code"), [(1.5, "not-whole-number"), (-1, "out-of-range"), ("两次半", "invalid-number")])
def test_deduct_count_must_be_a_whole_number(make_scheme: Callable[..., Scheme], count: Any, code: str) -> None:
    scheme = one(make_scheme, {"type": "deduct", "per": 2})
    assert outcome(scheme, {"次数": count}) == (None, [code])


# --- bonus ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "item", "unit_bonus"),
    [
        ({}, 0, 0),  # bonus levels are optional: blank counts 0
        ({"省级": 1}, 1, 1),
        ({"国家级": 1, "省级": 1}, 3, 3),
        ({"国家级": 1, "省级": 2}, 4, 3),  # item 4, capped by bonus_cap 3
        ({"国家级": 2, "省级": 2}, 5, 3),  # 6 capped at the item's 5 points, then at bonus_cap 3
    ],
)
def test_bonus_capped_at_points_and_bonus_cap(mini: Scheme, counts: dict[str, int], item: int, unit_bonus: int) -> None:
    # mini item 9: 国家级 x 2 + 省级 x 1, 5 points; mini bonus_cap 3
    result = score(mini, {f"east|9|Y|{k}": v for k, v in counts.items()})
    east = result.unit("east")
    assert east.items["9"].score == item
    assert east.bonus == unit_bonus
    assert not [i for i in result.issues if i.indicator == "9"]  # blank bonus counts are not missing


def test_bonus_without_bonus_cap_is_capped_only_at_points(make_scheme: Callable[..., Scheme]) -> None:
    scheme = make_scheme([
        {"points": 10, "rule": {"type": "direct"}},
        {"points": 5, "rule": {"type": "bonus", "levels": [{"field": "获奖", "per": 2}]}},
        {"points": 2, "rule": {"type": "bonus", "levels": [{"field": "获奖", "per": 1}]}},
    ])
    unit = score(scheme, {"u1|1|Y|得分": 8, "u1|2|Y|获奖": 2, "u1|3|Y|获奖": 3}).unit("u1")
    # item 2: min(2 x 2, 5) = 4; item 3: min(3 x 1, 2) = 2; bonus 6; scaled 8 x 10 / 10 = 8; total 14
    assert (unit.items["2"].score, unit.items["3"].score, unit.bonus, unit.total) == (4, 2, 6, 14)


# --- direct --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "codes"),
    [
        (7.5, D("7.5"), []),
        (0, D(0), []),
        (10, D(10), []),
        ("9.5分", D("9.5"), []),
        (7.3, None, ["off-step"]),
        (10.5, None, ["out-of-range"]),  # above the item's points, even though on the step
        (-0.5, None, ["out-of-range"]),
        ("很好", None, ["invalid-number"]),
    ],
)
def test_direct_with_step(mini: Scheme, value: Any, expected: Decimal | None, codes: list[str]) -> None:
    # mini item 2: direct, step 0.5, 10 points
    assert outcome(mini, {"得分": value}, item="2", unit="east") == (expected, codes)


def test_direct_issues_are_errors_and_score_zero(mini: Scheme) -> None:
    result = run(mini, {"得分": 7.3}, item="2", unit="east")
    issue = next(i for i in result.issues if i.code == "off-step")
    assert (issue.severity, issue.unit, issue.indicator, issue.key) == ("error", "east", "2", "east|2|Y|得分")
    assert "0.5" in issue.message
    east = result.unit("east")
    assert east.items["2"].score == 0 and not east.complete


def test_direct_without_step_takes_any_number_in_range(make_scheme: Callable[..., Scheme]) -> None:
    scheme = one(make_scheme, {"type": "direct"})
    assert item_score(scheme, {"得分": 7.33}) == D("7.33")


# --- choice --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("完成", 10), ("部分完成", 5), ("未完成", 0), (" 部分完成 ", 5), ("\u3000完成\u3000", 10), ("部分 完成", 5)],
)
def test_choice_labels(mini: Scheme, value: str, expected: int) -> None:
    # mini item 1: 完成 10, 部分完成 5, 未完成 0
    assert item_score(mini, {"选项": value}, item="1", unit="east") == expected


def test_choice_full_width_label(make_scheme: Callable[..., Scheme]) -> None:
    scheme = one(make_scheme, {"type": "choice", "options": [{"label": "A类", "score": 10}, {"label": "B类", "score": 6}]})
    assert item_score(scheme, {"选项": "Ａ类"}) == 10
    assert item_score(scheme, {"选项": " Ｂ类"}) == 6


@pytest.mark.parametrize("value", ["基本完成", "完成了", True, "=A1", 10])
def test_invalid_choice_scores_nothing(mini: Scheme, value: Any) -> None:
    result = run(mini, {"选项": value}, item="1", unit="east")
    codes = [i.code for i in result.issues if i.key.startswith("east|1|")]
    assert codes == ["formula-in-value" if value == "=A1" else "invalid-choice"]
    east = result.unit("east")
    assert east.items["1"].period_scores["Y"] is None and east.items["1"].score == 0
    assert not east.complete


def test_choice_numeric_labels_from_a_spreadsheet(make_scheme: Callable[..., Scheme]) -> None:
    scheme = one(make_scheme, {"type": "choice", "options": [
        {"label": "1", "score": 10}, {"label": "2", "score": 6}, {"label": "3", "score": 0}]})
    # a dropdown's "2" is stored as the number 2.0
    assert item_score(scheme, {"选项": 2.0}) == 6
    assert item_score(scheme, {"选项": 1}) == 10
    assert outcome(scheme, {"选项": 4.0}) == (None, ["invalid-choice"])


def test_bonus_level_fields_must_differ() -> None:
    levels = [{"field": "获奖", "per": 2}, {"field": " 获奖", "per": 1}]  # the same field twice: one template row
    data = {"id": "t", "name": "测试", "year": 2024, "units": [{"id": "u1"}], "departments": [{"id": "d"}],
            "indicators": [{"id": "1", "title": "获奖", "points": 5, "department": "d",
                            "rule": {"type": "bonus", "levels": levels}}]}
    builder = Builder(data, lambda path: {"cell": path})
    builder.build()
    assert [(i.code, i.cell) for i in builder.issues] == [("rule-bad-parameter", "indicators[0].rule.levels[1].field")]


# --- the contract's table, written out independently, against the engine ------------------------------

FACTORS = {"%": D("0.01"), "‰": D("0.001")}
OPS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}


#: section 5.1's default ranges, in the field's unit
DEFAULT_RANGES = {"%": (D(0), D(1000)), "‰": (D(0), D(1000))}


def outside_range(rule: dict[str, Any], v: dict[str, Any]) -> bool:
    """A numeric value outside the rule's range (or the unit's default) is refused like an invalid one."""
    if rule["type"] not in ("target", "steps", "linear", "compare"):
        return False
    unit = rule.get("unit", "")
    low, high = rule.get("range") or DEFAULT_RANGES.get(unit, (D(0), None))
    f = FACTORS.get(unit, D(1))
    return any((low is not None and x < D(str(low)) * f) or (high is not None and x > D(str(high)) * f)
               for x in v.values())


def contract_score(rule: dict[str, Any], points: Decimal, v: dict[str, Any]) -> Decimal | None:
    """The scheme format's rule table, literally; base items then clamped to 0..points; None when refused."""
    if outside_range(rule, v):
        return None
    f = FACTORS.get(rule.get("unit", ""), D(1))
    kind = rule["type"]
    if kind == "bonus":
        return min(sum((v.get(lv["field"], 0) * D(str(lv["per"])) for lv in rule["levels"]), D(0)), points)
    if kind == "deduct":
        amount = v["次数"] * D(str(rule["per"]))
        amount = min(amount, D(str(rule["max"]))) if "max" in rule else amount
        if rule.get("from") == "total":
            return -amount
        got = max(points - amount, D(0))
    elif kind == "target":
        hit = OPS[rule["op"]](v["数值"], D(str(rule["target"])) * f)
        got = D(str(rule.get("pass", points))) if hit else D(str(rule.get("fail", 0)))
    elif kind == "steps":
        got = next((D(str(s["score"])) for s in rule["steps"] if OPS[rule["op"]](v["数值"], D(str(s["at"])) * f)),
                   D(str(rule.get("else", 0))))
    elif kind == "linear":
        zero, full = D(str(rule["zero_at"])) * f, D(str(rule["full_at"])) * f
        got = points * min(max((v["数值"] - zero) / (full - zero), D(0)), D(1))
    elif kind == "compare":
        up = v["本期"] > v["基期"] if rule["better"] == "higher" else v["本期"] < v["基期"]
        key = "better" if up else "same" if v["本期"] == v["基期"] else "worse"
        got = D(str(rule["scores"][key]))
    elif kind == "choice":
        got = next(D(str(o["score"])) for o in rule["options"] if o["label"] == v["选项"])
    else:
        got = v["得分"]
    return min(max(got, D(0)), points)


#: the rules as written in tests/data/mini.yaml, read without qwb
MINI_RULES = {str(ind["id"]): ind["rule"]
              for ind in yaml.safe_load((Path(__file__).parent / "data" / "mini.yaml").read_text("utf-8"))["indicators"]}

small = st.decimals(min_value=-2, max_value=120, places=4, allow_nan=False, allow_infinity=False)
fractions = st.decimals(min_value=0, max_value=D("1.2"), places=5, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=12).map(D)


@settings(max_examples=60, deadline=None)
@given(
    choice=st.sampled_from(["完成", "部分完成", "未完成"]),
    direct=st.integers(min_value=0, max_value=20).map(lambda n: D(n) / 2),
    current=small, baseline=st.one_of(small, st.just(D(50))), rate=fractions, satisfaction=small,
    accidents=st.decimals(min_value=0, max_value=D("0.001"), places=6, allow_nan=False, allow_infinity=False),
    late=counts, incidents=counts, national=counts, provincial=counts,
)
def test_engine_agrees_with_the_contract_table(
    mini: Scheme, choice: str, direct: Decimal, current: Decimal, baseline: Decimal, rate: Decimal,
    satisfaction: Decimal, accidents: Decimal, late: Decimal, incidents: Decimal, national: Decimal,
    provincial: Decimal,
) -> None:
    fields: dict[str, dict[str, Any]] = {
        "1": {"选项": choice}, "2": {"得分": direct}, "3": {"本期": current, "基期": baseline}, "4": {"数值": rate},
        "5": {"数值": satisfaction}, "6": {"数值": accidents}, "7": {"次数": late}, "8": {"次数": incidents},
        "9": {"国家级": national, "省级": provincial},
    }
    entries = {f"east|{item}|Y|{name}": value for item, vs in fields.items() for name, value in vs.items()}
    east = score(mini, entries).unit("east")
    for ind in mini.indicators:
        want = contract_score(MINI_RULES[ind.id], ind.points, fields[ind.id])
        assert east.items[ind.id].period_scores["Y"] == want, (ind.id, fields[ind.id])
        if want is None:
            continue
        expr = score_expression(ind.rule, ind.points)
        env = {k: (v if isinstance(v, str) else v.normalize() + 0) for k, v in fields[ind.id].items()}
        assert expr.compile()(env) == expr.evaluate(env) == want, ind.id


def test_a_threshold_outside_the_fields_range_is_reported() -> None:
    from qwb.scheme.check import check

    scheme = build_scheme_unchecked([
        {"points": 5, "rule": {"type": "target", "op": ">=", "target": 950, "unit": "%", "range": [0, 100]}},
        {"points": 5, "rule": {"type": "steps", "op": ">=", "unit": "%", "steps": [{"at": 90, "score": 5}]}},
    ])
    found = [(i.code, i.indicator, i.severity) for i in check(scheme)]
    assert found == [("threshold-outside-range", "1", "warning")]


def build_scheme_unchecked(indicators: list[dict]):  # type: ignore[no-untyped-def]
    data = {"id": "t", "name": "测试", "year": 2024, "units": [{"id": "u", "name": "甲"}],
            "departments": [{"id": "d", "name": "部门"}],
            "indicators": [{"id": str(n), "path": ["类"], "title": f"指标{n}", "department": "d", **raw}
                           for n, raw in enumerate(indicators, start=1)]}
    return Builder(data, lambda path: {"cell": path}).build()


def test_chinese_ids_are_fine_and_idle_departments_are_reported() -> None:
    from qwb.scheme.check import check

    data = {"id": "t", "name": "测试", "year": 2024, "units": [{"id": "咸宁高新区", "name": "咸宁高新区"}],
            "departments": [{"id": "质强办", "name": "质强办"}, {"id": "tjj", "name": "市统计局"}],
            "vetoes": [{"id": "V1", "title": "事故"}],
            "indicators": [{"id": "1", "path": ["类"], "title": "指标", "points": 5, "department": "质强办",
                            "cooperating": ["tjj"], "rule": {"type": "direct"}}]}
    scheme = Builder(data, lambda path: {"cell": path}).build()
    found = [i for i in check(scheme) if i.code != "unknown-grade"]  # (no grades in this small scheme)
    assert [(i.code, i.cell) for i in found] == [("idle-department", "departments[1].id")]
    assert "只是指标 1 的配合单位" in found[0].message


def test_a_veto_without_a_department_is_asked_by_the_first_department_even_with_no_items() -> None:
    from qwb.templates.layout import assignees, entry_rows

    data = {"id": "t", "name": "测试", "year": 2024, "units": [{"id": "u", "name": "甲"}],
            "departments": [{"id": "zqb", "name": "质强办"}, {"id": "scjg", "name": "市场监管局"}],
            "vetoes": [{"id": "V1", "title": "事故"}],
            "indicators": [{"id": "1", "path": ["类"], "title": "指标", "points": 5, "department": "scjg",
                            "rule": {"type": "direct"}}]}
    scheme = Builder(data, lambda path: {"cell": path}).build()
    zqb = next(a for a in assignees(scheme, "department") if a.id == "zqb")
    assert [r.key for r in entry_rows(scheme, zqb)] == ["u|veto:V1|Y|是否发生"]
