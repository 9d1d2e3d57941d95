"""Which rows a template holds: one per input, in scheme order (SCHEME.md section 2)."""

from __future__ import annotations

from dataclasses import dataclass

from qwb.rules import VETO_FIELD, InputField, yesno_field
from qwb.scheme.model import Indicator, Period, Scheme, Veto, entry_key


@dataclass(frozen=True)
class Assignee:
    kind: str  # department | unit
    id: str
    name: str


@dataclass(frozen=True)
class EntryRow:
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


def assignees(scheme: Scheme, kind: str) -> list[Assignee]:
    if kind == "unit":
        return [Assignee("unit", u.id, u.name) for u in scheme.units]
    owners = {i.department for i in scheme.indicators} | {v.department for v in scheme.vetoes if v.department}
    return [Assignee("department", d.id, d.name) for d in scheme.departments if d.id in owners]


def veto_owner(scheme: Scheme, veto: Veto) -> str:
    """A veto with no department is asked by the quality office: the first department listed."""
    return veto.department or (scheme.departments[0].id if scheme.departments else "")


def entry_rows(scheme: Scheme, assignee: Assignee) -> list[EntryRow]:
    if assignee.kind == "unit":
        units = [u for u in scheme.units if u.id == assignee.id]
        indicators = scheme.indicators
        vetoes = scheme.vetoes
    else:
        units = scheme.units
        indicators = [i for i in scheme.indicators if i.department == assignee.id]
        vetoes = [v for v in scheme.vetoes if veto_owner(scheme, v) == assignee.id]
    rows: list[EntryRow] = []
    for unit in units:
        for ind in indicators:
            periods = scheme.periods_of(ind)
            for p_index, period in enumerate(periods):
                fields = ind.fields_in(period.id, periods[-1].id)
                for f_index, f in enumerate(fields):
                    rows.append(EntryRow(
                        key=entry_key(unit.id, ind.id, period.id, f.name), unit_id=unit.id, unit_name=unit.name,
                        item=ind, period=period, field=f, first_of_item=p_index == 0 and f_index == 0,
                        last_of_period=f_index == len(fields) - 1, last_period_of_item=p_index == len(periods) - 1,
                    ))
        for veto in vetoes:
            f = yesno_field(VETO_FIELD, required=True)
            rows.append(EntryRow(
                key=entry_key(unit.id, veto.key_part, scheme.last_period.id, f.name), unit_id=unit.id,
                unit_name=unit.name, item=veto, period=scheme.last_period, field=f, first_of_item=True,
                last_of_period=True, last_period_of_item=True,
            ))
    return rows


def template_keys(scheme: Scheme, assignee: Assignee, fields: dict[str, list[tuple[str, str]]] | None = None) -> list[str]:
    """The 编码 column of one template, in row order: entry_rows' keys without building the rows.
    ``fields`` caches, per indicator id, its (period, field name) pairs."""
    if fields is None:
        fields = item_fields(scheme)
    if assignee.kind == "unit":
        unit_ids = [assignee.id]
        indicators = scheme.indicators
        vetoes = scheme.vetoes
    else:
        unit_ids = [u.id for u in scheme.units]
        indicators = [i for i in scheme.indicators if i.department == assignee.id]
        vetoes = [v for v in scheme.vetoes if veto_owner(scheme, v) == assignee.id]
    last = scheme.last_period.id
    keys = []
    for unit in unit_ids:
        for ind in indicators:
            keys += [f"{unit}|{ind.id}|{period}|{name}" for period, name in fields[ind.id]]
        keys += [f"{unit}|{v.key_part}|{last}|{VETO_FIELD}" for v in vetoes]
    return keys


def item_fields(scheme: Scheme) -> dict[str, list[tuple[str, str]]]:
    out = {}
    for ind in scheme.indicators:
        periods = scheme.periods_of(ind)
        out[ind.id] = [(p.id, f.name) for p in periods for f in ind.fields_in(p.id, periods[-1].id)]
    return out


def file_name(scheme: Scheme, assignee: Assignee) -> str:
    title = scheme.name
    if "质量工作考核" in title and str(scheme.year) not in title:
        title = title.replace("质量工作考核", f"{scheme.year}年度质量工作考核", 1)
    elif str(scheme.year) not in title:
        title = f"{title}{scheme.year}年度"
    suffix = "自评" if assignee.kind == "unit" else ""
    name = f"{title}{suffix}-{assignee.name}.xlsx"
    return "".join("_" if c in '\\/:*?"<>|' else c for c in name)
