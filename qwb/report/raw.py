"""原始数据: every entry read, where it came from (file, sheet, cell, the file's SHA-256), as typed and as used."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from qwb.files import Pending, write_pending
from qwb.issues import cell_order
from qwb.keys import BLANK_KEY, SEPARATOR, EntryKey, Places
from qwb.report.base import FILE_WIDTH, STATUS, Column, Report, header_row, page_setup, title_block, with_widths
from qwb.xlsx import fit_width, put

SHEET = "原始数据"
HEADER = 2
FIRST = HEADER + 1
COLUMNS = [
    Column("文件", 30), Column("状态", 6), Column("工作表", 6), Column("单元格", 6.5), Column("SHA-256", 14),
    Column("编码", 26), Column("被考核单位", 10), Column("指标", 6), Column("时间节点", 7), Column("填报项", 8),
    Column("原始值", 16), Column("规范值", 11), Column("用途", 8),
]
COL = {c.name: i for i, c in enumerate(COLUMNS)}


def _use(c: Any, rf: Any, key: str, counted: str = "") -> str:
    """What became of one entry; ``counted``: the kind of return that counts, if the caller worked it out."""
    if rf.status != "accepted":
        return STATUS.get(rf.status, rf.status)
    if key in rf.checked.rejected:
        return "无效"
    counted = counted or _counted(c)
    if rf.kind == counted and c.sources.get(key, rf.name) != rf.name:
        return "已替代"  # a later return of the same assignee gave this entry
    if key not in rf.checked.values:
        return "未填" if rf.entries.get(key) in (None, "") else "未用"
    return "计分" if rf.kind == counted else "自评对照"


def _counted(c: Any) -> str:
    return "department" if c.mode == "verified" else "unit"


#: beyond this many entries the rows go to a CSV file beside the workbook: a sheet of hundreds of thousands
#: of rows costs minutes and gigabytes to write and nobody reads it in Excel
ROW_LIMIT = 20_000


#: rows of the CSV encoded and written at a time
CSV_CHUNK = 5000


def csv_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}-原始数据.csv")


def goes_to_csv(c: Any) -> bool:
    """Whether the raw data is too long for a sheet (ROW_LIMIT) and goes to a CSV file beside the workbook."""
    return sum(len(rf.entries) for rf in c.returns) > ROW_LIMIT


def rows(c: Any) -> Iterator[list[Any]]:
    """Every entry of a consolidation as a row of COLUMNS' values, in file then cell order."""
    counted = _counted(c)
    described = _Described(c.scheme)
    for rf in c.returns:
        status = STATUS.get(rf.status, rf.status)
        file, sha, places, entries, values = rf.name, rf.sha256, rf.where, rf.entries, rf.checked.values
        own = isinstance(places, Places)  # a return's own places: sheet and cell without a dict per key
        for key in in_cell_order(rf):
            if own:
                sheet, cell = (places.sheet, places.cells[key]) if key in places.cells else ("", "")
            else:
                where = places.get(key, {})
                sheet, cell = where.get("sheet", ""), where.get("cell", "")
            value = values.get(key)
            yield [file, status, sheet, cell, sha, key, *described(key), entries.get(key),
                   "" if value is None else str(value), _use(c, rf, key, counted)]


class _Described:
    """A key's 被考核单位, 指标, 时间节点 and 填报项 columns; what follows the unit is worked out once per
    item, period and field (every unit's return has the same), not once per row."""

    def __init__(self, scheme: Any):
        self.unit_name = scheme.unit_name
        self.periods = {p.id: p.name for p in scheme.periods}
        self.units: dict[str, str] = {}
        self.tails: dict[str, tuple[str, str, str]] = {}

    def __call__(self, key: str) -> tuple[str, str, str, str]:
        unit, _sep, tail = key.partition(SEPARATOR)
        described = self.tails.get(tail)
        if described is None or not unit or unit != unit.strip():
            parsed = EntryKey.parse(key) or BLANK_KEY
            if parsed is BLANK_KEY or parsed.unit != unit:  # not a plain unit|item|period|field: as it parses
                return (self.unit_name(parsed.unit) if parsed.unit else "", parsed.item,
                        self.periods.get(parsed.period, parsed.period), parsed.field)
            described = self.tails[tail] = (parsed.item, self.periods.get(parsed.period, parsed.period), parsed.field)
        name = self.units.get(unit)
        if name is None:
            name = self.units[unit] = self.unit_name(unit)
        return (name, *described)


def in_cell_order(rf: Any) -> list[str]:
    """A return's keys in the order of their cells: the order they were read in, unless something was
    added out of order (then sorted)."""
    keys = list(rf.entries)
    if isinstance(rf.where, Places):  # a return's own places: no dict made per key
        cells = [rf.where.cells.get(k, "") for k in keys]
    else:
        cells = [rf.where.get(k, {}).get("cell", "") for k in keys]
    letters = {c.rstrip("0123456789") for c in cells}
    if len(letters) == 1 and all(c[len(c.rstrip("0123456789")):] for c in cells):  # one column: compare rows
        numbers = [int(c[len(c.rstrip("0123456789")):]) for c in cells]
        if all(a < b for a, b in zip(numbers, numbers[1:])):
            return keys
    return [k for _order, _n, k in sorted((cell_order(c), n, k) for n, (c, k) in enumerate(zip(cells, keys)))]


def write_csv(c: Any, out: Path) -> Pending:
    """The raw data as UTF-8 CSV with a byte-order mark, so Excel and WPS open it with Chinese intact; written
    beside the workbook ``out`` under a temporary name, put in place by the caller."""
    import codecs
    import csv
    import io

    def stream(handle: Any) -> None:
        handle.write(codecs.BOM_UTF8)  # then UTF-8, a few thousand rows at a time (as TextIOWrapper's utf-8-sig)
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([c.name for c in COLUMNS])
        raw_col, file_col = COL["原始值"], COL["文件"]
        files: dict[str, Any] = {}  # a file's name as written, once per file, not once per row
        for n, row in enumerate(rows(c), 1):
            row[raw_col] = "" if row[raw_col] is None else _csv_safe(row[raw_col])
            name = row[file_col]
            row[file_col] = files[name] if name in files else files.setdefault(name, _csv_safe(name))
            writer.writerow(row)
            if n % CSV_CHUNK == 0:
                handle.write(text.getvalue().encode("utf-8"))
                text.seek(0)
                text.truncate()
        handle.write(text.getvalue().encode("utf-8"))

    return write_pending(csv_path(out), stream)


def _csv_safe(value: Any) -> Any:
    """Text a spreadsheet would read as a formula is prefixed with an apostrophe (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write(r: Report) -> None:
    ws = r.workbook.add_worksheet(SHEET)
    ws.set_default_row(15)
    total = sum(len(rf.entries) for rf in r.c.returns)
    if goes_to_csv(r.c):
        title_block(r, ws, f"{r.heading}原始数据",
                    f"共 {total} 个填报值，超过 {ROW_LIMIT} 行，已写入同一文件夹中的“{csv_path(r.out).name}”"
                    "（UTF-8 CSV，可用 Excel/WPS 打开），列与本表相同。", len(COLUMNS))
        header_row(r, ws, HEADER, COLUMNS)
        return
    subtitle = (f"从 {len(r.c.returns)} 个文件读取的全部 {total} 个填报值。原始值为单元格中的内容，规范值为校验后用于计分的值"
                "（百分数、千分数按小数存放）；用途：计分、自评对照、无效（未通过校验）、已替代、拒收。")
    title_block(r, ws, f"{r.heading}原始数据", subtitle, len(COLUMNS))
    file_width = fit_width([rf.name for rf in r.c.returns], 16, FILE_WIDTH)
    header_row(r, ws, HEADER, with_widths(COLUMNS, 文件=file_width))
    row = FIRST
    for rf in r.c.returns:
        # a name longer than the column shrinks: wrapped, it would double the height of every row of the file
        name = r.styles.one_line(rf.name, file_width)
        for key in in_cell_order(rf):
            _entry(r, ws, row, rf, key, name)
            row += 1
    last_row = max(row - 1, FIRST)
    ws.autofilter(HEADER, 0, last_row, len(COLUMNS) - 1)
    ws.freeze_panes(FIRST, 1)
    page_setup(r, ws, repeat=HEADER, last_row=last_row, last_col=len(COLUMNS) - 1)


def _entry(r: Report, ws: Any, row: int, rf: Any, key: str, name: Any) -> None:
    st = r.styles
    cell = st.cell()
    where = rf.where.get(key, {})
    put(ws, row, COL["文件"], rf.name, name)
    put(ws, row, COL["状态"], STATUS.get(rf.status, rf.status), cell)
    put(ws, row, COL["工作表"], where.get("sheet", ""), cell)
    put(ws, row, COL["单元格"], where.get("cell", ""), cell)
    put(ws, row, COL["SHA-256"], rf.sha256, st.cell(font_size=8, font_color="#7F7F7F"))
    put(ws, row, COL["编码"], key, st.cell(font_size=9))
    unit, item, period, name = EntryKey.parse(key) or BLANK_KEY
    put(ws, row, COL["被考核单位"], r.scheme.unit_name(unit) if unit else "", cell)
    put(ws, row, COL["指标"], item, cell)
    put(ws, row, COL["时间节点"], _period_name(r, period), cell)
    put(ws, row, COL["填报项"], name, cell)
    put(ws, row, COL["原始值"], rf.entries.get(key), cell)
    value = rf.checked.values.get(key)
    field = r.index.fields.get(key)
    percent = field is not None and field.unit == "%" and isinstance(value, Decimal)
    put(ws, row, COL["规范值"], value, st.cell(num_format="0.00##%") if percent else cell)
    put(ws, row, COL["用途"], _use(r.c, rf, key), cell)


def _period_name(r: Report, period: str) -> str:
    return next((p.name for p in r.scheme.periods if p.id == period), period)
