"""Strict YAML front-matter: no silent conversions, line numbers for every key.

PyPI's ``pelican-yaml-metadata`` is ~150 lines around ``yaml.safe_load``: it returns ``{}`` on any
YAML error (Pelican then drops the article and exits 0) and cannot say on which line a field
stands. We need both, so the loader is our own; it is a thin layer on PyYAML.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bantin_core.problems import Problem, field_name


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's silent conversions.

    Removed: yes/no/on/off booleans, sexagesimal numbers (``12:30`` → 750), octal (``010`` → 8),
    hex, binary and underscored numbers, ``.inf``/``.nan``. Those stay strings and the field
    checks then say what was expected. Kept: plain ints, decimals, true/false, null, dates.
    """


class FastStrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same rules on libyaml's C parser (~5× faster); errors are re-read by StrictLoader,
    whose messages our explanations know."""


_LOOSE_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_STRICT_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _LOOSE_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _loader in (StrictLoader, FastStrictLoader):
    _loader.yaml_implicit_resolvers = {k: list(v) for k, v in _STRICT_RESOLVERS.items()}
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
    )
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
        list("-+0123456789."),
    )


def _timestamp_or_text(loader, node):
    """A YAML date that is not on the calendar (``2021-02-30``) stays text: PyYAML would raise
    ValueError (no file, no line); :func:`impossible_date` explains it with the field's line."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return str(node.value)


for _loader in (StrictLoader, FastStrictLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

_DATE_LIKE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?"
    r"\s*(?:Z|[+-]\d{1,2}(?::?\d{2})?)?\s*$"
)
_DATE_HINT = "sửa lại ngày cho đúng lịch (năm-tháng-ngày, ví dụ 2021-02-28)"


def impossible_date(text: str) -> tuple[str, str] | None:
    """(message, hint) when ``text`` is written as a date that does not exist, else None.

    ``2021-02-30`` → «Ngày 30/02/2021 không có trên lịch»; a month 13 or an hour 25 likewise.
    """
    match = _DATE_LIKE.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    year, month, day = (int(match[i]) for i in (1, 2, 3))
    written = f"{day:02d}/{month:02d}/{year:04d}"
    if not 1 <= year <= 9999:
        return f"Năm {year} của ngày {written} không dùng được", _DATE_HINT
    if not 1 <= month <= 12:
        return f"Ngày {written} không có trên lịch: không có tháng {month}", (
            "tháng chỉ từ 1 đến 12; viết năm-tháng-ngày, ví dụ 2021-03-19"
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"Ngày {written} không có trên lịch", (
            f"tháng {month} năm {year} chỉ có {last} ngày; sửa lại ngày cho đúng"
        )
    hour, minute, second = (int(match[i] or 0) for i in (4, 5, 6))
    try:
        dt.time(hour, minute, second)
    except ValueError:
        return f"Giờ {hour:02d}:{minute:02d} của ngày {written} không có", (
            "giờ từ 00:00 đến 23:59, ví dụ 2021-03-19 08:30"
        )
    return None


def _compose_and_construct(text: str, loader_class):
    """One parse: the node tree (for lines and duplicate keys) and the data built from it."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        return node, data
    finally:
        loader.dispose()


def _problem(line: int | None, message: str, hint: str, path: tuple = ()) -> Problem:
    """A YAML problem, already explained in Vietnamese; the reader puts in the file's path."""
    return Problem("", line, field_name(path), message, hint=hint, path=path)


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front-matter: the data, and the file line of every field path."""

    data: dict
    lines: dict  # tuple path -> 1-based line in the file
    body: str
    body_line: int  # file line where the Markdown body starts


# PyPY's English problem texts → what staff should read. Order matters: first match wins.
_YAML_EXPLANATIONS = (
    (
        "mapping values are not allowed",
        "Giá trị có dấu hai chấm «:» mà không đặt trong ngoặc kép",
        'đặt cả giá trị trong ngoặc kép, ví dụ: title: "Thông báo: lịch nghỉ Tết"',
    ),
    (
        "found character '\\t'",
        "Dòng có ký tự Tab",
        "thụt lề bằng dấu cách (2 dấu cách), không dùng phím Tab",
    ),
    (
        "while parsing a flow mapping",
        "Giá trị bắt đầu bằng dấu ngoặc nhọn «{» bị hiểu là một khối dữ liệu",
        'đặt giá trị trong ngoặc kép, ví dụ: image: "{static}/images/anh.jpg"',
    ),
    (
        "while parsing a flow sequence",
        "Giá trị bắt đầu bằng dấu ngoặc vuông «[» bị hiểu là một danh sách",
        "đặt giá trị trong ngoặc kép, hoặc viết danh sách dạng [a, b] cho đủ dấu đóng «]»",
    ),
    (
        "found undefined alias",
        "Giá trị bắt đầu bằng dấu «*» bị hiểu là tham chiếu",
        "đặt giá trị trong ngoặc kép",
    ),
    (
        "found character '@'",
        "Giá trị bắt đầu bằng ký tự «@» hoặc «`»",
        "đặt giá trị trong ngoặc kép",
    ),
    (
        "found character '`'",
        "Giá trị bắt đầu bằng ký tự «@» hoặc «`»",
        "đặt giá trị trong ngoặc kép",
    ),
    (
        "found unknown escape character",
        "Trong ngoặc kép có dấu «\\» không hợp lệ",
        "dùng ngoặc đơn '…' thay cho ngoặc kép, hoặc viết «\\\\»",
    ),
    (
        "while scanning a quoted scalar",
        "Thiếu dấu ngoặc đóng",
        "kiểm tra giá trị mở ngoặc kép/ngoặc đơn đã có dấu đóng ở cuối",
    ),
    (
        "expected <block end>, but found",
        "Thụt lề không đều hoặc có chữ sau giá trị đã đóng ngoặc",
        "các trường cùng cấp phải thẳng hàng; giá trị trong ngoặc kép không được có chữ phía sau",
    ),
    (
        "could not find expected ':'",
        "Thiếu dấu hai chấm sau tên trường, hoặc một giá trị bị xuống dòng",
        "mỗi dòng viết «tên_trường: giá trị»; giá trị dài thì viết trên một dòng",
    ),
    (
        "did not find expected key",
        "Thụt lề không đều",
        "các trường cùng cấp phải bắt đầu ở cùng một cột",
    ),
)


_SPECIAL_START = re.compile(r"^\s*(?:- )?[^\s:#][^:]*:\s+([{\[*&!%@`|>])")


def _commented_parent(lines: list[str], index: int) -> int | None:
    """The index of a commented-out line that opens the block of indented line ``index``."""
    line = lines[index]
    indent = len(line) - len(line.lstrip())
    if indent == 0 or line.lstrip().startswith("#"):
        return None
    for back in range(index - 1, -1, -1):
        above = lines[back].lstrip()
        if not above:
            continue
        if not above.startswith("#"):
            return None  # a written line comes first: not this case
        body = above[1:].removeprefix(" ")
        if len(body) - len(body.lstrip()) < indent and re.match(r"\s*(?:- )?[a-z_]+:", body):
            return back
    return None


#: Characters no web page, feed or sitemap may hold (XML 1.0): C0 controls but tab and line ends.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def control_character(code: int) -> tuple[str, str]:
    """(message, hint) for a control character pasted into a file, wherever it stands."""
    return (
        f"Dòng có ký tự điều khiển không in ra được (mã U+{code:04X}), thường do chép từ "
        "phần mềm khác",
        "gõ lại dòng này (hoặc xóa ký tự lạ ở cuối dòng)",
    )


def _explain(exc: yaml.YAMLError, yaml_text: str, first_line: int) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        # A character YAML refuses (NUL, escape, other control characters) pasted in a value.
        line = yaml_text[: max(exc.position, 0)].count("\n") + first_line
        return _problem(line, *control_character(exc.character))
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + first_line if mark is not None else None
    if mark is not None:
        source_lines = yaml_text.split("\n")
        # A template's block uncommented without its opening line (make new writes them all
        # commented out): name the line still commented, not "uneven indentation".
        for index in (mark.line, mark.line - 1):
            if 0 <= index < len(source_lines):
                parent = _commented_parent(source_lines, index)
                if parent is not None:
                    return _problem(
                        index + first_line,
                        "Dòng này đã bỏ «# » nhưng dòng mở khối của nó "
                        f"(dòng {parent + first_line}) vẫn còn «# »",
                        f"bỏ «# » ở đầu dòng {parent + first_line} (giữ nguyên thụt lề), "
                        "hoặc thêm lại «# » cho dòng này",
                    )
        # The most common cause by far: a value starting with a character YAML reserves.
        for index in (mark.line, mark.line - 1):
            if 0 <= index < len(source_lines):
                special = _SPECIAL_START.match(source_lines[index])
                if special:
                    return _problem(
                        index + first_line,
                        f"Giá trị bắt đầu bằng ký tự đặc biệt «{special.group(1)}»",
                        'đặt cả giá trị trong ngoặc kép, ví dụ: image: "{static}/images/anh.jpg"',
                    )
    text = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or exc}"
    for needle, message, hint in _YAML_EXPLANATIONS:
        if needle in text:
            return _problem(line, message, hint)
    return _problem(
        line,
        "Phần thông tin đầu bài (giữa hai dòng ---) viết sai cú pháp",
        "so sánh với bài mẫu trong hướng dẫn; giá trị có ký tự đặc biệt thì đặt trong ngoặc kép",
    )


def _walk(node: Node, path: tuple, first_line: int, lines: dict, problems: list) -> None:
    """Record the line of every key and report duplicate keys (YAML keeps only the last)."""
    if isinstance(node, MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            child = (*path, key)
            line = key_node.start_mark.line + first_line
            if key in seen:
                problems.append(
                    _problem(
                        line,
                        f"Trường «{key}» được viết hai lần (lần đầu ở dòng {seen[key]}); "
                        "chỉ một giá trị được giữ",
                        "xóa một trong hai dòng, hoặc gộp nội dung lại",
                        child,
                    )
                )
            else:
                seen[key] = line
                lines[child] = line
            _walk(value_node, child, first_line, lines, problems)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + first_line
            _walk(item, child, first_line, lines, problems)
    elif isinstance(node, ScalarNode) and path and node.value[:1].isdigit():
        wrong = impossible_date(node.value)
        if wrong is not None:
            line = node.start_mark.line + first_line
            problems.append(_problem(line, wrong[0], wrong[1], path))


_FENCE = re.compile(r"^---[ \t]*$")


def split_front_matter(text: str) -> tuple[str, int, str, int] | None:
    """Split ``---\\nYAML\\n---\\nbody``; returns (yaml, yaml first line, body, body line).

    ``None`` when the file does not start with a ``---`` line. A closing ``...`` line is
    accepted as YAML allows it.
    """
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return None
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]) or lines[index].rstrip() == "...":
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return yaml_text, 2, body, index + 2
    return None


def parse_front_matter(text: str) -> tuple[FrontMatter | None, list[Problem]]:
    """Parse a whole Markdown file's front-matter strictly.

    Returns the front-matter (``None`` when it cannot be read at all) and every problem found.
    """
    split = split_front_matter(text)
    if split is None:
        first = text.split("\n", 1)[0]
        if _FENCE.match(first):
            return None, [
                _problem(
                    1,
                    "Phần thông tin đầu bài mở bằng dòng --- nhưng không có dòng --- đóng lại",
                    "thêm một dòng chỉ có --- ngay sau trường cuối cùng, trước nội dung bài",
                )
            ]
        return None, [
            _problem(
                1,
                "Tệp không có phần thông tin đầu bài (tiêu đề, ngày, chuyên mục…)",
                "thêm ở đầu tệp một dòng ---, các trường (title: …, date: …), rồi một dòng ---",
            )
        ]
    yaml_text, first_line, body, body_line = split
    try:
        node, data = _compose_and_construct(yaml_text, FastStrictLoader)
    except yaml.YAMLError:
        try:
            node, data = _compose_and_construct(yaml_text, StrictLoader)
        except yaml.YAMLError as exc:
            return None, [_explain(exc, yaml_text, first_line)]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            _problem(
                first_line,
                "Phần thông tin đầu bài phải là các dòng «tên_trường: giá trị»",
                "xem bài mẫu trong hướng dẫn viết bài",
            )
        ]
    lines: dict = {}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, (), first_line, lines, problems)
    return FrontMatter(data, lines, body, body_line), problems
