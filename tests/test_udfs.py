"""The QWB_* spreadsheet functions, called through xlwings' own dispatch, agree with the engine.

Calls go through ``xlwings.server.custom_functions_call`` with the argument
shapes Excel (Office.js) sends: every argument a 2-D list, a single cell as
``[[x]]``, a blank cell as ``None``, an error cell as an error object; the result
comes back as xlwings converts it for Excel (error strings become error objects).
"""

from __future__ import annotations

import asyncio
import math
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest  # noqa: E402
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import qwb.udfs as udfs  # noqa: E402
from qwb.engine import round_half_up, scaled_base, score  # noqa: E402
from qwb.keys import key_text  # noqa: E402
from qwb.scheme import bundled, load  # noqa: E402
from qwb.scheme.model import Builder, Scheme  # noqa: E402

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
NA = {"type": "Error", "errorType": "NotAvailable"}
VALUE = {"type": "Error", "errorType": "Value"}
FUNCTIONS = {"QWB_CHOICE", "QWB_TARGET", "QWB_STEPS", "QWB_LINEAR", "QWB_COMPARE", "QWB_DEDUCT", "QWB_BONUS",
             "QWB_TOTAL", "QWB_GRADE", "QWB_RANK", "QWB_SCORE", "QWB_TARGETS", "QWB_PROPORTIONAL", "QWB_RANKSCORE",
             "QWB_AVERAGE", "QWB_UNITSCORE"}


# --- calling as Excel does -------------------------------------------------------------------


def cell(x: Any) -> list[list[Any]]:
    return [[x]]


def column(xs: list[Any]) -> list[list[Any]]:
    return [[x] for x in xs]


def error_cell(text: str) -> list[list[Any]]:
    kinds = {"#N/A": "NotAvailable", "#DIV/0!": "Div0", "#VALUE!": "Value"}
    return [[{"type": "Error", "errorType": kinds[text], "basicValue": text}]]


def call(name: str, *args: Any) -> Any:
    """One call as Excel on the web makes it, through xlwings' own call path; the cell's value."""
    data = {"func_name": name, "args": list(args), "version": xw.__version__, "client": "Office.js",
            "runtime": "1.4", "caller_address": "Sheet1!B2", "culture_info_name": "zh-CN"}
    result = asyncio.run(xlwings.server.custom_functions_call(data, udfs))
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1
    return result[0][0]


# --- the metadata Excel registers --------------------------------------------------------------


def meta() -> dict[str, Any]:
    return {f["name"]: f for f in xlwings.server.custom_functions_meta(udfs)["functions"]}


def test_metadata_names_every_function_with_chinese_descriptions() -> None:
    functions = meta()
    assert set(functions) == FUNCTIONS
    for f in functions.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f["description"]), f["name"]
        for p in f["parameters"]:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in p["description"]), (f["name"], p["name"])
            assert "Positional argument" not in p["description"]


def test_metadata_parameters_and_optional_ones() -> None:
    functions = meta()

    def params(name: str) -> list[tuple[str, bool]]:
        return [(p["name"], bool(p.get("optional"))) for p in functions[name]["parameters"]]

    assert params("QWB_TARGET") == [("value", False), ("op", False), ("target", False), ("pass_score", False),
                                    ("fail_score", True)]
    assert params("QWB_TOTAL") == [("scores", False), ("points", False), ("na_flags", True), ("full_marks", True)]
    assert params("QWB_GRADE") == [("total", False), ("mins", False), ("names", False), ("veto", True),
                                   ("veto_grade", True)]
    score_params = functions["QWB_SCORE"]["parameters"]
    assert [p["name"] for p in score_params] == ["scheme_path", "indicator_id", "values"]
    assert score_params[2].get("repeating") is True


def test_ranges_arrive_as_two_dimensional_lists() -> None:
    """ndim=2 on every range parameter: a 3x2 block and a single cell are both read as ranges."""
    assert udfs.QWB_CHOICE.__xlfunc__["argmap"]["labels"]["options"]["ndim"] == 2
    block = [["完成", "部分完成"], ["未完成", None], [None, None]]
    scores = [[10, 5], [0, None], [None, None]]
    assert call("QWB_CHOICE", cell("未完成"), block, scores) == 0
    assert call("QWB_CHOICE", cell("完成"), cell("完成"), cell(7)) == 7


# --- hand-computed values --------------------------------------------------------------------


def test_target_meets_the_double_excel_passes_for_a_boundary() -> None:
    assert 95.19999999999999 != 95.2
    assert call("QWB_TARGET", cell(95.19999999999999), cell(">="), cell(95.2), cell(20), cell(None)) == 20
    assert call("QWB_TARGET", cell(95.199999999999), cell(">="), cell(95.2), cell(20), cell(None)) == 0
    # a percentage cell stores the fraction; text typed as a percentage means the same
    assert call("QWB_TARGET", cell(0.9520000000000001), cell(">="), cell(0.952), cell(20), cell(None)) == 20
    assert call("QWB_TARGET", cell("95.2%"), cell(">="), cell(0.952), cell(20), cell(2)) == 20
    assert call("QWB_TARGET", cell(0.951), cell(">="), cell("95.2%"), cell(20), cell(2)) == 2
    assert call("QWB_TARGET", cell(3), cell("<"), cell(3), cell(5), cell(None)) == 0
    assert call("QWB_TARGET", cell(3), cell("≤"), cell(3), cell(5), cell(None)) == 5


def test_steps_first_threshold_met_in_order() -> None:
    thresholds, scores = column([85, 80, 70]), column([20, 15, 10])
    assert call("QWB_STEPS", cell(84.99999999999999), cell(">="), thresholds, scores, cell(None)) == 20
    assert call("QWB_STEPS", cell(84.9999999999), cell(">="), thresholds, scores, cell(None)) == 15
    assert call("QWB_STEPS", cell(85), cell(">="), thresholds, scores, cell(None)) == 20
    assert call("QWB_STEPS", cell(69.9), cell(">="), thresholds, scores, cell(3)) == 3
    assert call("QWB_STEPS", cell(0.0015), cell("<="), column([0.001, 0.002]), column([10, 6]), cell(None)) == 6


def test_linear_choice_compare_deduct_bonus_by_hand() -> None:
    # 10 × (0.0003 − 0.0006) / (0.0001 − 0.0006) = 6
    assert call("QWB_LINEAR", cell(0.0003), cell(0.0006), cell(0.0001), cell(10)) == pytest.approx(6)
    assert call("QWB_LINEAR", cell(0.0009), cell(0.0006), cell(0.0001), cell(10)) == 0
    assert call("QWB_LINEAR", cell(0), cell(0.0006), cell(0.0001), cell(10)) == 10
    assert call("QWB_COMPARE", cell(5), cell(4), cell("higher"), cell(20), cell(10), cell(0)) == 20
    assert call("QWB_COMPARE", cell(5), cell(4), cell("lower"), cell(20), cell(10), cell(0)) == 0
    assert call("QWB_COMPARE", cell(4.000000000000001), cell(4), cell("lower"), cell(20), cell(10), cell(0)) == 10
    assert call("QWB_DEDUCT", cell(3), cell(2), cell(None)) == 6
    assert call("QWB_DEDUCT", cell(3), cell(3), cell(6)) == 6
    assert call("QWB_DEDUCT", cell(0), cell(3), cell(6)) == 0
    assert call("QWB_BONUS", [[1, None]], [[2, 1]], cell(None)) == 2
    assert call("QWB_BONUS", [[2, 3]], [[2, 1]], cell(5)) == 5


def test_total_grade_rank_by_hand() -> None:
    # items 10/10 and 5/10 count; the 20-point item is 合理缺项: 15 × 100 / 20 = 75
    flags = column(["否", None, "是"])
    assert call("QWB_TOTAL", column([10, 5, None]), column([10, 10, 20]), flags, cell(100)) == 75
    # without full_marks the scale is the points of all items, 40: 15 × 40 / 20 = 30
    assert call("QWB_TOTAL", column([10, 5, None]), column([10, 10, 20]), flags, cell(None)) == 30
    assert call("QWB_TOTAL", column([10, 5, 8]), column([10, 10, 20]), cell(None), cell(None)) == 23
    mins, names = column([90, 80, 60, 0]), column(["A", "B", "C", "D"])
    assert call("QWB_GRADE", cell(89.99999999999999), mins, names, cell(None), cell(None)) == "A"
    assert call("QWB_GRADE", cell(89.99), mins, names, cell(None), cell(None)) == "B"
    assert call("QWB_GRADE", cell(95), mins, names, cell("是"), cell("C")) == "C"
    assert call("QWB_GRADE", cell(95), mins, names, cell("是"), cell(None)) == "D"
    assert call("QWB_GRADE", cell(95), column([0, 60, 80, 90]), column(["D", "C", "B", "A"]), cell("否"),
                cell(None)) == "A"
    scores = column([90, 87.5, 87.49999999999999, 80, None])
    assert [call("QWB_RANK", cell(v), scores) for v in (90, 87.5, 80)] == [1, 2, 4]


def test_score_uses_the_indicators_own_rule() -> None:
    path = cell(str(MINI))
    assert call("QWB_SCORE", path, cell("4"), [cell(0.952)]) == 20  # target 95.2 %
    assert call("QWB_SCORE", path, cell(4), [cell(0.9519)]) == 0
    assert call("QWB_SCORE", path, cell("1"), [cell("部分完成")]) == 5
    assert call("QWB_SCORE", path, cell("3"), [cell(5), cell(5)]) == 10  # compare: same
    assert call("QWB_SCORE", path, cell("6"), [cell(0.00035)]) == pytest.approx(5)  # linear 0.6‰ → 0.1‰
    assert call("QWB_SCORE", path, cell("7"), [cell(2)]) == 6  # deduct from the item: 10 − 2 × 2
    assert call("QWB_SCORE", path, cell("9"), [cell(1), cell(None)]) == 2  # bonus 国家级 × 2


# --- error values instead of tracebacks ------------------------------------------------------------


def test_blanks_errors_and_bad_arguments_give_excel_errors() -> None:
    labels, scores = column(["完成", "未完成"]), column([10, 0])
    assert call("QWB_TARGET", cell(None), cell(">="), cell(90), cell(20), cell(None)) == NA
    assert call("QWB_TARGET", cell("九十五"), cell(">="), cell(90), cell(20), cell(None)) == 20
    assert call("QWB_TARGET", cell("好"), cell(">="), cell(90), cell(20), cell(None)) == VALUE
    assert call("QWB_TARGET", cell(95), cell("=>"), cell(90), cell(20), cell(None)) == VALUE
    assert call("QWB_TARGET", [[95, 96]], cell(">="), cell(90), cell(20), cell(None)) == VALUE
    assert call("QWB_TARGET", error_cell("#DIV/0!"), cell(">="), cell(90), cell(20), cell(None)) == {
        "type": "Error", "errorType": "Div0"}
    assert call("QWB_CHOICE", cell("基本完成"), labels, scores) == NA
    assert call("QWB_CHOICE", error_cell("#N/A"), labels, scores) == NA
    assert call("QWB_CHOICE", cell("完成"), labels, column([10])) == VALUE
    assert call("QWB_STEPS", cell(80), cell(">"), column([85]), column([20]), cell(None)) == VALUE
    assert call("QWB_COMPARE", cell(5), cell(4), cell("bigger"), cell(20), cell(10), cell(0)) == VALUE
    assert call("QWB_DEDUCT", cell(1.5), cell(2), cell(None)) == VALUE  # a count is a whole number
    assert call("QWB_DEDUCT", cell(-1), cell(2), cell(None)) == VALUE
    assert call("QWB_RANK", cell(70), column([90, 80])) == NA
    assert call("QWB_SCORE", cell(str(MINI)), cell("99"), [cell(1)]) == NA
    assert call("QWB_SCORE", cell(str(DATA / "no-such.yaml")), cell("1"), [cell(1)]) == VALUE
    assert call("QWB_SCORE", cell(str(MINI)), cell("4"), [cell(1), cell(2)]) == VALUE


def test_scheme_is_read_once_per_file_version(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    first = udfs.load_scheme(str(path))
    assert udfs.load_scheme(str(path)) is first
    text = path.read_text(encoding="utf-8").replace("target: 95.2", "target: 90")
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert udfs.load_scheme(str(path)) is not first
    assert call("QWB_SCORE", cell(str(path)), cell("4"), [cell(0.91)]) == 20


# --- every function equals the engine ---------------------------------------------------------------


def one_item(rule: dict[str, Any], points: Any, **extra: Any) -> Scheme:
    data = {"format": "qwb-scheme/1", "id": "t", "name": "测试", "year": 2024,
            "units": [{"id": "u", "name": "单位"}], "departments": [{"id": "d", "name": "部门"}],
            "indicators": [{"id": "x", "path": ["类"], "title": "项", "points": points, "department": "d",
                            "rule": rule}], **extra}
    builder = Builder(data, lambda path: {})
    scheme = builder.build()
    assert scheme is not None and not builder.issues, builder.issues
    return scheme


def engine_item(scheme: Scheme, entries: dict[str, Any]) -> tuple[Decimal, list[str]]:
    """The engine's score of item x for unit u, and the codes of the issues it raised about the entries."""
    result = score(scheme, {f"u|x|Y|{k}": v for k, v in entries.items()}, report_missing=False)
    return result.unit("u").items["x"].score, [i.code for i in result.issues]


def as_float(d: Decimal) -> float:
    return float(d)


def near(value: float) -> st.SearchStrategy[float]:
    """A double Excel may hold for a value: the value itself or one or two ulps away."""
    return st.sampled_from([value, math.nextafter(value, math.inf), math.nextafter(value, -math.inf),
                            math.nextafter(math.nextafter(value, math.inf), math.inf)])


money = st.decimals(min_value=-50, max_value=150, places=2).map(float)
scores = st.decimals(min_value=-5, max_value=30, places=1).map(float)
ops = st.sampled_from([">=", ">", "<=", "<"])


@settings(max_examples=150, deadline=None)
@given(data=st.data(), op=ops, target=money, passed=scores, failed=scores)
def test_target_equals_engine(data: st.DataObject, op: str, target: float, passed: float, failed: float) -> None:
    value = data.draw(st.one_of(near(target), money))
    points = max(passed, failed, 0)
    scheme = one_item({"type": "target", "op": op, "target": target, "pass": passed, "fail": failed}, points)
    expected, issues = engine_item(scheme, {"数值": value})
    got = call("QWB_TARGET", cell(value), cell(op), cell(target), cell(passed), cell(failed))
    assert got == (VALUE if issues else as_float(expected))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), op=st.sampled_from([">=", "<="]), steps=st.lists(st.tuples(money, scores), min_size=1,
                                                                            max_size=4), otherwise=scores)
def test_steps_equals_engine(data: st.DataObject, op: str, steps: list[tuple[float, float]], otherwise: float) -> None:
    value = data.draw(st.one_of(money, *(near(at) for at, _ in steps)))
    points = max([s for _, s in steps] + [otherwise, 0])
    rule = {"type": "steps", "op": op, "steps": [{"at": a, "score": s} for a, s in steps], "else": otherwise}
    expected, issues = engine_item(one_item(rule, points), {"数值": value})
    got = call("QWB_STEPS", cell(value), cell(op), column([a for a, _ in steps]), column([s for _, s in steps]),
               cell(otherwise))
    assert got == (VALUE if issues else as_float(expected))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), zero=money, full=money, points=st.integers(0, 30))
def test_linear_equals_engine(data: st.DataObject, zero: float, full: float, points: int) -> None:
    value = data.draw(st.one_of(money, near(zero), near(full)))
    expected, issues = engine_item(one_item({"type": "linear", "zero_at": zero, "full_at": full}, points),
                                   {"数值": value})
    got = call("QWB_LINEAR", cell(value), cell(zero), cell(full), cell(points))
    assert got == (VALUE if issues else as_float(expected))


labels = st.lists(st.sampled_from(["完成", "部分完成", "未完成", "优秀", "良好", "1", "2"]), min_size=1, max_size=4,
                  unique=True)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), names=labels)
def test_choice_equals_engine(data: st.DataObject, names: list[str]) -> None:
    values = data.draw(st.lists(scores, min_size=len(names), max_size=len(names)))
    chosen = data.draw(st.sampled_from([*names, "其他", " 完成 ", "１"]))
    points = max(values + [0])
    rule = {"type": "choice", "options": [{"label": n, "score": v} for n, v in zip(names, values)]}
    expected, issues = engine_item(one_item(rule, points), {"选项": chosen})
    got = call("QWB_CHOICE", cell(chosen), column(names), column(values))
    assert got == (NA if issues == ["invalid-choice"] else as_float(expected))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), better=st.sampled_from(["higher", "lower"]), three=st.tuples(scores, scores, scores))
def test_compare_equals_engine(data: st.DataObject, better: str, three: tuple[float, float, float]) -> None:
    baseline = data.draw(money)
    current = data.draw(st.one_of(money, near(baseline)))
    rule = {"type": "compare", "better": better, "scores": dict(zip(("better", "same", "worse"), three))}
    expected, issues = engine_item(one_item(rule, max(*three, 0)), {"本期": current, "基期": baseline})
    got = call("QWB_COMPARE", cell(current), cell(baseline), cell(better), *(cell(s) for s in three))
    assert got == (VALUE if issues else as_float(expected))


@settings(max_examples=150, deadline=None)
@given(count=st.one_of(st.integers(0, 12).map(float), st.sampled_from([1.5, -1.0, 2.0000000000000004])),
       per=st.decimals(min_value=0, max_value=5, places=1).map(float),
       cap=st.one_of(st.none(), st.decimals(min_value=0, max_value=10, places=1).map(float)))
def test_deduct_equals_engine(count: float, per: float, cap: float | None) -> None:
    rule: dict[str, Any] = {"type": "deduct", "per": per, "from": "total", **({} if cap is None else {"max": cap})}
    expected, issues = engine_item(one_item(rule, 0), {"次数": count})
    got = call("QWB_DEDUCT", cell(count), cell(per), cell(cap))
    assert got == (VALUE if issues else as_float(-expected))


@settings(max_examples=150, deadline=None)
@given(levels=st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 6).map(float)),
                                 st.decimals(min_value=0, max_value=3, places=1).map(float)), min_size=1, max_size=4),
       cap=st.integers(0, 8))
def test_bonus_equals_engine(levels: list[tuple[float | None, float]], cap: int) -> None:
    rule = {"type": "bonus", "levels": [{"field": f"级{i}", "per": per} for i, (_, per) in enumerate(levels)]}
    entries = {f"级{i}": n for i, (n, _) in enumerate(levels) if n is not None}
    expected, _ = engine_item(one_item(rule, cap), entries)
    got = call("QWB_BONUS", [[n for n, _ in levels]], [[per for _, per in levels]], cell(cap))
    assert got == as_float(expected)


@settings(max_examples=100, deadline=None)
@given(items=st.lists(st.tuples(st.integers(1, 20), st.booleans(), st.data()), min_size=1, max_size=6),
       full_marks=st.one_of(st.none(), st.integers(50, 120)))
def test_total_equals_engine_base(items: list[tuple[int, bool, st.DataObject]], full_marks: int | None) -> None:
    indicators, entries, score_cells = [], {}, []
    for i, (points, na, data) in enumerate(items):
        given_score = data.draw(st.decimals(min_value=0, max_value=points, places=1))
        indicators.append({"id": f"i{i}", "path": ["类"], "title": f"项{i}", "points": points, "department": "d",
                           "na_allowed": True, "rule": {"type": "direct"}})
        entries[f"u|i{i}|Y|得分"] = float(given_score)
        entries[f"u|i{i}|Y|合理缺项"] = "是" if na else "否"
        score_cells.append(float(given_score))
    data = {"format": "qwb-scheme/1", "id": "t", "name": "测试", "year": 2024, "decimals": 6,
            "units": [{"id": "u", "name": "单位"}], "departments": [{"id": "d", "name": "部门"}],
            "indicators": indicators, **({} if full_marks is None else {"full_marks": full_marks})}
    builder = Builder(data, lambda path: {})
    scheme = builder.build()
    assert scheme is not None
    unit = score(scheme, entries).unit("u")
    got = call("QWB_TOTAL", column(score_cells), column([p for p, _, _ in items]),
               column(["是" if na else "否" for _, na, _ in items]), cell(full_marks))
    assert round_half_up(Decimal(repr(got)), 6) == unit.base


@settings(max_examples=100, deadline=None)
@given(total=st.decimals(min_value=0, max_value=100, places=2), veto=st.booleans(),
       bands=st.lists(st.integers(1, 99), min_size=1, max_size=4, unique=True))
def test_grade_equals_engine(total: Decimal, veto: bool, bands: list[int]) -> None:
    mins = sorted(bands + [0], reverse=True)
    names = [chr(ord("A") + i) for i in range(len(mins))]
    grades = [{"name": n, "min": m} for n, m in zip(names, mins)]
    scheme = one_item({"type": "direct"}, 100, grades=grades, veto_grade=names[-1], full_marks=100,
                      vetoes=[{"id": "V1", "title": "否决", "department": "d"}])
    result = score(scheme, {"u|x|Y|得分": float(total), "u|veto:V1|Y|是否发生": "是" if veto else "否"})
    got = call("QWB_GRADE", cell(float(total)), column(list(reversed(mins))), column(list(reversed(names))),
               cell("是" if veto else "否"), cell(None))
    assert got == result.unit("u").grade


@settings(max_examples=100, deadline=None)
@given(totals=st.lists(st.decimals(min_value=0, max_value=20, places=1), min_size=1, max_size=7))
def test_rank_equals_engine(totals: list[Decimal]) -> None:
    units = [{"id": f"u{i}", "name": f"单位{i}"} for i in range(len(totals))]
    data = {"format": "qwb-scheme/1", "id": "t", "name": "测试", "year": 2024, "units": units,
            "departments": [{"id": "d", "name": "部门"}], "full_marks": 20,
            "indicators": [{"id": "x", "path": ["类"], "title": "项", "points": 20, "department": "d",
                            "rule": {"type": "direct"}}]}
    scheme = Builder(data, lambda path: {}).build()
    assert scheme is not None
    result = score(scheme, {f"u{i}|x|Y|得分": float(t) for i, t in enumerate(totals)})
    cells = column([float(t) for t in totals])
    for i, t in enumerate(totals):
        assert call("QWB_RANK", cell(float(t)), cells) == result.unit(f"u{i}").rank


def scheme_paths() -> list[Path]:
    return [MINI, *bundled()]


@pytest.mark.parametrize("path", scheme_paths(), ids=lambda p: p.stem)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_score_equals_engine_for_every_indicator(path: Path, data: st.DataObject) -> None:
    scheme = load(path)
    unit = data.draw(st.sampled_from([u.id for u in scheme.units]))
    drawn, entries = {}, {}
    for ind in scheme.indicators:
        when = scheme.periods_of(ind)[-1].id
        values = [data.draw(field_values(f)) for f in ind.input_fields()]
        drawn[ind.id] = (when, values)
        entries.update({key_text(unit, ind.id, when, f.name): v for f, v in zip(ind.input_fields(), values)
                        if v is not None})
    result = score(scheme, entries, report_missing=False)
    for ind in scheme.indicators:
        when, values = drawn[ind.id]
        issues = [i.code for i in result.issues if i.indicator == ind.id]
        first_refused = next((i.code for f in ind.input_fields() for i in result.issues
                              if i.indicator == ind.id and i.key.endswith(f"|{f.name}")), None)
        expected = result.unit(unit).items[ind.id].period_scores[when]
        got = call("QWB_UNITSCORE", cell(str(path)), cell(ind.id), cell(unit), cell(when),
                   *[[cell(v) for v in values]])
        plain = call("QWB_SCORE", cell(str(path)), cell(ind.id), *[[cell(v) for v in values]])
        per_node = len({r for _, r in ind.rules}) > 1
        if per_node or getattr(ind.rule, "varies_by_unit", False):  # QWB_SCORE would not know which target
            assert plain == VALUE, ind.id
        else:
            assert plain == got, ind.id
        if ind.rule_in(when).type == "relative":  # scored against the other units: both refuse it
            assert got == VALUE, ind.id
        elif issues:  # the first refused input decides, as in Excel: a label not among the choices (or not
            # 是/否) is #N/A, as QWB_CHOICE's; anything else #VALUE!
            assert got == (NA if first_refused == "invalid-choice" else VALUE), (ind.id, values, issues)
        elif expected is None:
            assert got == NA, (ind.id, values)
        else:
            assert got == as_float(expected), (ind.id, values)


def field_values(field: Any) -> st.SearchStrategy[Any]:
    if field.kind == "choice":
        return st.sampled_from(list(field.labels))
    if field.kind == "yesno":  # a 要点: the dropdown's words, those the reader takes for them, and a refused 1
        return st.sampled_from([*field.labels, "有", "无", " 是 ", 1.0])
    if field.kind == "count":
        return st.one_of(st.none(), st.integers(0, 5).map(float))
    if field.kind == "score":
        top = float(field.maximum or 0)
        return st.sampled_from([0.0, top, round(top / 2, 1)])
    factor = {"%": 0.01, "‰": 0.001}.get(field.unit, 1)
    return st.decimals(min_value=0, max_value=120, places=1).map(lambda d: float(d) * factor)


# --- the engine's scaled base, factored out for QWB_TOTAL ----------------------------------------------


def test_scaled_base_by_hand() -> None:
    items = [(Decimal(8), Decimal(10), False), (Decimal(0), Decimal(10), True), (Decimal(12), Decimal(20), False)]
    assert scaled_base(items, Decimal(100)) == (Decimal(20), Decimal(30), Decimal(20) * 100 / 30)
    assert scaled_base([(Decimal(3), Decimal(5), True)], Decimal(100)) == (0, 0, 0)
    assert scaled_base([], Decimal(100))[2] == 0


def test_every_function_is_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "excel.md").read_text(encoding="utf-8")
    for name in udfs.__all__:
        assert f"`{name}(" in doc, name
    assert set(udfs.__all__) == FUNCTIONS
