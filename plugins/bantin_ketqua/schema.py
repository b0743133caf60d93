"""The ``ket_qua`` block in the one schema (``bantin_frontmatter.fields.FieldSpec``).

The model (``model.py``) owns the rules; this is how the block is described to the tools made
from the schema: the editor's form, ``make new``'s template and the staff guide's tables. Labels
and field names come from the model's own tables, so the descriptions cannot name a field the
model does not read.
"""

from __future__ import annotations

from bantin_frontmatter.fields import FieldSpec

from .model import (
    _FIGURE_REQUIRED,
    _REPORT_REQUIRED,
    _UNIT_REQUIRED,
    COUNT_FIELDS,
    FIELD_LABELS,
)

_COUNT_HINTS = {
    "viec": "số việc, viết liền: 2073",
    "tien": "số đồng, viết đủ và liền: 75683482000",
}
# Rates that fit the examples below: 2073 / 5588 and 75683482000 / 552834000000.
_RATES = {"viec": "37.10", "tien": "13.69"}
_EXAMPLES = {
    ("viec", "phai_thi_hanh"): "8120",
    ("viec", "co_dieu_kien"): "5588",
    ("viec", "chua_co_dieu_kien"): "2532",
    ("viec", "giai_quyet_xong"): "2073",
    ("viec", "thi_hanh_xong"): "1950",
    ("viec", "dinh_chi"): "123",
    ("tien", "phai_thi_hanh"): "1204538261000",
    ("tien", "co_dieu_kien"): "552834000000",
    ("tien", "chua_co_dieu_kien"): "651704261000",
    ("tien", "giai_quyet_xong"): "75683482000",
    ("tien", "thi_hanh_xong"): "70283482000",
    ("tien", "dinh_chi"): "4000000000",
    ("tien", "giam"): "1400000000",
    ("viec", "so_cung_ky"): "53",
    ("tien", "so_cung_ky"): "6627608000",
}


def _figure(kind: str, name: str, *, totals: bool) -> tuple[str, FieldSpec]:
    label = FIELD_LABELS[name]
    if name in ("ty_le", "chi_tieu"):
        hint = (
            "phần trăm, dấu chấm thập phân, không ghi %: 37,10% ghi 37.10; có thể bỏ, trang tự tính"
            if name == "ty_le"
            else "chỉ tiêu (%) riêng của bài này; thường để trống (lấy chỉ tiêu của năm)"
        )
        return name, FieldSpec(
            None,
            label,
            hint=hint,
            example=_RATES[kind] if name == "ty_le" else "81.50",
            widget="number",
            number="percent",
        )
    if name == "so_cung_ky":
        return name, FieldSpec(
            None,
            label,
            hint="tăng ghi số dương, giảm ghi số âm (ví dụ -12)",
            example=_EXAMPLES[(kind, name)],
            widget="number",
            number="signed" if kind == "viec" else "signed-money",
        )
    return name, FieldSpec(
        None,
        label,
        hint=_COUNT_HINTS[kind] + ("; chỉ có ở phần tiền" if name == "giam" else ""),
        example=_EXAMPLES[(kind, name)],
        widget="number",
        number="count" if kind == "viec" else "money",
        required=name in _FIGURE_REQUIRED,
    )


def figures(kind: str, *, totals: bool) -> tuple[str, FieldSpec]:
    """``viec`` or ``tien``: the figures of the whole office (totals) or of one unit."""
    names = [n for n in COUNT_FIELDS if kind == "tien" or n != "giam"]
    names += ["ty_le", "so_cung_ky"] + (["chi_tieu"] if totals else [])
    return kind, FieldSpec(
        None,
        FIELD_LABELS[kind],
        hint=_COUNT_HINTS[kind].split(",")[0] + "; dòng nào không có số liệu thì bỏ",
        widget="object",
        required=kind in (_REPORT_REQUIRED if totals else _UNIT_REQUIRED),
        subfields=tuple(_figure(kind, name, totals=totals) for name in names),
    )


def _day(name: str, example: str) -> tuple[str, FieldSpec]:
    return name, FieldSpec(
        None,
        FIELD_LABELS[name],
        hint="năm-tháng-ngày",
        example=example,
        widget="date",
        required=True,
    )


#: The whole block, as :func:`bantin_frontmatter.fields.register_field` takes it.
RESULTS_DESCRIPTION = {
    "hint": "số liệu kết quả thi hành án của kỳ báo cáo; thành bảng và vào trang Thống kê",
    "widget": "object",
    "kinds": ("article",),
    "subfields": (
        (
            "tieu_de",
            FieldSpec(
                None,
                FIELD_LABELS["tieu_de"],
                hint="có thể bỏ: trang tự đặt theo kỳ",
                example='"Kết quả thi hành án dân sự 05 tháng đầu năm 2021"',
            ),
        ),
        (
            "ky",
            FieldSpec(
                None,
                FIELD_LABELS["ky"],
                hint="kỳ thống kê bắt đầu ngày 01/10 năm trước",
                widget="object",
                required="ky" in _REPORT_REQUIRED,
                subfields=(_day("tu", "2020-10-01"), _day("den", "2021-02-28")),
            ),
        ),
        figures("viec", totals=True),
        figures("tien", totals=True),
        (
            "don_vi",
            FieldSpec(
                None,
                FIELD_LABELS["don_vi"],
                hint="mỗi đơn vị (chi cục, phòng) một mục",
                widget="list",
                repeated=True,
                subfields=(
                    (
                        "ten",
                        FieldSpec(
                            None,
                            FIELD_LABELS["ten"],
                            required="ten" in _UNIT_REQUIRED,
                            example='"Chi cục THADS thành phố Vị Thanh"',
                        ),
                    ),
                    figures("viec", totals=False),
                    figures("tien", totals=False),
                ),
            ),
        ),
    ),
}
