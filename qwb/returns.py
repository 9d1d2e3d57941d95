"""Read returned workbooks back (python-calamine, the engine pandas uses), identify them, and check every row.

A return is identified by its hidden identity sheet (or, if that was deleted, by
its content); entries are matched by 编码, never by position.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import io
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from qwb.engine import Checked, ItemPlan, KeyIndex, check_entries, plan, score_unit
from qwb.files import sha256
from qwb.guard import DEFAULT_LIMITS, Limits, inspect, sheet_parts
from qwb.issues import (
    ChangedScheme,
    DuplicateKey,
    DuplicateSameValue,
    FormulaResult,
    IdentityInferred,
    Issue,
    IssueType,
    MissingRows,
    NewItems,
    OtherScheme,
    UnknownKey,
    UnknownWorkbook,
    UnreadableFile,
    ValueTooLong,
)
from qwb.keys import SEPARATOR, EntryKey, Places
from qwb.numtext import plain
from qwb.rules import to_decimal
from qwb.scheme.entries import item_inputs
from qwb.scheme.model import Scheme
from qwb.templates.layout import Assignee, assignees, template_keys
from qwb.templates.names import (
    DATE_LABEL,
    ENTRY_SHEET,
    HEADER_SCAN_ROWS,
    IDENTITY_SHEET,
    KEY_HEADER,
    POINTS_HEADER,
    SCORE_HEADER,
    TEMPLATE_FORMAT,
    VALUE_HEADER,
    Identity,
)
from qwb.unzip import read_part
from qwb.values import ErrorValue, display, is_blank

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")


@dataclass
class ReturnFile:
    path: Path
    name: str
    sha256: str = ""
    mtime: float = 0.0
    kind: str = ""
    assignee: str = ""
    filled_date: dt.date | None = None
    entries: dict[str, Any] = field(default_factory=dict)
    where: Mapping[str, dict[str, str]] = field(default_factory=dict)  # Places once the file is read
    stored_scores: dict[str, tuple[Any, str]] = field(default_factory=dict)
    #: 得分 cells that still hold a formula (a score typed over the formula does not)
    score_formulas: set[str] = field(default_factory=set)
    issues: list[Issue] = field(default_factory=list)
    status: str = "accepted"
    rows_read: int = 0
    checked: Checked = field(default_factory=Checked)
    scheme_changed: bool = False  # made from an earlier version of the scheme (fingerprint differs)
    points_seen: dict[str, Any] = field(default_factory=dict)  # indicator id -> the 分值 its template showed
    #: a self-evaluation return's unit, scored where the file was read (see engine.score_unit)
    unit_score: tuple[Any, list[Issue]] | None = None

    @property
    def template(self) -> str:
        return f"{self.kind}/{self.assignee}" if self.assignee else ""

    def reject(self, problem: type[IssueType], **fields: Any) -> ReturnFile:
        """Not used at all: one issue says why."""
        self.status = "rejected"
        self.issues.append(problem.new(file=self.name, **fields))
        return self


def discover(folder: Path) -> list[Path]:
    """Every workbook in the folder, skipping Office lock files (~$...) and hidden files."""
    found = []
    for path in sorted(Path(folder).iterdir(), key=lambda p: p.name):
        if path.name.startswith(("~$", ".")):
            continue
        if path.suffix.lower() in WORKBOOK_SUFFIXES or path.suffix.lower() == ".et":  # directories too: reported
            found.append(path)
    return found


class Expectations:
    """What each template of a scheme holds, to identify and check returns; worked out lazily, since a
    scheme with thousands of units has thousands of templates and a worker needs only a few."""

    #: templates whose keys are kept: a worker reads each template once, and a scheme of thousands of units has
    #: thousands of templates of a hundred keys each
    CACHED = 64

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.assignees: dict[tuple[str, str], Assignee] = {
            (kind, a.id): a for kind in ("department", "unit") for a in assignees(scheme, kind)
        }
        self._inputs = item_inputs(scheme)
        self._keys: dict[tuple[str, str], list[str]] = {}
        self._sets: dict[tuple[str, str], set[str]] = {}
        self._index: KeyIndex | None = None
        self._plans: list[ItemPlan] | None = None

    def keys(self, template: tuple[str, str]) -> list[str]:
        if template not in self._keys:
            _bound(self._keys)
            assignee = self.assignees[template]
            tails = self._unit_tails if assignee.kind == "unit" else None
            self._keys[template] = [f"{assignee.id}{SEPARATOR}{t}" for t in tails] if tails is not None else \
                template_keys(self.scheme, assignee, self._inputs)
        return self._keys[template]

    @functools.cached_property
    def _unit_tails(self) -> list[str] | None:
        """A unit template's keys without their unit: the same for every unit (each asks for every item and
        veto), worked out once instead of once per return; None when unit ids repeat (then a template holds
        each unit of that id)."""
        units = self.scheme.units
        if not units or len({u.id for u in units}) != len(units):
            return None
        first = units[0]
        return [k[len(first.id) + len(SEPARATOR):] for k in template_keys(self.scheme, Assignee("unit", first.id,
                                                                                               first.name), self._inputs)]

    def key_set(self, template: tuple[str, str]) -> set[str]:
        if template not in self._sets:
            _bound(self._sets)
            self._sets[template] = set(self.keys(template))
        return self._sets[template]

    @property
    def plans(self) -> list[ItemPlan]:
        if self._plans is None:
            self._plans = plan(self.scheme)
        return self._plans

    @property
    def index(self) -> KeyIndex:
        if self._index is None:
            self._index = KeyIndex(self.scheme)
        return self._index

    def infer(self, keys: set[str], label: str) -> tuple[str, str] | None:
        """The template whose keys a file holds, when its identity sheet is gone."""
        candidates = [t for t in self.assignees if keys and keys <= self.key_set(t)]
        named = [t for t in candidates if self.assignees[t].name == label]
        if len(named) == 1:
            return named[0]
        if len(candidates) == 1:
            return candidates[0]
        best = sorted(candidates, key=lambda t: len(self.key_set(t)))
        if best and len(best) > 1 and len(self.key_set(best[0])) < len(self.key_set(best[1])):
            return best[0]
        return None


def _bound(cache: dict[Any, Any]) -> None:
    """Make room in a cache of Expectations.CACHED entries: the oldest goes."""
    if len(cache) >= Expectations.CACHED:
        del cache[next(iter(cache))]


def _cell(row: int, col: int) -> str:
    return f"{xl_col_to_name(col)}{row + 1}"


def read_sheets(data: bytes) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """The identity and entry sheets as rows of cell values (python-calamine, the engine pandas uses for
    read_excel(engine="calamine"); called directly because building DataFrames cost three times the read)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        names = list(book.sheet_names)
        sheets = {}
        for name in (IDENTITY_SHEET, ENTRY_SHEET):
            if name in names:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                sheets[name] = [[None if v == "" else v for v in row] for row in rows]
    finally:
        book.close()
    return names, sheets


class CellXml:
    """What calamine does not say about a cell: its formula text, and its error value (calamine reads
    both an error and a formula without a calculated result as blank). Made from the cell's XML body, which is
    parsed only when asked: most such cells are the template's own score formulas, of which only the
    presence matters."""

    __slots__ = ("_body", "_error_cell", "_parsed")

    def __init__(self, escaped_formula: str | None = None, error: str | None = None, has_result: bool = False):
        self._body: str | bytes = ""
        self._error_cell = False
        self._parsed: tuple[str | None, str | None, bool] | None = (escaped_formula, error, has_result)

    @classmethod
    def of(cls, body: str | bytes, error_cell: bool) -> CellXml:
        """A cell from the body between its ``<c …>`` and ``</c>``; ``error_cell``: it has ``t="e"``."""
        cell = cls.__new__(cls)
        cell._body, cell._error_cell, cell._parsed = body, error_cell, None
        return cell

    @property
    def escaped_formula(self) -> str | None:
        """The formula as the XML holds it: unescaped only when the text is wanted (``formula``)."""
        return self._fields()[0]

    @property
    def error(self) -> str | None:
        return self._fields()[1]

    @property
    def has_result(self) -> bool:
        return self._fields()[2]

    @property
    def formula(self) -> str | None:
        return None if self.escaped_formula is None else _unescape(self.escaped_formula)

    @property
    def has_formula(self) -> bool:
        """escaped_formula is not None, told from the common ``<f>…</f>`` without copying the formula out."""
        if self._parsed is None and _plain_formula(self._body) is not None:
            return True
        return self.escaped_formula is not None

    def _fields(self) -> tuple[str | None, str | None, bool]:
        if self._parsed is None:
            body = self._body.decode("utf-8", errors="replace") if isinstance(self._body, bytes) else self._body
            formula, value = _formula(body), _value(body)
            error = _unescape(value) if value is not None and self._error_cell else None
            self._parsed = (formula, error, value is not None and error is None)
        return self._parsed

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CellXml) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        formula, error, has_result = self._fields()
        return f"CellXml(escaped_formula={formula!r}, error={error!r}, has_result={has_result!r})"


CELL = re.compile(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


@functools.lru_cache(maxsize=32)
def _cells_of(columns: tuple[str, ...], text: bool) -> re.Pattern[Any]:
    """CELL for the cells of the given columns only, for text or (``text`` false) for the sheet's UTF-8 bytes. Its
    lazy body ``(.*?)</c>``, which tries ``</c>`` at every character, is written as the loop it stands for: the
    same match (everything up to the first ``</c>``), in a fraction of the time. For bytes, a second alternative
    finds a reference with a digit beyond ASCII, which the text pattern's \\d matches and the bytes pattern's
    does not: such a sheet is then read as text."""
    letters = "|".join(re.escape(c) for c in columns)
    pattern = rf'<c r="((?:{letters})\d+)"([^>]*?)(?:/>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>)'
    if text:
        return re.compile(pattern + "()", re.S)
    return re.compile(rf'{pattern}|<c r="(?:{letters})[0-9]*([\x80-\xff])'.encode("ascii"), re.S)


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text
FORMULA = re.compile(r"<f(?:\s[^>]*)?(?:/>|>(.*?)</f>)", re.S)
VALUE = re.compile(r"<v>(.*?)</v>", re.S)


def special_cells(data: bytes, sheet: str, *columns: str) -> dict[str, CellXml]:
    """Cells of the given columns that hold a formula or an error value. A formula typed into a value cell is never
    evaluated; its calculated result, when the file has one, is what the filler saw. Regular expressions, not
    an XML parser: nothing in the file is expanded. The sheet is scanned as bytes and only the cells found are
    decoded (UTF-8 never uses an ASCII byte inside a character, so each decodes as it would in the whole)."""
    if not data.startswith(b"PK"):
        return {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = sheet_parts(archive, (sheet,), data).get(sheet)
        if part is None:
            return {}
        xml = read_part(archive, data, part, until=b"</sheetData>")  # the cells, not the formats after them
    if b"<f" not in xml and b't="e"' not in xml:
        return {}
    wanted = tuple(sorted(set(columns)))
    if not wanted:
        return {}
    if not all(c.isascii() for c in wanted):
        return _special(xml.decode("utf-8", errors="replace"), wanted)
    return _special(xml, wanted)


def _special(xml: str | bytes, columns: tuple[str, ...]) -> dict[str, CellXml]:
    """special_cells of a sheet's XML, as text or as bytes."""
    text = isinstance(xml, str)
    formula_tag, error_type = ("<f", 't="e"') if text else (b"<f", b't="e"')
    found = {}
    for ref, attributes, body, wide in _cells_of(columns, text).findall(xml):  # type: ignore[call-overload]
        if wide:
            return _special(xml.decode("utf-8", errors="replace"), columns)  # type: ignore[union-attr]
        error_cell = error_type in attributes
        if error_cell or formula_tag in body:
            found[ref if text else ref.decode("ascii")] = CellXml.of(body, error_cell)
    return found


def _formula(body: str) -> str | None:
    """FORMULA's text in a cell's body ("" for a shared formula's reference), or None: the common ``<f>…</f>``
    found with str.find, anything else by the regular expression."""
    span = _plain_formula(body)
    if span is not None:
        return body[span[0]:span[1]]
    formula = FORMULA.search(body)
    return None if formula is None else formula.group(1) or ""


def _plain_formula(body: str | bytes) -> tuple[int, int] | None:
    """Where the text of a cell body's first tag, when it is a plain ``<f>…</f>``, starts and stops; None for
    anything else (no formula, a shared formula, attributes)."""
    f, tag, end = ("<f>", "<f", "</f>") if isinstance(body, str) else (b"<f>", b"<f", b"</f>")
    at = body.find(f)  # type: ignore[arg-type]
    if at < 0 or at != body.find(tag):  # type: ignore[arg-type]
        return None
    stop = body.find(end, at + 3)  # type: ignore[arg-type]
    return (at + 3, stop) if stop >= 0 else None


def _value(body: str) -> str | None:
    """The text of VALUE's first match in a cell's body, or None."""
    at = body.find("<v>")
    stop = body.find("</v>", at + 3) if at >= 0 else -1
    return body[at + 3:stop] if stop >= 0 else None


def find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        names = {str(v).strip(): c for c, v in enumerate(row) if v is not None}
        if KEY_HEADER in names and VALUE_HEADER in names:
            return r, names
    return None


def read_return(path: Path, scheme: Scheme, expect: Expectations, name: str | None = None,
                limits: Limits = DEFAULT_LIMITS) -> ReturnFile:
    rf = ReturnFile(path=path, name=name or path.name)
    data = None
    if path.is_file():
        try:
            stat = os.stat(path)
            rf.mtime = stat.st_mtime
            if stat.st_size <= limits.file_bytes:
                data = path.read_bytes()
                rf.sha256 = hashlib.sha256(data).hexdigest()
            else:
                rf.sha256 = sha256(path)
        except OSError as exc:
            return rf.reject(UnreadableFile, detail=f"无法读取文件：{exc.strerror or exc}")
    refusal = inspect(path, limits, data)
    if refusal is not None or data is None:
        return rf.reject(refusal.kind, detail=refusal.message) if refusal else \
            rf.reject(UnreadableFile, detail="无法读取文件。")
    try:
        sheet_names, sheets = read_sheets(data)
    except Exception as exc:  # noqa: BLE001 - any reader failure is one located issue, never a crash
        return rf.reject(UnreadableFile, detail=f"文件损坏或不是 Excel 工作簿，无法读取（{type(exc).__name__}）。"
                                                "请在 Excel/WPS 中打开确认后另存为 .xlsx 重新提交。")
    if ENTRY_SHEET not in sheets:
        return rf.reject(UnknownWorkbook, detail=f"找不到“{ENTRY_SHEET}”工作表（现有：{'、'.join(sheet_names[:6])}），"
                                                 "不是本次下发的填报模板或工作表被改名。")
    rows = sheets[ENTRY_SHEET]
    header = find_header(rows)
    if header is None:
        return rf.reject(UnknownWorkbook, detail=f"“{ENTRY_SHEET}”表中找不到含“{KEY_HEADER}”和“{VALUE_HEADER}”的表头行。",
                         sheet=ENTRY_SHEET)
    identity = _identity(sheets.get(IDENTITY_SHEET))
    try:
        columns = [xl_col_to_name(header[1][name]) for name in (VALUE_HEADER, SCORE_HEADER) if name in header[1]]
        special = special_cells(data, ENTRY_SHEET, *columns)
    except Exception:  # noqa: BLE001 - the values were readable; formulas then count as values
        special = {}
    _read_entries(rf, rows, *header, special=special, limits=limits)
    if not _identify(rf, identity, scheme, expect, rows):
        return rf
    rf.filled_date = _filled_date(rows, identity)
    _check_keys(rf, expect)
    if not rf.scheme_changed:
        rf.points_seen.clear()  # only wanted to say what changed: not carried back from a worker, nor kept
    rf.checked = check_entries(scheme, rf.entries, rf.where, expect.index)
    if rf.kind == "unit":
        reported = expect.key_set((rf.kind, rf.assignee))
        rf.unit_score = score_unit(scheme, expect.plans, rf.assignee, rf.checked, rf.where,
                                   lambda k: k in reported)
    return rf


def _identity(rows: list[list[Any]] | None) -> dict[str, str]:
    if not rows:
        return {}
    return {str(r[0]).strip(): "" if len(r) < 2 or r[1] is None else str(r[1]).strip() for r in rows if r and r[0]}


def _identify(rf: ReturnFile, identity: dict[str, str], scheme: Scheme, expect: Expectations,
              rows: list[list[Any]]) -> bool:
    if identity.get(Identity.FORMAT) == TEMPLATE_FORMAT:
        if identity.get(Identity.SCHEME) != scheme.id:
            rf.reject(OtherScheme, other_name=identity.get(Identity.SCHEME_NAME) or identity.get(Identity.SCHEME),
                      other_id=identity.get(Identity.SCHEME), scheme=scheme.id, sheet=IDENTITY_SHEET)
            return False
        kind, assignee = identity.get(Identity.KIND, ""), identity.get(Identity.ASSIGNEE, "")
        if (kind, assignee) not in expect.assignees:
            rf.reject(UnknownWorkbook, detail=f"模板的填报单位“{assignee}”不在本方案中。", sheet=IDENTITY_SHEET)
            return False
        if identity.get(Identity.FINGERPRINT) != scheme.fingerprint():
            rf.scheme_changed = True
        rf.kind, rf.assignee = kind, assignee
        return True
    label = str(rows[1][1]).strip() if len(rows) > 1 and len(rows[1]) > 1 and rows[1][1] else ""
    inferred = expect.infer({k for k in rf.entries if EntryKey.parse(k)}, label)
    if inferred is None:
        rf.reject(UnknownWorkbook, detail="身份信息工作表缺失，且无法从内容判断是哪个单位的模板；"
                                          "请使用下发的模板重新填写，不要复制到新工作簿。")
        return False
    rf.kind, rf.assignee = inferred
    rf.issues.append(IdentityInferred.new(assignee=expect.assignees[inferred].name, file=rf.name))
    return True


def _read_entries(rf: ReturnFile, rows: list[list[Any]], header: int, cols: dict[str, int],
                  special: dict[str, CellXml], limits: Limits = DEFAULT_LIMITS) -> None:
    key_col, value_col = cols[KEY_HEADER], cols[VALUE_HEADER]
    score_col = cols.get(SCORE_HEADER)
    points_col = cols.get(POINTS_HEADER)
    value_letter = xl_col_to_name(value_col)
    score_letter = xl_col_to_name(score_col) if score_col is not None else ""
    seen: dict[str, str] = {}
    duplicates: dict[str, list[tuple[Any, str]]] = {}
    places = Places(rf.name, ENTRY_SHEET)
    rf.where = places
    for r in range(header + 1, len(rows)):
        row = rows[r]
        raw_key = row[key_col] if key_col < len(row) else None
        value = row[value_col] if value_col < len(row) else None
        if is_blank(raw_key):
            if not is_blank(value):
                rf.issues.append(UnknownKey.new(detail="该行有填报值但没有编码，无法识别，已忽略。请勿删除编码。",
                                                file=rf.name, sheet=ENTRY_SHEET, cell=_cell(r, value_col)))
            continue
        key = str(raw_key).strip()
        rf.rows_read += 1
        cell = f"{value_letter}{r + 1}"
        if cell in special:
            value = _special_value(rf, key, cell, value, special[cell])
        if isinstance(value, str) and len(value) > limits.string_chars:
            rf.issues.append(ValueTooLong.new(length=len(value), limit=limits.string_chars, key=key, file=rf.name,
                                              sheet=ENTRY_SHEET, cell=cell))
            value = None
        if key in seen:
            duplicates.setdefault(key, [(rf.entries[key], seen[key])]).append((value, cell))
            continue
        seen[key] = cell
        rf.entries[key] = value
        places.cells[key] = cell
        score_cell = f"{score_letter}{r + 1}"
        if score_cell in special and special[score_cell].has_formula:
            rf.score_formulas.add(score_cell)
        if score_col is not None and score_col < len(row) and isinstance(row[score_col], (int, float)):
            rf.stored_scores[key] = (row[score_col], score_cell)
        if points_col is not None and points_col < len(row) and row[points_col] is not None:
            parsed = EntryKey.parse(key)
            if parsed:
                rf.points_seen.setdefault(parsed.item, row[points_col])
    for key, copies in duplicates.items():
        cells = "、".join(c for _v, c in copies)
        values = {repr(v) for v, _c in copies}
        parsed = EntryKey.parse(key)
        where = {"file": rf.name, "sheet": ENTRY_SHEET, "cell": copies[1][1], "key": key,
                 "unit": parsed.unit if parsed else "", "indicator": parsed.item if parsed else ""}
        if len(values) == 1:
            rf.issues.append(DuplicateSameValue.new(cells=cells, **where))
        else:
            rf.issues.append(DuplicateKey.new(cells=cells, **where))
            rf.entries[key] = None


def _special_value(rf: ReturnFile, key: str, cell: str, value: Any, xml: CellXml) -> Any:
    """An error value is refused by name; a formula's calculated result is used, with a warning showing the
    formula; a formula without a result stays formula text, which validation refuses."""
    if xml.error is not None:
        return ErrorValue(xml.error)
    if xml.formula is None:
        return value
    if xml.has_result and value is not None:
        rf.issues.append(FormulaResult.new(key=key, formula=xml.formula, value=display(value), file=rf.name,
                                           sheet=ENTRY_SHEET, cell=cell))
        return value
    return "=" + xml.formula


def _filled_date(rows: list[list[Any]], identity: dict[str, str]) -> dt.date | None:
    for r in range(min(4, len(rows))):
        for c, v in enumerate(rows[r]):
            if v == DATE_LABEL:
                for value in rows[r][c + 1:]:
                    if value is not None:
                        return _as_date(value)
    return None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:
        from openpyxl.utils.datetime import from_excel  # here: importing openpyxl is a tenth of a second

        return from_excel(int(value)).date()
    text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        return None


def _check_keys(rf: ReturnFile, expect: Expectations) -> None:
    expected = expect.keys((rf.kind, rf.assignee))
    expected_set = expect.key_set((rf.kind, rf.assignee))
    for key in list(rf.entries):
        if key not in expected_set and key in expect.index.fields:
            owner = expect.assignees[(rf.kind, rf.assignee)].name
            rf.issues.append(UnknownKey.new(detail=f"编码 {key} 不属于本模板（{owner}），已忽略。", **rf.where[key]))
            del rf.entries[key]
    absent = [k for k in expected if k not in rf.entries]
    if rf.scheme_changed:
        file_items = {p.item for key in rf.entries if (p := EntryKey.parse(key))}
        rf.issues.append(ChangedScheme.new(changes=scheme_changes(rf, expect, file_items), file=rf.name,
                                           sheet=IDENTITY_SHEET))
        new_items = sorted({EntryKey.parse(k).item for k in absent} - file_items)  # type: ignore[union-attr]
        if new_items:
            rf.issues.append(NewItems.new(items="、".join(new_items), file=rf.name, sheet=ENTRY_SHEET))
        absent = [k for k in absent if EntryKey.parse(k).item in file_items]  # type: ignore[union-attr]
    if absent:
        sample = "、".join(absent[:3]) + ("等" if len(absent) > 3 else "")
        rf.issues.append(MissingRows.new(expected=len(expected), absent=len(absent), sample=sample, file=rf.name,
                                         sheet=ENTRY_SHEET))


def scheme_changes(rf: ReturnFile, expect: Expectations, file_items: set[str]) -> str:
    """What changed since the return's template was made, as far as its rows show: items added, removed or
    given to another department, and points changed."""
    scheme = expect.scheme
    indicators = {i.id: i for i in scheme.indicators}
    vetoes = {f"veto:{v.id}" for v in scheme.vetoes}
    mine = {EntryKey.parse(k).item for k in expect.keys((rf.kind, rf.assignee))}  # type: ignore[union-attr]
    parts = []
    if added := sorted(mine - file_items):
        parts.append(f"新增指标 {'、'.join(added)}")
    if removed := sorted(i for i in file_items if i not in indicators and i not in vetoes):
        parts.append(f"删除指标 {'、'.join(removed)}")
    if moved := sorted(i for i in file_items if i in indicators and i not in mine):
        parts.append(f"改由其他部门填报的指标 {'、'.join(moved)}")
    changed = [f"{i}（原 {plain(to_decimal(p))} 分，现 {plain(indicators[i].points)} 分）"
               for i, p in sorted(rf.points_seen.items()) if i in indicators and _differs(p, indicators[i].points)]
    if changed:
        parts.append(f"分值有变化的指标 {'、'.join(changed)}")
    return "：" + "；".join(parts) if parts else ""


def _differs(shown: Any, points: Any) -> bool:
    try:
        return to_decimal(shown) != points
    except (ValueError, ArithmeticError):
        return False
