"""``make new``: a new article file with complete front-matter, ready to fill in.

The file passes the strict reader exactly as written: what staff may add later (tags, photo,
the ``ket_qua`` block) is there as commented-out lines, each explained in Vietnamese, so that
removing the ``# `` at the start of a line is the only edit needed to use it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bantin_frontmatter.fields import suggest_slug
from bantin_ketqua.model import COUNT_FIELDS, FIELD_LABELS


class ScaffoldError(Exception):
    """Something staff asked for cannot be done; the message is Vietnamese and says why."""


def _quoted(text: str) -> str:
    """A YAML double-quoted string (JSON's escapes are YAML's too); safe for «:», «#», «[»."""
    return json.dumps(text, ensure_ascii=False)


def _commented(lines: list[str]) -> list[str]:
    return [f"# {line}" if line else "#" for line in lines]


def _figures(kind: str, indent: str, unit: str) -> list[str]:
    """The figure fields of ``viec`` or ``tien``, empty, each labelled."""
    names = [n for n in COUNT_FIELDS if kind == "tien" or n != "giam"] + ["ty_le", "so_cung_ky"]
    notes = {
        "giai_quyet_xong": f"{unit} — BẮT BUỘC",
        "ty_le": "%, dấu chấm thập phân: 37,10% ghi 37.10",
        "so_cung_ky": "tăng ghi 53, giảm ghi -12",
    }
    return [
        f"{indent}{name + ':':<26}# {FIELD_LABELS[name]} ({notes.get(name, unit)})"
        for name in names
    ]


def results_block() -> list[str]:
    """The ``ket_qua`` block with every field, commented out, for staff to uncomment."""
    lines = [
        "ket_qua:",
        '  tieu_de: ""                 # Tiêu đề bảng (có thể bỏ)',
        "  ky:",
        "    tu:                       # Từ ngày, năm-tháng-ngày: 2020-10-01 — BẮT BUỘC",
        "    den:                      # Đến ngày, năm-tháng-ngày: 2021-02-28 — BẮT BUỘC",
        "  viec:                       # Về việc: số việc, viết liền, không dấu chấm",
        *_figures("viec", "    ", "số việc"),
        "  tien:                       # Về tiền: số đồng, viết liền: 75683482000",
        *_figures("tien", "    ", "đồng"),
        "  don_vi:                     # Đơn vị: chép 3 dòng dưới cho mỗi đơn vị",
        '    - ten: ""                 # Tên đơn vị',
        "      viec: {co_dieu_kien: , giai_quyet_xong: }",
        "      tien: {co_dieu_kien: , giai_quyet_xong: }",
    ]
    intro = [
        "--- Kết quả thi hành án (xem docs/huong-dan-ket-qua.md) ---",
        "Muốn dùng: bỏ «# » ở đầu các dòng dưới (giữ nguyên thụt lề), ghi số sau dấu hai",
        "chấm. Dòng nào không có số liệu thì xóa hẳn. Bắt buộc: ky (tu, den) và",
        "viec.giai_quyet_xong.",
    ]
    return _commented(intro + lines)


def document_block() -> list[str]:
    """The ``van_ban`` block of a document post, commented out."""
    return _commented(
        [
            "--- Thông tin văn bản: bỏ «# » ở đầu các dòng dưới, điền đủ ---",
            "van_ban:",
            "  loai: Quyết định",
            '  so_ky_hieu: "125/QĐ-CTHADS"',
            "  co_quan_ban_hanh: Tên cơ quan ban hành",
            "  ngay_ban_hanh: 2021-04-02   # năm-tháng-ngày",
            "  ngay_hieu_luc: 2021-04-02   # có thể bỏ",
            "  tep: documents/2021/ten-tep.pdf   # tệp PDF chép vào content/documents/",
        ]
    )


@dataclass(frozen=True)
class NewArticle:
    """What ``make new`` was asked for."""

    title: str
    category: str
    date: dt.datetime
    with_results: bool = False
    document_category: str | None = None
    body: str = "Viết đoạn mở đầu của bài ở đây."

    @property
    def slug(self) -> str:
        return suggest_slug(self.title)

    def render(self) -> str:
        """The whole file: front-matter and a body line to replace."""
        lines = [
            "---",
            f"title: {_quoted(self.title)}",
            f"date: {self.date:%Y-%m-%d %H:%M}",
            f"category: {_quoted(self.category)}",
            f"slug: {self.slug}",
            "status: draft                  # bản nháp: xóa dòng này khi bài sẵn sàng đăng",
            *_commented(
                [
                    'summary: "Một, hai câu tóm tắt bài, hiện ở trang chủ"',
                    "tags: [Hội nghị, Sơ kết]",
                    "author: Họ và tên người viết",
                    "office: Đơn vị của người viết",
                    "image: images/2021/ten-anh.jpg     # ảnh đại diện, chép vào content/images/",
                    "image_alt: Mô tả những gì nhìn thấy trong ảnh (bắt buộc khi có ảnh)",
                    "image_caption: Chú thích hiện dưới ảnh",
                ]
            ),
        ]
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


def article_path(content: Path, article: NewArticle) -> Path:
    """``content/articles/YYYY/<slug>.md``; an error if that file exists already."""
    path = content / "articles" / f"{article.date:%Y}" / f"{article.slug}.md"
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
