"""Realistic filled entries for a scheme: for the demo, the tests and the benchmark.

Values are stored cell values (numbers, labels), chosen near each rule's
thresholds so boundaries are exercised: exactly at a target, a step, a
linear end point.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from qwb.numtext import number
from qwb.rules import (
    NA_FIELD,
    NO,
    VETO_FIELD,
    YES,
    CompareRule,
    InputField,
    LinearRule,
    StepsRule,
    TargetRule,
    TargetsRule,
    unit_factor,
)
from qwb.scheme.entries import entries
from qwb.scheme.model import Indicator, Scheme


def interesting_numbers(ind: Indicator, field: str = "") -> list[Decimal]:
    """Stored values at and around the rule's thresholds (of the target named ``field`` in a targets rule)."""
    r = ind.rule
    factor = unit_factor(getattr(r, "unit", ""))
    target = next((t for t in r.targets if t.field == field), None) if isinstance(r, TargetsRule) else None
    if target is not None:
        factor, marks = unit_factor(target.unit), [target.target]
    elif isinstance(r, TargetRule):
        marks = [r.target]
    elif isinstance(r, StepsRule):
        marks = [s.at for s in r.steps]
    elif isinstance(r, LinearRule):
        marks = [r.zero_at, r.full_at, (r.zero_at + r.full_at) / 2]
    else:
        marks = [Decimal(100)]
    delta = Decimal("0.5") if factor == 1 else Decimal("0.1")
    values = []
    for m in marks:
        values += [m, m + delta, m - delta]
    return [(v * factor).normalize() for v in values]


def field_value(ind: Indicator, f: InputField, rng: random.Random, quality: float) -> Any:
    """A plausible stored value; ``quality`` 0..1 leans towards full marks."""
    if f.kind == "choice":
        labels = list(f.labels)
        return labels[0] if rng.random() < quality else rng.choice(labels)
    if f.kind == "yesno" and isinstance(ind.rule, TargetsRule) and any(t.field == f.name for t in ind.rule.targets):
        return YES if rng.random() < quality else rng.choice([YES, NO])  # a 要点: 落实 or not
    if f.kind == "yesno":
        return NO
    if f.kind == "count":
        if ind.rule.role == "bonus":
            return rng.choice([0, 0, 1, 2])
        return 0 if rng.random() < quality else rng.randint(1, 3)
    if f.kind == "score":
        step = f.step or Decimal("0.5")
        top = f.maximum or Decimal(0)
        low = top * Decimal(str(round(quality * 0.6, 2)))
        choices = []
        v = Decimal(0)
        while v <= top:
            if v >= low:
                choices.append(v)
            v += step
        return number(rng.choice(choices or [top]))
    if isinstance(ind.rule, CompareRule):
        return number(_in_range(Decimal(rng.randint(50, 150)) * unit_factor(f.unit), f))
    if f.minimum == 0 and f.maximum == 1:  # a 要点 filled 1 (落实) or 0
        return 1 if rng.random() < quality else rng.choice([0, 1])
    inside = [v for v in interesting_numbers(ind, f.name) if _in_range(v, f) == v]
    return number(rng.choice(inside or [_in_range(Decimal(0), f)]))


def _in_range(value: Decimal, f: InputField) -> Decimal:
    """The value moved into the field's range, as a filler who reads the cell prompt would."""
    if f.minimum is not None and value < f.minimum:
        return f.minimum
    if f.maximum is not None and value > f.maximum:
        return f.maximum
    return value


def simulate_unit(scheme: Scheme, unit_id: str, rng: random.Random, quality: float = 0.8,
                  na_share: float = 0.0, veto: bool = False) -> dict[str, Any]:
    """Every entry of one unit, filled."""
    filled: dict[str, Any] = {}
    unit = next(u for u in scheme.units if u.id == unit_id)
    for entry in entries(scheme, [unit]):
        key, item, f = entry.key, entry.item, entry.field
        if f.name == VETO_FIELD:
            filled[key] = YES if veto else NO
        elif f.name == NA_FIELD:
            filled[key] = YES if rng.random() < na_share else NO
        else:
            assert isinstance(item, Indicator)
            filled[key] = field_value(item, f, rng, quality)
    return filled


def simulate(scheme: Scheme, seed: int = 2024, quality: float | None = None) -> dict[str, Any]:
    """Entries for every unit of the scheme, units of different quality, reproducible by seed."""
    rng = random.Random(seed)
    entries: dict[str, Any] = {}
    for i, unit in enumerate(scheme.units):
        q = quality if quality is not None else 0.95 - 0.1 * (i % 5)
        entries.update(simulate_unit(scheme, unit.id, rng, q, na_share=0.05 if i == 1 else 0.0))
    return entries
