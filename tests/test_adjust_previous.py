"""The office's adjustments after verification (--adjust) and the comparison with last year (--previous)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from qwb.adjustments import LOOKUP_SHEET, SHEET, blank_workbook
from qwb.consolidate import consolidate
from qwb.fill import fill
from qwb.history import PreviousError, change_text, rank_change, read_previous
from qwb.issues import AdjustmentRefused
from qwb.pipeline import run_consolidation
from qwb.scheme import load
from qwb.scheme.entries import entries
from qwb.simulate import simulate
from qwb.templates import write_templates

MINI = Path(__file__).parent / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scheme = load(MINI)
    base = tmp_path_factory.mktemp("adj")
    values = simulate(scheme, seed=4) | {"east|2|Y|得分": 6, "west|4|Y|数值": 0.9}
    for template in write_templates(scheme, "department", base / "t"):
        fill(template, base / "r" / template.name, values)
    return base / "r"


def adjustments_file(path: Path, rows: list[tuple]) -> Path:
    scheme = load(MINI)
    blank_workbook(scheme, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    for n, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            ws.cell(n, c).value = value
    wb.save(path)
    return path


def test_the_blank_workbook_lists_every_key(tmp_path: Path) -> None:
    scheme = load(MINI)
    blank_workbook(scheme, tmp_path / "调整.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "调整.xlsx")
    assert [c.value for c in wb[SHEET][2]] == ["编码", "调整值", "理由", "调整人"]
    listed = [row[0] for row in wb[LOOKUP_SHEET].iter_rows(min_row=2, values_only=True)]
    assert listed == [e.key for e in entries(scheme)]


def test_adjustments_change_exactly_the_adjusted_items(returns: Path, tmp_path: Path) -> None:
    before = consolidate(load(MINI), returns)
    adjust = adjustments_file(tmp_path / "调整.xlsx", [
        ("east|2|Y|得分", 8.5, "实地核查：机制文件齐全", "张丽"),  # 6 -> 8.5
        ("west|4|Y|数值", "96%", "抽查复核", None),  # 90% -> 96% (target 95.2%: 0 -> 20)
        ("north|2|Y|得分", 9, "", "王敏"),  # no reason: refused
        ("north|99|Y|数值", 1, "编码错了", "王敏"),  # unknown key: refused
        ("north|2|Y|得分", 2.3, "步长不对", "王敏"),  # off the 0.5 step: refused
    ])
    after = consolidate(load(MINI), returns, adjust=adjust)
    changed = {(u.id, i) for u in after.result.units for i, s in u.items.items()
               if s.score != before.result.unit(u.id).items[i].score}
    assert changed == {("east", "2"), ("west", "4")}
    assert after.result.unit("east").items["2"].score == 8.5 and after.result.unit("west").items["4"].score == 20
    refused = [i for i in after.issues if i.code == AdjustmentRefused.code]
    assert [(i.cell, i.severity) for i in refused] == [("B5", "error"), ("B6", "error"), ("B7", "error")]
    listed = after.summary()["adjustments"]
    assert listed[0] == {"key": "east|2|Y|得分", "from": 6, "to": 8.5, "reason": "实地核查：机制文件齐全", "by": "张丽",
                         "applied": True}
    assert listed[1]["from"] == 0.9 and listed[1]["to"] == 0.96 and listed[1]["applied"]
    assert [a["applied"] for a in listed] == [True, True, False, False, False]


def test_rank_change_arrows_with_ties() -> None:
    assert [change_text(rank_change(p, r)) for p, r in [
        ({"rank": 4}, 2), ({"rank": 1}, 2), ({"rank": 2}, 2), (None, 1), ({"rank": None}, 3)]] == \
        ["↑2", "↓1", "—", "新增", "新增"]


def test_previous_summary_in_the_json(returns: Path, tmp_path: Path) -> None:
    last = tmp_path / "2023.json"
    last.write_text(json.dumps({"format": "qwb-summary/1", "scheme": "mini-2023", "units": [
        {"id": "east", "total": 80.0, "grade": "B", "rank": 2},
        {"id": "west", "total": 80.0, "grade": "B", "rank": 2},  # tied last year
    ]}), encoding="utf-8")
    c = run_consolidation(load(MINI), returns, tmp_path / "r.xlsx", tmp_path / "r.json", previous=last)
    units = {u["id"]: u for u in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["units"]}
    for unit_id in ("east", "west"):
        assert units[unit_id]["previous"] == {"total": 80.0, "grade": "B", "rank": 2}
        assert units[unit_id]["rank_change"] == 2 - units[unit_id]["rank"]
    assert units["north"]["previous"] is None and units["north"]["rank_change"] is None
    assert c.previous is not None


def test_an_unusable_previous_summary_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"units": []}', encoding="utf-8")
    with pytest.raises(PreviousError, match="qwb-summary/1"):
        read_previous(tmp_path / "x.json")
    with pytest.raises(PreviousError, match="无法读取"):
        read_previous(tmp_path / "none.json")
