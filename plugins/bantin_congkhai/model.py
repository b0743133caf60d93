"""Publication duties as structured content: the pure model.

Two content kinds, one small YAML file per entry:

- ``content/cong-khai/chua-co-dieu-kien/<slug>.yml``: a judgment debtor found to have no
  means to pay (người phải thi hành án chưa có điều kiện thi hành);
- ``content/cong-khai/dau-gia/<slug>.yml``: an auction notice, either the notice that the
  office is selecting an auction organisation (``loai: lua_chon``, with its result in
  ``ket_qua`` once chosen) or the auction itself (``loai: dau_gia``).

Each field is described once, in the tables of :mod:`.schema` (``DEBTOR_FIELDS``,
``AUCTION_FIELDS``): the converter reads the value, the rest makes the editor's form and the
staff guide's tables. :func:`parse_entry` reads one file's text and returns the entry and
**every** problem, each with file, line and field. Rules between fields are a table too
(:data:`DEBTOR_RULES`, :data:`AUCTION_RULES`). Nothing here knows about Pelican, Jinja or the
output.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bantin_core.problems import Problem, short_repr
from bantin_frontmatter.fields import FieldContext, FieldError, FieldSpec
from bantin_frontmatter.loader import field_name, parse_front_matter
from bantin_search.folding import fold

from .schema import (
    AUCTION_FIELDS,
    AUCTION_TYPE_FIELDS,
    DEBTOR_FIELDS,
    FORBIDDEN_KEYS,
    NOTICE_TYPES,
    WITHDRAWAL_REASONS,
)

DEBTOR = "chua_co_dieu_kien"
AUCTION = "dau_gia"
#: Folder under content/ → kind.
FOLDERS = {"cong-khai/chua-co-dieu-kien": DEBTOR, "cong-khai/dau-gia": AUCTION}

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
        name = field_name(path)
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
        if _empty(value.get(name)):
            if spec.required:
                reading.problem(where, f"Thiếu «{spec.label}»", hint=spec.hint or None)
            continue
        out[name] = _read_value(value[name], spec, where, reading)
    return out


def _empty(value) -> bool:
    """Not written: absent, null, "", or a block of such (the web editor's forms write these
    for the fields left empty)."""
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return value is None or value == "" or value == []


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
        for p in error.within(*path).problems:
            reading.problem(p.path, p.message, p.found, p.expected, p.hint)
        return None


# --------------------------------------------------------------------------------------------
# Rules between fields: a rule takes the values read (a field that failed is left out) and
# the context, and yields (path, message, hint) for each thing wrong


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
        made, changed = amendment.get("ngay_sua"), amendment.get("ngay_thay_doi")
        if made is not None and changed is not None and made < changed:
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
