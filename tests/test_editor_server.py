"""The web editor's server (``make admin``) over real HTTP: scope, Host/Origin, token, media,
round-trip saving and the build's checks before saving (bantin_editor.server / .backend)."""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import functools
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import ROOT, SITES, get_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from bantin_editor.backend import EditorBackend
from bantin_editor.roundtrip import merge_entry
from bantin_editor.server import EditorServer

RESULTS = "content/articles/2021/so-ket-5-thang-2021.md"
PHOTO_POST = "content/articles/2021/hoi-nghi-co-anh.md"
PHOTO_POST_TEXT = """---
title: "Hội nghị có ảnh"
date: 2021-07-09 08:00
category: Tin hoạt động
slug: hoi-nghi-co-anh
image: images/2021/hoi-nghi.jpg
image_alt: Toàn cảnh hội trường
---
Nội dung bài.
"""
DISK_CONFIG = {
    "backend": {"name": "git-gateway", "branch": "main"},
    "local_backend": {"url": "http://127.0.0.1:8081/api/v1"},
    "locale": "vi",
    "media_folder": "content/images",
    "collections": [],
}


def _jpeg(colour="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@functools.cache
def _settings():
    return get_settings()


class Site:
    """A temporary copy of a small site, with the editor's server running on a free port."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        self.server = None

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def token(self) -> str:
        return self.server.token

    def request(self, method, path, body=None, *, host=None, headers=None, raw=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        sent = {"Host": f"127.0.0.1:{self.port}" if host is None else host, **(headers or {})}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        payload = response.read()
        connection.close()
        return response.status, payload

    def api(self, action, params=None, *, token=None, **options):
        token = self.token if token is None else token
        path = f"/api/{token}/v1" if token else "/api/v1"
        status, payload = self.request(
            "POST", path, {"action": action, "params": params or {}}, **options
        )
        return status, json.loads(payload)

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    content = root / "content"
    shutil.copytree(SITES / "ketqua" / "articles", content / "articles")
    shutil.copytree(SITES / "ketqua" / "pages", content / "pages")
    (content / "images" / "2021").mkdir(parents=True)
    (content / "images" / "2021" / "hoi-nghi.jpg").write_bytes(_jpeg())
    shutil.copy(SITES / "images" / "images" / "logo.svg", content / "images" / "logo.svg")
    (content / "documents" / "2021").mkdir(parents=True)
    (content / "documents" / "2021" / "bao-cao.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (content / "data").mkdir()
    shutil.copytree(SITES / "congkhai" / "cong-khai", content / "cong-khai")
    shutil.copy(SITES / "congkhai" / "data" / "don_vi.yml", content / "data" / "don_vi.yml")
    (content / "articles" / "2021" / "hoi-nghi-co-anh.md").write_text(
        PHOTO_POST_TEXT, encoding="utf-8"
    )
    (root / "plugins").mkdir()
    (root / ".git" / "hooks").mkdir(parents=True)
    (root / ".git" / "config").write_text("[core]\n\tbare = false\n")
    (root / "pelicanconf.py").write_text("SITENAME = 'x'\n")
    (root / "output" / "admin").mkdir(parents=True)
    (root / "output" / "admin" / "config.yml").write_text(yaml.safe_dump(DISK_CONFIG))
    (root / "output" / "admin" / "index.html").write_text("<!doctype html><title>Soạn bài</title>")
    (root / "output" / "index.html").write_text("<!doctype html><title>Trang chủ</title>")

    running = Site(root)
    backend = EditorBackend({**_settings(), "PATH": str(content)})
    running.server = EditorServer(("127.0.0.1", 0), backend, running.output)
    thread = threading.Thread(target=running.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


def _this_year() -> int:
    """The year in the site's time zone, as the server files uploads."""
    return dt.datetime.now(ZoneInfo(_settings()["TIMEZONE"])).year


def _asset(path: str, data: bytes) -> dict:
    return {"path": path, "content": base64.b64encode(data).decode(), "encoding": "base64"}


def _decap_style(text: str) -> str:
    """What Decap sends back for an untouched entry: the front-matter re-written by another YAML
    writer (quotes dropped, 37.10 → 37.1, flow maps as blocks), the body trimmed."""
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{dumped}---\n{body.strip()}\n"


def _changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(
        before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0
    )
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


# --- Scope --------------------------------------------------------------------------------
OUTSIDE_WRITES = [
    "plugins/x.py",
    "content/../plugins/x.py",
    "../plugins/x.py",
    ".git/hooks/post-checkout",
    "pelicanconf.py",
    "content/data/x.jpg",
    "content/articles/x.jpg",
    "/tmp/x.jpg",
    "content/images/../../pelicanconf.py",
    "content\\images\\x.jpg",
]


@pytest.mark.parametrize("path", OUTSIDE_WRITES)
def test_media_writes_outside_images_and_documents_are_refused(site, path):
    before = {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    status, answer = site.api("persistMedia", {"asset": _asset(path, _jpeg())})
    assert status == 403, answer
    assert answer["error"].startswith("Không được phép")
    after = {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize(
    "path", ["pelicanconf.py", ".git/config", "plugins/x.md", "content/data/menu.md", "/tmp/x.md"]
)
def test_entry_writes_outside_articles_and_pages_are_refused(site, path):
    entry = {"path": path, "raw": "---\ntitle: x\n---\n", "slug": "x"}
    status, answer = site.api("persistEntry", {"dataFiles": [entry], "assets": [], "options": {}})
    assert status == 403, answer
    assert "Không được phép" in answer["error"]
    assert site.read("pelicanconf.py") == b"SITENAME = 'x'\n"
    assert not (site.root / "plugins" / "x.md").exists()


def test_absolute_path_into_content_is_refused(site):
    target = site.content / "articles" / "2021" / "moi.md"
    entry = {"path": str(target), "raw": PHOTO_POST_TEXT, "slug": "moi"}
    status, answer = site.api("persistEntry", {"dataFiles": [entry], "assets": [], "options": {}})
    assert status == 403
    assert "tuyệt đối" in answer["error"]
    assert not target.exists()


def test_symlinks_are_not_followed(site):
    (site.content / "images" / "ra-ngoai").symlink_to(site.root / "plugins")
    (site.content / "articles" / "lien-ket.md").symlink_to(site.root / "pelicanconf.py")
    status, answer = site.api(
        "persistMedia", {"asset": _asset("content/images/ra-ngoai/x.jpg", _jpeg())}
    )
    assert status == 403 and "symlink" in answer["error"]
    assert not (site.root / "plugins" / "x.jpg").exists()
    status, answer = site.api("getEntry", {"path": "content/articles/lien-ket.md"})
    assert status == 403 and "symlink" in answer["error"]
    entry = {"path": "content/articles/lien-ket.md", "raw": PHOTO_POST_TEXT}
    status, answer = site.api("persistEntry", {"dataFiles": [entry], "assets": [], "options": {}})
    assert status == 403
    assert site.read("pelicanconf.py") == b"SITENAME = 'x'\n"
    status, listed = site.api("getMedia", {"mediaFolder": "content/images"})
    assert status == 200 and all("ra-ngoai" not in m["path"] for m in listed)


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("getEntry", {"path": ".git/config"}),
        ("getEntry", {"path": "content/../.git/config"}),
        ("getEntry", {"path": "pelicanconf.py"}),
        ("getMediaFile", {"path": "../.git/config"}),
        ("getMediaFile", {"path": "content/images/../../.git/config"}),
        ("entriesByFiles", {"files": [{"path": ".git/config"}]}),
        ("entriesByFolder", {"folder": ".git", "extension": "md", "depth": 1}),
        ("entriesByFolder", {"folder": "content/data", "extension": "yml", "depth": 1}),
        ("getMedia", {"mediaFolder": "content"}),
        ("getMedia", {"mediaFolder": "content/images/../.."}),
        ("deleteFile", {"path": "pelicanconf.py"}),
    ],
)
def test_reads_and_deletes_outside_the_editors_folders_are_refused(site, action, params):
    status, answer = site.api(action, params)
    assert status == 403, answer
    assert "[core]" not in json.dumps(answer)
    assert (site.root / "pelicanconf.py").exists()


# --- Host, Origin, token --------------------------------------------------------------------
@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "evil.example", "127.0.0.1:1", "127.0.0.2:{port}", ""]
)
def test_foreign_host_is_refused(site, host):
    host = host.format(port=site.port)
    status, page = site.request("GET", "/admin/config.yml", host=host)
    assert status == 403
    assert site.token.encode() not in page
    assert "máy này" in json.loads(page)["error"]
    status, _ = site.api("getEntry", {"path": RESULTS}, host=host)
    assert status == 403


def test_two_host_headers_are_refused(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    connection.putrequest("GET", "/admin/config.yml", skip_host=True)
    connection.putheader("Host", f"127.0.0.1:{site.port}")
    connection.putheader("Host", "evil.example")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 403 and site.token.encode() not in response.read()
    connection.close()


def test_foreign_origin_is_refused_and_nothing_written(site):
    target = site.content / "images" / "2026" / "x.jpg"
    headers = {"Origin": "http://evil.example"}
    status, answer = site.api(
        "persistMedia", {"asset": _asset("content/images/2026/x.jpg", _jpeg())}, headers=headers
    )
    assert status == 403 and "trang web khác" in answer["error"]
    assert not target.exists()
    for origin in ("null", f"http://localhost:{site.port}", f"http://127.0.0.1:{site.port + 1}"):
        status, _ = site.api("info", headers={"Origin": origin})
        assert status == 403, origin
    status, answer = site.api("info", headers={"Origin": f"http://127.0.0.1:{site.port}"})
    assert status == 200 and answer["type"] == "local_fs"


def test_localhost_and_ipv4_loopback_both_work(site):
    for host in (f"localhost:{site.port}", f"127.0.0.1:{site.port}"):
        status, _ = site.api("info", host=host, headers={"Origin": f"http://{host}"})
        assert status == 200, host


def test_api_needs_this_runs_token(site):
    status, answer = site.api("getEntry", {"path": RESULTS}, token="")
    assert status == 401 and "mã phiên" in answer["error"]
    status, answer = site.api("getEntry", {"path": RESULTS}, token="sai-ma-phien")
    assert status == 403 and "Mã phiên" in answer["error"]
    status, answer = site.api("getEntry", {"path": RESULTS})
    assert status == 200 and "ty_le: 37.10" in answer["data"]


def test_api_needs_json(site):
    status, _ = site.request(
        "POST",
        f"/api/{site.token}/v1",
        raw=b'{"action": "info"}',
        headers={"Content-Type": "text/plain"},
    )
    assert status == 415


def test_editor_config_carries_the_token_only_when_served(site):
    status, page = site.request("GET", "/admin/config.yml", host=f"localhost:{site.port}")
    assert status == 200
    config = yaml.safe_load(page)
    assert config["local_backend"] == {"url": f"http://localhost:{site.port}/api/{site.token}/v1"}
    assert config["media_folder"] == "content/images"
    assert site.token.encode() not in site.read("output/admin/config.yml")
    status, page = site.request("GET", "/admin/")
    assert status == 200 and "Soạn bài" in page.decode()
    status, _ = site.request("GET", "/khong-co/")
    assert status == 404


def test_every_run_has_its_own_token(site):
    other = EditorServer(("127.0.0.1", 0), site.server.backend, site.output)
    try:
        assert other.token != site.token and len(other.token) >= 40
    finally:
        other.server_close()


# --- Media --------------------------------------------------------------------------------
def test_media_library_lists_year_folders(site):
    (site.content / "images" / "README.md").write_text("Ảnh để trong thư mục năm.\n")
    status, images = site.api("getMedia", {"mediaFolder": "content/images"})
    assert status == 200
    assert [m["path"] for m in images] == ["images/2021/hoi-nghi.jpg", "images/logo.svg"]
    assert base64.b64decode(images[0]["content"]) == site.read("content/images/2021/hoi-nghi.jpg")
    status, documents = site.api("getMedia", {"mediaFolder": "content/documents"})
    assert [m["path"] for m in documents] == ["documents/2021/bao-cao.pdf"]


@pytest.mark.parametrize(
    "path",
    ["images/2021/hoi-nghi.jpg", "content/images/2021/hoi-nghi.jpg", "content/images/hoi-nghi.jpg"],
)
def test_media_file_of_an_existing_post_is_found(site, path):
    """The first two as the site writes it; the last as Decap asks for a field's photo."""
    status, media = site.api("getMediaFile", {"path": path})
    assert status == 200, media
    assert media["path"] == "images/2021/hoi-nghi.jpg"
    assert base64.b64decode(media["content"]) == site.read("content/images/2021/hoi-nghi.jpg")


def test_missing_media_file_is_a_vietnamese_404(site):
    status, answer = site.api("getMediaFile", {"path": "content/images/khong-co.jpg"})
    assert status == 404 and "Không tìm thấy" in answer["error"]


HOSTILE = {
    "trang.html": b"<!doctype html><script>alert(1)</script>",
    "ma.js": b"alert(document.cookie)",
    "logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "anh.jpg": b"<html><script>alert(1)</script></html>",
    "anh-svg.jpg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "ma-js.png": b"alert(1)//",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("folder", ["images", "documents"])
def test_html_svg_and_scripts_are_refused_even_renamed(site, name, folder):
    path = f"content/{folder}/{name}"
    before = sorted(site.content.rglob("*"))
    status, answer = site.api("persistMedia", {"asset": _asset(path, HOSTILE[name])})
    assert status == 415, answer
    assert answer["error"].startswith(f"Không nhận tệp «{name}»: Tệp ")
    assert "không được đăng" in answer["error"] and "Cách sửa" in answer["error"]
    assert sorted(site.content.rglob("*")) == before


def test_photo_upload_goes_to_the_year_folder_and_never_overwrites(site):
    year = _this_year()
    first, second = _jpeg("red"), _jpeg("blue")
    status, media = site.api("persistMedia", {"asset": _asset("content/images/anh.jpg", first)})
    assert status == 200, media
    assert media["path"] == f"images/{year}/anh.jpg"
    assert site.read(f"content/images/{year}/anh.jpg") == first
    status, media = site.api("persistMedia", {"asset": _asset("content/images/anh.jpg", second)})
    assert media["path"] == f"images/{year}/anh-2.jpg"
    assert site.read(f"content/images/{year}/anh.jpg") == first
    status, media = site.api("persistMedia", {"asset": _asset("content/images/anh.jpg", first)})
    assert media["path"] == f"images/{year}/anh.jpg"  # the same photo again: no copy
    assert sorted(p.name for p in (site.content / "images" / str(year)).iterdir()) == [
        "anh-2.jpg",
        "anh.jpg",
    ]


def test_documents_are_accepted_by_content_and_refused_in_the_wrong_folder(site):
    status, media = site.api(
        "persistMedia", {"asset": _asset("content/documents/quy-che.docx", _docx())}
    )
    assert status == 200 and media["path"].endswith("/quy-che.docx")
    status, answer = site.api(
        "persistMedia", {"asset": _asset("content/images/quy-che.pdf", b"%PDF-1.7\n")}
    )
    assert status == 415 and "tệp PDF, không thuộc thư mục images/" in answer["error"]
    assert not any(site.content.rglob("quy-che.pdf"))


# --- Round trip -----------------------------------------------------------------------------
def _save(site, path, raw, **options):
    entry = {"path": path, "raw": raw, "slug": Path(path).stem}
    return site.api(
        "persistEntry",
        {"dataFiles": [entry], "assets": [], "options": {"commitMessage": "x", **options}},
    )


def test_unchanged_save_is_byte_identical(site):
    before = site.read(RESULTS)
    status, entry = site.api("getEntry", {"path": RESULTS})
    sent = _decap_style(entry["data"])
    assert sent != before.decode() and "ty_le: 37.1\n" in sent
    status, answer = _save(site, RESULTS, sent)
    assert status == 200, answer
    assert answer["saved"] and answer["problems"] == []
    assert site.read(RESULTS) == before


def test_changing_the_title_changes_one_line(site):
    before = site.read(RESULTS)
    sent = _decap_style(before.decode()).replace("05 tháng đầu năm 2021\n", "năm tháng 2021\n", 1)
    status, answer = _save(site, RESULTS, sent)
    assert status == 200, answer
    after = site.read(RESULTS)
    assert _changed_lines(before, after) == [
        '-title: "Hội nghị sơ kết công tác thi hành án dân sự 05 tháng đầu năm 2021"',
        '+title: "Hội nghị sơ kết công tác thi hành án dân sự năm tháng 2021"',
    ]
    assert b"ty_le: 37.10\n" in after and b"ky: {tu: 2020-10-01, den: 2021-02-28}" in after


def test_changing_one_figure_changes_one_line(site):
    before = site.read(RESULTS)
    sent = _decap_style(before.decode()).replace("so_cung_ky: 53\n", "so_cung_ky: 54\n")
    status, answer = _save(site, RESULTS, sent)
    assert status == 200, answer
    assert _changed_lines(before, site.read(RESULTS)) == [
        "-    so_cung_ky: 53",
        "+    so_cung_ky: 54",
    ]


def test_changed_body_is_saved(site):
    before = site.read(PHOTO_POST)
    sent = _decap_style(before.decode()).replace("Nội dung bài.", "Nội dung mới.")
    status, answer = _save(site, PHOTO_POST, sent)
    assert status == 200, answer
    assert _changed_lines(before, site.read(PHOTO_POST)) == ["-Nội dung bài.", "+Nội dung mới."]


_scalars = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(min_value=0, max_value=100, places=2).map(lambda d: f"{d:.2f}"),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
)
_keys = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True)
_fronts = st.dictionaries(
    _keys, st.one_of(_scalars, st.dictionaries(_keys, _scalars, max_size=3)), max_size=6
)


@settings(max_examples=60, deadline=None)
@given(_fronts, st.sampled_from(["plain", "flow"]))
def test_round_trip_keeps_any_front_matter_unchanged(front, style):
    """Whatever staff wrote, a re-serialised unchanged entry merges back to the same bytes."""
    written = yaml.safe_dump(
        front, allow_unicode=True, sort_keys=False, default_flow_style=style == "flow", width=60
    )
    original = f"---\n{written}---\nThân bài.\n"
    assert merge_entry(original, _decap_style(original)) == original


@settings(max_examples=60, deadline=None)
@given(_fronts, _keys, _scalars)
def test_round_trip_changes_only_what_changed(front, key, value):
    original = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\nB\n"
    changed = {**yaml.safe_load(original.split("---\n")[1]), key: value}
    sent = "---\n" + yaml.safe_dump(changed, allow_unicode=True, sort_keys=False) + "---\nB\n"
    merged = merge_entry(original, sent)
    assert yaml.safe_load(merged.split("---\n")[1]) == yaml.safe_load(sent.split("---\n")[1])
    for other, value in front.items():  # every other field keeps its lines as written
        if other != key:
            assert yaml.safe_dump({other: value}, allow_unicode=True, sort_keys=False) in merged


def test_comments_and_crlf_are_kept():
    original = "---\r\n# ghi chú\r\ntitle: Cũ  # tiêu đề\r\nslug: cu\r\n---\r\nThân\r\n"
    sent = "---\ntitle: Mới\nslug: cu\n---\nThân\n"
    assert merge_entry(original, sent) == original.replace("Cũ", "Mới")


# --- Checked before saving -------------------------------------------------------------------
BAD_FIGURES = """---
title: "Kết quả sai"
date: 2021-03-20 08:00
category: Tin hoạt động
slug: ket-qua-sai
{status}ket_qua:
  ky: {{tu: 2020-10-01, den: 2021-02-28}}
  viec:
    co_dieu_kien: 5588
    giai_quyet_xong: 2073
    ty_le: 38.10
---
Tỷ lệ ghi sai.
"""


def test_published_entry_with_problems_is_refused(site):
    path = "content/articles/2021/ket-qua-sai.md"
    status, answer = _save(site, path, BAD_FIGURES.format(status=""), newEntry=True)
    assert status == 422, answer
    assert answer["error"].startswith("Chưa lưu: bài có 1 lỗi")
    assert "ket_qua.viec.ty_le" in answer["error"] and "Bản nháp" in answer["error"]
    assert answer["problems"][0]["field"] == "ket_qua.viec.ty_le"
    assert not (site.root / path).exists()


def test_published_edit_with_problems_leaves_the_file_as_it_was(site):
    before = site.read(RESULTS)
    sent = _decap_style(before.decode()).replace("ty_le: 37.1\n", "ty_le: 99.5\n")
    sent = sent.replace("giai_quyet_xong: 2073", "giai_quyet_xong: 2073\n    co_dieu_kien: 5588")
    status, answer = _save(site, RESULTS, sent)
    assert status == 422, answer
    assert site.read(RESULTS) == before


def test_draft_with_problems_is_saved_and_problems_listed(site):
    path = "content/articles/2021/ket-qua-sai.md"
    status, answer = _save(site, path, BAD_FIGURES.format(status="status: draft\n"))
    assert status == 200, answer
    assert answer["saved"] and answer["status"] == "draft" and not answer["publishable"]
    assert "còn 1 lỗi" in answer["message"]
    assert [p["field"] for p in answer["problems"]] == ["ket_qua.viec.ty_le"]
    assert b"ty_le: 38.10" in site.read(path)


def test_check_only_action_answers_the_builds_problems(site):
    raw = BAD_FIGURES.format(status="")
    status, answer = site.api(
        "bantinCheck", {"path": "content/articles/2021/ket-qua-sai.md", "raw": raw}
    )
    assert status == 200
    assert answer["saved"] is False and answer["publishable"] is False
    problem = answer["problems"][0]
    assert set(problem) >= {"source", "line", "field", "message", "hint", "text"}
    assert problem["line"] == 11 and problem["text"].endswith(".")
    assert not (site.content / "articles" / "2021" / "ket-qua-sai.md").exists()
    status, answer = site.api("bantinCheck", {"path": PHOTO_POST, "raw": PHOTO_POST_TEXT})
    assert answer == {"problems": [], "status": "published", "publishable": True, "saved": False}


def test_new_entry_never_overwrites_another(site):
    before = site.read(PHOTO_POST)
    status, answer = _save(
        site, PHOTO_POST, PHOTO_POST_TEXT.replace("Nội dung", "Khác"), newEntry=True
    )
    assert status == 409 and "ghi đè" in answer["error"]
    assert site.read(PHOTO_POST) == before


def test_photo_uploaded_with_an_entry_goes_to_the_entrys_year(site):
    raw = PHOTO_POST_TEXT.replace("images/2021/hoi-nghi.jpg", "images/anh-moi.jpg").replace(
        "slug: hoi-nghi-co-anh", "slug: bai-moi"
    )
    path = "content/articles/2021/bai-moi.md"
    entry = {"path": path, "raw": raw, "slug": "bai-moi"}
    params = {
        "dataFiles": [entry],
        "assets": [_asset("content/images/anh-moi.jpg", _jpeg("green"))],
        "options": {"newEntry": True},
    }
    status, answer = site.api("persistEntry", params)
    assert status == 200, answer
    assert (site.content / "images" / "2021" / "anh-moi.jpg").is_file()
    assert "image: images/2021/anh-moi.jpg\n" in site.read(path).decode()


def test_refused_entry_leaves_no_uploaded_photo(site):
    path = "content/articles/2021/ket-qua-sai.md"
    entry = {"path": path, "raw": BAD_FIGURES.format(status=""), "slug": "ket-qua-sai"}
    params = {
        "dataFiles": [entry],
        "assets": [_asset("content/images/anh-sai.jpg", _jpeg("green"))],
        "options": {"newEntry": True},
    }
    status, _ = site.api("persistEntry", params)
    assert status == 422
    assert not any(site.content.rglob("anh-sai.jpg")) and not (site.root / path).exists()


def test_photo_from_the_library_is_written_where_it_went(site):
    """Decap writes «images/<name>» for a photo it uploaded; the server put it in a year folder."""
    year = _this_year()
    status, media = site.api("persistMedia", {"asset": _asset("content/images/moi.jpg", _jpeg())})
    assert media["path"] == f"images/{year}/moi.jpg"
    raw = PHOTO_POST_TEXT.replace("images/2021/hoi-nghi.jpg", "images/moi.jpg")
    status, answer = _save(site, PHOTO_POST, _decap_style(raw))
    assert status == 200, answer
    assert _changed_lines(PHOTO_POST_TEXT.encode(), site.read(PHOTO_POST)) == [
        "-image: images/2021/hoi-nghi.jpg",
        f"+image: images/{year}/moi.jpg",
    ]


def test_photo_picked_from_a_year_folder_keeps_its_folder(site):
    """Decap inserts a picked file as «images/<name>»: the one file of that name is meant."""
    (site.content / "images" / "2022").mkdir()
    (site.content / "images" / "2022" / "khac.jpg").write_bytes(_jpeg("blue"))
    sent = _decap_style(PHOTO_POST_TEXT).replace("images/2021/hoi-nghi.jpg", "images/khac.jpg")
    sent += "\n![Ảnh khác](images/khac.jpg)\n![Không có](images/khong-co.jpg)\n"
    status, answer = _save(site, PHOTO_POST, sent.replace("date:", "status: draft\ndate:"))
    assert status == 200, answer
    text = site.read(PHOTO_POST).decode()
    assert "image: images/2022/khac.jpg\n" in text and "](images/2022/khac.jpg)" in text
    assert "](images/khong-co.jpg)" in text  # no such file anywhere: left for the checks
    assert any("khong-co.jpg" in p["text"] for p in answer["problems"])


def test_entries_of_year_folders_are_listed_and_deleted_in_scope(site):
    status, entries = site.api(
        "entriesByFolder", {"folder": "content/articles", "extension": "md", "depth": 2}
    )
    assert status == 200
    paths = [e["file"]["path"] for e in entries]
    assert RESULTS in paths and PHOTO_POST in paths
    assert all(p.startswith("content/articles/20") for p in paths)
    status, _ = site.api("deleteFiles", {"paths": [PHOTO_POST, "images/2021/hoi-nghi.jpg"]})
    assert status == 200
    assert not (site.root / PHOTO_POST).exists()
    assert not (site.content / "images" / "2021" / "hoi-nghi.jpg").exists()


NOTICE = "content/cong-khai/dau-gia/dau-gia-co-ket-qua.yml"


def test_public_notice_round_trip_and_judge(site):
    """content/cong-khai/ entries (bantin_congkhai): YAML files, judged by that plugin."""
    before = site.read(NOTICE)
    data = yaml.safe_load(before)
    unchanged = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert unchanged != before.decode()
    status, answer = _save(site, NOTICE, unchanged)
    assert status == 200 and answer["problems"] == [], answer
    assert site.read(NOTICE) == before
    status, answer = _save(site, NOTICE, unchanged.replace("285000000", "300000000"))
    assert status == 200, answer
    assert _changed_lines(before, site.read(NOTICE)) == [
        "-gia_khoi_diem: 285000000",
        "+gia_khoi_diem: 300000000",
    ]
    edited = site.read(NOTICE)
    status, answer = _save(site, NOTICE, unchanged.replace("ngay_dang:", "ngay_dangx:"))
    assert status == 422 and "ngay_dangx" in answer["error"], answer
    assert site.read(NOTICE) == edited


@pytest.mark.parametrize(
    "path",
    ["content/cong-khai/dau-gia/x.md", "content/cong-khai/khac/x.yml", "content/cong-khai/x.yml"],
)
def test_public_notices_only_in_their_folders(site, path):
    status, answer = _save(site, path, "loai: dau_gia\n")
    assert status == 403, answer
    assert not (site.root / path).exists()


# --- The command make admin runs --------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_admin_server_command(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITES / "ketqua" / "articles", content / "articles")
    (tmp_path / "output" / "admin").mkdir(parents=True)
    (tmp_path / "output" / "admin" / "config.yml").write_text(yaml.safe_dump(DISK_CONFIG))
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "bantin_editor.server",
        "--settings",
        str(ROOT / "pelicanconf.py"),
    ]
    command += ["--content", str(content), "--output", str(tmp_path / "output")]
    command += ["--port", str(port), "-e", "BANTIN_PREVIEW=true", 'SITENAME="Thử"']
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert "Trình soạn thảo: http://127.0.0.1:" in process.stdout.readline()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/admin/config.yml")
        url = yaml.safe_load(connection.getresponse().read())["local_backend"]["url"]
        assert url.startswith(f"http://127.0.0.1:{port}/api/") and url.endswith("/v1")
        body = json.dumps({"action": "getEntry", "params": {"path": RESULTS}})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("POST", url, body, {"Content-Type": "application/json"})
        answer = json.loads(connection.getresponse().read())
        assert "ty_le: 37.10" in answer["data"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
