"""Open data: every period (and every unit of it) as CSV and JSON rows with raw numbers.

The column names are a published contract (``docs/huong-dan-ket-qua.md`` lists them): add new
columns at the end, never rename or drop one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal

from .model import Figures, Unit
from .statistics import PeriodEntry

_FIGURE_COLUMNS = {
    "phai_thi_hanh": "tổng số phải thi hành",
    "co_dieu_kien": "có điều kiện thi hành",
    "chua_co_dieu_kien": "chưa có điều kiện thi hành",
    "giai_quyet_xong": "giải quyết xong",
    "thi_hanh_xong": "thi hành xong",
    "dinh_chi": "đình chỉ thi hành",
    "giam": "giảm thi hành án",
    "so_cung_ky": "tăng (số dương) hoặc giảm (số âm) so với cùng kỳ năm trước",
    "ty_le": "tỷ lệ giải quyết xong, %",
    "chi_tieu": "chỉ tiêu tỷ lệ giải quyết xong, %",
    "dat": "đạt chỉ tiêu: true hoặc false; trống khi thiếu tỷ lệ hoặc chỉ tiêu",
}
_RATE_COLUMNS = ("ty_le", "chi_tieu", "dat")
_KINDS = {"viec": ("về việc", "số việc"), "tien": ("về tiền", "đồng")}


def _describe(kind: str, name: str) -> str:
    label, unit = _KINDS[kind]
    what = f"{_FIGURE_COLUMNS[name]} — {label}"
    return what if name in _RATE_COLUMNS else f"{what} ({unit})"


#: Column name → what it holds, in order. The CSV header and every JSON record use these names.
COLUMNS: dict[str, str] = {
    "loai": "tong: số liệu chung của cơ quan; don_vi: số liệu của một đơn vị",
    "don_vi": "tên đơn vị (trống ở dòng tong)",
    "ky_tu": "ngày đầu kỳ báo cáo, dạng YYYY-MM-DD",
    "ky_den": "ngày cuối kỳ báo cáo, dạng YYYY-MM-DD",
    "nam_thong_ke": "năm thống kê (từ 01/10 năm trước đến 30/09 năm này)",
    "so_thang": "số tháng của kỳ báo cáo",
    "tieu_de_bang": "tiêu đề bảng kết quả (trống nếu bài viết không ghi)",
    "bai_viet_tieu_de": "tiêu đề bài viết công bố số liệu",
    "bai_viet_url": "địa chỉ bài viết",
    # Giảm thi hành án exists for money only.
    **{
        f"{kind}_{name}": _describe(kind, name)
        for kind in _KINDS
        for name in _FIGURE_COLUMNS
        if name != "giam" or kind == "tien"
    },
}


def _figure_values(kind: str, figures: Figures | None) -> dict:
    values = {}
    for name in _FIGURE_COLUMNS:
        column = f"{kind}_{name}"
        if column not in COLUMNS:
            continue
        if figures is None:
            values[column] = None
        elif name == "ty_le":
            values[column] = figures.rate
        elif name == "chi_tieu":
            values[column] = figures.target
        elif name == "dat":
            values[column] = figures.meets_target
        else:
            values[column] = getattr(figures, name)
    return values


def result_rows(entries: Iterable[PeriodEntry], site_url: str) -> list[dict]:
    """One row per period, then one per unit of it (ranked as on the site), oldest period first.

    Values are raw: ``int``, ``Decimal`` for rates, ``bool`` for đạt, ``None`` when absent.
    """
    rows = []
    ordered = sorted(entries, key=lambda e: (e.ky.tu, e.ky.den, e.url))
    for entry in ordered:
        report = entry.report
        common = {
            "ky_tu": entry.ky.tu.isoformat(),
            "ky_den": entry.ky.den.isoformat(),
            "nam_thong_ke": entry.ky.statistical_year,
            "so_thang": entry.ky.months,
            "tieu_de_bang": report.tieu_de,
            "bai_viet_tieu_de": entry.title,
            "bai_viet_url": f"{site_url}/{entry.url}",
        }
        units: list[Unit | None] = [None, *report.units_ranked]
        for unit in units:
            source = report if unit is None else unit
            rows.append(
                {
                    "loai": "tong" if unit is None else "don_vi",
                    "don_vi": None if unit is None else unit.ten,
                    **common,
                    **_figure_values("viec", source.viec),
                    **_figure_values("tien", source.tien),
                }
            )
    return rows


# A text cell starting with one of these is read by Excel or LibreOffice as a formula (OWASP,
# "CSV Injection"): =HYPERLINK(…) in a unit's name would become a live link or worse. The
# full-width forms are read as formulas by some East Asian Excel set-ups.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _csv_value(value) -> str:
    """A cell: numbers as they are (−12 stays a number), text that could be a formula behind '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}" if value.startswith(_FORMULA_STARTS) else value
    return str(value)


def to_csv(rows: list[dict]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel shows Vietnamese), a header row, CRLF lines.

    Text cells are neutralised against formula injection; the JSON keeps every value as it is.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_csv_value(row[column]) for column in COLUMNS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _json_value(value):
    # Rates are JSON numbers: 37.10 is written 37.1, the same number.
    return float(value) if isinstance(value, Decimal) else value


def to_json(rows: list[dict], source: str) -> bytes:
    """The rows as JSON records under ``ban_ghi``, with the column descriptions under ``cot``."""
    document = {
        "nguon": source,
        "cot": COLUMNS,
        "ban_ghi": [{column: _json_value(row[column]) for column in COLUMNS} for row in rows],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
