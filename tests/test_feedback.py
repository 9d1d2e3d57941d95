"""Feedback workbooks: each department's own template back, pre-filled, problems marked; and it round-trips."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from filling import need_soffice

from qwb import soffice
from qwb.consolidate import consolidate
from qwb.feedback import SHEET
from qwb.files import sha256
from qwb.fill import fill
from qwb.pipeline import run_consolidation
from qwb.scheme import load
from qwb.simulate import simulate
from qwb.templates import write_templates

MINI = Path(__file__).parent / "data" / "mini.yaml"
BAD = {"east|4|Y|数值": "约九成", "west|5|Y|数值": None}  # 市场监管局: not a number; a value left blank


def test_feedback_marks_problems_and_round_trips(tmp_path: Path) -> None:
    need_soffice()
    scheme = load(MINI)
    values = simulate(scheme, seed=2)
    returns = tmp_path / "returns"
    for template in write_templates(scheme, "department", tmp_path / "t"):
        if "质强办" not in template.name:  # 质强办 sends nothing
            fill(template, returns / template.name, values | BAD)
    before = {p.name: sha256(p) for p in returns.iterdir()}
    c = run_consolidation(scheme, returns, tmp_path / "r.xlsx", feedback=tmp_path / "fb")
    assert {p.name: sha256(p) for p in returns.iterdir()} == before  # inputs untouched
    assert len(c.feedback) == 2  # the department with problems and the one that sent nothing
    scjg = next(p for p in c.feedback if "市场监管局" in p.name)
    zqb = next(p for p in c.feedback if "质强办" in p.name)
    assert scjg.name.endswith("-待修改.xlsx") and zqb.name.endswith("-待报送.xlsx")

    wb = openpyxl.load_workbook(scjg)
    assert wb.sheetnames[0] == SHEET and wb.active.title == SHEET
    ws = wb["填报"]
    header = {ws.cell(5, c).value: c for c in range(1, ws.max_column + 1)}
    cells = {ws.cell(r, header["编码"]).value: ws.cell(r, header["填报值"]) for r in range(6, ws.max_row + 1)}
    bad = cells["east|4|Y|数值"]
    assert bad.value == "约九成" and bad.fill.fgColor.rgb.endswith("FFC7CE") and "不是数字" in bad.comment.text
    blank = cells["west|5|Y|数值"]
    assert blank.value is None and blank.fill.fgColor.rgb.endswith("FFEB9C") and "未填写" in blank.comment.text
    assert cells["north|4|Y|数值"].value == values["north|4|Y|数值"]  # pre-filled with what was sent
    listed = [row for row in wb[SHEET].iter_rows(min_row=5, values_only=True) if row[0]]
    assert {row[2] for row in listed} == {"east|4|Y|数值", "west|5|Y|数值"}
    assert wb[SHEET]["A1"].value.endswith("退回修改") and wb[SHEET].print_title_rows == "$4:$4"
    waiting = openpyxl.load_workbook(zqb)[SHEET]
    assert "尚未收到" in waiting["A2"].value and waiting["A1"].value.endswith("待报送")
    assert waiting["A4"].value is None  # no empty problem table under the request
    assert waiting.column_dimensions["D"].width == 60  # the merged request has the table's width to wrap in
    assert waiting.oddFooter.center.text == "第 &P 页，共 &N 页" and waiting.oddHeader.right.text == "&A"

    # the department corrects the file in its spreadsheet and sends it back; 质强办 fills its blank one
    fixed = tmp_path / "fixed"
    fill(scjg, fixed / scjg.name, {"east|4|Y|数值": values["east|4|Y|数值"], "west|5|Y|数值": values["west|5|Y|数值"]})
    fill(zqb, fixed / zqb.name, values)
    again = tmp_path / "again"
    again.mkdir()
    for p in returns.iterdir():
        if "市场监管局" not in p.name:
            shutil.copy(p, again / p.name)
    for saved in soffice.convert_many(sorted(fixed.iterdir()), "xlsx", tmp_path / "lo"):
        shutil.copy(saved, again / saved.name)
    final = consolidate(scheme, again)
    assert not final.errors and final.missing == []
    assert all(rf.status == "accepted" for rf in final.returns)
    expected = consolidate(scheme, _clean(scheme, values, tmp_path))
    assert [(u.id, u.total) for u in final.result.units] == [(u.id, u.total) for u in expected.result.units]


def _clean(scheme, values, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "clean"
    for template in write_templates(scheme, "department", tmp_path / "t2"):
        fill(template, folder / template.name, values)
    return folder
