"""The scheme's Excel form: round trips, located errors, an author's habits, LibreOffice, the blank workbook."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from filling import need_soffice

from qwb import soffice
from qwb.engine import score
from qwb.issues import Issue, errors
from qwb.rules import StepsRule, TargetRule
from qwb.scheme import bundled, load, read
from qwb.scheme.excel_columns import (
    INDICATORS,
    OPTIONS,
    RULE_COLS,
    SETTINGS_ROWS,
    TARGET_COLS,
    TARGETS,
    indicator_cols,
)
from qwb.scheme.excel_reader import read_dict, read_excel
from qwb.scheme.excel_writer import write_blank, write_excel
from qwb.scheme.model import scheme_to_dict
from qwb.scheme.yaml_form import dump_yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SCHEMES = [DATA / "mini.yaml", DATA / "shapes.yaml", *bundled()]
BLANK = ROOT / "workbook_templates" / "考核方案编制模板.xlsx"


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def headers(ws: Any) -> dict[str, str]:
    """{header text: column letter} of a sheet's first row."""
    return {str(c.value): c.column_letter for c in ws[1] if c.value is not None}


def find_row(ws: Any, column: str, value: str) -> int:
    for row in range(2, ws.max_row + 1):
        if str(ws[f"{column}{row}"].value) == value:
            return row
    raise LookupError(value)


def mini_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "mini.xlsx"
    write_excel(load(DATA / "mini.yaml"), path)
    return path


def where(issues: list[Issue]) -> list[tuple[str, str, str]]:
    return [(i.code, i.sheet, i.cell) for i in issues]


# --- round trips -------------------------------------------------------------------


@pytest.mark.parametrize("scheme_path", SCHEMES, ids=ids(SCHEMES))
def test_yaml_excel_yaml_round_trip(scheme_path: Path, tmp_path: Path) -> None:
    scheme = load(scheme_path)
    first = tmp_path / "first.xlsx"
    write_excel(scheme, first)
    back, issues, _locate = read_excel(first)
    assert errors(issues) == []
    assert back == scheme
    data, _reader, _issues = read_dict(first)
    assert data == scheme_to_dict(scheme)  # the same dict form the YAML side produces
    # YAML -> Excel -> YAML -> Excel: the second workbook is byte for byte the first
    (tmp_path / "again.yaml").write_text(dump_yaml(back), encoding="utf-8")
    second = tmp_path / "second.xlsx"
    write_excel(load(tmp_path / "again.yaml"), second)
    assert second.read_bytes() == first.read_bytes()
    # and checking the workbook reports what checking the YAML reports, at Excel locations
    yaml_codes = sorted(i.code for i in read(scheme_path)[1])
    excel_issues = read(first)[1]
    assert sorted(i.code for i in excel_issues) == yaml_codes
    assert all(i.sheet for i in excel_issues)


TRICKY = """
format: qwb-scheme/1
id: tricky-2020
name: 边界情况方案
year: 2020
decimals: 1
period_aggregate: last
grades: [{name: 优秀, min: 90.5}, {name: 合格, min: 0}]
units: [{id: u1, name: 甲区}]
departments: [{id: d1, name: 甲局}, {id: d2, name: 乙局}]
periods: [{id: H1, name: 半年, due: 2020-06-30}, {id: Y, name: 年终}]
source: {file: 文件.docx, pages: 12, issued: 2020-02-01}
contact: "0519-85000000"
self_report_outline:
  - 一、基本情况
  - {title: 二、主要做法, items: [制度, 投入]}
long_text: LONG
indicators:
  - id: "01"
    path: [一类, 二类, 三类, 四类]
    title: "=不是公式"
    content: |
      第一行；含分号
      第二行
    points: 2.5
    points_stated: false
    department: d1
    cooperating: [d2]
    evidence: [通报；含分号的一项]
    na_allowed: true
    periods: [Y]
    rule: {type: choice, options: [{label: "1", score: 2.5, note: 数字标签}, {label: 否, score: 0}]}
    note: 假设说明
  - id: "2.10"
    path: [一类]
    title: 比较
    points: 3
    department: d2
    evidence: [甲, 乙, 丙]
    rule: {type: compare, better: lower, unit: "‰", scores: {better: 3, same: 1.5, worse: 0}}
  - id: "3"
    path: [加分]
    title: 加分项
    points: 2
    department: d1
    rule: {type: bonus, levels: [{field: "国家级：示范", per: 1}, {field: 省级, per: 0.5}]}
  - id: "4"
    path: [一类]
    title: 阶梯
    points: 4
    department: d1
    rule: {type: steps, op: "<=", unit: "%", steps: [{at: 0.5, score: 4}, {at: 1.25, score: 2}], else: 0.5}
  - id: "5"
    path: [扣分]
    title: 扣分
    points: 0
    department: d1
    rule: {type: deduct, per: 0.25, max: 1, from: total}
"""


def test_edge_cases_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "tricky.yaml"
    source.write_text(TRICKY.replace("LONG", "长" * 70000), encoding="utf-8")
    scheme = load(source)
    assert scheme.extra["long_text"] == "长" * 70000 and scheme.source["pages"] == 12
    path = tmp_path / "tricky.xlsx"
    write_excel(scheme, path)
    back, issues, _locate = read_excel(path)
    assert errors(issues) == []
    assert back == scheme
    assert back.indicators[0].evidence == ("通报；含分号的一项",)
    assert back.indicators[0].content == "第一行；含分号\n第二行\n"
    ws = openpyxl.load_workbook(path)["扩展"]
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [
        "source", "self_report_outline", "long_text", "long_text", "long_text"]


# --- errors located where the author fixes them -------------------------------------


def _edit_duplicate_id(wb: Any) -> tuple[str, str]:
    ws = wb[INDICATORS]
    ws["A3"] = "1"
    return "duplicate-id", "A3"


def _edit_unknown_department(wb: Any) -> tuple[str, str]:
    ws = wb[INDICATORS]
    cell = f"{headers(ws)['评价部门']}{find_row(ws, 'A', '5')}"
    ws[cell] = "nobody"
    return "unknown-department", cell


def _edit_option_above_points(wb: Any) -> tuple[str, str]:
    ws = wb[OPTIONS]
    h = headers(ws)
    row = find_row(ws, h["选项"], "完成")
    ws[f"{h['分值']}{row}"] = 12  # the item has 10 points
    return "option-above-points", f"{h['分值']}{row}"


def _edit_steps_out_of_order(wb: Any) -> tuple[str, str]:
    ws = wb[INDICATORS]
    cell = f"{headers(ws)['台阶']}{find_row(ws, 'A', '5')}"
    assert ws[cell].value == "85:20; 80:15; 70:10"
    ws[cell] = "80:15; 85:20; 70:10"
    return "steps-out-of-order", cell


def _edit_missing_parameter(wb: Any) -> tuple[str, str]:
    ws = wb[INDICATORS]
    cell = f"{headers(ws)['目标值']}{find_row(ws, 'A', '4')}"
    ws[cell] = None
    return "rule-missing-parameter", cell


def _edit_grades(wb: Any) -> tuple[str, str]:
    ws = wb["等次"]
    ws["B2"], ws["B3"] = 80, 90
    return "grades-not-descending", "A2"


EDITS = {
    "duplicate-id": (_edit_duplicate_id, INDICATORS, "指标编号“1”重复"),
    "unknown-department": (_edit_unknown_department, INDICATORS, "评价部门“nobody”不在部门表中"),
    "option-above-points": (_edit_option_above_points, OPTIONS, "选项“完成”分值 12 超过指标分值 10"),
    "steps-out-of-order": (_edit_steps_out_of_order, INDICATORS, "应从高到低排列：80、85、70"),
    "missing-parameter": (_edit_missing_parameter, INDICATORS, "规则缺少参数“目标值”"),
    "grades": (_edit_grades, "等次", "A≥80、B≥90、C≥60、D≥0"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_error_names_sheet_and_cell(name: str, tmp_path: Path) -> None:
    edit, sheet, message = EDITS[name]
    path = mini_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    code, cell = edit(wb)
    wb.save(path)
    scheme, issues = read(path)  # what `qwb scheme check` runs
    assert scheme is not None
    assert where(issues) == [(code, sheet, cell)]
    assert issues[0].file == "mini.xlsx" and message in issues[0].message


def test_messages_use_column_names_and_indicator(tmp_path: Path) -> None:
    path = mini_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    _edit_missing_parameter(wb)
    wb.save(path)
    [issue] = read(path)[1]
    assert "“目标值”" in issue.message and issue.indicator == "4"


def test_all_six_errors_in_one_workbook_and_the_cli(tmp_path: Path) -> None:
    path = mini_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    expected = sorted((*edit(wb)[::-1], sheet) for edit, sheet, _message in EDITS.values())
    wb.save(path)
    issues = read(path)[1]
    found = sorted((i.cell, i.code, i.sheet) for i in issues)
    # the duplicate id also makes indicator 1's options ambiguous: nothing else may appear
    assert found == expected
    run = subprocess.run([sys.executable, "-m", "qwb", "scheme", "check", str(path)], capture_output=True,
                         text=True, cwd=ROOT)
    assert run.returncode == 1
    for cell, code, sheet in expected:
        assert f"mini.xlsx {sheet} {cell}" in run.stdout and code in run.stdout


def test_reader_problems_are_located(tmp_path: Path) -> None:
    path = mini_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[INDICATORS]
    h = headers(ws)
    row1, row4, row5 = (find_row(ws, "A", i) for i in ("1", "4", "5"))
    ws[f"{h['允许合理缺项']}{row1}"] = "也许"
    ws[f"{h['台阶']}{row5}"] = "85:20; 八十-15"
    ws[f"{h['台阶']}{row4}"] = "90:1"  # a target rule has no steps
    options = wb[OPTIONS]
    options.append(["99", None, "完成", 1])
    wb["设置"].append(["满 分 数", 100])
    wb.save(path)
    scheme, issues = read(path)
    assert scheme is not None
    settings_row = wb["设置"].max_row
    assert sorted(where(issues)) == sorted([
        ("scheme-format", INDICATORS, f"{h['允许合理缺项']}{row1}"),
        ("rule-bad-parameter", INDICATORS, f"{h['台阶']}{row5}"),
        ("rule-bad-parameter", INDICATORS, f"{h['台阶']}{row4}"),
        ("rule-bad-parameter", OPTIONS, f"A{options.max_row}"),
        ("scheme-format", "设置", f"A{settings_row}"),
    ])
    steps = scheme.indicator("5").rule
    assert isinstance(steps, StepsRule) and [s.at for s in steps.steps] == [Decimal(85)]


# --- what authors do in Excel ---------------------------------------------------------


def test_author_habits_are_understood(tmp_path: Path) -> None:
    """Merged category cells, reordered columns, Chinese rule names, ≥, 95% typed as a percentage."""
    path = mini_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[INDICATORS]
    h = headers(ws)
    r4, r5 = find_row(ws, "A", "4"), find_row(ws, "A", "5")
    ws[f"{h['规则类型']}{r4}"] = "目标值"
    ws[f"{h['比较符']}{r4}"] = "≥"
    ws[f"{h['目标值']}{r4}"] = 0.952
    ws[f"{h['目标值']}{r4}"].number_format = "0.0%"  # what Excel stores when 95.2% is typed
    ws[f"{h['台阶']}{r5}"] = "≥85：20；≥80分:15\n70:10"
    # 结果 is merged over indicators 4..7 as people do, the lower cells emptied
    col = h["一级指标"]
    for row in range(r4 + 1, r4 + 4):
        ws[f"{col}{row}"] = None
    ws.merge_cells(f"{col}{r4}:{col}{r4 + 3}")
    # move 指标名称 to the end
    title_col = h["指标名称"]
    last = ws.max_column + 1
    for row in range(1, ws.max_row + 1):
        ws.cell(row, last).value = ws[f"{title_col}{row}"].value
        ws[f"{title_col}{row}"] = None
    wb["设置"]["B5"] = "2024"  # a year typed as text
    wb.save(path)
    back, issues, _locate = read_excel(path)
    assert issues == []
    assert back == load(DATA / "mini.yaml")
    target = back.indicator("4").rule
    assert isinstance(target, TargetRule) and target.target == Decimal("95.2") and target.unit == "%"
    # and it scores as the YAML does: 95.3% passes (20 points), 95.1% fails (0)
    entries = {"east|4|Y|数值": 0.953, "west|4|Y|数值": 0.951}
    result = score(back, entries)
    scores = {u.id: u.items["4"].score for u in result.units}
    assert scores["east"] == Decimal(20) and scores["west"] == Decimal(0)


def test_blank_workbook_filled_by_an_author_reads_as_the_scheme(tmp_path: Path) -> None:
    """Copy every cell of an exported scheme into the blank workbook, as typing would, and read it."""
    blank = tmp_path / "blank.xlsx"
    write_blank(blank)
    target = openpyxl.load_workbook(blank)
    source = openpyxl.load_workbook(mini_workbook(tmp_path))
    for ws in source.worksheets:
        if ws.title == "说明":
            continue
        columns = headers(target[ws.title])
        for row in ws.iter_rows(min_row=1 if ws.title == "设置" else 2):
            for cell in row:
                if cell.value is None:
                    continue
                if ws.title == "设置":
                    target[ws.title][cell.coordinate] = cell.value
                else:
                    letter = columns[str(ws.cell(1, cell.column).value)]
                    target[ws.title][f"{letter}{cell.row}"] = cell.value
    filled = tmp_path / "filled.xlsx"
    target.save(filled)
    back, issues, _locate = read_excel(filled)
    assert issues == []
    assert back == load(DATA / "mini.yaml")


def test_not_a_scheme_workbook(tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(other)
    scheme, issues = read(other)
    assert scheme is None and [i.code for i in issues] == ["scheme-format"]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    scheme, issues = read(broken)
    assert scheme is None and [i.code for i in issues] == ["scheme-unreadable"]


# --- LibreOffice ----------------------------------------------------------------------


@pytest.mark.parametrize("scheme_path", SCHEMES, ids=ids(SCHEMES))
def test_libreoffice_resaved_workbook_reads_back(scheme_path: Path, tmp_path: Path) -> None:
    need_soffice()
    scheme = load(scheme_path)
    path = tmp_path / f"{scheme_path.stem}.xlsx"
    write_excel(scheme, path)
    resaved = soffice.convert(path, "xlsx", tmp_path / "lo")
    assert resaved.read_bytes() != path.read_bytes()
    back, issues, _locate = read_excel(resaved)
    assert errors(issues) == []
    assert back == scheme
    ws = openpyxl.load_workbook(resaved)[INDICATORS]
    lists = {min(r.min_col for r in dv.sqref.ranges): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    h = headers(ws)
    assert "choice 选项评分" in lists[openpyxl.utils.column_index_from_string(h["规则类型"])]


# --- the blank authoring workbook ------------------------------------------------------


def test_blank_workbook_layout(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_blank(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["说明", "设置", "指标", "选项", "目标", "单位", "部门", "时间节点", "否决项", "等次", "分组",
                             "假设", "扩展"]
    assert wb.active.title == "说明"
    ws = wb[INDICATORS]
    labels = [c.label for c in indicator_cols(0)]
    assert [c.value for c in ws[1]] == labels
    assert labels[1:4] == ["一级指标", "二级指标", "三级指标"]
    for sheet in wb.sheetnames[2:]:
        assert wb[sheet].max_row == 1, f"{sheet} has data rows"
        assert wb[sheet].freeze_panes in ("A2", "B2")
    assert [wb["设置"].cell(r, 1).value for r in range(2, len(SETTINGS_ROWS) + 2)] == [c.label for c in SETTINGS_ROWS]
    assert all(wb["设置"].cell(r, 2).value is None for r in range(2, len(SETTINGS_ROWS) + 2))
    h = headers(ws)
    dvs = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    rule_dv = dvs[f"{h['规则类型']}2"]
    assert rule_dv.type == "list" and rule_dv.formula1 == (
        '"choice 选项评分,direct 直接打分,target 目标值,steps 阶梯,linear 线性,compare 与基期比较,deduct 扣分,bonus 加分,'
        'targets 多项目标,relative 相对评分"')
    assert dvs[f"{h['评价部门']}2"].formula1 == "部门!$B$2:$B$1000"  # the names column
    assert dvs[f"{h['允许合理缺项']}2"].formula1 == '"是,否"'
    assert dvs[f"{h['比较符']}2"].formula1 == '">=,>,<=,<"'
    assert dvs[f"{h['单位']}2"].formula1 == '"%,‰"'
    assert all(dv.showInputMessage and dv.prompt for dv in dvs.values())
    assert ws.column_dimensions[h["考核要点"]].width > 30
    aggregate = next(dv for dv in wb["设置"].data_validations.dataValidation if "mean" in (dv.formula1 or ""))
    assert "sum 各节点得分相加" in aggregate.formula1
    # 说明 explains every column of every sheet
    guide = {(r[0].value, r[1].value) for r in wb["说明"].iter_rows()}
    for label in labels + [c.label for c in RULE_COLS]:
        assert (INDICATORS, label) in guide


def test_blank_workbook_is_deterministic_and_committed_copy_is_current(tmp_path: Path) -> None:
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    write_blank(one)
    write_blank(two)
    assert one.read_bytes() == two.read_bytes()
    run = subprocess.run([sys.executable, "-m", "qwb", "scheme", "blank", "--out", str(tmp_path / "cli.xlsx")],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "cli.xlsx").read_bytes() == one.read_bytes()
    assert BLANK.read_bytes() == one.read_bytes(), "workbook_templates/ 已过期：运行 qwb scheme blank 重新生成"


def test_export_command_converts_both_ways(tmp_path: Path) -> None:
    xlsx, back = tmp_path / "mini.xlsx", tmp_path / "back.yaml"
    for source, out in ((DATA / "mini.yaml", xlsx), (xlsx, back)):
        run = subprocess.run([sys.executable, "-m", "qwb", "scheme", "export", str(source), "--out", str(out)],
                             capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
    assert load(back) == load(DATA / "mini.yaml")
    assert yaml.safe_load(back.read_text(encoding="utf-8"))["indicators"][4]["rule"]["steps"][1] == {
        "at": 80, "score": 15}



def test_docs_describe_every_sheet_and_column() -> None:
    from qwb.scheme.excel_writer import _guide_sheets

    text = (ROOT / "docs" / "scheme-excel.md").read_text(encoding="utf-8")
    for sheet, cols in _guide_sheets(3, 3):
        assert f"## {sheet}\n" in text
        section = text.split(f"## {sheet}\n", 1)[1].split("\n## ", 1)[0]
        for col in cols:
            assert f"| {col.label} | `{col.key}` |" in section, (sheet, col.label)


@pytest.mark.parametrize(("text", "expected"), [
    ("0～100", [0, 100]), ("0-100", [0, 100]), ("０～１００", [0, 100]), ("≥0", [0, None]), (">=5", [5, None]),
    ("≤100", [None, 100]), ("不限", [None, None]), ("-5~5", [-5, 5]),
])
def test_the_range_column_reads_what_authors_write(tmp_path: Path, text: str, expected: list) -> None:
    path = tmp_path / "s.xlsx"
    write_excel(load(DATA / "mini.yaml"), path)
    wb = openpyxl.load_workbook(path)
    ws = wb[INDICATORS]
    header = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header["编号"]).value == "4")
    ws.cell(row, header["取值范围"]).value = text
    wb.save(path)
    data, _reader, issues = read_dict(path)
    assert not errors(issues)
    assert next(i for i in data["indicators"] if i["id"] == "4")["rule"]["range"] == expected


def test_departments_are_chosen_by_name_and_read_back_as_ids(tmp_path: Path) -> None:
    scheme = load(DATA / "mini.yaml")
    path = tmp_path / "s.xlsx"
    write_excel(scheme, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[INDICATORS]
    header = {c.value: c.column for c in ws[1]}
    shown = [ws.cell(r, header["评价部门"]).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value]
    assert set(shown) == {"质强办", "市场监管局"}  # names, as the dropdown offers them
    first = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value)
    ws.cell(first, header["评价部门"]).value = "scjg"  # an id typed by hand is still understood
    wb.save(path)
    back, issues, _locate = read_excel(path)
    assert back is not None and not errors(issues)
    assert back.indicators[0].department == "scjg"
    assert [i.department for i in back.indicators[1:]] == [i.department for i in scheme.indicators[1:]]


# --- the new rule shapes (issue 14): 规则节点 rows, the 目标 sheet, 按单位目标, 相对方法 -----------------


def shapes_workbook(tmp_path: Path) -> tuple[Path, Any]:
    path = tmp_path / "shapes.xlsx"
    write_excel(load(DATA / "shapes.yaml"), path)
    return path, openpyxl.load_workbook(path)


def node_row(ws: Any, indicator: str, node: str) -> int:
    h = headers(ws)
    return next(r for r in range(2, ws.max_row + 1)
                if str(ws[f"A{r}"].value) == indicator and ws[f"{h['规则节点']}{r}"].value == node)


def test_new_shapes_are_laid_out_for_people(tmp_path: Path) -> None:
    _path, wb = shapes_workbook(tmp_path)
    ws = wb[INDICATORS]
    h = headers(ws)
    rows = [r for r in range(2, ws.max_row + 1) if ws[f"A{r}"].value == "1"]
    assert [ws[f"{h['规则节点']}{r}"].value for r in rows] == ["H1", "Q3", "Y"]
    assert ws[f"{h['指标名称']}{rows[0]}"].value == "质量提升行动"
    assert all(ws[f"{h['指标名称']}{r}"].value is None for r in rows[1:])  # the nodes' rows: rule columns only
    r4, r6 = find_row(ws, "A", "4"), find_row(ws, "A", "6")
    assert ws[f"{h['按单位目标']}{r4}"].value == "c:90; f:80"
    assert [ws[f"{h[c]}{r6}"].value for c in ("规则类型", "相对方法", "方向", "步长", "最低分")] == [
        "relative 相对评分", "rank 按名次赋分", "higher 越高越好", 1, 2]
    targets = wb[TARGETS]
    assert [c.value for c in targets[1]] == [c.label for c in TARGET_COLS]
    assert [c.value for c in targets[4]] == ["3", None, "事故率", "<", 0.3, "‰", None, "c:0.5", None]
    options = wb[OPTIONS]
    assert [options[f"B{r}"].value for r in range(2, options.max_row + 1)] == ["H1"] * 2 + ["Q3"] * 3 + ["Y"] * 3
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"{h['相对方法']}2"] == '"proportional 按比例折算,rank 按名次赋分,average 与平均水平比较"'
    assert lists[f"{h['规则节点']}2"] == "时间节点!$A$2:$A$100"


def _edit_unknown_node(wb: Any) -> list[tuple[str, str, str]]:
    ws = wb[INDICATORS]
    cell = f"{headers(ws)['规则节点']}{node_row(ws, '1', 'Q3')}"
    ws[cell] = "Q2"
    main = f"{headers(ws)['规则节点']}{node_row(ws, '1', 'H1')}"
    options = wb[OPTIONS]
    orphans = [("rule-bad-parameter", OPTIONS, f"B{r}") for r in range(2, options.max_row + 1)
               if options[f"B{r}"].value == "Q3"]
    missing = ("rule-missing-parameter", INDICATORS, f"{headers(ws)['规则类型']}{node_row(ws, '1', 'Q2')}")
    return [("period-rules-mismatch", INDICATORS, cell), ("period-rules-mismatch", INDICATORS, main), missing,
            *orphans]


def _edit_target_of_a_target_rule(wb: Any) -> list[tuple[str, str, str]]:
    ws = wb[TARGETS]
    ws.append(["4", None, "完成率", ">=", 100])
    return [("rule-bad-parameter", TARGETS, f"A{ws.max_row}")]


def _edit_malformed_by_unit(wb: Any) -> list[tuple[str, str, str]]:
    ws = wb[INDICATORS]
    cell = f"{headers(ws)['按单位目标']}{find_row(ws, 'A', '4')}"
    ws[cell] = "c90; f:80"
    return [("rule-bad-parameter", INDICATORS, cell)]


def _edit_unknown_unit(wb: Any) -> list[tuple[str, str, str]]:
    ws = wb[TARGETS]
    row = find_row(ws, "C", "事故率")
    ws[f"H{row}"] = "丙区:0.5; zz:0.4"  # a unit named by its name is understood; zz is no unit
    return [("unknown-unit", TARGETS, f"H{row}")]


def _edit_text_in_a_node_row(wb: Any) -> list[tuple[str, str, str]]:
    ws = wb[INDICATORS]
    cell = f"{headers(ws)['指标名称']}{node_row(ws, '1', 'Y')}"
    ws[cell] = "另一个名称"
    return [("scheme-format", INDICATORS, cell)]


def _edit_option_of_a_missing_node(wb: Any) -> list[tuple[str, str, str]]:
    ws = wb[OPTIONS]
    ws.append(["1", "Q2", "另一个选项", 1])
    return [("rule-bad-parameter", OPTIONS, f"B{ws.max_row}")]


def _edit_parameter_of_another_method(wb: Any) -> list[tuple[str, str, str]]:
    ws = wb[INDICATORS]
    cell = f"{headers(ws)['方向']}{find_row(ws, 'A', '5')}"  # proportional has no direction
    ws[cell] = "higher 越高越好"
    return [("rule-bad-parameter", INDICATORS, cell)]


def _edit_missing_target_value(wb: Any) -> list[tuple[str, str, str]]:
    ws = wb[TARGETS]
    row = find_row(ws, "C", "抽查覆盖率")
    ws[f"E{row}"] = None
    return [("rule-missing-parameter", TARGETS, f"E{row}")]


def _edit_node_on_a_later_row_only(wb: Any) -> list[tuple[str, str, str]]:
    ws = wb[INDICATORS]
    h = headers(ws)
    ws.append({"A": "4", h["规则节点"]: "Y", h["规则类型"]: "direct 直接打分"})
    return [("scheme-format", INDICATORS, f"{h['规则节点']}{ws.max_row}")]


SHAPE_EDITS = {
    "unknown-node": (_edit_unknown_node, "不在时间节点“Q2”考核"),
    "target-of-a-target-rule": (_edit_target_of_a_target_rule, "不是“targets 多项目标”类指标"),
    "malformed-by-unit": (_edit_malformed_by_unit, "“按单位目标”中的“c90”看不懂"),
    "unknown-unit": (_edit_unknown_unit, "单位“zz”"),
    "text-in-a-node-row": (_edit_text_in_a_node_row, "“指标名称”应留空"),
    "option-of-a-missing-node": (_edit_option_of_a_missing_node, "没有时间节点“Q2”的规则"),
    "parameter-of-another-method": (_edit_parameter_of_another_method, "相对方法“proportional 按比例折算”不使用“方向”"),
    "missing-target-value": (_edit_missing_target_value, "规则缺少参数“目标值”"),
    "node-on-a-later-row-only": (_edit_node_on_a_later_row_only, "第一行没有填写“规则节点”"),
}


@pytest.mark.parametrize("name", list(SHAPE_EDITS))
def test_new_shape_errors_name_sheet_and_cell(name: str, tmp_path: Path) -> None:
    edit, message = SHAPE_EDITS[name]
    path, wb = shapes_workbook(tmp_path)
    expected = edit(wb)
    wb.save(path)
    scheme, issues = read(path)
    assert scheme is not None
    assert sorted(where(issues)) == sorted(expected)
    assert message in next(i.message for i in issues if (i.code, i.sheet, i.cell) == expected[0])
    assert all(i.file == "shapes.xlsx" for i in issues)


def test_by_unit_names_and_percent_cells_are_understood(tmp_path: Path) -> None:
    path, wb = shapes_workbook(tmp_path)
    ws = wb[INDICATORS]
    cell = f"{headers(ws)['按单位目标']}{find_row(ws, 'A', '4')}"
    ws[cell] = "丙区：90%；f:80"
    wb.save(path)
    back, issues, _locate = read_excel(path)
    assert issues == []
    assert back == load(DATA / "shapes.yaml")


NODE_SHAPES = """
format: qwb-scheme/1
id: nodes-2025
name: 各节点规则不同的方案
year: 2025
grades: [{name: 合格, min: 0}]
units: [{id: a, name: 甲区}, {id: b, name: 乙区}]
departments: [{id: d1, name: 甲局}]
periods: [{id: H1, name: 半年}, {id: Y, name: 年终}]
indicators:
  - id: "1"
    path: [一类]
    title: 多项目标分节点
    points: 4
    department: d1
    rules:
      H1:
        type: targets
        targets:
          - {field: 完成率, op: ">=", target: 50, unit: "%", by_unit: {b: 40}}
          - {field: 投诉率, op: "<=", target: 2, unit: "‰"}
      Y:
        type: targets
        targets:
          - {field: 完成率, op: ">=", target: 100, unit: "%", score: 3, range: [0, 100]}
          - {field: 投诉率, op: "<=", target: 1, unit: "‰", score: 1}
  - id: "2"
    path: [一类]
    title: 半年按目标、年终按名次
    points: 6
    department: d1
    rules:
      H1: {type: target, op: ">=", target: 10, unit: 个, by_unit: {a: 12}}
      Y: {type: relative, method: rank, better: lower, step: 2, unit: 个}
"""


def test_per_period_targets_and_relative_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "nodes.yaml"
    source.write_text(NODE_SHAPES, encoding="utf-8")
    scheme = load(source)
    path = tmp_path / "nodes.xlsx"
    write_excel(scheme, path)
    back, issues, _locate = read_excel(path)
    assert errors(issues) == [] and back == scheme
    targets = openpyxl.load_workbook(path)[TARGETS]
    assert [(targets[f"A{r}"].value, targets[f"B{r}"].value, targets[f"C{r}"].value)
            for r in range(2, targets.max_row + 1)] == [
        ("1", "H1", "完成率"), ("1", "H1", "投诉率"), ("1", "Y", "完成率"), ("1", "Y", "投诉率")]
