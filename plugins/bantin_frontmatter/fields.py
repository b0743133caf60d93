"""Front-matter fields: one converter per field, looked up in a table (as Pelican's
``METADATA_PROCESSORS``). A converter takes the raw YAML value and returns the value Pelican and
the templates get, or raises :class:`~bantin_core.problems.FieldError` holding the problems found,
saying in Vietnamese what was expected.

Other plugins add their blocks with :func:`register_field` (``ket_qua`` does).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from bantin_core.problems import FieldError, Problem, short_repr
from bantin_core.slug import slug

from .loader import CONTROL_CHARACTERS, control_character
from .settings import PLAIN
from .settings import read as read_settings


@dataclass
class FieldContext:
    """What converters may need besides the value."""

    content_path: str  # absolute path of the content folder
    source_path: str  # absolute path of the file being read
    categories: tuple = ()
    statuses: tuple = ("published", "draft", "hidden")
    # Post dates before this are typing mistakes (BANTIN_EARLIEST_DATE); after LATEST_DATE too.
    earliest: dt.date = PLAIN.earliest_date
    extra: dict = field(default_factory=dict)


Converter = Callable[[object, FieldContext], object]


def _text(value, ctx, *, name="văn bản"):
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise FieldError(
            f"Cần một {name}",
            found=short_repr(value),
            expected=f"một dòng {name}",
            hint="viết giá trị ngay sau dấu hai chấm; "
            "nếu có ký tự đặc biệt thì đặt trong ngoặc kép",
        )
    if isinstance(value, (dt.date, int, float)):
        # A title such as "2021" or a date-looking caption: the writer meant text.
        value = str(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not text:
        raise FieldError(f"{name.capitalize()} đang để trống", expected=f"một dòng {name}")
    control = CONTROL_CHARACTERS.search(text)
    if control:
        message, hint = control_character(ord(control.group()))
        raise FieldError(
            message, found=short_repr(text.encode("unicode_escape").decode()), hint=hint
        )
    marker = placeholder_in(text)
    if marker:
        raise FieldError(
            f"Vẫn còn chữ «{marker}» do công cụ ghi sẵn, chưa được thay",
            found=short_repr(text),
            expected=f"{name} thật do người viết ghi",
            hint=f"thay «{marker}» bằng nội dung thật",
        )
    return text


def convert_text(value, ctx):
    """A non-empty line of text."""
    return _text(value, ctx)


_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


#: Dates after this are typing mistakes (a year 2201 for 2021), not scheduled posts.
LATEST_DATE = dt.date(2099, 12, 31)


def earliest_date(settings) -> dt.date:
    """The earliest plausible post date of a site (see :mod:`.settings`)."""
    return read_settings(settings).earliest_date


def _in_range(value: dt.datetime, earliest: dt.date, written) -> dt.datetime:
    if not earliest <= value.date() <= LATEST_DATE:
        raise FieldError(
            "Năm của ngày này không hợp lý",
            found=short_repr(written),
            expected=f"ngày từ {earliest:%d/%m/%Y} đến {LATEST_DATE:%d/%m/%Y}",
            hint="kiểm tra lại năm (viết đủ 4 chữ số, năm-tháng-ngày)",
        )
    return value


def _parse_date(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d", *_DATE_FORMATS):
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
        shape = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", text)
        if shape:
            year, month, day = (int(g) for g in shape.groups())
            raise FieldError(
                f"Ngày {day:02d}/{month:02d}/{year} không có trên lịch",
                found=short_repr(value),
                expected="một ngày có thật, dạng năm-tháng-ngày, ví dụ 2021-03-19",
                hint="kiểm tra lại ngày và tháng (tháng 2 có 28 hoặc 29 ngày; "
                "tháng 4, 6, 9, 11 có 30 ngày)",
            )
    hint = "viết năm-tháng-ngày, ví dụ 2021-03-19 hoặc 2021-03-19 08:30"
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", value.strip()):
        day, month, year = re.split(r"[/.-]", value.strip())
        hint = f"viết năm trước: {year}-{int(month):02d}-{int(day):02d}"
    raise FieldError(
        "Ngày không đúng dạng", found=short_repr(value), expected="ngày dạng 2021-03-19", hint=hint
    )


def convert_date(value, ctx):
    """A date (``2021-03-19``) or date and time (``2021-03-19 08:30``) → datetime."""
    if isinstance(value, str) and placeholder_in(value):
        _text(value, ctx, name="ngày")  # says which placeholder is still there
    return _in_range(_parse_date(value), ctx.earliest, value)


#: Documents a post may list were issued after the country's first laws, not before.
EARLIEST_DOCUMENT = dt.date(1945, 9, 2)


def convert_day(value, ctx):
    """A calendar date without time (documents' issue and effective dates)."""
    return _in_range(_parse_date(value), EARLIEST_DOCUMENT, value).date()


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def convert_slug(value, ctx):
    """The URL name: lowercase ASCII words joined by hyphens."""
    text = _text(value, ctx, name="tên đường dẫn")
    if not _SLUG.match(text):
        raise FieldError(
            "Tên đường dẫn (slug) chỉ được có chữ thường không dấu, chữ số và dấu gạch ngang",
            found=short_repr(text),
            expected="ví dụ hoi-nghi-so-ket-5-thang-dau-nam-2021",
            hint=f"dùng: {suggest_slug(text)}",
        )
    return text


def suggest_slug(title: str) -> str:
    """The slug a title suggests ("Đại hội 2025–2030" → ``dai-hoi-2025-2030``): the one slug
    maker's, a dash between words or years read as a hyphen, not dropped."""
    return slug(_DASHES.sub("-", title))


_DASHES = re.compile(r"[–—]")


def convert_category(value, ctx):
    """One of the configured categories (near misses such as "Thu"/"Thư" are errors)."""
    text = _text(value, ctx, name="chuyên mục")
    if ctx.categories and text not in ctx.categories:
        raise FieldError(
            "Chuyên mục không có trong danh sách chuyên mục của trang",
            found=short_repr(text),
            expected="một trong: " + "; ".join(ctx.categories),
            hint=_closest_hint(text, ctx.categories),
        )
    return text


def convert_tags(value, ctx):
    """A list of tags. One tag without commas may be written alone."""
    if isinstance(value, str) and "," in value:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        raise FieldError(
            "Các thẻ phải viết thành danh sách, không ngăn bằng dấu phẩy",
            found=short_repr(value),
            expected="danh sách, ví dụ: [" + ", ".join(parts) + "]",
            hint="viết tags: [" + ", ".join(parts) + "] hoặc mỗi thẻ một dòng bắt đầu bằng «- »",
        )
    items = value if isinstance(value, list) else [value]
    tags = []
    for index, item in enumerate(items):
        try:
            tags.append(_text(item, ctx, name="thẻ"))
        except FieldError as exc:
            raise exc.within(index) from None
    return tuple(dict.fromkeys(tags))


def convert_status(value, ctx):
    """published (default), draft or hidden."""
    text = _text(value, ctx, name="trạng thái")
    if text not in ctx.statuses:
        raise FieldError(
            "Trạng thái không hợp lệ",
            found=short_repr(text),
            expected=" hoặc ".join(ctx.statuses),
            hint="draft: bản nháp, chưa đăng; published: đăng; hidden: đăng nhưng không liệt kê",
        )
    return text


def content_file(value, ctx, *, folder_hint="images/2021/anh.jpg"):
    """A path to a file under content/, checked to exist."""
    text = _text(value, ctx, name="đường dẫn tệp")
    for prefix in ("{static}/", "{static}", "{attach}/", "/"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    full = os.path.normpath(os.path.join(ctx.content_path, text))
    if not full.startswith(os.path.normpath(ctx.content_path) + os.sep):
        raise FieldError(
            "Tệp nằm ngoài thư mục content/",
            found=short_repr(value),
            expected=f"đường dẫn trong content/, ví dụ {folder_hint}",
        )
    if not os.path.isfile(full):
        raise FieldError(
            "Không tìm thấy tệp",
            found=short_repr(value),
            expected=f"đường dẫn tính từ thư mục content/, ví dụ {folder_hint}",
            hint="kiểm tra tên tệp (kể cả chữ hoa, chữ thường và đuôi .jpg/.png/.pdf)",
        )
    return text.replace(os.sep, "/")


def convert_image(value, ctx):
    """A photo under content/images/."""
    return content_file(value, ctx)


_TEMPLATE = re.compile(r"^[a-z0-9_]+$")


def convert_template(value, ctx):
    """The name of one of the theme's page templates (``page_en``), never a path."""
    text = _text(value, ctx, name="tên mẫu trang")
    if not _TEMPLATE.match(text):
        raise FieldError(
            "Tên mẫu trang chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới",
            found=short_repr(text),
            expected="tên một mẫu trong theme/templates/, không có đuôi .html, ví dụ page",
            hint="xóa dòng template nếu không chắc: trang dùng mẫu mặc định",
        )
    return text


def convert_int(value, ctx):
    """A whole number (menu order)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("Cần một số nguyên", found=short_repr(value), expected="ví dụ 1, 2, 3")
    return value


def convert_lang(value, ctx):
    """Language of the page: vi or en."""
    text = _text(value, ctx, name="mã ngôn ngữ")
    if text not in ("vi", "en"):
        raise FieldError("Ngôn ngữ không hỗ trợ", found=short_repr(text), expected="vi hoặc en")
    return text


@dataclass(frozen=True)
class DocumentInfo:
    """A văn bản's register entry."""

    loai: str
    so_ky_hieu: str
    co_quan_ban_hanh: str
    ngay_ban_hanh: dt.date
    ngay_hieu_luc: dt.date | None = None
    tep: str | None = None


def convert_document(value, ctx):
    """The ``van_ban`` block: a document's type, number, issuer, dates and PDF."""
    if not isinstance(value, dict):
        raise FieldError(
            "Khối văn bản phải gồm các dòng con thụt vào 2 dấu cách",
            found=short_repr(value),
            expected="loai, so_ky_hieu, co_quan_ban_hanh, ngay_ban_hanh, tep",
        )
    problems = []
    converted = {}
    specs = dict(_DOCUMENT_SPECS)
    for key in value:
        if key not in specs:
            problems.append(
                Problem.inside(
                    (key,),
                    "Trường không có trong khối văn bản",
                    expected="một trong: " + ", ".join(specs),
                    hint=_closest_hint(str(key), tuple(specs)),
                )
            )
    for key, spec in specs.items():
        if key not in value:
            if spec.required:
                problems.append(Problem.inside((key,), f"Thiếu «{spec.label}»"))
            continue
        try:
            if key == "tep":
                converted[key] = content_file(value[key], ctx, folder_hint=spec.example)
            else:
                converted[key] = spec.converter(value[key], ctx)
        except FieldError as exc:
            problems.extend(exc.within(key).problems)
    if problems:
        raise FieldError(problems=problems)
    return DocumentInfo(**converted)


def _closest_hint(text: str, choices) -> str | None:
    close = difflib.get_close_matches(text, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"có phải ý bạn là «{close[0]}»?" if close else None


@dataclass(frozen=True)
class FieldSpec:
    """One front-matter field, the one description every tool reads.

    The reader converts with ``converter``; the web editor's form (``bantin_editor.admin``),
    ``make new``'s template (``bantin_editor.scaffold``), the Word importer and the staff guide's
    field tables (:func:`guide_table`) are made from the other attributes, so they cannot drift.

    ``required_for`` lists the content kinds ("article", "page") that must have the field;
    ``required_with`` names the field whose presence makes this one required (``image_alt``
    with ``image``); ``required`` is for a block's sub-fields: required whenever the block is
    written. ``example`` is a valid value as staff write it in YAML. ``widget`` is the form
    control: string, text, markdown, datetime, date, select, list, image, file, number,
    object, hidden. ``number`` says which Vietnamese number a number holds: count, signed
    (counts that may be negative), money, signed-money, percent. ``subfields`` describe a
    block (``van_ban``, ``ket_qua``), ``repeated`` a list of such blocks (``don_vi``).
    """

    converter: Converter | None
    label: str
    required_for: tuple = ()
    hint: str = ""
    example: str = ""
    widget: str = "string"
    choices: tuple = ()  # (value, Vietnamese label) pairs
    pattern: tuple = ()  # (regular expression, Vietnamese message)
    required_with: str = ""
    required: bool = False
    number: str = ""
    subfields: tuple = ()  # ((name, FieldSpec), ...)
    repeated: bool = False
    kinds: tuple = ("article", "page")

    def required_when(self) -> str:
        """When the field must be written, in words staff read («Bắt buộc khi có ảnh»)."""
        if self.required_for == ("article", "page"):
            return "Bắt buộc"
        if self.required_for:
            return "Bắt buộc với " + " và ".join(KIND_LABELS[k] for k in self.required_for)
        if self.required_with:
            return f"Bắt buộc khi có «{self.required_with}»"
        if self.required:
            return "Bắt buộc khi có khối này"
        return "Không bắt buộc"


#: Content kinds as staff name them.
KIND_LABELS = {"article": "bài viết", "page": "trang giới thiệu"}

#: Text the tools write where a person must still write something (``make import`` writes the
#: first for every photo). A field or a photo description holding one is a problem until
#: replaced, so a draft made by a tool can never be published with it.
PLACEHOLDERS = ("CẦN VIẾT MÔ TẢ ẢNH", "CẦN ĐIỀN", "CẦN SỬA")


def placeholder_in(text: str) -> str | None:
    """The placeholder ``text`` still holds, if any (case as the tools write it)."""
    upper = text.upper()
    return next((marker for marker in PLACEHOLDERS if marker in upper), None)


_STATUS_CHOICES = (
    ("published", "Đăng"),
    ("draft", "Bản nháp (chưa đăng)"),
    ("hidden", "Đăng nhưng không liệt kê"),
)
_SLUG_PATTERN = (
    _SLUG.pattern,
    "Chỉ chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ hoi-nghi-so-ket-2021",
)
_ARTICLE = ("article",)
_PAGE = ("page",)

_DOCUMENT_SPECS = (
    (
        "loai",
        FieldSpec(
            convert_text,
            "Loại văn bản",
            required=True,
            hint="Quyết định, Công văn, Kế hoạch, Thông báo…",
            example="Quyết định",
        ),
    ),
    (
        "so_ky_hieu",
        FieldSpec(
            convert_text,
            "Số, ký hiệu",
            required=True,
            hint="Số và ký hiệu in trên văn bản",
            example='"125/QĐ-CTHADS"',
        ),
    ),
    (
        "co_quan_ban_hanh",
        FieldSpec(
            convert_text,
            "Cơ quan ban hành",
            required=True,
            example="Cục Thi hành án dân sự tỉnh Hậu Giang",
        ),
    ),
    (
        "ngay_ban_hanh",
        FieldSpec(
            convert_day,
            "Ngày ban hành",
            required=True,
            widget="date",
            hint="năm-tháng-ngày",
            example="2021-04-02",
        ),
    ),
    (
        "ngay_hieu_luc",
        FieldSpec(
            convert_day,
            "Ngày hiệu lực",
            widget="date",
            hint="năm-tháng-ngày; bỏ trống nếu có hiệu lực từ ngày ban hành",
            example="2021-04-02",
        ),
    ),
    (
        "tep",
        FieldSpec(
            None,  # content_file with the documents folder hint, see convert_document
            "Tệp đính kèm",
            widget="file",
            hint="tệp PDF chép vào thư mục của năm trong content/documents/",
            example="documents/2021/125-qd-cthads.pdf",
            pattern=(r"\.pdf$", "Chỉ nhận tệp PDF"),
        ),
    ),
)

FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec(
        convert_text,
        "Tiêu đề",
        ("article", "page"),
        hint='viết đủ dấu; có dấu hai chấm «:» thì đặt cả tiêu đề trong ngoặc kép «"…"»',
        example='"Hội nghị sơ kết công tác thi hành án dân sự 5 tháng đầu năm 2021"',
    ),
    "date": FieldSpec(
        convert_date,
        "Ngày đăng",
        _ARTICLE,
        hint="năm-tháng-ngày giờ:phút (không ghi 19/03/2021); ngày trong tương lai: bài được "
        "hẹn giờ, tự đăng vào ngày đó",
        example="2021-03-19 08:30",
        widget="datetime",
        kinds=_ARTICLE,
    ),
    "modified": FieldSpec(
        convert_date,
        "Ngày sửa",
        hint="ghi khi sửa nội dung bài đã đăng",
        example="2021-03-20 10:00",
        widget="datetime",
        kinds=_ARTICLE,
    ),
    "category": FieldSpec(
        convert_category,
        "Chuyên mục",
        _ARTICLE,
        hint="đúng một chuyên mục trong danh sách của trang (BANTIN_CATEGORIES)",
        example='"Tin hoạt động"',
        widget="select",
        kinds=_ARTICLE,
    ),
    "slug": FieldSpec(
        convert_slug,
        "Tên đường dẫn",
        ("article", "page"),
        hint="địa chỉ của bài: chữ thường không dấu, chữ số, dấu gạch ngang; thường trùng tên "
        "tệp; không đổi sau khi đã đăng; thiếu thì thông báo lỗi gợi ý sẵn một tên",
        example="hoi-nghi-so-ket-5-thang-2021",
        pattern=_SLUG_PATTERN,
    ),
    "status": FieldSpec(
        convert_status,
        "Trạng thái",
        hint="draft: bản nháp, chưa đăng; hidden: đăng nhưng không liệt kê; bỏ trống: đăng",
        example="draft",
        widget="select",
        choices=_STATUS_CHOICES,
    ),
    "summary": FieldSpec(
        convert_text,
        "Tóm tắt",
        hint="một, hai câu; hiện ở trang chủ và danh sách tin",
        example='"Sáng 19/3, Cục THADS tỉnh tổ chức hội nghị sơ kết."',
        widget="text",
    ),
    "tags": FieldSpec(
        convert_tags,
        "Thẻ",
        hint="danh sách trong ngoặc vuông, ngăn bằng dấu phẩy",
        example="[Hội nghị, Sơ kết]",
        widget="list",
        kinds=_ARTICLE,
    ),
    "author": FieldSpec(convert_text, "Người viết", example="Nguyễn Văn An", kinds=_ARTICLE),
    "office": FieldSpec(
        convert_text,
        "Đơn vị của người viết",
        example="Văn phòng Cục",
        kinds=_ARTICLE,
    ),
    "image": FieldSpec(
        convert_image,
        "Ảnh đại diện",
        hint="đường dẫn tính từ thư mục content/; "
        "ảnh chép vào thư mục của năm trong content/images/",
        example="images/2021/hoi-nghi.jpg",
        widget="image",
        kinds=_ARTICLE,
    ),
    "image_alt": FieldSpec(
        convert_text,
        "Mô tả ảnh",
        hint="mô tả ngắn những gì trong ảnh, cho người khiếm thị dùng trình đọc màn hình",
        example='"Quang cảnh hội nghị sơ kết"',
        required_with="image",
        kinds=_ARTICLE,
    ),
    "image_caption": FieldSpec(
        convert_text,
        "Chú thích ảnh",
        hint="dòng chữ dưới ảnh",
        example='"Đồng chí Cục trưởng phát biểu tại hội nghị"',
        kinds=_ARTICLE,
    ),
    "van_ban": FieldSpec(
        convert_document,
        "Thông tin văn bản",
        hint="với bài đăng một văn bản: loại, số ký hiệu, cơ quan, ngày, tệp PDF",
        widget="object",
        subfields=_DOCUMENT_SPECS,
        kinds=_ARTICLE,
    ),
    "lang": FieldSpec(
        convert_lang,
        "Ngôn ngữ",
        hint="vi (mặc định) hoặc en",
        example="en",
        widget="select",
        choices=(("vi", "Tiếng Việt"), ("en", "Tiếng Anh")),
        kinds=_PAGE,
    ),
    "order": FieldSpec(
        convert_int,
        "Thứ tự trong trình đơn",
        hint="số nguyên; trang có số nhỏ đứng trước",
        example="2",
        widget="number",
        number="count",
        kinds=_PAGE,
    ),
    # For maintainers (theme work), not offered in the editor or make new.
    "template": FieldSpec(convert_template, "Mẫu trang", widget="hidden", kinds=_PAGE),
    "save_as": FieldSpec(convert_text, "Tệp xuất", widget="hidden", kinds=_PAGE),
    "url": FieldSpec(convert_text, "Địa chỉ", widget="hidden", kinds=_PAGE),
    "keywords": FieldSpec(
        convert_tags,
        "Từ khóa tìm kiếm",
        hint="từ người dân hay gõ khi tìm bài này",
        example="[đấu giá, tài sản]",
        widget="list",
    ),
}


def schema() -> dict[str, FieldSpec]:
    """Every front-matter field, the bundled blocks included (``ket_qua``).

    Pelican registers the blocks when it loads their plugins; tools that run without Pelican
    (the editor's form, ``make new``, the guide's tables) ask here.
    """
    if "ket_qua" not in FIELDS:
        from bantin_ketqua import add_field  # the block's own plugin describes it

        add_field()
    return FIELDS


def guide_table(specs) -> str:
    """A Markdown table of fields (name, label, when required, example, hint) for the guide."""
    rows = ["| Trường | Tên | Khi nào cần | Ví dụ | Ghi chú |", "|---|---|---|---|---|"]
    for name, spec in specs:
        if spec.widget == "hidden":
            continue
        example = f"`{spec.example}`" if spec.example else ""
        rows.append(
            f"| `{name}` | {spec.label} | {spec.required_when()} | {example} | {spec.hint} |"
        )
    return "\n".join(rows)


def register_field(
    name: str, converter: Converter, label: str, required_for=(), **description
) -> None:
    """Let another plugin add a field or block (idempotent); ``description`` as FieldSpec."""
    FIELDS[name] = FieldSpec(converter, label, tuple(required_for), **description)


def closest_field(name: str) -> str | None:
    """Hint naming the known field closest to a misspelt one."""
    return _closest_hint(name, tuple(FIELDS))
