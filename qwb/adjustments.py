"""The office's adjustments after verification (核查调整): a workbook of corrected entries, applied before scoring.

The workbook has a sheet 调整 whose header row holds 编码, 调整值, 理由 and optionally
调整人. Each row replaces the value of one entry key; the new value is read and
validated exactly like a returned 填报值. A row without a reason, with an unknown
key or with an invalid value is an error and is not applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from qwb.engine import Checked, KeyIndex, check_entries
from qwb.issues import AdjustmentRefused, Issue, UnreadableFile
from qwb.keys import EntryKey
from qwb.numtext import number
from qwb.values import is_blank

SHEET = "调整"
KEY, VALUE, REASON, BY = "编码", "调整值", "理由", "调整人"
LOOKUP_SHEET = "编码表"


@dataclass
class Adjustment:
    key: str
    to: Any  # as written in the workbook
    reason: str
    by: str
    cell: str
    applied: bool = False
    before: Any = None  # the value that counted before, normalised (None: missing or invalid)
    after: Any = None  # the adjusted value, normalised
    score_before: Decimal | None = None  # the item's score in that period, before and after
    score_after: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "from": _plain(self.before), "to": _plain(self.after if self.applied else self.to),
                "reason": self.reason, "by": self.by, "applied": self.applied}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return number(value)
    return value if value is None or isinstance(value, (int, float, str, bool)) else str(value)


def read_adjustments(path: Path) -> tuple[list[Adjustment], list[Issue]]:
    """The rows of the 调整 sheet; a workbook that cannot be read is one issue and no rows."""
    from python_calamine import CalamineWorkbook

    where = {"file": Path(path).name, "sheet": SHEET}
    try:
        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - any reader failure is one located issue
        return [], [UnreadableFile.new(detail=f"无法读取调整工作簿的“{SHEET}”表（{type(exc).__name__}：{exc}）", **where)]
    header = next((n for n, row in enumerate(rows[:30]) if KEY in row and VALUE in row and REASON in row), None)
    if header is None:
        return [], [UnreadableFile.new(detail=f"调整工作簿的“{SHEET}”表中找不到含“{KEY}”“{VALUE}”“{REASON}”的表头行",
                                       **where)]
    cols = {str(name).strip(): c for c, name in enumerate(rows[header]) if name not in (None, "")}
    out = []
    for n, row in enumerate(rows[header + 1:], start=header + 2):
        def cell(name: str, row: list[Any] = row) -> Any:
            c = cols.get(name)
            return None if c is None or c >= len(row) or row[c] == "" else row[c]
        if is_blank(cell(KEY)) and is_blank(cell(VALUE)):
            continue
        out.append(Adjustment(str(cell(KEY) or "").strip(), cell(VALUE), str(cell(REASON) or "").strip(),
                              str(cell(BY) or "").strip(), f"{xl_col_to_name(cols[VALUE])}{n}"))
    return out, []


def apply(adjustments: list[Adjustment], checked: Checked, index: KeyIndex, file: str,
          due: set[str]) -> tuple[Checked, list[Issue]]:
    """The values that count after the adjustments that can be applied; refused rows are issues."""
    issues: list[Issue] = []
    values, rejected = dict(checked.values), set(checked.rejected)
    for adj in adjustments:
        where = {"file": file, "sheet": SHEET, "cell": adj.cell}
        parsed = EntryKey.parse(adj.key)
        if parsed:
            where |= {"unit": parsed.unit, "indicator": parsed.item, "key": adj.key}
        adj.before = checked.values.get(adj.key)
        if not adj.reason:
            issues.append(AdjustmentRefused.new(detail=f"编码 {adj.key} 的调整没有填写理由，未采用", **where))
            continue
        if adj.key not in index.fields:
            issues.append(AdjustmentRefused.new(detail=f"编码“{adj.key}”不在本方案中，调整未采用", **where))
            continue
        if parsed and parsed.period not in due:
            issues.append(AdjustmentRefused.new(detail=f"编码 {adj.key} 的时间节点尚未到期，调整未采用", **where))
            continue
        one = check_entries(index.scheme, {adj.key: adj.to}, {adj.key: where}, index)
        if adj.key not in one.values:
            reason = one.issues[0].message if one.issues else "调整值为空"
            issues.append(AdjustmentRefused.new(detail=f"调整未采用：{reason}", **where))
            continue
        adj.applied, adj.after = True, one.values[adj.key]
        values[adj.key] = adj.after
        rejected.discard(adj.key)
    kept_issues = [i for i in checked.issues if not (i.key and any(a.applied and a.key == i.key for a in adjustments))]
    return Checked(values, rejected, kept_issues), issues


def blank_workbook(scheme: Any, out: Path) -> None:
    """An empty adjustments workbook for a scheme: the 调整 sheet and a 编码表 listing every key, each printable
    (A4 landscape, fitted to the page width, the header row on every page)."""
    import io

    from qwb.files import write_atomic
    from qwb.scheme.entries import entries
    from qwb.xlsx import Formats, fit_row, fit_width, merge_text, new_workbook, page_setup

    buffer = io.BytesIO()
    wb = new_workbook(buffer)
    formats = Formats(wb)
    head, text, wrap = (formats.get(bold=True, bg_color="#D9E1F2", border=1), formats.get(border=1),
                        formats.get(border=1, text_wrap=True))
    ws = wb.add_worksheet(SHEET)
    columns = ((KEY, 34), (VALUE, 12), (REASON, 40), (BY, 10))
    title = f"{scheme.name} 核查调整：每行改一项填报值，须写理由；编码从“{LOOKUP_SHEET}”表复制。"
    merge_text(ws, 0, 0, 0, len(columns) - 1, title, formats.get(bold=True, text_wrap=True))
    fit_row(ws, 0, [(title, sum(width for _name, width in columns))])
    for c, (name, width) in enumerate(columns):
        ws.write_string(1, c, name, head)
        ws.set_column(c, c, width)
    for row in range(2, 30):  # ruled rows to fill in
        for c in range(len(columns)):
            ws.write_blank(row, c, None, text)
    ws.freeze_panes(2, 0)
    page_setup(ws, repeat=1)
    lookup = wb.add_worksheet(LOOKUP_SHEET)
    periods = {p.id: p.name for p in scheme.periods}
    rows = [(e.key, e.unit_name, EntryKey.parse(e.key).item, e.item.title, periods[e.period.id], e.field.name)  # type: ignore[union-attr]
            for e in entries(scheme)]
    widths = (fit_width((r[0] for r in rows), 20, 44), fit_width((r[1] for r in rows), 10, 20), 8, 40,
              fit_width((r[4] for r in rows), 8, 12), 16)
    for c, (name, width) in enumerate(zip(("编码", "被考核单位", "指标", "指标名称", "时间节点", "填报项"), widths)):
        lookup.write_string(0, c, name, head)
        lookup.set_column(c, c, width)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            lookup.write_string(r, c, value, wrap if c in (3, 5) else text)
        fit_row(lookup, r, [(values[3], widths[3]), (values[5], widths[5])])
    lookup.autofilter(0, 0, len(rows), len(widths) - 1)
    lookup.freeze_panes(1, 0)
    page_setup(lookup, repeat=0)
    wb.close()
    write_atomic(out, buffer.getvalue())
