"""The scoring engine: entries in, per-item scores, totals, grades and ranks out (docs/scheme-format.md)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qwb.issues import Issue, MissingValue, NaNotAllowed, UnknownKey
from qwb.keys import SEPARATOR, EntryKey, key_text, veto_item
from qwb.numtext import number
from qwb.rules import NA_FIELD, VALUE, VETO_FIELD, YES, InputField, RelativeRule, Rule, score_expression
from qwb.scheme.entries import entries, fields_by_period
from qwb.scheme.model import Indicator, Period, Scheme, Veto
from qwb.values import Parsed, parse_input

ZERO = Decimal(0)


@dataclass(slots=True)  # one per unit and indicator: millions in a provincial run
class ItemScore:
    indicator: str
    role: str
    period_scores: dict[str, Decimal | None]
    score: Decimal  # aggregated over periods; missing periods count 0
    na: bool = False
    complete: bool = True
    due: bool = True  # False in an interim run before the item's first period: neither scored nor missing

    @property
    def active(self) -> bool:
        return self.role == "base" and not self.na and self.due

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its constructor's arguments (a third smaller and faster than slots' state): a reading worker
        sends back a unit's 125 of them with each return."""
        return ItemScore, (self.indicator, self.role, self.period_scores, self.score, self.na, self.complete,
                           self.due)

    def to_json(self) -> dict[str, Any]:
        """The item's combined score before scaling; a period is null when its input was missing or invalid."""
        score = self.score
        shown = number(score)  # an item of one period: its score is that period's (the same Decimal)
        return {"score": shown, "periods": {p: None if v is None else shown if v is score else number(v)
                                            for p, v in self.period_scores.items()}}


@dataclass
class UnitResult:
    id: str
    name: str
    total: Decimal
    grade: str
    veto: bool
    complete: bool
    base: Decimal  # scaled
    base_raw: Decimal
    base_max: Decimal
    bonus: Decimal
    deduction: Decimal
    categories: dict[str, Decimal]
    items: dict[str, ItemScore]
    vetoes: dict[str, bool]
    missing: list[str] = field(default_factory=list)
    rank: int = 0

    def to_json(self, decimals: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "total": as_number(self.total, decimals),
            "grade": self.grade,
            "rank": self.rank,
            "veto": self.veto,
            "complete": self.complete,
            "base": as_number(self.base, decimals),
            "bonus": as_number(self.bonus, decimals),
            "deduction": as_number(self.deduction, decimals),
            "categories": {k: as_number(v, decimals) for k, v in self.categories.items()},
            "items": {item_id: item.to_json() for item_id, item in self.items.items() if item.due and not item.na},
        }


@dataclass
class Result:
    scheme: Scheme
    units: list[UnitResult]
    issues: list[Issue]
    values: dict[str, Decimal | str]  # every accepted entry, normalised

    def unit(self, unit_id: str) -> UnitResult:
        return next(u for u in self.units if u.id == unit_id)


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def as_number(value: Decimal, decimals: int) -> float:
    return float(round_half_up(value, decimals))


Compute = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class ItemPlan:
    """What scoring one indicator needs, worked out once per scoring run, not once per unit."""

    indicator: Indicator
    periods: list[Period]  # the periods due, in order; empty when none is due yet
    fields_by_period: dict[str, list[InputField]]
    rule_fields: dict[str, list[InputField]]  # per period: the rule's inputs (合理缺项 aside)
    role: str
    na_period: str  # 合理缺项 is asked once, in the item's last period
    #: per period: the compiled score, or None where it depends on the unit (by_unit targets) or on the other
    #: units (relative); those are compiled per unit on demand / scored over the field set
    computes: dict[str, Compute | None] = field(default_factory=dict)
    per_unit: dict[tuple[str, str], Compute] = field(default_factory=dict)
    #: per period due: its id, its rule's inputs as (name, key without the unit, required), and whether the
    #: rule is relative; a unit's key is the unit, SEPARATOR and the tail (key_text, built once per scoring run)
    steps: list[tuple[str, list[tuple[str, str, bool]], bool]] = field(default_factory=list)
    na_tail: str | None = None  # the 合理缺项 key without the unit, when the item allows it

    def relative(self, period: str) -> RelativeRule | None:
        rule = self.indicator.rule_in(period)
        return rule if isinstance(rule, RelativeRule) else None

    def compute(self, period: str, unit: str) -> Compute:
        shared = self.computes.get(period)
        if shared is not None:
            return shared
        key = (period, unit)
        if key not in self.per_unit:
            ind = self.indicator
            self.per_unit[key] = score_expression(ind.rule_in(period), ind.points, unit).compile()
        return self.per_unit[key]


def due_periods(scheme: Scheme, as_of: str | None) -> list[str]:
    """The periods due in a run as of one period: that period and every earlier one (all without as_of)."""
    ids = [p.id for p in scheme.periods]
    return ids if as_of is None else ids[: ids.index(as_of) + 1]


def plan(scheme: Scheme, as_of: str | None = None) -> list[ItemPlan]:
    due = set(due_periods(scheme, as_of))
    plans = []
    for ind in scheme.indicators:
        periods = scheme.periods_of(ind)
        plans.append(ItemPlan(
            indicator=ind,
            periods=[p for p in periods if p.id in due],
            fields_by_period=fields_by_period(scheme, ind),
            rule_fields={p.id: ind.input_fields(p.id) for p in periods},
            role=ind.role,
            na_period=periods[-1].id,
            computes={p.id: _shared_compute(ind.rule_in(p.id), ind.points) for p in periods},
            steps=[(p.id, [(f.name, _tail(ind.id, p.id, f.name), f.required) for f in ind.input_fields(p.id)],
                    isinstance(ind.rule_in(p.id), RelativeRule)) for p in periods if p.id in due],
            na_tail=_tail(ind.id, periods[-1].id, NA_FIELD) if ind.na_allowed else None,
        ))
    return plans


def _tail(item: str, period: str, name: str) -> str:
    """A key without its unit: key_text(unit, item, period, name) is unit, SEPARATOR and this."""
    return key_text(item, period, name, "")[: -len(SEPARATOR)]


def _shared_compute(rule: Rule, points: Decimal) -> Compute | None:
    """The compiled score every unit shares; None when it differs by unit or depends on the other units."""
    if isinstance(rule, RelativeRule) or rule.varies_by_unit:
        return None
    return score_expression(rule, points).compile()


RelativeScores = dict[tuple[str, str], dict[str, Decimal]]


def relative_scores(scheme: Scheme, plans: list[ItemPlan], values: Mapping[str, Decimal | str]) -> RelativeScores:
    """Per (item, period) scored relative to the other units: each unit of the field set (a valid value, not
    合理缺项) with its score (rules.more.RelativeRule.scores)."""
    out: RelativeScores = {}
    for p in plans:
        ind = p.indicator
        for period in p.periods:
            rule = p.relative(period.id)
            if rule is None:
                continue
            field_set = {}
            for unit in scheme.units:
                value = values.get(key_text(unit.id, ind.id, period.id, VALUE))
                not_applicable = ind.na_allowed and values.get(key_text(unit.id, ind.id, p.na_period, NA_FIELD)) == YES
                if isinstance(value, Decimal) and not not_applicable:
                    field_set[unit.id] = value
            out[(ind.id, period.id)] = rule.scores(ind.points, field_set)
    return out


def vetoes_due(scheme: Scheme, as_of: str | None) -> bool:
    """Vetoes are asked in the last period only."""
    return as_of is None or as_of == scheme.last_period.id


class PerUnit(Mapping[str, Any]):
    """A mapping over every key of a scheme, holding one unit's worth: every assessed unit has the same items,
    periods and fields, so a key is looked up by its unit (one of ``units``) and the rest of it (``tails``).
    A scheme of 3,000 units and 125 items needs 125 entries, not 375,000."""

    def __init__(self, units: list[str], tails: dict[str, Any]):
        self.order, self.units, self.tails = units, frozenset(units), tails

    def __getitem__(self, key: str) -> Any:
        if isinstance(key, str):
            unit, _sep, tail = key.partition(SEPARATOR)
            if unit in self.units and tail in self.tails:
                return self.tails[tail]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            unit, _sep, tail = key.partition(SEPARATOR)
            if unit in self.units:
                return self.tails.get(tail, default)
        return default

    def __contains__(self, key: object) -> bool:
        return self.get(key, _ABSENT) is not _ABSENT  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[str]:
        return (f"{unit}{SEPARATOR}{tail}" for unit in self.order for tail in self.tails)

    def __len__(self) -> int:
        return len(self.units) * len(self.tails)


_ABSENT = object()


class KeyIndex:
    """Which (unit, item, period, field) a key names, for one scheme."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.fields: Mapping[str, InputField]
        self.items: Mapping[str, Indicator | Veto]
        units = [u.id for u in scheme.units]
        if units and len(set(units)) == len(units) and not any(SEPARATOR in u for u in units):
            first = scheme.units[0]
            fields, items = {}, {}
            for entry in entries(scheme, units=[first]):
                tail = entry.key[len(first.id) + len(SEPARATOR):]
                fields[tail], items[tail] = entry.field, entry.item
            self.fields, self.items = PerUnit(units, fields), PerUnit(units, items)
            return
        all_fields: dict[str, InputField] = {}
        all_items: dict[str, Indicator | Veto] = {}
        for entry in entries(scheme):
            all_fields[entry.key] = entry.field
            all_items[entry.key] = entry.item
        self.fields, self.items = all_fields, all_items

    def unknown(self, key: str, where: dict[str, str]) -> Issue:
        """The issue for a key this scheme does not ask for, saying which part of it is wrong."""
        parsed = EntryKey.parse(key)
        ind = {i.id: i for i in self.scheme.indicators}.get(parsed.item) if parsed else None
        if parsed and ind is not None and parsed.field == NA_FIELD and not ind.na_allowed:
            return NaNotAllowed.new(**where)
        return UnknownKey.new(detail=self._unknown_detail(key, parsed, ind), **where)

    def _unknown_detail(self, key: str, parsed: EntryKey | None, ind: Indicator | None) -> str:
        if parsed is None:
            return f"编码“{key}”格式不对，应为 单位|指标|时间节点|填报项"
        unit, item, period, name = parsed
        s = self.scheme
        if unit not in {u.id for u in s.units}:
            return f"编码中的单位“{unit}”不是本方案的被考核单位"
        if parsed.is_veto:
            if parsed.veto_id not in {v.id for v in s.vetoes}:
                return f"否决项“{parsed.veto_id}”不在本方案中"
            return f"否决项只在最后一个时间节点填报“{VETO_FIELD}”"
        if ind is None:
            return f"指标“{item}”不在本方案中（是否用了旧模板？）"
        if period not in {p.id for p in s.periods_of(ind)}:
            return f"指标 {item} 没有时间节点“{period}”"
        return f"指标 {item} 在“{period}”没有填报项“{name}”"


@dataclass
class Checked:
    """Entries after validation: accepted values, keys whose value was rejected, and the issues."""

    values: dict[str, Decimal | str] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)
    issues: list[Issue] = field(default_factory=list)

    def update(self, other: Checked) -> None:
        self.values.update(other.values)
        self.rejected |= other.rejected
        self.issues += other.issues


def check_entries(
    scheme: Scheme,
    entries: Mapping[str, Any],
    where: Mapping[str, dict[str, str]] | None = None,
    index: KeyIndex | None = None,
) -> Checked:
    """Validate entries ``{key: raw value}`` against their fields; ``where`` locates each key for issues."""
    where = where or {}
    index = index or KeyIndex(scheme)
    checked = Checked()
    for key in sorted(entries, key=str):
        f = index.fields.get(key)
        if f is None:
            checked.issues.append(index.unknown(str(key), _location(key, where)))
            continue
        parsed: Parsed = parse_input(entries[key], f)
        if parsed.problem:
            checked.issues.append(parsed.problem.new(label=_label(index, key, f), reason=parsed.reason,
                                       **_location(key, where)))
            checked.rejected.add(key)
        elif parsed.value is not None:
            checked.values[key] = parsed.value
    return checked


def score_checked(
    scheme: Scheme,
    checked: Checked,
    where: Mapping[str, dict[str, str]] | None = None,
    report_missing: bool | Callable[[str], bool] = True,
    scored: Mapping[str, tuple[UnitResult, list[Issue]]] | None = None,
    as_of: str | None = None,
) -> Result:
    """Score validated values: per-item scores, totals, grades and ranks of every unit.
    ``scored`` holds units already scored elsewhere (by score_unit, in a reading worker); ``as_of`` scores an
    interim run, in which only the periods up to it are due."""
    plans = plan(scheme, as_of)
    issues = list(checked.issues)
    relative = relative_scores(scheme, plans, checked.values)
    if any(p.relative(period.id) for p in plans for period in p.periods):
        scored = None  # a worker saw one unit only: relative scores need them all
    units = []
    for unit in scheme.units:
        if scored and unit.id in scored:
            done, unit_issues = scored[unit.id]
            units.append(done)
            issues += unit_issues
        else:
            units.append(_score_unit(scheme, plans, unit.id, unit.name, checked.values, checked.rejected,
                                     where or {}, issues, report_missing, vetoes_due(scheme, as_of), relative))
    _rank(units)
    units.sort(key=lambda u: (u.rank, u.id))
    return Result(scheme, units, issues, checked.values)


def score_unit(
    scheme: Scheme,
    plans: list[ItemPlan],
    unit_id: str,
    checked: Checked,
    where: Mapping[str, dict[str, str]],
    report_missing: bool | Callable[[str], bool] = True,
    vetoes_asked: bool = True,
) -> tuple[UnitResult, list[Issue]]:
    """One unit, unranked: what score_checked does for each unit, for a caller that has the unit's values
    alone (a self-evaluation return read in a worker process)."""
    issues: list[Issue] = []
    result = _score_unit(scheme, plans, unit_id, scheme.unit_name(unit_id), checked.values, checked.rejected,
                         where, issues, report_missing, vetoes_asked)
    return result, issues


def score(
    scheme: Scheme,
    entries: Mapping[str, Any],
    where: Mapping[str, dict[str, str]] | None = None,
    report_missing: bool | Callable[[str], bool] = True,
) -> Result:
    """Validate and score entries ``{key: raw value}``; ``where`` locates each key for issues."""
    return score_checked(scheme, check_entries(scheme, entries, where), where, report_missing)


def _location(key: str, where: Mapping[str, dict[str, str]]) -> dict[str, str]:
    loc = dict(where.get(key, {}))
    parsed = EntryKey.parse(key)
    if parsed:
        loc.setdefault("unit", parsed.unit)
        loc.setdefault("indicator", parsed.item)
    loc["key"] = str(key)
    return loc


def describe_key(scheme: Scheme, key: str) -> str:
    """What a key names, in words: 阳春市 指标 4（质量安全监管）得分; the key itself when the scheme has no such
    indicator."""
    parsed = EntryKey.parse(key)
    if parsed is None or not (parsed.is_veto or parsed.item in {i.id for i in scheme.indicators}):
        return key
    unit, item, period, name = parsed
    node = next((p.name for p in scheme.periods if p.id == period), period)
    when = "" if len(scheme.periods) == 1 else f"（{node}）"
    if parsed.is_veto:
        return f"{scheme.unit_name(unit)} 否决项 {parsed.veto_id} {name}"
    return f"{scheme.unit_name(unit)} 指标 {item}（{scheme.indicator(item).title}）{when}{name}"


def _label(index: KeyIndex, key: str, f: InputField) -> str:
    item = index.items[key]
    parsed = EntryKey.parse(key)
    unit = index.scheme.unit_name(parsed.unit) if parsed else ""
    if isinstance(item, Veto):
        return f"{unit} 否决项 {item.id} {f.name}"
    return f"{unit} 指标 {item.id}（{item.title}）{f.name}"


def _score_unit(
    scheme: Scheme,
    plans: list[ItemPlan],
    unit_id: str,
    unit_name: str,
    values: Mapping[str, Decimal | str],
    rejected: set[str],
    where: Mapping[str, dict[str, str]],
    issues: list[Issue],
    report_missing: bool | Callable[[str], bool],
    vetoes_asked: bool = True,
    relative: RelativeScores | None = None,
) -> UnitResult:
    missing: list[str] = []
    items: dict[str, ItemScore] = {}
    for p in plans:
        items[p.indicator.id] = _score_item(scheme.period_aggregate, unit_id, p, values, missing, relative or {})
    vetoes: dict[str, bool] = {}
    for veto in scheme.vetoes if vetoes_asked else ():
        key = key_text(unit_id, veto_item(veto.id), scheme.last_period.id, VETO_FIELD)
        vetoes[veto.id] = values.get(key) == YES
        if key not in values:
            missing.append(key)
    if report_missing:
        for key in missing:
            if key not in rejected and (report_missing is True or report_missing(key)):
                issues.append(MissingValue.new(label=describe_key(scheme, key), **_location(key, where)))
    return _totals(scheme, unit_id, unit_name, items, vetoes, missing)


def _score_item(
    aggregate: str,
    unit_id: str,
    p: ItemPlan,
    values: Mapping[str, Decimal | str],
    missing: list[str],
    relative: RelativeScores,
) -> ItemScore:
    ind = p.indicator
    if not p.periods:
        return ItemScore(ind.id, p.role, {}, ZERO, due=False)
    prefix = unit_id + SEPARATOR
    na = p.na_tail is not None and values.get(prefix + p.na_tail) == YES
    period_scores: dict[str, Decimal | None] = {}
    complete = True
    for period_id, inputs, is_relative in p.steps:
        env: dict[str, Decimal | str | None] = {}
        ready = True
        for name, tail, required in inputs:
            key = prefix + tail
            value = env[name] = values.get(key)
            if value is None and required:
                ready = False
                if not na:
                    missing.append(key)
        if not ready:
            result = None
        elif is_relative:
            result = relative.get((ind.id, period_id), {}).get(unit_id)
        else:
            result = p.compute(period_id, unit_id)(env)
        period_scores[period_id] = result if isinstance(result, Decimal) else None
        complete = complete and (ready or na)
    if len(period_scores) == 1:
        total = result if ready and isinstance(result, Decimal) else ZERO
    else:
        total = _aggregate(aggregate, period_scores, p.periods)
    return ItemScore(ind.id, p.role, period_scores, total, na, complete)


def _aggregate(how: str, scores: dict[str, Decimal | None], periods: list[Period]) -> Decimal:
    ordered = [scores[p.id] or ZERO for p in periods]
    if how == "last":
        return ordered[-1]
    if how == "min":
        return min(ordered)
    if how == "max":
        return max(ordered)
    total = sum(ordered, ZERO)
    return total if how == "sum" else total / len(ordered)


def _totals(
    scheme: Scheme,
    unit_id: str,
    unit_name: str,
    items: dict[str, ItemScore],
    vetoes: dict[str, bool],
    missing: list[str],
) -> UnitResult:
    indicators = {i.id: i for i in scheme.indicators}
    base_items = [(s.score, indicators[s.indicator].points, s.na or not s.due)
                  for s in items.values() if s.role == "base"]
    base_raw, base_max, scaled = scaled_base(base_items, scheme.scale)
    bonus = sum((s.score for s in items.values() if s.role == "bonus"), ZERO)
    if scheme.bonus_cap is not None:
        bonus = min(bonus, scheme.bonus_cap)
    deduction = -sum((s.score for s in items.values() if s.role == "deduction"), ZERO)
    if scheme.deduction_cap is not None:
        deduction = min(deduction, scheme.deduction_cap)
    total = round_half_up(max(scaled + bonus - deduction, ZERO), scheme.decimals)
    categories: dict[str, Decimal] = {}
    for ind in scheme.indicators:
        top = ind.path[0] if ind.path else ""
        if items[ind.id].active:
            categories[top] = categories.get(top, ZERO) + items[ind.id].score
        elif ind.role == "base":
            categories.setdefault(top, ZERO)
    veto = any(vetoes.values())
    return UnitResult(
        id=unit_id,
        name=unit_name,
        total=total,
        grade=grade_of(scheme, total, veto),
        veto=veto,
        complete=not missing,
        base=round_half_up(scaled, scheme.decimals),
        base_raw=base_raw,
        base_max=base_max,
        bonus=round_half_up(bonus, scheme.decimals),
        deduction=round_half_up(deduction, scheme.decimals),
        categories=categories,
        items=items,
        vetoes=vetoes,
        missing=missing,
    )


def scaled_base(items: Iterable[tuple[Decimal, Decimal, bool]], scale: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(base, base_max, scaled) of base items given as (score, points, 合理缺项):
    scaled = base × scale / base_max over the items not marked 合理缺项 (0 when base_max is 0)."""
    active = [(score, points) for score, points, na in items if not na]
    base = sum((score for score, _ in active), ZERO)
    base_max = sum((points for _, points in active), ZERO)
    return base, base_max, base * scale / base_max if base_max else ZERO


def grade_of(scheme: Scheme, total: Decimal, veto: bool) -> str:
    if veto and scheme.veto_grade:
        return scheme.veto_grade
    for g in scheme.grades:
        if total >= g.min:
            return g.name
    return ""


def competition_ranks(totals: list[Decimal]) -> list[int]:
    """1, 2, 2, 4: a rank is one more than the number of strictly higher totals (counted in a sorted copy: a
    comparison of every pair is a million at 1,000 units)."""
    ordered = sorted(totals)
    return [1 + len(ordered) - bisect_right(ordered, t) for t in totals]


def _rank(units: list[UnitResult]) -> None:
    for unit, rank in zip(units, competition_ranks([u.total for u in units])):
        unit.rank = rank
