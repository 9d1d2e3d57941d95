"""The scheme (考核方案) as Python objects: built from the dict form both YAML and Excel produce (Builder),
and turned back into it (scheme_to_dict), the one place for each direction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from qwb.issues import BadId, Issue, IssueType, SchemeFormat
from qwb.numtext import number
from qwb.rules import (
    NA_FIELD,
    PARAM,
    InputField,
    Rule,
    parse_rule,
    rule_to_dict,
    to_decimal,
    yesno_field,
)

AGGREGATES = ("mean", "last", "min", "max", "sum")
DEFAULT_PERIOD_ID = "Y"
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")

#: where a value came from: a YAML path ("indicators[3].rule.target") -> a human location
Locate = Callable[[str], dict[str, str]]
#: how a person names the value at a path: the YAML key, or the workbook's column header
Label = Callable[[str], str]


def veto_owner(scheme: Scheme, veto: Veto) -> str:
    """Who asks about a veto: its department, or the quality office (the first department listed)."""
    return veto.department or (scheme.departments[0].id if scheme.departments else "")


def key_name(path: str) -> str:
    """The last key of a path, as written in YAML: indicators[3].rule.target -> target."""
    last = path.rsplit(".", 1)[-1]
    return last.split("[", 1)[0] or path


@dataclass(frozen=True)
class Grade:
    name: str
    min: Decimal


@dataclass(frozen=True)
class Unit:
    id: str
    name: str


@dataclass(frozen=True)
class Department:
    id: str
    name: str


@dataclass(frozen=True)
class Period:
    id: str
    name: str
    due: dt.date | None = None


@dataclass(frozen=True)
class Veto:
    id: str
    title: str
    department: str = ""


@dataclass(frozen=True)
class Group:
    path: tuple[str, ...]
    points: Decimal


@dataclass(frozen=True)
class Indicator:
    id: str
    path: tuple[str, ...]
    title: str
    points: Decimal
    department: str
    rule: Rule
    content: str = ""
    cooperating: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    na_allowed: bool = False
    periods: tuple[str, ...] | None = None  # None: all the scheme's periods
    note: str = ""
    points_stated: bool = True
    #: per-period rules (`rules: {H1: {...}, Y: {...}}`), in the scheme's order; empty when one `rule` serves all
    rules: tuple[tuple[str, Rule], ...] = ()

    @property
    def role(self) -> str:
        return self.rule.role

    def rule_in(self, period: str | None) -> Rule:
        """The rule that scores one period: its own under per-period rules, else the item's one rule."""
        return dict(self.rules).get(period or "", self.rule) if self.rules else self.rule

    def input_fields(self, period: str | None = None) -> list[InputField]:
        return self.rule_in(period).input_fields(self.points)

    def describe(self, unit: str | None = None, period_names: dict[str, str] | None = None) -> str:
        """The scoring rule in Chinese, as ``unit`` reads it; per-period rules one node per line."""
        if not self.rules:
            return self.rule.describe_for(self.points, unit)
        names = period_names or {}
        return "\n".join(f"{names.get(p, p)}：{r.describe_for(self.points, unit)}" for p, r in self.rules)

    def fields_in(self, period: str, last_period: str) -> list[InputField]:
        """The inputs asked in one period; 合理缺项 only in the item's last period."""
        fields = self.input_fields(period)
        if self.na_allowed and period == last_period:
            fields.append(yesno_field(NA_FIELD))
        return fields


@dataclass
class Scheme:
    id: str
    name: str
    year: int
    indicators: list[Indicator]
    units: list[Unit]
    departments: list[Department]
    issuer: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    full_marks: Decimal | None = None
    bonus_cap: Decimal | None = None
    deduction_cap: Decimal | None = None
    decimals: int = 2
    grades: list[Grade] = field(default_factory=list)
    veto_grade: str | None = None
    periods: list[Period] = field(default_factory=list)
    period_aggregate: str = "mean"
    vetoes: list[Veto] = field(default_factory=list)
    # extensions (docs/scheme-extensions.md)
    source: dict[str, Any] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    contact: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    explicit_periods: bool = True

    # --- lookups (worked out once: a scheme is not edited after loading; dataclasses.replace makes a new one) ---

    def indicator(self, indicator_id: str) -> Indicator:
        return self._indicators[indicator_id]

    @cached_property
    def _indicators(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}


    def periods_of(self, indicator: Indicator) -> list[Period]:
        wanted = indicator.periods
        return [p for p in self.periods if wanted is None or p.id in wanted]

    @property
    def last_period(self) -> Period:
        return self.periods[-1]

    @cached_property
    def period_names(self) -> dict[str, str]:
        return {p.id: p.name for p in self.periods}

    @cached_property
    def _unit_names(self) -> dict[str, str]:
        return {u.id: u.name for u in self.units}

    def unit_name(self, unit_id: str) -> str:
        return self._unit_names.get(unit_id, unit_id)

    def department_name(self, dept_id: str) -> str:
        return self._department_names.get(dept_id, dept_id)

    @cached_property
    def _department_names(self) -> dict[str, str]:
        return {d.id: d.name for d in self.departments}

    @property
    def base_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.role == "base"]

    @property
    def scale(self) -> Decimal:
        if self.full_marks is not None:
            return self.full_marks
        return sum((i.points for i in self.base_indicators), Decimal(0))

    def fingerprint(self) -> str:
        """A short hash of the scheme's content, computed once (a scheme is not edited after loading)."""
        return self._fingerprint

    @cached_property
    def _fingerprint(self) -> str:
        import hashlib
        import json

        text = json.dumps(scheme_to_dict(self), ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --- building from the dict form --------------------------------------------------


class Builder:
    """Builds a Scheme from its dict form, collecting every problem with its location."""

    def __init__(self, data: dict[str, Any], locate: Locate, label: Label | None = None):
        self.data, self.locate, self.label = data, locate, label or key_name
        self.issues: list[Issue] = []

    def problem(self, path: str, kind: type[IssueType], message: str) -> None:
        """One problem at ``path``; the parameter slot in the message names the parameter as the author sees it."""
        self.issues.append(kind.new(detail=message.replace(PARAM, self.label(path)), **self.locate(path)))

    def number(self, raw: Any, path: str, required: bool = False) -> Decimal | None:
        if raw is None or raw == "":
            if required:
                self.problem(path, SchemeFormat, f"缺少必填项“{PARAM}”")
            return None
        try:
            return to_decimal(raw)
        except (ValueError, ArithmeticError):
            self.problem(path, SchemeFormat, f"“{raw}”应为数字")
            return None

    def date(self, raw: Any, path: str) -> dt.date | None:
        if raw in (None, ""):
            return None
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            self.problem(path, SchemeFormat, f"“{raw}”应为日期，格式 YYYY-MM-DD")
            return None

    def items(self, key: str) -> list[Any]:
        raw = self.data.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(key, SchemeFormat, f"{key} 应为列表")
            return []
        return raw

    def build(self) -> Scheme | None:
        d = self.data
        if not isinstance(d, dict):
            self.problem("", SchemeFormat, "方案应为一个映射（键: 值）")
            return None
        if d.get("format") not in (None, "qwb-scheme/1"):
            self.problem("format", SchemeFormat, f"不支持的格式“{d.get('format')}”，应为 qwb-scheme/1")
        for key in ("id", "name", "year"):
            if d.get(key) in (None, ""):
                self.problem(key, SchemeFormat, f"缺少必填项“{PARAM}”")
        scheme_id = str(d.get("id") or "")
        if scheme_id and not SLUG.match(scheme_id):
            self.problem("id", BadId, f"方案编号“{scheme_id}”只能用英文字母、数字、- 和 _")
        period = d.get("period") or {}
        periods, explicit = self.periods()
        try:
            year = int(d.get("year") or 0)
        except (TypeError, ValueError):
            self.problem("year", SchemeFormat, f"年度“{d.get('year')}”应为整数")
            year = 0
        decimals = d.get("decimals", 2)
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
            self.problem("decimals", SchemeFormat, f"decimals 应为 0～6 的整数，现为“{decimals}”")
            decimals = 2
        aggregate = d.get("period_aggregate") or "mean"
        if aggregate not in AGGREGATES:
            self.problem("period_aggregate", SchemeFormat, f"period_aggregate 应为 {'、'.join(AGGREGATES)} 之一")
            aggregate = "mean"
        scheme = Scheme(
            id=scheme_id,
            name=str(d.get("name") or ""),
            year=year,
            issuer=str(d.get("issuer") or ""),
            period_start=self.date(period.get("start") if isinstance(period, dict) else None, "period.start"),
            period_end=self.date(period.get("end") if isinstance(period, dict) else None, "period.end"),
            full_marks=self.number(d.get("full_marks"), "full_marks"),
            bonus_cap=self.number(d.get("bonus_cap"), "bonus_cap"),
            deduction_cap=self.number(d.get("deduction_cap"), "deduction_cap"),
            decimals=decimals,
            grades=self.grades(),
            veto_grade=None if d.get("veto_grade") in (None, "") else str(d.get("veto_grade")),
            units=[Unit(*pair) for pair in self.pairs("units", "name")],
            departments=[Department(*pair) for pair in self.pairs("departments", "name")],
            periods=periods,
            explicit_periods=explicit,
            period_aggregate=aggregate,
            vetoes=self.vetoes(),
            indicators=self.indicators(),
            source=dict(d.get("source") or {}),
            assumptions=[str(a) for a in self.items("assumptions")],
            groups=self.groups(),
            contact=str(d.get("contact") or ""),
            extra={k: v for k, v in d.items() if k not in KNOWN_KEYS},
        )
        return scheme

    def pairs(self, key: str, name_key: str) -> list[tuple[str, str]]:
        out = []
        for i, raw in enumerate(self.items(key)):
            if not isinstance(raw, dict) or not raw.get("id"):
                self.problem(f"{key}[{i}]", BadId, f"{key} 第 {i + 1} 项缺少 id")
                continue
            out.append((str(raw["id"]).strip(), str(raw.get(name_key) or raw["id"]).strip()))
        return out

    def periods(self) -> tuple[list[Period], bool]:
        raw = self.items("periods")
        if not raw:
            return [Period(DEFAULT_PERIOD_ID, "年度")], False
        out = []
        for i, p in enumerate(raw):
            if not isinstance(p, dict) or not p.get("id"):
                self.problem(f"periods[{i}]", BadId, f"时间节点第 {i + 1} 项缺少 id")
                continue
            out.append(Period(str(p["id"]).strip(), str(p.get("name") or p["id"]), self.date(p.get("due"), f"periods[{i}].due")))
        return out or [Period(DEFAULT_PERIOD_ID, "年度")], True

    def grades(self) -> list[Grade]:
        out = []
        for i, g in enumerate(self.items("grades")):
            if not isinstance(g, dict) or "name" not in g:
                self.problem(f"grades[{i}]", SchemeFormat, "等次应写成 {name: 名称, min: 下限}")
                continue
            low = self.number(g.get("min"), f"grades[{i}].min", required=True)
            out.append(Grade(str(g["name"]), low if low is not None else Decimal(0)))
        return out

    def vetoes(self) -> list[Veto]:
        out = []
        for i, v in enumerate(self.items("vetoes")):
            if not isinstance(v, dict) or not v.get("id"):
                self.problem(f"vetoes[{i}]", BadId, f"否决项第 {i + 1} 项缺少 id")
                continue
            out.append(Veto(str(v["id"]).strip(), str(v.get("title") or ""), str(v.get("department") or "")))
        return out

    def groups(self) -> list[Group]:
        out = []
        for i, g in enumerate(self.items("groups")):
            if not isinstance(g, dict) or not isinstance(g.get("path"), list):
                self.problem(f"groups[{i}]", SchemeFormat, "分组应写成 {path: [一级, 二级], points: 分值}")
                continue
            points = self.number(g.get("points"), f"groups[{i}].points", required=True)
            out.append(Group(tuple(str(p) for p in g["path"]), points or Decimal(0)))
        return out

    def indicators(self) -> list[Indicator]:
        out = []
        raw_list = self.items("indicators")
        if not raw_list:
            self.problem("indicators", SchemeFormat, "方案没有任何指标（indicators）")
        for i, raw in enumerate(raw_list):
            where = f"indicators[{i}]"
            if not isinstance(raw, dict):
                self.problem(where, SchemeFormat, "指标应为一个映射")
                continue
            ind_id = "" if raw.get("id") is None else str(raw.get("id")).strip()
            points = self.number(raw.get("points"), f"{where}.points", required=True)
            rules = self.period_rules(raw, where)
            rule = rules[-1][1] if rules else self.rule(raw, where)
            if rule is None:
                continue
            periods = raw.get("periods")
            path = raw.get("path") or []
            out.append(
                Indicator(
                    id=ind_id,
                    path=tuple(str(p) for p in (path if isinstance(path, list) else [path])),
                    title=str(raw.get("title") or ""),
                    points=points if points is not None else Decimal(0),
                    department=str(raw.get("department") or ""),
                    rule=rule,
                    content=str(raw.get("content") or ""),
                    cooperating=tuple(str(c) for c in _as_list(raw.get("cooperating"))),
                    evidence=tuple(str(e) for e in _as_list(raw.get("evidence"))),
                    na_allowed=bool(raw.get("na_allowed", False)),
                    periods=None if periods in (None, []) else tuple(str(p) for p in _as_list(periods)),
                    note=str(raw.get("note") or ""),
                    points_stated=bool(raw.get("points_stated", True)),
                    rules=rules,
                )
            )
        return out

    def rule(self, raw: dict[str, Any], where: str) -> Rule | None:
        return parse_rule(raw.get("rule"), lambda p, c, m: self.problem(f"{where}.rule.{p}".rstrip("."), c, m))

    def period_rules(self, raw: dict[str, Any], where: str) -> tuple[tuple[str, Rule], ...]:
        """`rules: {PERIOD: rule}`: one rule per period of the item (checked against the periods by check())."""
        given = raw.get("rules")
        if given is None:
            return ()
        if "rule" in raw:
            self.problem(f"{where}.rules", SchemeFormat, "指标同时写了 rule 和 rules：只能用其中一个")
        if not isinstance(given, dict) or not given:
            self.problem(f"{where}.rules", SchemeFormat, "rules 应写成 {时间节点编号: 评分规则}")
            return ()
        out = []
        for period, data in given.items():
            at = f"{where}.rules.{period}"
            rule = parse_rule(data, lambda p, c, m, at=at: self.problem(f"{at}.{p}".rstrip("."), c, m))
            if rule is not None:
                out.append((str(period), rule))
        return tuple(out)


KNOWN_KEYS = {
    "format", "id", "name", "issuer", "year", "period", "full_marks", "bonus_cap", "deduction_cap",
    "decimals", "grades", "veto_grade", "units", "departments", "periods", "period_aggregate",
    "vetoes", "indicators", "source", "assumptions", "groups", "contact",
}


def _as_list(raw: Any) -> list[Any]:
    if raw is None or raw == "":
        return []
    return raw if isinstance(raw, list) else [raw]


# --- back to the dict form (what the YAML form dumps, the Excel form writes, the fingerprint hashes) ---


def scheme_to_dict(s: Scheme) -> dict[str, Any]:
    d: dict[str, Any] = {"format": "qwb-scheme/1", "id": s.id, "name": s.name}
    if s.issuer:
        d["issuer"] = s.issuer
    d["year"] = s.year
    if s.period_start or s.period_end:
        d["period"] = {"start": s.period_start, "end": s.period_end}
    for key in ("full_marks", "bonus_cap", "deduction_cap"):
        value = getattr(s, key)
        if value is not None:
            d[key] = number(value)
    d["decimals"] = s.decimals
    d["grades"] = [{"name": g.name, "min": number(g.min)} for g in s.grades]
    if s.veto_grade:
        d["veto_grade"] = s.veto_grade
    d["units"] = [{"id": u.id, "name": u.name} for u in s.units]
    d["departments"] = [{"id": x.id, "name": x.name} for x in s.departments]
    if s.explicit_periods:
        d["periods"] = [
            {"id": p.id, "name": p.name, **({"due": p.due} if p.due else {})} for p in s.periods
        ]
    if s.period_aggregate != "mean":
        d["period_aggregate"] = s.period_aggregate
    if s.vetoes:
        d["vetoes"] = [
            {"id": v.id, "title": v.title, **({"department": v.department} if v.department else {})}
            for v in s.vetoes
        ]
    if s.source:
        d["source"] = s.source
    if s.contact:
        d["contact"] = s.contact
    if s.assumptions:
        d["assumptions"] = list(s.assumptions)
    if s.groups:
        d["groups"] = [{"path": list(g.path), "points": number(g.points)} for g in s.groups]
    d.update(s.extra)
    d["indicators"] = [indicator_to_dict(i) for i in s.indicators]
    return d


def indicator_to_dict(ind: Indicator) -> dict[str, Any]:
    d: dict[str, Any] = {"id": ind.id, "path": list(ind.path), "title": ind.title}
    if ind.content:
        d["content"] = ind.content
    d["points"] = number(ind.points)
    if not ind.points_stated:
        d["points_stated"] = False
    d["department"] = ind.department
    if ind.cooperating:
        d["cooperating"] = list(ind.cooperating)
    if ind.evidence:
        d["evidence"] = list(ind.evidence)
    if ind.na_allowed:
        d["na_allowed"] = True
    if ind.periods is not None:
        d["periods"] = list(ind.periods)
    if ind.rules:
        d["rules"] = {period: rule_to_dict(rule) for period, rule in ind.rules}
    else:
        d["rule"] = rule_to_dict(ind.rule)
    if ind.note:
        d["note"] = ind.note
    return d
