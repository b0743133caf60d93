"""The pure model of the ``ket_qua`` block: every rule, its Vietnamese message, the figures."""

from __future__ import annotations

import copy
import pickle
import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from bantin_core.problems import Problem
from bantin_ketqua.model import (
    FIELD_LABELS,
    Figures,
    Period,
    ResultsReport,
    Unit,
    YearTargets,
    apply_targets,
    parse_results,
    statistical_year,
)

# The real 2021 conference summary:
# 2.073 việc, 37,10%, +53; 75.683.482.000 đồng, 13,69%, +6.627.608.000.
REAL_FIGURES = {
    "tieu_de": "Kết quả thi hành án dân sự 05 tháng đầu năm 2021",
    "ky": {"tu": date(2020, 10, 1), "den": date(2021, 2, 28)},
    "viec": {"giai_quyet_xong": 2073, "ty_le": 37.10, "so_cung_ky": 53},
    "tien": {"giai_quyet_xong": 75683482000, "ty_le": 13.69, "so_cung_ky": 6627608000},
}

# The example block of issue 4, with a denominator, the identities and one unit.
FULL_EXAMPLE = {
    "tieu_de": "Kết quả thi hành án dân sự 05 tháng đầu năm 2021",
    "ky": {"tu": date(2020, 10, 1), "den": date(2021, 2, 28)},
    "viec": {
        "phai_thi_hanh": 7900,
        "co_dieu_kien": 5588,
        "chua_co_dieu_kien": 2312,
        "giai_quyet_xong": 2073,
        "thi_hanh_xong": 1901,
        "dinh_chi": 172,
        "ty_le": 37.10,
        "so_cung_ky": 53,
        "chi_tieu": 81.5,
    },
    "tien": {
        "co_dieu_kien": 552800000000,
        "giai_quyet_xong": 75683482000,
        "thi_hanh_xong": 70000000000,
        "dinh_chi": 5000000000,
        "giam": 683482000,
        "ty_le": 13.69,
        "so_cung_ky": 6627608000,
    },
    "don_vi": [
        {
            "ten": "Chi cục THADS thành phố Vị Thanh",
            "viec": {"co_dieu_kien": 612, "giai_quyet_xong": 268},
            "tien": {"co_dieu_kien": 61000000000, "giai_quyet_xong": 9000000000},
        },
        {
            "ten": "Chi cục THADS huyện Long Mỹ",
            "viec": {"co_dieu_kien": 500, "giai_quyet_xong": 250, "so_cung_ky": -12},
            "tien": {"co_dieu_kien": 40000000000, "giai_quyet_xong": 8000000000},
        },
    ],
}

DELETE = object()


def changed(base: dict, path: tuple, value) -> dict:
    """A deep copy of ``base`` with the value at ``path`` replaced (or removed with DELETE)."""
    result = copy.deepcopy(base)
    parent = result
    for step in path[:-1]:
        parent = parent[step]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return result


def unit(name: str, viec: dict, tien: dict | None = None) -> dict:
    entry = {"ten": name, "viec": viec}
    if tien is not None:
        entry["tien"] = tien
    return entry


# (id, where to change FULL_EXAMPLE, new value, issue path, words in the message, words in the hint)
RULE_CASES = [
    # the block and its parts
    ("block-not-a-group", (), ["a"], (), "phải là một nhóm trường", None),
    ("tieu_de-not-text", ("tieu_de",), 2021, ("tieu_de",), "phải là chữ", "ngoặc kép"),
    ("ky-missing", ("ky",), DELETE, ("ky",), "Thiếu trường bắt buộc «ky»", None),
    ("ky-not-a-group", ("ky",), "2020-10-01", ("ky",), "phải là một nhóm trường", None),
    ("ky.tu-missing", ("ky", "tu"), DELETE, ("ky", "tu"), "Thiếu trường bắt buộc «tu»", None),
    ("ky.den-missing", ("ky", "den"), DELETE, ("ky", "den"), "Thiếu trường bắt buộc «den»", None),
    ("ky.tu-day-first", ("ky", "tu"), "01/10/2020", ("ky", "tu"), "ngày", "2020-10-01"),
    ("ky.den-impossible-day", ("ky", "den"), "30/02/2021", ("ky", "den"), "ngày", "không có"),
    ("ky.den-text", ("ky", "den"), "tháng 2", ("ky", "den"), "Không đọc được ngày", "năm-tháng"),
    ("ky.den-with-time", ("ky", "den"), datetime(2021, 2, 28, 9), ("ky", "den"), "giờ", None),
    ("ky-tu-after-den", ("ky", "tu"), date(2021, 3, 1), ("ky",), "sau ngày kết thúc", None),
    ("viec-missing", ("viec",), DELETE, ("viec",), "Thiếu trường bắt buộc «viec»", None),
    ("viec-not-a-group", ("viec",), 2073, ("viec",), "phải là một nhóm trường", None),
    ("tien-not-a-group", ("tien",), [1, 2], ("tien",), "phải là một nhóm trường", None),
    (
        "viec.giai_quyet_xong-missing",
        ("viec", "giai_quyet_xong"),
        DELETE,
        ("viec", "giai_quyet_xong"),
        "Thiếu trường bắt buộc «giai_quyet_xong»",
        None,
    ),
    (
        "tien.giai_quyet_xong-missing",
        ("tien", "giai_quyet_xong"),
        DELETE,
        ("tien", "giai_quyet_xong"),
        "Thiếu trường bắt buộc «giai_quyet_xong»",
        None,
    ),
    # counts and money: non-negative integers written as digits
    (
        "count-float-thousands-dot",
        ("viec", "dinh_chi"),
        1.234,
        ("viec", "dinh_chi"),
        "số nguyên",
        "ghi liền 1234",
    ),
    (
        "count-float-integral",
        ("viec", "dinh_chi"),
        172.0,
        ("viec", "dinh_chi"),
        "số nguyên",
        "ghi 172",
    ),
    (
        "count-float-fraction",
        ("viec", "dinh_chi"),
        0.5,
        ("viec", "dinh_chi"),
        "số nguyên",
        "không có phần thập phân",
    ),
    (
        "count-text-thousands-dot",
        ("viec", "giai_quyet_xong"),
        "2.073",
        ("viec", "giai_quyet_xong"),
        "Không đọc được số",
        "ghi 2073",
    ),
    (
        "money-text-thousands-dots",
        ("tien", "giai_quyet_xong"),
        "75.683.482.000",
        ("tien", "giai_quyet_xong"),
        "Không đọc được số",
        "ghi 75683482000",
    ),
    (
        "count-quoted-digits",
        ("viec", "dinh_chi"),
        "172",
        ("viec", "dinh_chi"),
        "Không đọc được số",
        "Bỏ dấu ngoặc kép",
    ),
    ("count-words", ("viec", "dinh_chi"), "172 việc", ("viec", "dinh_chi"), "số", "không kèm chữ"),
    ("count-bool", ("viec", "dinh_chi"), True, ("viec", "dinh_chi"), "true/false", None),
    ("count-negative", ("viec", "dinh_chi"), -172, ("viec", "dinh_chi"), "không được âm", None),
    (
        "money-negative",
        ("tien", "giam"),
        -1,
        ("tien", "giam"),
        "không được âm",
        "so_cung_ky",
    ),
    (
        "so_cung_ky-float",
        ("viec", "so_cung_ky"),
        5.3,
        ("viec", "so_cung_ky"),
        "số nguyên",
        "5300",
    ),
    ("so_cung_ky-bool", ("viec", "so_cung_ky"), False, ("viec", "so_cung_ky"), "true/false", None),
    # percentages
    (
        "ty_le-decimal-comma",
        ("viec", "ty_le"),
        "37,10",
        ("viec", "ty_le"),
        "Không đọc được tỷ lệ",
        "dấu chấm thập phân thay cho dấu phẩy: ghi 37.10",
    ),
    ("ty_le-percent-sign", ("viec", "ty_le"), "37.10%", ("viec", "ty_le"), "tỷ lệ", "Bỏ dấu %"),
    (
        "ty_le-comma-and-percent",
        ("viec", "ty_le"),
        "37,10%",
        ("viec", "ty_le"),
        "tỷ lệ",
        "dấu phẩy, bỏ dấu %: ghi 37.10",
    ),
    ("ty_le-quoted", ("viec", "ty_le"), "37.10", ("viec", "ty_le"), "tỷ lệ", "Bỏ dấu ngoặc kép"),
    ("ty_le-over-100", ("viec", "ty_le"), 137.1, ("viec", "ty_le"), "từ 0 đến 100", None),
    ("ty_le-bool", ("tien", "ty_le"), True, ("tien", "ty_le"), "true/false", None),
    ("ty_le-not-a-number", ("tien", "ty_le"), float("nan"), ("tien", "ty_le"), "phần trăm", None),
    ("chi_tieu-negative", ("viec", "chi_tieu"), -1, ("viec", "chi_tieu"), "từ 0 đến 100", None),
    (
        "chi_tieu-decimal-comma",
        ("viec", "chi_tieu"),
        "81,5%",
        ("viec", "chi_tieu"),
        "Không đọc được tỷ lệ",
        "ghi 81.5",
    ),
    # computed against published rate: both figures named
    (
        "ty_le-disagrees",
        ("viec", "ty_le"),
        37.5,
        ("viec", "ty_le"),
        "Tỷ lệ ghi (37.5) khác tỷ lệ tính từ giải quyết xong / có điều kiện "
        "(2073 / 5588 × 100 = 37.10)",
        None,
    ),
    # identities of the statistics forms
    (
        "phai_thi_hanh-not-sum",
        ("viec", "phai_thi_hanh"),
        7901,
        ("viec", "phai_thi_hanh"),
        "Phải thi hành không bằng Có điều kiện + Chưa có điều kiện",
        None,
    ),
    (
        "viec.giai_quyet_xong-not-sum",
        ("viec", "thi_hanh_xong"),
        1900,
        ("viec", "giai_quyet_xong"),
        "Giải quyết xong không bằng Thi hành xong + Đình chỉ",
        None,
    ),
    (
        "tien.giai_quyet_xong-not-sum-with-giam",
        ("tien", "giam"),
        1,
        ("tien", "giai_quyet_xong"),
        "Giải quyết xong không bằng Thi hành xong + Đình chỉ + Giảm thi hành án",
        None,
    ),
    (
        "giai_quyet_xong-over-co_dieu_kien",
        ("tien", "co_dieu_kien"),
        75683481999,
        ("tien", "giai_quyet_xong"),
        "không thể nhiều hơn số có điều kiện",
        None,
    ),
    ("giam-in-viec", ("viec", "giam"), 3, ("viec", "giam"), "chỉ ghi ở phần tiền", None),
    # unknown keys, with the closest valid key
    (
        "unknown-key-typo",
        ("viec", "giai_quyet_xon"),
        1,
        ("viec", "giai_quyet_xon"),
        "Trường «giai_quyet_xon» không có trong phần viec",
        "«giai_quyet_xong»",
    ),
    (
        "unknown-key-with-diacritics",
        ("tiền",),
        {"giai_quyet_xong": 1},
        ("tiền",),
        "không có trong khối ket_qua",
        "«tien»",
    ),
    ("unknown-key-in-ky", ("ky", "denn"), 1, ("ky", "denn"), "không có trong phần ky", "«den»"),
    (
        "unknown-key-nothing-close",
        ("ghi_chu",),
        "x",
        ("ghi_chu",),
        "không có trong khối ket_qua",
        "xóa",
    ),
    # units follow the same rules
    ("don_vi-not-a-list", ("don_vi",), "Vị Thanh", ("don_vi",), "Danh sách đơn vị", None),
    ("don_vi-group-not-list", ("don_vi",), {"ten": "A"}, ("don_vi",), "Danh sách đơn vị", None),
    ("unit-not-a-group", ("don_vi", 1), "Long Mỹ", ("don_vi", 1), "phải là một nhóm trường", None),
    ("unit-ten-missing", ("don_vi", 1, "ten"), DELETE, ("don_vi", 1, "ten"), "«ten»", None),
    ("unit-ten-blank", ("don_vi", 1, "ten"), "  ", ("don_vi", 1, "ten"), "để trống", None),
    ("unit-ten-number", ("don_vi", 1, "ten"), 7, ("don_vi", 1, "ten"), "phải là chữ", None),
    (
        "unit-ten-duplicate",
        ("don_vi", 1, "ten"),
        "chi cục THADS  thành phố Vị Thanh",
        ("don_vi", 1, "ten"),
        "trùng với một đơn vị ở trên («Chi cục THADS thành phố Vị Thanh»)",
        None,
    ),
    ("unit-viec-missing", ("don_vi", 1, "viec"), DELETE, ("don_vi", 1, "viec"), "«viec»", None),
    (
        "unit-giai_quyet_xong-missing",
        ("don_vi", 1, "viec", "giai_quyet_xong"),
        DELETE,
        ("don_vi", 1, "viec", "giai_quyet_xong"),
        "Thiếu trường bắt buộc «giai_quyet_xong»",
        None,
    ),
    (
        "unit-count-float",
        ("don_vi", 1, "viec", "giai_quyet_xong"),
        2.5,
        ("don_vi", 1, "viec", "giai_quyet_xong"),
        "số nguyên",
        "2500",
    ),
    (
        "unit-over-co_dieu_kien",
        ("don_vi", 0, "viec", "giai_quyet_xong"),
        613,
        ("don_vi", 0, "viec", "giai_quyet_xong"),
        "không thể nhiều hơn",
        None,
    ),
    (
        "unit-ty_le-disagrees",
        ("don_vi", 0, "viec", "ty_le"),
        40,
        ("don_vi", 0, "viec", "ty_le"),
        "(268 / 612 × 100 = 43.79)",
        None,
    ),
    (
        "unit-unknown-key",
        ("don_vi", 0, "tien", "dinh_chii"),
        1,
        ("don_vi", 0, "tien", "dinh_chii"),
        "không có trong phần tien",
        "«dinh_chi»",
    ),
    # units may not add up to more than the totals
    (
        "units-exceed-total",
        ("don_vi", 1, "viec", "co_dieu_kien"),
        4977,
        ("viec", "co_dieu_kien"),
        "Số «Có điều kiện» (về việc) của các đơn vị cộng lại nhiều hơn số tổng",
        None,
    ),
    (
        "units-exceed-money-total",
        ("don_vi", 1, "tien", "giai_quyet_xong"),
        70000000000,
        ("tien", "giai_quyet_xong"),
        "(về tiền) của các đơn vị cộng lại nhiều hơn số tổng",
        None,
    ),
]


def issue_at(issues: tuple[Problem, ...], path: tuple) -> Problem:
    matching = [i for i in issues if i.path == path]
    assert matching, f"no issue at {path}: {issues}"
    return matching[0]


@pytest.mark.parametrize(
    ("where", "value", "path", "message", "hint"),
    [case[1:] for case in RULE_CASES],
    ids=[case[0] for case in RULE_CASES],
)
def test_each_rule_reports_its_issue(where, value, path, message, hint):
    raw = value if where == () else changed(FULL_EXAMPLE, where, value)

    report, issues = parse_results(raw)

    assert report is None
    issue = issue_at(issues, path)
    assert message in issue.message
    if hint is not None:
        assert hint in issue.hint


# Staff are not programmers: no Python names in anything they read.
PROGRAMMER_WORDS = re.compile(
    r"\b(int|float|str|dict|list|bool|None|NoneType|Decimal|datetime|mapping|sequence|"
    r"traceback|exception|True|False)\b"
)


@pytest.mark.parametrize(
    ("where", "value"),
    [case[1:3] for case in RULE_CASES],
    ids=[case[0] for case in RULE_CASES],
)
def test_messages_speak_to_office_staff(where, value):
    raw = value if where == () else changed(FULL_EXAMPLE, where, value)

    _, issues = parse_results(raw)

    for issue in issues:
        for text in (issue.message, issue.expected, issue.hint):
            assert text is None or not PROGRAMMER_WORDS.search(text), text
        assert issue.found is None or isinstance(issue.found, str)


@pytest.mark.parametrize("raw", [None, "ket qua", 2073, [], True])
def test_a_block_that_is_not_a_group_is_one_issue(raw):
    report, issues = parse_results(raw)

    assert report is None
    assert [i.path for i in issues] == [()]


def test_unknown_key_suggests_the_closest_valid_key():
    _, issues = parse_results(changed(REAL_FIGURES, ("viec", "giai_quyet_xon"), 2073))

    issue = issue_at(issues, ("viec", "giai_quyet_xon"))
    assert issue.found == "giai_quyet_xon"
    assert issue.expected == "giai_quyet_xong"


def test_every_issue_is_collected_not_only_the_first():
    raw = changed(FULL_EXAMPLE, ("viec", "dinh_chi"), "172")
    raw = changed(raw, ("tien", "ty_le"), "13,69")
    raw = changed(raw, ("ky", "den"), "28/02/2021")
    raw = changed(raw, ("don_vi", 1, "ten"), "")
    raw["tieu_dee"] = "x"

    _, issues = parse_results(raw)

    assert {i.path for i in issues} >= {
        ("viec", "dinh_chi"),
        ("tien", "ty_le"),
        ("ky", "den"),
        ("don_vi", 1, "ten"),
        ("tieu_dee",),
    }


# ---------------------------------------------------------------------------------------------
# Valid blocks


def test_the_real_figures_parse_cleanly():
    report, issues = parse_results(REAL_FIGURES)

    assert issues == ()
    assert report.tieu_de == "Kết quả thi hành án dân sự 05 tháng đầu năm 2021"
    assert report.ky == Period(date(2020, 10, 1), date(2021, 2, 28))
    assert report.viec.giai_quyet_xong == 2073
    assert report.viec.rate == Decimal("37.10")
    assert report.viec.so_cung_ky == 53
    assert report.tien.giai_quyet_xong == 75683482000
    assert report.tien.rate == Decimal("13.69")
    assert report.tien.so_cung_ky == 6627608000
    assert report.don_vi == ()
    assert report.unit_totals is None


def test_the_full_example_parses_cleanly():
    report, issues = parse_results(FULL_EXAMPLE)

    assert issues == ()
    assert report.viec.chi_tieu == Decimal("81.5")
    assert report.tien.giam == 683482000
    assert [u.ten for u in report.don_vi] == [
        "Chi cục THADS thành phố Vị Thanh",
        "Chi cục THADS huyện Long Mỹ",
    ]
    assert report.don_vi[1].viec.so_cung_ky == -12


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("viec", "so_cung_ky"), -53),
        (("tien", "so_cung_ky"), -6627608000),
        (("viec", "ty_le"), 37.11),  # within 0,01 of the computed 37,10
        (("viec", "chi_tieu"), 100),
        (("viec", "chi_tieu"), 0),
        (("viec", "dinh_chi"), None),  # an empty field is a field left out
        (("tieu_de",), None),
        (("tieu_de",), ""),
        (("don_vi",), []),
        (("ky", "den"), date(2020, 10, 1)),  # a one-day period: tu == den
    ],
)
def test_edge_values_that_are_allowed(where, value):
    report, issues = parse_results(changed(FULL_EXAMPLE, where, value))

    assert issues == ()
    assert report is not None


def test_a_whole_number_rate_is_allowed():
    report, issues = parse_results(changed(REAL_FIGURES, ("viec", "ty_le"), 37))

    assert issues == ()
    assert report.viec.rate == Decimal("37")


def test_a_blank_title_is_no_title():
    report, _ = parse_results(changed(REAL_FIGURES, ("tieu_de",), "   "))

    assert report.tieu_de is None


def test_a_rate_differing_by_more_than_a_hundredth_is_an_issue():
    _, issues = parse_results(changed(FULL_EXAMPLE, ("viec", "ty_le"), 37.12))

    issue = issue_at(issues, ("viec", "ty_le"))
    assert (issue.found, issue.expected) == ("37.12", "37.10")


# ---------------------------------------------------------------------------------------------
# Figures


@pytest.mark.parametrize(
    ("resolved", "eligible", "rate"),
    [
        (2073, 5588, Decimal("37.10")),  # 37,0973…
        (577876, 685898, Decimal("84.25")),  # the 2025 national figure
        (1, 800, Decimal("0.13")),  # exactly 0,125: half-up, not half-even
        (2469, 20000, Decimal("12.35")),  # exactly 12,345
        (0, 10, Decimal("0.00")),
        (10, 10, Decimal("100.00")),
    ],
)
def test_rate_is_computed_half_up_to_two_decimals(resolved, eligible, rate):
    figures = Figures(giai_quyet_xong=resolved, co_dieu_kien=eligible)

    assert figures.rate == rate
    assert str(figures.rate) == str(rate)


def test_a_report_with_co_dieu_kien_computes_its_rate():
    report, _ = parse_results(FULL_EXAMPLE)

    assert report.viec.computed_rate == Decimal("37.10")
    assert report.viec.rate == Decimal("37.10")
    assert report.don_vi[0].viec.rate == Decimal("43.79")  # 268 / 612


@pytest.mark.parametrize(
    ("figures", "rate"),
    [
        (Figures(giai_quyet_xong=2073, ty_le_published=Decimal("37.1")), Decimal("37.1")),
        (Figures(giai_quyet_xong=2073), None),
        (Figures(giai_quyet_xong=0, co_dieu_kien=0), None),
        (
            Figures(giai_quyet_xong=0, co_dieu_kien=0, ty_le_published=Decimal("0")),
            Decimal("0"),
        ),
    ],
)
def test_rate_without_a_denominator_is_the_published_one(figures, rate):
    assert figures.rate == rate


@pytest.mark.parametrize(
    ("figures", "target", "meets"),
    [
        (Figures(ty_le_published=Decimal("84.25"), chi_tieu=Decimal("83.90")), "83.90", True),
        (Figures(ty_le_published=Decimal("83.90"), chi_tieu=Decimal("83.90")), "83.90", True),
        (Figures(ty_le_published=Decimal("83.89"), chi_tieu=Decimal("83.90")), "83.90", False),
        (Figures(ty_le_published=Decimal("84"), inherited_target=Decimal("85")), "85", False),
        (
            Figures(
                ty_le_published=Decimal("84"),
                chi_tieu=Decimal("80"),
                inherited_target=Decimal("85"),
            ),
            "80",
            True,
        ),
        (Figures(ty_le_published=Decimal("84")), None, None),
        (Figures(chi_tieu=Decimal("80")), "80", None),
    ],
)
def test_target_and_meets_target(figures, target, meets):
    assert figures.target == (None if target is None else Decimal(target))
    assert figures.meets_target is meets


# ---------------------------------------------------------------------------------------------
# Periods and statistical years


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2020, 10, 1), 2021),
        (date(2021, 2, 28), 2021),
        (date(2021, 9, 30), 2021),
        (date(2021, 10, 1), 2022),
        (date(2020, 9, 30), 2020),
        (date(2021, 1, 1), 2021),
    ],
)
def test_statistical_year_starts_on_1_october(day, year):
    assert statistical_year(day) == year


@pytest.mark.parametrize(
    ("tu", "den", "months", "year"),
    [
        (date(2020, 10, 1), date(2021, 2, 28), 5, 2021),
        (date(2020, 10, 1), date(2021, 9, 30), 12, 2021),
        (date(2021, 10, 1), date(2021, 10, 31), 1, 2022),
        (date(2022, 10, 1), date(2023, 6, 30), 9, 2023),
    ],
)
def test_period_months_and_year(tu, den, months, year):
    period = Period(tu, den)

    assert period.months == months
    assert period.statistical_year == year


# ---------------------------------------------------------------------------------------------
# Targets

TARGETS = {
    2021: YearTargets(viec=Decimal("81.50"), tien=Decimal("40.10")),
    2023: YearTargets(viec=Decimal("82.50"), tien=Decimal("45.50")),
}


WHOLE_YEAR_2021 = {"tu": date(2020, 10, 1), "den": date(2021, 9, 30)}


def whole_year(raw: dict) -> dict:
    """The same figures reported for the whole statistical year 2021."""
    return changed(raw, ("ky",), WHOLE_YEAR_2021)


def test_totals_without_chi_tieu_take_the_statistical_years_targets():
    report, _ = parse_results(whole_year(REAL_FIGURES))  # 01/10/2020 – 30/09/2021: year 2021

    targeted = apply_targets(report, TARGETS)

    assert targeted.viec.target == Decimal("81.50")
    assert targeted.tien.target == Decimal("40.10")
    assert targeted.viec.meets_target is False  # 37,10 < 81,50
    assert report.viec.target is None  # the original is untouched


def test_a_period_shorter_than_the_year_is_not_judged_against_the_yearly_target():
    report, _ = parse_results(REAL_FIGURES)  # 5 months of statistical year 2021

    targeted = apply_targets(report, TARGETS)

    assert targeted == report
    assert targeted.viec.target is None
    assert targeted.viec.meets_target is None  # not "Chưa đạt" for 5 months' work


def test_a_partial_period_is_judged_against_its_own_chi_tieu():
    raw = changed(REAL_FIGURES, ("viec", "chi_tieu"), 35)
    report, _ = parse_results(raw)

    targeted = apply_targets(report, TARGETS)

    assert targeted.viec.meets_target is True  # 37,10 ≥ 35
    assert targeted.tien.target is None


def test_an_entrys_own_chi_tieu_wins_over_the_years_target():
    report, _ = parse_results(whole_year(FULL_EXAMPLE))  # viec.chi_tieu: 81.5

    targeted = apply_targets(report, {2021: YearTargets(viec=Decimal("90"), tien=Decimal("10"))})

    assert targeted.viec.target == Decimal("81.5")
    assert targeted.tien.target == Decimal("10")
    assert targeted.tien.meets_target is True  # 13,69 ≥ 10


def test_units_take_the_years_targets_too():
    report, _ = parse_results(whole_year(FULL_EXAMPLE))

    targeted = apply_targets(report, {2021: YearTargets(viec=Decimal("45"), tien=Decimal("15"))})

    vi_thanh, long_my = targeted.don_vi
    assert (vi_thanh.viec.rate, vi_thanh.viec.meets_target) == (Decimal("43.79"), False)
    assert (long_my.viec.rate, long_my.viec.meets_target) == (Decimal("50.00"), True)
    assert (long_my.tien.rate, long_my.tien.meets_target) == (Decimal("20.00"), True)


def test_the_year_is_the_statistical_year_not_the_calendar_year():
    raw = changed(REAL_FIGURES, ("ky",), {"tu": date(2022, 10, 1), "den": date(2023, 9, 30)})
    report, _ = parse_results(raw)

    targeted = apply_targets(report, TARGETS)

    assert targeted.viec.target == Decimal("82.50")  # 2023's targets, not 2022's


def test_a_year_without_targets_leaves_the_report_as_it_is():
    report, _ = parse_results(REAL_FIGURES)

    assert apply_targets(report, {2030: YearTargets(viec=Decimal("90"))}) == report


def test_a_year_with_only_a_case_target_leaves_money_without_one():
    report, _ = parse_results(whole_year(REAL_FIGURES))

    targeted = apply_targets(report, {2021: YearTargets(viec=Decimal("81.50"))})

    assert targeted.viec.target == Decimal("81.50")
    assert targeted.tien.target is None
    assert targeted.tien.meets_target is None


# ---------------------------------------------------------------------------------------------
# Units


def report_with_units(*units: dict) -> ResultsReport:
    raw = changed(REAL_FIGURES, ("don_vi",), list(units))
    raw = changed(raw, ("viec", "giai_quyet_xong"), 100000)
    raw = changed(raw, ("tien", "giai_quyet_xong"), 10**15)
    report, issues = parse_results(raw)
    assert issues == ()
    return report


def test_units_ranked_by_case_rate_then_money_rate_then_name():
    report = report_with_units(
        unit("Đ", {"co_dieu_kien": 100, "giai_quyet_xong": 50}),
        unit("No rate", {"giai_quyet_xong": 5}),
        unit("B", {"co_dieu_kien": 100, "giai_quyet_xong": 50}, {"giai_quyet_xong": 1, "ty_le": 9}),
        unit("A", {"co_dieu_kien": 100, "giai_quyet_xong": 90}),
        unit("C", {"co_dieu_kien": 100, "giai_quyet_xong": 50}, {"giai_quyet_xong": 1, "ty_le": 9}),
        unit(
            "E", {"co_dieu_kien": 100, "giai_quyet_xong": 50}, {"giai_quyet_xong": 1, "ty_le": 20}
        ),
    )

    ranked = [u.ten for u in report.units_ranked]

    # Đ has the same case rate as B, C, E but no money rate: after them.
    assert ranked == ["A", "E", "B", "C", "Đ", "No rate"]
    assert report.don_vi[0].ten == "Đ"  # the written order is kept


def test_equal_rates_are_ranked_in_vietnamese_alphabetical_order():
    names = ["Ơ Môn", "Đông Hải", "Ô Môn", "Duyên Hải", "Ea Súp", "An Biên", "Ân Thi", "Ăn Khê"]
    same = {"co_dieu_kien": 10, "giai_quyet_xong": 5}
    report = report_with_units(*(unit(name, same) for name in names))

    assert [u.ten for u in report.units_ranked] == [
        "An Biên",
        "Ăn Khê",
        "Ân Thi",
        "Duyên Hải",
        "Đông Hải",
        "Ea Súp",
        "Ô Môn",
        "Ơ Môn",
    ]


def test_unit_totals_add_up_what_every_unit_gives():
    report, _ = parse_results(FULL_EXAMPLE)

    totals = report.unit_totals

    assert totals.viec.co_dieu_kien == 612 + 500
    assert totals.viec.giai_quyet_xong == 268 + 250
    assert totals.viec.rate == Decimal("46.58")  # 518 / 1112
    assert totals.viec.so_cung_ky is None  # only one unit gives it
    assert totals.viec.target == Decimal("81.5")  # the report's own target
    assert totals.viec.meets_target is False
    assert totals.tien.giai_quyet_xong == 17000000000


def test_unit_totals_have_no_money_when_a_unit_has_none():
    report = report_with_units(
        unit("A", {"giai_quyet_xong": 1}, {"giai_quyet_xong": 5}),
        unit("B", {"giai_quyet_xong": 2}),
    )

    assert report.unit_totals.viec.giai_quyet_xong == 3
    assert report.unit_totals.tien is None


def test_units_may_add_up_to_less_than_the_totals():
    report, issues = parse_results(FULL_EXAMPLE)

    assert issues == ()
    assert report.unit_totals.viec.giai_quyet_xong < report.viec.giai_quyet_xong


# ---------------------------------------------------------------------------------------------
# Purity


@pytest.mark.parametrize(
    "raw",
    [
        FULL_EXAMPLE,
        REAL_FIGURES,
        changed(FULL_EXAMPLE, ("viec", "ty_le"), "37,10"),
        changed(FULL_EXAMPLE, ("don_vi", 1, "ten"), "Chi cục THADS thành phố Vị Thanh"),
        changed(FULL_EXAMPLE, ("tien", "giai_quyet_xon"), 1),
    ],
    ids=["full", "real", "bad-rate", "duplicate-unit", "unknown-key"],
)
def test_the_raw_block_is_never_changed(raw):
    before = copy.deepcopy(raw)

    parse_results(raw)

    assert raw == before


def test_reports_survive_a_pickle_round_trip():
    report, _ = parse_results(FULL_EXAMPLE)
    report = apply_targets(report, TARGETS)

    again = pickle.loads(pickle.dumps(report))

    assert again == report
    assert again.viec.rate == Decimal("37.10")
    assert again.units_ranked == report.units_ranked


def test_the_model_is_immutable():
    report, _ = parse_results(REAL_FIGURES)

    with pytest.raises(AttributeError):
        report.viec = Figures()
    with pytest.raises(AttributeError):
        report.viec.giai_quyet_xong = 1


def test_issues_are_immutable_and_comparable():
    _, first = parse_results(changed(REAL_FIGURES, ("viec", "ty_le"), "37,10"))
    _, second = parse_results(changed(REAL_FIGURES, ("viec", "ty_le"), "37,10"))

    assert first == second
    assert hash(first)


# ---------------------------------------------------------------------------------------------
# Labels


def test_every_front_matter_key_has_a_label():
    keys = set()

    def collect(value):
        if isinstance(value, dict):
            keys.update(value)
            for inner in value.values():
                collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    collect(FULL_EXAMPLE)

    assert keys <= FIELD_LABELS.keys()
    assert FIELD_LABELS["giai_quyet_xong"] == "Giải quyết xong"
    assert isinstance(Unit("A", Figures()).ten, str)
