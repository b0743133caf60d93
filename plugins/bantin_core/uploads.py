"""What staff may upload: an allow-list of file types per content folder, judged by content.

Everything under ``content/images`` and ``content/documents`` is published. A file is judged by
its first bytes, not by its name: an HTML page or a script renamed ``anh.jpg`` is still refused,
and so is a ``.pdf`` that is really a web page. HTML, scripts and SVG run code in a browser
(``script-src 'self'`` allows a script the site itself serves), so none is published; the one
SVG a site needs, the agency's logo, is published through :func:`sanitize_svg`.

The build (``bantin_images``: every entry point, ``make html`` to ``make publish``) and the web
editor's upload check ask :func:`refusal`, so the two cannot disagree.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
import zipfile
from dataclasses import dataclass

#: How much of a file :func:`file_kind` needs to read.
HEAD_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    """A file type staff may upload: its name in Vietnamese and the folder it belongs in."""

    name: str
    label: str
    folder: str  # "images" or "documents"


PHOTO_KINDS = {
    "jpeg": Kind("jpeg", "ảnh JPEG", "images"),
    "png": Kind("png", "ảnh PNG", "images"),
    "webp": Kind("webp", "ảnh WebP", "images"),
    "gif": Kind("gif", "ảnh GIF", "images"),
    "heic": Kind("heic", "ảnh HEIC (iPhone)", "images"),
}
DOCUMENT_KINDS = {
    "pdf": Kind("pdf", "tệp PDF", "documents"),
    "ooxml": Kind("ooxml", "tệp Word, Excel hoặc PowerPoint (.docx, .xlsx, .pptx)", "documents"),
    "odf": Kind("odf", "tệp OpenDocument (.odt, .ods, .odp)", "documents"),
    "ole": Kind("ole", "tệp Word, Excel cũ (.doc, .xls)", "documents"),
}
KINDS = {**PHOTO_KINDS, **DOCUMENT_KINDS}
ALLOWED = {
    "images": "ảnh JPEG, PNG, WebP, GIF hoặc HEIC",
    "documents": "tệp PDF, Word, Excel, PowerPoint hoặc OpenDocument",
}

_SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis", b"avif"}


def file_kind(data: bytes, whole=None) -> str | None:
    """The kind of a file from its first bytes; ``whole`` (all of it: bytes, a path or a file)
    is opened only for zip containers."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heic"
    if data.startswith(b"PK\x03\x04") and whole is not None:
        return _zip_kind(whole)
    return None


def _zip_kind(whole) -> str | None:
    """Office Open XML and OpenDocument are zip files with a telling first member."""
    if isinstance(whole, bytes):
        whole = io.BytesIO(whole)
    try:
        with zipfile.ZipFile(whole) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return "ooxml"
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if mimetype.startswith(b"application/vnd.oasis.opendocument."):
                    return "odf"
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def refusal(folder: str, name: str, data) -> str | None:
    """Why a file may not be published in ``folder`` (``images``/``documents``); None: it may.

    ``data`` is the whole file as bytes, or its path (then only what is needed is read).
    A harmless SVG image may be published (as :func:`sanitize_svg` makes it); one that could
    run code may not.
    """
    if folder not in ALLOWED:
        return None
    if isinstance(data, bytes):
        head = data[:HEAD_BYTES]
    else:
        with open(data, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    kind = file_kind(head, data)
    if kind is None and folder == "images" and _looks_like_svg(head):
        whole = data if isinstance(data, bytes) else _read(data)
        try:
            removed = unsafe_parts(whole)
        except UnsafeSvg as exc:
            return f"Tệp SVG không đọc được ({exc}): không được đăng"
        if not removed:
            return None
        return (
            "Tệp SVG có phần chạy mã trên trình duyệt (" + ", ".join(removed[:3]) + "): "
            "không được đăng"
        )
    if kind is None:
        what = _what_it_is(name, head)
        return f"Tệp {what} không được đăng trong thư mục {folder}/: chỉ nhận {ALLOWED[folder]}"
    if KINDS[kind].folder != folder:
        return (
            f"Tệp này là {KINDS[kind].label}, không thuộc thư mục {folder}/ "
            f"(chỉ nhận {ALLOWED[folder]})"
        )
    return None


def _read(path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith((b"<svg", b"<?xml")) and b"<svg" in text


def _what_it_is(name: str, head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body")):
        return "trang web (HTML), có thể chạy mã độc,"
    if b"<svg" in text[:2048]:
        return "SVG (có thể chứa mã chạy trên trình duyệt)"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("js", "mjs", "html", "htm", "xhtml", "php", "exe", "bat", "cmd", "sh"):
        return f".{suffix} (chương trình hoặc trang web)"
    return "không rõ loại (nội dung không phải ảnh hay văn bản)"


# --- The agency's logo ---------------------------------------------------------------------
# No maintained Python library sanitizes SVG (nh3/ammonia is for HTML and drops SVG's
# namespaces); the logo needs only shapes, text and gradients, so an allow-list is short.
_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_ELEMENTS = {
    "svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "text",
    "tspan", "title", "desc", "defs", "linearGradient", "radialGradient", "stop", "clipPath",
    "mask", "symbol", "use",
}  # fmt: skip
_ATTRIBUTES = {
    "id", "class", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy",
    "r", "rx", "ry", "d", "points", "fill", "fill-opacity", "fill-rule", "stroke",
    "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-opacity", "stroke-dasharray",
    "stroke-miterlimit", "opacity", "transform", "offset", "stop-color", "stop-opacity",
    "gradientUnits", "gradientTransform", "clip-path", "clip-rule", "mask", "font-family",
    "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "role",
    "aria-label", "aria-labelledby", "aria-hidden", "preserveAspectRatio", "version",
    "letter-spacing", "dx", "dy", "fx", "fy", "spreadMethod", "patternUnits", "xml:space",
    "{http://www.w3.org/XML/1998/namespace}space", "style",
}  # fmt: skip


class UnsafeSvg(ValueError):
    """An SVG that cannot be read as SVG at all."""


def unsafe_parts(data: bytes) -> list[str]:
    """What in an SVG could run code or load from outside (empty: nothing)."""
    removed: list[str] = []
    _parse_and_clean(data, removed)
    return [part for part in removed if _dangerous(part)]


def _dangerous(part: str) -> bool:
    lowered = part.lower()
    return (
        lowered.startswith(("<script", "<foreignobject", "<iframe", "<embed", "<object"))
        or lowered.startswith(("<handler", "<listener", "<a", "<animate", "<set"))
        or lowered.startswith("on")
        or "href" in lowered
        or "url(" in lowered
    )


def sanitize_svg(data: bytes) -> bytes:
    """The SVG with only shapes, text and gradients: no script, event handler or outside link.

    Raises :class:`UnsafeSvg` when it is not a readable SVG document (then it is not published).
    """
    return _parse_and_clean(data, [])


def _parse_and_clean(data: bytes, removed: list[str]) -> bytes:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeSvg("SVG có khai báo DOCTYPE/ENTITY")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise UnsafeSvg(f"không đọc được SVG: {exc}") from exc
    if root.tag != f"{{{_SVG}}}svg":
        raise UnsafeSvg("tệp không phải SVG")
    _clean(root, removed)
    ElementTree.register_namespace("", _SVG)
    ElementTree.register_namespace("xlink", _XLINK)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def _clean(element, removed: list[str]) -> None:
    for name in list(element.attrib):
        value = element.attrib[name]
        local = name.rsplit("}", 1)[-1]
        squeezed = value.replace(" ", "")
        outside = "url(" in squeezed and "url(#" not in squeezed
        if local == "href" and value.startswith("#"):
            continue  # only references inside the image itself
        if local == "href" or name not in _ATTRIBUTES or outside:
            removed.append(f"{local}={value[:40]!r}" if local == "href" or outside else local)
            del element.attrib[name]
    for child in list(element):
        tag = child.tag if isinstance(child.tag, str) else ""
        namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        if namespace != _SVG or local not in _ELEMENTS:
            removed.append(f"<{local}>")
            element.remove(child)
        else:
            _clean(child, removed)
