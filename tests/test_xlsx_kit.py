"""The shared pieces: qwb.xlsx (formats, width and height estimate), qwb.numtext, qwb.templates.names."""

from __future__ import annotations

import io
import subprocess
import sys
from decimal import Decimal as D

import pytest

from qwb import numtext, xlsx


def test_width_of_ascii_cjk_mixed_and_multiline_text() -> None:
    assert xlsx.text_width("") == 0
    # Latin letters and digits at the wider of 宋体's half em and the fallback font's (DejaVu Sans) width
    assert xlsx.text_width(" .,;") == pytest.approx(4 * xlsx.NARROW)
    assert xlsx.text_width("abc 12") == pytest.approx((3 * 0.6 + 2 * 0.64) * xlsx.WIDE + xlsx.NARROW)
    assert xlsx.text_width("质量工作") == pytest.approx(4 * xlsx.WIDE)
    assert xlsx.text_width("2018年度（5分）") == pytest.approx(5 * xlsx.WIDE + 5 * 0.64 * xlsx.WIDE)
    assert xlsx.text_width("≥95%") == pytest.approx(xlsx.WIDE + (2 * 0.64 + 0.95) * xlsx.WIDE)
    assert xlsx.text_width("质量\n质量工作考核") == pytest.approx(6 * xlsx.WIDE)  # the widest line
    assert xlsx.text_width("质量", size=8) == pytest.approx(2 * xlsx.WIDE * 0.8)


def test_lines_of_wrapped_text() -> None:
    assert xlsx.line_count("", 10) == 1
    assert xlsx.line_count("质" * 5, 10) == 1  # 9.5 units in 10
    assert xlsx.line_count("质" * 6, 10) == 2
    assert xlsx.line_count("质" * 5 + "\n" + "质" * 11, 10) == 1 + 3
    assert xlsx.line_count("质量" * 2 + "，", 8) == 2  # the comma may not start a line: 量， moves down
    assert xlsx.line_count("ab " * 3 + "abcdefgh", 10) == 2  # the word is not broken
    assert xlsx.line_count("x" * 25, 10) == 3  # too long for a line: broken anywhere


def test_row_height_is_lines_times_line_height_capped() -> None:
    one = xlsx.LINE + xlsx.ROW_PADDING
    assert xlsx.row_height([]) == one
    assert xlsx.row_height([("短", 10), ("", 5)]) == one
    assert xlsx.row_height([("质" * 6, 10), ("质" * 30, 60)]) == 2 * xlsx.LINE + xlsx.ROW_PADDING
    assert xlsx.row_height([("质\n" * 100, 10)]) == xlsx.MAX_ROW_HEIGHT


def test_fit_width_and_pixels() -> None:
    assert xlsx.fit_width([], 6, 20) == 6
    assert xlsx.fit_width(["质量工作"], 6, 20) == pytest.approx(4 * xlsx.WIDE + 2)
    assert xlsx.fit_width(["质" * 50], 6, 20) == 20
    assert xlsx.pixels(10) == 75


def test_format_cache_gives_one_format_per_properties() -> None:
    workbook = xlsx.new_workbook(io.BytesIO())
    formats = xlsx.Formats(workbook)
    bold = formats.get(bold=True, border=1)
    assert formats.get(border=1, bold=True) is bold
    assert formats.get(bold=True) is not bold
    assert formats.dxf(bold=True) is not formats.get(bold=True)
    assert formats.dxf(bold=True) is formats.dxf(bold=True)
    workbook.close()


def test_references_always_quote_the_sheet() -> None:
    assert xlsx.quoted("填报") == "'填报'"
    assert xlsx.quoted("It's") == "'It''s'"
    assert xlsx.sheet_ref("总排名", 4, 2) == "'总排名'!$C$5"
    assert xlsx.sheet_ref("总排名", 4, 2, 9) == "'总排名'!$C$5:$C$10"


@pytest.mark.parametrize(("value", "plain", "literal", "number"), [
    ("0", "0", "0", 0), ("0.50", "0.5", "0.5", 0.5), ("1E+1", "10", "10", 10), ("-2.5", "-2.5", "(-2.5)", -2.5),
    ("100", "100", "100", 100), ("-0", "0", "0", 0), ("1E-7", "0.0000001", "0.0000001", 1e-7),
])
def test_numtext(value: str, plain: str, literal: str, number: float) -> None:
    assert numtext.plain(D(value)) == plain
    assert numtext.literal(D(value)) == literal
    assert numtext.number(D(value)) == number
    assert type(numtext.number(D(value))) is type(number)
    assert numtext.points(D(value)) == plain + "分"


def test_numtext_fixed_and_none() -> None:
    assert numtext.plain(None) == ""
    assert numtext.number(None) is None
    assert numtext.fixed(D("2.5"), 2) == "2.50"
    assert numtext.fixed(D("2.345"), 2) == "2.35"
    assert numtext.fixed(D("100"), 0) == "100"
    assert numtext.fixed(D("-0.001"), 2) == "0.00"


def test_names_import_nothing_else_from_qwb() -> None:
    code = ("import sys; import qwb.templates.names; "
            "print(sorted(m for m in sys.modules if m.startswith('qwb')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['qwb', 'qwb.templates', 'qwb.templates.names', 'qwb.version']"

