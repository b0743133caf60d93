"""The Markdown reader with strict YAML front-matter.

A file with any problem is not published (``status: skip``) but never dropped silently: its
problems travel in the metadata (so they survive Pelican's content cache) and are reported by
``bantin_core`` at the end of every build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import unicodedata

from markdown import Markdown
from markupsafe import escape
from pelican.readers import MarkdownReader
from pelican.urlwrappers import Author, Category, Tag

from bantin_core.problems import FieldError, Problem, field_name, short_repr
from bantin_core.sanitize import clean_html

from .body import MARKDOWN_SUFFIXES, check_body
from .fields import (
    FIELDS,
    FieldContext,
    closest_field,
    suggest_slug,
)
from .loader import CONTROL_CHARACTERS, control_character, parse_front_matter
from .settings import read as read_settings

PROBLEMS_KEY = "bantin_problems"
#: Metadata keys the reader adds: the file line of each front-matter field (``ket_qua.ky``),
#: whether a file with problems is a draft, and its date when it could be read.
LINES_KEY = "bantin_field_lines"
DRAFT_KEY = "bantin_draft"
#: What staff read when the reader itself fails on a file (never expected: the property test
#: in tests/test_no_crash.py looks for it).
CRASH_MESSAGE = "Chương trình dựng trang gặp lỗi khi đọc tệp này"
logger = logging.getLogger(__name__)


def display_path(path: str) -> str:
    """The path as staff see it in their editor: relative to the project folder."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


class BantinMarkdownReader(MarkdownReader):
    """Markdown with YAML front-matter between ``---`` lines, checked field by field."""

    file_extensions = tuple(suffix[1:] for suffix in MARKDOWN_SUFFIXES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.own = read_settings(self.settings)
        markdown_settings = dict(self.settings["MARKDOWN"])
        # Front-matter is split off before Markdown runs; the meta extension would otherwise
        # eat a body that starts with "Sáng 19/3: …" as metadata.
        markdown_settings["extensions"] = [
            ext
            for ext in markdown_settings.get("extensions", [])
            if ext != "markdown.extensions.meta"
        ]
        # One converter for the whole build, reset per file (creating one costs ~7 % of a build).
        self._md = Markdown(**markdown_settings)
        # Files already read by worker processes (see preread.py), by absolute path.
        self.preread: dict[str, tuple] = {}

    def read(self, source_path):
        """Return (HTML body, metadata); on problems, an unpublished stub carrying them."""
        if self.preread:
            done = self.preread.pop(source_path, None)
            if done is not None:
                return done
        with open(source_path, "rb") as handle:
            raw = handle.read()
        return self.read_bytes(raw, source_path)

    def read_bytes(self, raw: bytes, source_path: str):
        """The one judge: (HTML body, metadata) of a file's bytes as if read from
        ``source_path``. The build, ``make check``, the editor's check before saving and the
        importer all come here, so they apply the same rules with the same messages.

        Nothing staff write raises: a failure of the reader itself becomes a problem of the
        file (:data:`CRASH_MESSAGE`), never a traceback that names no file."""
        try:
            return self._read_bytes(raw, source_path)
        except Exception as exc:  # the safety net for staff input
            logger.debug("Reader failed on %s", source_path, exc_info=True)
            problem = Problem(
                display_path(source_path),
                None,
                "",
                CRASH_MESSAGE,
                found=f"{type(exc).__name__}: {exc}"[:120],
                hint="kiểm tra các giá trị vừa sửa trong tệp; nếu vẫn lỗi, gửi tệp này cho bộ "
                "phận kỹ thuật",
            )
            return "", self._stub([problem], source_path)

    def _read_bytes(self, raw: bytes, source_path: str):
        source = display_path(source_path)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return "", self._stub([not_utf8(source, raw, exc)], source_path)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        # Problems of a file that is still built (its body, its encoding): reported, and the
        # build fails on them, but the live preview shows the page with them.
        reported: list[Problem] = []
        if not unicodedata.is_normalized("NFC", text):
            reported.append(not_nfc(source, text))
        # TCVN 6909: Vietnamese is stored precomposed (NFC) whatever keyboard typed it.
        text = unicodedata.normalize("NFC", text)

        front, yaml_problems = parse_front_matter(text)
        problems = [p.at(source) for p in yaml_problems]
        if front is None:
            return "", self._stub(problems, source_path)
        # A field the loader already explained (a date not on the calendar) is not explained
        # again by its converter.
        explained = {p.field for p in yaml_problems if p.field}
        metadata, field_problems = self._fields(front, explained, source, source_path)
        problems += field_problems
        problems.extend(self._missing(self._kind(source_path), front, metadata, source))
        draft = front.data.get("status") == "draft"

        markup, body_problems = self._body(front, text, source, source_path)
        reported.extend(body_problems)
        if draft:
            problems = [dataclasses.replace(p, draft=True) for p in problems]
            reported = [dataclasses.replace(p, draft=True) for p in reported]
        if problems:
            return "", self._stub(problems + reported, source_path, metadata, front, draft)
        return self._published(markup, metadata, front, reported)

    def _fields(self, front, explained: set, source: str, source_path: str):
        """(the converted value of every valid field, the problems of the others)."""
        ctx = FieldContext(
            content_path=self.settings["PATH"],
            source_path=source_path,
            categories=self.own.categories,
            earliest=self.own.earliest_date,
        )
        metadata, problems = {}, []
        for key, value in front.data.items():
            line = front.lines.get((key,))
            spec = FIELDS.get(key)
            if spec is None:
                problems.append(
                    Problem(
                        source,
                        line,
                        str(key),
                        "Trường không có trong danh sách trường của bài viết",
                        found=short_repr(value, 40),
                        hint=closest_field(str(key))
                        or "xóa dòng này, hoặc xem danh sách trường trong hướng dẫn viết bài",
                    )
                )
                continue
            try:
                metadata[key] = spec.converter(value, ctx)
            except FieldError as exc:
                for problem in exc.within(key).problems:
                    if not _explained(problem.path, explained):
                        where = self._nearest_line(front.lines, problem.path) or line
                        problems.append(problem.at(source, where))
        return metadata, problems

    def _body(self, front, text: str, source: str, source_path: str):
        """(the body as HTML, its problems: characters a page cannot hold, links, images)."""
        problems = []
        body_text = front.body
        if CONTROL_CHARACTERS.search(body_text):
            # Reported at their lines and left out: a feed or sitemap cannot hold them (XML).
            for number, line in enumerate(body_text.split("\n"), front.body_line):
                found = CONTROL_CHARACTERS.search(line)
                if found:
                    message, hint = control_character(ord(found.group()))
                    problems.append(Problem(source, number, "", message, hint=hint))
            body_text = CONTROL_CHARACTERS.sub("", body_text)
        self._md.reset()
        markup, body_problems = check_body(
            self._md.convert(body_text), text, source, source_path, self.settings["PATH"]
        )
        return markup, problems + body_problems

    def _published(self, markup: str, metadata: dict, front, reported: list):
        """(HTML body, metadata) of a file that is published."""
        # Raw HTML pasted into Markdown passes through it untouched: clean it here, once.
        body = clean_html(markup, self.own.video_hosts)
        result = self._pelican_metadata(metadata, front.body_line)
        result[LINES_KEY] = _field_lines(front.lines)
        if reported:
            result[PROBLEMS_KEY] = tuple(reported)
        # What every page but this one's own may show of it (bantin_build's page cache key).
        try:
            front_text = json.dumps([front.data, front.body_line], sort_keys=True, default=str)
        except TypeError:  # keys of mixed types cannot be sorted; repr keeps the file's order
            front_text = repr([front.data, front.body_line])
        result["bantin_front_digest"] = hashlib.sha256(front_text.encode()).hexdigest()
        return body, result

    def _kind(self, source_path: str) -> str:
        relative = os.path.relpath(source_path, self.settings["PATH"])
        for page_path in self.settings.get("PAGE_PATHS", ()):
            if relative == page_path or relative.startswith(page_path.rstrip("/") + os.sep):
                return "page"
        return "article"

    @staticmethod
    def _nearest_line(lines: dict, path: tuple) -> int | None:
        """The line of a field, or of its closest written parent (for a missing sub-field)."""
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return None

    def _missing(self, kind, front, metadata, source):
        """Required fields that are absent (present but wrong ones are reported already)."""
        for key, spec in FIELDS.items():
            if kind in spec.required_for and key not in front.data:
                hint = None
                if key == "slug":
                    title = metadata.get("title") or front.data.get("title")
                    hint = (
                        f"thêm dòng: slug: {suggest_slug(str(title))}"
                        if title
                        else "thêm dòng slug: gồm chữ thường không dấu nối bằng dấu gạch ngang"
                    )
                elif key == "category" and self.own.categories:
                    hint = "thêm dòng category: với một trong: " + "; ".join(self.own.categories)
                elif key == "date":
                    hint = "thêm dòng date: 2021-03-19 08:30 (năm-tháng-ngày giờ:phút)"
                yield Problem(source, 2, key, f"Thiếu trường «{spec.label}» ({key})", hint=hint)
        if "image" in front.data and "image_alt" not in front.data:
            yield Problem(
                source,
                front.lines.get(("image",)),
                "image_alt",
                "Ảnh đại diện chưa có mô tả cho người khiếm thị",
                hint="thêm dòng image_alt: mô tả ngắn những gì trong ảnh, ví dụ "
                "«Quang cảnh hội nghị sơ kết»",
            )

    def _pelican_metadata(self, metadata: dict, body_line: int) -> dict:
        """Turn checked values into the objects Pelican expects."""
        result = dict(metadata)
        settings = self.settings
        if "category" in result:
            result["category"] = Category(result["category"], settings)
        if "author" in result:
            result["author"] = Author(result["author"], settings)
            result["authors"] = [result["author"]]
        if "tags" in result:
            result["tags"] = [Tag(name, settings) for name in result["tags"]]
        if "summary" in result:
            # Pelican treats summary as HTML; staff write plain text.
            result["summary"] = str(escape(result["summary"]))
        result["bantin_body_line"] = body_line
        return result

    def _stub(self, problems, source_path, metadata=None, front=None, draft=False) -> dict:
        """Metadata of a file that is not published: its problems, a title for messages;
        for the drafts list, whether it is a draft and its date when readable."""
        metadata = metadata or {}
        title = metadata.get("title") or os.path.basename(source_path)
        stub = {
            "title": title,
            "status": "skip",
            PROBLEMS_KEY: tuple(problems),
            "bantin_source": display_path(source_path),
        }
        if draft:
            stub[DRAFT_KEY] = True
        if "date" in metadata:
            stub["bantin_date"] = metadata["date"]
        if front is not None:
            stub[LINES_KEY] = _field_lines(front.lines)
        return stub


def _explained(path: tuple, explained: set) -> bool:
    return bool(explained) and field_name(path) in explained


def _field_lines(lines: dict) -> dict:
    """``{"slug": 6, "ket_qua.ky": 12, …}``: lines of the fields two levels deep, for the
    checks that compare files (they see Pelican's objects, not the YAML)."""
    return {field_name(path): line for path, line in lines.items() if len(path) <= 2}


def not_utf8(source: str, raw: bytes, exc: UnicodeDecodeError) -> Problem:
    """A file not saved as UTF-8 (this reader, and every text file: bantin_publish.sources)."""
    return Problem(
        source,
        raw[: exc.start].count(b"\n") + 1,
        "",
        "Tệp không được lưu bằng mã UTF-8 (Unicode), chữ tiếng Việt sẽ bị lỗi",
        hint="mở tệp bằng trình soạn thảo (Notepad++, VS Code), chọn lưu với mã "
        "hóa UTF-8, rồi lưu lại",
    )


def not_nfc(source: str, text: str) -> Problem:
    """Text typed with combining accents: the build stores it precomposed, staff are told."""
    number = next(
        (
            n
            for n, line in enumerate(text.split("\n"), 1)
            if not unicodedata.is_normalized("NFC", line)
        ),
        None,
    )
    line = text.split("\n")[number - 1] if number else ""
    return Problem(
        source,
        number,
        "",
        "Tệp có chữ gõ dấu kiểu tổ hợp (không phải Unicode dựng sẵn NFC): tìm kiếm và sắp xếp "
        "sẽ sai",
        found=line.strip().rstrip(".")[:60],
        hint="dùng bộ gõ Unicode dựng sẵn (Unikey: bảng mã «Unicode dựng sẵn»), hoặc trong VS "
        "Code chạy lệnh «Normalize to NFC», rồi lưu lại",
    )
