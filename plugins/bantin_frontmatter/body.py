"""The body's links and images, checked where every file is read (the reader).

One rule for every entry point (``make html``, the live preview, ``make check``, ``make publish``,
the editor's check): an image or a link to a file is written as the staff guides show —
``images/2021/anh.jpg`` or ``documents/2021/qd.pdf`` (from the ``content/`` folder),
``{static}/…``, or a path from the Markdown file itself (``../../images/…``) — and the file must
be there. Links to files are rewritten to ``{static}/…`` (``{filename}/…`` for another post) so
Pelican puts the published address in the page; images are found the same way by
``bantin_images``, which writes their pictures. Images need a description that is not a tool's
placeholder («CẦN VIẾT MÔ TẢ ẢNH»).

These problems fail ``make html`` and ``make publish`` like any other, but the file is still
built (the live preview shows the page with them); an image or link that leads nowhere is left
out of the page, so Pelican is never asked for a file that is not there.

Regular expressions, not an HTML parser: this runs on every body of every build.
"""

from __future__ import annotations

import html
import os
import re
from urllib.parse import unquote, urlsplit

from bantin_core.problems import Problem

# A start tag, or a script/style element whose text holds no tags (as browsers read it).
_TAG = re.compile(
    r"(<(script|style)\b[^>]*>.*?</\2\s*>)|<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>", re.S | re.I
)
_ATTR = re.compile(r'([a-zA-Z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s"\'=<>`]+))')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_PLACEHOLDER = re.compile(r"^[{|](filename|static|attach)[}|](.*)$", re.S)
#: The files the reader reads (its ``file_extensions``), for every tool that picks them out.
MARKDOWN_SUFFIXES = (".md", ".markdown")
_ATTACHMENT_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".zip", ".rar"}
_HINT_NAME = "kiểm tra tên tệp (kể cả chữ hoa, chữ thường và đuôi tệp)"
_HINT_PATH = (
    "đường dẫn tính từ thư mục content/, ví dụ images/2021/anh.jpg hoặc documents/2021/qd.pdf"
)


# Addresses a browser would run as code; the sanitizer removes them, and staff are told so.
_UNSAFE = (
    "Địa chỉ này chạy mã trên trình duyệt của người đọc nên bị bỏ khỏi trang",
    "dùng địa chỉ bắt đầu bằng https://, hoặc đường dẫn tới ảnh, tệp trong content/",
)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\u200b-\u200f\u2060\ufeff]")


def _unsafe(url: str, *, image: bool) -> bool:
    """javascript:, vbscript: or (outside an image) data: — read as a browser reads it."""
    scheme = _INVISIBLE.sub("", url).lower().split(":", 1)[0] if ":" in url else ""
    if scheme in ("javascript", "vbscript"):
        return True
    return scheme == "data" and not (image and url.lower().startswith("data:image/"))


def _image_message(kind: str) -> tuple[str, str]:
    """(message, hint) as ``bantin_images`` words the same problem when it draws the photo:
    one text, so a problem both find is listed once (imported late: that plugin imports the
    reader)."""
    from bantin_images.build import MESSAGES

    return MESSAGES[kind]


def _placeholders() -> tuple[str, ...]:
    from . import fields

    return tuple(getattr(fields, "PLACEHOLDERS", ()))


def _line(text: str, needle: str) -> int | None:
    """The first line of the file holding ``needle`` (as ``bantin_images`` counts)."""
    if not needle:
        return None
    for number, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return number
    return None


def _find(path: str, content: str, source_path: str, placeholder: bool) -> str | None:
    """The content-relative path ``path`` leads to: from content/ first, then from the file
    (a placeholder's path is always from content/)."""
    root = os.path.normpath(content)
    candidates = [os.path.join(root, path.lstrip("/"))]
    if not placeholder and not path.startswith("/"):
        candidates.append(os.path.join(os.path.dirname(source_path), path))
    for candidate in candidates:
        full = os.path.normpath(candidate)
        if full.startswith(root + os.sep) and os.path.isfile(full):
            return os.path.relpath(full, root).replace(os.sep, "/")
    return None


def resolve_image(src: str, content: str, source_path: str) -> str | None:
    """The content-relative path of a body image (``bantin_images`` draws its picture from the
    same answer, through ``bantin_images.markup.resolve_source``)."""
    path = unquote(src.split("#", 1)[0].split("?", 1)[0])
    for prefix in ("{static}", "{attach}", "{filename}"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    return _find(path, content, source_path, False)


def _outside(path: str, content: str, source_path: str, placeholder: bool) -> bool:
    root = os.path.normpath(content)
    base = root if placeholder or path.startswith("/") else os.path.dirname(source_path)
    full = os.path.normpath(os.path.join(base, path.lstrip("/") if base == root else path))
    return not full.startswith(root + os.sep)


def check_body(
    markup: str, text: str, source: str, source_path: str, content: str
) -> tuple[str, list[Problem]]:
    """(HTML with file links made ``{static}``/``{filename}``, problems) of one body.

    ``markup`` is the HTML Markdown made of the body of ``text`` (the whole file, for line
    numbers); ``content`` is the content folder.
    """
    if "<" not in markup or ("src" not in markup and "href" not in markup):
        return markup, []
    check = _BodyCheck(text, source, source_path, content)
    return _TAG.sub(check.replace, markup), check.problems


class _BodyCheck:
    """One body being checked: its file, and the problems found so far."""

    def __init__(self, text: str, source: str, source_path: str, content: str):
        self.text = text  # the whole file, for line numbers
        self.source = source
        self.source_path = source_path
        self.content = content
        self.problems: list[Problem] = []

    def report(self, written, message, hint=None, near=("![", "<img", "](", "href", "src")):
        needle = written.split("#")[0] if written else ""
        line = _line(self.text, needle) or _line(self.text, html.escape(needle))
        for fallback in near if line is None else ():
            line = line or _line(self.text, fallback)
        self.problems.append(
            Problem(
                self.source,
                line,
                "",
                message,
                found=written,
                hint=hint,
            )
        )

    def image(self, attributes: dict) -> bool:
        """Check one image; False when it leads nowhere (left out of the page, reported)."""
        src = attributes.get("src", "").strip()
        alt = (attributes.get("alt") or "").strip()
        if not alt:
            self.report(src, *_image_message("no_alt"))
        else:
            marker = next((m for m in _placeholders() if m in alt.upper()), None)
            if marker:
                self.report(
                    src,
                    f"Mô tả ảnh vẫn là chữ giữ chỗ «{marker}» do công cụ ghi sẵn: người khiếm "
                    "thị sẽ nghe đúng chữ này",
                    "thay bằng mô tả ngắn những gì trong ảnh, ví dụ "
                    "![Quang cảnh hội nghị](images/2021/anh.jpg)",
                )
        if _unsafe(src, image=True):
            self.report(src, *_UNSAFE)
            return False
        if not src or src.startswith(("#", "//", "data:")) or _SCHEME.match(src):
            if src.lower().startswith("file:"):
                self.report(src, "Ảnh lấy từ máy của người viết, không có trên trang", _HINT_PATH)
                return False
            return True
        placeholder = _PLACEHOLDER.match(src)
        path = unquote(urlsplit(placeholder.group(2) if placeholder else src).path)
        if resolve_image(src, self.content, self.source_path) is not None:
            return True
        if path and _outside(path, self.content, self.source_path, bool(placeholder)):
            self.report(
                src,
                "Ảnh nằm ngoài thư mục content/, ảnh đó sẽ không được đăng",
                "chép ảnh vào content/images/ rồi viết images/năm/tên-ảnh.jpg",
            )
        else:
            self.report(src, *_image_message("missing"))
        return False

    def link(self, value: str) -> str | None:
        """The value rewritten, None to keep it, "" to drop it (it leads nowhere: reported)."""
        url = value.strip()
        if _unsafe(url, image=False):
            self.report(url, *_UNSAFE)
            return ""
        if not url or url.startswith(("#", "//")):
            return None
        if _SCHEME.match(url):
            if url.lower().startswith("file:"):
                self.report(url, "Liên kết tới tệp trên máy của người viết, không phải trên trang")
                return ""
            return None
        placeholder = _PLACEHOLDER.match(url)
        parts = urlsplit(placeholder.group(2) if placeholder else url)
        path = unquote(parts.path)
        if not path:
            return None
        if not placeholder and path.startswith("/"):
            return None  # an address on the site: the output check follows it
        if _outside(path, self.content, self.source_path, bool(placeholder)):
            self.report(
                url,
                "Liên kết tới tệp nằm ngoài thư mục content/, tệp đó sẽ không được đăng",
                "chép tệp vào content/images/ hoặc content/documents/ rồi " + _HINT_PATH,
            )
            return ""
        found = _find(path, self.content, self.source_path, bool(placeholder))
        suffix = os.path.splitext(path)[1].lower()
        if found is None:
            if not placeholder and not suffix:
                return None  # "gioi-thieu/": an address, the output check follows it
            if suffix in MARKDOWN_SUFFIXES:
                message = "Liên kết tới bài hoặc trang không có"
            elif suffix in _ATTACHMENT_SUFFIXES:
                message = "Không tìm thấy tệp đính kèm"
            else:
                message = "Liên kết tới tệp không có"
            self.report(url, message, f"{_HINT_NAME}; {_HINT_PATH}")
            return ""
        if placeholder:
            return None
        # A path written from content/ or from the file: Pelican publishes it at its address.
        kind = "{filename}" if suffix in MARKDOWN_SUFFIXES else "{static}"
        rest = ("?" + parts.query if parts.query else "") + (
            "#" + parts.fragment if parts.fragment else ""
        )
        return f"{kind}/{found}{rest}"

    def replace(self, match: re.Match) -> str:
        """One start tag with its images checked and its links to files rewritten."""
        if match.group(1) is not None:
            return match.group(0)
        tag = match.group(3).lower()
        attrs = match.group(4)
        if "src" not in attrs and "href" not in attrs:
            return match.group(0)
        attributes = {
            m[1].lower(): html.unescape(next(v for v in m.groups()[1:] if v is not None))
            for m in _ATTR.finditer(attrs)
        }
        if tag == "img":
            # An image that leads nowhere is not drawn (as bantin_images leaves out a photo it
            # cannot read), and Pelican is not asked to publish a file that is not there.
            return match.group(0) if self.image(attributes) else ""
        changed = match.group(0)
        for name in ("href", "src"):
            if name in attributes:
                new = self.link(attributes[name])
                if new is not None:
                    changed = re.sub(
                        rf"""(\s{name}\s*=\s*)(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)""",
                        lambda m, new=new: f'{m.group(1)}"{html.escape(new)}"' if new else "",
                        changed,
                        count=1,
                    )
        return changed
