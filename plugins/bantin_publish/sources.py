"""The checks that compare files with each other, run by every build (``bantin_core``).

Each file's own rules are the reader's (``bantin_frontmatter.reader.read_bytes``: front-matter,
body links and images, encoding), so the build, the live preview, ``make check``, ``make
publish`` and the editor apply them alike. What needs the whole site runs here, inside every
build, on what Pelican read: two items writing the same output path (Pelican would stop half-way:
they are taken out of the build and reported), category/tag names that merge into one page, text
files that are not UTF-8 or not NFC and file names typed with combining accents.

:func:`planned_output` (where a file goes) also places the live preview's error pages.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pelican.urlwrappers import Category

from bantin_core.problems import Problem, problem_log
from bantin_core.state import build_state
from bantin_frontmatter.body import MARKDOWN_SUFFIXES
from bantin_frontmatter.fields import FieldContext, FieldError, convert_date
from bantin_frontmatter.reader import LINES_KEY, display_path, not_nfc, not_utf8

#: Text files checked for UTF-8 and NFC here (Markdown: by the reader).
TEXT_SUFFIXES = {".yml", ".yaml", ".txt", ".html", ".svg", ".csv"}
DUPLICATE_PATH = "Trùng địa chỉ"
ARTICLE_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
)
PAGE_LISTS = (
    "pages",
    "translations",
    "hidden_pages",
    "hidden_translations",
    "draft_pages",
    "draft_translations",
)
#: Key, in the build's state, of the outputs of this build's articles, for the pages' check
#: (Pelican reads articles before pages).
ARTICLE_OUTPUTS = "bantin_publish.article_outputs"


@dataclass(frozen=True)
class ContentFile:
    """A Markdown file's raw front-matter: enough to say where it would be written."""

    path: Path
    source: str  # as staff see it
    kind: str  # "article" or "page"
    data: dict
    lines: dict
    body: str
    body_line: int


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


# --- Output paths ----------------------------------------------------------------------------
def parse_date(value) -> dt.datetime | None:
    """A front-matter date as the reader reads it, or None when it is not one."""
    try:
        return convert_date(value, FieldContext(content_path="", source_path=""))
    except (FieldError, TypeError, ValueError, OverflowError):
        return None


def _date(item: ContentFile) -> dt.datetime | None:
    return parse_date(item.data["date"]) if "date" in item.data else None


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


def _source(item) -> str:
    return display_path(item.source_path)


def _line(item, field: str) -> int | None:
    return (item.metadata.get(LINES_KEY) or {}).get(field)


def _is_draft(item) -> bool:
    """Written ``status: draft`` (a post only scheduled for later is not a draft)."""
    return item.metadata.get("status") == "draft"


def _fixed_outputs(settings: dict, years) -> dict[str, str]:
    """Output paths the build writes on its own, with what writes them."""
    outputs = {}
    for key, save_as in settings.items():
        if key.endswith("_SAVE_AS") and isinstance(save_as, str) and save_as and "{" not in save_as:
            outputs[save_as] = f"trang cố định của trang web ({key})"
    for name in settings.get("DIRECT_TEMPLATES", ()):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if save_as:
            outputs[save_as] = f"trang «{name}» của giao diện"
    for save_as in settings.get("TEMPLATE_PAGES", {}).values():
        outputs[save_as] = "trang mẫu của giao diện"
    pattern = settings.get("YEAR_ARCHIVE_SAVE_AS")
    for year in sorted(years) if pattern else ():
        outputs[pattern.format(date=dt.date(year, 1, 1))] = f"trang lưu trữ năm {year}"
    return {os.path.normpath(k): v for k, v in outputs.items()}


def _static_outputs(settings: dict) -> dict[str, str]:
    content = Path(settings["PATH"])
    outputs = {}
    for folder in settings.get("STATIC_PATHS", ()):
        for path in sorted((content / folder).rglob("*")):
            if path.is_file():
                relative = path.relative_to(content).as_posix()
                save_as = settings.get("STATIC_SAVE_AS", "{path}").format(path=relative)
                outputs[os.path.normpath(save_as)] = display_path(str(path))
    return outputs


def _take_out_duplicates(generator, lists, known: dict[str, str]) -> dict[str, object]:
    """Report items of ``generator`` that write one output path (with each other or with a
    ``known`` output) and take them out of the build: Pelican would stop half-way. Returns the
    output path of every item kept."""
    owners: dict[str, list] = defaultdict(list)
    for name in lists:
        for item in getattr(generator, name, ()):
            save_as = getattr(item, "save_as", "")
            if save_as:
                owners[os.path.normpath(save_as)].append(item)
    taken = set()
    for target, items in sorted(owners.items()):
        others_known = [known[target]] if target in known else []
        if len(items) < 2 and not others_known:
            continue
        for item in items:
            others = [_source(i) for i in items if i is not item] + others_known
            taken.add(id(item))
            problem_log.report(
                Problem(
                    _source(item),
                    _line(item, "slug"),
                    "slug",
                    f"{DUPLICATE_PATH}: bài này và {', '.join(others)} cùng ghi ra tệp "
                    f"«{target}»; chưa bài nào trong số đó được đăng",
                    found=str(item.metadata.get("slug", getattr(item, "slug", ""))),
                    hint="đổi slug của một trong các bài cho khác nhau",
                    draft=_is_draft(item),
                )
            )
    if taken:
        for name in lists:
            kept = [i for i in getattr(generator, name, ()) if id(i) not in taken]
            if hasattr(generator, name):
                setattr(generator, name, kept)
    return {t: items[0] for t, items in owners.items() if id(items[0]) not in taken}


def check_taxonomies(items) -> list[Problem]:
    """Category and tag names that Pelican would merge into one page (equal slugs)."""
    problems = []
    for field, label in (("category", "Chuyên mục"), ("tags", "Thẻ")):
        uses: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for item in items:
            value = getattr(item, field, None)
            names = value if isinstance(value, list) else [value] if value else []
            for wrapper in names:
                name, slug = str(wrapper.name), wrapper.slug
                if not slug:
                    problems.append(
                        Problem(
                            _source(item),
                            _line(item, field),
                            field,
                            f"{label} không tạo được địa chỉ trang (không có chữ hay số nào)",
                            found=f"«{name}»",
                            hint="viết tên bằng chữ, ví dụ «Hội nghị»",
                            draft=_is_draft(item),
                        )
                    )
                    continue
                uses[slug][name].append(item)
        for slug, names in sorted(uses.items()):
            if len(names) < 2:
                continue
            counts = "; ".join(f"«{n}» ({len(items)} bài)" for n, items in sorted(names.items()))
            for name, named in sorted(names.items()):
                for item in named:
                    problems.append(
                        Problem(
                            _source(item),
                            _line(item, field),
                            field,
                            f"{label} chỉ khác dấu hoặc chữ hoa với tên khác, hai tên sẽ bị gộp "
                            f"thành một trang «{slug}»",
                            found=f"«{name}»",
                            expected="một cách viết thống nhất trong mọi bài",
                            hint=f"chọn một trong: {counts}",
                            draft=_is_draft(item),
                        )
                    )
    return problems


def _is_future(item, now_utc: dt.datetime) -> bool:
    date = getattr(item, "date", None)
    if date is None:
        return False
    if date.tzinfo is None:
        return date > dt.datetime.now()
    return date > now_utc


def reschedule(generator) -> None:
    """Scheduled posts by today's date, also for articles Pelican took from its content cache.

    Pelican decides ``WITH_FUTURE_DATES`` when it reads a file; a cached article keeps the
    status of the day it was read, so a post scheduled yesterday for today would stay a draft
    in ``make html`` and the live preview until the file changed.
    """
    if generator.settings.get("WITH_FUTURE_DATES", True):
        return
    from pelican.utils import order_content

    now = dt.datetime.now(dt.UTC)
    due = [
        a
        for a in generator.drafts
        if a.metadata.get("status", "published") == "published" and not _is_future(a, now)
    ]
    ahead = [a for a in generator.articles if _is_future(a, now)]
    if not due and not ahead:
        return
    for article in due:
        article.status = "published"
    for article in ahead:
        article.status = "draft"
    moved = {id(a) for a in (*due, *ahead)}
    order_by = generator.settings["ARTICLE_ORDER_BY"]
    generator.articles = order_content(
        [a for a in generator.articles if id(a) not in moved] + due, order_by
    )
    generator.drafts = order_content(
        [a for a in generator.drafts if id(a) not in moved] + ahead, order_by
    )


def check_articles(generator) -> None:
    """Before Pelican files articles under categories, tags and dates
    (``article_generator_pretaxonomy``): scheduled posts by today's date, duplicate paths out,
    merging names reported."""
    reschedule(generator)
    outputs = _take_out_duplicates(generator, ARTICLE_LISTS, {})
    build_state(generator.settings)[ARTICLE_OUTPUTS] = outputs
    items = [i for name in ARTICLE_LISTS for i in getattr(generator, name, ())]
    problem_log.extend(check_taxonomies(items))


def check_pages(generator) -> None:
    """After pages are read (``page_generator_finalized``): pages that write where an article,
    a fixed page of the site or a published file already goes; text files and file names."""
    settings = generator.settings
    article_outputs = build_state(settings).pop(ARTICLE_OUTPUTS, {})
    years = {a.date.year for a in article_outputs.values() if a.status == "published"}
    known = _fixed_outputs(settings, years)
    for target, item in article_outputs.items():
        known[target] = _source(item)
    if any("save_as" in p.metadata for name in PAGE_LISTS for p in getattr(generator, name, ())):
        known.update(_static_outputs(settings))
    _take_out_duplicates(generator, PAGE_LISTS, known)
    problem_log.extend(check_files(Path(settings["PATH"])))


# --- Encoding --------------------------------------------------------------------------------
def check_files(content: Path) -> list[Problem]:
    """File names must be NFC (macOS writes NFD names); text files other than Markdown (the
    reader checks those) must be UTF-8 and NFC."""
    problems = []
    content = Path(content)
    for directory, folders, files in os.walk(content):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(directory, name)
            problems.extend(check_encoding(path, display_path(str(path)), content))
    return problems


def check_encoding(path: Path, source: str, content: Path) -> list[Problem]:
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
        problems.append(not_utf8(source, raw, exc))
        return problems
    if not unicodedata.is_normalized("NFC", text):
        problems.append(not_nfc(source, text))
    return problems
