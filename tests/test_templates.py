"""Templates: structure read back from the files, and formulas recalculated by LibreOffice agree with the engine."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from filling import fill, header_map, need_soffice, read_scores

from qwb import soffice
from qwb.engine import score
from qwb.keys import EntryKey
from qwb.numtext import plain
from qwb.rules import NA_FIELD, YES
from qwb.scheme import bundled, load
from qwb.scheme.entries import entries as scheme_entries
from qwb.scheme.model import Scheme
from qwb.simulate import simulate
from qwb.templates import entry_rows, write_templates
from qwb.templates.layout import assignees

DATA = Path(__file__).parent / "data"
SCHEMES = [DATA / "mini.yaml", *bundled()]


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


@pytest.mark.parametrize("kind", ["department", "unit"])
@pytest.mark.parametrize("scheme_path", SCHEMES, ids=ids(SCHEMES))
def test_entry_table_holds_every_key_once(scheme_path: Path, kind: str, tmp_path: Path) -> None:
    scheme = load(scheme_path)
    paths = write_templates(scheme, kind, tmp_path)
    seen: list[str] = []
    for path in paths:
        wb = openpyxl.load_workbook(path)
        ws = wb["填报"]
        header, cols = header_map(ws)
        for name in ("编码", "填报项", "填报值", "得分"):
            assert name in cols
        keys = [ws.cell(r, cols["编码"]).value for r in range(header + 1, ws.max_row + 1)]
        seen += [k for k in keys if k]
        assert wb["_qwb"].sheet_state == "hidden"
        identity = {r[0].value: r[1].value for r in wb["_qwb"].iter_rows()}
        assert identity["scheme"] == scheme.id and identity["kind"] == kind
        assert identity["fingerprint"] == scheme.fingerprint()
    expected = [e.key for e in scheme_entries(scheme)]
    assert sorted(seen) == sorted(expected)


def test_file_names_people_recognise(tmp_path: Path) -> None:
    scheme = load(DATA / "mini.yaml")
    names = sorted(p.name for p in write_templates(scheme, "department", tmp_path))
    assert names == ["测试市2024年度质量工作考核-市场监管局.xlsx", "测试市2024年度质量工作考核-质强办.xlsx"]


def test_input_cells_unlocked_and_validated(tmp_path: Path) -> None:
    scheme = load(DATA / "mini.yaml")
    (path,) = [p for p in write_templates(scheme, "unit", tmp_path) if "东区" in p.name]
    wb = openpyxl.load_workbook(path)
    ws = wb["填报"]
    assert ws.protection.sheet
    header, cols = header_map(ws)
    rows = {ws.cell(r, cols["编码"]).value: r for r in range(header + 1, ws.max_row + 1)}
    value_col = openpyxl.utils.get_column_letter(cols["填报值"])
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    choice = validations[f"{value_col}{rows['east|1|Y|选项']}"]
    assert choice.type == "list" and "部分完成" in choice.formula1
    assert "下拉" in choice.prompt
    direct = validations[f"{value_col}{rows['east|2|Y|得分']}"]
    cell = f"{value_col}{rows['east|2|Y|得分']}"
    assert direct.type == "custom"
    assert direct.formula1 == f"AND(ISNUMBER({cell}),{cell}>=0,{cell}<=10,MOD(ROUND(({cell})/0.5,9),1)=0)"
    assert "0～10 之间的数，且为 0.5 的整数倍" in direct.error
    rate = validations[f"{value_col}{rows['east|4|Y|数值']}"]  # % with the default range 0%～1000%
    assert (rate.type, rate.formula1, rate.formula2) == ("decimal", "0", "10")
    assert "0%～1000%" in rate.error and "例如 95%" in rate.prompt
    per_mille = validations[f"{value_col}{rows['east|6|Y|数值']}"]
    assert per_mille.type == "custom" and "<=1000" in per_mille.formula1 and "例如 0.6‰" in per_mille.prompt
    for dv in validations.values():
        assert "如 数值" not in (dv.prompt or "") and "如 数值" not in (dv.error or "")
    count = validations[f"{value_col}{rows['east|7|Y|次数']}"]
    assert count.type == "whole"
    cell = ws.cell(rows["east|4|Y|数值"], cols["填报值"])
    assert cell.protection.locked is False and cell.number_format == "0.00%"
    assert ws.cell(rows["east|4|Y|数值"], cols["得分"]).protection.locked is not False
    assert ws.freeze_panes is not None
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9


def test_formulas_use_only_portable_functions(tmp_path: Path) -> None:
    """Every function in a cell formula, a conditional format or a validation is one Excel 2010+, WPS and
    LibreOffice evaluate alike."""
    from qwb.templates.formulas import PORTABLE_FUNCTIONS

    def functions(formula: str) -> set[str]:
        bare = re.sub(r'"(?:[^"]|"")*"', '""', formula)  # labels may hold brackets
        return set(re.findall(r"([A-Z][A-Z0-9.]*)\(", bare.upper()))

    seen: set[str] = set()
    for scheme_path in SCHEMES:
        scheme = load(scheme_path)
        for kind in ("unit", "department"):
            for path in write_templates(scheme, kind, tmp_path / scheme.id / kind)[:2]:
                wb = openpyxl.load_workbook(path)
                for ws in wb.worksheets:
                    formulas = [c.value for row in ws.iter_rows() for c in row
                                if isinstance(c.value, str) and c.value.startswith("=")]
                    formulas += [f for cf in ws.conditional_formatting for rule in cf.rules for f in rule.formula]
                    formulas += [dv.formula1 for dv in ws.data_validations.dataValidation if dv.formula1]
                    for formula in formulas:
                        seen |= functions(formula)
                        assert functions(formula) <= PORTABLE_FUNCTIONS, formula
    assert {"ISLOGICAL", "EXACT", "MOD", "SUMIFS", "COUNTA"} <= seen


def _is_relative(scheme, key: str) -> bool:  # type: ignore[no-untyped-def]
    parsed = EntryKey.parse(key)
    if parsed is None or parsed.is_veto:
        return False
    return scheme.indicator(parsed.item).rule_in(parsed.period).type == "relative"


def _engine_cell(result, key: str):  # type: ignore[no-untyped-def]
    parsed = EntryKey.parse(key)
    assert parsed is not None
    unit = result.unit(parsed.unit)
    if parsed.is_veto:
        return "否决" if unit.vetoes[parsed.veto_id] else ""
    item, period = parsed.item, parsed.period
    scores = unit.items[item]
    if parsed.field == NA_FIELD and result.values.get(key) == YES:
        return NA_FIELD
    return scores.period_scores[period]


@pytest.mark.parametrize("scheme_path", SCHEMES, ids=ids(SCHEMES))
def test_libreoffice_recalculates_what_the_engine_scores(scheme_path: Path, tmp_path: Path) -> None:
    need_soffice()
    scheme = load(scheme_path)
    entries = simulate(scheme, seed=7)
    result = score(scheme, entries)
    assert not [i for i in result.issues if i.severity == "error"]
    filled = []
    templates = write_templates(scheme, "department", tmp_path / "dept")
    templates += write_templates(scheme, "unit", tmp_path / "unit")[:2]
    for path in templates:
        target = tmp_path / "filled" / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        fill(path, target, entries)
        filled.append(target)
    scored_rows = [e.key for e in scheme_entries(scheme) if e.last_of_period]
    expected_rows = {"dept": set(scored_rows),
                     "unit": {k for k in scored_rows if EntryKey.parse(k).unit in {u.id for u in scheme.units[:2]}}}
    for folder in ("dept", "unit"):
        sources = [p for p in filled if p.parent.name == folder]
        compared: set[str] = set()
        for recalculated in soffice.convert_many(sources, "xlsx", tmp_path / "lo" / folder):
            shown = read_scores(recalculated)
            for key in expected_rows[folder] & set(shown):
                value, expected = shown[key], _engine_cell(result, key)
                if folder == "unit" and _is_relative(scheme, key):
                    expected = "汇总后计算"  # scored against the other units: only the department template computes it
                if isinstance(expected, Decimal):
                    assert value == pytest.approx(float(expected), abs=1e-9), key
                else:
                    assert (value or "") == (expected or ""), key
                compared.add(key)
            if folder == "unit":
                _assert_summary_matches(recalculated, scheme, result)
        assert compared == expected_rows[folder]


def _assert_summary_matches(path: Path, scheme: Scheme, result) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(path, data_only=True)
    unit_name = wb["填报"]["C2"].value  # right of the 填报单位 label (A2:B2)
    unit = next(u for u in result.units if u.name == unit_name)
    totals = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=5, max_row=13, min_col=9, max_col=10, values_only=True)}
    later = [i for i in scheme.indicators if any(i.rule_in(p.id).type == "relative" for p in scheme.periods_of(i))]
    if later:  # the unit cannot score these itself: the sheet says so instead of a total that leaves them out
        shown = {r[0]: r[6] for r in wb["汇总"].iter_rows(min_row=4, min_col=1, max_col=7, values_only=True) if r[0]}
        assert all(shown[i.id] == "汇总后计算" for i in later)
        assert f"总分（不含{len(later)}项）" in totals and totals["等次"] == "汇总后确定"
        own = sum(unit.items[i.id].score for i in scheme.base_indicators
                  if i not in later and not unit.items[i.id].na)
        assert totals["基本分（原始）"] == pytest.approx(float(own), abs=1e-9)
        points = plain(sum(i.points for i in later))
        assert wb["汇总"]["I14"].value == f"另 {len(later)} 项（{points} 分）由质强办汇总后计算"
        return
    assert totals["总分"] == pytest.approx(float(unit.total), abs=1e-9)
    assert totals["加分"] == pytest.approx(float(unit.bonus), abs=1e-9)
    assert totals["扣分"] == pytest.approx(float(unit.deduction), abs=1e-9)
    assert totals["等次"] == unit.grade
    assert (totals["否决"] == "是") == unit.veto


def test_entry_rows_of_a_department_are_its_items_only() -> None:
    scheme = load(DATA / "mini.yaml")
    dept = next(a for a in assignees(scheme, "department") if a.id == "scjg")
    items = {r.item.id for r in entry_rows(scheme, dept)}
    assert items == {"4", "5", "6", "7"}


@pytest.mark.parametrize("scheme_path", SCHEMES, ids=ids(SCHEMES))
def test_fast_key_listing_matches_the_rows(scheme_path: Path) -> None:
    from qwb.templates.layout import template_keys

    scheme = load(scheme_path)
    for kind in ("department", "unit"):
        for a in assignees(scheme, kind):
            assert template_keys(scheme, a) == [r.key for r in entry_rows(scheme, a)]


@pytest.mark.parametrize("scheme_path", SCHEMES, ids=ids(SCHEMES))
def test_cloned_unit_templates_equal_directly_written_ones(scheme_path: Path) -> None:
    from qwb.templates.clone import unit_workbooks
    from qwb.templates.writer import build_workbook

    scheme = load(scheme_path)
    for assignee, data in unit_workbooks(scheme):
        assert data == build_workbook(scheme, assignee), assignee


def test_numeric_choice_labels_score_alike_in_libreoffice(tmp_path: Path) -> None:
    need_soffice()
    text = (DATA / "mini.yaml").read_text(encoding="utf-8").replace(
        "{label: 完成, score: 10}, {label: 部分完成, score: 5}, {label: 未完成, score: 0}",
        '{label: "2", score: 10}, {label: "1", score: 5}, {label: "0", score: 0}')
    (tmp_path / "numeric.yaml").write_text(text, encoding="utf-8")
    scheme = load(tmp_path / "numeric.yaml")
    entries = simulate(scheme, seed=3)
    entries.update({"east|1|Y|选项": 1, "west|1|Y|选项": "2", "north|1|Y|选项": 0})
    result = score(scheme, entries)
    (path,) = [p for p in write_templates(scheme, "department", tmp_path / "t") if "质强办" in p.name]
    fill(path, tmp_path / "filled.xlsx", entries)
    scores = read_scores(soffice.convert(tmp_path / "filled.xlsx", "xlsx", tmp_path / "lo"))
    for unit, expected in (("east", 5), ("west", 10), ("north", 0)):
        assert result.unit(unit).items["1"].score == expected
        assert scores[f"{unit}|1|Y|合理缺项"] == expected


def _bundled(stem: str) -> Path:
    return next(p for p in bundled() if p.stem.startswith(stem))


def test_what_a_department_sees(tmp_path: Path) -> None:
    """Issue 12's visual points, read back from the file: titles, row heights, column widths, sort key."""
    from qwb.xlsx import line_count, text_width

    scheme = load(_bundled("tieling"))
    (path,) = write_templates(scheme, "unit", tmp_path)
    wb = openpyxl.load_workbook(path)
    entry, readme, evidence = wb["填报"], wb["说明"], wb["印证材料"]
    assert entry["A1"].value.count("2015") == 1 and readme["A1"].value.count("2015") == 1
    for ws, text_col, width_col in ((readme, "B", "B"), (evidence, "D", "D")):
        width = ws.column_dimensions[width_col].width
        for row in range(3, ws.max_row + 1):
            text = ws[f"{text_col}{row}"].value
            if text and line_count(text, width) > 1:
                height = ws.row_dimensions[row].height
                assert height is not None and height >= 14 * line_count(text, width), (ws.title, row, text)
    header, cols = header_map(entry)
    category = openpyxl.utils.get_column_letter(cols["类别"])
    longest = max(text_width(i.path[0]) for i in scheme.indicators if i.path)
    assert entry.column_dimensions[category].width >= longest
    numbers = [entry.cell(r, cols["序号"]).value for r in range(header + 1, entry.max_row + 1)]
    assert all(isinstance(n, int) for n in numbers) and numbers == sorted(numbers)
    claim = next(readme[f"B{r}"].value for r in range(1, readme.max_row + 1) if readme[f"A{r}"].value == "请勿改动")
    assert "撤销" in claim and "可以筛选、排序" not in claim


def test_an_empty_unit_template_shows_no_grade(tmp_path: Path) -> None:
    need_soffice()
    scheme = load(_bundled("tieling"))
    (path,) = write_templates(scheme, "unit", tmp_path / "t")
    first = entry_rows(scheme, assignees(scheme, "unit")[0])[0]
    lowest = min(first.item.rule_in(first.period.id).options, key=lambda o: o.score)  # type: ignore[union-attr]
    fill(path, tmp_path / "one.xlsx", {first.key: lowest.label})
    empty, answered = soffice.convert_many([path, tmp_path / "one.xlsx"], "xlsx", tmp_path / "lo")
    totals = {}
    for name, file in (("empty", empty), ("answered", answered)):
        ws = openpyxl.load_workbook(file, data_only=True)["汇总"]
        totals[name] = {r[0]: r[1] for r in ws.iter_rows(min_row=5, max_row=13, min_col=9, max_col=10, values_only=True)}
    assert totals["empty"]["总分"] in (None, "") and totals["empty"]["等次"] in (None, "")
    assert totals["answered"]["总分"] == 0 and totals["answered"]["等次"] == scheme.grades[-1].name


def test_long_names_and_later_scores_fit_their_cells_in_a_unit_template(tmp_path: Path) -> None:
    """常州's 27-2 has a name of 37 characters: in 自评报告 its row is as tall as the wrapped name needs (it
    printed over the next row); 得分 columns are wide enough for 汇总后计算 (its relative items); a long 填报项
    wraps in a row tall enough (it was cut at the column's edge)."""
    scheme = load(_bundled("changzhou"))
    (path, *_rest) = write_templates(scheme, "unit", tmp_path / "t")
    book = openpyxl.load_workbook(path)
    report = book["自评报告"]
    rows = {str(row[0].value): row[0].row for row in report.iter_rows(min_col=1, max_col=1) if row[0].value}
    long_name = next(i for i in scheme.indicators if i.id == "27-2")
    assert len(long_name.title) > 30
    assert report.row_dimensions[rows["27-2"]].height >= 3 * 14.5  # three lines of 10-point text
    assert report.row_dimensions[rows["1"]].height in (None, 15)  # a short name: one line
    summary = book["汇总"]
    assert any(c.value == "汇总后计算" for c in summary["G"])
    assert summary.column_dimensions["G"].width >= 11.5  # 5 Chinese characters and the margin
    # the header row printed on every page holds the table's header only, the totals start a row lower
    assert summary.print_title_rows == "$3:$3" and summary["I3"].value is None and summary["I4"].value == "合计"
    entry = book["填报"]
    header = {c.value: c.column_letter for c in entry[5]}
    assert entry.column_dimensions[header["得分"]].width >= 11.5
    field = next(c for c in entry[header["填报项"]] if c.value == "出口质量安全示范企业数")  # 10 characters
    assert field.alignment.wrap_text and entry.row_dimensions[field.row].height >= 3 * 14.5
