"""The ranking workbook of a real year: 截至 on every sheet, the provisional banner, 未报/无效 in grey,
the 核查调整 sheet, last year's places with arrows (ties included), and the sign-off."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from qwb.adjustments import SHEET as ADJUST_SHEET
from qwb.adjustments import blank_workbook
from qwb.fill import fill
from qwb.pipeline import run_consolidation
from qwb.scheme import bundled, load
from qwb.simulate import simulate
from qwb.templates import write_templates

MINI = Path(__file__).parent / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("year")
    scheme = load(MINI)
    values = simulate(scheme, seed=11) | {"west|4|Y|数值": "很多"}
    for template in write_templates(scheme, "department", base / "t"):
        if "质强办" not in template.name:  # 质强办 never answers
            fill(template, base / "r" / template.name, values)
    adjust = base / "调整.xlsx"
    blank_workbook(scheme, adjust)
    wb = openpyxl.load_workbook(adjust)
    for col, value in enumerate(("east|4|Y|数值", "96%", "实地核查", "王敏"), start=1):
        wb[ADJUST_SHEET].cell(3, col).value = value
    wb.save(adjust)
    last = base / "2023.json"
    last.write_text(json.dumps({"format": "qwb-summary/1", "scheme": "mini-2023", "units": [
        {"id": "east", "total": 70.0, "grade": "C", "rank": 2}, {"id": "west", "total": 70.0, "grade": "C", "rank": 2},
    ]}), encoding="utf-8")
    c = run_consolidation(scheme, base / "r", base / "排名.xlsx", adjust=adjust, previous=last)
    return c, openpyxl.load_workbook(base / "排名.xlsx"), adjust, last


def test_the_banner_says_provisional_and_links_to_the_lists(year) -> None:  # type: ignore[no-untyped-def]
    c, wb, _adjust, _last = year
    ws = wb["总排名"]
    assert ws["A2"].value.startswith("初步结果：1 个部门未报送，") and f"{len(c.errors)} 个错误" in ws["A2"].value
    links = {cell.value: cell.hyperlink.location for row in ws.iter_rows(min_row=2, max_row=2) for cell in row
             if cell.hyperlink is not None}
    assert links == {"→ 提交情况": "'提交情况'!A1", "→ 校验问题": "'校验问题'!A1"}


def test_last_year_places_with_arrows_and_ties(year) -> None:  # type: ignore[no-untyped-def]
    c, wb, _adjust, _last = year
    ws = wb["总排名"]
    heads = [cell.value for cell in ws[3]]
    col = {name: heads.index(name) + 1 for name in ("被考核单位", "上年得分", "上年名次", "名次升降")}
    rows = {ws.cell(r, col["被考核单位"]).value: r for r in range(4, 4 + len(c.result.units))}
    for u in c.result.units:
        r = rows[u.name]
        if u.id == "north":
            assert (ws.cell(r, col["上年名次"]).value, ws.cell(r, col["名次升降"]).value) == (None, "新增")
            continue
        change = 2 - u.rank  # east and west shared 2nd place last year
        arrow = f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "—"
        assert (ws.cell(r, col["上年得分"]).value, ws.cell(r, col["上年名次"]).value) == (70, 2)
        assert ws.cell(r, col["名次升降"]).value == arrow


def test_missing_and_refused_items_are_grey_not_zero(year) -> None:  # type: ignore[no-untyped-def]
    c, wb, _adjust, _last = year
    ws = wb["指标得分"]
    ids = [ws.cell(4, 4 + k).value for k in range(len(c.scheme.indicators))]
    rows = {ws.cell(r, 2).value: r for r in range(7, 10)}
    west = rows["西区"]
    assert ws.cell(west, 4 + ids.index("4")).value == "无效"  # 很多 is not a number
    assert ws.cell(west, 4 + ids.index("2")).value == "未报"  # 质强办's item: never sent
    assert ws.cell(west, 4 + ids.index("2")).fill.fgColor.rgb.endswith("E7E6E6")


def test_adjustments_sheet_and_sign_off(year) -> None:  # type: ignore[no-untyped-def]
    c, wb, adjust, last = year
    rows = list(wb["核查调整"].iter_rows(min_row=4, values_only=True))
    assert rows[0][:12] == (1, "东区", "4", "年度", "数值", pytest.approx(float(c.adjustments[0].before)), 0.96,
                            pytest.approx(float(c.adjustments[0].score_before)), 20, "实地核查", "王敏", "采用")
    facts = {row[0]: row[1] for row in wb["方案"].iter_rows(min_row=3, max_col=2, values_only=True) if row[0]}
    from qwb.files import sha256

    assert sha256(adjust) in facts["核查调整文件"] and sha256(last) in facts["上年汇总"]
    assert all(rf.sha256 in facts["退回文件 SHA-256"] for rf in c.returns)
    assert facts["方案指纹"] == c.scheme.fingerprint()


def test_every_sheet_says_as_of_which_node(tmp_path: Path) -> None:
    scheme = load(bundled("tieling")[0])
    values = {k: v for k, v in simulate(scheme, seed=3).items() if "|H1|" in k}
    for template in write_templates(scheme, "department", tmp_path / "t"):
        fill(template, tmp_path / "r" / template.name, values)
    run_consolidation(scheme, tmp_path / "r", tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    for ws in wb.worksheets:
        assert "（截至“半年”，期中汇总）" in str(ws["A1"].value), ws.title
    assert wb.properties.title.endswith("（截至“半年”，期中汇总）")
