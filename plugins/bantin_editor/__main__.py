"""``python -m bantin_editor new|import``: what ``make new`` and ``make import`` run.

    new     --title "…" [--category "…"] [--ket-qua]   a new article, front-matter complete
    import  --file bao-cao.docx [--category "…"]       a Word report as a draft article

Both print the path of the file written and exit 1 with a Vietnamese message on any problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pelican.settings import read_settings

from bantin_frontmatter import settings as frontmatter_settings

from . import settings as editor_settings
from .scaffold import ScaffoldError, create_article, now_in
from .word import DATE_PLACEHOLDER, import_docx, judge, placeholders_left


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bantin_editor")
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--content", help="thư mục nội dung (mặc định: PATH trong settings)")
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="tạo bài mới")
    new.add_argument("--title", required=True)
    new.add_argument("--category", default="")
    new.add_argument("--ket-qua", default="", help="khác rỗng và khác 0: thêm khối ket_qua")
    word = commands.add_parser("import", help="nhập bài từ tệp Word (.docx)")
    word.add_argument("--file", required=True)
    word.add_argument("--category", default="")
    return parser.parse_args(argv)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv=None) -> int:
    args = _arguments(argv)
    settings = read_settings(args.settings)
    content = Path(args.content or settings["PATH"])
    settings["PATH"] = str(content.resolve())  # the reader judges the draft in this folder
    categories = frontmatter_settings.read(settings).categories
    now = now_in(settings.get("TIMEZONE") or "Asia/Ho_Chi_Minh")
    try:
        if args.command == "new":
            path = create_article(
                content,
                args.title,
                category=args.category or None,
                categories=categories,
                now=now,
                with_results=args.ket_qua not in ("", "0"),
                document_category=editor_settings.read(settings).document_category,
            )
            print(f"Đã tạo bài mới: {_relative(path)}")
            print("Mở tệp để viết bài; xóa dòng «status: draft» khi bài sẵn sàng đăng.")
            return 0
        path, images, converted = import_docx(
            Path(args.file),
            content,
            category=args.category or None,
            categories=categories,
            now=now,
        )
    except ScaffoldError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    report_import(path, images, converted, settings, now)
    return 0


def report_import(path: Path, images, converted, settings, now) -> None:
    """What the person importing reads: the draft, its date, photos, notes, what is left to do.

    The draft goes through the reader (the one judge of the build and ``make check``), so
    its problems are listed now, in the words they will see later, placeholders included.
    """
    print(f"Đã nhập bản nháp: {_relative(path)}")
    print(f"Tiêu đề gợi ý: {converted.title}")
    if converted.date:
        print(
            f"Ngày đăng: {converted.date:%d/%m/%Y}, lấy từ «{converted.date_text}» trong tệp "
            "Word; kiểm tra lại dòng date: trong bài."
        )
    else:
        print(
            f"Không tìm thấy ngày trong tệp Word (dạng «ngày 19 tháng 3 năm 2021» hoặc "
            f"«ngày 19/3/2021» ở đầu tệp). Mở bài, thay «{DATE_PLACEHOLDER}» ở dòng date: bằng "
            "ngày đăng, viết năm-tháng-ngày, ví dụ 2021-03-19. Bài và ảnh tạm đặt trong thư "
            f"mục năm {now.year}; nếu ngày đăng thuộc năm khác, chuyển tệp bài sang "
            "content/articles/<năm>/."
        )
    for image in images:
        print(f"Ảnh: {_relative(image)}")
    if converted.captions:
        print(f"Chú thích ảnh lấy từ tệp Word: {converted.captions} ảnh.")
    if converted.notes:
        print("Lưu ý khi đọc tệp Word:")
        for note in converted.notes:
            print(f"  - {note}")
    problems = judge(path, settings)
    reported = {problem.line for problem in problems}
    left = [(line, marker) for line, marker in placeholders_left(path) if line not in reported]
    if problems or left:
        print(f"Cần sửa trước khi đăng ({len(problems) + len(left)} chỗ):")
        for problem in problems:
            print(f"  - {problem.format()}")
        for line, marker in left:
            print(f"  - {_relative(path)}:{line}: thay «{marker}» bằng nội dung thật.")
    print("Đọc lại bài, sửa chuyên mục và tiêu đề nếu cần; xóa «status: draft» khi sẵn sàng đăng.")


if __name__ == "__main__":
    sys.exit(main())
