"""Reading the messy strings real tables carry (docs/field.md#table)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.compare import comparable
from jixiao.core.values import BLANK, Direction, MeasureKind, parse_measure


@pytest.mark.parametrize(
    ("text", "relation", "value", "unit"),
    [
        ("≧735人次", Direction.GE, "735", "人次"),
        ("═100%", Direction.EQ, "100", "%"),
        (">=21933人", Direction.GE, "21933", "人"),
        ("≥95%", Direction.GE, "95", "%"),
        ("≤5300元/户", Direction.LE, "5300", "元/户"),
        ("<=5300元/户", Direction.LE, "5300", "元/户"),
        ("=0起", Direction.EQ, "0", "起"),
        ("1.2万亩", None, "1.2", "万亩"),
        ("８，０４４份", None, "8044", "份"),  # full-width digits and comma
        ("８０４４份", None, "8044", "份"),
        ("6,842户", None, "6842", "户"),
        ("95%以上", Direction.GE, "95", "%"),
        ("10%以内", Direction.LE, "10", "%"),
        ("不低于90%", Direction.GE, "90", "%"),
        ("控制在30万元", Direction.LE, "30", "万元"),
        ("≥ 48 次", Direction.GE, "48", "次"),
        ("583元/人*月", None, "583", "元/人*月"),
        ("95％", None, "95", "%"),  # full-width percent sign
        ("-3.5%", None, "-3.5", "%"),
    ],
)
def test_numbers_with_relations_and_units(text: str, relation: Direction | None, value: str, unit: str) -> None:
    measure = parse_measure(text)
    assert measure.kind is MeasureKind.NUMBER
    assert measure.relation is relation
    assert measure.value == D(value)
    assert measure.unit == unit
    assert measure.text == text.strip()


@pytest.mark.parametrize(
    ("text", "sortable"),
    [
        ("2023年12月", 20231231),
        ("2023年10月", 20231031),
        ("2023年6月底", 20230631),
        ("2023年6月30日", 20230630),
        ("2023-06", 20230631),
        ("2021年底", 20211231),
        ("2022年", 20221231),
    ],
)
def test_dates_become_sortable_numbers(text: str, sortable: int) -> None:
    measure = parse_measure(text)
    assert measure.kind is MeasureKind.DATE
    assert measure.value == D(sortable)


def test_dates_compare_by_month() -> None:
    assert parse_measure("2023年10月").value < parse_measure("2023年12月").value  # type: ignore[operator]


@pytest.mark.parametrize("text", ["有效", "显著", "建立完整台账", "达到国家标准", "2个月内完成验收工作"])
def test_words_are_text(text: str) -> None:
    measure = parse_measure(text)
    assert measure.kind is MeasureKind.TEXT
    assert measure.value is None


def test_text_cut_off_with_ellipsis_keeps_its_relation() -> None:
    measure = parse_measure("≥9…")
    assert measure.kind is MeasureKind.TEXT
    assert measure.relation is Direction.GE


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "-", "—", "/", "无"])
def test_blanks(raw: object) -> None:
    assert parse_measure(raw).is_blank


def test_plain_numbers_pass_through() -> None:
    assert parse_measure(735) == parse_measure(735)
    measure = parse_measure(D("48.6"))
    assert (measure.kind, measure.value, measure.unit) == (MeasureKind.NUMBER, D("48.6"), "")


def test_booleans_read_as_yes_no_text() -> None:
    assert parse_measure(True).text == "是"
    assert parse_measure(False).kind is MeasureKind.TEXT


def test_non_finite_numbers_have_no_value() -> None:
    assert parse_measure(D("NaN")).value is None
    assert parse_measure("NaN").value is None


def test_wan_scales_against_the_base_unit() -> None:
    assert comparable(parse_measure("≥10.5万米"), parse_measure("100000米")) == (D(105000), D(100000))


def test_blank_unit_takes_the_other_side() -> None:
    assert comparable(parse_measure("≧735人次"), parse_measure("735")) == (D(735), D(735))


def test_different_units_are_not_comparable() -> None:
    assert comparable(parse_measure("≤0.3万元"), parse_measure("150人")) is None
    assert comparable(parse_measure("2023年12月"), parse_measure("100%")) is None
    assert comparable(BLANK, parse_measure("1")) is None


@given(st.text(max_size=40))
def test_parse_measure_never_raises_and_keeps_the_text(text: str) -> None:
    measure = parse_measure(text)
    assert measure.text == text.strip() or measure.is_blank
    if measure.kind is MeasureKind.NUMBER:
        assert measure.value is not None and measure.value.is_finite()


def test_a_dotted_four_digit_number_is_a_number_not_a_date() -> None:
    # "2139.01" could be read as January 2139; amounts like this are far more common.
    measure = parse_measure("2139.01")
    assert (measure.kind, measure.value) == (MeasureKind.NUMBER, D("2139.01"))


def test_a_day_within_the_target_month_meets_a_month_deadline() -> None:
    target, actual = parse_measure("2023年12月"), parse_measure("2023.12.15")
    assert actual.kind is MeasureKind.DATE
    assert actual.value is not None and target.value is not None
    assert actual.value <= target.value
