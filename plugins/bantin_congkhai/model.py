"""Publication duties as structured content: the pure model.

Two content kinds, one small YAML file per entry:

- ``content/cong-khai/chua-co-dieu-kien/<slug>.yml``: a judgment debtor found to have no
  means to pay (người phải thi hành án chưa có điều kiện thi hành);
- ``content/cong-khai/dau-gia/<slug>.yml``: an auction notice, either the notice that the
  office is selecting an auction organisation (``loai: lua_chon``, with its result in
  ``ket_qua`` once chosen) or the auction itself (``loai: dau_gia``).

Each field is described once, as a :class:`bantin_frontmatter.fields.FieldSpec` in the tables
:data:`DEBTOR_FIELDS` and :data:`AUCTION_FIELDS`: the converter reads the value, the rest
(label, hint, example, widget) makes the editor's form and the staff guide's tables.
:func:`parse_entry` reads one file's text and returns the entry and **every** problem, each with
file, line and field. Rules between fields are a table too (:data:`DEBTOR_RULES`,
:data:`AUCTION_RULES`). Nothing here knows about Pelican, Jinja or the output.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bantin_core.problems import Problem, short_repr
from bantin_frontmatter.fields import (
    FieldContext,
    FieldError,
    FieldSpec,
    convert_date,
    convert_day,
    convert_text,
)
from bantin_frontmatter.loader import _dotted, parse_front_matter
from bantin_search.folding import fold

DEBTOR = "chua_co_dieu_kien"
AUCTION = "dau_gia"
#: Folder under content/ → kind.
FOLDERS = {"cong-khai/chua-co-dieu-kien": DEBTOR, "cong-khai/dau-gia": AUCTION}
KIND_LABELS = {
    DEBTOR: "người phải thi hành án chưa có điều kiện thi hành",
    AUCTION: "thông báo đấu giá",
}

# --------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class Decision:
    """A judgment, decision or other paper: its number, date and (for a court's) issuer."""

    so: str
    ngay: dt.date
    co_quan: str | None = None


@dataclass(frozen=True)
class Amendment:
    """A change of a published detail: when it changed, what, and when the site was amended
    (``ngay_sua`` None: not amended yet, a duty)."""

    ngay_thay_doi: dt.date
    noi_dung: str
    ngay_sua: dt.date | None = None


def amendments_made(amendments) -> tuple[Amendment, ...]:
    """Amendments already made on the site, oldest first (the history a page shows)."""
    made = (a for a in amendments if a.ngay_sua is not None)
    return tuple(sorted(made, key=lambda a: a.ngay_sua))


class _Amended:
    """The change history of an entry with ``sua_doi``."""

    @property
    def amendments_made(self) -> tuple[Amendment, ...]:
        """The change history shown on the page: amendments made on the site, oldest first."""
        return amendments_made(self.sua_doi)

    @property
    def last_amended(self) -> dt.date | None:
        made = self.amendments_made
        return made[-1].ngay_sua if made else None


WITHDRAWAL_REASONS = (
    ("da_thi_hanh_xong", "Người phải thi hành án đã thi hành xong nghĩa vụ"),
    ("co_dieu_kien", "Người phải thi hành án đã có điều kiện thi hành án"),
    ("khac", "Căn cứ khác theo quy định của pháp luật"),
)


@dataclass(frozen=True)
class Withdrawal:
    """Taking an entry down: why, since when the person paid or has means, and the day."""

    ly_do: str
    ngay_phat_sinh: dt.date
    ngay: dt.date

    @property
    def reason_text(self) -> str:
        return dict(WITHDRAWAL_REASONS)[self.ly_do]


@dataclass(frozen=True)
class Result:
    """What came of a notice: the organisation chosen, or the auction's outcome."""

    ngay: dt.date
    noi_dung: str


@dataclass(frozen=True)
class DebtorEntry(_Amended):
    """One judgment debtor without means to pay, as the office must publish it."""

    slug: str
    source: str
    ho_ten: str
    dia_chi: str
    don_vi: str
    ban_an: Decision
    quyet_dinh_thi_hanh: Decision
    nghia_vu: str
    ly_do: str
    quyet_dinh_chua_co_dieu_kien: Decision
    so_tien: int | None = None
    ngay_dang: dt.date | None = None
    sua_doi: tuple[Amendment, ...] = ()
    thu_hoi: Withdrawal | None = None

    kind = DEBTOR

    @property
    def title(self) -> str:
        return self.ho_ten

    @property
    def year(self) -> int:
        """The year the list files it under: the year of the office's decision."""
        return self.quyet_dinh_chua_co_dieu_kien.ngay.year

    @property
    def withdrawn(self) -> bool:
        return self.thu_hoi is not None

    def published_on(self, today: dt.date) -> bool:
        """Shown on the site: published by ``today`` and not withdrawn."""
        return not self.withdrawn and self.ngay_dang is not None and self.ngay_dang <= today

    @property
    def personal_details(self) -> tuple[str, ...]:
        """What identifies the person: none of it may remain anywhere once withdrawn."""
        return (
            self.ho_ten,
            self.dia_chi,
            self.ban_an.so,
            self.quyet_dinh_thi_hanh.so,
            self.quyet_dinh_chua_co_dieu_kien.so,
        )


NOTICE_TYPES = (
    ("lua_chon", "Thông báo lựa chọn tổ chức đấu giá tài sản"),
    ("dau_gia", "Thông báo đấu giá tài sản"),
)


@dataclass(frozen=True)
class AuctionNotice(_Amended):
    """A notice of selecting an auction organisation (``lua_chon``) or of an auction."""

    slug: str
    source: str
    loai: str
    don_vi: str
    quyet_dinh_thi_hanh: Decision
    tai_san: str
    gia_khoi_diem: int
    ngay_dang: dt.date | None = None
    tieu_de: str | None = None
    # lua_chon
    tieu_chi: str | None = None
    noi_nop: str | None = None
    han_nop: dt.datetime | None = None
    # dau_gia
    tien_dat_truoc: int | None = None
    xem_tai_san: str | None = None
    han_dang_ky: dt.datetime | None = None
    thoi_gian: dt.datetime | None = None
    dia_diem: str | None = None
    to_chuc: str | None = None
    ket_qua: Result | None = None
    sua_doi: tuple[Amendment, ...] = ()

    kind = AUCTION
    withdrawn = False

    @property
    def type_label(self) -> str:
        return dict(NOTICE_TYPES)[self.loai]

    @property
    def title(self) -> str:
        return self.tieu_de or f"{self.type_label}: {self.tai_san}"

    @property
    def ends(self) -> dt.datetime:
        """When the notice stops being current: the application deadline, or the auction."""
        return self.han_nop if self.loai == "lua_chon" else self.thoi_gian

    @property
    def year(self) -> int:
        return (self.ngay_dang or self.ends.date()).year

    def expired_on(self, today: dt.date) -> bool:
        return self.ends.date() < today

    def published_on(self, today: dt.date) -> bool:
        return self.ngay_dang is not None and self.ngay_dang <= today


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
            found=short_repr(text),
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

# --------------------------------------------------------------------------------------------
# Reading a block against its field table


@dataclass
class _Reading:
    """One file being read: where it is, its field lines and the problems found so far."""

    source: str
    lines: dict
    ctx: FieldContext
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: tuple) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path] - 1  # the loader counts the --- line we put before
            path = path[:-1]
        return None

    def problem(self, path: tuple, message, found=None, expected=None, hint=None) -> None:
        name = _dotted(path)
        if path and any(p.field == name for p in self.problems):
            return  # the loader already said what is wrong here (a date not on the calendar)
        self.problems.append(
            Problem(self.source, self.line(path), name, message, found, expected, hint)
        )


def _read_block(value, specs, path: tuple, reading: _Reading, *, top: bool = False):
    """The block ``value`` read field by field against ``specs``; None where a field failed."""
    if not isinstance(value, dict):
        reading.problem(
            path,
            "Khối này phải gồm các dòng con «tên_trường: giá trị» thụt vào 2 dấu cách",
            short_repr(value),
            ", ".join(name for name, _spec in specs),
        )
        return None
    table = dict(specs)
    out: dict = {}
    for key in value:
        if key in table:
            continue
        if top and str(key) in FORBIDDEN_KEYS:
            reading.problem(
                (*path, key),
                f"Không đăng {FORBIDDEN_KEYS[str(key)]}: pháp luật chỉ buộc công khai họ tên, "
                "địa chỉ, bản án, quyết định, nghĩa vụ và lý do",
                hint=f"xóa dòng {key}",
            )
            continue
        close = difflib.get_close_matches(str(key), list(table), n=1, cutoff=0.6)
        reading.problem(
            (*path, key),
            "Trường không có trong loại nội dung này",
            expected="một trong: " + ", ".join(table),
            hint=f"có phải ý bạn là «{close[0]}»?" if close else "xóa dòng này",
        )
    for name, spec in specs:
        where = (*path, name)
        if name not in value or value[name] is None:
            if spec.required:
                reading.problem(where, f"Thiếu «{spec.label}»", hint=spec.hint or None)
            continue
        out[name] = _read_value(value[name], spec, where, reading)
    return out


def _read_value(value, spec: FieldSpec, path: tuple, reading: _Reading):
    if spec.repeated:
        if not isinstance(value, list):
            reading.problem(path, "Cần một danh sách, mỗi mục bắt đầu bằng «- »", short_repr(value))
            return None
        items = [
            _read_block(item, spec.subfields, (*path, index), reading)
            for index, item in enumerate(value)
        ]
        return None if any(item is None or None in item.values() for item in items) else items
    if spec.subfields:
        block = _read_block(value, spec.subfields, path, reading)
        return None if block is None or None in block.values() else block
    try:
        return spec.converter(value, reading.ctx)
    except FieldError as error:
        reading.problem(path, error.message, error.found, error.expected, error.hint)
        return None


# --------------------------------------------------------------------------------------------
# Rules between fields: (check, fields it concerns); a check yields (path, message, hint)


def _order(first: str, second: str, what: str) -> Callable:
    """A rule: the date at ``first`` is not after the date at ``second``."""

    def check(data: dict, ctx):
        a, b = _get(data, first), _get(data, second)
        if a is not None and b is not None and _as_day(a) > _as_day(b):
            yield (
                tuple(second.split(".")),
                f"{what}: ngày này ({_as_day(b):%d/%m/%Y}) trước ngày ở «{first}» "
                f"({_as_day(a):%d/%m/%Y})",
                "kiểm tra lại hai ngày",
            )

    return check


def _get(data: dict, dotted: str):
    value = data
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _as_day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _unit_active(date_field: str) -> Callable:
    def check(data: dict, ctx):
        unit = (ctx.extra.get("units") or {}).get(data.get("don_vi"))
        day = _as_day(_get(data, date_field) or dt.date.min)
        if unit is not None and day != dt.date.min and not unit.active_on(day):
            yield (
                ("don_vi",),
                f"Đơn vị «{unit.ten}» không hoạt động vào ngày {day:%d/%m/%Y}",
                "chọn đơn vị đang hoạt động vào ngày đó (xem tu/den trong content/data/don_vi.yml)",
            )

    return check


def _amendments_after_publication(data: dict, ctx):
    published = data.get("ngay_dang")
    for index, amendment in enumerate(data.get("sua_doi") or ()):
        made = amendment.get("ngay_sua")
        if made is not None and made < amendment["ngay_thay_doi"]:
            yield (
                ("sua_doi", index, "ngay_sua"),
                "Ngày sửa trên trang trước ngày chi tiết thay đổi",
                "kiểm tra lại ngay_sua và ngay_thay_doi",
            )
        if made is not None and published is not None and made < published:
            yield (
                ("sua_doi", index, "ngay_sua"),
                f"Ngày sửa trước ngày đăng ({published:%d/%m/%Y})",
                "chỉ sửa được thông tin đã đăng",
            )


def _slug_without_name(data: dict, ctx):
    name = data.get("ho_ten")
    slug = ctx.extra.get("slug", "")
    words = fold(name).split() if name else []
    if len(words) >= 2 and "-".join(words[-2:]) in slug:
        yield (
            (),
            "Tên tệp chứa họ tên người phải thi hành án: địa chỉ trang giữ lại tên cả sau khi gỡ",
            "đặt tên tệp theo năm, đơn vị và số quyết định, ví dụ 2025-vi-thanh-15.yml",
        )


def _deposit_share(data: dict, ctx):
    price, deposit = data.get("gia_khoi_diem"), data.get("tien_dat_truoc")
    if price and deposit and not price * 5 <= deposit * 100 <= price * 20:
        yield (
            ("tien_dat_truoc",),
            f"Tiền đặt trước phải từ 5 % đến 20 % giá khởi điểm ({price * 5 // 100} – "
            f"{price * 20 // 100} đồng)",
            "kiểm tra lại số tiền (viết liền, không dấu chấm)",
        )


def _fields_of_type(data: dict, ctx):
    kind = data.get("loai")
    if kind not in AUCTION_TYPE_FIELDS:
        return
    labels = dict(AUCTION_FIELDS)
    for name in AUCTION_TYPE_FIELDS[kind]:
        if data.get(name) is None and name not in ctx.extra.get("failed", ()):
            yield ((name,), f"Thiếu «{labels[name].label}»", labels[name].hint or None)
    for other, names in AUCTION_TYPE_FIELDS.items():
        if other == kind:
            continue
        for name in names:
            if name in ctx.extra.get("written", ()):
                yield (
                    (name,),
                    f"Trường này chỉ dùng cho «{dict(NOTICE_TYPES)[other]}»",
                    f"xóa dòng {name}, hoặc kiểm tra lại loai",
                )


DEBTOR_RULES = (
    _order("ban_an.ngay", "quyet_dinh_thi_hanh.ngay", "Quyết định thi hành án"),
    _order(
        "quyet_dinh_thi_hanh.ngay",
        "quyet_dinh_chua_co_dieu_kien.ngay",
        "Quyết định về việc chưa có điều kiện thi hành",
    ),
    _order("quyet_dinh_chua_co_dieu_kien.ngay", "ngay_dang", "Ngày đăng"),
    _order("quyet_dinh_chua_co_dieu_kien.ngay", "thu_hoi.ngay_phat_sinh", "Ngày phát sinh"),
    _order("thu_hoi.ngay_phat_sinh", "thu_hoi.ngay", "Ngày gỡ"),
    _unit_active("quyet_dinh_chua_co_dieu_kien.ngay"),
    _amendments_after_publication,
    _slug_without_name,
)

AUCTION_RULES = (
    _fields_of_type,
    _order("quyet_dinh_thi_hanh.ngay", "ngay_dang", "Ngày đăng"),
    _order("ngay_dang", "han_nop", "Hạn nộp hồ sơ"),
    _order("ngay_dang", "han_dang_ky", "Hạn đăng ký"),
    _order("han_dang_ky", "thoi_gian", "Thời gian đấu giá"),
    _order("quyet_dinh_thi_hanh.ngay", "ket_qua.ngay", "Ngày kết quả"),
    _unit_active("ngay_dang"),
    _deposit_share,
    _amendments_after_publication,
)

_KINDS = {
    DEBTOR: (DEBTOR_FIELDS, DEBTOR_RULES),
    AUCTION: (AUCTION_FIELDS, AUCTION_RULES),
}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _decision_of(block: dict) -> Decision:
    return Decision(**block)


def _build(kind: str, slug: str, source: str, data: dict):
    values = dict(data)
    for name in ("ban_an", "quyet_dinh_thi_hanh", "quyet_dinh_chua_co_dieu_kien"):
        if name in values:
            values[name] = _decision_of(values[name])
    values["sua_doi"] = tuple(Amendment(**a) for a in values.get("sua_doi") or ())
    if kind == DEBTOR:
        if values.get("thu_hoi"):
            values["thu_hoi"] = Withdrawal(**values["thu_hoi"])
        return DebtorEntry(slug=slug, source=source, **values)
    if values.get("ket_qua"):
        values["ket_qua"] = Result(**values["ket_qua"])
    return AuctionNotice(slug=slug, source=source, **values)


def parse_entry(kind: str, text: str, slug: str, source: str, ctx: FieldContext):
    """One entry file's text → (the entry or None, every problem found).

    ``slug`` is the file name without ``.yml``; ``source`` the path staff see;
    ``ctx.extra["units"]``: ``ma`` → unit (``bantin_data.schema.Unit``) of the site.
    """
    specs, rules = _KINDS[kind]
    front, yaml_problems = parse_front_matter("---\n" + text.rstrip("\n") + "\n---\n")
    reading = _Reading(source, front.lines if front else {}, ctx)
    for problem in yaml_problems:
        line = problem.line - 1 if problem.line else None
        reading.problems.append(
            Problem(source, line, problem.field, problem.message, hint=problem.hint)
        )
    if front is None:
        return None, reading.problems
    if not _SLUG.match(slug):
        reading.problem(
            (),
            "Tên tệp chỉ được có chữ thường không dấu, chữ số và dấu gạch ngang",
            slug,
            "ví dụ 2025-vi-thanh-15.yml",
        )
    data = _read_block(front.data, specs, (), reading, top=True)
    if data is None:
        return None, reading.problems
    rule_ctx = FieldContext(
        ctx.content_path,
        ctx.source_path,
        earliest=ctx.earliest,
        extra={
            **ctx.extra,
            "slug": slug,
            "written": tuple(front.data),
            "failed": tuple(name for name, value in data.items() if value is None),
        },
    )
    clean = {name: value for name, value in data.items() if value is not None}
    for rule in rules:
        for path, message, hint in rule(clean, rule_ctx):
            reading.problem(path, message, hint=hint)
    if reading.problems:
        return None, reading.problems
    return _build(kind, slug, source, clean), []
