"""Reading and checking content/data/*.yml. Pure functions: path in, data and problems out."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import yaml

from bantin_core.problems import Problem, short_repr
from bantin_frontmatter.loader import StrictLoader, _compose_and_construct, _walk
from bantin_frontmatter.reader import display_path


@dataclass(frozen=True)
class MenuItem:
    """One menu entry; ``children`` for a sub-menu."""

    ten: str
    duong_dan: str
    children: tuple = ()


@dataclass(frozen=True)
class Unit:
    """An organisational unit (Chi cục, Phòng THADS khu vực, an office of the Cục)."""

    ten: str
    ma: str
    dia_chi: str | None = None
    dien_thoai: str | None = None
    tu: dt.date | None = None
    den: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        """Whether the unit existed on that day (units are merged and renamed over time)."""
        return (self.tu is None or self.tu <= day) and (self.den is None or day <= self.den)


@dataclass(frozen=True)
class YearTarget:
    """National or provincial target rates (%) for one statistical year."""

    nam: int
    viec: Decimal | None
    tien: Decimal | None


# Menu addresses: pages of the site (/…) or these schemes; anything else (javascript:, data:,
# vbscript:, file:…) could run code or leave the site in a way staff did not mean.
_SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# What browsers drop from a URL before reading its scheme (tabs and new lines anywhere, control
# characters and spaces around it), and invisible characters that have no place in an address.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
_URL_EXPECTED = "/duong-dan/ (trang của trang web), https://…, mailto:…, tel:…"


def url_problem(url: str) -> tuple[str, str] | None:
    """(message, hint) when a menu address is not http(s), mailto, tel or a path of the site.

    Read as a browser would: HTML entities decoded (``&#106;avascript:``), tabs, new lines and
    control characters removed, the scheme compared without regard to case.
    """
    decoded = url
    for _round in range(3):  # an entity may hide another (&amp;#106;)
        decoded = html.unescape(decoded)
    compact = _INVISIBLE.sub("", decoded)
    scheme = _SCHEME.match(compact)
    if scheme:
        if scheme[1].lower() in _SAFE_SCHEMES:
            if compact != decoded:
                return (
                    "Địa chỉ có dấu cách, dấu Tab, xuống dòng hoặc ký tự ẩn",
                    "viết liền địa chỉ trên một dòng, không có dấu cách",
                )
            return None
        return (
            f"Địa chỉ dùng giao thức «{scheme[1]}:» không được phép trong trình đơn "
            "(có thể chạy mã trong trình duyệt của người xem)",
            "trang trong trang web viết từ dấu / (ví dụ /gioi-thieu/); trang ngoài viết đủ "
            "https://…; thư điện tử mailto:…; điện thoại tel:…",
        )
    if compact.startswith(("//", "\\", "/\\")):
        return (
            "Địa chỉ bắt đầu bằng «//» trỏ ra một trang web khác mà không ghi giao thức",
            "viết đủ https://… cho trang ngoài, hoặc /… cho trang của trang web",
        )
    if not compact.startswith("/"):
        return (
            "Địa chỉ không phải trang của trang web (bắt đầu bằng /) cũng không phải "
            "https://, http://, mailto: hay tel:",
            "trang trong trang web viết từ dấu / (ví dụ /gioi-thieu/); trang ngoài viết đủ "
            "https://…",
        )
    if compact != decoded:
        return (
            "Địa chỉ có dấu cách, dấu Tab, xuống dòng hoặc ký tự ẩn",
            "viết liền địa chỉ trên một dòng; dấu cách trong tên trang thay bằng dấu gạch ngang",
        )
    return None


def _path_of(field: str) -> tuple:
    """``menu[2].muc_con[1].duong_dan`` → ``(1, "muc_con", 0, "duong_dan")`` (the file's name
    dropped, lists from 0), the key of the YAML lines table."""
    parts = [name or int(index) - 1 for name, index in re.findall(r"(\w+)|\[(\d+)\]", field)]
    return tuple(parts[1:])


class _Checker:
    """Collects problems for one data file while its entries are converted."""

    def __init__(self, path, lines=None):
        self.source = display_path(path)
        self.lines = lines or {}
        self.problems: list[Problem] = []

    def line(self, field: str) -> int | None:
        """The line of ``field``, else of the nearest entry around it that has one."""
        path = _path_of(field)
        for length in range(len(path), 0, -1):
            if path[:length] in self.lines:
                return self.lines[path[:length]]
        return None

    def problem(self, field, message, found=None, expected=None, hint=None):
        self.problems.append(
            Problem(self.source, self.line(field), field, message, found, expected, hint)
        )

    def text(self, entry, key, where, required=True):
        value = entry.get(key)
        if value is None:
            if required:
                self.problem(f"{where}.{key}", "Thiếu giá trị")
            return None
        if isinstance(value, (dict, list, bool)):
            self.problem(f"{where}.{key}", "Cần một dòng văn bản", short_repr(value))
            return None
        return unicodedata.normalize("NFC", str(value)).strip()

    def date(self, entry, key, where):
        value = entry.get(key)
        if value is None or isinstance(value, dt.date):
            return value
        self.problem(f"{where}.{key}", "Ngày không đúng dạng", short_repr(value), "2025-06-30")
        return None

    def percent(self, entry, key, where):
        value = entry.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            self.problem(
                f"{where}.{key}", "Cần tỷ lệ phần trăm từ 0 đến 100", short_repr(value), "81.50"
            )
            return None
        return Decimal(str(value))

    def entries(self, data, name):
        if data is None:
            return []
        if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
            self.problem(name, "Tệp phải là một danh sách, mỗi mục bắt đầu bằng «- »")
            return []
        return data


def _menu(entries, checker, where="menu"):
    items = []
    for index, entry in enumerate(checker.entries(entries, where)):
        path = f"{where}[{index + 1}]"
        ten = checker.text(entry, "ten", path)
        url = checker.text(entry, "duong_dan", path)
        children = _menu(entry.get("muc_con"), checker, f"{path}.muc_con")
        for key in entry:
            if key not in ("ten", "duong_dan", "muc_con"):
                checker.problem(f"{path}.{key}", "Trường lạ", expected="ten, duong_dan, muc_con")
        wrong = url_problem(url) if url else None
        if wrong:
            checker.problem(f"{path}.duong_dan", wrong[0], short_repr(url), _URL_EXPECTED, wrong[1])
        elif ten and url:
            items.append(MenuItem(ten, url, tuple(children)))
    return items


def _units(entries, checker):
    units = []
    for index, entry in enumerate(checker.entries(entries, "don_vi")):
        path = f"don_vi[{index + 1}]"
        ten, ma = checker.text(entry, "ten", path), checker.text(entry, "ma", path)
        if ten and ma:
            units.append(
                Unit(
                    ten,
                    ma,
                    checker.text(entry, "dia_chi", path, required=False),
                    checker.text(entry, "dien_thoai", path, required=False),
                    checker.date(entry, "tu", path),
                    checker.date(entry, "den", path),
                )
            )
    return units


def _targets(entries, checker):
    targets = {}
    for index, entry in enumerate(checker.entries(entries, "chi_tieu")):
        path = f"chi_tieu[{index + 1}]"
        year = entry.get("nam")
        if isinstance(year, bool) or not isinstance(year, int):
            checker.problem(f"{path}.nam", "Cần năm thống kê", short_repr(year), "2022")
            continue
        targets[year] = YearTarget(
            year, checker.percent(entry, "viec", path), checker.percent(entry, "tien", path)
        )
    return targets


_FILES = {"menu": _menu, "don_vi": _units, "chi_tieu": _targets}


def load_data_folder(folder: str) -> tuple[dict, list[Problem]]:
    """Read every known data file in ``folder``; missing files give empty data."""
    data = {"menu": [], "don_vi": [], "chi_tieu": {}}
    problems: list[Problem] = []
    for name, build in _FILES.items():
        path = os.path.join(folder, f"{name}.yml")
        if not os.path.exists(path):
            continue
        checker = _Checker(path)
        try:
            with open(path, encoding="utf-8") as handle:
                node, raw = _compose_and_construct(handle.read(), StrictLoader)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(
                Problem(
                    checker.source,
                    mark.line + 1 if mark else None,
                    "",
                    "Tệp dữ liệu viết sai cú pháp YAML hoặc không phải UTF-8",
                    hint="giá trị có dấu phẩy hoặc hai chấm thì đặt trong ngoặc kép",
                )
            )
            continue
        if node is not None:
            _walk(node, (), 1, checker.lines, [])  # the line of every key and list entry
        data[name] = build(raw, checker)
        problems.extend(checker.problems)
    return data, problems
