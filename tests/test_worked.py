"""Worked examples: hand-computed results for the bundled schemes (tests/worked/*.yaml).

Each file is ``{scheme: <id>, [scheme_file: path relative to tests/worked], cases: [{name, entries: {key: value}, expect: {unit_id: {...}}, arithmetic}]}``;
the scheme is qwb/schemes/<id>.yaml. Every case is one test: its entries are scored by the engine and
each expected field is compared, numbers after rounding half-up to the scheme's ``decimals``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from qwb.engine import UnitResult, round_half_up, score
from qwb.rules import to_decimal
from qwb.scheme import load

ROOT = Path(__file__).resolve().parent.parent
WORKED = ROOT / "tests" / "worked"
SCHEMES = ROOT / "qwb" / "schemes"
NUMBERS = ("total", "base", "bonus", "deduction")
EXACT = ("grade", "complete", "rank", "veto")


def _cases() -> list[Any]:
    params = []
    for path in sorted(WORKED.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases = (data.get("cases") or []) if isinstance(data, dict) else []
        if not cases:
            params.append(pytest.param(path, {}, id=f"{path.stem}-no-cases"))
        for i, case in enumerate(cases):
            name = case.get("name") if isinstance(case, dict) else None
            params.append(pytest.param(path, case, id=f"{path.stem}-{i}-{name or 'case'}"))
    return params or [pytest.param(None, {}, id="none", marks=pytest.mark.skip(reason="tests/worked has no files yet"))]


def _compare(unit: UnitResult, expect: dict[str, Any], decimals: int) -> list[str]:
    wrong = []
    for key, want in expect.items():
        if key in NUMBERS:
            got = round_half_up(getattr(unit, key), decimals)
            if got != round_half_up(to_decimal(want), decimals):
                wrong.append(f"{key}: expected {want}, engine {got}")
        elif key in EXACT:
            if getattr(unit, key) != want:
                wrong.append(f"{key}: expected {want!r}, engine {getattr(unit, key)!r}")
        elif key == "categories":
            got_cats = {k: round_half_up(v, decimals) for k, v in unit.categories.items()}
            want_cats = {k: round_half_up(to_decimal(v), decimals) for k, v in want.items()}
            if {k: got_cats.get(k) for k in want_cats} != want_cats:
                wrong.append(f"categories: expected {want}, engine { {k: str(v) for k, v in got_cats.items()} }")
        else:
            wrong.append(f"unknown expected field “{key}”")
    return wrong


@pytest.mark.parametrize(("path", "case"), _cases())
def test_worked_case(path: Path, case: dict[str, Any]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(case, dict) and case.get("expect"), f"{path.name}: no cases, or a case without expect"
    scheme_file = (WORKED / data["scheme_file"]) if "scheme_file" in data else SCHEMES / f"{data['scheme']}.yaml"
    assert scheme_file.is_file(), f"{path.name}: scheme {scheme_file} does not exist"
    scheme = load(scheme_file)
    result = score(scheme, case.get("entries") or {})
    wrong = []
    for unit_id, expect in case["expect"].items():
        unit = next((u for u in result.units if u.id == unit_id), None)
        if unit is None:
            wrong.append(f"{unit_id}: no such unit")
            continue
        wrong += [f"{unit_id} {w}" for w in _compare(unit, expect, scheme.decimals)]
    errors = [f"{i.code} {i.key}: {i.message}" for i in result.issues if i.severity == "error"]
    detail = "\n".join(wrong + [f"(issue) {e}" for e in errors] + ["arithmetic:", str(case.get("arithmetic", ""))])
    assert not wrong, f"{path.name} / {case.get('name')}:\n{detail}"


def test_round_half_up_is_used_for_expectations() -> None:
    # the comparison rounds both sides the scheme's way: 87.555 and 87.56 agree at 2 decimals, 87.554 does not
    assert round_half_up(to_decimal(87.555), 2) == round_half_up(Decimal("87.56"), 2)
    assert round_half_up(to_decimal(87.554), 2) != Decimal("87.56")
