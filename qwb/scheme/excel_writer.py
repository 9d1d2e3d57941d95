"""Writing a scheme as an authoring workbook (xlsxwriter): the dict form flattened into the sheets of
qwb.scheme.excel_columns, with dropdowns, prompts, a 说明 sheet and print setup."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from xlsxwriter.utility import xl_col_to_name

from qwb import xlsx
from qwb.files import write_atomic
from qwb.numtext import plain
from qwb.rules import METHOD_NAMES, NO, RULE_NAMES, RULE_TYPES, YES
from qwb.scheme.excel_columns import (
    AGGREGATE_VOCAB,
    ASSUMPTION_COLS,
    ASSUMPTIONS,
    BETTER_VOCAB,
    CHUNK,
    CREATED,
    DEPARTMENT_COLS,
    DEPARTMENTS,
    EXTENSION,
    EXTENSION_COLS,
    FROM_VOCAB,
    GRADE_COLS,
    GRADES,
    GROUPS,
    GUIDE,
    INDICATORS,
    LIMIT,
    LIST_SHEETS,
    METHOD_PARAMS,
    METHOD_VOCAB,
    NODE_COL,
    OPTION_COLS,
    OPTIONS,
    PERIOD_COLS,
    PERIODS,
    RULE_COLS,
    RULE_PARAMS,
    RULE_VOCAB,
    SETTINGS,
    SETTINGS_ROWS,
    SHEET_INTROS,
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
    shown,
)
from qwb.scheme.model import KNOWN_KEYS, Scheme, scheme_to_dict


def write_excel(scheme: Scheme, path: str | Path) -> None:
    """The scheme as an authoring workbook that :func:`read_excel` reads back to an equal scheme."""
    _write(scheme_to_dict(scheme), Path(path))


def write_blank(path: str | Path) -> None:
    """The empty authoring workbook: headers, dropdowns, prompts and the 说明 sheet, no data."""
    _write(None, Path(path))


def _write(data: dict[str, Any] | None, path: Path) -> None:
    buffer = io.BytesIO()
    wb = xlsx.new_workbook(buffer)
    title = f"{data['name']}（{data['year']}）" if data else "考核方案编制模板"
    wb.set_properties({"title": title, "author": "qwb", "created": CREATED, "comments": "qwb 考核方案编制工作簿"})
    _Writer(wb, data).write_all()
    wb.close()
    write_atomic(path, buffer.getvalue())


class _Formats(xlsx.Formats):
    """The scheme workbook's formats, each created once."""

    def header(self, rule: bool = False) -> Any:
        return self.get(bold=True, font_color="white", bg_color="#375623" if rule else "#1F4E78", border=1,
                        border_color="#808080", align="center", text_wrap=True)

    def column(self, col: Col) -> Any:
        """The column's own format, for cells an author adds below the data."""
        return self.get(**_col_props(col))

    def cell(self, col: Col) -> Any:
        return self.get(**_col_props(col), border=1, border_color="#BFBFBF")


def _col_props(col: Col) -> dict[str, Any]:
    props: dict[str, Any] = {"text_wrap": col.kind in ("text", "lines", "pairs", "units", "ids", "vocab")}
    if col.kind in ("id", "text", "lines", "pairs", "units", "ids", "range"):
        props["num_format"] = "@"
    if col.kind == "date":
        props["num_format"] = "yyyy-mm-dd"
    if col.kind in ("number", "target", "int", "yesno", "vocab", "date"):
        props["align"] = "center"
    return props


class _Writer:
    def __init__(self, wb: Any, data: dict[str, Any] | None):
        self.wb, self.data = wb, data or {}
        self.f = _Formats(wb)
        self.blank = data is None

    def write_all(self) -> None:
        d = self.data
        indicators = d.get("indicators", [])
        depth = max((len(i.get("path", [])) for i in indicators), default=0)
        group_depth = max((len(g["path"]) for g in d.get("groups", [])), default=0)
        guide = self.wb.add_worksheet(GUIDE)
        self.settings_sheet()
        self.indicator_sheet(indicators, depth)
        self.table(OPTIONS, OPTION_COLS, _list_rows(indicators, "options"))
        self.table(TARGETS, TARGET_COLS, _list_rows(indicators, "targets"))
        self.table(UNITS, UNIT_COLS, d.get("units", []))
        self.table(DEPARTMENTS, DEPARTMENT_COLS, d.get("departments", []))
        self.table(PERIODS, PERIOD_COLS, d.get("periods", []))
        names = {x["id"]: x.get("name") or x["id"] for x in d.get("departments", [])}
        self.table(VETOES, VETO_COLS, [v | ({"department": names.get(v["department"], v["department"])}
                                            if v.get("department") else {}) for v in d.get("vetoes", [])])
        self.table(GRADES, GRADE_COLS, d.get("grades", []))
        self.table(GROUPS, group_cols(group_depth), [_flat_group(g) for g in d.get("groups", [])])
        self.table(ASSUMPTIONS, ASSUMPTION_COLS, [{"text": a} for a in d.get("assumptions", [])])
        self.table(EXTENSION, EXTENSION_COLS, _extension_rows(d))
        self.guide_sheet(guide, depth, group_depth)
        (guide if self.blank else self.wb.get_worksheet_by_name(INDICATORS)).activate()

    # --- 设置 ----------------------------------------------------------------------

    def settings_sheet(self) -> None:
        ws = self.wb.add_worksheet(SETTINGS)
        ws.set_column(0, 0, 18)
        ws.set_column(1, 1, 44)
        ws.set_column(2, 2, 60)
        for c, name in enumerate(("项目", "值", "说明")):
            ws.write_string(0, c, name, self.f.header())
        ws.set_row(0, 22)
        flat = _flat_settings(self.data)
        rows = list(SETTINGS_ROWS) + [Col(f"source.{k}", f"{SOURCE_PREFIX}{k}", help="来源文件的其他信息。")
                                      for k in flat.get("source_extra", [])]
        label_format = self.f.get(bold=True, border=1, border_color="#BFBFBF", bg_color="#F2F2F2")
        for r, col in enumerate(rows, start=1):
            ws.write_string(r, 0, col.label, label_format)
            _put(ws, r, 1, flat.get(col.key), self.f.cell(col))
            ws.write_string(r, 2, col.help + (f"例：{col.example}" if col.example else ""),
                            self.f.get(text_wrap=True, font_color="#595959", border=1, border_color="#BFBFBF"))
            self.validate(ws, r, 1, r, col)
            _fit_row(ws, r, [(flat.get(col.key), 44), (col.help + col.example, 60)])
        ws.freeze_panes(1, 0)
        self.page(ws, landscape=False)

    # --- 指标 ----------------------------------------------------------------------

    def indicator_sheet(self, indicators: list[dict[str, Any]], depth: int) -> None:
        cols = indicator_cols(depth)
        names = {x["id"]: x.get("name") or x["id"] for x in self.data.get("departments", [])}
        rows = [row for i in indicators for row in _indicator_rows(i, names)]
        ws = self.table(INDICATORS, cols, rows, paper=8)
        letter = {c.key: xl_col_to_name(i) for i, c in enumerate(cols)}
        grey = self.f.get(bg_color="#D9D9D9", font_color="#808080")
        node_row = f'AND(${letter["node"]}2<>"",COUNTIF($A$1:$A1,$A2)>0)'  # a node's extra row: rule columns only
        for i, col in enumerate(cols):
            if col.rule_param and col.key != "rule.type":
                unused = f'NOT({_used_formula(col.rule_param, letter)})'
                ws.conditional_format(1, i, LIMIT - 1, i, {
                    "type": "formula", "criteria": f'=AND(${letter["rule.type"]}2<>"",{unused})', "format": grey})
            elif not col.rule_param and col.key not in ("id", "node"):
                ws.conditional_format(1, i, LIMIT - 1, i, {"type": "formula", "criteria": f"={node_row}",
                                                           "format": grey})
        ws.autofilter(0, 0, max(len(rows), 1), len(cols) - 1)

    # --- generic tables --------------------------------------------------------------

    def table(self, name: str, cols: Iterable[Col], rows: list[dict[str, Any]], paper: int = 9) -> Any:
        cols = tuple(cols)
        ws = self.wb.add_worksheet(name)
        for i, col in enumerate(cols):
            ws.set_column(i, i, col.width, self.f.column(col))
            ws.write_string(0, i, col.label, self.f.header(rule=bool(col.rule_param) or col is NODE_COL))
            self.validate(ws, 1, i, LIMIT - 1, col)
        ws.set_row(0, 40 if name == INDICATORS else 22)
        for r, row in enumerate(rows, start=1):
            for i, col in enumerate(cols):
                _put(ws, r, i, row.get(col.key), self.f.cell(col))
            _fit_row(ws, r, [(row.get(c.key), c.width) for c in cols if _col_props(c)["text_wrap"]])
        ws.freeze_panes(1, 1 if name == INDICATORS else 0)
        width, page_width = sum(c.width for c in cols), PAGE_WIDTH[paper == 8]
        self.page(ws, landscape=paper == 8 or width > 90, paper=paper, pages_wide=-(-width // page_width))
        if width > page_width:
            ws.repeat_columns(0, 0)  # the 编号 on every page of a sheet printed several pages wide
        return ws

    def validate(self, ws: Any, first: int, col_index: int, last: int, col: Col) -> None:
        rule = _validation(col)
        rule.update(input_title=col.label[:32], input_message=col.help[:255])
        ws.data_validation(first, col_index, last, col_index, rule)

    def page(self, ws: Any, landscape: bool = True, paper: int = xlsx.A4, pages_wide: int = 1) -> None:
        xlsx.page_setup(ws, landscape, repeat=0, paper=paper, fit_width=max(pages_wide, 1))
        ws.set_header("&C&A")

    # --- 说明 ----------------------------------------------------------------------

    def guide_sheet(self, ws: Any, depth: int, group_depth: int) -> None:
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 2, 70)
        ws.set_column(3, 3, 30)
        ws.write_string(0, 0, "考核方案编制工作簿 使用说明", self.f.get(bold=True, font_size=14))
        ws.set_row(0, 24)
        for r, line in enumerate(GUIDE_LINES, start=1):
            ws.write_string(r, 0, line, self.f.get())
        top = len(GUIDE_LINES) + 2
        for c, name in enumerate(("工作表", "列 / 项目", "说明", "示例")):
            ws.write_string(top, c, name, self.f.header())
        r = top + 1
        text = self.f.get(text_wrap=True, border=1, border_color="#BFBFBF", valign="top")
        sheet_fmt = self.f.get(bold=True, text_wrap=True, border=1, border_color="#BFBFBF", bg_color="#DDEBF7",
                               valign="top")
        for sheet, cols in _guide_sheets(depth, group_depth):
            ws.write_string(r, 0, sheet, sheet_fmt)
            xlsx.merge_text(ws, r, 1, r, 3, SHEET_INTROS[sheet], sheet_fmt)
            r += 1
            for col in cols:
                ws.write_string(r, 0, sheet, text)
                ws.write_string(r, 1, col.label, text)
                ws.write_string(r, 2, _guide_text(col), text)
                ws.write_string(r, 3, col.example, text)
                _fit_row(ws, r, [(_guide_text(col), 70), (col.example, 30)])
                r += 1
        ws.freeze_panes(top + 1, 0)
        self.page(ws, landscape=False)


#: column width units that print readably across one landscape page: A4, A3
PAGE_WIDTH = (140, 200)

GUIDE_LINES = (
    "1. 本工作簿是考核方案的 Excel 形式，与 YAML 形式等价：qwb scheme check 本文件.xlsx 检查，"
    "qwb scheme export 本文件.xlsx --out 方案.yaml 转换。",
    "2. 每张工作表第一行是表头，请勿修改表头文字；列的先后可以调整，空行会被忽略。",
    "3. 单元格有下拉列表的，请从列表中选择；选中单元格时会显示填写提示。",
    "4. 检查发现的问题会指出工作表和单元格（如“指标 H5”），按提示修改即可。",
    "5. 百分比门槛按“单位”列的单位写数字：单位为 %、目标 95% 时，目标值写 95。",
    "6. 各时间节点评分规则不同时，用“指标”表的“规则节点”列：第一行写第一个节点（如 H1）及其规则，",
    "   其余节点各加一行，编号相同，只填规则节点和规则列；例：编号 1、规则节点 Q3、规则类型 choice 选项评分。",
    "   这些节点的选项、目标写在“选项”“目标”表中，并在“时间节点”列写明节点。",
    "7. 一个分值下有几个数值目标时，规则类型选 targets 多项目标，各目标在“目标”表中每行一个；",
    "   例：指标编号 2、填报项 监督抽查合格率、比较符 >=、目标值 95、单位 %、分值 3。",
    "   考核要点是否落实这类目标，目标值写“是”，比较符、单位留空：填报人从“是/否”下拉列表选择。",
    "8. 下表逐列说明各工作表的填写方法。",
)


def _guide_sheets(depth: int, group_depth: int) -> list[tuple[str, tuple[Col, ...]]]:
    return [
        (SETTINGS, SETTINGS_ROWS),
        (INDICATORS, indicator_cols(depth)),
        (OPTIONS, OPTION_COLS),
        (TARGETS, TARGET_COLS),
        (UNITS, UNIT_COLS),
        (DEPARTMENTS, DEPARTMENT_COLS),
        (PERIODS, PERIOD_COLS),
        (VETOES, VETO_COLS),
        (GRADES, GRADE_COLS),
        (GROUPS, group_cols(group_depth)),
        (ASSUMPTIONS, ASSUMPTION_COLS),
        (EXTENSION, EXTENSION_COLS),
    ]


def _guide_text(col: Col) -> str:
    text = col.help
    if col.vocab and col.kind == "vocab" and col.key != "rule.type":
        text += "可选：" + "、".join(shown for _k, shown in col.vocab) + "。"
    if col.key == "rule.type":
        text += "可选：" + "；".join(f"{t} {RULE_NAMES[t]}（用到：{_param_labels(t)}）" for t in RULE_TYPES) + "。"
    return text


def _param_labels(rule_type: str) -> str:
    if rule_type in LIST_SHEETS:
        return f"“{LIST_SHEETS[rule_type]}”表"
    labels = {c.rule_param: c.label for c in RULE_COLS}
    if rule_type != "relative":
        return "、".join(labels[p] for p in RULE_PARAMS[rule_type])
    return "；".join(f"{shown(METHOD_VOCAB, m)}：" + "、".join(labels[p] for p in params)
                    for m, params in METHOD_PARAMS.items())


def _is(cell: str, key: str, name: str) -> str:
    """A formula: the cell holds the vocabulary word ``key`` (alone or followed by its name) or its name alone."""
    return f'OR({cell}="{key}",{cell}="{name}",LEFT({cell},{len(key) + 1})="{key} ")'


def _used_formula(param: str, letter: dict[str, str]) -> str:
    """A formula: the row's rule type (and method, for relative) uses the parameter column ``param``."""
    type_cell, method_cell = f"${letter['rule.type']}2", f"${letter['rule.method']}2"
    found = [_is(type_cell, t, RULE_NAMES[t]) for t, params in RULE_PARAMS.items()
             if param in params and t != "relative"]
    methods = [m for m, params in METHOD_PARAMS.items() if param in params]
    relative = _is(type_cell, "relative", RULE_NAMES["relative"])
    if len(methods) == len(METHOD_PARAMS):
        found.append(relative)
    elif methods:
        chosen = ",".join(_is(method_cell, m, METHOD_NAMES[m]) for m in methods)
        found.append(f"AND({relative},OR({chosen}))")
    return f"OR({','.join(found)})" if found else "FALSE"


def _validation(col: Col) -> dict[str, Any]:
    error = {"error_title": f"{col.label}填写不正确"[:32]}
    if col.vocab:
        return {"validate": "list", "source": [shown for _k, shown in col.vocab],
                "error_type": "stop" if col.closed else "information",
                "error_message": f"请从下拉列表中选择。{col.help}"[:255], **error}
    if col.ref:
        return {"validate": "list", "source": col.ref, "error_type": "warning",
                "error_message": f"不在列表中。{col.help}"[:255], **error}
    if col.kind == "number":
        return {"validate": "decimal", "criteria": "between", "minimum": -1e9, "maximum": 1e9,
                "error_message": f"请填写数字。{col.help}"[:255], **error}
    if col.kind == "target":
        return {"validate": "any"}  # a number, or 是/否: read and checked by qwb scheme check
    if col.kind == "int":
        return {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 9999,
                "error_message": f"请填写整数。{col.help}"[:255], **error}
    if col.kind == "date":
        return {"validate": "date", "criteria": "between", "minimum": dt.date(1990, 1, 1),
                "maximum": dt.date(2100, 12, 31), "error_message": "请填写日期，如 2016-12-31。", **error}
    return {"validate": "any"}


def _fit_row(ws: Any, row: int, cells: list[tuple[Any, float]]) -> None:
    """The row's height for its wrapped text (cells holding other values take one line)."""
    xlsx.fit_row(ws, row, [(value, width) for value, width in cells if isinstance(value, str)])


def _put(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, YES if value else NO, fmt)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime)
                          else value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


# --- the dict form flattened into cells ----------------------------------------------


def range_text(ends: list[Any]) -> str:
    """[0, 100] -> 0～100; [0, None] -> ≥0; [None, 100] -> ≤100; [None, None] -> 不限."""
    low, high = (None if end is None else _number_text(end) for end in ends)
    if low is not None and high is not None:
        return f"{low}～{high}"
    return f"≥{low}" if low is not None else f"≤{high}" if high is not None else "不限"


def _number_text(value: Any) -> str:
    return plain(value if isinstance(value, Decimal) else Decimal(str(value)))


def _flat_settings(d: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {k: d.get(k) for k in ("id", "name", "issuer", "year", "full_marks", "bonus_cap",
                                                  "deduction_cap", "decimals", "veto_grade", "contact")}
    period = d.get("period") or {}
    flat["period.start"], flat["period.end"] = period.get("start"), period.get("end")
    if d:
        flat["period_aggregate"] = shown(AGGREGATE_VOCAB, d.get("period_aggregate", "mean"))
    source = d.get("source") or {}
    if _source_in_settings(source):
        for k, v in source.items():
            flat[f"source.{k}"] = v
        flat["source_extra"] = [k for k in source if k not in ("file", "title")]
    return flat


def _source_in_settings(source: dict[str, Any]) -> bool:
    return all(isinstance(k, str) and isinstance(v, str) and k.strip() == k and k for k, v in source.items())


def _extension_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    extra = {k: v for k, v in d.items() if k not in KNOWN_KEYS}
    if d.get("source") and not _source_in_settings(d["source"]):
        extra = {"source": d["source"], **extra}
    for key, value in extra.items():
        text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
        rows += [{"key": key, "yaml": text[i:i + CHUNK]} for i in range(0, len(text), CHUNK)]
    return rows


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str_representer)


def _flat_group(g: dict[str, Any]) -> dict[str, Any]:
    return {**{f"path.{n}": p for n, p in enumerate(g["path"])}, "points": g["points"]}


def _list_rows(indicators: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The rows of 选项 (key "options") or 目标 ("targets"): each item of each rule, with its node when the
    indicator has per-period rules."""
    rows = []
    for ind in indicators:
        for node, rule in _node_rules(ind):
            for item in rule.get(key, []):
                rows.append({"indicator": ind["id"], "period": node or None, **_flat_target(item)})
    return rows


def _node_rules(d: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(node, rule) for each per-period rule, or ("", rule) for the indicator's one rule."""
    return list(d["rules"].items()) if "rules" in d else [("", d["rule"])]


def _flat_target(item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    if "by_unit" in item:
        out["by_unit"] = _by_unit_text(item["by_unit"])
    if "range" in item:
        out["range"] = range_text(item["range"])
    return out


def _by_unit_text(by_unit: dict[str, Any]) -> str:
    return "; ".join(f"{unit}:{_number_text(value)}" for unit, value in by_unit.items())


def _join_lines(items: list[str]) -> str:
    text = "\n".join(items)
    # one item holding a semicolon would be split when read back: a trailing newline marks the text as lines
    return text + "\n" if len(items) == 1 and re.search(r"[;；]", text) else text


def _indicator_rows(d: dict[str, Any], department_names: dict[str, str]) -> list[dict[str, Any]]:
    """The indicator's row, then one row per further node of per-period rules (编号, 规则节点, rule columns)."""
    cells: dict[str, Any] = {k: d.get(k) for k in ("id", "title", "content", "points", "note")}
    cells["department"] = department_names.get(d.get("department"), d.get("department"))
    cells.update({f"path.{n}": p for n, p in enumerate(d.get("path", []))})
    cells["points_stated"] = YES if d.get("points_stated") is False else NO
    cells["na_allowed"] = YES if d.get("na_allowed") else NO
    cells["cooperating"] = "、".join(d.get("cooperating", []))
    cells["evidence"] = _join_lines(d.get("evidence", []))
    cells["periods"] = "、".join(d["periods"]) if "periods" in d else None
    (node, rule), *more = _node_rules(d)
    rows = [cells | {"node": node or None} | _flat_rule(rule)]
    return rows + [{"id": d["id"], "node": n, **_flat_rule(r)} for n, r in more]


def _flat_rule(rule: dict[str, Any]) -> dict[str, Any]:
    known = {c.key for c in RULE_COLS}
    cells: dict[str, Any] = {"rule.type": shown(RULE_VOCAB, rule["type"])}
    for key, value in rule.items():
        if key in ("type", "options", "targets"):
            continue
        if key == "scores":
            cells.update({f"rule.scores.{k}": v for k, v in value.items()})
            continue
        if f"rule.{key}" not in known:
            raise ValueError(f"规则参数 {key} 在 Excel 形式中没有对应的列")
        cells[f"rule.{key}"] = _param_text(key, value)
    return cells


def _param_text(key: str, value: Any) -> Any:
    """A rule parameter as its cell shows it."""
    if key == "steps":
        return "; ".join(f"{_number_text(s['at'])}:{_number_text(s['score'])}" for s in value)
    if key == "levels":
        return "; ".join(f"{lv['field']}:{_number_text(lv['per'])}" for lv in value)
    if key == "by_unit":
        return _by_unit_text(value)
    if key in ("better", "from", "method"):
        return shown({"better": BETTER_VOCAB, "from": FROM_VOCAB, "method": METHOD_VOCAB}[key], value)
    if key == "range":
        return range_text(value)
    return value
