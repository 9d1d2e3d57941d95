"""The fast paths of reading and scoring give exactly what the plain code they replaced gives (hypothesis)."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qwb.returns import CellXml, special_cells


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def special_cells_regex(xml: str, *columns: str) -> dict[str, CellXml]:
    """special_cells as it was: one regular expression per cell, lazy body scans (the reference)."""
    if "<f" not in xml and 't="e"' not in xml:
        return {}
    letters = "|".join(re.escape(c) for c in sorted(set(columns)))
    cells = re.compile(rf'<c r="((?:{letters})\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
    formula_re = re.compile(r"<f(?:\s[^>]*)?(?:/>|>(.*?)</f>)", re.S)
    value_re = re.compile(r"<v>(.*?)</v>", re.S)
    found = {}
    if not columns:
        return found
    for m in cells.finditer(xml):
        ref, attributes, body = m.group(1), m.group(2), m.group(3) or ""
        if "<f" not in body and 't="e"' not in attributes:
            continue
        formula, value = formula_re.search(body), value_re.search(body)
        error = _unescape(value.group(1)) if value and 't="e"' in attributes else None
        found[ref] = CellXml(formula.group(1) or "" if formula else None, error,
                             has_result=value is not None and error is None)
    return found


def _book(xml: str | bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="填报" sheetId="1" r:id="rId1"/></sheets>'
                                      '</workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" '
                                                  'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", xml)
    return buffer.getvalue()


#: pieces of sheet XML, well-formed and not: cells of the watched columns and others, formulas, values, errors,
#: digits beyond ASCII (\\d of text matches them), bytes that are not UTF-8
PIECES = ['<c r="L5"', '<c r="M12"', '<c r="LM3"', '<c r="K5"', '<c r="L"', ' s="3"', ' t="e"', ' t="s"', ' t="str"',
          "/>", ">", "</c>", "<f>", "</f>", '<f t="shared" si="0"/>', '<f t="shared" ref="M5:M9" si="0">', "<f ",
          "<v>", "</v>", "#DIV/0!", "IF(L5&gt;0,1,0)", "&amp;", "12.5", "有误", "<is><t>x</t></is>", "<row>", "</row>",
          '"', "/", "<", "<fo>", "<v/>", "\n", '<c r="L١"', "٢", '<c r="M3٣"', "１"]
RAW = [p.encode("utf-8") for p in PIECES] + [b"\xff", b"\xe6\x9c", b"\xed\xa0\x80", b"\xe6"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(RAW), max_size=40), st.sampled_from([("L", "M"), ("L",), ("M", "LM"), ()]))
def test_special_cells_same_as_regex(pieces: list[bytes], columns: tuple[str, ...]) -> None:
    xml = b"<sheetData>" + b"".join(pieces) + b"</sheetData>"
    found = special_cells(_book(xml), "填报", *columns)
    presence = {ref: cell.has_formula for ref, cell in found.items()}  # told before the cell is parsed
    assert found == special_cells_regex(xml.decode("utf-8", errors="replace"), *columns)
    assert presence == {ref: cell.escaped_formula is not None for ref, cell in found.items()}


def test_special_cells_of_a_template_cell() -> None:
    xml = ('<c r="L8" s="12"><v>5</v></c><c r="M8" s="13"><f>IF(L8&gt;0,"有误",1)</f><v></v></c>'
           '<c r="L9" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="M9" s="13"><f t="shared" si="0"/><v>1</v></c>')
    found = special_cells(_book(xml), "填报", "L", "M")
    assert found == special_cells_regex(xml, "L", "M")
    assert found["M8"].formula == 'IF(L8>0,"有误",1)' and found["L9"].error == "#DIV/0!"
    assert found["M9"].escaped_formula == "" and found["M9"].has_result


def test_unit_template_keys_same_as_template_keys() -> None:
    from qwb.returns import Expectations
    from qwb.scheme import bundled, load
    from qwb.templates.layout import template_keys

    for path in bundled():
        scheme = load(path)
        expect = Expectations(scheme)
        for template, assignee in expect.assignees.items():
            assert expect.keys(template) == template_keys(scheme, assignee), template


@settings(max_examples=500, deadline=None)
@given(st.lists(st.decimals(allow_nan=False, places=2, min_value=-1000, max_value=1000) | st.integers(-5, 5),
                max_size=60))
def test_competition_ranks_same_as_counting_every_pair(totals: list[Any]) -> None:
    from qwb.engine import competition_ranks

    assert competition_ranks(totals) == [1 + sum(1 for other in totals if other > t) for t in totals]


def test_item_score_pickles_whole() -> None:
    import copy
    import pickle
    from decimal import Decimal

    from qwb.engine import ItemScore

    item = ItemScore("1.1-1", "bonus", {"H1": None, "Y": Decimal("2.50")}, Decimal("2.5"), na=True, complete=False,
                     due=False)
    for twin in (pickle.loads(pickle.dumps(item)), copy.copy(item), copy.deepcopy(item)):
        assert twin == item and str(twin.period_scores["Y"]) == "2.50"


def test_yaml_parsed_by_libyaml_as_by_pure_python() -> None:
    import yaml

    from qwb.scheme.yaml_form import parse_yaml

    root = Path(__file__).resolve().parent.parent
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.glob("**/*.y*ml")) if "bench-out" not in p.parts
             and ".git" not in p.parts]
    assert len(texts) >= 5
    for text in texts + ["a: 1\nb: [x, 'y', 1.5e3, ~, yes, 0o17]\n", "“全角”: 值\n", "- 2016-01-31\n- 1:30\n"]:
        assert parse_yaml(text) == yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError) as refused:
        parse_yaml("a: [1, 2\nb: 3\n")
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load("a: [1, 2\nb: 3\n")
    assert str(refused.value) == str(expected.value)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["|", " ", "\t", "u1", "1.1-1", "Y", "值", "veto:a", "\u3000", ""]), max_size=12))
def test_period_of_same_as_parsing(pieces: list[str]) -> None:
    from qwb.keys import EntryKey, period_of

    key = "".join(pieces)
    parsed = EntryKey.parse(key)
    assert period_of(key) == (parsed.period if parsed else "")


KEY_PIECES = ["east", "west", " ", "|", "1", "2.1", "Y", "H1", "数值", "选项", "veto:v1", "", "\t", "东区"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.lists(st.sampled_from(KEY_PIECES), max_size=9).map("".join), max_size=12))
def test_raw_rows_describe_a_key_as_it_parses(keys: list[str]) -> None:
    """原始数据's unit, item, period and field columns, worked out once per key tail, are what parsing each
    key gives (keys as typed: blanks, spaces, too few or too many parts, the same tail under other units)."""
    from qwb.keys import BLANK_KEY, EntryKey
    from qwb.report.raw import _Described
    from qwb.scheme import load

    scheme = load(Path(__file__).parent / "data" / "mini.yaml")
    periods = {p.id: p.name for p in scheme.periods}
    described = _Described(scheme)
    for key in keys + keys:  # the second time from what was remembered
        unit, item, period, name = EntryKey.parse(key) or BLANK_KEY
        assert described(key) == (scheme.unit_name(unit) if unit else "", item, periods.get(period, period), name)
