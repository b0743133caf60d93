"""Whole-site checks on the content folder, before Pelican runs (``make check``).

The strict reader already checks each file's front-matter on its own. These checks need the whole
site at once, or the raw file as it sits on disk: two items writing the same output path (Pelican
would crash late or overwrite), category/tag names that merge into one page, links and images that
lead nowhere or outside ``content/``, future dates that would publish at once, images without alt
text, files not UTF-8 or not in Unicode NFC.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from markdown import Markdown
from pelican.urlwrappers import Category, Tag

from bantin_core.problems import Problem
from bantin_frontmatter.fields import FieldError, convert_date
from bantin_frontmatter.loader import parse_front_matter
from bantin_frontmatter.reader import display_path

TEXT_SUFFIXES = {".md", ".markdown", ".yml", ".yaml", ".txt", ".html", ".svg", ".csv"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_PLACEHOLDER = re.compile(r"^[{|](filename|static|attach)[}|](.*)$", re.S)
_ATTACHMENT_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".zip", ".rar"}
DUPLICATE_PATH = "Trùng địa chỉ"  # Pelican would stop half-way: `check` skips the build
_HINT_STATIC = "viết {static}/đường-dẫn-tính-từ-content (ví dụ {static}/images/2021/anh.jpg)"


@dataclass(frozen=True)
class ContentFile:
    """A Markdown file that parsed: what the checks need from it."""

    path: Path
    source: str  # as staff see it
    kind: str  # "article" or "page"
    data: dict
    lines: dict
    body: str
    body_line: int


def check_sources(content: Path, settings: dict, now: dt.datetime | None = None) -> list[Problem]:
    """Every whole-site problem in ``content``, in Vietnamese, file by file."""
    content = Path(content).resolve()
    problems: list[Problem] = []
    files: list[ContentFile] = []
    for path in sorted(p for p in content.rglob("*") if p.is_file()):
        source = display_path(str(path))
        problems.extend(check_encoding(path, source, content))
        kind = content_kind(path, content, settings)
        if kind is None:
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue  # reported above
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
        front, _yaml_problems = parse_front_matter(text)
        if front is not None:  # the reader reports YAML problems
            files.append(
                ContentFile(
                    path, source, kind, front.data, front.lines, front.body, front.body_line
                )
            )
    problems.extend(check_output_paths(files, content, settings))
    problems.extend(check_taxonomies(files, settings))
    problems.extend(check_future_dates(files, settings, now))
    markdown = _markdown(settings)
    for item in files:
        problems.extend(check_body(item, content, markdown))
    return problems


def content_kind(path: Path, content: Path, settings: dict) -> str | None:
    """ "page" or "article" for a Markdown file under PAGE_PATHS / ARTICLE_PATHS, else None."""
    if path.suffix not in MARKDOWN_SUFFIXES:
        return None
    relative = path.relative_to(content).as_posix()
    for kind, key in (("page", "PAGE_PATHS"), ("article", "ARTICLE_PATHS")):
        for folder in settings.get(key, ()):
            if relative.startswith(folder.rstrip("/") + "/"):
                return kind
    return None


# --- Encoding --------------------------------------------------------------------------------
def check_encoding(path: Path, source: str, content: Path) -> list[Problem]:
    """Text files must be UTF-8 and NFC; file names must be NFC (macOS writes NFD names)."""
    problems = []
    relative = path.relative_to(content).as_posix()
    if not unicodedata.is_normalized("NFC", relative):
        problems.append(
            Problem(
                source,
                None,
                "",
                "Tên tệp hoặc thư mục gõ dấu theo kiểu tổ hợp (không phải Unicode dựng sẵn NFC): "
                "địa chỉ trên máy chủ sẽ khác với địa chỉ trong bài",
                hint="đổi tên tệp, gõ lại phần có dấu (hoặc dùng tên không dấu)",
            )
        )
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return problems
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                source,
                raw[: exc.start].count(b"\n") + 1,
                "",
                "Tệp không được lưu bằng mã UTF-8 (Unicode), chữ tiếng Việt sẽ bị lỗi",
                hint="mở tệp bằng trình soạn thảo (Notepad++, VS Code), chọn lưu với mã hóa "
                "UTF-8, rồi lưu lại",
            )
        )
        return problems
    for number, line in enumerate(text.splitlines(), 1):
        if not unicodedata.is_normalized("NFC", line):
            problems.append(
                Problem(
                    source,
                    number,
                    "",
                    "Tệp có chữ gõ dấu kiểu tổ hợp (không phải Unicode dựng sẵn NFC): tìm kiếm và "
                    "sắp xếp sẽ sai",
                    found=line.strip().rstrip(".")[:60],
                    hint="dùng bộ gõ Unicode dựng sẵn (Unikey: bảng mã «Unicode dựng sẵn»), hoặc "
                    "trong VS Code chạy lệnh «Normalize to NFC», rồi lưu lại",
                )
            )
            break  # one per file: the fix is the same for every line
    return problems


# --- Output paths ----------------------------------------------------------------------------
def _date(item: ContentFile) -> dt.datetime | None:
    try:
        return convert_date(item.data["date"], None) if "date" in item.data else None
    except FieldError:
        return None


def planned_output(item: ContentFile, settings: dict) -> str | None:
    """Where Pelican will write ``item`` (None: not written, or too broken to say)."""
    data = item.data
    if "save_as" in data:
        return str(data["save_as"]) or None
    status = data.get("status", "published")
    lang = data.get("lang", settings.get("DEFAULT_LANG"))
    prefix = "ARTICLE" if item.kind == "article" else "PAGE"
    if status == "draft":
        prefix = "DRAFT" if item.kind == "article" else "DRAFT_PAGE"
    key = f"{prefix}_SAVE_AS" if lang == settings.get("DEFAULT_LANG") else f"{prefix}_LANG_SAVE_AS"
    pattern = settings.get(key) or settings.get(f"{prefix}_SAVE_AS")
    fields = {"slug": data.get("slug"), "lang": lang, "date": _date(item)}
    if "category" in data:
        fields["category"] = Category(str(data["category"]), settings).slug
    if not pattern or fields["slug"] is None:
        return None
    try:
        return pattern.format(**fields)
    except (KeyError, AttributeError, TypeError, ValueError):
        return None


def _generated_outputs(files, content: Path, settings: dict) -> dict[str, str]:
    """Output paths Pelican writes on its own, with what writes them."""
    outputs = {}
    # Fixed pages of plugins and of Pelican itself (ARCHIVES_SAVE_AS, BANTIN_…_SAVE_AS).
    for key, save_as in settings.items():
        if key.endswith("_SAVE_AS") and isinstance(save_as, str) and save_as and "{" not in save_as:
            outputs[save_as] = f"trang cố định của trang web ({key})"
    for name in settings.get("DIRECT_TEMPLATES", ()):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if save_as:
            outputs[save_as] = f"trang «{name}» của giao diện"
    for save_as in settings.get("TEMPLATE_PAGES", {}).values():
        outputs[save_as] = "trang mẫu của giao diện"
    years = {d.year for d in (_date(f) for f in files if f.kind == "article") if d}
    pattern = settings.get("YEAR_ARCHIVE_SAVE_AS")
    for year in years if pattern else ():
        outputs[pattern.format(date=dt.date(year, 1, 1))] = f"trang lưu trữ năm {year}"
    for folder in settings.get("STATIC_PATHS", ()):
        for path in sorted((content / folder).rglob("*")):
            if path.is_file():
                relative = path.relative_to(content).as_posix()
                outputs[settings.get("STATIC_SAVE_AS", "{path}").format(path=relative)] = (
                    display_path(str(path))
                )
    return outputs


def check_output_paths(files, content: Path, settings: dict) -> list[Problem]:
    """Two items that would write the same file: Pelican crashes or one silently wins."""
    owners: dict[str, list[ContentFile]] = defaultdict(list)
    for item in files:
        target = planned_output(item, settings)
        if target:
            owners[os.path.normpath(target)].append(item)
    generated = {
        os.path.normpath(k): v for k, v in _generated_outputs(files, content, settings).items()
    }
    problems = []
    for target, items in sorted(owners.items()):
        others_generated = [generated[target]] if target in generated else []
        if len(items) < 2 and not others_generated:
            continue
        for item in items:
            others = [i.source for i in items if i is not item] + others_generated
            problems.append(
                Problem(
                    item.source,
                    item.lines.get(("slug",)),
                    "slug",
                    f"{DUPLICATE_PATH}: bài này và {', '.join(others)} cùng ghi ra tệp «{target}», "
                    "một bài sẽ mất",
                    found=str(item.data.get("slug")),
                    hint="đổi slug của một trong các bài cho khác nhau",
                )
            )
    return problems


# --- Categories and tags ---------------------------------------------------------------------
def check_taxonomies(files, settings: dict) -> list[Problem]:
    """Names that Pelican would merge into one page because their slugs are equal."""
    problems = []
    for field, label, wrapper in (("category", "Chuyên mục", Category), ("tags", "Thẻ", Tag)):
        uses: dict[str, dict[str, list[ContentFile]]] = defaultdict(lambda: defaultdict(list))
        for item in files:
            value = item.data.get(field)
            names = value if isinstance(value, list) else [value] if value else []
            for name in names:
                if not isinstance(name, str) or not name.strip():
                    continue
                name = unicodedata.normalize("NFC", name.strip())
                slug = wrapper(name, settings).slug
                if not slug:
                    problems.append(
                        Problem(
                            item.source,
                            item.lines.get((field,)),
                            field,
                            f"{label} không tạo được địa chỉ trang (không có chữ hay số nào)",
                            found=f"«{name}»",
                            hint="viết tên bằng chữ, ví dụ «Hội nghị»",
                        )
                    )
                    continue
                uses[slug][name].append(item)
        for slug, names in sorted(uses.items()):
            if len(names) < 2:
                continue
            counts = "; ".join(f"«{n}» ({len(items)} bài)" for n, items in sorted(names.items()))
            for name, items in sorted(names.items()):
                for item in items:
                    problems.append(
                        Problem(
                            item.source,
                            item.lines.get((field,)),
                            field,
                            f"{label} chỉ khác dấu hoặc chữ hoa với tên khác, hai tên sẽ bị gộp "
                            f"thành một trang «{slug}»",
                            found=f"«{name}»",
                            expected="một cách viết thống nhất trong mọi bài",
                            hint=f"chọn một trong: {counts}",
                        )
                    )
    return problems


# --- Dates -----------------------------------------------------------------------------------
def check_future_dates(files, settings: dict, now: dt.datetime | None = None) -> list[Problem]:
    """A future date without ``status: draft`` is published at once (WITH_FUTURE_DATES)."""
    if now is None:
        zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        now = dt.datetime.now(zone).replace(tzinfo=None)
    problems = []
    for item in files:
        date = _date(item)
        if date and date > now and item.data.get("status") != "draft":
            problems.append(
                Problem(
                    item.source,
                    item.lines.get(("date",)),
                    "date",
                    "Ngày đăng ở tương lai nhưng bài không phải bản nháp: bài sẽ hiện ngay",
                    found=date.strftime("%Y-%m-%d %H:%M"),
                    expected=f"ngày không sau hôm nay ({now:%Y-%m-%d})",
                    hint="sửa lại ngày, hoặc thêm dòng status: draft để giữ bài đến khi đăng",
                )
            )
    return problems


# --- Links, images, alt text in the body ------------------------------------------------------
def _markdown(settings: dict) -> Markdown:
    options = dict(settings.get("MARKDOWN", {}))
    options["extensions"] = [
        e for e in options.get("extensions", []) if e != "markdown.extensions.meta"
    ]
    return Markdown(**options)


class _References(HTMLParser):
    """(tag, attribute, URL, alt) of every link and embedded file in a body."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[str, str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src"):
            if attributes.get(name):
                self.references.append((tag, name, attributes[name], attributes.get("alt")))
        if tag == "img" and not attributes.get("src"):
            self.references.append((tag, "src", "", attributes.get("alt")))


def _line_of(item: ContentFile, needle: str) -> int | None:
    for index, line in enumerate(item.body.splitlines()):
        if needle and needle in line:
            return item.body_line + index
    return None


def check_body(item: ContentFile, content: Path, markdown: Markdown) -> list[Problem]:
    """Links and images in one body: placeholders and relative paths must lead to a file in
    ``content/``; images need a description."""
    markdown.reset()
    parser = _References()
    parser.feed(markdown.convert(item.body))
    problems = []

    def report(url, message, hint=None, found=None):
        problems.append(
            Problem(
                item.source,
                _line_of(item, url.split("#")[0]) if url else None,
                "",
                message,
                found=found if found is not None else url,
                hint=hint,
            )
        )

    for tag, _attribute, url, alt in parser.references:
        is_image = tag == "img"
        if is_image and not (alt or "").strip():
            report(
                url,
                "Ảnh trong bài chưa có mô tả (alt) cho người khiếm thị",
                hint="viết mô tả trong ngoặc vuông: ![Quang cảnh hội nghị](...)",
            )
        url = url.strip()
        if not url or url.startswith(("#", "//")):
            continue
        if _SCHEME.match(url):
            if url.lower().startswith("file:"):
                report(url, "Liên kết tới tệp trên máy của người viết, không phải trên trang")
            continue
        placeholder = _PLACEHOLDER.match(url)
        path_part = unquote(urlsplit(placeholder.group(2) if placeholder else url).path)
        if not path_part:
            continue
        if path_part.startswith("/"):
            if not placeholder:
                continue  # an address on the site: the output check follows it
            target = content / path_part.lstrip("/")
        else:
            target = item.path.parent / path_part
        target = Path(os.path.normpath(target))
        if target != content and content not in target.parents:
            report(
                url,
                "Liên kết tới tệp nằm ngoài thư mục content/, tệp đó sẽ không được đăng",
                hint="chép tệp vào content/images/ hoặc content/documents/ rồi " + _HINT_STATIC,
            )
        elif placeholder and not target.is_file():
            if placeholder.group(1) == "filename" and target.suffix in MARKDOWN_SUFFIXES:
                message = "Liên kết tới bài hoặc trang không có"
            elif is_image:
                message = "Không tìm thấy ảnh"
            elif target.suffix.lower() in _ATTACHMENT_SUFFIXES:
                message = "Không tìm thấy tệp đính kèm"
            else:
                message = "Liên kết tới tệp không có"
            report(url, message, hint="kiểm tra tên tệp (kể cả chữ hoa, chữ thường và đuôi tệp)")
        elif not placeholder and target.is_file():
            report(
                url,
                "Liên kết tương đối tới tệp sẽ hỏng sau khi dựng (trang nằm ở địa chỉ khác tệp)",
                hint=_HINT_STATIC + ", hoặc {filename}/... cho bài viết",
            )
        elif not placeholder and target.suffix and not target.exists():
            message = "Không tìm thấy ảnh" if is_image else "Liên kết tới tệp không có"
            report(url, message, hint=_HINT_STATIC)
    return problems
