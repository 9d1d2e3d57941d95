"""The scheme's YAML form (SCHEME.md section 1)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from qwb.issues import Issue, make
from qwb.rules import _plain
from qwb.scheme.model import Builder, Scheme, indicator_to_dict


def read_yaml(path: Path) -> tuple[Scheme | None, list[Issue]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [make("scheme-unreadable", f"无法读取方案文件：{exc}", file=path.name)]
    ids = _indicator_ids(data)

    def locate(p: str) -> dict[str, str]:
        where = {"file": path.name, "cell": p}
        m = re.match(r"indicators\[(\d+)\]", p)
        if m and int(m.group(1)) < len(ids):
            where["indicator"] = ids[int(m.group(1))]
        return where

    builder = Builder(data, locate)
    return builder.build(), builder.issues


def _indicator_ids(data: Any) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        return []
    return [str(i.get("id", "")) if isinstance(i, dict) else "" for i in data["indicators"]]


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
            d[key] = _plain(value)
    d["decimals"] = s.decimals
    d["grades"] = [{"name": g.name, "min": _plain(g.min)} for g in s.grades]
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
        d["groups"] = [{"path": list(g.path), "points": _plain(g.points)} for g in s.groups]
    d.update(s.extra)
    d["indicators"] = [indicator_to_dict(i) for i in s.indicators]
    return d


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(s: Scheme) -> str:
    return yaml.dump(scheme_to_dict(s), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
