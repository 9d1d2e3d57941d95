"""The rule part of reading a scheme workbook: the 指标 sheet's rule columns, per-period rules (规则节点 rows),
and the lists on sheets of their own (选项 for choice, 目标 for targets), each problem at its sheet and cell.

A per-period rule is written as the indicator's row with 规则节点 filled (its first node) and, for each
further node, one more row with the same 编号, the node, and the rule columns only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from qwb.issues import IssueType, RuleBadParameter, SchemeFormat
from qwb.rules import RULE_NAMES
from qwb.scheme.excel_cells import Cell, blank, plain_number, text_of, vocab_key
from qwb.scheme.excel_columns import (
    INDICATORS,
    METHOD_PARAMS,
    METHOD_VOCAB,
    NODE_COL,
    RULE_COLS,
    RULE_PARAMS,
    RULE_VOCAB,
    Col,
    shown,
)

#: one row of 选项 or 目标: (first cell of the row, the item in the dict form, the row's cells)
Entry = tuple[str, dict[str, Any], dict[str, Cell]]
#: the rows of 选项 or 目标 by (indicator id, node; "" when the indicator has one rule)
Entries = dict[tuple[str, str], list[Entry]]
LIST_WORDS = {"options": "选项", "targets": "目标"}
PAIRS_EXAMPLE = "c:90; f:80"


def node_of(cells: dict[str, Cell]) -> str:
    return text_of(cells["node"].value).strip() if "node" in cells else ""


def id_of(cells: dict[str, Cell]) -> str:
    return text_of(cells["id"].value).strip() if "id" in cells else ""


def rules_of(d: dict[str, Any], i: int) -> list[tuple[str, Any, str]]:
    """(node, rule, its path) for each per-period rule of an indicator, or ("", rule, path) for its one rule."""
    if "rules" in d:
        return [(node, rule, f"indicators[{i}].rules.{node}") for node, rule in d["rules"].items()]
    return [("", d["rule"], f"indicators[{i}].rule")] if "rule" in d else []


class RuleRows:
    """Mixin of the workbook reader (excel_reader._Reader), which provides the attributes and methods below."""

    ids: list[str]
    unit_ids: dict[str, str]
    type_cells: dict[str, str]  # a rule's path -> its 规则类型 cell

    def problem(self, sheet: str, cell: str, kind: type[IssueType], message: str, indicator: str = "") -> None:
        raise NotImplementedError

    def at(self, path: str, sheet: str, cell: str, label: str = "") -> None:
        raise NotImplementedError

    def parse(self, col: Col, cell: Cell, sheet: str, indicator: str = "") -> Any:
        raise NotImplementedError

    def rows(self, name: str, cols: Iterable[Col], required: tuple[str, ...] = ()) -> list[dict[str, Cell]]:
        raise NotImplementedError

    # --- 规则节点 rows -------------------------------------------------------------------

    def split_nodes(self, rows: list[dict[str, Cell]]) -> tuple[list[dict[str, Cell]], dict[int, list[dict[str, Cell]]]]:
        """The indicators' own rows, and for each (by position) the rows of its further nodes."""
        mains: list[dict[str, Cell]] = []
        extra: dict[int, list[dict[str, Cell]]] = {}
        first: dict[str, int] = {}
        for cells in rows:
            ind_id, node = id_of(cells), node_of(cells)
            i = first.get(ind_id)
            if ind_id and node and i is not None:
                if node_of(mains[i]):
                    extra.setdefault(i, []).append(cells)
                else:
                    self.problem(INDICATORS, cells["node"].ref, SchemeFormat,
                                 f"指标 {ind_id} 的第一行没有填写“{NODE_COL.label}”：各时间节点规则不同时，"
                                 f"第一行也要写明它的节点（如 H1）", ind_id)
                continue
            first.setdefault(ind_id, len(mains))
            mains.append(cells)
        return mains, extra

    def node_rules(self, i: int, main: dict[str, Cell], extra: list[dict[str, Cell]],
                   cols: tuple[Col, ...]) -> dict[str, Any]:
        """`rules: {node: rule}` from the indicator's row and its further nodes' rows."""
        ind_id, at = self.ids[i], f"indicators[{i}].rules"
        self.at(at, INDICATORS, main["node"].ref, NODE_COL.label)
        out: dict[str, Any] = {}
        for cells in [main, *extra]:
            node = node_of(cells)
            if node in out:
                self.problem(INDICATORS, cells["node"].ref, SchemeFormat,
                             f"指标 {ind_id} 的规则节点“{node}”写了两行，每个节点只写一行", ind_id)
                continue
            if cells is not main:
                self.only_rule_columns(cells, main, cols, ind_id)
            self.at(f"{at}.{node}", INDICATORS, cells["node"].ref)
            out[node] = self.rule(cells, f"{at}.{node}", ind_id)
        return out

    def only_rule_columns(self, cells: dict[str, Cell], main: dict[str, Cell], cols: tuple[Col, ...],
                          ind_id: str) -> None:
        """A node's extra row holds the rule columns; other columns are blank or repeat the indicator's row
        (merged categories do)."""
        for col in cols:
            cell = cells.get(col.key)
            if col.rule_param or col.key in ("id", "node") or cell is None or blank(cell.value):
                continue
            if col.key in main and text_of(main[col.key].value) == text_of(cell.value):
                continue
            self.problem(INDICATORS, cell.ref, SchemeFormat,
                         f"“{col.label}”应留空：编号相同、填了规则节点的行只写指标 {ind_id} 在该节点的规则列",
                         ind_id)

    # --- the rule columns ---------------------------------------------------------------

    def rule(self, cells: dict[str, Cell], at: str, ind_id: str) -> dict[str, Any] | None:
        type_cell = cells.get("rule.type")
        if type_cell is not None:
            self.at(at, INDICATORS, type_cell.ref)
            self.type_cells[at] = type_cell.ref
        if type_cell is None or blank(type_cell.value):
            return None
        kind = vocab_key(RULE_VOCAB, type_cell.value)
        rule: dict[str, Any] = {"type": kind}
        used, by, chosen = self.used_params(kind, cells)
        for col in RULE_COLS[1:]:
            cell = cells.get(col.key)
            if cell is None:
                continue
            self.at(f"{at}.{col.rule_param}", INDICATORS, cell.ref, col.label)
            if blank(cell.value):
                continue
            if col.rule_param not in used:
                self.problem(INDICATORS, cell.ref, RuleBadParameter,
                             f"指标 {ind_id} 的{by}“{chosen}”不使用“{col.label}”，请清空该格或改正{by}", ind_id)
                continue
            value = self.parse(col, cell, INDICATORS, ind_id)
            if col.rule_param.startswith("scores."):
                rule.setdefault("scores", {})[col.rule_param.removeprefix("scores.")] = value
            elif value is not None:
                rule[col.rule_param] = value
        if "rule.scores.better" in cells:
            self.at(f"{at}.scores", INDICATORS, cells["rule.scores.better"].ref)
        return rule

    def used_params(self, kind: str, cells: dict[str, Cell]) -> tuple[tuple[str, ...], str, str]:
        """The parameter columns the rule uses (relative: those of its method), the column that decides them
        and its value."""
        if kind == "relative" and "rule.method" in cells and not blank(cells["rule.method"].value):
            method = vocab_key(METHOD_VOCAB, cells["rule.method"].value)
            if method in METHOD_PARAMS:
                return METHOD_PARAMS[method], "相对方法", shown(METHOD_VOCAB, method)
        used = RULE_PARAMS.get(kind, tuple(c.rule_param for c in RULE_COLS))
        return used, "规则类型", shown(RULE_VOCAB, kind)

    def unit_pairs(self, col: Col, cell: Cell, sheet: str, indicator: str) -> dict[str, Any] | None:
        """按单位目标 "c:90; f:80" -> {c: 90, f: 80}; a unit may be named by its name (丙区:90)."""
        out: dict[str, Any] = {}
        for part in re.split(r"[;；\n]+", text_of(cell.value)):
            part = part.strip()
            if not part:
                continue
            m = re.match(r"^(.+?)[:：](.+)$", part)
            value = plain_number(m.group(2)) if m else None
            if not m or value is None or not m.group(1).strip():
                self.problem(sheet, cell.ref, RuleBadParameter, f"“{col.label}”中的“{part}”看不懂，"
                             f"应写成 单位编号:目标值，多个用分号隔开，如 {PAIRS_EXAMPLE}", indicator)
                continue
            unit = m.group(1).strip()
            unit = self.unit_ids.get(unit, unit)
            if unit in out:
                self.problem(sheet, cell.ref, RuleBadParameter, f"“{col.label}”中单位“{unit}”写了两次", indicator)
                continue
            out[unit] = value
        return out or None

    # --- 选项 and 目标 ---------------------------------------------------------------------

    def list_rows(self, sheet: str, cols: tuple[Col, ...]) -> Entries:
        """A list sheet's rows by (indicator, node), each as its item in the dict form."""
        first = cols[2].key  # 选项 / 填报项
        out: Entries = {}
        for cells in self.rows(sheet, cols, required=("indicator", first)):
            parsed = {c.key: self.parse(c, cells[c.key], sheet) for c in cols if c.key in cells}
            item = {first: parsed.get(first) or ""}
            item |= {c.key: parsed[c.key] for c in cols[3:] if parsed.get(c.key) not in (None, "")}
            key = (parsed.get("indicator") or "", parsed.get("period") or "")
            out.setdefault(key, []).append((cells["_row"].ref, item, cells))
        return out

    def attach(self, indicators: list[dict[str, Any]], entries: Entries, kind: str, key: str, sheet: str,
               cols: tuple[Col, ...]) -> None:
        """Each list row into its indicator's rule (of type ``kind``, under ``key``); a row no rule takes is
        reported at the cell that is wrong."""
        labels = {c.key: c.label for c in cols}
        used: set[tuple[str, str]] = set()
        for i, d in enumerate(indicators):
            for node, rule, at in rules_of(d, i):
                found = entries.get((d["id"], node))
                if not isinstance(rule, dict) or rule.get("type") != kind:
                    continue
                if not found:  # the list is missing: say so at the rule's type
                    self.at(f"{at}.{key}", INDICATORS, self.type_cells.get(at, ""))
                    continue
                used.add((d["id"], node))
                rule[key] = [item for _ref, item, _cells in found]
                self.at(f"{at}.{key}", sheet, found[0][0])
                for j, (ref, _item, cells) in enumerate(found):
                    self.at(f"{at}.{key}[{j}]", sheet, ref)
                    for k, cell in cells.items():
                        if k in labels:
                            self.at(f"{at}.{key}[{j}].{k}", sheet, cell.ref, labels[k])
        by_id = {d["id"]: d for d in reversed(indicators)}
        for (ind_id, node), rows in entries.items():
            if (ind_id, node) in used:
                continue
            for ref, _item, cells in rows:
                column, why = self.unused_row(by_id.get(ind_id), ind_id, node, kind, key)
                cell = cells[column].ref if column in cells else ref
                self.problem(sheet, cell, RuleBadParameter, why, ind_id if ind_id in by_id else "")

    def unused_row(self, d: dict[str, Any] | None, ind_id: str, node: str, kind: str, key: str) -> tuple[str, str]:
        """(the column at fault, why) for a 选项/目标 row no rule takes."""
        word, kind_name = LIST_WORDS[key], f"“{kind} {RULE_NAMES[kind]}”"
        if d is None:
            return "indicator", f"{word}所属的指标编号“{ind_id}”不在“指标”表中"
        if node and "rules" not in d:
            return "period", f"指标 {ind_id} 没有按时间节点分别设定规则，该{word}的“时间节点”应留空"
        if node and node not in d["rules"]:
            nodes = "、".join(d["rules"])
            return "period", f"指标 {ind_id} 没有时间节点“{node}”的规则（规则节点：{nodes}）"
        if not node and "rules" in d:
            return "period", f"指标 {ind_id} 按时间节点分别设定规则，请在“时间节点”列写明该{word}属于哪个节点"
        if node:
            return "indicator", f"指标 {ind_id} 在时间节点“{node}”的规则不是{kind_name}，不用“{word}”表"
        return "indicator", f"{word}所属的指标编号“{ind_id}”不是{kind_name}类指标"
