"""The assessment year on a scheme of our own with three nodes (tests/data/year3.yaml), totals worked by hand.

Items (period_aggregate mean, full marks 100, interim totals scaled to 100 over the points due):
1 规划 choice 20, every node (完成 20 / 部分完成 10 / 未完成 0), 质强办;
2 合格率 target >= 95 %, 30, at 半年 P2 and 年终 P3, 市场监管局;
3 满意度 steps 30 (>=85: 30, >=80: 20, >=70: 10), 年终 only, 市场监管局;
4 机制 direct 20, at 一季度 P1 and 年终 P3, 质强办.

Values sent (P1 / P2 / P3):
- 东区: 1 完成/完成/部分完成; 2 96%/94%; 3 86; 4 18/20
- 西区: 1 部分完成/完成/完成; 2 95% (exactly the target)/97%; 3 80; 4 15/16
- 北区: 1 未完成/部分完成/完成; 2 90%/95.5%; 3 70; 4 20/19.5
- 南区: every item at full marks
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from filling import need_soffice

from qwb import soffice
from qwb.adjustments import SHEET as ADJUST_SHEET
from qwb.adjustments import blank_workbook, read_adjustments
from qwb.consolidate import consolidate
from qwb.fill import fill
from qwb.pipeline import run_consolidation
from qwb.scheme import load
from qwb.scheme.entries import entries
from qwb.scheme.model import Scheme
from qwb.templates import write_templates

YEAR3 = Path(__file__).parent / "data" / "year3.yaml"
CHOICE = {"完": "完成", "部": "部分完成", "未": "未完成"}
SENT = {  # unit: item 1 by node, item 2 at P2/P3, item 3 at P3, item 4 at P1/P3
    "east": ("完完部", (0.96, 0.94), 86, (18, 20)),
    "west": ("部完完", (0.95, 0.97), 80, (15, 16)),
    "north": ("未部完", (0.90, 0.955), 70, (20, 19.5)),
    "south": ("完完完", (0.99, 0.99), 90, (20, 20)),
}
#: hand-computed totals at each node (see the module docstring)
TOTALS = {
    # due: 1 (P1) + 4 (P1) = 40 points. 东 20+18=38 -> 95; 西 10+15=25 -> 62.5; 北 0+20 -> 50; 南 40 -> 100
    "P1": {"east": 95.0, "west": 62.5, "north": 50.0, "south": 100.0},
    # due: 1 (mean P1,P2) + 2 (P2) + 4 (P1) = 70 points. 东 20+30+18=68 -> 97.14; 西 15+30+15=60 -> 85.71;
    # 北 5+0+20=25 -> 35.71; 南 70 -> 100
    "P2": {"east": 97.14, "west": 85.71, "north": 35.71, "south": 100.0},
    # all due. 东 16.667+15+30+19 = 80.67; 西 16.667+30+20+15.5 = 82.17; 北 10+15+10+19.75 = 54.75; 南 100
    "P3": {"east": 80.67, "west": 82.17, "north": 54.75, "south": 100.0},
}
DAYS = {"P1": dt.date(2025, 4, 3), "P2": dt.date(2025, 7, 4), "P3": dt.date(2026, 1, 6)}


def node_values(period: str) -> dict[str, Any]:
    """Every value of one node, as the departments send it."""
    index = "P1 P2 P3".split().index(period)
    out: dict[str, Any] = {}
    for unit, (choices, rates, satisfaction, mechanism) in SENT.items():
        out[f"{unit}|1|{period}|选项"] = CHOICE[choices[index]]
        if period != "P1":
            out[f"{unit}|2|{period}|数值"] = rates[index - 1]
        if period == "P3":
            out[f"{unit}|3|P3|数值"] = satisfaction
        if period != "P2":
            out[f"{unit}|4|{period}|得分"] = mechanism[index // 2]
    return out


def up_to(period: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in ("P1", "P2", "P3")[: int(period[1])]:
        out |= node_values(p)
    return out


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load(YEAR3)


@pytest.fixture(scope="module")
def templates(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_templates(scheme, "department", tmp_path_factory.mktemp("t"))


def send(templates: list[Path], folder: Path, values: dict[str, Any], day: dt.date, suffix: str = "",
         skip: str = "") -> None:
    for template in templates:
        if skip and skip in template.name:
            continue
        fill(template, folder / template.name.replace(".xlsx", f"{suffix}.xlsx"), values,
             date=dt.datetime.combine(day, dt.time()))


def totals(c: Any) -> dict[str, float]:
    return {u.id: float(u.total) for u in c.result.units}


@pytest.fixture(scope="module")
def by_node(templates: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file per department per node, each on a fresh template holding only that node's values."""
    folder = tmp_path_factory.mktemp("by-node")
    for period in ("P1", "P2", "P3"):
        send(templates, folder, node_values(period), DAYS[period], f"（{period}）")
    return folder


@pytest.mark.parametrize("period", ["P1", "P2", "P3"])
def test_interim_run_at_each_node_equals_the_hand_totals(scheme: Scheme, by_node: Path, period: str) -> None:
    c = consolidate(scheme, by_node, as_of=period)
    assert (c.as_of, c.interim) == (period, period != "P3")
    assert totals(c) == TOTALS[period]
    assert c.missing == [] and not c.errors
    assert not [i for i in c.issues if i.code in ("missing-value", "missing-rows")]


def test_one_file_per_node_loses_nothing(scheme: Scheme, templates: list[Path], by_node: Path,
                                         tmp_path: Path) -> None:
    send(templates, tmp_path, up_to("P3"), DAYS["P3"])  # the same values in one file each
    together, separate = consolidate(scheme, tmp_path), consolidate(scheme, by_node)
    assert separate.as_of == "P3"  # the latest node any return holds a value for
    assert totals(separate) == totals(together) == TOTALS["P3"]
    holding = [rf for rf in separate.returns if any(v is not None for v in rf.entries.values())]
    assert len(holding) == 5 and {rf.status for rf in holding} == {"accepted"}  # 市场监管局 has nothing at P1
    assert separate.result.units[1].items["1"].period_scores == {"P1": 10, "P2": 20, "P3": 20}


def test_at_the_first_node_nobody_waits_for_a_department_with_nothing_due(scheme: Scheme, templates: list[Path],
                                                                         tmp_path: Path) -> None:
    send(templates, tmp_path, node_values("P1"), DAYS["P1"], skip="市场监管局")
    c = consolidate(scheme, tmp_path)
    assert c.as_of == "P1" and c.missing == [] and totals(c) == TOTALS["P1"]
    assert consolidate(scheme, tmp_path, as_of="P2").missing == ["scjg"]


def test_a_corrected_full_return_replaces_the_draft(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    draft = up_to("P3") | {"east|3|P3|数值": 60, "west|2|P3|数值": 0.5, "north|1|P3|选项": "未完成"}
    send(templates, tmp_path, draft, dt.date(2026, 1, 3), "（初稿）")
    send(templates, tmp_path, up_to("P3"), DAYS["P3"], "（修改稿）")
    c = consolidate(scheme, tmp_path)
    assert totals(c) == TOTALS["P3"]
    status = {rf.name: rf.status for rf in c.returns}
    assert {s for n, s in status.items() if "初稿" in n} == {"superseded"}


def test_feedback_round_trips_through_libreoffice(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    need_soffice()
    bad = up_to("P2") | {"west|2|P2|数值": "约九成五"}
    send(templates, tmp_path / "r", bad, DAYS["P2"])
    c = run_consolidation(scheme, tmp_path / "r", tmp_path / "中期.xlsx", feedback=tmp_path / "fb")
    assert [p.name.endswith("-待修改.xlsx") for p in c.feedback] == [True]
    assert totals(c)["west"] == round((15 + 0 + 15) / 70 * 100, 2)  # the refused rate counts 0 meanwhile
    back = c.feedback[0]
    fill(back, tmp_path / "fixed" / back.name, {"west|2|P2|数值": 0.95})
    again = tmp_path / "again"
    again.mkdir()
    for p in (tmp_path / "r").iterdir():
        if "市场监管局" not in p.name:
            shutil.copy(p, again / p.name)
    for saved in soffice.convert_many(sorted((tmp_path / "fixed").iterdir()), "xlsx", tmp_path / "lo"):
        shutil.copy(saved, again / saved.name)
    final = consolidate(scheme, again)
    assert not final.errors and totals(final) == TOTALS["P2"]


def adjust_file(scheme: Scheme, path: Path, rows: list[tuple[str, ...]]) -> Path:
    blank_workbook(scheme, path)
    wb = openpyxl.load_workbook(path)
    for n, row in enumerate(rows, start=3):
        for col, value in enumerate(row, start=1):
            wb[ADJUST_SHEET].cell(n, col).value = value
    wb.save(path)
    return path


def test_adjustments_change_exactly_the_adjusted_items(scheme: Scheme, by_node: Path, tmp_path: Path) -> None:
    adjust = adjust_file(scheme, tmp_path / "调整.xlsx", [("east|2|P3|数值", "95%", "实地核查：抽查报告为95%", "王敏")])
    before, after = consolidate(scheme, by_node), consolidate(scheme, by_node, adjust=adjust)
    adjusted = {u.id: u for u in after.result.units}
    changed = {(u.id, item) for u in before.result.units
               for item in u.items if u.items[item].score != adjusted[u.id].items[item].score}
    assert changed == {("east", "2")}
    assert adjusted["east"].items["2"].period_scores == {"P2": 30, "P3": 30}
    assert totals(after) == TOTALS["P3"] | {"east": 95.67}  # 16.667 + 30 + 30 + 19
    listed = after.summary()["adjustments"]
    assert [(a["key"], a["to"], a["applied"]) for a in listed] == [("east|2|P3|数值", 0.95, True)]


def test_missing_department_banner_and_grey_cells(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    send(templates, tmp_path / "r", up_to("P3"), DAYS["P3"], skip="质强办")
    c = run_consolidation(scheme, tmp_path / "r", tmp_path / "排名.xlsx")
    assert c.missing == ["zqb"]
    wb = openpyxl.load_workbook(tmp_path / "排名.xlsx")
    banner = " ".join(str(v) for row in wb["总排名"].iter_rows(max_row=3, values_only=True) for v in row if v)
    assert "初步结果" in banner and "1 个部门未报送" in banner
    matrix = wb["指标得分"]
    items = {str(matrix.cell(4, c).value): c for c in range(4, 8)}  # the row of item ids, under the categories
    assert set(items) == {"1", "2", "3", "4"}
    for row in range(7, 11):  # every unit
        for item in ("1", "4"):  # 质强办's items: 未报 in grey, not 0
            cell = matrix.cell(row, items[item])
            assert cell.value == "未报" and cell.fill.fgColor.rgb.endswith("E7E6E6"), (row, item, cell.value)
        assert isinstance(matrix.cell(row, items["3"]).value, (int, float))


def test_first_node_category_not_due_is_not_zero(scheme: Scheme, by_node: Path, tmp_path: Path) -> None:
    run_consolidation(scheme, by_node, tmp_path / "一季度.xlsx", as_of="P1")
    ws = openpyxl.load_workbook(tmp_path / "一季度.xlsx")["总排名"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "名次")
    cols = {str(ws.cell(header, c).value).split("\n")[0]: c for c in range(1, ws.max_column + 1)}
    results = ws.cell(header + 1, cols["质量结果"]).value
    progress = ws.cell(header + 1, cols["工作推进"]).value
    assert (results, progress) == ("未到期", 40)  # 南区 first: 20 + 20 due at 一季度
    banner = ws["A2"]  # everything due is in and correct: an interim result, not a provisional one
    assert banner.value.startswith("期中结果：到期的都已收到，没有错误；之后的时间节点尚未到期")
    assert banner.fill.fgColor.rgb.endswith("FFF2CC")


def test_previous_year_arrows_with_ties(scheme: Scheme, by_node: Path, tmp_path: Path) -> None:
    last = tmp_path / "2024.json"  # 东区 first, 南区 and 西区 tied second, 北区 not ranked last year
    last.write_text(json.dumps({"format": "qwb-summary/1", "scheme": "year3-2024", "units": [
        {"id": "east", "total": 91.0, "grade": "优秀", "rank": 1},
        {"id": "south", "total": 85.5, "grade": "良好", "rank": 2},
        {"id": "west", "total": 85.5, "grade": "良好", "rank": 2},
    ]}), encoding="utf-8")
    c = run_consolidation(scheme, by_node, tmp_path / "排名.xlsx", previous=last)
    units = {u["id"]: u for u in c.summary()["units"]}
    # this year: 南区 1, 西区 2, 东区 3, 北区 4
    assert {k: (u["rank"], u["rank_change"]) for k, u in units.items()} == {
        "south": (1, 1), "west": (2, 0), "east": (3, -2), "north": (4, None)}
    ws = openpyxl.load_workbook(tmp_path / "排名.xlsx")["总排名"]
    shown = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
             for r in range(1, ws.max_row + 1)}
    assert "↑1" in shown["南区"] and "—" in shown["西区"] and "↓2" in shown["东区"] and "新增" in shown["北区"]


def test_keys_of_the_scheme_are_what_the_test_sends(scheme: Scheme) -> None:
    assert set(up_to("P3")) == {e.key for e in entries(scheme) if e.field.name != "合理缺项"}


def test_the_adjustments_workbook_prints_like_the_others(scheme: Scheme, tmp_path: Path) -> None:
    """A4 landscape fitted to the page width, header rows on every page, the title wrapped within the table,
    long indicator names wrapped in rows tall enough; and its empty ruled rows are not read as adjustments."""
    path = tmp_path / "调整.xlsx"
    blank_workbook(scheme, path)
    wb = openpyxl.load_workbook(path)
    for ws, titles in ((wb[ADJUST_SHEET], "$2:$2"), (wb["编码表"], "$1:$1")):
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == titles and ws.oddFooter.center.text
    assert wb[ADJUST_SHEET]["A1"].alignment.wrap_text and "A1:D1" in wb[ADJUST_SHEET].merged_cells
    assert read_adjustments(path) == ([], [])
