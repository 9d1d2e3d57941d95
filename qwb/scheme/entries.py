"""Every entry a scheme asks for: one (unit, item, period, field) per 填报值 cell.

The one enumerator of a scheme's keys. Templates lay their rows out from it, the
reader knows which keys a template holds from it, the engine plans its scoring
from it and the report labels raw values with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from qwb.keys import key_text, veto_item
from qwb.rules import VETO_FIELD, InputField, yesno_field
from qwb.scheme.model import Indicator, Period, Scheme, Unit, Veto

#: per indicator id, its (period, field) pairs in row order
ItemInputs = dict[str, list[tuple[Period, InputField]]]


@dataclass(frozen=True)
class Entry:
    key: str
    unit_id: str
    unit_name: str
    item: Indicator | Veto
    period: Period
    field: InputField
    first_of_item: bool  # first row of this item (any period): carries the long text
    last_of_period: bool  # the item's last field in this period: carries 得分
    last_period_of_item: bool

    @property
    def is_veto(self) -> bool:
        return isinstance(self.item, Veto)


def veto_field() -> InputField:
    return yesno_field(VETO_FIELD, required=True)


def fields_by_period(scheme: Scheme, indicator: Indicator) -> dict[str, list[InputField]]:
    """The inputs of one indicator in each of its periods; 合理缺项 only in its last period."""
    periods = scheme.periods_of(indicator)
    return {p.id: indicator.fields_in(p.id, periods[-1].id) for p in periods}


def item_inputs(scheme: Scheme) -> ItemInputs:
    """Per indicator, its (period, field) pairs in row order: worked out once, reused for every unit."""
    out: ItemInputs = {}
    for ind in scheme.indicators:
        periods = {p.id: p for p in scheme.periods_of(ind)}
        out[ind.id] = [(periods[pid], f) for pid, fields in fields_by_period(scheme, ind).items() for f in fields]
    return out


def entries(scheme: Scheme, units: Sequence[Unit] | None = None, indicators: Iterable[Indicator] | None = None,
            vetoes: Iterable[Veto] | None = None) -> Iterator[Entry]:
    """The entries of the given units (default all), indicators and vetoes, in template row order:
    unit by unit, item by item in scheme order, period by period, then the vetoes."""
    indicators = list(scheme.indicators if indicators is None else indicators)
    vetoes = list(scheme.vetoes if vetoes is None else vetoes)
    inputs = item_inputs(scheme)
    last = scheme.last_period
    for unit in scheme.units if units is None else units:
        for ind in indicators:
            yield from _item_entries(unit, ind, inputs[ind.id])
        for veto in vetoes:
            yield Entry(key_text(unit.id, veto_item(veto.id), last.id, VETO_FIELD), unit.id, unit.name, veto, last,
                        veto_field(), True, True, True)


def _item_entries(unit: Unit, ind: Indicator, inputs: list[tuple[Period, InputField]]) -> Iterator[Entry]:
    last_period = inputs[-1][0].id
    for n, (period, f) in enumerate(inputs):
        next_period = inputs[n + 1][0].id if n + 1 < len(inputs) else None
        yield Entry(key_text(unit.id, ind.id, period.id, f.name), unit.id, unit.name, ind, period, f,
                    first_of_item=n == 0, last_of_period=next_period != period.id,
                    last_period_of_item=period.id == last_period)


def entry_keys(scheme: Scheme, unit_ids: Iterable[str], indicators: Iterable[Indicator], vetoes: Iterable[Veto],
               inputs: ItemInputs | None = None) -> list[str]:
    """The keys of ``entries(...)`` without building the entries (for thousands of templates)."""
    inputs = inputs if inputs is not None else item_inputs(scheme)
    indicators, last = list(indicators), scheme.last_period.id
    veto_items = [veto_item(v.id) for v in vetoes]
    keys: list[str] = []
    for unit in unit_ids:
        for ind in indicators:
            keys += [key_text(unit, ind.id, period.id, f.name) for period, f in inputs[ind.id]]
        keys += [key_text(unit, item, last, VETO_FIELD) for item in veto_items]
    return keys
