"""The entry key type and the one enumerator of a scheme's keys."""

from __future__ import annotations

import pytest

from qwb.keys import EntryKey, key_text
from qwb.scheme import bundled, load
from qwb.scheme.entries import entries, entry_keys, item_inputs
from qwb.templates.layout import assignees, entry_rows, template_keys


def test_key_round_trip() -> None:
    key = EntryKey("liyang", "20", "Y", "数值")
    assert str(key) == "liyang|20|Y|数值" == key_text(*key)
    assert EntryKey.parse(" liyang|20|Y|数值 ") == key
    assert not key.is_veto and key.veto_id == ""


def test_veto_key() -> None:
    key = EntryKey.veto("liyang", "V1", "Y", "是否发生")
    assert str(key) == "liyang|veto:V1|Y|是否发生"
    parsed = EntryKey.parse(str(key))
    assert parsed is not None and parsed.is_veto and parsed.veto_id == "V1"


@pytest.mark.parametrize("text", ["", "a|b|c", "a|b|c|d|e", "a||c|d", "|b|c|d", None, 12])
def test_malformed_keys_do_not_parse(text: object) -> None:
    assert EntryKey.parse(text) is None


@pytest.mark.parametrize("path", bundled(), ids=lambda p: p.stem)
def test_every_listing_of_keys_agrees(path) -> None:
    """Templates, the fast key list and the enumerator name the same keys in the same order."""
    scheme = load(path)
    everything = [e.key for e in entries(scheme)]
    assert len(everything) == len(set(everything))
    assert everything == entry_keys(scheme, [u.id for u in scheme.units], scheme.indicators, scheme.vetoes)
    inputs = item_inputs(scheme)
    for kind in ("department", "unit"):
        listed: list[str] = []
        for a in assignees(scheme, kind):
            keys = template_keys(scheme, a, inputs)
            assert keys == [r.key for r in entry_rows(scheme, a)]
            listed += keys
        assert sorted(listed) == sorted(everything)
    for e in entries(scheme):
        parsed = EntryKey.parse(e.key)
        assert parsed is not None and parsed.unit == e.unit_id and parsed.period == e.period.id
        assert parsed.field == e.field.name and parsed.is_veto == e.is_veto


def test_places_and_located_behave_as_dicts_of_places() -> None:
    import pickle

    from qwb.keys import Located, Places

    a = Places("a.xlsx", "填报", {"u1|1|Y|值": "D5", "u1|2|Y|值": "D6"})
    b = Places("b.xlsx", "填报", {"u1|2|Y|值": "D9", "u2|1|Y|值": "D5"})
    assert a["u1|1|Y|值"] == {"file": "a.xlsx", "sheet": "填报", "cell": "D5"}
    assert a.get("nope") is None and a.get("nope", {}) == {} and "u1|2|Y|值" in a and len(a) == 2
    assert dict(pickle.loads(pickle.dumps(a))) == dict(a)
    both = Located([a, b])
    expected = {k: v for m in (a, b) for k, v in m.items()}
    assert dict(both) == expected and list(both) == list(expected) and len(both) == 3
    assert both["u1|2|Y|值"]["file"] == "b.xlsx" and both.get("x", {}) == {} and "u2|1|Y|值" in both
