"""``make new``: a new article file with complete front-matter, ready to fill in.

The file passes the strict reader exactly as written: every other field an article may have
(tags, photo, the ``van_ban`` and ``ket_qua`` blocks) is there as a commented-out line, made
from the schema (``bantin_frontmatter.fields``: name, label, when required, hint, example), so
the template cannot offer a field the reader does not know. Removing the ``# `` and writing the
value after the colon is the only edit needed; blocks are in block form (one field a line), so
a half-uncommented block gets a problem about the field, not a YAML syntax error.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bantin_frontmatter.fields import FieldSpec, schema, suggest_slug


class ScaffoldError(Exception):
    """Something staff asked for cannot be done; the message is Vietnamese and says why."""


def _quoted(text: str) -> str:
    """A YAML double-quoted string (JSON's escapes are YAML's too); safe for «:», «#», «[»."""
    return json.dumps(text, ensure_ascii=False)


def _commented(lines: list[str]) -> list[str]:
    return [f"# {line}" if line else "#" for line in lines]


#: Column where a field line's explanation starts (after «# » once commented).
NOTE_COLUMN = 28


def field_note(spec: FieldSpec) -> str:
    """What a template line says about its field: label, when required, hint, example."""
    note = spec.label
    required = spec.required_when()
    if required != "Không bắt buộc":
        note += f" ({required.lower()})"
    if spec.hint:
        note += f": {spec.hint}"
    if spec.example and spec.example not in spec.hint:
        note += f"; ví dụ: {spec.example}"
    return note


def field_lines(name: str, spec: FieldSpec, indent: str = "", value: str = "") -> list[str]:
    """A field as template lines, its block's sub-fields below it in block form.

    Leaves have no value (staff write it after the colon; an empty one is a problem the
    reader names, never a YAML error). A list of blocks (``don_vi``) shows one item.
    """
    head = f"{indent}{name}:" + (f" {value}" if value else "")
    lines = [f"{head:<{NOTE_COLUMN - 1}} # {field_note(spec)}"]
    inner = indent + "  "
    for number, (sub_name, sub_spec) in enumerate(spec.subfields):
        if spec.repeated:
            prefix = inner + ("- " if number == 0 else "  ")
            sub = field_lines(sub_name, sub_spec, prefix)
            lines += [sub[0], *(inner + "  " + line[len(prefix) :] for line in sub[1:])]
        else:
            lines += field_lines(sub_name, sub_spec, inner)
    return lines


#: Fields ``make new`` writes with a value; every other article field is offered commented out.
WRITTEN = ("title", "date", "category", "slug", "status")
#: Blocks offered only when asked for (the document category, ``KET_QUA=1``).
BLOCKS = ("van_ban", "ket_qua")


def article_fields() -> list[tuple[str, FieldSpec]]:
    """The schema's fields an article may have, in the schema's order (maintainers' hidden
    fields left out)."""
    return [
        (name, spec)
        for name, spec in schema().items()
        if "article" in spec.kinds and spec.widget != "hidden"
    ]


_RESULTS_INTRO = [
    "--- Kết quả thi hành án (xem docs/huong-dan-ket-qua.md) ---",
    "Muốn dùng: bỏ «# » ở đầu các dòng dưới, kể cả các dòng mở khối (ket_qua, ky, viec,",
    "tien, don_vi, - ten); trong VS Code: chọn các dòng rồi bấm Ctrl+/. Giữ nguyên thụt lề,",
    "ghi số sau dấu hai chấm. Dòng không có số liệu thì để trống hoặc xóa hẳn. Không dùng",
    "phần đơn vị thì xóa từ dòng don_vi đến hết; mỗi đơn vị thêm thì chép cả nhóm dòng từ",
    "«- ten» đến hết.",
]
_DOCUMENT_INTRO = [
    "--- Thông tin văn bản: bỏ «# » ở đầu các dòng dưới (kể cả dòng van_ban:), điền đủ ---",
]


def results_block() -> list[str]:
    """The ``ket_qua`` block with every field, commented out, for staff to uncomment."""
    return _commented(_RESULTS_INTRO + field_lines("ket_qua", schema()["ket_qua"]))


def document_block() -> list[str]:
    """The ``van_ban`` block of a document post, commented out."""
    return _commented(_DOCUMENT_INTRO + field_lines("van_ban", schema()["van_ban"]))


@dataclass(frozen=True)
class NewArticle:
    """What ``make new`` was asked for.

    ``date`` is a date and time, a date (``make import`` found one in the document), or a
    placeholder text the reader refuses (``make import`` found none).
    """

    title: str
    category: str
    date: dt.datetime | dt.date | str
    with_results: bool = False
    document_category: str | None = None
    body: str = "Viết đoạn mở đầu của bài ở đây."

    @property
    def slug(self) -> str:
        return suggest_slug(self.title)

    def _date_value(self) -> str:
        if isinstance(self.date, dt.datetime):
            return f"{self.date:%Y-%m-%d %H:%M}"
        if isinstance(self.date, dt.date):
            return f"{self.date:%Y-%m-%d}"
        return self.date

    def render(self) -> str:
        """The whole file: front-matter and a body line to replace."""
        values = {
            "title": _quoted(self.title),
            "date": self._date_value(),
            "category": _quoted(self.category),
            "slug": self.slug,
            "status": "draft",
        }
        fields = article_fields()
        specs = dict(fields)
        lines = ["---"]
        for name in WRITTEN:
            lines += field_lines(name, specs[name], value=values[name])
        lines[-1] += "; xóa dòng này khi bài sẵn sàng đăng"
        lines += _commented(
            [
                line
                for name, spec in fields
                if name not in WRITTEN and name not in BLOCKS
                for line in field_lines(name, spec)
            ]
        )
        if self.document_category and self.category == self.document_category:
            lines += document_block()
        if self.with_results:
            lines += results_block()
        return "\n".join([*lines, "---", self.body.strip(), ""])


def check_category(category: str | None, categories) -> str:
    """The category asked for, or the first configured one; a Vietnamese error otherwise."""
    categories = list(categories)
    if not category:
        if not categories:
            raise ScaffoldError("Chưa cấu hình chuyên mục (BANTIN_CATEGORIES trong pelicanconf.py)")
        return categories[0]
    if categories and category not in categories:
        listing = "\n".join(f"  - {c}" for c in categories)
        raise ScaffoldError(
            f"Chuyên mục «{category}» không có trong danh sách. Chọn một trong:\n{listing}\n"
            f'Ví dụ: make new TITLE="…" CATEGORY="{categories[0]}"'
        )
    return category


def now_in(timezone: str) -> dt.datetime:
    """The current time in the site's time zone (Asia/Ho_Chi_Minh), as front-matter wants it."""
    return dt.datetime.now(ZoneInfo(timezone))


def plan_article(
    title: str,
    *,
    category: str | None,
    categories,
    now: dt.datetime,
    with_results: bool = False,
    document_category: str | None = None,
) -> NewArticle:
    """A checked new article (title, category), not yet written."""
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError('Thiếu tiêu đề. Ví dụ: make new TITLE="Hội nghị sơ kết 6 tháng"')
    article = NewArticle(
        title=title,
        category=check_category(category, categories),
        date=now,
        with_results=with_results,
        document_category=document_category,
    )
    if not article.slug:
        raise ScaffoldError("Tiêu đề phải có ít nhất một chữ cái hoặc chữ số")
    return article


def article_path(content: Path, article: NewArticle, *, year: int | None = None) -> Path:
    """``content/articles/YYYY/<slug>.md`` (the year of the post's date unless given); an error
    if that file exists already."""
    year = year or article.date.year
    path = content / "articles" / str(year) / f"{article.slug}.md"
    if path.exists():
        raise ScaffoldError(
            f"Đã có tệp {path}: không ghi đè. Mở tệp đó để sửa, hoặc đặt tiêu đề khác."
        )
    return path


def write_article(path: Path, article: NewArticle) -> Path:
    """Write the file; never overwrites (a file created meanwhile is an error too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(article.render())
    except FileExistsError:
        raise ScaffoldError(
            f"Đã có tệp {path}: không ghi đè. Mở tệp đó để sửa, hoặc đặt tiêu đề khác."
        ) from None
    return path


def create_article(content: Path, title: str, *, now: dt.datetime, **options) -> Path:
    """``make new``: write ``articles/YYYY/<slug>.md`` under ``content``; returns the path."""
    article = plan_article(title, now=now, **options)
    return write_article(article_path(content, article), article)
