"""Front-matter fields: one converter per field, looked up in a table (as Pelican's
``METADATA_PROCESSORS``). A converter takes the raw YAML value and returns the value Pelican and
the templates get, or raises :class:`FieldError` saying in Vietnamese what was expected.

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

from bantin_core.problems import short_repr


class FieldError(Exception):
    """A field's value is wrong. ``subfield`` narrows the path (``van_ban.tep``)."""

    def __init__(self, message, *, found=None, expected=None, hint=None, subfield=()):
        super().__init__(message)
        self.message = message
        self.found = found
        self.expected = expected
        self.hint = hint
        self.subfield = tuple(subfield)


@dataclass(frozen=True)
class SubProblem:
    """A problem a block converter found inside its block, with a path relative to it."""

    path: tuple
    message: str
    found: str | None = None
    expected: str | None = None
    hint: str | None = None


class BlockErrors(Exception):
    """A block (``ket_qua``, ``van_ban``) has several problems; report them all."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problems")
        self.problems = tuple(problems)


@dataclass
class FieldContext:
    """What converters may need besides the value."""

    content_path: str  # absolute path of the content folder
    source_path: str  # absolute path of the file being read
    categories: tuple = ()
    statuses: tuple = ("published", "draft", "hidden")
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
    return text


def convert_text(value, ctx):
    """A non-empty line of text."""
    return _text(value, ctx)


_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def convert_date(value, ctx):
    """A date (``2021-03-19``) or date and time (``2021-03-19 08:30``) → datetime."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(value.strip(), fmt)
            except ValueError:
                continue
    hint = "viết năm-tháng-ngày, ví dụ 2021-03-19 hoặc 2021-03-19 08:30"
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", value.strip()):
        day, month, year = re.split(r"[/.-]", value.strip())
        hint = f"viết năm trước: {year}-{int(month):02d}-{int(day):02d}"
    raise FieldError(
        "Ngày không đúng dạng", found=short_repr(value), expected="ngày dạng 2021-03-19", hint=hint
    )


def convert_day(value, ctx):
    """A calendar date without time (documents' issue and effective dates)."""
    return convert_date(value, ctx).date()


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
    """ASCII slug for a Vietnamese title ("Đại hội 2025–2030" → ``dai-hoi-2025-2030``)."""
    from pelican.utils import slugify

    text = unicodedata.normalize("NFC", title).replace("đ", "d").replace("Đ", "D")
    text = re.sub(r"[–—]", "-", text)
    return slugify(text, regex_subs=[(r"[^\w\s-]", ""), (r"(?u)[-\s]+", "-")], use_unicode=False)


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
            exc.subfield = (index,)
            raise
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


_DOCUMENT_FIELDS = {
    "loai": ("Loại văn bản", convert_text, True),
    "so_ky_hieu": ("Số, ký hiệu", convert_text, True),
    "co_quan_ban_hanh": ("Cơ quan ban hành", convert_text, True),
    "ngay_ban_hanh": ("Ngày ban hành", convert_day, True),
    "ngay_hieu_luc": ("Ngày hiệu lực", convert_day, False),
    "tep": ("Tệp đính kèm", None, False),
}


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
    for key in value:
        if key not in _DOCUMENT_FIELDS:
            problems.append(
                SubProblem(
                    (key,),
                    "Trường không có trong khối văn bản",
                    expected="một trong: " + ", ".join(_DOCUMENT_FIELDS),
                    hint=_closest_hint(str(key), tuple(_DOCUMENT_FIELDS)),
                )
            )
    for key, (label, converter, required) in _DOCUMENT_FIELDS.items():
        if key not in value:
            if required:
                problems.append(SubProblem((key,), f"Thiếu «{label}»"))
            continue
        try:
            if key == "tep":
                converted[key] = content_file(value[key], ctx, folder_hint="documents/2021/qd.pdf")
            else:
                converted[key] = converter(value[key], ctx)
        except FieldError as exc:
            problems.append(SubProblem((key,), exc.message, exc.found, exc.expected, exc.hint))
    if problems:
        raise BlockErrors(problems)
    return DocumentInfo(**converted)


def _closest_hint(text: str, choices) -> str | None:
    close = difflib.get_close_matches(text, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"có phải ý bạn là «{close[0]}»?" if close else None


@dataclass(frozen=True)
class FieldSpec:
    """How one front-matter field is read."""

    converter: Converter
    label: str
    required_for: tuple = ()  # "article", "page"


FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec(convert_text, "Tiêu đề", ("article", "page")),
    "date": FieldSpec(convert_date, "Ngày đăng", ("article",)),
    "modified": FieldSpec(convert_date, "Ngày sửa"),
    "category": FieldSpec(convert_category, "Chuyên mục", ("article",)),
    "tags": FieldSpec(convert_tags, "Thẻ"),
    "author": FieldSpec(convert_text, "Người viết"),
    "office": FieldSpec(convert_text, "Đơn vị của người viết"),
    "slug": FieldSpec(convert_slug, "Tên đường dẫn", ("article", "page")),
    "summary": FieldSpec(convert_text, "Tóm tắt"),
    "image": FieldSpec(convert_image, "Ảnh đại diện"),
    "image_alt": FieldSpec(convert_text, "Mô tả ảnh"),
    "image_caption": FieldSpec(convert_text, "Chú thích ảnh"),
    "status": FieldSpec(convert_status, "Trạng thái"),
    "van_ban": FieldSpec(convert_document, "Thông tin văn bản"),
    "lang": FieldSpec(convert_lang, "Ngôn ngữ"),
    "order": FieldSpec(convert_int, "Thứ tự trong trình đơn"),
    "template": FieldSpec(convert_text, "Mẫu trang"),
    "save_as": FieldSpec(convert_text, "Tệp xuất"),
    "url": FieldSpec(convert_text, "Địa chỉ"),
    "keywords": FieldSpec(convert_tags, "Từ khóa tìm kiếm"),
}


def register_field(name: str, converter: Converter, label: str, required_for=()) -> None:
    """Let another plugin add a field or block (idempotent)."""
    FIELDS[name] = FieldSpec(converter, label, tuple(required_for))


def closest_field(name: str) -> str | None:
    """Hint naming the known field closest to a misspelt one."""
    return _closest_hint(name, tuple(FIELDS))
