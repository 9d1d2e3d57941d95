"""Parsing what is in a 填报值 cell (qwb.values): numbers, units, Chinese numerals, yes/no, bad input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qwb.issues import InvalidNumber
from qwb.rules import NO, YES, InputField, unit_factor
from qwb.values import Parsed, parse_input

D = Decimal
NUMBER = InputField("数值", "number")
PERCENT = InputField("数值", "number", unit="%")
PER_MILLE = InputField("数值", "number", unit="‰")
COUNT = InputField("次数", "count", unit="次", minimum=D(0))
YESNO = InputField("合理缺项", "yesno", labels=(YES, NO))
CHOICE = InputField("选项", "choice", labels=("完成", "部分完成", "未完成"))
FIELDS = {"": NUMBER, "%": PERCENT, "‰": PER_MILLE}

FULL_WIDTH = str.maketrans("0123456789.+-E,", "０１２３４５６７８９．＋－Ｅ，")

#: decimals as people and spreadsheets write them: up to 15 significant digits
decimals = st.decimals(min_value=D("-1e9"), max_value=D("1e9"), places=6, allow_nan=False, allow_infinity=False)


def value_of(raw: Any, field: InputField) -> Decimal:
    parsed = parse_input(raw, field)
    assert parsed.code is None and isinstance(parsed.value, Decimal), parsed
    return parsed.value


def renderings(d: Decimal) -> list[str]:
    """The ways a person or a program writes the same number as text."""
    texts = {format(d, "f"), str(d), format(d.normalize(), "f"), str(d.normalize()), format(d, ",f")}
    return sorted(texts | {t.translate(FULL_WIDTH) for t in texts})


# --- numbers ---------------------------------------------------------------------------------------


@settings(max_examples=300)
@given(d=decimals, unit=st.sampled_from(["", "%", "‰"]))
@example(d=D("95.2"), unit="%")
@example(d=D("0.6"), unit="‰")
@example(d=D("-0"), unit="")
@example(d=D("1E+3"), unit="%")
def test_any_decimal_as_text_parses_back(d: Decimal, unit: str) -> None:
    field = FIELDS[unit]
    for text in renderings(d):
        # text without a sign is in the field's own unit, as typing into a percentage cell
        assert value_of(text, field) == d * unit_factor(unit), text
        assert value_of(f" {text} ", field) == d * unit_factor(unit), text
        # a sign says the unit, whatever the field
        assert value_of(text + "%", field) == d / 100, text
        assert value_of(text + "％", field) == d / 100, text
        assert value_of(text + "‰", field) == d / 1000, text


@given(d=decimals, unit=st.sampled_from(["", "%", "‰"]))
def test_a_number_is_the_stored_value(d: Decimal, unit: str) -> None:
    # a cell's number is stored as is: a % field's 0.952 is 95.2%
    assert value_of(d, FIELDS[unit]) == d
    assert value_of(float(d), FIELDS[unit]) == Decimal(format(float(d), ".15g"))


@pytest.mark.parametrize(
    ("raw", "field", "expected"),
    [
        (0.952, PERCENT, D("0.952")),
        ("95.2%", PERCENT, D("0.952")),
        ("95.2", PERCENT, D("0.952")),
        ("９５．２％", PERCENT, D("0.952")),
        ("95.2%", NUMBER, D("0.952")),
        (0.0006, PER_MILLE, D("0.0006")),
        ("0.6‰", PER_MILLE, D("0.0006")),
        ("0.6", PER_MILLE, D("0.0006")),
        ("0.06%", PER_MILLE, D("0.0006")),
        (95.19999999999999, NUMBER, D("95.2")),  # 15 significant digits, as a spreadsheet shows
        (0.1 + 0.2, NUMBER, D("0.3")),
        (1e-7, NUMBER, D("1e-7")),
        (12, NUMBER, D(12)),
        ("1,234.5", NUMBER, D("1234.5")),
        ("1，234.5", NUMBER, D("1234.5")),
        ("-12,345,678", NUMBER, D(-12345678)),
        ("1,234次", COUNT, D(1234)),
        ("95 %", PERCENT, D("0.95")),
        ("85分", NUMBER, D(85)),
    ],
)
def test_numbers_and_units(raw: Any, field: InputField, expected: Decimal) -> None:
    assert value_of(raw, field) == expected


@pytest.mark.parametrize(
    ("text", "number", "percent"),
    [
        ("九十五", D(95), D("0.95")),
        ("一百零二", D(102), D("1.02")),
        ("三点五", D("3.5"), D("0.035")),
        ("百分之九十五", D("0.95"), D("0.95")),  # says its own unit
        ("百分之九十五点五", D("0.955"), D("0.955")),
        ("千分之六", D("0.006"), D("0.006")),
        ("两", D(2), D("0.02")),
        ("十", D(10), D("0.1")),
        ("十五", D(15), D("0.15")),
        ("二十", D(20), D("0.2")),
        ("一千零五十", D(1050), D("10.5")),
        ("一万二千", D(12000), D(120)),
        ("零点零五", D("0.05"), D("0.0005")),
        ("负三", D(-3), D("-0.03")),
        ("九十五%", D("0.95"), D("0.95")),
        ("二〇二四", D(2024), D("20.24")),
    ],
)
def test_chinese_numerals(text: str, number: Decimal, percent: Decimal) -> None:
    assert value_of(text, NUMBER) == number
    assert value_of(text, PERCENT) == percent


# --- what is not a number ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=A1*2", "=SUM(B2:B5)", "＝A1", " =1", "@A1", "+=1", "=95"])
@pytest.mark.parametrize("field", [NUMBER, PERCENT, COUNT, CHOICE, YESNO], ids=["number", "percent", "count", "choice", "yesno"])
def test_formula_looking_text(text: str, field: InputField) -> None:
    assert parse_input(text, field).code == "formula-in-value"
    assert parse_input(text, field).value is None


@pytest.mark.parametrize("text", ["+A1", "-B2"])
def test_plus_minus_start_a_formula_in_label_fields(text: str) -> None:
    assert parse_input(text, CHOICE).code == "formula-in-value"
    assert parse_input(text, YESNO).code == "formula-in-value"


#: characters that are neither digits, signs, units, Chinese numerals nor exponent letters
JUNK = "abcdghjklmopqruvwxzABCDGHJKLMOPQRUVWXZ约左右大小好差#?!/\\()[]~;:'\"<>_^&*"


@settings(max_examples=300)
@given(
    before=st.text(alphabet="0123456789.%‰,-", max_size=6),
    junk=st.text(alphabet=JUNK, min_size=1, max_size=4),
    after=st.text(alphabet="0123456789.%‰,", max_size=6),
    field=st.sampled_from([NUMBER, PERCENT, PER_MILLE, COUNT]),
)
@example(before="", junk="约", after="95", field=PERCENT)
@example(before="9", junk="x", after="5", field=NUMBER)
def test_garbage_is_never_a_number(before: str, junk: str, after: str, field: InputField) -> None:
    parsed = parse_input(before + junk + after, field)
    assert parsed == Parsed(problem=InvalidNumber, reason=parsed.reason)
    assert parsed.reason  # a Chinese reason for the filler


@pytest.mark.parametrize("raw", ["约九成", "九成左右", "Infinity", "nan", "-inf", "1.2.3", "95%%", "%", "—", "1e", "点五",
                                 "9_5", "_0", "95,2", "95，2%", "1,23", "1234,567", ",5", "١٢", "1e9999999", "-9e999999", True, float("inf")])
def test_not_numbers(raw: Any) -> None:
    parsed = parse_input(raw, PERCENT)
    assert (parsed.value, parsed.code) == (None, "invalid-number")


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", float("nan")])  # NaN: how pandas reads an empty cell
def test_blank_is_missing_not_zero(raw: Any) -> None:
    assert parse_input(raw, NUMBER).missing
    assert parse_input(raw, COUNT).missing


# --- counts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(0, D(0)), (3, D(3)), (3.0, D(3)), ("3", D(3)), ("3次", D(3)), ("三次", D(3)), ("２", D(2)), ("两次", D(2))],
)
def test_count_accepts_whole_numbers(raw: Any, expected: Decimal) -> None:
    assert value_of(raw, COUNT) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [(1.5, "not-whole-number"), ("1.5", "not-whole-number"), ("1.5次", "not-whole-number"), ("一点五", "not-whole-number"),
     (-1, "out-of-range"), ("-2", "out-of-range"), ("负一", "out-of-range"), ("很多", "invalid-number")],
)
def test_count_rejects(raw: Any, code: str) -> None:
    parsed = parse_input(raw, COUNT)
    assert (parsed.value, parsed.code) == (None, code)


@given(n=st.integers(min_value=-1000, max_value=1000), frac=st.sampled_from(["", ".5", ".25", ".0"]))
def test_count_property(n: int, frac: str) -> None:
    parsed = parse_input(f"{n}{frac}", COUNT)
    if frac in (".5", ".25"):  # checked before the range: -1.5 is not whole either
        assert parsed.code == "not-whole-number"
    elif n < 0:
        assert parsed.code == "out-of-range"
    else:
        assert parsed.value == n


# --- yes / no and labels -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["是", " 是 ", "有", "Y", "y", "yes", "YES", "True", "√", "发生"])
def test_yes_synonyms(raw: str) -> None:
    assert parse_input(raw, YESNO) == Parsed(YES)


@pytest.mark.parametrize("raw", ["否", "无", "没有", "N", "no", "false", "×", "未发生", "不是"])
def test_no_synonyms(raw: str) -> None:
    assert parse_input(raw, YESNO) == Parsed(NO)


@pytest.mark.parametrize("raw", ["可能", "是的吧", True, False, 1, 0])
def test_yesno_rejects_anything_else(raw: Any) -> None:
    assert parse_input(raw, YESNO).code == "invalid-choice"


@pytest.mark.parametrize(("raw", "label"), [("完成", "完成"), ("　部分完成　", "部分完成"), ("未 完 成", "未完成")])
def test_choice_labels_normalised(raw: str, label: str) -> None:
    assert parse_input(raw, CHOICE) == Parsed(label)


def test_choice_label_is_not_a_yes_no_synonym() -> None:
    assert parse_input("是", CHOICE).code == "invalid-choice"


NUMERIC_LABELS = InputField("选项", "choice", labels=("1", "2", "0.5", "10"))


@pytest.mark.parametrize(
    ("raw", "label"),
    [(1, "1"), (1.0, "1"), (2.0000000000000004, "2"), (0.5, "0.5"), (10.0, "10"), (D("10.00"), "10"), ("１", "1")],
)
def test_numeric_labels_as_a_spreadsheet_stores_them(raw: Any, label: str) -> None:
    # picking "1" from a dropdown stores the number 1.0 in the cell
    assert parse_input(raw, NUMERIC_LABELS) == Parsed(label)


@pytest.mark.parametrize("raw", [3, 1.5, float("inf"), "1.0"])
def test_numeric_labels_reject_other_numbers(raw: Any) -> None:
    assert parse_input(raw, NUMERIC_LABELS).code == "invalid-choice"


def test_a_refused_number_is_quoted_as_it_was_typed() -> None:
    field = InputField("要点（3）落实", "number", minimum=Decimal(0), maximum=Decimal(1))
    assert parse_input(2.0, field).reason.startswith("“2”超出允许范围 0～1")  # the file stores 2.0
    percent = InputField("合格率", "number", unit="%", minimum=Decimal(0), maximum=Decimal(1))
    assert parse_input(95.0, percent).reason.startswith("“95”在%单元格中读作 9500%")
    assert "“1.5”" in parse_input(1.5, field).reason


@pytest.mark.parametrize(("text", "field", "word"), [
    ("3分", PERCENT, "分"), ("3件", PERCENT, "件"), ("三点五分", PERCENT, "分"), ("２次", PER_MILLE, "次"),
    ("3分", COUNT, "分"), ("3件", InputField("数值", "number", unit="元"), "件"),
])
def test_a_unit_word_that_is_not_the_fields_unit_is_refused_not_read_in_the_fields_unit(
        text: str, field: InputField, word: str) -> None:
    """3分 typed in a % cell was read as 3 %, with nothing said: now refused, naming the word and the unit."""
    parsed = parse_input(text, field)
    assert parsed.code == "invalid-number" and parsed.value is None
    assert f"单位“{word}”与本项不符" in parsed.reason and f"以“{field.unit}”计" in parsed.reason


@pytest.mark.parametrize(("text", "field", "expected"), [
    ("3个", COUNT, D(3)), ("3次", COUNT, D(3)), ("85分", NUMBER, D(85)), ("3件", NUMBER, D(3)),
    ("3%", PERCENT, D("0.03")), ("3 ‰", PER_MILLE, D("0.003")), ("12元", InputField("数值", "number", unit="元"), D(12)),
])
def test_a_unit_word_that_fits_the_field_is_read(text: str, field: InputField, expected: Decimal) -> None:
    assert value_of(text, field) == expected
