"""The statistics section's data, the chart geometry, table columns and the open data files."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from bantin_ketqua.model import YearTargets, apply_targets, parse_results
from bantin_ketqua.opendata import COLUMNS, result_rows, to_csv, to_json
from bantin_ketqua.placement import MARKER
from bantin_ketqua.statistics import (
    PLOT_BOTTOM,
    PLOT_TOP,
    build_statistics,
    trend_chart,
)
from bantin_ketqua.tables import group_columns, present_columns
from tests.conftest import ROOT

TARGETS = {2021: YearTargets(Decimal("81.00"), Decimal("38.50"))}


def report(tu, den, viec, tien=None, don_vi=()):
    raw = {"ky": {"tu": tu, "den": den}, "viec": viec}
    if tien is not None:
        raw["tien"] = tien
    if don_vi:
        raw["don_vi"] = list(don_vi)
    parsed, issues = parse_results(raw)
    assert not issues, issues
    return apply_targets(parsed, TARGETS)


FIVE_MONTHS = report(
    date(2020, 10, 1),
    date(2021, 2, 28),
    # A part of the year is judged only against targets written for it (apply_targets).
    {"giai_quyet_xong": 2073, "ty_le": 37.10, "so_cung_ky": 53, "chi_tieu": 81.00},
    {"giai_quyet_xong": 75683482000, "ty_le": 13.69, "so_cung_ky": 6627608000, "chi_tieu": 38.50},
)
YEAR_2021 = report(
    date(2020, 10, 1),
    date(2021, 9, 30),
    {"co_dieu_kien": 6000, "giai_quyet_xong": 4950},
    don_vi=[
        {
            "ten": "Chi cục THADS thị xã Long Mỹ",
            "viec": {"co_dieu_kien": 800, "giai_quyet_xong": 600},
        },
        {
            "ten": "Chi cục THADS huyện Châu Thành",
            "viec": {"co_dieu_kien": 90, "giai_quyet_xong": 80},
        },
    ],
)
HALF_2022 = report(
    date(2021, 10, 1),
    date(2022, 3, 31),
    {"co_dieu_kien": 5000, "giai_quyet_xong": 2500},
    don_vi=[{"ten": "Chi cục THADS thị xã Long Mỹ", "viec": {"giai_quyet_xong": 100}}],
)

ITEMS = [
    ("2021/10/tong-ket/", "Tổng kết năm 2021", YEAR_2021),
    ("2021/03/so-ket/", "Sơ kết 5 tháng", FIVE_MONTHS),
    ("2022/04/so-ket/", "Sơ kết 6 tháng 2022", HALF_2022),
]


def test_periods_are_grouped_by_statistical_year_newest_first():
    stats = build_statistics(ITEMS)
    assert [e.url for e in stats.entries] == [
        "2022/04/so-ket/",
        "2021/10/tong-ket/",
        "2021/03/so-ket/",
    ]
    assert [(g.year, [e.url for e in g.entries]) for g in stats.years] == [
        (2022, ["2022/04/so-ket/"]),
        (2021, ["2021/10/tong-ket/", "2021/03/so-ket/"]),
    ]
    assert (stats.years[1].first_day, stats.years[1].last_day) == (
        date(2020, 10, 1),
        date(2021, 9, 30),
    )


def test_unit_histories_by_vietnamese_name_newest_first():
    units = build_statistics(ITEMS).units
    # "Châu" sorts before "Long" under "Chi cục THADS huyện/thị xã": huyện < thị.
    assert [u.name for u in units] == [
        "Chi cục THADS huyện Châu Thành",
        "Chi cục THADS thị xã Long Mỹ",
    ]
    long_my = units[1]
    assert [entry.url for entry, _ in long_my.rows] == ["2022/04/so-ket/", "2021/10/tong-ket/"]
    assert long_my.rows[1][1].viec.rate == Decimal("75.00")


def test_chart_runs_oldest_first_with_rates_and_targets_scaled_to_the_plot():
    chart = trend_chart(build_statistics(ITEMS).entries)
    assert [e.url for e in chart.entries] == [
        "2021/03/so-ket/",
        "2021/10/tong-ket/",
        "2022/04/so-ket/",
    ]
    series = {s.key: s for s in chart.series}
    assert [p.value for p in series["viec_rate"].points] == [
        Decimal("37.1"),
        Decimal("82.50"),
        Decimal("50.00"),
    ]
    # Money: only the 5-month period has a money rate; 2022 has no targets in TARGETS.
    assert [p.value for p in series["tien_rate"].points] == [Decimal("13.69")]
    assert [p.value for p in series["viec_target"].points] == [Decimal("81.00")] * 2
    height = PLOT_BOTTOM - PLOT_TOP
    first = series["viec_rate"].points[0]
    assert first.y == pytest.approx(PLOT_BOTTOM - 0.371 * height, abs=0.05)
    xs = [t.x for t in chart.ticks]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert all(t.labelled for t in chart.ticks)
    assert chart.y_ticks[0] == (PLOT_BOTTOM, 0) and chart.y_ticks[-1] == (PLOT_TOP, 100)


def test_chart_labels_at_most_eight_periods_and_always_the_newest():
    items = [
        (
            f"bai-{year}/",
            "Bài",
            report(date(year - 1, 10, 1), date(year, 9, 30), {"giai_quyet_xong": 8, "ty_le": 80}),
        )
        for year in range(2001, 2021)
    ]
    chart = trend_chart(build_statistics(items).entries)
    labelled = [t for t in chart.ticks if t.labelled]
    assert len(chart.ticks) == 20
    assert 1 < len(labelled) <= 8
    assert chart.ticks[-1].labelled


def test_no_chart_without_any_rate():
    only_counts = report(date(2020, 10, 1), date(2021, 2, 28), {"giai_quyet_xong": 5})
    assert trend_chart(build_statistics([("a/", "A", only_counts)]).entries) is None


def test_same_period_twice_is_one_point():
    items = [("a/", "A", FIVE_MONTHS), ("b/", "B", FIVE_MONTHS)]
    assert len(trend_chart(build_statistics(items).entries).ticks) == 1


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [FIVE_MONTHS.viec, FIVE_MONTHS.tien],
            ("giai_quyet_xong", "rate", "so_cung_ky", "target", "meets_target"),
        ),
        (
            [YEAR_2021.viec, None],
            ("co_dieu_kien", "giai_quyet_xong", "rate", "target", "meets_target"),
        ),
    ],
)
def test_results_table_shows_only_columns_with_data(rows, expected):
    assert present_columns(rows) == expected


def test_grouped_columns_leave_out_the_change_and_empty_columns():
    assert group_columns([FIVE_MONTHS.viec]) == (
        "giai_quyet_xong",
        "rate",
        "target",
        "meets_target",
    )
    assert group_columns([None, None]) == ()


# --- Open data ---------------------------------------------------------------------------


def rows():
    return result_rows(build_statistics(ITEMS).entries, "https://thads.example.org")


def test_one_row_per_period_then_its_units_oldest_first():
    data = rows()
    assert [(r["loai"], r["ky_den"], r["don_vi"]) for r in data] == [
        ("tong", "2021-02-28", None),
        ("tong", "2021-09-30", None),
        ("don_vi", "2021-09-30", "Chi cục THADS huyện Châu Thành"),
        ("don_vi", "2021-09-30", "Chi cục THADS thị xã Long Mỹ"),
        ("tong", "2022-03-31", None),
        ("don_vi", "2022-03-31", "Chi cục THADS thị xã Long Mỹ"),
    ]
    first = data[0]
    assert first["viec_giai_quyet_xong"] == 2073
    assert first["viec_ty_le"] == Decimal("37.1")
    assert first["viec_chi_tieu"] == Decimal("81.00")
    assert first["viec_dat"] is False
    assert first["tien_giai_quyet_xong"] == 75683482000
    assert first["tien_so_cung_ky"] == 6627608000
    assert first["nam_thong_ke"] == 2021 and first["so_thang"] == 5
    assert first["bai_viet_url"] == "https://thads.example.org/2021/03/so-ket/"


def test_columns_are_the_published_contract():
    # Renaming or reordering these breaks everyone who reads the files: add at the end only.
    assert list(COLUMNS)[:9] == [
        "loai",
        "don_vi",
        "ky_tu",
        "ky_den",
        "nam_thong_ke",
        "so_thang",
        "tieu_de_bang",
        "bai_viet_tieu_de",
        "bai_viet_url",
    ]
    assert "viec_giam" not in COLUMNS and "tien_giam" in COLUMNS
    for kind in ("viec", "tien"):
        for name in ("co_dieu_kien", "giai_quyet_xong", "ty_le", "so_cung_ky", "chi_tieu", "dat"):
            assert f"{kind}_{name}" in COLUMNS


def test_csv_has_a_bom_raw_numbers_and_parses():
    data = to_csv(rows())
    assert data.startswith(b"\xef\xbb\xbf")
    records = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(records[0]) == list(COLUMNS)
    assert records[0]["viec_giai_quyet_xong"] == "2073"
    assert records[0]["tien_giai_quyet_xong"] == "75683482000"
    assert records[0]["viec_ty_le"] == "37.1"
    assert records[0]["viec_dat"] == "false"
    assert records[0]["viec_co_dieu_kien"] == ""
    assert records[2]["don_vi"] == "Chi cục THADS huyện Châu Thành"


def test_json_has_typed_values_and_the_column_descriptions():
    document = json.loads(to_json(rows(), "https://thads.example.org/thong-ke/"))
    assert document["cot"] == COLUMNS
    first = document["ban_ghi"][0]
    assert first["viec_giai_quyet_xong"] == 2073
    assert first["viec_ty_le"] == 37.1
    assert first["viec_dat"] is False
    assert first["viec_co_dieu_kien"] is None
    assert len(document["ban_ghi"]) == 6


def test_open_data_is_deterministic():
    assert to_csv(rows()) == to_csv(rows())
    assert to_json(rows(), "x") == to_json(rows(), "x")


def test_staff_guide_documents_every_column_and_the_marker():
    guide = (ROOT / "docs" / "huong-dan-ket-qua.md").read_text(encoding="utf-8")
    for name, description in COLUMNS.items():
        assert f"| `{name}` | {description} |" in guide
    assert MARKER in guide
