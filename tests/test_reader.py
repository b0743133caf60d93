"""The strict front-matter reader: every kind of mistake staff make gets its Vietnamese message."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from bantin_frontmatter.loader import parse_front_matter
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader
from tests.conftest import get_settings

GOOD = """---
title: "Hội nghị sơ kết: 5 tháng đầu năm 2021"
date: 2021-03-19 08:30
category: Tin hoạt động
tags: [Hội nghị, Sơ kết]
author: Nguyễn Thị Mai
office: Văn phòng Cục
slug: hoi-nghi-so-ket
summary: Cục tổ chức hội nghị sơ kết.
---
Sáng 19/3: Cục tổ chức hội nghị.
"""


@pytest.fixture
def content(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "pages").mkdir()
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "anh.jpg").write_bytes(b"\xff\xd8\xff")
    return tmp_path


def read(content, text, name="articles/bai.md", raw: bytes | None = None):
    path = content / name
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(text, encoding="utf-8")
    reader = BantinMarkdownReader(get_settings(PATH=str(content)))
    return reader.read(str(path))


def with_fields(**changes) -> str:
    """GOOD with fields replaced (value None removes the line)."""
    lines = GOOD.split("\n")
    out = []
    for line in lines:
        key = line.split(":", 1)[0]
        if key in changes:
            value = changes.pop(key)
            if value is not None:
                out.append(f"{key}: {value}")
            continue
        out.append(line)
    for key, value in changes.items():
        out.insert(1, f"{key}: {value}")
    return "\n".join(out)


def test_good_article_reads_into_pelican_objects(content):
    body, meta = read(content, GOOD)
    assert PROBLEMS_KEY not in meta
    assert meta["title"] == "Hội nghị sơ kết: 5 tháng đầu năm 2021"
    assert meta["date"] == dt.datetime(2021, 3, 19, 8, 30)
    assert meta["category"].name == "Tin hoạt động"
    assert meta["category"].slug == "tin-hoat-dong"
    assert [t.name for t in meta["tags"]] == ["Hội nghị", "Sơ kết"]
    assert meta["author"].name == "Nguyễn Thị Mai"
    assert meta["office"] == "Văn phòng Cục"
    # The body's leading "Sáng 19/3:" is text, not metadata (Markdown's meta extension is off).
    assert body == "<p>Sáng 19/3: Cục tổ chức hội nghị.</p>"


def problems_of(meta):
    assert meta["status"] == "skip", "a file with problems must not be published"
    return meta[PROBLEMS_KEY]


# (what staff wrote, field reported, line, words the message must contain)
BAD_CASES = [
    pytest.param(
        with_fields(title="Thông báo: lịch nghỉ Tết"),
        "",
        2,
        ["dấu hai chấm", "ngoặc kép"],
        id="unquoted-colon-in-title",
    ),
    pytest.param(
        with_fields(slug=None),
        "slug",
        2,
        ["Thiếu", "slug: hoi-nghi-so-ket-5-thang-dau-nam-2021"],
        id="missing-slug-suggests-one",
    ),
    pytest.param(
        with_fields(slug="Hội-nghị"),
        "slug",
        8,
        ["chữ thường không dấu", "hoi-nghi"],
        id="non-ascii-slug",
    ),
    pytest.param(with_fields(date="19/03/2021"), "date", 3, ["Ngày", "2021-03-19"], id="dmy-date"),
    pytest.param(
        with_fields(date="12:30"),
        "date",
        3,
        ["Ngày không đúng dạng", '"12:30"'],
        id="sexagesimal-stays-text",
    ),
    pytest.param(
        with_fields(category="Thu"),
        "category",
        4,
        ["Chuyên mục", "Thông báo"],
        id="unknown-category",
    ),
    pytest.param(
        with_fields(tags='"Tin, Sự kiện"'),
        "tags",
        5,
        ["danh sách", "[Tin, Sự kiện]"],
        id="comma-separated-tags",
    ),
    pytest.param(
        with_fields(status="no"), "status", 2, ["Trạng thái", '"no"'], id="no-is-not-false"
    ),
    pytest.param(with_fields(status="off"), "status", 2, ['"off"'], id="off-is-not-false"),
    pytest.param(with_fields(title="010"), None, None, None, id="octal-stays-text"),
    pytest.param(
        with_fields(giai_quyet_xon=1), "giai_quyet_xon", 2, ["Trường không có"], id="unknown-field"
    ),
    pytest.param(with_fields(titel='"Tin"'), "titel", 2, ["title"], id="misspelt-field-suggested"),
    pytest.param(
        with_fields(image="images/khong-co.jpg", image_alt="Ảnh"),
        "image",
        3,
        ["Không tìm thấy tệp"],
        id="missing-image",
    ),
    pytest.param(
        with_fields(image="images/anh.jpg"),
        "image_alt",
        2,
        ["mô tả", "khiếm thị"],
        id="image-without-alt",
    ),
    pytest.param(
        with_fields(image="../secret.jpg", image_alt="x"),
        "image",
        3,
        ["ngoài thư mục"],
        id="image-outside-content",
    ),
    pytest.param(
        with_fields(image="{static}/images/anh.jpg", image_alt="x"),
        "",
        3,
        ["ký tự đặc biệt «{»", "ngoặc kép"],
        id="unquoted-static-brace",
    ),
    pytest.param(
        GOOD.replace("author: Nguyễn Thị Mai", "author: A\nauthor: B"),
        "author",
        7,
        ["hai lần", "dòng 6"],
        id="duplicate-key",
    ),
    pytest.param(
        GOOD.replace("office: Văn phòng Cục", "van_ban:\n\tloai: x"), "", 8, ["Tab"], id="tab"
    ),
    pytest.param(
        GOOD.replace("---\nSáng", "Sáng", 1),
        "",
        1,
        ["không có dòng --- đóng"],
        id="unclosed-front-matter",
    ),
    pytest.param(
        "Chỉ có nội dung.\n", "", 1, ["không có phần thông tin đầu bài"], id="no-front-matter"
    ),
    pytest.param(with_fields(title='""'), "title", 2, ["để trống"], id="empty-title"),
    pytest.param(with_fields(title=None), "title", 2, ["Thiếu", "Tiêu đề"], id="missing-title"),
]


@pytest.mark.parametrize(("text", "field", "line", "words"), BAD_CASES)
def test_bad_front_matter_is_reported_in_vietnamese(content, text, field, line, words):
    _, meta = read(content, text)
    if field is None:  # the value is kept verbatim, no problem at all
        assert PROBLEMS_KEY not in meta
        assert meta["title"] == "010"
        return
    problems = problems_of(meta)
    matching = [p for p in problems if p.field == field]
    assert matching, [p.format() for p in problems]
    problem = matching[0]
    text_out = problem.format()
    assert problem.line == line, text_out
    assert problem.source.endswith("articles/bai.md")
    for word in words:
        assert word in text_out


def test_all_problems_of_a_file_are_listed_together(content):
    text = with_fields(date="19/03/2021", category="Thu", slug=None, tags='"a, b"')
    _, meta = read(content, text)
    fields = {p.field for p in problems_of(meta)}
    assert {"date", "category", "slug", "tags"} <= fields


def test_file_not_utf8_names_the_file_and_line(content):
    raw = GOOD.encode("utf-8").replace("Văn phòng".encode(), "V\xe4n ph\xf2ng".encode("latin-1"))
    _, meta = read(content, None, raw=raw)
    (problem,) = problems_of(meta)
    assert "UTF-8" in problem.message
    assert problem.line == 7


def test_text_is_normalised_to_nfc(content):
    nfd = unicodedata.normalize("NFD", GOOD)
    assert nfd != GOOD
    body, meta = read(content, nfd)
    assert meta["title"] == unicodedata.normalize("NFC", meta["title"])
    assert meta["title"] == "Hội nghị sơ kết: 5 tháng đầu năm 2021"
    assert unicodedata.is_normalized("NFC", body)


def test_byte_order_mark_and_windows_line_ends_are_accepted(content):
    raw = ("\ufeff" + GOOD).replace("\n", "\r\n").encode("utf-8")
    _, meta = read(content, None, raw=raw)
    assert PROBLEMS_KEY not in meta


def test_page_needs_no_date_or_category(content):
    _, meta = read(
        content, "---\ntitle: Giới thiệu\nslug: gioi-thieu\norder: 1\n---\nx", "pages/gt.md"
    )
    assert PROBLEMS_KEY not in meta
    assert meta["order"] == 1


def test_summary_is_plain_text_escaped_for_html(content):
    _, meta = read(content, with_fields(summary='"Giá <b>đất</b> & nhà"'))
    assert meta["summary"] == "Giá &lt;b&gt;đất&lt;/b&gt; &amp; nhà"


def test_document_block_is_checked_field_by_field(content):
    (content / "documents").mkdir()
    (content / "documents" / "qd.pdf").write_bytes(b"%PDF-1.4")
    block = (
        "van_ban:\n  loai: Quyết định\n  so_ky_hieu: 125/QĐ-CTHADS\n"
        "  co_quan_ban_hanh: Cục THADS\n  ngay_ban_hanh: 2021-04-02\n  tep: documents/qd.pdf\n"
    )
    _, meta = read(content, GOOD.replace("---\nSáng", block + "---\nSáng"))
    assert meta["van_ban"].so_ky_hieu == "125/QĐ-CTHADS"
    assert meta["van_ban"].ngay_ban_hanh == dt.date(2021, 4, 2)

    broken = block.replace("  ngay_ban_hanh: 2021-04-02\n", "  ngay_ban_hanh: 02/04/2021\n")
    broken = broken.replace("tep: documents/qd.pdf", "tep: documents/khong.pdf\n  so_hieu: 1")
    _, meta = read(content, GOOD.replace("---\nSáng", broken + "---\nSáng"))
    problems = {p.field: p for p in problems_of(meta)}
    assert problems["van_ban.ngay_ban_hanh"].line == 14
    assert "2021-04-02" in problems["van_ban.ngay_ban_hanh"].format()
    assert "Không tìm thấy tệp" in problems["van_ban.tep"].message
    assert "so_ky_hieu" in problems["van_ban.so_hieu"].format()


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("a: no", "no"),
        ("a: off", "off"),
        ("a: yes", "yes"),
        ("a: 12:30", "12:30"),
        ("a: 010", "010"),
        ("a: 0x1F", "0x1F"),
        ("a: 1_000", "1_000"),
        ("a: .inf", ".inf"),
        ("a: 1.234", 1.234),
        ("a: 2073", 2073),
        ("a: -53", -53),
        ("a: true", True),
        ("a: false", False),
        ("a: 2021-03-19", dt.date(2021, 3, 19)),
    ],
)
def test_strict_loader_never_converts_silently(yaml_text, expected):
    front, problems = parse_front_matter(f"---\n{yaml_text}\n---\n")
    assert problems == []
    assert front.data["a"] == expected
    assert type(front.data["a"]) is type(expected)


# --- Dates not on the calendar, characters YAML refuses, the body's files and images --------
@pytest.mark.parametrize(
    ("written", "field", "words"),
    [
        ("date: 2021-02-30", "date", "Ngày 30/02/2021 không có trên lịch"),
        ("date: 2021-02-29 08:30", "date", "Ngày 29/02/2021 không có trên lịch"),
        ("date: 2021-13-01", "date", "không có tháng 13"),
        ("date: 2021-01-01 25:00:00", "date", "Giờ 25:00 của ngày 01/01/2021 không có"),
        (
            "van_ban: {loai: QĐ, so_ky_hieu: '1', co_quan_ban_hanh: C, ngay_ban_hanh: 2021-04-31}",
            "van_ban.ngay_ban_hanh",
            "Ngày 31/04/2021 không có trên lịch",
        ),
    ],
)
def test_a_date_not_on_the_calendar_is_named_once_at_its_line(content, written, field, words):
    if written.startswith("date:"):
        text, line = GOOD.replace("date: 2021-03-19 08:30", written), 3
    else:
        text, line = GOOD.replace("slug: hoi-nghi-so-ket", "slug: hoi-nghi-so-ket\n" + written), 9
    _, meta = read(content, text)
    [problem] = [p for p in problems_of(meta) if p.field == field]
    assert words in problem.message and problem.line == line
    assert problem.hint


def test_a_control_character_in_the_front_matter_names_its_line(content):
    _, meta = read(content, GOOD.replace("office: Văn phòng Cục", "office: Văn phòng\x00Cục"))
    [problem] = problems_of(meta)
    assert problem.line == 7 and "U+0000" in problem.message


def test_body_images_and_files_as_staff_write_them(content):
    (content / "documents").mkdir()
    (content / "documents" / "qd.pdf").write_bytes(b"%PDF-1.4")
    body = (
        "![Ảnh từ content](images/anh.jpg)\n\n![Ảnh theo tệp](../images/anh.jpg)\n\n"
        "[Quyết định](documents/qd.pdf) và [bản cũ](../documents/qd.pdf#trang-2)\n"
    )
    html, meta = read(content, GOOD + body)
    assert PROBLEMS_KEY not in meta
    assert html.count('src="images/anh.jpg"') == 1 and 'src="../images/anh.jpg"' in html
    assert html.count('href="{static}/documents/qd.pdf') == 2 and "#trang-2" in html


def test_a_body_problem_is_reported_and_the_page_still_built(content):
    body = (
        "Mở đầu.\n\n![](images/anh.jpg)\n\n![Không có](images/2021/khong-co.jpg)\n\n[Tệp](x.pdf)\n"
    )
    html, meta = read(content, GOOD + body)
    assert meta.get("status") != "skip" and "Mở đầu." in html
    problems = {p.line: p for p in meta[PROBLEMS_KEY]}
    assert problems[14].message == "Ảnh chưa có mô tả (alt) cho người khiếm thị"
    assert problems[16].message == "Không tìm thấy tệp ảnh"
    assert problems[18].message == "Không tìm thấy tệp đính kèm"
    # What leads nowhere is left out of the page (the problem says what to fix).
    assert "khong-co.jpg" not in html and "x.pdf" not in html and ">Tệp</a>" in html


def test_a_drafts_problems_are_marked_as_a_drafts(content):
    text = with_fields(status="draft") + "![CẦN VIẾT MÔ TẢ ẢNH](images/anh.jpg)\n"
    _, meta = read(content, text)
    [problem] = meta[PROBLEMS_KEY]
    assert problem.draft and problem.format().split(": ", 1)[1].startswith("(bản nháp) ")
    assert "CẦN VIẾT MÔ TẢ ẢNH" in problem.message


def test_the_readers_own_failure_is_a_problem_of_the_file(content, monkeypatch):
    from bantin_frontmatter import reader as module

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(module, "check_body", broken)
    _, meta = read(content, GOOD)
    [problem] = problems_of(meta)
    assert problem.message == module.CRASH_MESSAGE and "RuntimeError" in problem.found


def test_site_digest_survives_a_file_pelican_could_not_process():
    from bantin_build.fingerprint import site_digest

    context = {"generated_content": {"a.md": None, "b.md": None}}
    assert site_digest(context, []) != site_digest({"generated_content": {"a.md": None}}, [])


@pytest.mark.parametrize(
    "written",
    [
        '<img src="javascript:alert(1)" alt="Ảnh">',
        '<img src="JaVaScRiPt:alert(1)" alt="Ảnh">',
        '<img src="java&#x09;script:alert(1)" alt="Ảnh">',
        "![Ảnh](javascript:alert(1))",
        '<a href="vbscript:msgbox(1)">Xem</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">Xem</a>',
        "[Xem](javascript:alert(1))",
    ],
)
def test_an_address_that_runs_code_is_a_problem_at_its_line(content, written):
    """The sanitizer drops it; staff are told where and why (never silently, never line 1)."""
    html, meta = read(content, GOOD + "Mở đầu.\n\n" + written + "\n")
    (problem,) = meta[PROBLEMS_KEY]
    assert problem.message.startswith("Địa chỉ này chạy mã trên trình duyệt")
    assert problem.line == GOOD.count("\n") + 3
    assert problem.found and ("script" in problem.found.lower() or "data:" in problem.found)
    assert "script:" not in html.lower() and "data:text" not in html


def test_a_photo_written_as_data_is_not_refused(content):
    pixel = "data:image/png;base64,iVBORw0KGgo="
    _, meta = read(content, GOOD + f'Mở đầu.\n\n<img src="{pixel}" alt="Chấm">\n')
    assert PROBLEMS_KEY not in meta or not meta[PROBLEMS_KEY]


def test_control_characters_are_named_at_their_line_and_left_out(content):
    """A feed or sitemap cannot hold them (XML 1.0): found by the no-crash test."""
    text = GOOD + "Mở đầu.\n\nDòng có \x0f ký tự lạ.\n"
    html, meta = read(content, text)
    (problem,) = meta[PROBLEMS_KEY]
    assert "ký tự điều khiển" in problem.message and "U+000F" in problem.message
    assert problem.line == GOOD.count("\n") + 3
    assert "\x0f" not in html and "ký tự lạ" in html
    _, meta = read(content, with_fields(title='"Tiêu đề \\x1b lạ"'))
    assert any("ký tự điều khiển" in p.message and p.field == "title" for p in meta[PROBLEMS_KEY])
