"""Large consolidations: the raw data moves to a CSV beside the workbook instead of a giant sheet."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
from filling import fill

from qwb.consolidate import consolidate
from qwb.report import raw, write_report
from qwb.scheme import load
from qwb.simulate import simulate
from qwb.templates import write_templates

MINI = Path(__file__).parent / "data" / "mini.yaml"


def test_raw_data_overflows_to_csv(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    scheme = load(MINI)
    entries = simulate(scheme, seed=3)
    entries["east|4|Y|数值"] = "=1+2"
    (tmp_path / "r").mkdir()
    for path in write_templates(scheme, "department", tmp_path / "t"):
        fill(path, tmp_path / "r" / path.name, entries)
    c = consolidate(scheme, tmp_path / "r")
    monkeypatch.setattr(raw, "ROW_LIMIT", 10)
    out = tmp_path / "排名.xlsx"
    write_report(c, out)
    sheet = openpyxl.load_workbook(out)["原始数据"]
    assert "排名-原始数据.csv" in str(sheet["A2"].value)
    text = raw.csv_path(out).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][0] == "文件" and len(rows) - 1 == sum(len(rf.entries) for rf in c.returns)
    injected = next(r for r in rows if r[5] == "east|4|Y|数值")
    assert injected[10] == "'=1+2" and injected[12] == "无效"
    assert oct(out.stat().st_mode & 0o777) != "0o600"
