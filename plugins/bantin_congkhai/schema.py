"""The fields of the two public notice kinds, each described once.

A field is a :class:`bantin_frontmatter.fields.FieldSpec`: the converter reads the value (or
raises :class:`~bantin_frontmatter.fields.FieldError` saying in Vietnamese what is wrong), the
rest (label, hint, example, widget, choices) makes the editor's form and the staff guide's
tables (:mod:`.guide`). :data:`DEBTOR_FIELDS` and :data:`AUCTION_FIELDS` are the tables the
model (:mod:`.model`) reads files with. Pure: no Pelican, no files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from bantin_core.problems import short_repr
from bantin_frontmatter.fields import (
    FieldError,
    FieldSpec,
    convert_date,
    convert_day,
    convert_text,
)
from bantin_search.folding import fold

WITHDRAWAL_REASONS = (
    ("da_thi_hanh_xong", "Người phải thi hành án đã thi hành xong nghĩa vụ"),
    ("co_dieu_kien", "Người phải thi hành án đã có điều kiện thi hành án"),
    ("khac", "Căn cứ khác theo quy định của pháp luật"),
)

NOTICE_TYPES = (
    ("lua_chon", "Thông báo lựa chọn tổ chức đấu giá tài sản"),
    ("dau_gia", "Thông báo đấu giá tài sản"),
)

# --------------------------------------------------------------------------------------------
# Converters: (raw value, context) → clean value, or FieldError saying what is wrong

_MONEY_EXPECTED = "số đồng viết liền, không dấu chấm, ví dụ 120000000"


def convert_money(value, ctx) -> int:
    """A whole, positive number of đồng (``120000000``)."""
    if isinstance(value, bool) or value is None:
        raise FieldError("Cần một số tiền", found=short_repr(value), expected=_MONEY_EXPECTED)
    if isinstance(value, int):
        if value <= 0:
            raise FieldError("Số tiền phải lớn hơn 0", found=str(value), expected=_MONEY_EXPECTED)
        return value
    text = str(value).strip()
    hint = "chỉ ghi con số, không kèm chữ «đồng» hay dấu chấm"
    digits = re.sub(r"[.,\s]", "", text.removesuffix("đồng").removesuffix("đ").strip())
    if isinstance(value, float) or digits.isdigit():
        # YAML reads 1.500 as the decimal 1,5: the dot was meant to group thousands.
        hint = "viết liền, không dấu chấm ngăn cách hàng nghìn"
        if isinstance(value, str) and digits.isdigit():
            hint += f": ghi {digits}"
    raise FieldError(
        "Không đọc được số tiền", found=short_repr(value), expected=_MONEY_EXPECTED, hint=hint
    )


def convert_choice(choices) -> Callable:
    """A converter accepting only the values of ``choices`` ((value, label) pairs)."""
    values = tuple(value for value, _label in choices)

    def convert(value, ctx):
        text = convert_text(value, ctx)
        if text not in values:
            close = difflib.get_close_matches(fold(text).replace(" ", "_"), values, n=1)
            raise FieldError(
                "Giá trị không có trong danh sách",
                found=short_repr(text),
                expected="một trong: "
                + "; ".join(f"{value} ({label})" for value, label in choices),
                hint=f"có phải ý bạn là «{close[0]}»?" if close else None,
            )
        return text

    return convert


def convert_unit(value, ctx) -> str:
    """The ``ma`` of a unit in content/data/don_vi.yml (``vi-thanh``), or ``cuc``."""
    text = convert_text(value, ctx)
    units = ctx.extra.get("units") or {}
    if units and text not in units:
        close = difflib.get_close_matches(text, list(units), n=1)
        raise FieldError(
            "Không có đơn vị mã này trong content/data/don_vi.yml",
            found=short_repr(text),
            expected="mã (ma) một đơn vị: " + ", ".join(units),
            hint=f"có phải ý bạn là «{close[0]}»?" if close else "ghi mã đơn vị, không ghi tên",
        )
    return text


_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{9}|\d{12})(?!\d)")


def convert_public_text(value, ctx) -> str:
    """A line of text that may be published: no identity card number in it."""
    text = convert_text(value, ctx)
    if _ID_NUMBER.search(text):
        raise FieldError(
            "Có dãy số giống số căn cước, chứng minh nhân dân: không được đăng",
            expected="chỉ những thông tin pháp luật buộc công khai",
            hint="xóa số giấy tờ tùy thân; số tiền thì ghi ở trường so_tien",
        )
    return text


# --------------------------------------------------------------------------------------------
# The fields, each described once


def _decision(label: str, number: str, day: str, *, court: bool = False, hint: str = ""):
    subfields = [
        ("so", FieldSpec(convert_text, "Số", required=True, example=f'"{number}"')),
        (
            "ngay",
            FieldSpec(
                convert_day,
                "Ngày",
                required=True,
                widget="date",
                hint="năm-tháng-ngày",
                example=day,
            ),
        ),
    ]
    if court:
        subfields.append(
            (
                "co_quan",
                FieldSpec(
                    convert_text,
                    "Tòa án, cơ quan ban hành",
                    required=True,
                    example='"Tòa án nhân dân thành phố Vị Thanh"',
                ),
            )
        )
    return FieldSpec(
        None, label, required=True, widget="object", hint=hint, subfields=tuple(subfields)
    )


_AMENDMENTS = FieldSpec(
    None,
    "Lịch sử sửa đổi",
    widget="list",
    repeated=True,
    hint="mỗi lần một chi tiết thay đổi, thêm một mục; trang hiện các lần đã sửa",
    subfields=(
        (
            "ngay_thay_doi",
            FieldSpec(
                convert_day,
                "Ngày chi tiết thay đổi",
                required=True,
                widget="date",
                hint="ngày phát sinh thay đổi (tính hạn sửa từ ngày này)",
                example="2025-05-02",
            ),
        ),
        (
            "noi_dung",
            FieldSpec(
                convert_public_text,
                "Nội dung sửa đổi",
                required=True,
                widget="text",
                example='"Sửa địa chỉ theo xác minh ngày 02/5/2025"',
            ),
        ),
        (
            "ngay_sua",
            FieldSpec(
                convert_day,
                "Ngày sửa trên trang",
                widget="date",
                hint="để trống khi chưa sửa: việc sửa hiện trong danh sách đến hạn",
                example="2025-05-06",
            ),
        ),
    ),
)

_PUBLICATION_DATE = FieldSpec(
    convert_day,
    "Ngày đăng",
    widget="date",
    hint="ngày thông tin lên trang; để trống là chưa đăng (hiện trong danh sách đến hạn); "
    "ngày tương lai: tự đăng vào ngày đó",
    example="2025-03-10",
)

DEBTOR_FIELDS: tuple[tuple[str, FieldSpec], ...] = (
    (
        "ho_ten",
        FieldSpec(
            convert_public_text,
            "Họ tên người phải thi hành án",
            required=True,
            hint="họ tên cá nhân hoặc tên tổ chức, viết đủ dấu; không ghi số giấy tờ tùy thân",
            example='"Trần Văn Mẫu"',
        ),
    ),
    (
        "dia_chi",
        FieldSpec(
            convert_public_text,
            "Địa chỉ",
            required=True,
            hint="địa chỉ ghi trong bản án, quyết định",
            example='"Ấp 1, xã Hỏa Lựu, thành phố Vị Thanh"',
        ),
    ),
    (
        "don_vi",
        FieldSpec(
            convert_unit,
            "Đơn vị thi hành án",
            required=True,
            widget="select",
            hint="mã (ma) đơn vị trong content/data/don_vi.yml; cuc là Cục",
            example="vi-thanh",
        ),
    ),
    (
        "ban_an",
        _decision(
            "Bản án, quyết định được thi hành",
            "12/2023/DS-ST",
            "2023-05-10",
            court=True,
            hint="số, ngày, tòa án hoặc cơ quan ban hành",
        ),
    ),
    (
        "quyet_dinh_thi_hanh",
        _decision("Quyết định thi hành án", "245/QĐ-CCTHADS", "2023-07-01"),
    ),
    (
        "nghia_vu",
        FieldSpec(
            convert_public_text,
            "Nghĩa vụ chưa thi hành",
            required=True,
            widget="text",
            example='"Trả nợ số tiền 120.000.000 đồng và lãi chậm thi hành án"',
        ),
    ),
    (
        "so_tien",
        FieldSpec(
            convert_money,
            "Số tiền còn phải thi hành",
            widget="number",
            number="money",
            hint="số đồng viết liền; bỏ trống nếu nghĩa vụ không phải trả tiền",
            example="120000000",
        ),
    ),
    (
        "ly_do",
        FieldSpec(
            convert_public_text,
            "Lý do chưa có điều kiện thi hành",
            required=True,
            widget="text",
            example='"Không có thu nhập, không có tài sản để thi hành án"',
        ),
    ),
    (
        "quyet_dinh_chua_co_dieu_kien",
        _decision(
            "Quyết định về việc chưa có điều kiện thi hành",
            "15/QĐ-CCTHADS",
            "2025-03-04",
            hint="hạn đăng tính từ ngày của quyết định này",
        ),
    ),
    ("ngay_dang", _PUBLICATION_DATE),
    ("sua_doi", _AMENDMENTS),
    (
        "thu_hoi",
        FieldSpec(
            None,
            "Gỡ thông tin",
            widget="object",
            hint="khi người phải thi hành án đã thi hành xong hoặc đã có điều kiện: thông tin "
            "biến mất khỏi mọi trang, chỉ còn thông báo đã gỡ",
            subfields=(
                (
                    "ly_do",
                    FieldSpec(
                        convert_choice(WITHDRAWAL_REASONS),
                        "Lý do gỡ",
                        required=True,
                        widget="select",
                        choices=WITHDRAWAL_REASONS,
                        example="da_thi_hanh_xong",
                    ),
                ),
                (
                    "ngay_phat_sinh",
                    FieldSpec(
                        convert_day,
                        "Ngày thi hành xong / có điều kiện",
                        required=True,
                        widget="date",
                        hint="hạn gỡ tính từ ngày này",
                        example="2025-06-05",
                    ),
                ),
                (
                    "ngay",
                    FieldSpec(
                        convert_day,
                        "Ngày gỡ",
                        required=True,
                        widget="date",
                        example="2025-06-09",
                    ),
                ),
            ),
        ),
    ),
)

_DATETIME_HINT = "năm-tháng-ngày giờ:phút"

AUCTION_FIELDS: tuple[tuple[str, FieldSpec], ...] = (
    (
        "loai",
        FieldSpec(
            convert_choice(NOTICE_TYPES),
            "Loại thông báo",
            required=True,
            widget="select",
            choices=NOTICE_TYPES,
            example="dau_gia",
        ),
    ),
    (
        "tieu_de",
        FieldSpec(
            convert_text,
            "Tiêu đề",
            hint="có thể bỏ: trang tự đặt theo loại thông báo và tài sản",
            example='"Thông báo đấu giá quyền sử dụng đất tại phường V"',
        ),
    ),
    (
        "don_vi",
        dict(DEBTOR_FIELDS)["don_vi"],
    ),
    ("quyet_dinh_thi_hanh", _decision("Quyết định thi hành án", "112/QĐ-CTHADS", "2024-09-12")),
    (
        "tai_san",
        FieldSpec(
            convert_text,
            "Tài sản",
            required=True,
            widget="text",
            example='"Quyền sử dụng đất 250 m² thửa số 85, tờ bản đồ số 12, phường V"',
        ),
    ),
    (
        "gia_khoi_diem",
        FieldSpec(
            convert_money,
            "Giá khởi điểm",
            required=True,
            widget="number",
            number="money",
            example="1250000000",
        ),
    ),
    ("ngay_dang", _PUBLICATION_DATE),
    (
        "tieu_chi",
        FieldSpec(
            convert_text,
            "Tiêu chí lựa chọn",
            widget="text",
            hint="chỉ với thông báo lựa chọn tổ chức đấu giá",
            example='"Theo Điều 56 Luật Đấu giá tài sản"',
        ),
    ),
    (
        "noi_nop",
        FieldSpec(
            convert_text,
            "Nơi nộp hồ sơ",
            hint="chỉ với thông báo lựa chọn tổ chức đấu giá",
            example='"Cục THADS tỉnh, số 09 đường Trần Hưng Đạo"',
        ),
    ),
    (
        "han_nop",
        FieldSpec(
            convert_date,
            "Hạn nộp hồ sơ",
            widget="datetime",
            hint=_DATETIME_HINT + "; thông báo hết hạn sau ngày này",
            example="2025-10-20 17:00",
        ),
    ),
    (
        "tien_dat_truoc",
        FieldSpec(
            convert_money,
            "Tiền đặt trước",
            widget="number",
            number="money",
            hint="từ 5 % đến 20 % giá khởi điểm; chỉ với thông báo đấu giá",
            example="125000000",
        ),
    ),
    (
        "xem_tai_san",
        FieldSpec(
            convert_text,
            "Thời gian, địa điểm xem tài sản",
            widget="text",
            example='"Ngày 10 và 11/11/2025, tại nơi có tài sản"',
        ),
    ),
    (
        "han_dang_ky",
        FieldSpec(
            convert_date,
            "Hạn đăng ký tham gia",
            widget="datetime",
            hint=_DATETIME_HINT,
            example="2025-11-20 17:00",
        ),
    ),
    (
        "thoi_gian",
        FieldSpec(
            convert_date,
            "Thời gian đấu giá",
            widget="datetime",
            hint=_DATETIME_HINT + "; thông báo hết hạn sau ngày này",
            example="2025-11-24 09:00",
        ),
    ),
    (
        "dia_diem",
        FieldSpec(
            convert_text,
            "Địa điểm đấu giá",
            example='"Hội trường Công ty Đấu giá hợp danh Mẫu"',
        ),
    ),
    (
        "to_chuc",
        FieldSpec(
            convert_text,
            "Tổ chức đấu giá",
            example='"Công ty Đấu giá hợp danh Mẫu"',
        ),
    ),
    (
        "ket_qua",
        FieldSpec(
            None,
            "Kết quả",
            widget="object",
            hint="lựa chọn: tổ chức được chọn; đấu giá: thành hay không thành; thiếu kết quả "
            "khi đã hết hạn thì hiện trong danh sách đến hạn",
            subfields=(
                (
                    "ngay",
                    FieldSpec(
                        convert_day, "Ngày", required=True, widget="date", example="2025-10-24"
                    ),
                ),
                (
                    "noi_dung",
                    FieldSpec(
                        convert_text,
                        "Nội dung",
                        required=True,
                        widget="text",
                        example='"Lựa chọn Công ty Đấu giá hợp danh Mẫu"',
                    ),
                ),
            ),
        ),
    ),
    ("sua_doi", _AMENDMENTS),
)

#: Fields each notice type must have, and may have.
AUCTION_TYPE_FIELDS = {
    "lua_chon": ("tieu_chi", "noi_nop", "han_nop"),
    "dau_gia": (
        "tien_dat_truoc",
        "xem_tai_san",
        "han_dang_ky",
        "thoi_gian",
        "dia_diem",
        "to_chuc",
    ),
}

#: Keys that would publish more than the duty requires.
FORBIDDEN_KEYS = {
    "cmnd": "số chứng minh nhân dân",
    "cccd": "số căn cước công dân",
    "can_cuoc": "số căn cước",
    "so_dinh_danh": "số định danh cá nhân",
    "ho_chieu": "số hộ chiếu",
    "ngay_sinh": "ngày sinh",
    "nam_sinh": "năm sinh",
    "dien_thoai": "số điện thoại",
    "so_dien_thoai": "số điện thoại",
}
