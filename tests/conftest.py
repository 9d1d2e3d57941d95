"""Shared fixtures: the mini scheme, and small schemes built from their dict form."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qwb.issues import errors
from qwb.scheme import load
from qwb.scheme.check import check
from qwb.scheme.model import Builder, Scheme

DATA = Path(__file__).parent / "data"

#: the top of a scheme; indicators and any overrides are added by build_scheme
SKELETON: dict[str, Any] = {
    "format": "qwb-scheme/1",
    "id": "t-2024",
    "name": "测试方案",
    "year": 2024,
    "grades": [{"name": "A", "min": 90}, {"name": "B", "min": 80}, {"name": "C", "min": 60}, {"name": "D", "min": 0}],
    "veto_grade": "D",
    "units": [{"id": "u1", "name": "甲县"}],
    "departments": [{"id": "d", "name": "质强办"}],
}


def build_scheme(indicators: list[dict[str, Any]], **top: Any) -> Scheme:
    """A scheme from indicator dicts (id, path, title and department filled in) and top-level overrides.

    Fails the test if the scheme has any error, so a test never scores a scheme the checker rejects.
    """
    data = copy.deepcopy(SKELETON) | copy.deepcopy(top)
    data["indicators"] = []
    for i, raw in enumerate(copy.deepcopy(indicators)):
        raw.setdefault("id", str(i + 1))
        raw.setdefault("path", ["类别"])
        raw.setdefault("title", f"指标{raw['id']}")
        raw.setdefault("department", "d")
        data["indicators"].append(raw)
    builder = Builder(data, lambda path: {"cell": path})
    scheme = builder.build()
    assert scheme is not None, builder.issues
    problems = errors(builder.issues + check(scheme))
    assert not problems, [(p.code, p.cell, p.message) for p in problems]
    return scheme


@pytest.fixture(scope="session")
def mini() -> Scheme:
    """tests/data/mini.yaml: every rule type, three units, a veto, caps."""
    return load(DATA / "mini.yaml")


@pytest.fixture
def make_scheme() -> Callable[..., Scheme]:
    """``make_scheme(indicators, **top)``: see :func:`build_scheme`."""
    return build_scheme
