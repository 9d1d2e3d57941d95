"""Which rows a template holds: one per input, in scheme order (docs/template.md)."""

from __future__ import annotations

from dataclasses import dataclass

from qwb.scheme.entries import Entry as EntryRow
from qwb.scheme.entries import ItemInputs, entries, entry_keys
from qwb.scheme.model import Indicator, Scheme, Unit, Veto, veto_owner

__all__ = ["Assignee", "EntryRow", "assignees", "entry_rows", "file_name", "scheme_title", "selection", "template_keys", "veto_owner"]


@dataclass(frozen=True)
class Assignee:
    kind: str  # department | unit
    id: str
    name: str


def assignees(scheme: Scheme, kind: str) -> list[Assignee]:
    if kind == "unit":
        return [Assignee("unit", u.id, u.name) for u in scheme.units]
    owners = {i.department for i in scheme.indicators} | {veto_owner(scheme, v) for v in scheme.vetoes}
    return [Assignee("department", d.id, d.name) for d in scheme.departments if d.id in owners]


def selection(scheme: Scheme, assignee: Assignee) -> tuple[list[Unit], list[Indicator], list[Veto]]:
    """The units, indicators and vetoes one template asks about."""
    if assignee.kind == "unit":
        return [u for u in scheme.units if u.id == assignee.id], scheme.indicators, scheme.vetoes
    indicators = [i for i in scheme.indicators if i.department == assignee.id]
    return scheme.units, indicators, [v for v in scheme.vetoes if veto_owner(scheme, v) == assignee.id]


def entry_rows(scheme: Scheme, assignee: Assignee) -> list[EntryRow]:
    return list(entries(scheme, *selection(scheme, assignee)))


def template_keys(scheme: Scheme, assignee: Assignee, inputs: ItemInputs | None = None) -> list[str]:
    """The 编码 column of one template, in row order; ``inputs`` (item_inputs) is reused across templates."""
    units, indicators, vetoes = selection(scheme, assignee)
    return entry_keys(scheme, [u.id for u in units], indicators, vetoes, inputs)


def scheme_title(scheme: Scheme) -> str:
    """The scheme's name with its year once: 常州市2016年度质量工作考核, 2015年度铁岭县政府质量工作考核."""
    title = scheme.name
    if "质量工作考核" in title and str(scheme.year) not in title:
        return title.replace("质量工作考核", f"{scheme.year}年度质量工作考核", 1)
    if str(scheme.year) not in title:
        return f"{title}{scheme.year}年度"
    return title


def file_name(scheme: Scheme, assignee: Assignee) -> str:
    title = scheme_title(scheme)
    suffix = "自评" if assignee.kind == "unit" else ""
    name = f"{title}{suffix}-{assignee.name}.xlsx"
    return "".join("_" if c in '\\/:*?"<>|' else c for c in name)
