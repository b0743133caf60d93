"""/thong-ke/ket-qua.csv: text that Excel would run as a formula is neutralised (OWASP)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from bantin_ketqua.model import parse_results
from bantin_ketqua.opendata import COLUMNS, result_rows, to_csv, to_json
from bantin_ketqua.statistics import build_statistics


def csv_records(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("https://x.example/","Bấm")', '\'=HYPERLINK("https://x.example/","Bấm")'),
        ("=1+1", "'=1+1"),
        ("+84 293 3876 543", "'+84 293 3876 543"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),  # full-width equals sign
        ("Chi cục THADS huyện Long Mỹ", "Chi cục THADS huyện Long Mỹ"),
        ("Phòng 1 = Phòng 2", "Phòng 1 = Phòng 2"),
        (" =1+1", " =1+1"),  # not a formula: Excel reads a leading space as text
        ("", ""),
        # Numbers are numbers, negative ones included: never quoted.
        (-12, "-12"),
        (Decimal("-1.5"), "-1.5"),
        (0, "0"),
        (True, "true"),
        (None, ""),
    ],
)
def test_text_cells_that_start_a_formula_are_neutralised(value, cell):
    row = dict.fromkeys(COLUMNS)
    row["don_vi"] = value
    [record] = csv_records(to_csv([row]))
    assert record["don_vi"] == cell


def test_a_published_unit_named_like_a_formula():
    """End to end from a ket_qua block: the name is neutralised, so_cung_ky −12 stays a number."""
    parsed, issues = parse_results(
        {
            "ky": {"tu": date(2020, 10, 1), "den": date(2021, 9, 30)},
            "viec": {"giai_quyet_xong": 40, "so_cung_ky": -12},
            "don_vi": [
                {
                    "ten": '=HYPERLINK("https://x.example/","Chi cục")',
                    "viec": {"giai_quyet_xong": 5, "so_cung_ky": -3},
                }
            ],
        }
    )
    assert not issues, issues
    entries = build_statistics([("2021/10/tong-ket/", "=Tổng kết", parsed)]).entries
    rows = result_rows(entries, "https://thads.example.org")
    total, unit = csv_records(to_csv(rows))
    assert total["viec_so_cung_ky"] == "-12" and unit["viec_so_cung_ky"] == "-3"
    assert unit["don_vi"] == '\'=HYPERLINK("https://x.example/","Chi cục")'
    assert total["bai_viet_tieu_de"] == "'=Tổng kết"
    # The JSON is not opened by spreadsheets: it keeps the name exactly as written.
    records = json.loads(to_json(rows, "x"))["ban_ghi"]
    assert records[1]["don_vi"] == '=HYPERLINK("https://x.example/","Chi cục")'
    assert records[0]["viec_so_cung_ky"] == -12
