"""The ranking workbook read back: tables and charts against the JSON summary and numbers worked out by hand,
nothing from a return written as a formula or a link, the same bytes twice, and a failed write that harms nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

import openpyxl
import pytest
from filling import Text, fill, need_calibri_metrics, need_soffice

from qwb import soffice
from qwb.cli import main
from qwb.consolidate import consolidate
from qwb.files import OutputError
from qwb.report import build_report, write_report
from qwb.report.base import FILE_WIDTH
from qwb.report.matrix import printed_pages
from qwb.scheme import load
from qwb.simulate import simulate
from qwb.templates import write_templates
from qwb.xlsx import line_count, print_scale, row_height, text_width

MINI = Path(__file__).parent / "data" / "mini.yaml"
#: openpyxl drops the data bars' Excel 2010 extension when reading; the tests do not look at it
pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
HOSTILE = {
    "west|4|Y|数值": '=HYPERLINK("http://x","y")',
    "west|5|Y|数值": "+1",
    "west|6|Y|数值": "-1",
    "west|7|Y|次数": "@SUM(A1)",
}
HOSTILE_NAME = "=cmd|' -C calc'!A0 市场监管局.xlsx"
#: a name that starts like a formula but is a fine link target
OLD_NAME = "=1+1 质强办（旧）.xlsx"
#: 东区, worked out by hand: item 1 is 合理缺项, so base_max is 90
EAST = {
    "east|1|Y|选项": "完成", "east|1|Y|合理缺项": "是", "east|2|Y|得分": 8, "east|3|Y|本期": 120,
    "east|3|Y|基期": 100, "east|4|Y|数值": 0.96, "east|5|Y|数值": 82, "east|6|Y|数值": 0.00035,
    "east|7|Y|次数": 1, "east|8|Y|次数": 1, "east|9|Y|国家级": 1, "east|9|Y|省级": 2, "east|veto:V1|Y|是否发生": "否",
}


# --- reading the workbook back ---------------------------------------------------------------


def table(ws: Any, header_row: int, first_col: int = 1) -> list[dict[str, Any]]:
    """Rows under a header row as dicts, up to the first row with an empty first cell."""
    heads = [c.value for c in ws[header_row]][first_col - 1:]
    rows = []
    for r in range(header_row + 1, ws.max_row + 1):
        values = [ws.cell(r, first_col + i).value for i in range(len(heads))]
        if values[0] is None:
            break
        rows.append({h: v for h, v in zip(heads, values) if h is not None})
    return rows


def resolve(wb: Any, ref: str) -> list[Any]:
    """The cell values a chart reference such as '总排名'!$C$4:$C$6 points at."""
    m = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?", ref)
    assert m, ref
    ws = wb[m.group(1)]
    start = f"{m.group(2)}{m.group(3)}"
    end = f"{m.group(4)}{m.group(5)}" if m.group(4) else start
    return [c.value for row in ws[f"{start}:{end}"] for c in row]


def charts_by_sheet(path: Path) -> dict[str, list[dict[str, Any]]]:
    """{sheet: [{title, series: [{type, name, categories, values}]}]} from the xlsx parts."""
    out: dict[str, list[dict[str, Any]]] = {}
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        names = [s.get("name") for s in book.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet")]
        for n, name in enumerate(names, start=1):
            for drawing in _targets(z, f"xl/worksheets/_rels/sheet{n}.xml.rels", "drawing"):
                for chart in _targets(z, f"xl/drawings/_rels/{Path(drawing).name}.rels", "chart"):
                    out.setdefault(name, []).append(_chart(z.read(f"xl/charts/{Path(chart).name}")))
    return out


def _targets(z: zipfile.ZipFile, rels: str, kind: str) -> list[str]:
    if rels not in z.namelist():
        return []
    root = ElementTree.fromstring(z.read(rels))
    return [r.get("Target") for r in root if r.get("Type", "").endswith("/" + kind)]


def _chart(xml: bytes) -> dict[str, Any]:
    root = ElementTree.fromstring(xml)
    chart = root.find("c:chart", NS)
    title = "".join(t.text or "" for t in chart.findall("c:title//a:t", NS))
    series = []
    for plot in chart.find("c:plotArea", NS):
        for ser in plot.findall("c:ser", NS):
            f = {part: ser.find(f"c:{part}//c:f", NS) for part in ("tx", "cat", "val")}
            literal = ser.find("c:tx/c:v", NS)
            series.append({"type": plot.tag.split("}")[1], "name": f["tx"].text if f["tx"] is not None else None,
                           "label": literal.text if literal is not None else None,
                           "categories": f["cat"].text, "values": f["val"].text})
    return {"title": title, "series": series}


def every_cell(wb: Any) -> list[Any]:
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


# --- the consolidations ------------------------------------------------------------------------


def _returns(scheme: Any, folder: Path, templates: Path, entries: dict[str, Any], skip: tuple[str, ...] = (),
             kind: str = "department", date: dt.datetime | None = None) -> dict[str, Path]:
    out = {}
    for path in write_templates(scheme, kind, templates / kind):
        if any(s in path.name for s in skip):
            continue
        out[path.name] = folder / path.name
        fill(path, folder / path.name, entries, date=date)
    return out


@pytest.fixture(scope="module")
def mini_case(tmp_path_factory: Any) -> SimpleNamespace:
    """Three units: department returns (one sent twice, one under a hostile file name, hostile values, one blank),
    and every unit's self-evaluation (东区 claims 10 for item 2, verified 8)."""
    base = tmp_path_factory.mktemp("report")
    scheme = load(MINI)
    entries = simulate(scheme, seed=7) | EAST
    entries["north|2|Y|得分"] = None
    verified = entries | {k: Text(v) for k, v in HOSTILE.items()}
    folder = base / "returns"
    folder.mkdir()
    older = simulate(scheme, seed=8)
    zqb = next(p for p in write_templates(scheme, "department", base / "t0") if "质强办" in p.name)
    fill(zqb, folder / OLD_NAME, older, date=dt.datetime(2024, 12, 1))
    paths = _returns(scheme, folder, base / "t", verified, date=dt.datetime(2024, 12, 20))
    scjg = next(p for name, p in paths.items() if "市场监管局" in name)
    scjg.rename(folder / HOSTILE_NAME)
    _returns(scheme, folder, base / "t", entries | {"east|2|Y|得分": 10}, kind="unit")
    c = consolidate(scheme, folder)
    out = base / "out" / "排名工作簿.xlsx"
    write_report(c, out)
    return SimpleNamespace(scheme=scheme, c=c, out=out, wb=openpyxl.load_workbook(out), summary=c.summary(),
                           folder=folder, charts=charts_by_sheet(out))


@pytest.fixture(scope="module")
def single_case(tmp_path_factory: Any) -> SimpleNamespace:
    """One assessed place (东区 only); 市场监管局 never returns."""
    base = tmp_path_factory.mktemp("single")
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("  - {id: west, name: 西区}\n  - {id: north, name: 北区}\n", "").replace("mini-2024", "solo-2024")
    (base / "solo.yaml").write_text(text, encoding="utf-8")
    scheme = load(base / "solo.yaml")
    folder = base / "returns"
    folder.mkdir()
    _returns(scheme, folder, base / "t", EAST, skip=("市场监管局",))
    c = consolidate(scheme, folder)
    out = base / "排名.xlsx"
    write_report(c, out)
    return SimpleNamespace(scheme=scheme, c=c, out=out, wb=openpyxl.load_workbook(out), summary=c.summary(),
                           charts=charts_by_sheet(out))


# --- 总排名 ---------------------------------------------------------------------------------------


def check_ranking_table(wb: Any, summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows = table(wb["总排名"], 3)
    assert len(rows) == len(summary["units"])
    for row, unit in zip(rows, summary["units"]):
        assert (row["名次"], row["被考核单位"], row["总分"], row["等次"]) == (
            unit["rank"], unit["name"], unit["total"], unit["grade"])
        assert (row["折算基本分"], row["加分"], row["扣分"]) == (unit["base"], unit["bonus"], unit["deduction"])
        assert row["一票否决"].startswith("是") == unit["veto"]
        assert (row["填报完整"] == "完整") == unit["complete"]
        for name, value in unit["categories"].items():
            assert next(v for k, v in row.items() if k.startswith(f"{name}\n（")) == value
    return rows


def test_ranking_table_is_the_summary(mini_case: SimpleNamespace) -> None:
    rows = check_ranking_table(mini_case.wb, mini_case.summary)
    east = next(r for r in rows if r["被考核单位"] == "东区")
    # 8 + 20 + 20 + 15 + 5 + 8 = 76 of the 90 points not marked 合理缺项; 76 × 100 / 90 = 84.44;
    # bonus 2 + 2 = 4, capped at 3; deduction 3
    assert (east["基本分实得"], east["参评满分"], east["折算基本分"]) == (76, 90, 84.44)
    assert (east["加分"], east["扣分"], east["总分"], east["等次"]) == (3, 3, 84.44, "B")
    assert (east["宏观\n（40分）"], east["结果\n（60分）"]) == (28, 48)
    ws = mini_case.wb["总排名"]
    assert ws.freeze_panes == "C4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default
    assert ws.page_setup.fitToHeight == 0


def test_grade_cells_are_coloured_by_grade(mini_case: SimpleNamespace) -> None:
    ws = mini_case.wb["总排名"]
    fills = {}
    for r in range(4, 4 + len(mini_case.summary["units"])):
        fills.setdefault(ws.cell(r, 4).value, set()).add(ws.cell(r, 4).fill.fgColor.rgb)
    assert all(len(colours) == 1 for colours in fills.values())
    assert len({next(iter(c)) for c in fills.values()}) == len(fills)


def check_ranking_charts(wb: Any, charts: list[dict[str, Any]], summary: dict[str, Any], scheme: Any) -> None:
    units = summary["units"]
    totals = next(c for c in charts if c["title"].startswith("总分排名"))
    bars = [s for s in totals["series"] if s["type"] == "barChart"]
    assert len(bars) == 1
    assert resolve(wb, bars[0]["values"]) == [u["total"] for u in units]
    assert resolve(wb, bars[0]["categories"]) == [u["name"] for u in units]
    lines = [s for s in totals["series"] if s["type"] == "lineChart"]
    expected = [g for g in scheme.grades if g.min > 0]
    assert [resolve(wb, s["name"])[0] for s in lines] == [f"{g.name}（{g.min.normalize():f}分）" for g in expected]
    for s, g in zip(lines, expected):
        assert resolve(wb, s["values"]) == [float(g.min)] * len(units)
    stacks = next(c for c in charts if c["title"].startswith("分类得分"))
    for s in stacks["series"]:
        name = s["label"].split("（")[0]
        column = re.match(r"'总排名'!\$([A-Z]+)\$", s["values"]).group(1)
        assert wb["总排名"][f"{column}3"].value == s["label"].replace("（", "\n（")  # the column's header
        assert resolve(wb, s["values"]) == [u["categories"][name] for u in units]
        assert resolve(wb, s["categories"]) == [u["name"] for u in units]
    assert {s["label"].split("（")[0] for s in stacks["series"]} == set(units[0]["categories"])
    dist = next(c for c in charts if c["title"].startswith("等次分布"))
    grades = [g.name for g in scheme.grades]
    assert resolve(wb, dist["series"][0]["categories"]) == grades
    assert resolve(wb, dist["series"][0]["values"]) == [sum(1 for u in units if u["grade"] == g) for g in grades]


def test_ranking_charts_point_at_the_summary_numbers(mini_case: SimpleNamespace) -> None:
    charts = mini_case.charts["总排名"]
    assert len(charts) == 3
    check_ranking_charts(mini_case.wb, charts, mini_case.summary, mini_case.scheme)


# --- 指标得分 -------------------------------------------------------------------------------------


def test_indicator_matrix_with_full_marks_and_heat_map(mini_case: SimpleNamespace) -> None:
    ws = mini_case.wb["指标得分"]
    scheme = mini_case.scheme
    ids = [ws.cell(4, 4 + k).value for k in range(len(scheme.indicators))]
    assert ids == [i.id for i in scheme.indicators]
    assert (ws.cell(6, 1).value, ws.cell(6, 3).value) == ("满分", 100)
    assert [ws.cell(6, 4 + k).value for k in range(len(ids))] == [10, 10, 20, 20, 20, 10, 10, 0, 5]
    refused = {(i.unit, i.indicator) for i in mini_case.c.issues if i.severity == "error"}
    greyed = []
    for r, unit in enumerate(mini_case.c.result.units, start=7):
        assert ws.cell(r, 2).value == unit.name
        for k, ind in enumerate(scheme.indicators):
            item = unit.items[ind.id]
            unscored = all(v is None for v in item.period_scores.values())
            expected = ("缺项" if item.na else ("无效" if (unit.id, ind.id) in refused else "未报") if unscored
                        else round(float(item.score), 2))
            cell = ws.cell(r, 4 + k)
            assert cell.value == expected
            if isinstance(expected, str):
                greyed.append((unit.id, ind.id, expected))
                assert cell.fill.fgColor.rgb.endswith("E7E6E6")  # grey, never a red 0
    # west's hostile values were refused; north's item 2 was left blank in the final return but the older
    # return still gives it; west's 4 (a formula) and 6 (-1‰) are refused
    assert ("west", "4", "无效") in greyed and ("west", "6", "无效") in greyed
    east = next(r for r in range(7, 10) if ws.cell(r, 2).value == "东区")
    assert [ws.cell(east, 4 + k).value for k in range(len(ids))] == ["缺项", 8, 20, 20, 15, 5, 8, -3, 4]
    scales = {str(cf.sqref): [v.val for v in cf.rules[0].colorScale.cfvo] for cf in ws.conditional_formatting}
    assert scales["D7:D9"] == [0, 5, 10] and scales["F7:F9"] == [0, 10, 20]
    assert scales["K7:K9"] == [-6, -3, 0]  # the deduction from the total: up to 6


# --- 部门, 提交情况 -------------------------------------------------------------------------------


def test_department_sheet_counts_what_came_back(mini_case: SimpleNamespace) -> None:
    rows = {(r["类型"], r["部门（单位）"]): r for r in table(mini_case.wb["部门"], 3)}
    zqb, scjg = rows[("部门填报", "质强办")], rows[("部门填报", "市场监管局")]
    # 质强办: 3 units × (选项, 合理缺项, 得分, 本期, 基期, 次数, 国家级, 省级, 是否发生) = 27 rows, one left blank
    # 质强办's final return leaves north|2 blank; its older return filled it, so that value is kept (a warning)
    assert (zqb["负责指标"], zqb["应填项"], zqb["已填项"], zqb["错误"], zqb["警告"]) == (5, 27, 27, 0, 1)
    assert zqb["填报率"] == 1
    assert zqb["提交情况"] == "已提交"
    # 市场监管局: 3 units × 4 items; two values look like formulas, -1 is below the ‰ field's range
    assert (scjg["应填项"], scjg["已填项"], scjg["错误"], scjg["采用的文件"]) == (12, 12, 3, HOSTILE_NAME)
    assert {k for k in rows if k[0] == "单位自评"} == {("单位自评", n) for n in ("东区", "西区", "北区")}


def test_submissions_expected_received_superseded(mini_case: SimpleNamespace) -> None:
    rows = table(mini_case.wb["提交情况"], 3)
    status = {r["文件"]: r["状态"] for r in rows}
    assert status[OLD_NAME] == "采用" and status[HOSTILE_NAME] == "采用"  # the old return still gives one value
    assert len(rows) == len(mini_case.c.returns) == 6
    shas = {r["文件"]: r["SHA-256"] for r in rows}
    assert all(shas[rf.name] == rf.sha256 for rf in mini_case.c.returns)
    assert "应提交 5 份：已收到 5 份，未提交 0 份" in mini_case.wb["提交情况"]["A2"].value


def test_one_place_is_ranked_by_department(single_case: SimpleNamespace) -> None:
    wb = single_case.wb
    assert "部门" not in wb.sheetnames and "部门得分" in wb.sheetnames
    rows = table(wb["部门得分"], 3, first_col=2)
    zqb, scjg = rows
    # 质强办 leads items 1 (合理缺项), 2 and 3: 8 + 20 of 10 + 20; bonus item 9 gives 4, item 8 deducts 3
    assert (wb["部门得分"]["A4"].value, zqb["部门（单位）"], zqb["满分"], zqb["得分"]) == (1, "质强办", 30, 28)
    assert zqb["得分率"] == pytest.approx(28 / 30) and (zqb["加分"], zqb["扣分"]) == (4, 3)
    # 市场监管局 sent nothing: its items count 0 in the total, but it is shown as 未报 and not ranked
    assert wb["部门得分"]["A5"].value is None
    assert (scjg["满分"], scjg["得分"], scjg["得分率"], scjg["提交情况"]) == (60, "未报", "未报", "未提交")
    chart = single_case.charts["部门得分"][0]
    assert chart["title"] == "各牵头部门得分率"
    assert resolve(wb, chart["series"][0]["categories"]) == ["质强办"]
    assert resolve(wb, chart["series"][0]["values"]) == [pytest.approx(28 / 30)]
    check_ranking_table(wb, single_case.summary)
    categories = single_case.charts["总排名"][0]
    assert resolve(wb, categories["series"][0]["values"]) == [pytest.approx(28 / 30), 0]
    submissions = {r["填报单位"]: r["状态"] for r in table(wb["提交情况"], 3)}
    assert submissions == {"质强办": "采用", "市场监管局": "未提交"}
    assert "自评与核查" not in wb.sheetnames


# --- 校验问题, 原始数据: located, linked, never a formula --------------------------------------------


def test_every_issue_is_listed_with_a_link_to_its_file(mini_case: SimpleNamespace) -> None:
    ws = mini_case.wb["校验问题"]
    assert ws.auto_filter.ref.startswith("A3:")
    rows = range(4, 4 + len(mini_case.c.issues))
    listed = [(ws.cell(r, 10).value, ws.cell(r, 4).value or "", ws.cell(r, 6).value or "", ws.cell(r, 9).value)
              for r in rows]
    assert listed == [(i.code, i.file, i.cell, i.message) for i in mini_case.c.issues]
    codes = [i.code for i in mini_case.c.issues]
    assert codes.count("formula-in-value") == 2 and "kept-earlier-value" in codes and "missing-value" in codes
    for r, issue in zip(rows, mini_case.c.issues):
        link = ws.cell(r, 4).hyperlink
        if issue.file in ("", HOSTILE_NAME):  # nothing to open, or a name that cannot be a safe link
            assert link is None
            continue
        target = unquote(link.target.replace("\\", "/"))  # Excel's form: backslashes, %20 for a space
        assert target == f"../returns/{issue.file}"
        assert link.location == (f"'填报'!{issue.cell}" if issue.cell else None)
        assert (mini_case.out.parent / target).resolve() == mini_case.folder / issue.file


def test_no_text_from_a_return_becomes_a_formula_or_a_link(mini_case: SimpleNamespace) -> None:
    cells = every_cell(mini_case.wb)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    starting = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in starting} >= set(HOSTILE.values()) | {HOSTILE_NAME, OLD_NAME}
    assert all(c.data_type == "s" for c in starting)
    assert any(c.value == OLD_NAME and c.hyperlink is not None for c in starting)  # a link's text is text too
    links = [c.hyperlink for c in cells if c.hyperlink is not None]
    assert links and all("://" not in (h.target or "") and "http" not in (h.target or "") for h in links)
    with zipfile.ZipFile(mini_case.out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(name) and b"HYPERLINK(" not in z.read(name)


def test_raw_data_keeps_every_entry_with_its_source(mini_case: SimpleNamespace) -> None:
    rows = table(mini_case.wb["原始数据"], 3)
    assert len(rows) == sum(len(rf.entries) for rf in mini_case.c.returns)
    by = {(r["文件"], r["编码"]): r for r in rows}
    rf = next(x for x in mini_case.c.returns if x.name == HOSTILE_NAME)
    for key, text in HOSTILE.items():
        row = by[(HOSTILE_NAME, key)]
        assert (row["工作表"], row["单元格"], row["SHA-256"], row["原始值"]) == (
            "填报", rf.where[key]["cell"], rf.sha256, text)
    assert by[(HOSTILE_NAME, "west|4|Y|数值")]["用途"] == "无效"
    assert by[(HOSTILE_NAME, "west|5|Y|数值")]["规范值"] == 1
    assert by[(HOSTILE_NAME, "east|4|Y|数值")]["规范值"] == 0.96
    assert by[(HOSTILE_NAME, "east|4|Y|数值")]["用途"] == "计分"
    unit_file = next(x.name for x in mini_case.c.returns if x.kind == "unit" and x.assignee == "east")
    assert by[(unit_file, "east|2|Y|得分")]["原始值"] == 10 and by[(unit_file, "east|2|Y|得分")]["用途"] == "自评对照"
    assert by[(OLD_NAME, "east|2|Y|得分")]["用途"] == "已替代"
    assert by[(OLD_NAME, "north|2|Y|得分")]["用途"] == "计分"  # the final return left it blank


# --- 自评与核查, 方案 -------------------------------------------------------------------------------


def test_self_evaluation_against_verification(mini_case: SimpleNamespace) -> None:
    ws = mini_case.wb["自评与核查"]
    units = table(ws, 3)
    assert [u["被考核单位"] for u in units] == [u["name"] for u in mini_case.summary["units"]]
    start = next(r for r in range(4, ws.max_row) if ws.cell(r, 1).value == "被考核单位" and r > 3)
    detail = table(ws, start)
    assert len(detail) == 3 * 9
    east2 = next(d for d in detail if d["被考核单位"] == "东区" and d["指标编号"] == "2")
    assert (east2["自评得分"], east2["核查得分"], east2["差值"]) == (10, 8, -2)
    east = next(u for u in units if u["被考核单位"] == "东区")
    assert east["有差异的指标"] >= 1 and east["差值"] == pytest.approx(east["核查总分"] - east["自评总分"])


def test_scheme_sheet_holds_the_indicator_tree(mini_case: SimpleNamespace) -> None:
    ws = mini_case.wb["方案"]
    header = next(r for r in range(1, 40) if ws.cell(r, 1).value == "指标编号")
    rows = table(ws, header, 2)  # from the 类别 / 指标 column: category rows have no id
    by_name = {r["类别 / 指标"]: r for r in rows}
    assert by_name["宏观"]["分值"] == 40 and by_name["结果"]["分值"] == 60 and by_name["规划"]["分值"] == 10
    for ind in mini_case.scheme.indicators:
        row = by_name[ind.title]
        assert row["分值"] == float(ind.points) and row["计分方法"] == ind.rule.describe(ind.points)


# --- the file itself ---------------------------------------------------------------------------------


def test_same_consolidation_same_bytes(mini_case: SimpleNamespace, tmp_path: Path) -> None:
    again = consolidate(mini_case.scheme, mini_case.folder)
    assert build_report(again, mini_case.out) == mini_case.out.read_bytes()
    with zipfile.ZipFile(mini_case.out) as z:
        core = z.read("docProps/core.xml").decode()
    assert "2024-12-31T00:00:00Z" in core


def test_unwritable_destination_leaves_the_previous_report(mini_case: SimpleNamespace, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "排名.xlsx"
    write_report(mini_case.c, out)
    before = out.read_bytes()

    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="无法写入"):
        write_report(mini_case.c, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["排名.xlsx"]
    monkeypatch.undo()
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(OutputError, match="无法写入排名工作簿"):
        write_report(mini_case.c, tmp_path / "a-file" / "排名.xlsx")


def test_consolidate_exits_1_when_the_report_cannot_be_written(mini_case: SimpleNamespace, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "排名.xlsx"
    out.write_bytes(b"previous")

    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    code = main(["consolidate", str(MINI), str(mini_case.folder), "--out", str(out)])
    assert code == 1
    assert "无法写入" in capsys.readouterr().out
    assert out.read_bytes() == b"previous"


def test_renders_in_libreoffice_with_chinese_fonts(mini_case: SimpleNamespace, tmp_path: Path) -> None:
    need_soffice()
    if not (shutil.which("pdffonts") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdffonts, pdftotext) not installed")
    pdf = soffice.convert(mini_case.out, "pdf", tmp_path)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts  # Chinese text drawn with a Chinese font, not as boxes
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("结果排名", "总分排名", "分类得分", "等次分布", "东区", "校验问题", "84.44"):
        assert words in text, words


def test_decimal_places_follow_the_scheme(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace("decimals: 2", "decimals: 1")
    (tmp_path / "one.yaml").write_text(text, encoding="utf-8")
    scheme = load(tmp_path / "one.yaml")
    folder = tmp_path / "r"
    folder.mkdir()
    _returns(scheme, folder, tmp_path / "t", simulate(scheme, seed=7) | EAST)
    c = consolidate(scheme, folder)
    write_report(c, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["总排名"]
    east = next(r for r in table(ws, 3) if r["被考核单位"] == "东区")
    assert east["总分"] == float(Decimal("84.4")) and ws.cell(4, 3).number_format == "0.0"


def test_many_units_chart_the_top_and_a_histogram_of_everyone(mini_case: SimpleNamespace, tmp_path: Path,
                                                              monkeypatch: Any) -> None:
    """Beyond CHART_ALL_UP_TO units the per-unit charts show the top TOP_N only (a thousand bars cannot be
    read) and a histogram by score band counts every unit; the ranking table still has every row."""
    from qwb.report import ranking

    monkeypatch.setattr(ranking, "CHART_ALL_UP_TO", 2)
    monkeypatch.setattr(ranking, "TOP_N", 2)
    out = tmp_path / "排名.xlsx"
    write_report(mini_case.c, out)
    wb = openpyxl.load_workbook(out)
    charts = charts_by_sheet(out)["总排名"]
    units = mini_case.summary["units"]
    assert len(units) == 3 and len(charts) == 4
    totals = next(c for c in charts if c["title"].startswith("总分排名"))
    assert "前 2 名，共 3 个单位" in totals["title"]
    for chart in (totals, next(c for c in charts if c["title"].startswith("分类得分"))):
        for s in chart["series"]:
            assert len(resolve(wb, s["values"])) == 2
            assert resolve(wb, s["categories"]) == [u["name"] for u in units[:2]]
    histogram = next(c for c in charts if c["title"].startswith("分数分布"))
    counts = resolve(wb, histogram["series"][0]["values"])
    bands = ranking.score_bands([u["total"] for u in units])
    assert counts == [b[2] for b in bands] and sum(counts) == len(units)
    assert resolve(wb, histogram["series"][0]["categories"]) == [f"{lo:g}–{hi:g}" for lo, hi, _n in bands]
    assert [wb["总排名"].cell(4 + i, 2).value for i in range(3)] == [u["name"] for u in units]


def test_score_bands_cover_every_total_in_at_most_about_twenty_bands() -> None:
    from qwb.report.ranking import score_bands

    assert score_bands([]) == []
    assert score_bands([83.5, 84.19, 80.0]) == [(80, 81, 1), (81, 82, 0), (82, 83, 0), (83, 84, 1), (84, 85, 1)]
    bands = score_bands([40.2, 95.5, 60, 61, 95.0])
    assert bands[0] == (40, 45, 1) and bands[-1] == (95, 100, 2) and len(bands) == 12
    wide = score_bands([0, 100, 120])
    assert wide[0][:2] == (0, 10) and sum(b[2] for b in wide) == 3 and len(wide) <= 20
    assert all(hi - lo == 10 for lo, hi, _n in wide)


def test_a_wide_score_matrix_prints_several_pages_wide_with_the_units_on_each(tmp_path: Path) -> None:
    scheme = load(Path(__file__).resolve().parent.parent / "qwb" / "schemes" / "yongzhou-2018.yaml")
    out = tmp_path / "排名.xlsx"
    (tmp_path / "退回").mkdir()
    write_report(consolidate(scheme, tmp_path / "退回"), out)
    ws = openpyxl.load_workbook(out)["指标得分"]
    assert len(scheme.indicators) == 124
    # printed at a set size with a column break before each page's first category: Excel ignores manual
    # breaks on a sheet fitted to pages
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale == 66
    first_item = 4  # column D: after 名次, 被考核单位, 总分
    breaks = [b.id for b in ws.col_breaks.brk]
    assert breaks == [first_item - 1 + k for k in (6, 23, 47, 64, 87, 111)][1:]  # break after the column id
    assert [ws.cell(3, first_item + k).value for k in (0, 6, 23, 47, 64, 87, 111)] == [
        "城市质量发展战略规划明确清晰", "城市质量文化特色鲜明", "城市质量基础保障有力", "城市质量工作组织坚强有力",
        "质量宏观管理成效明显", "工程质量大幅提高", "质量发展成果全民共享"]
    assert ws.print_title_cols == "$A:$C" and ws.print_title_rows == "$3:$6"
    assert ws.print_area.startswith("'指标得分'!$A$3:")  # the title row would print cut on pages 2-6


def test_score_matrix_pages_keep_each_category_whole() -> None:
    """Page by page, whole top categories while they fit beside those before; one longer than a page is cut
    into pages, its name repeated with （续）."""
    def items(*runs: tuple[str, int]) -> list[SimpleNamespace]:
        return [SimpleNamespace(path=[name]) for name, n in runs for _ in range(n)]

    changzhou = items(("宏观", 6), ("安全", 8), ("基础", 4), ("结果", 13), ("加分", 1))
    assert printed_pages(changzhou) == [[("宏观", 0, 5), ("安全", 6, 13), ("基础", 14, 17)],
                                        [("结果", 18, 30), ("加分", 31, 31)]]
    assert printed_pages(items(("长", 50)), per_page=24) == [[("长", 0, 23)], [("长", 24, 47)], [("长", 48, 49)]]
    assert printed_pages(items(("短", 3), ("长", 30)), per_page=24) == [[("短", 0, 2)], [("长", 3, 26)],
                                                                      [("长", 27, 32)]]
    assert printed_pages(items(("a", 24), ("b", 1))) == [[("a", 0, 23)], [("b", 24, 24)]]
    assert print_scale([5, 13, 8, *[7] * 24]) == 66 and print_scale([8] * 3) == 100


def test_score_matrix_prints_whole_categories_on_each_page_in_libreoffice(tmp_path: Path) -> None:
    """常州's 32 indicators under five categories, rendered by LibreOffice (with Calibri's metrics, as Excel
    measures columns): two pages, each category's name whole on one of them, no page for a few stray columns."""
    need_soffice()
    need_calibri_metrics()
    scheme = load(Path(__file__).resolve().parent.parent / "qwb" / "schemes" / "changzhou-2016.yaml")
    (tmp_path / "退回").mkdir()
    book = tmp_path / "排名.xlsx"
    write_report(consolidate(scheme, tmp_path / "退回"), book)
    pdf = soffice.convert(book, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip() and p.strip().splitlines()[0].rstrip().endswith("指标得分")]
    assert len(pages) == 2
    assert all(name in pages[0] for name in ("质量宏观管理", "质量安全监管", "质量基础建设"))
    assert all(name in pages[1] for name in ("质量结果", "加分项")) and "质量基础" not in pages[1]
    assert all("总分" in p and "名次" in p for p in pages)  # rank, unit and total repeated


# --- print layout: no text cut at a column's edge ---------------------------------------------------


@pytest.fixture(scope="module")
def yongzhou_case(tmp_path_factory: Any) -> SimpleNamespace:
    """永州 with nothing returned: one assessed place, long category names."""
    base = tmp_path_factory.mktemp("yongzhou")
    scheme = load(Path(__file__).resolve().parent.parent / "qwb" / "schemes" / "yongzhou-2018.yaml")
    (base / "退回").mkdir()
    out = base / "排名.xlsx"
    write_report(consolidate(scheme, base / "退回"), out)
    return SimpleNamespace(scheme=scheme, out=out, wb=openpyxl.load_workbook(out))


def test_ranking_header_and_category_rows_are_tall_enough_for_their_names(yongzhou_case: SimpleNamespace) -> None:
    ws = yongzhou_case.wb["总排名"]
    longest = "质量发展实现制度创新、方法创新和机制创新\n（60分）"
    assert longest in [c.value for c in ws[3]]
    assert ws.row_dimensions[3].height >= row_height([(longest, 10)]) > 42
    names = {c.value: c.row for c in ws["A"] if c.row > 3 and c.value == "城市质量发展战略规划明确清晰"}
    row = names["城市质量发展战略规划明确清晰"]
    assert ws.cell(row, 1).alignment.wrap_text
    assert ws.row_dimensions[row].height >= row_height([("城市质量发展战略规划明确清晰", 18)]) > 15


def test_a_veto_column_is_as_wide_as_its_text(tmp_path: Path) -> None:
    scheme = load(MINI)
    folder = tmp_path / "returns"
    folder.mkdir()
    _returns(scheme, folder, tmp_path / "t", simulate(scheme, seed=7) | {"west|veto:V1|Y|是否发生": "是"})
    write_report(consolidate(scheme, folder), tmp_path / "排名.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "排名.xlsx")["总排名"]
    vetoes = [r["一票否决"] for r in table(ws, 3)]
    assert any(v.startswith("是（") for v in vetoes)
    assert ws.column_dimensions["J"].width >= max(map(text_width, vetoes)) + 1


def test_long_file_names_fit_their_column_or_shrink_in_it(tmp_path: Path) -> None:
    """A file name longer than the widest file column is shrunk (LibreOffice cannot wrap a link); the others
    show whole."""
    scheme = load(MINI)
    folder = tmp_path / "returns"
    folder.mkdir()
    paths = _returns(scheme, folder, tmp_path / "t", simulate(scheme, seed=7) | {"west|4|Y|数值": "很多"})
    long_name = "二〇二四年度某某市各县（市、区）人民政府质量工作考核评分表（市场监督管理局填报，第二次修订稿）.xlsx"
    next(p for name, p in paths.items() if "市场监管局" in name).rename(folder / long_name)
    write_report(consolidate(scheme, folder), tmp_path / "排名.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "排名.xlsx")
    for sheet, column in (("提交情况", "E"), ("校验问题", "D")):
        ws = wb[sheet]
        cells = {c.value: c for c in ws[column] if c.row > 3 and c.value}
        assert int(ws.column_dimensions[column].width) == FILE_WIDTH < text_width(long_name)  # stored with padding
        assert cells[long_name].hyperlink and cells[long_name].alignment.shrink_to_fit
        short = [c for name, c in cells.items() if name != long_name]
        assert all(text_width(c.value) < FILE_WIDTH and not c.alignment.shrink_to_fit for c in short)
        assert short or sheet == "校验问题"
    assert "复制该单元格可得到完整的 64 位值" in wb["提交情况"]["A2"].value


def test_scheme_sheet_labels_and_category_names_show_whole(yongzhou_case: SimpleNamespace) -> None:
    ws = yongzhou_case.wb["方案"]
    labels = [ws.cell(r, 1).value for r in range(3, 40) if ws.cell(r, 1).font.b and ws.cell(r, 1).value]
    assert "总分小数位" in labels and "退回文件 SHA-256" in labels
    assert ws.column_dimensions["A"].width >= text_width("总分小数位") + 1
    category = "为实施质量发展规划、创建质量强市提供经费保障"
    row = next(c.row for c in ws["B"] if c.value == category)
    assert ws.cell(row, 2).alignment.wrap_text
    assert ws.row_dimensions[row].height >= row_height([(category, 30 - 3)]) > 15


def _merged_width(ws: Any, cell: str) -> float:
    span = next((m for m in ws.merged_cells.ranges if cell in m), None)
    first, last = (span.min_col, span.max_col) if span else (1, 1)
    return sum(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43 for c in range(first, last + 1))


def test_every_title_shows_whole_across_its_table(mini_case: SimpleNamespace, yongzhou_case: SimpleNamespace) -> None:
    """On one line in type no smaller than 12 points when that fits across the columns it is merged over, else
    wrapped in a row tall enough; the subtitle wrapped in a row tall enough."""
    for wb in (mini_case.wb, yongzhou_case.wb):
        for ws in wb.worksheets:
            title, size, across = ws["A1"].value, ws["A1"].font.sz, _merged_width(ws, "A1")
            assert size >= 12 and ws["A1"].alignment.wrap_text, ws.title
            assert text_width(title, size) <= across or ws.row_dimensions[1].height >= row_height(
                [(title, across)], size), ws.title
            subtitle, across = ws["A2"].value, _merged_width(ws, "A2")
            if ws["A2"].alignment.wrap_text and subtitle and line_count(subtitle, across) > 1:
                assert ws.row_dimensions[2].height >= row_height([(subtitle, across)]), ws.title
    compare = mini_case.wb["自评与核查"]
    assert text_width(compare["A1"].value, compare["A1"].font.sz) <= _merged_width(compare, "A1")
