"""Which uploaded files the editor accepts, judged by their content and not only by their name.

Photos (JPEG, PNG, WebP, GIF, HEIC) go in ``images/``; documents (PDF, Word, Excel, PowerPoint,
OpenDocument, and the old Office formats) in ``documents/``. Everything else — HTML, scripts,
SVG (it can carry scripts), archives, programs — is refused with a Vietnamese message, even when
renamed to ``.jpg``: a file published as it is must not be able to run in a reader's browser.
"""

from __future__ import annotations

import io
import zipfile

PHOTO_TYPES = {
    "JPEG": ("jpg", "jpeg"),
    "PNG": ("png",),
    "WebP": ("webp",),
    "GIF": ("gif",),
    "HEIC": ("heic", "heif"),
}
DOCUMENT_TYPES = {
    "PDF": ("pdf",),
    "Word": ("docx",),
    "Excel": ("xlsx",),
    "PowerPoint": ("pptx",),
    "OpenDocument văn bản": ("odt",),
    "OpenDocument bảng tính": ("ods",),
    "OpenDocument trình chiếu": ("odp",),
    "Office cũ (doc/xls/ppt)": ("doc", "xls", "ppt"),
}
ALLOWED = {"images": PHOTO_TYPES, "documents": DOCUMENT_TYPES}
FOLDER_WORDS = {
    "images": "ảnh (JPEG, PNG, WebP, GIF, HEIC)",
    "documents": "tài liệu (PDF, Word, Excel, PowerPoint, OpenDocument)",
}

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_OOXML_MAIN = {
    "Word": "wordprocessingml.document.main+xml",
    "Excel": "spreadsheetml.sheet.main+xml",
    "PowerPoint": "presentationml.presentation.main+xml",
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "OpenDocument văn bản",
    b"application/vnd.oasis.opendocument.spreadsheet": "OpenDocument bảng tính",
    b"application/vnd.oasis.opendocument.presentation": "OpenDocument trình chiếu",
}


class UploadRefused(ValueError):
    """A file the editor does not save; ``str()`` is the Vietnamese message for staff."""


def _zip_type(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "[Content_Types].xml" in names:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if "macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
                return None  # Office files with macros: programs, not documents
            for kind, main in _OOXML_MAIN.items():
                if f"application/vnd.openxmlformats-officedocument.{main}" in types:
                    return kind
            return None
        if "mimetype" in names:
            return _ODF_MIMETYPES.get(archive.read("mimetype").strip())
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def detect_type(data: bytes) -> str | None:
    """The allowed type of a file's bytes (a key of PHOTO_TYPES or DOCUMENT_TYPES), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIC"
    if data.startswith(b"%PDF-"):
        return "PDF"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "Office cũ (doc/xls/ppt)"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return None


def check_upload(folder: str, name: str, data: bytes) -> str:
    """The file's type if ``name`` with these bytes may be saved in ``folder`` (``images`` or
    ``documents``); raises :class:`UploadRefused` with a Vietnamese message otherwise."""
    allowed = ALLOWED.get(folder)
    if allowed is None:
        raise UploadRefused(
            f"Tệp «{name}»: chỉ được tải tệp lên thư mục images/ (ảnh) hoặc documents/ (tài liệu)"
        )
    kind = detect_type(data)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind not in allowed:
        what = f"nội dung là {kind}" if kind else "nội dung không phải ảnh hay tài liệu được nhận"
        other = "documents" if folder == "images" else "images"
        where = f" (tệp {kind} đặt trong {other}/)" if kind in ALLOWED[other] else ""
        raise UploadRefused(
            f"Không nhận tệp «{name}»: {what}{where}. Thư mục {folder}/ chỉ nhận "
            f"{FOLDER_WORDS[folder]}; trang web, mã chạy (HTML, JavaScript) và ảnh SVG không "
            "được tải lên. Cách sửa: lưu lại thành một trong các dạng trên rồi tải lên"
        )
    if extension not in allowed[kind]:
        raise UploadRefused(
            f"Không nhận tệp «{name}»: tên có đuôi «.{extension}» nhưng nội dung là {kind}. "
            f"Cách sửa: đổi tên tệp cho có đuôi .{allowed[kind][0]} rồi tải lên lại"
        )
    return kind
