"""The ``ket_qua`` front-matter block as a pure, immutable model.

Staff write a period's results once, in the front-matter of a conference summary::

    ket_qua:
      tieu_de: "Kết quả thi hành án dân sự 05 tháng đầu năm 2021"
      ky: {tu: 2020-10-01, den: 2021-02-28}
      viec: {co_dieu_kien: 5588, giai_quyet_xong: 2073, ty_le: 37.10, so_cung_ky: 53}
      tien: {giai_quyet_xong: 75683482000, ty_le: 13.69, so_cung_ky: 6627608000}
      don_vi:
        - ten: "Chi cục THADS thành phố Vị Thanh"
          viec: {co_dieu_kien: 612, giai_quyet_xong: 268}

:func:`parse_results` checks the raw value of that key and builds a :class:`ResultsReport`, or
says in Vietnamese, field by field, everything that is wrong. :func:`apply_targets` fills in the
statistical year's targets. Nothing here knows about Pelican, Jinja or files, and the raw value
is never changed (Pelican's cache keeps the metadata dict).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from bantin_core.folding import fold
from bantin_core.problems import FieldError, Problem

# Rates are published with two decimals; a published and a computed rate may differ by this much.
RATE_TOLERANCE = Decimal("0.01")

# Labels of the front-matter keys, for templates and the staff guide (short: they head columns).
FIELD_LABELS: dict[str, str] = {
    "tieu_de": "Tiêu đề bảng",
    "ky": "Kỳ báo cáo",
    "tu": "Từ ngày",
    "den": "Đến ngày",
    "viec": "Về việc",
    "tien": "Về tiền",
    "don_vi": "Đơn vị",
    "ten": "Tên đơn vị",
    "phai_thi_hanh": "Phải thi hành",
    "co_dieu_kien": "Có điều kiện",
    "chua_co_dieu_kien": "Chưa có điều kiện",
    "giai_quyet_xong": "Giải quyết xong",
    "thi_hanh_xong": "Thi hành xong",
    "dinh_chi": "Đình chỉ",
    "giam": "Giảm thi hành án",
    "ty_le": "Tỷ lệ",
    "so_cung_ky": "So với cùng kỳ",
    "chi_tieu": "Chỉ tiêu",
}

# Fields that count cases or đồng: non-negative, and units may not add up to more than the total.
COUNT_FIELDS = (
    "phai_thi_hanh",
    "co_dieu_kien",
    "chua_co_dieu_kien",
    "giai_quyet_xong",
    "thi_hanh_xong",
    "dinh_chi",
    "giam",
)


# --------------------------------------------------------------------------------------------
# The model


def statistical_year(d: date) -> int:
    """The statistical year a day belongs to: 1 Oct 2020 – 30 Sep 2021 is the year 2021."""
    return d.year + 1 if d.month >= 10 else d.year


@dataclass(frozen=True)
class Period:
    """The reporting period, both days included."""

    tu: date
    den: date

    @property
    def months(self) -> int:
        """Calendar months the period touches: 01/10/2020 – 28/02/2021 is 5."""
        return (self.den.year - self.tu.year) * 12 + self.den.month - self.tu.month + 1

    @property
    def statistical_year(self) -> int:
        """The statistical year of the period; periods start on 1 October, so its first day."""
        return statistical_year(self.tu)


def _rate_half_up(resolved: int, eligible: int) -> Decimal:
    """``resolved / eligible × 100`` rounded half-up to hundredths, as official tables round."""
    # Integer arithmetic is exact, so a quotient such as 37.104999… can never be rounded twice.
    hundredths = (resolved * 20000 + eligible) // (2 * eligible)
    return Decimal(hundredths).scaleb(-2)


@dataclass(frozen=True)
class Figures:
    """The figures of one table (về việc or về tiền) for the whole office or one unit.

    Counts are cases or đồng. ``ty_le_published`` is the rate as written in the front-matter,
    ``chi_tieu`` the entry's own target; ``inherited_target`` is the target it takes when it has
    none of its own (the statistical year's, see :func:`apply_targets`).
    """

    phai_thi_hanh: int | None = None
    co_dieu_kien: int | None = None
    chua_co_dieu_kien: int | None = None
    giai_quyet_xong: int | None = None
    thi_hanh_xong: int | None = None
    dinh_chi: int | None = None
    giam: int | None = None
    ty_le_published: Decimal | None = None
    so_cung_ky: int | None = None
    chi_tieu: Decimal | None = None
    inherited_target: Decimal | None = None

    @property
    def computed_rate(self) -> Decimal | None:
        """Giải quyết xong / có điều kiện × 100, half-up to 2 decimals; None without both."""
        if self.giai_quyet_xong is None or not self.co_dieu_kien:
            return None
        return _rate_half_up(self.giai_quyet_xong, self.co_dieu_kien)

    @property
    def rate(self) -> Decimal | None:
        """The rate to show: computed when the denominator is known, else as published."""
        computed = self.computed_rate
        return computed if computed is not None else self.ty_le_published

    @property
    def target(self) -> Decimal | None:
        """The entry's own target, else the inherited one, else None."""
        return self.chi_tieu if self.chi_tieu is not None else self.inherited_target

    @property
    def meets_target(self) -> bool | None:
        """Đạt (True) when the rate reaches the target; None when either is unknown."""
        rate, target = self.rate, self.target
        if rate is None or target is None:
            return None
        return rate >= target


@dataclass(frozen=True)
class Unit:
    """One unit (Chi cục, Phòng THADS khu vực) and its figures."""

    ten: str
    viec: Figures
    tien: Figures | None = None


@dataclass(frozen=True)
class YearTargets:
    """A statistical year's target rates in percent (e.g. ``Decimal("81.50")``)."""

    viec: Decimal | None = None
    tien: Decimal | None = None


def _sum_field(figures: Sequence[Figures], name: str) -> int | None:
    values = [getattr(f, name) for f in figures]
    # A sum over only some units would pass for the total and give a wrong rate.
    if any(v is None for v in values):
        return None
    return sum(values)


def _sum_figures(figures: Sequence[Figures | None], totals: Figures | None) -> Figures | None:
    if not figures or any(f is None for f in figures):
        return None
    sums = {name: _sum_field(figures, name) for name in (*COUNT_FIELDS, "so_cung_ky")}
    target = totals.target if totals is not None else None
    return Figures(**sums, inherited_target=target)


# Vietnamese alphabetical order: ă, â, đ, ê, ô, ơ, ư are letters of their own (Đông after Duyên),
# while tone marks only break ties. Latin f, j, w, z for foreign names.
_ALPHABET = {letter: i for i, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _name_order(name: str) -> tuple:
    decomposed = unicodedata.normalize("NFD", name.casefold())
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    # Spaces and digits before letters, as in a printed list.
    primary = tuple((1, _ALPHABET[c]) if c in _ALPHABET else (0, ord(c)) for c in toneless)
    return primary, name


def _unit_rank_key(unit: Unit):
    case_rate = unit.viec.rate
    money_rate = unit.tien.rate if unit.tien is not None else None
    return (
        case_rate is None,
        -(case_rate or 0),
        money_rate is None,
        -(money_rate or 0),
        _name_order(unit.ten),
    )


@dataclass(frozen=True)
class ResultsReport:
    """A period's results: totals about cases and money, and optionally one row per unit."""

    tieu_de: str | None
    ky: Period
    viec: Figures
    tien: Figures | None = None
    don_vi: tuple[Unit, ...] = ()

    @property
    def units_ranked(self) -> tuple[Unit, ...]:
        """Units by case rate, then money rate (both highest first), then name; no rate last."""
        return tuple(sorted(self.don_vi, key=_unit_rank_key))

    @property
    def unit_totals(self) -> Unit | None:
        """The units added up (the totals row of the units table); None without units.

        A figure is summed only when every unit gives it. The sums take the targets of the
        report's totals, so the row can say Đạt / Chưa đạt.
        """
        if not self.don_vi:
            return None
        return Unit(
            ten="Tổng cộng",
            viec=_sum_figures([u.viec for u in self.don_vi], self.viec),
            tien=_sum_figures([u.tien for u in self.don_vi], self.tien),
        )


def apply_targets(
    report: ResultsReport, targets_by_year: Mapping[int, YearTargets]
) -> ResultsReport:
    """A new report where figures without their own ``chi_tieu`` take the year's targets.

    The year is the period's statistical year; the totals and every unit take the year's
    targets (the issue: "the entry's own chi_tieu, else the year's targets"). A year without
    targets leaves the report as it is, and so does a period shorter than the statistical
    year: five months' work judged against a whole year's target would always read "Chưa
    đạt". Staff who set a target for part of the year write it as ``chi_tieu``.
    """
    targets = targets_by_year.get(report.ky.statistical_year)
    if targets is None or report.ky.months < 12:
        return report

    def with_targets(figures: Figures | None, target: Decimal | None) -> Figures | None:
        if figures is None:
            return None
        return replace(figures, inherited_target=target)

    def unit_with_targets(unit: Unit) -> Unit:
        return replace(
            unit,
            viec=with_targets(unit.viec, targets.viec),
            tien=with_targets(unit.tien, targets.tien),
        )

    return replace(
        report,
        viec=with_targets(report.viec, targets.viec),
        tien=with_targets(report.tien, targets.tien),
        don_vi=tuple(unit_with_targets(u) for u in report.don_vi),
    )


# --------------------------------------------------------------------------------------------
# Converters: one raw value in, a clean value out, or FieldError saying what is wrong


_COUNT_EXPECTED = "số nguyên không âm, viết liền không dấu chấm, ví dụ 2073"
_SIGNED_EXPECTED = "số nguyên, viết liền không dấu chấm, có thể âm, ví dụ 53 hoặc -12"
_PERCENT_EXPECTED = "số phần trăm từ 0 đến 100, dấu chấm thập phân, ví dụ 37.10"
_DATE_EXPECTED = "ngày dạng năm-tháng-ngày, ví dụ 2021-02-28"
# Digits grouped by threes with Vietnamese (or other) thousands separators: "2.073", "75 683 482".
_GROUPED_DIGITS = re.compile(r"[+-]?\d{1,3}(?:[.,\s]\d{3})+")
_PLAIN_INTEGER = re.compile(r"[+-]?\d+")
_PLAIN_DECIMAL = re.compile(r"\d+(?:[.,]\d+)?")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def _show(value) -> str:
    """A short rendering of a value as staff wrote it, for ``Problem.found``."""
    # Strings are shown bare: YAML reads 75.683.482.000 unquoted as text, and showing quotes
    # the writer never typed would mislead.
    if value is None or value == "":
        return "(để trống)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "một nhóm trường"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "một danh sách"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _integer(value, *, signed: bool) -> int:
    expected = _SIGNED_EXPECTED if signed else _COUNT_EXPECTED
    # bool is an int in Python; "true" is never a count.
    if isinstance(value, bool):
        raise FieldError(
            "Cần một số, không phải true/false", expected=expected, hint="Ghi số nguyên, ví dụ 2073"
        )
    if isinstance(value, int):
        if value < 0 and not signed:
            raise FieldError(
                "Số này không được âm",
                expected=expected,
                hint="Bỏ dấu trừ; số giảm so với cùng kỳ ghi ở trường so_cung_ky",
            )
        return value
    if isinstance(value, float):
        raise FieldError(
            "Số việc và số tiền là số nguyên, không có phần thập phân",
            expected=expected,
            hint=_float_hint(value),
        )
    if isinstance(value, str):
        raise FieldError(
            "Không đọc được số: cần một số nguyên viết liền bằng chữ số",
            expected=expected,
            hint=_integer_text_hint(value),
        )
    raise FieldError("Cần một số nguyên", expected=expected, hint="Ghi số nguyên, ví dụ 2073")


def _float_hint(value: float) -> str:
    if value.is_integer():
        return f"Bỏ phần «.0»: ghi {int(value)}"
    # YAML reads "2.073" as the decimal number 2,073; the dot was meant to separate thousands.
    thousands = value * 1000
    if abs(value) >= 1 and math.isfinite(thousands) and abs(thousands - round(thousands)) < 1e-6:
        whole = round(thousands)
        dotted = f"{whole:,}".replace(",", ".")
        return (
            "Không dùng dấu chấm ngăn cách hàng nghìn kiểu Việt Nam: "
            f"nếu là {dotted} thì ghi liền {whole}"
        )
    return "Ghi số nguyên, không có phần thập phân"


def _integer_text_hint(text: str) -> str:
    stripped = text.strip()
    if _GROUPED_DIGITS.fullmatch(stripped):
        digits = re.sub(r"[.,\s]", "", stripped).lstrip("+")
        return f"Viết liền, không dấu chấm ngăn cách hàng nghìn: ghi {digits}"
    if _PLAIN_INTEGER.fullmatch(stripped):
        return f"Bỏ dấu ngoặc kép: ghi {stripped.lstrip('+')}"
    return "Chỉ ghi con số, không kèm chữ hay đơn vị, ví dụ 2073"


def _percent(value) -> Decimal:
    if isinstance(value, bool):
        raise FieldError("Cần một số, không phải true/false", expected=_PERCENT_EXPECTED)
    if isinstance(value, int | float):
        # str() first: Decimal(37.1) would carry the float's binary error (37.1000000000000014…).
        number = Decimal(str(value))
        if not number.is_finite():
            raise FieldError("Cần một số phần trăm", expected=_PERCENT_EXPECTED)
        if not Decimal(0) <= number <= Decimal(100):
            raise FieldError(
                "Tỷ lệ phần trăm phải từ 0 đến 100",
                expected=_PERCENT_EXPECTED,
                hint="Ghi số phần trăm, ví dụ 37.10 cho 37,10%",
            )
        return number
    if isinstance(value, str):
        raise FieldError(
            "Không đọc được tỷ lệ: cần một số, dấu chấm thập phân",
            expected=_PERCENT_EXPECTED,
            hint=_percent_text_hint(value),
        )
    raise FieldError("Cần một số phần trăm", expected=_PERCENT_EXPECTED)


def _percent_text_hint(text: str) -> str:
    stripped = text.strip().removesuffix("%").strip()
    if not _PLAIN_DECIMAL.fullmatch(stripped):
        return "Chỉ ghi con số, ví dụ 37.10"
    fixes = []
    if "," in stripped:
        fixes.append("dùng dấu chấm thập phân thay cho dấu phẩy")
    if "%" in text:
        fixes.append("bỏ dấu %")
    fixes = fixes or ["bỏ dấu ngoặc kép"]
    fix = ", ".join(fixes)
    return f"{fix[0].upper()}{fix[1:]}: ghi {stripped.replace(',', '.')}"


def _day(value) -> date:
    # datetime is a kind of date in Python; a time of day has no place in a period.
    if isinstance(value, datetime):
        raise FieldError(
            "Chỉ ghi ngày, không ghi giờ",
            expected=_DATE_EXPECTED,
            hint=f"Ghi {value.date().isoformat()}",
        )
    if isinstance(value, date):
        return value
    hint = "Ghi ngày theo thứ tự năm-tháng-ngày, không dấu ngoặc kép"
    match = _DAY_MONTH_YEAR.fullmatch(value.strip()) if isinstance(value, str) else None
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            hint = f"Ghi theo thứ tự năm-tháng-ngày: {date(year, month, day).isoformat()}"
        except ValueError:
            hint = "Ngày này không có trong lịch; kiểm tra lại ngày và tháng"
    raise FieldError("Không đọc được ngày", expected=_DATE_EXPECTED, hint=hint)


def _text(value, *, what: str) -> str | None:
    if not isinstance(value, str):
        raise FieldError(
            f"{what} phải là chữ",
            expected="chữ, đặt trong dấu ngoặc kép",
            hint="Ghi nội dung trong dấu ngoặc kép",
        )
    return unicodedata.normalize("NFC", value.strip()) or None


def _unit_name(value) -> str:
    name = _text(value, what="Tên đơn vị")
    if name is None:
        raise FieldError(
            "Tên đơn vị để trống",
            expected="tên đơn vị",
            hint='Ghi tên, ví dụ ten: "Chi cục THADS thành phố Vị Thanh"',
        )
    return name


def _money_only(value):
    raise FieldError(
        "Giảm thi hành án chỉ ghi ở phần tiền (tien), không có ở phần việc",
        hint="Chuyển dòng giam sang phần tien, hoặc xóa",
    )


# --------------------------------------------------------------------------------------------
# Blocks: a mapping of known keys, each read by its own parser

# A parser reads one value at a path, appends any Problem, and returns the clean value or None.
_Parser = Callable[[object, tuple, list[Problem]], object]


def _leaf(convert: Callable[[object], object]) -> _Parser:
    """A parser from a converter: its FieldError's problem is put at the field's path, with
    the value as written."""

    def parse(value, path: tuple, problems: list[Problem]):
        try:
            return convert(value)
        except FieldError as invalid:
            problems.extend(replace(p, found=_show(value)).within(*path) for p in invalid.problems)
            return None

    return parse


def _place(path: tuple) -> str:
    """Where a block sits, in words: «phần viec (Về việc)»."""
    if not path:
        return "khối ket_qua"
    if isinstance(path[-1], int):
        return "mục đơn vị"
    return f"phần {path[-1]} ({FIELD_LABELS[path[-1]]})"


def _unknown_key(key, path: tuple, valid: Sequence[str]) -> Problem:
    written = str(key)
    # Staff may type the label with diacritics or spaces: «giải quyết xong».
    folded = re.sub(r"[\s-]+", "_", fold(written.strip()))
    if folded in valid:
        suggestion = folded
    else:
        close = difflib.get_close_matches(folded, valid, n=1)
        suggestion = close[0] if close else None
    message = f"Trường «{written}» không có trong {_place(path)}"
    if suggestion is None:
        return Problem.inside(
            (*path, key),
            message,
            written,
            "một trong các trường: " + ", ".join(valid),
            "Sửa tên trường cho đúng, hoặc xóa dòng này",
        )
    return Problem.inside(
        (*path, key),
        message,
        written,
        suggestion,
        f"Có phải là «{suggestion}» ({FIELD_LABELS[suggestion]})? Sửa lại tên trường: "
        "chữ thường không dấu, các từ nối bằng dấu gạch dưới",
    )


def _read_block(
    raw,
    path: tuple,
    parsers: Mapping[str, _Parser],
    required: Mapping[str, str],
    problems: list[Problem],
) -> dict | None:
    """The clean values of a block's fields, reporting unknown, missing and invalid ones."""
    if not isinstance(raw, Mapping):
        place = _place(path)
        problems.append(
            Problem.inside(
                path,
                f"{place[0].upper()}{place[1:]} phải là một nhóm trường, "
                "mỗi trường một dòng «tên: giá trị»",
                _show(raw),
                "các trường: " + ", ".join(parsers),
            )
        )
        return None
    values = {}
    for key, value in raw.items():
        if key not in parsers:
            problems.append(_unknown_key(key, path, list(parsers)))
        # An empty field ("co_dieu_kien:" with no value) is the same as leaving it out.
        elif value is not None:
            clean = parsers[key](value, (*path, key), problems)
            if clean is not None:
                values[key] = clean
    for key, example in required.items():
        if raw.get(key) is None:
            problems.append(
                Problem.inside(
                    (*path, key),
                    f"Thiếu trường bắt buộc «{key}» ({FIELD_LABELS[key]})",
                    None,
                    example,
                )
            )
    return values


def _check_sum(figures: Figures, path: tuple, total: str, parts: Sequence[str]) -> Problem | None:
    values = [getattr(figures, name) for name in (total, *parts)]
    if any(v is None for v in values):
        return None
    written, *addends = values
    if written == sum(addends):
        return None
    labels = " + ".join(FIELD_LABELS[p] for p in parts)
    return Problem.inside(
        (*path, total),
        f"{FIELD_LABELS[total]} không bằng {labels}",
        str(written),
        f"{' + '.join(str(a) for a in addends)} = {sum(addends)}",
        f"Kiểm tra lại các số {total}, {', '.join(parts)}",
    )


# The identities of the statistics forms (TT 05/2024/TT-BTP), checked where all fields are given.
_IDENTITIES = {
    "viec": (
        ("phai_thi_hanh", ("co_dieu_kien", "chua_co_dieu_kien")),
        ("giai_quyet_xong", ("thi_hanh_xong", "dinh_chi")),
    ),
    "tien": (
        ("phai_thi_hanh", ("co_dieu_kien", "chua_co_dieu_kien")),
        ("giai_quyet_xong", ("thi_hanh_xong", "dinh_chi", "giam")),
    ),
}


def _check_figures(figures: Figures, path: tuple, kind: str) -> list[Problem]:
    problems = [
        problem
        for total, parts in _IDENTITIES[kind]
        if (problem := _check_sum(figures, path, total, parts)) is not None
    ]
    resolved, eligible = figures.giai_quyet_xong, figures.co_dieu_kien
    if resolved is not None and eligible is not None and resolved > eligible:
        problems.append(
            Problem.inside(
                (*path, "giai_quyet_xong"),
                "Giải quyết xong không thể nhiều hơn số có điều kiện thi hành",
                str(resolved),
                f"không quá {eligible} (co_dieu_kien)",
                "Kiểm tra lại giai_quyet_xong và co_dieu_kien",
            )
        )
    computed, published = figures.computed_rate, figures.ty_le_published
    if (
        computed is not None
        and published is not None
        and abs(computed - published) > RATE_TOLERANCE
    ):
        problems.append(
            Problem.inside(
                (*path, "ty_le"),
                f"Tỷ lệ ghi ({published}) khác tỷ lệ tính từ giải quyết xong / có điều kiện "
                f"({resolved} / {eligible} × 100 = {computed})",
                str(published),
                str(computed),
                "Sửa ty_le cho đúng, hoặc kiểm tra lại giai_quyet_xong và co_dieu_kien",
            )
        )
    return problems


_count = _leaf(partial(_integer, signed=False))
_FIGURE_PARSERS: dict[str, dict[str, _Parser]] = {
    kind: {
        "phai_thi_hanh": _count,
        "co_dieu_kien": _count,
        "chua_co_dieu_kien": _count,
        "giai_quyet_xong": _count,
        "thi_hanh_xong": _count,
        "dinh_chi": _count,
        # Reductions (giảm thi hành án) exist for money only; in "viec" say so instead of "unknown".
        "giam": _count if kind == "tien" else _leaf(_money_only),
        "ty_le": _leaf(_percent),
        "so_cung_ky": _leaf(partial(_integer, signed=True)),
        "chi_tieu": _leaf(_percent),
    }
    for kind in ("viec", "tien")
}
_FIGURE_REQUIRED = {"giai_quyet_xong": "giai_quyet_xong: 2073"}
# Front-matter key → Figures attribute, where they differ.
_ATTRIBUTES = {"ty_le": "ty_le_published"}


def _parse_figures(raw, path: tuple, problems: list[Problem], *, kind: str) -> Figures | None:
    values = _read_block(raw, path, _FIGURE_PARSERS[kind], _FIGURE_REQUIRED, problems)
    if values is None:
        return None
    figures = Figures(**{_ATTRIBUTES.get(key, key): value for key, value in values.items()})
    problems.extend(_check_figures(figures, path, kind))
    return figures


def _parse_period(raw, path: tuple, problems: list[Problem]) -> Period | None:
    days = _read_block(
        raw,
        path,
        {"tu": _leaf(_day), "den": _leaf(_day)},
        {"tu": "tu: 2020-10-01", "den": "den: 2021-02-28"},
        problems,
    )
    if days is None or "tu" not in days or "den" not in days:
        return None
    period = Period(days["tu"], days["den"])
    if period.tu > period.den:
        problems.append(
            Problem.inside(
                path,
                "Ngày bắt đầu kỳ (tu) sau ngày kết thúc (den)",
                f"tu: {period.tu.isoformat()}, den: {period.den.isoformat()}",
                "tu sớm hơn hoặc bằng den",
                "Kiểm tra lại hai ngày; kỳ thống kê bắt đầu từ ngày 1 tháng 10",
            )
        )
    return period


_UNIT_PARSERS: dict[str, _Parser] = {
    "ten": _leaf(_unit_name),
    "viec": partial(_parse_figures, kind="viec"),
    "tien": partial(_parse_figures, kind="tien"),
}
_UNIT_REQUIRED = {
    "ten": 'ten: "Chi cục THADS thành phố Vị Thanh"',
    "viec": "viec: {co_dieu_kien: 612, giai_quyet_xong: 268}",
}


def _parse_units(raw, path: tuple, problems: list[Problem]) -> tuple[Unit, ...] | None:
    if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Sequence):
        problems.append(
            Problem.inside(
                path,
                "Danh sách đơn vị phải ghi mỗi đơn vị một mục, "
                "bắt đầu bằng dấu gạch ngang «- ten: …»",
                _show(raw),
                "một danh sách đơn vị",
            )
        )
        return None
    units = []
    first_spelling: dict[str, str] = {}
    for index, item in enumerate(raw):
        values = _read_block(item, (*path, index), _UNIT_PARSERS, _UNIT_REQUIRED, problems)
        name = (values or {}).get("ten")
        if name is None:
            continue
        # Two entries differing only in case or spacing are the same unit typed twice.
        same_name = " ".join(name.casefold().split())
        if same_name in first_spelling:
            problems.append(
                Problem.inside(
                    (*path, index, "ten"),
                    f"Tên đơn vị trùng với một đơn vị ở trên («{first_spelling[same_name]}»)",
                    _show(name),
                    "mỗi đơn vị một tên riêng",
                    "Gộp hai mục thành một, hoặc sửa lại tên",
                )
            )
            continue
        first_spelling[same_name] = name
        if "viec" in values:
            units.append(Unit(name, values["viec"], values.get("tien")))
    return tuple(units)


def _check_units_within_totals(values: Mapping, units: Sequence[Unit]) -> list[Problem]:
    problems = []
    for kind in ("viec", "tien"):
        totals = values.get(kind)
        if totals is None:
            continue
        unit_figures = [f for f in (getattr(u, kind) for u in units) if f is not None]
        for name in COUNT_FIELDS:
            limit = getattr(totals, name)
            units_sum = sum(v for f in unit_figures if (v := getattr(f, name)) is not None)
            # Units may leave out part of the office's work, so only "more than" is wrong.
            if limit is None or units_sum <= limit:
                continue
            problems.append(
                Problem.inside(
                    (kind, name),
                    f"Số «{FIELD_LABELS[name]}» ({FIELD_LABELS[kind].lower()}) của các đơn vị "
                    "cộng lại nhiều hơn số tổng",
                    f"các đơn vị cộng lại {units_sum}, số tổng {limit}",
                    f"các đơn vị cộng lại không quá {limit}",
                    f"Kiểm tra lại {kind}.{name} và số {name} của từng đơn vị trong don_vi",
                )
            )
    return problems


_REPORT_PARSERS: dict[str, _Parser] = {
    "tieu_de": _leaf(partial(_text, what="Tiêu đề bảng")),
    "ky": _parse_period,
    "viec": partial(_parse_figures, kind="viec"),
    "tien": partial(_parse_figures, kind="tien"),
    "don_vi": _parse_units,
}
_REPORT_REQUIRED = {
    "ky": "ky: {tu: 2020-10-01, den: 2021-02-28}",
    "viec": "viec: {giai_quyet_xong: 2073}",
}


def parse_results(raw) -> tuple[ResultsReport | None, tuple[Problem, ...]]:
    """Check the raw ``ket_qua`` value and build its report; the report is None on any problem.

    Every problem is collected, not only the first. ``raw`` is only read, never changed.
    """
    problems: list[Problem] = []
    values = _read_block(raw, (), _REPORT_PARSERS, _REPORT_REQUIRED, problems)
    if values is None:
        return None, tuple(problems)
    units = values.get("don_vi", ())
    problems.extend(_check_units_within_totals(values, units))
    if problems:
        return None, tuple(problems)
    report = ResultsReport(
        tieu_de=values.get("tieu_de"),
        ky=values["ky"],
        viec=values["viec"],
        tien=values.get("tien"),
        don_vi=units,
    )
    return report, ()
