"""What staff upload: the allow-list per folder, judged by content; SVG sanitized."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from bs4 import BeautifulSoup
from conftest import SITES, build_site

from bantin_core.uploads import refusal, sanitize_svg, unsafe_parts

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
HTML = b"<!DOCTYPE html><html><script src='/documents/2024/a.js'></script></html>"
SCRIPT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
    b'<circle r="5" onload="alert(2)"/></svg>'
)
PLAIN_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="5" fill="red"/></svg>'


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
PLAIN_ZIP = _zip({"a.js": "alert(1)"})


@pytest.mark.parametrize(
    ("folder", "name", "data", "refused"),
    [
        ("images", "2021/anh.jpg", JPEG, None),
        ("images", "2021/anh.png", PNG, None),
        ("images", "2021/anh.svg", PLAIN_SVG, None),
        ("images", "2021/anh.svg", SCRIPT_SVG, "có phần chạy mã"),
        ("images", "2021/anh.jpg", HTML, "trang web (HTML)"),  # renamed: judged by content
        ("images", "2021/qd.pdf", PDF, "không thuộc thư mục images/"),
        ("documents", "2024/qd.pdf", PDF, None),
        ("documents", "2024/bao-cao.docx", DOCX, None),
        ("documents", "2024/bao-cao.odt", ODT, None),
        ("documents", "2024/a.html", HTML, "trang web (HTML)"),
        ("documents", "2024/a.js", b"alert(1)", ".js"),
        ("documents", "2024/a.pdf", HTML, "trang web (HTML)"),
        ("documents", "2024/a.zip", PLAIN_ZIP, "không rõ loại"),
        ("documents", "2024/anh.svg", PLAIN_SVG, "SVG"),
        ("documents", "2024/anh.jpg", JPEG, "không thuộc thư mục documents/"),
        ("data", "menu.yml", b"x: 1", None),  # not an upload folder
    ],
)
def test_refusal(folder, name, data, refused):
    reason = refusal(folder, name, data)
    if refused is None:
        assert reason is None
    else:
        assert reason is not None and refused in reason


def test_refusal_reads_a_path(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(DOCX)
    assert refusal("documents", "a.docx", str(path)) is None
    path.write_bytes(PLAIN_ZIP)
    assert refusal("documents", "a.docx", str(path)) is not None


@pytest.mark.parametrize(
    "svg",
    [
        SCRIPT_SVG,
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe/></foreignObject></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        b'<a x:href="javascript:alert(1)"><circle r="1"/></a></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="onmouseover" to="x"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x.test/a)"/></svg>',
    ],
)
def test_sanitized_svg_keeps_no_code(svg):
    assert unsafe_parts(svg)
    clean = sanitize_svg(svg).lower()
    for needle in (b"script", b"onload", b"foreignobject", b"javascript", b"http://x.test", b"<a"):
        assert needle not in clean
    assert unsafe_parts(sanitize_svg(svg)) == []


def test_logo_keeps_its_shapes_and_title():
    logo = (SITES / "basic" / "images" / "logo.svg").read_bytes()
    clean = sanitize_svg(logo)
    assert unsafe_parts(logo) == []
    assert clean.count(b"<") >= logo.count(b"<") - logo.count(b"<?") - logo.count(b"<!--")


@pytest.mark.slow
def test_build_publishes_only_allowed_uploads(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITES / "basic", content)
    (content / "documents" / "2024").mkdir(parents=True)
    (content / "documents" / "2024" / "a.html").write_bytes(HTML)
    (content / "documents" / "2024" / "a.js").write_bytes(b"alert(1)")
    (content / "documents" / "2024" / "qd.pdf").write_bytes(PDF)
    (content / "images" / "2021").mkdir(parents=True)
    (content / "images" / "2021" / "xau.svg").write_bytes(SCRIPT_SVG)
    (content / "images" / "2021" / "gia.jpg").write_bytes(HTML)
    logo = content / "images" / "logo.svg"
    logo.write_bytes(logo.read_bytes().replace(b"</svg>", b"<script>alert(1)</script></svg>"))
    output = tmp_path / "output"
    result = build_site(content, output, "BANTIN_FAIL_ON_PROBLEMS=false")
    assert result.returncode == 0, result.stderr
    log = result.stderr
    for name, needle in [
        ("documents/2024/a.html", "trang web (HTML)"),
        ("documents/2024/a.js", ".js"),
        ("images/2021/xau.svg", "có phần chạy mã"),
        ("images/2021/gia.jpg", "trang web (HTML)"),
    ]:
        assert any(name in line and needle in line for line in log.splitlines()), (name, log)
        assert not (output / name).exists(), name
    assert (output / "documents" / "2024" / "qd.pdf").read_bytes() == PDF
    published_logo = (output / "images" / "logo.svg").read_bytes()
    assert b"script" not in published_logo and b"<circle" in published_logo
    home = BeautifulSoup((output / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("img", src=lambda s: s and s.endswith("logo.svg"))
