"""Vietnamese dates, numbers and money as agency texts write them.

Pure functions, used as Jinja filters (see :data:`FILTERS`) and directly from Python. They go
through Babel with explicit patterns rather than the OS locale (a fresh machine has no
``vi_VN.UTF-8``) or Babel's defaults, which give "37%", "₫" and "thg" (see the Babel pitfalls in
the domain notes). Every result is an NFC string; ``None`` gives ``""`` so a template prints
nothing for a missing value instead of crashing the build.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal

LOCALE = "vi"

# A no-break space keeps the amount and its unit on one line.
MONEY_UNIT = "\xa0đồng"

# kind -> (decimals, unit after the number) for format_change.
CHANGE_KINDS: dict[str, tuple[int, str]] = {
    "viec": (0, " việc"),
    "tien": (0, MONEY_UNIT),
    "percent": (2, "%"),
    "points": (2, " điểm phần trăm"),
}

Number = int | float | Decimal


def _template_filter(function: Callable[..., str]) -> Callable[..., str]:
    """Give ``""`` for a ``None`` first argument and NFC-normalise the result."""

    @functools.wraps(function)
    def wrapper(value, *args, **kwargs):
        if value is None:
            return ""
        return unicodedata.normalize("NFC", function(value, *args, **kwargs))

    return wrapper


def _to_decimal(value: Number) -> Decimal:
    # bool is an int, but True in a statistics field is a data error, not 1.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"expected int, float or Decimal, got {type(value).__name__}: {value!r}")
    # str() of a float is its shortest repr, so 13.685 stays 13.685 instead of the binary
    # 13.68499999… that Decimal(13.685) would give (and that would round down).
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {value!r}")
    return number


def _round_half_up(value: Number, decimals: int) -> Decimal:
    # Official tables round half up; Babel alone rounds half to even (12,345 -> 12,34).
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    rounded = _to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    # -0.001 rounds to -0.00; nobody writes "-0,00".
    return abs(rounded) if rounded.is_zero() else rounded


def _number_text(value: Number, decimals: int) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(_round_half_up(value, decimals), pattern, locale=LOCALE)


def _check_date(value: date) -> None:
    if not isinstance(value, date):
        raise TypeError(f"expected date or datetime, got {type(value).__name__}: {value!r}")


# Dates. Babel takes the date part of a datetime as it is, without converting time zones.


@functools.lru_cache(maxsize=16384)
def _format_day(day: date, pattern: str) -> str:
    """Babel's ``format_date`` of one day, remembered: a site has a few thousand distinct days
    and its pages format them 50,000 times (build_bench profile)."""
    return format_date(day, pattern, locale=LOCALE)


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


@_template_filter
def format_date_web(value: date) -> str:
    """Date with weekday for web pages: ``Thứ Sáu, 19/03/2021``."""
    _check_date(value)
    return _format_day(_day(value), "EEEE, dd/MM/yyyy")


@_template_filter
def format_date_short(value: date) -> str:
    """Numeric date: ``19/03/2021``."""
    _check_date(value)
    return _format_day(_day(value), "dd/MM/yyyy")


@_template_filter
def format_date_document(value: date) -> str:
    """Date as in official documents: ``ngày 05 tháng 02 năm 2021``, ``ngày 19 tháng 3 năm 2021``.

    Decree 30/2020/NĐ-CP pads days below 10 and months 1 and 2 (so "tháng 1" cannot be
    turned into "tháng 11" or "tháng 12" by adding a digit).
    """
    _check_date(value)
    month = "MM" if value.month < 3 else "M"
    return _format_day(_day(value), f"'ngày' dd 'tháng' {month} 'năm' yyyy")


@_template_filter
def format_month(value: date) -> str:
    """Month in running text: ``tháng 3 năm 2021``."""
    _check_date(value)
    # A literal pattern: "MMMM yyyy" would give "tháng 3 2021", without "năm".
    return _format_day(_day(value), "'tháng' M 'năm' yyyy")


@_template_filter
def format_month_heading(value: date) -> str:
    """Month as a heading (archives): ``Tháng 3 năm 2021``."""
    text = format_month(value)
    return text[:1].upper() + text[1:]


@_template_filter
def format_time(value: datetime | time) -> str:
    """Clock time, 24 hours: ``08:30``."""
    if not isinstance(value, datetime | time):
        raise TypeError(f"expected datetime or time, got {type(value).__name__}: {value!r}")
    return babel_format_time(value, "HH:mm", locale=LOCALE)


@_template_filter
def format_datetime_iso(value: date) -> str:
    """ISO 8601 for ``<time datetime>``: ``2021-03-19T08:30:00+07:00``, ``2021-03-19`` for dates.

    A naive datetime gets no offset (a valid "local date and time"): guessing a zone would be
    worse than saying nothing.
    """
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    _check_date(value)
    return value.isoformat()


def format_period(start: date | None, end: date | None) -> str:
    """Reporting period: ``01/10/2020 – 28/02/2021`` (en dash, plain spaces).

    ``""`` when either end is missing.
    """
    # Not Babel's format_interval: it puts thin spaces around the dash and drops the padding.
    if start is None or end is None:
        return ""
    return f"{format_date_short(start)} – {format_date_short(end)}"


# Numbers.


@_template_filter
def format_number(value: Number, decimals: int = 0) -> str:
    """Number with dot thousands and decimal comma, rounded half up: ``75.683.482.000``."""
    return _number_text(value, decimals)


@_template_filter
def format_percent(value: Number, decimals: int = 2) -> str:
    """A value that is already a percentage: ``37.1`` → ``37,10%`` (no space before %)."""
    return _number_text(value, decimals) + "%"


@_template_filter
def format_money(value: Number) -> str:
    """Amount in đồng: ``75.683.482.000\\xa0đồng`` (never "VNĐ" or "₫")."""
    return _number_text(value, 0) + MONEY_UNIT


@_template_filter
def format_change(value: Number, kind: str) -> str:
    """A change in words: ``tăng 53 việc``, ``giảm 1,20%``, ``không thay đổi``.

    ``kind`` is one of :data:`CHANGE_KINDS`: ``viec`` (cases), ``tien`` (đồng), ``percent``
    (a relative change) or ``points`` (a change of a rate, in percentage points).
    """
    try:
        decimals, unit = CHANGE_KINDS[kind]
    except KeyError:
        raise ValueError(
            f"unknown change kind {kind!r}; expected one of {', '.join(CHANGE_KINDS)}"
        ) from None
    # Decide the word on the rounded value: 0,001 points is printed as no change, not "tăng 0,00".
    rounded = _round_half_up(value, decimals)
    if rounded.is_zero():
        return "không thay đổi"
    word = "tăng" if rounded > 0 else "giảm"
    return f"{word} {_number_text(abs(rounded), decimals)}{unit}"


FILTERS: dict[str, Callable[..., str]] = {
    function.__name__: function
    for function in (
        format_date_web,
        format_date_short,
        format_date_document,
        format_month_heading,
        format_month,
        format_time,
        format_datetime_iso,
        format_period,
        format_number,
        format_percent,
        format_money,
        format_change,
    )
}
