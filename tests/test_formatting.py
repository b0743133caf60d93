"""Vietnamese formatting filters: input in, expected text out."""

import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from bantin_format.formatting import (
    FILTERS,
    format_change,
    format_date_document,
    format_date_short,
    format_date_web,
    format_datetime_iso,
    format_money,
    format_month,
    format_month_heading,
    format_number,
    format_percent,
    format_period,
    format_time,
)

ICT = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2021, 3, 15), "Thứ Hai, 15/03/2021"),
        (date(2021, 3, 16), "Thứ Ba, 16/03/2021"),
        (date(2021, 3, 17), "Thứ Tư, 17/03/2021"),
        (date(2021, 3, 18), "Thứ Năm, 18/03/2021"),
        (date(2021, 3, 19), "Thứ Sáu, 19/03/2021"),
        (date(2021, 3, 20), "Thứ Bảy, 20/03/2021"),
        # CLDR capitalises both words, like "Thứ Hai"; glibc writes "Chủ nhật".
        (date(2021, 3, 21), "Chủ Nhật, 21/03/2021"),
        (datetime(2021, 3, 19, 8, 30), "Thứ Sáu, 19/03/2021"),
        # The date as written in the datetime's own zone, not converted to UTC.
        (datetime(2021, 3, 19, 23, 30, tzinfo=ICT), "Thứ Sáu, 19/03/2021"),
        (datetime(2021, 3, 19, 0, 30, tzinfo=ICT), "Thứ Sáu, 19/03/2021"),
    ],
)
def test_format_date_web(value, expected):
    assert format_date_web(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2021, 3, 19), "19/03/2021"),
        (date(2021, 1, 5), "05/01/2021"),
        (datetime(2020, 10, 1, 7, 0, tzinfo=ICT), "01/10/2020"),
    ],
)
def test_format_date_short(value, expected):
    assert format_date_short(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2021, 3, 19), "ngày 19 tháng 3 năm 2021"),
        (date(2021, 2, 5), "ngày 05 tháng 02 năm 2021"),
        (date(2021, 1, 31), "ngày 31 tháng 01 năm 2021"),
        (date(2021, 12, 19), "ngày 19 tháng 12 năm 2021"),
        (date(2021, 3, 5), "ngày 05 tháng 3 năm 2021"),
        (date(2021, 10, 10), "ngày 10 tháng 10 năm 2021"),
        (datetime(2021, 2, 9, 14, 0, tzinfo=ICT), "ngày 09 tháng 02 năm 2021"),
    ],
)
def test_format_date_document(value, expected):
    assert format_date_document(value) == expected


@pytest.mark.parametrize(
    ("value", "month", "heading"),
    [
        (date(2021, 3, 19), "tháng 3 năm 2021", "Tháng 3 năm 2021"),
        (date(2021, 1, 1), "tháng 1 năm 2021", "Tháng 1 năm 2021"),
        (datetime(2020, 12, 31, 23, 59, tzinfo=ICT), "tháng 12 năm 2020", "Tháng 12 năm 2020"),
    ],
)
def test_format_month_and_heading(value, month, heading):
    assert format_month(value) == month
    assert format_month_heading(value) == heading


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2021, 3, 19, 8, 30), "08:30"),
        (datetime(2021, 3, 19, 14, 5, tzinfo=ICT), "14:05"),
        (datetime(2021, 3, 19, 0, 0, tzinfo=ICT), "00:00"),
        (time(17, 45), "17:45"),
    ],
)
def test_format_time(value, expected):
    assert format_time(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2021, 3, 19), "2021-03-19"),
        (datetime(2021, 3, 19, 8, 30, tzinfo=ICT), "2021-03-19T08:30:00+07:00"),
        (
            datetime(2021, 3, 19, 8, 30, 15, 123456, tzinfo=UTC),
            "2021-03-19T08:30:15+00:00",
        ),
        # No zone is guessed for a naive datetime.
        (datetime(2021, 3, 19, 8, 30), "2021-03-19T08:30:00"),
    ],
)
def test_format_datetime_iso(value, expected):
    assert format_datetime_iso(value) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2020, 10, 1), date(2021, 2, 28), "01/10/2020 – 28/02/2021"),
        (date(2020, 10, 1), date(2021, 9, 30), "01/10/2020 – 30/09/2021"),
        (None, date(2021, 2, 28), ""),
        (date(2020, 10, 1), None, ""),
    ],
)
def test_format_period(start, end, expected):
    assert format_period(start, end) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2073, 0, "2.073"),
        (75683482000, 0, "75.683.482.000"),
        (0, 0, "0"),
        (999, 0, "999"),
        (-1234, 0, "-1.234"),
        (1234.5, 1, "1.234,5"),
        (Decimal("1234.5"), 1, "1.234,5"),
        (37.1, 2, "37,10"),
        # Half up, and floats through str(): Decimal(13.685) is 13.68499…, which rounds down.
        (13.685, 2, "13,69"),
        (1.005, 2, "1,01"),
        (Decimal("12.345"), 2, "12,35"),
        (0.5, 0, "1"),
        (2.5, 0, "3"),
        (-2.5, 0, "-3"),
        (-0.001, 2, "0,00"),
        (1234.5, 0, "1.235"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (37.1, 2, "37,10%"),
        (12.345, 2, "12,35%"),
        (Decimal("84.2458"), 2, "84,25%"),
        (13.685, 2, "13,69%"),
        (100, 2, "100,00%"),
        (37.14, 1, "37,1%"),
        (12.25, 1, "12,3%"),
        (84, 0, "84%"),
    ],
)
def test_format_percent(value, decimals, expected):
    assert format_percent(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (75683482000, "75.683.482.000\xa0đồng"),
        (6627608000, "6.627.608.000\xa0đồng"),
        (Decimal(500), "500\xa0đồng"),
        (0, "0\xa0đồng"),
        (1999.5, "2.000\xa0đồng"),
    ],
)
def test_format_money(value, expected):
    assert format_money(value) == expected


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (53, "viec", "tăng 53 việc"),
        (-12, "viec", "giảm 12 việc"),
        (1250, "viec", "tăng 1.250 việc"),
        (0, "viec", "không thay đổi"),
        (6627608000, "tien", "tăng 6.627.608.000\xa0đồng"),
        (-6627608000, "tien", "giảm 6.627.608.000\xa0đồng"),
        (Decimal(0), "tien", "không thay đổi"),
        (-1.2, "percent", "giảm 1,20%"),
        (3.456, "percent", "tăng 3,46%"),
        (0.0, "percent", "không thay đổi"),
        (1.2, "points", "tăng 1,20 điểm phần trăm"),
        (Decimal("-0.745"), "points", "giảm 0,75 điểm phần trăm"),
        # Too small to show is no change, not "tăng 0,00 điểm phần trăm".
        (0.004, "points", "không thay đổi"),
        (-0.004, "percent", "không thay đổi"),
    ],
)
def test_format_change(value, kind, expected):
    assert format_change(value, kind) == expected


def test_format_change_rejects_unknown_kind():
    with pytest.raises(ValueError, match="unknown change kind 'vnd'"):
        format_change(5, "vnd")


# Babel's defaults for locale "vi" (see the domain notes) must not leak through.
@pytest.mark.parametrize(
    ("text", "not_expected"),
    [
        (format_percent(37.1), "37%"),
        (format_percent(12.345), "12,34%"),
        (format_percent(37.1), "\xa0%"),
        (format_money(75683482000), "₫"),
        (format_money(75683482000), "VNĐ"),
        (format_change(6627608000, "tien"), "₫"),
        (format_change(53, "viec"), "+"),
        (format_date_web(date(2021, 3, 19)), "thg"),
        (format_date_web(date(2021, 3, 19)), "Thứ 6"),
        (format_date_document(date(2021, 3, 19)), "thg"),
        (format_month(date(2021, 3, 19)), "thg"),
        (format_period(date(2020, 10, 1), date(2021, 2, 28)), "\u2009"),
        (format_period(date(2020, 10, 1), date(2021, 2, 28)), "28/2/2021"),
    ],
)
def test_babel_pitfalls_avoided(text, not_expected):
    assert not_expected not in text


SAMPLE_CALLS = [
    ("format_date_web", (date(2021, 3, 21),)),
    ("format_date_short", (date(2021, 3, 19),)),
    ("format_date_document", (date(2021, 2, 5),)),
    ("format_month_heading", (date(2021, 3, 19),)),
    ("format_month", (date(2021, 3, 19),)),
    ("format_time", (datetime(2021, 3, 19, 8, 30),)),
    ("format_datetime_iso", (date(2021, 3, 19),)),
    ("format_period", (date(2020, 10, 1), date(2021, 2, 28))),
    ("format_number", (2073,)),
    ("format_percent", (37.1,)),
    ("format_money", (75683482000,)),
    ("format_change", (-12, "viec")),
]


def test_sample_calls_cover_every_filter():
    assert sorted(name for name, _ in SAMPLE_CALLS) == sorted(FILTERS)


@pytest.mark.parametrize(("name", "args"), SAMPLE_CALLS)
def test_none_prints_nothing(name, args):
    # Babel's format_date(None) would print today's date; a missing value must print nothing.
    assert FILTERS[name](None, *args[1:]) == ""


@pytest.mark.parametrize(("name", "args"), SAMPLE_CALLS)
def test_results_are_nfc_strings(name, args):
    text = FILTERS[name](*args)
    assert type(text) is str
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("function", "value"),
    [
        (format_number, "2073"),
        (format_number, True),
        (format_money, [1]),
        (format_percent, "37,1"),
        (format_date_web, "2021-03-19"),
        (format_date_document, 20210319),
        (format_time, date(2021, 3, 19)),
        (format_datetime_iso, "2021-03-19"),
    ],
)
def test_wrong_types_raise_type_error(function, value):
    with pytest.raises(TypeError, match="expected"):
        function(value)


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (format_number, (float("nan"),)),
        (format_money, (float("inf"),)),
        (format_number, (1, -1)),
    ],
)
def test_impossible_values_raise_value_error(function, args):
    with pytest.raises(ValueError):
        function(*args)
