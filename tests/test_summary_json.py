"""The summary's JSON writer gives exactly the bytes of json.dumps(ensure_ascii=False, indent=2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qwb.summary import dumps, indented

leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_text_as_the_standard_library(value: Any) -> None:
    assert indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_summary_bytes() -> None:
    data = {"format": "qwb-summary/1", "units": [{"id": "u1", "name": "东区\n\"引号\"", "total": 84.19, "rank": 1,
                                                  "items": {}, "periods": [], "veto": False, "previous": None}]}
    assert dumps(data) == (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_refuses_what_json_refuses() -> None:
    from decimal import Decimal

    with pytest.raises(TypeError):
        indented({"x": Decimal(1)})
    with pytest.raises(TypeError):
        indented({(1, 2): 3})


def test_written_in_pieces_with_lazy_lists() -> None:
    import io

    from qwb.summary import Lazy, write_json

    units = [{"id": f"u{i}", "items": {"1": {"score": i / 3, "periods": {"Y": None}}}} for i in range(30_000)]
    data = {"format": "qwb-summary/1", "units": Lazy(len(units), lambda: iter(units)), "none": Lazy(0, lambda: iter(()))}
    handle = io.BytesIO()
    write_json(data, handle)
    expected = {"format": "qwb-summary/1", "units": units, "none": []}
    assert handle.getvalue() == dumps(expected)
