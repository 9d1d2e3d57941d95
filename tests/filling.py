"""Fill a template the way the contract allows: write 填报值 cells only, matched by 编码."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl


def header_map(ws: Any) -> tuple[int, dict[str, int]]:
    for row in ws.iter_rows(min_row=1, max_row=20):
        names = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if "编码" in names and "填报值" in names:
            return row[0].row, names
    raise ValueError("no entry table header")


def fill(template: Path, out: Path, entries: dict[str, Any], date: Any = None) -> int:
    """Write ``entries`` into the 填报值 cells; returns how many were written."""
    wb = openpyxl.load_workbook(template)
    ws = wb["填报"]
    header, cols = header_map(ws)
    written = 0
    for row in range(header + 1, ws.max_row + 1):
        key = ws.cell(row, cols["编码"]).value
        if key in entries:
            ws.cell(row, cols["填报值"]).value = entries[key]
            written += 1
    if date is not None:
        ws.cell(2, cols["填报值"]).value = date
    wb.save(out)
    return written


def read_scores(path: Path) -> dict[str, Any]:
    """{key: cached 得分} for rows that carry a score, read from a recalculated file."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["填报"]
    header, cols = header_map(ws)
    out = {}
    for row in range(header + 1, ws.max_row + 1):
        key = ws.cell(row, cols["编码"]).value
        score = ws.cell(row, cols["得分"]).value
        if key:
            out[key] = score
    return out


def need_soffice() -> None:
    """Skip without LibreOffice, unless QWB_REQUIRE_SOFFICE=1 (CI), where its absence is a failure."""
    import os

    import pytest

    from qwb import soffice

    if soffice.find() is None:
        if os.environ.get("QWB_REQUIRE_SOFFICE") == "1":
            pytest.fail("QWB_REQUIRE_SOFFICE=1 but LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
