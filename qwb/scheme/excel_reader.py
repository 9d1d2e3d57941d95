"""Reading an authoring workbook (openpyxl): every sheet back into the dict form, then the same Builder
the YAML form uses; every problem located at the sheet and cell the author fixes.

Columns are matched by their header text (Chinese, or the English key), so an author may reorder them;
an unknown header is ignored, a blank row skipped."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from qwb.issues import Issue, IssueType, RuleBadParameter, SchemeFormat, SchemeUnreadable
from qwb.scheme.excel_cells import (
    Cell,
    blank,
    date_of,
    depth_of,
    header_index,
    integer_of,
    merged_values,
    norm,
    number_of,
    path_of,
    plain_number,
    strip_op,
    text_of,
    vocab_key,
)
from qwb.scheme.excel_columns import (
    ASSUMPTION_COLS,
    ASSUMPTIONS,
    DEPARTMENT_COLS,
    DEPARTMENTS,
    EXTENSION,
    EXTENSION_COLS,
    GRADE_COLS,
    GRADES,
    GROUP_POINTS,
    GROUPS,
    INDICATORS,
    OPTION_COLS,
    OPTIONS,
    PERIOD_COLS,
    PERIODS,
    SETTINGS,
    SETTINGS_ROWS,
    SOURCE_PREFIX,
    TARGET_COLS,
    TARGETS,
    UNIT_COLS,
    UNITS,
    VETO_COLS,
    VETOES,
    Col,
    group_cols,
    indicator_cols,
)
from qwb.scheme.excel_rule_reader import RuleRows, id_of, node_of
from qwb.scheme.model import KNOWN_KEYS, Builder, Locate, Scheme, key_name


def read_excel(path: str | Path) -> tuple[Scheme | None, list[Issue], Locate]:
    """Read an authoring workbook: (scheme or None, every problem, where each path of the scheme is)."""
    path = Path(path)
    data, reader, issues = read_dict(path)
    if data is None or reader is None:
        return None, issues, lambda p: {"file": path.name}
    builder = Builder(data, reader.locate, reader.label)
    scheme = builder.build()
    return scheme, issues + reader.unreported(builder.issues), reader.locate


def read_dict(path: Path) -> tuple[dict[str, Any] | None, _Reader | None, list[Issue]]:
    """The workbook in the dict form of :func:`~qwb.scheme.model.scheme_to_dict`, its locator, the issues."""
    from qwb import guard

    refusal = guard.inspect(path)
    if refusal is not None:
        return None, None, [SchemeUnreadable.new(detail=f"无法读取方案工作簿：{refusal.message}", file=path.name)]
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        return None, None, [SchemeUnreadable.new(detail=f"无法读取方案工作簿：{exc}", file=path.name)]
    if INDICATORS not in wb.sheetnames and SETTINGS not in wb.sheetnames:
        message = f"工作簿中没有“{SETTINGS}”和“{INDICATORS}”工作表，不是考核方案编制工作簿（可用 qwb scheme blank 生成）"
        return None, None, [SchemeFormat.new(detail=message, file=path.name)]
    reader = _Reader(wb, path.name)
    data = reader.data()
    return data, reader, reader.issues




class _Reader(RuleRows):
    def __init__(self, wb: Any, file: str):
        self.wb, self.file = wb, file
        self.issues: list[Issue] = []
        self.where: dict[str, tuple[str, str]] = {}
        self.ids: list[str] = []
        self.reported: set[tuple[str, str]] = set()
        self.labels: dict[str, str] = {}  # path -> the Chinese header of its column
        self.unit_ids: dict[str, str] = {}  # a unit's name -> its id (按单位目标 may name units)
        self.type_cells: dict[str, str] = {}

    # --- issues and locations ------------------------------------------------------

    def problem(self, sheet: str, cell: str, kind: type[IssueType], message: str, indicator: str = "") -> None:
        self.reported.add((sheet, cell))
        where = {"file": self.file, "sheet": sheet, "cell": cell}
        self.issues.append(kind.new(detail=message, **where, **({"indicator": indicator} if indicator else {})))

    def at(self, path: str, sheet: str, cell: str, label: str = "") -> None:
        self.where.setdefault(path, (sheet, cell))
        if label:
            self.labels[path] = label

    def locate(self, path: str) -> dict[str, str]:
        p = path
        while p not in self.where and p:
            p = p[: p.rindex("[")] if p.endswith("]") else p[: p.rindex(".")] if "." in p else ""
        out = {"file": self.file}
        if p in self.where:
            out["sheet"], out["cell"] = self.where[p]
        m = re.match(r"indicators\[(\d+)\]", path)
        if m and int(m.group(1)) < len(self.ids) and self.ids[int(m.group(1))]:
            out["indicator"] = self.ids[int(m.group(1))]
        return out

    def label(self, path: str) -> str:
        """A parameter as the author knows it: its column header (目标值), not its YAML key (target)."""
        if re.search(r"\.rules?(\.[^.]+)?\.options$", path):
            return f"选项（在“{OPTIONS}”表中按指标编号逐行填写）"
        if re.search(r"\.rules?(\.[^.]+)?\.targets$", path):
            return f"目标（在“{TARGETS}”表中按指标编号逐行填写）"
        return self.labels.get(path) or key_name(path)

    def unreported(self, issues: list[Issue]) -> list[Issue]:
        """The Builder's issues, minus those at a cell the reader has already reported."""
        return [i for i in issues if (i.sheet, i.cell) not in self.reported]

    # --- sheets ---------------------------------------------------------------------

    def rows(self, name: str, cols: Iterable[Col], required: tuple[str, ...] = ()) -> list[dict[str, Cell]]:
        """The non-blank rows of a sheet, each as {column key: cell}."""
        if name not in self.wb.sheetnames:
            return []
        ws = self.wb[name]
        merged = merged_values(ws)
        by_label = header_index(ws, tuple(cols))
        for key in required:
            if key not in by_label:
                label = next(c.label for c in cols if c.key == key)
                self.problem(name, "A1", SchemeFormat, f"“{name}”表缺少“{label}”列（表头应在第 1 行）")
        out = []
        for row in ws.iter_rows(min_row=2):
            cells = {}
            for key, index in by_label.items():
                if index - 1 < len(row):
                    c = row[index - 1]
                    cells[key] = Cell(merged.get(c.coordinate, c.value), c.coordinate, c.number_format or "General")
            if any(not blank(row[i - 1].value) for i in by_label.values() if i - 1 < len(row)):
                first = row[0].coordinate if row else f"A{row[0].row}"
                cells["_row"] = Cell(None, first)
                out.append(cells)
        return out

    def data(self) -> dict[str, Any]:
        d: dict[str, Any] = {"format": "qwb-scheme/1"}
        self.settings(d)
        d["grades"] = self.table("grades", GRADES, GRADE_COLS)
        d["units"] = self.table("units", UNITS, UNIT_COLS)
        ids = {u.get("id") for u in d["units"]}
        self.unit_ids = {u["name"]: u["id"] for u in d["units"] if u.get("name") and u.get("id")
                         and u["name"] not in ids}
        d["departments"] = self.table("departments", DEPARTMENTS, DEPARTMENT_COLS)
        for key, sheet, cols in (("periods", PERIODS, PERIOD_COLS), ("vetoes", VETOES, VETO_COLS)):
            items = self.table(key, sheet, cols)
            if items:
                d[key] = items
        assumptions = [a["text"] for a in self.table("assumptions", ASSUMPTIONS, ASSUMPTION_COLS) if a.get("text")]
        if assumptions:
            d["assumptions"] = assumptions
        groups = self.groups()
        if groups:
            d["groups"] = groups
        self.extension(d)
        d["indicators"] = self.indicators()
        self.department_ids(d)
        return d

    def department_ids(self, d: dict[str, Any]) -> None:
        """Departments chosen by name (the dropdown shows names) back to their ids; an id stays as it is."""
        ids = {x.get("id") for x in d.get("departments", [])}
        by_name = {x.get("name"): x.get("id") for x in d.get("departments", []) if x.get("name")}

        def to_id(value: Any) -> Any:
            return value if value in ids or value not in by_name else by_name[value]

        for item in [*d["indicators"], *d.get("vetoes", [])]:
            if item.get("department"):
                item["department"] = to_id(item["department"])
            if item.get("cooperating"):
                item["cooperating"] = [to_id(c) for c in item["cooperating"]]

    def settings(self, d: dict[str, Any]) -> None:
        self.at("", SETTINGS, "A1")
        if SETTINGS not in self.wb.sheetnames:
            self.problem(SETTINGS, "", SchemeFormat, f"工作簿中没有“{SETTINGS}”工作表")
            return
        ws = self.wb[SETTINGS]
        specs = {norm(c.label): c for c in SETTINGS_ROWS} | {norm(c.key): c for c in SETTINGS_ROWS}
        values: dict[str, Any] = {}
        for row in ws.iter_rows(min_row=2, max_col=2):
            label = text_of(row[0].value).strip()
            if not label or len(row) < 2:
                continue
            col = specs.get(norm(label))
            if col is None and label.startswith(SOURCE_PREFIX):
                col = Col(f"source.{label.removeprefix(SOURCE_PREFIX)}", label)
            if col is None:
                self.problem(SETTINGS, row[0].coordinate, SchemeFormat,
                             f"“{SETTINGS}”表第 {row[0].row} 行的项目“{label}”无法识别")
                continue
            cell = Cell(row[1].value, row[1].coordinate, row[1].number_format or "General")
            self.at(col.key, SETTINGS, cell.ref, col.label)
            if col.key == "period.start":
                self.at("period", SETTINGS, cell.ref)
            value = self.parse(col, cell, SETTINGS)
            if value is not None:
                values[col.key] = value
        self.assemble_settings(d, values)

    def assemble_settings(self, d: dict[str, Any], values: dict[str, Any]) -> None:
        for key, value in values.items():
            if key.startswith("source."):
                d.setdefault("source", {})[key.removeprefix("source.")] = value
            elif key.startswith("period."):
                continue
            elif key == "period_aggregate" and value == "mean":
                continue
            else:
                d[key] = value
        if "period.start" in values or "period.end" in values:
            d["period"] = {"start": values.get("period.start"), "end": values.get("period.end")}

    def table(self, key: str, sheet: str, cols: tuple[Col, ...]) -> list[dict[str, Any]]:
        self.at(key, sheet, "A2")
        items = []
        for i, cells in enumerate(self.rows(sheet, cols)):
            self.at(f"{key}[{i}]", sheet, cells["_row"].ref)
            item = {}
            for col in cols:
                if col.key in cells:
                    self.at(f"{key}[{i}].{col.key}", sheet, cells[col.key].ref, col.label)
                    value = self.parse(col, cells[col.key], sheet)
                    if value is not None:
                        item[col.key] = value
            items.append(item)
        return items

    def groups(self) -> list[dict[str, Any]]:
        cols = group_cols(depth_of(self.wb, GROUPS))
        self.at("groups", GROUPS, "A2")
        out = []
        for i, cells in enumerate(self.rows(GROUPS, cols)):
            self.at(f"groups[{i}]", GROUPS, cells["_row"].ref)
            if "points" in cells:
                self.at(f"groups[{i}].points", GROUPS, cells["points"].ref, GROUP_POINTS.label)
            points = self.parse(GROUP_POINTS, cells["points"], GROUPS) if "points" in cells else None
            out.append({"path": path_of(cells), "points": points})
        return out

    def extension(self, d: dict[str, Any]) -> None:
        texts: dict[str, list[str]] = {}
        previous = ""
        for cells in self.rows(EXTENSION, EXTENSION_COLS):
            key = text_of(cells["key"].value).strip() if "key" in cells else ""
            ref = cells["key"].ref if "key" in cells else cells["_row"].ref
            if key in KNOWN_KEYS - {"source"} or not key:
                self.problem(EXTENSION, ref, SchemeFormat,
                             f"扩展项的键“{key}”不可用：{'不能为空' if not key else '请在对应的工作表中填写'}")
                continue
            if key in texts and key != previous:
                self.problem(EXTENSION, ref, SchemeFormat, f"扩展项“{key}”出现两次，应写在相邻的行中")
                continue
            self.at(key, EXTENSION, ref)
            texts.setdefault(key, []).append(text_of(cells["yaml"].value) if "yaml" in cells else "")
            previous = key
        for key, parts in texts.items():
            try:
                value = yaml.safe_load("".join(parts))
            except yaml.YAMLError as exc:
                self.problem(EXTENSION, self.where[key][1], SchemeFormat, f"扩展项“{key}”不是有效的 YAML：{exc}")
                continue
            if key == "source" and isinstance(value, dict):
                d["source"] = {**value, **d.get("source", {})}
            else:
                d[key] = value

    # --- 指标 and 选项 ----------------------------------------------------------------

    def indicators(self) -> list[dict[str, Any]]:
        cols = indicator_cols(depth_of(self.wb, INDICATORS))
        self.at("indicators", INDICATORS, "A2")
        rows, extra = self.split_nodes(self.rows(INDICATORS, cols, required=("id",)))
        options, targets = self.list_rows(OPTIONS, OPTION_COLS), self.list_rows(TARGETS, TARGET_COLS)
        out = []
        for i, cells in enumerate(rows):
            self.ids.append(id_of(cells))
            out.append(self.indicator(i, cells, cols, extra.get(i, [])))
        self.attach(out, options, "choice", "options", OPTIONS, OPTION_COLS)
        self.attach(out, targets, "targets", "targets", TARGETS, TARGET_COLS)
        return out

    def indicator(self, i: int, cells: dict[str, Cell], cols: tuple[Col, ...],
                  extra: list[dict[str, Cell]]) -> dict[str, Any]:
        at = f"indicators[{i}]"
        self.at(at, INDICATORS, cells["_row"].ref)
        for col in cols:
            if col.key in cells and not col.rule_param:
                self.at(f"{at}.{col.key}", INDICATORS, cells[col.key].ref, col.label)
        self.at(f"{at}.path", INDICATORS, cells.get("path.0", cells["_row"]).ref)
        value = {c.key: self.parse(c, cells[c.key], INDICATORS) for c in cols if c.key in cells and not c.rule_param}
        d: dict[str, Any] = {"id": value.get("id") or "", "path": path_of(cells), "title": value.get("title") or ""}
        for key in ("content", "points"):
            if value.get(key) is not None:
                d[key] = value[key]
        if value.get("points_stated") is True:
            d["points_stated"] = False
        d["department"] = value.get("department") or ""
        for key in ("cooperating", "evidence", "periods"):
            if value.get(key):
                d[key] = value[key]
        if value.get("na_allowed") is True:
            d["na_allowed"] = True
        if node_of(cells):
            d["rules"] = self.node_rules(i, cells, extra, cols)
        elif (rule := self.rule(cells, f"{at}.rule", self.ids[i])) is not None:
            d["rule"] = rule
        if value.get("note"):
            d["note"] = value["note"]
        return d

    # --- one cell ---------------------------------------------------------------------

    def parse(self, col: Col, cell: Cell, sheet: str, indicator: str = "") -> Any:
        """The cell's value in the dict form; None when blank. Unreadable text is passed on for the Builder."""
        raw = cell.value
        if blank(raw):
            return None
        kind = col.kind
        if kind in ("number", "target"):
            return number_of(cell)  # a target's 是 or 否 is text, passed on
        if kind == "int":
            return integer_of(raw)
        if kind == "date":
            return date_of(raw)
        if kind == "id":
            return text_of(raw).strip()
        if kind == "ids":
            return [p for p in re.split(r"[、，,；;\s]+", text_of(raw)) if p]
        if kind == "lines":
            text = text_of(raw)
            parts = text.split("\n") if "\n" in text else re.split(r"[;；]", text)
            return [p.strip() for p in parts if p.strip()]
        if kind == "yesno":
            return self.yesno(col, cell, sheet, indicator)
        if kind == "vocab":
            return vocab_key(col.vocab, raw)
        if kind == "pairs":
            return self.pairs(col, cell, indicator)
        if kind == "units":
            return self.unit_pairs(col, cell, sheet, indicator)
        if kind == "range":
            return self.range(col, cell, sheet, indicator)
        return text_of(raw)

    def range(self, col: Col, cell: Cell, sheet: str, indicator: str) -> list[Any] | None:
        """取值范围 "0～100" -> [0, 100]; "≥0" -> [0, None]; "≤100" -> [None, 100]; "不限" -> [None, None]."""
        text = unicodedata.normalize("NFKC", text_of(cell.value)).replace(" ", "")
        if text in ("不限", "无"):
            return [None, None]
        one_sided = re.match(r"^(>=|≥|大于等于|<=|≤|小于等于)(-?[\d.]+)$", text)
        if one_sided:
            bound = plain_number(one_sided.group(2))
            return [bound, None] if one_sided.group(1) in (">=", "≥", "大于等于") else [None, bound]
        both = re.match(r"^(-?[\d.]+)(?:～|~|至|到|-|—|,)(-?[\d.]+)$", text)
        if both and None not in (low := plain_number(both.group(1)), high := plain_number(both.group(2))):
            return [low, high]
        self.problem(sheet, cell.ref, RuleBadParameter,
                     f"“{col.label}”中的“{cell.value}”看不懂，应写成 0～100、≥0 或 不限", indicator)
        return None

    def yesno(self, col: Col, cell: Cell, sheet: str, indicator: str) -> bool | None:
        from qwb.values import NO_WORDS, YES_WORDS

        word = text_of(cell.value).strip().lower()
        if word in YES_WORDS or cell.value is True:
            return True
        if word in NO_WORDS or cell.value is False:
            return False
        self.problem(sheet, cell.ref, SchemeFormat, f"“{col.label}”应填 是 或 否，现为“{cell.value}”", indicator)
        return None

    def pairs(self, col: Col, cell: Cell, indicator: str) -> list[dict[str, Any]]:
        """台阶 "95:5; 90:3" -> [{at, score}]; 加分档次 "国家级:2; 省级:1" -> [{field, per}]."""
        steps = col.key == "rule.steps"
        out = []
        for part in re.split(r"[;；\n]+", text_of(cell.value)):
            part = part.strip()
            if not part:
                continue
            m = re.match(r"^(.*?)[:：](.*)$" if steps else r"^(.*)[:：](.*)$", part)
            name, amount = m.groups() if m else ("", "")
            first = plain_number(strip_op(name)) if steps else name.strip()
            second = plain_number(amount)
            if not m or first is None or second is None or first == "":
                example = "95:5; 90:3" if steps else "国家级:2; 省级:1"
                self.problem(INDICATORS, cell.ref, RuleBadParameter,
                             f"“{col.label}”中的“{part}”看不懂，应写成 {example}", indicator)
                continue
            out.append({"at": first, "score": second} if steps else {"field": first, "per": second})
        return out
