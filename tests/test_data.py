"""content/data/*.yml: read strictly, each mistake reported with file and entry."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from bantin_data.schema import load_data_folder
from conftest import ROOT, SITES


def write(folder, name, text):
    (folder / f"{name}.yml").write_text(text, encoding="utf-8")


def test_good_data(tmp_path):
    write(
        tmp_path,
        "menu",
        "- ten: Giới thiệu\n  duong_dan: /gioi-thieu/\n  muc_con:\n"
        "    - {ten: Lãnh đạo, duong_dan: /lanh-dao/}\n",
    )
    write(
        tmp_path, "don_vi", "- {ten: Chi cục THADS huyện Long Mỹ, ma: long-my, den: 2025-06-30}\n"
    )
    write(tmp_path, "chi_tieu", "- {nam: 2022, viec: 81.50, tien: 40.10}\n")
    data, problems = load_data_folder(str(tmp_path))
    assert problems == []
    assert data["menu"][0].children[0].ten == "Lãnh đạo"
    unit = data["don_vi"][0]
    assert unit.active_on(dt.date(2025, 6, 30)) and not unit.active_on(dt.date(2025, 7, 1))
    assert data["chi_tieu"][2022].viec == Decimal("81.5")


@pytest.mark.parametrize(
    ("name", "text", "field", "words"),
    [
        ("menu", "- ten: Giới thiệu\n", "menu[1].duong_dan", "Thiếu"),
        ("menu", "- {ten: A, duong_dan: /a/, link: x}\n", "menu[1].link", "Trường lạ"),
        ("menu", "ten: A\n", "menu", "danh sách"),
        ("chi_tieu", "- {nam: 2022, viec: 181.5}\n", "chi_tieu[1].viec", "0 đến 100"),
        ("chi_tieu", "- {nam: 2022, viec: '81,5'}\n", "chi_tieu[1].viec", "81.50"),
        ("chi_tieu", "- {nam: hai, viec: 81.5}\n", "chi_tieu[1].nam", "năm"),
        ("don_vi", "- {ten: A, ma: a, den: 30/06/2025}\n", "don_vi[1].den", "2025-06-30"),
        ("don_vi", "- {ten: A}\n", "don_vi[1].ma", "Thiếu"),
    ],
)
def test_data_problems_name_file_and_entry(tmp_path, name, text, field, words):
    write(tmp_path, name, text)
    _, problems = load_data_folder(str(tmp_path))
    assert [p.field for p in problems] == [field]
    assert problems[0].source.endswith(f"{name}.yml")
    assert words in problems[0].format()


def test_yaml_syntax_error_names_the_line(tmp_path):
    write(tmp_path, "menu", "- ten: A\n  duong_dan: /a/\n- ten: B: C\n")
    _, problems = load_data_folder(str(tmp_path))
    assert problems[0].line == 3
    assert "ngoặc kép" in problems[0].format()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/gioi-thieu/",
        "/tim-kiem/?q=thi+h%C3%A0nh+%C3%A1n#ket-qua",
        "https://moj.gov.vn/",
        "HTTP://thads.moj.gov.vn/tin-tuc",
        "mailto:thads@haugiang.gov.vn",
        "tel:+842933876543",
    ],
)
def test_menu_urls_that_are_allowed(tmp_path, url):
    write(tmp_path, "menu", f"- ten: Mục\n  duong_dan: {json.dumps(url)}\n")
    data, problems = load_data_folder(str(tmp_path))
    assert problems == []
    assert data["menu"][0].duong_dan == url


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("javascript:alert(1)", "«javascript:» không được phép"),
        ("JavaScript:alert(1)", "«JavaScript:» không được phép"),
        ("  javascript:alert(1)", "«javascript:» không được phép"),
        ("java\tscript:alert(1)", "«javascript:» không được phép"),
        ("java\nscript:alert(1)", "«javascript:» không được phép"),
        ("\x01javascript:alert(1)", "«javascript:» không được phép"),
        ("java\u200bscript:alert(1)", "«javascript:» không được phép"),
        ("&#106;avascript:alert(1)", "«javascript:» không được phép"),
        ("&#x6A;avascript&colon;alert(1)", "«javascript:» không được phép"),
        ("&amp;#106;avascript:alert(1)", "«javascript:» không được phép"),
        ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "«data:» không được phép"),
        ("VBScript:msgbox(1)", "«VBScript:» không được phép"),
        ("file:///C:/bao-cao.docx", "«file:» không được phép"),
        ("//evil.example/", "«//» trỏ ra một trang web khác"),
        ("/\\evil.example/", "«//» trỏ ra một trang web khác"),
        ("gioi-thieu/", "không phải trang của trang web"),
        ("www.moj.gov.vn", "không phải trang của trang web"),
        ("/gioi thieu/", "dấu cách"),
        ("https://moj.gov.vn/\u200b", "ký tự ẩn"),
    ],
)
def test_menu_urls_that_are_refused(tmp_path, url, words):
    write(
        tmp_path,
        "menu",
        "# Trình đơn\n- {ten: Trang chủ, duong_dan: /}\n"
        f"- ten: Mục\n  duong_dan: {json.dumps(url)}\n",
    )
    data, problems = load_data_folder(str(tmp_path))
    [problem] = problems
    assert (problem.field, problem.line) == ("menu[2].duong_dan", 4)
    assert problem.source.endswith("menu.yml")
    assert words in problem.format()
    assert "Cách sửa:" in problem.format()
    assert [item.duong_dan for item in data["menu"]] == ["/"], "the entry is left out"


def test_a_refused_submenu_url_names_its_line(tmp_path):
    write(
        tmp_path,
        "menu",
        "- ten: Giới thiệu\n  duong_dan: /gioi-thieu/\n  muc_con:\n"
        "    - {ten: Lãnh đạo, duong_dan: /lanh-dao/}\n"
        "    - {ten: Bản đồ, duong_dan: 'javascript:void(0)'}\n",
    )
    _, problems = load_data_folder(str(tmp_path))
    assert [(p.field, p.line) for p in problems] == [("menu[1].muc_con[2].duong_dan", 5)]
    # Other data problems now carry their line too.
    write(tmp_path, "don_vi", "- {ten: A, ma: a}\n- {ten: B, ma: b, den: 30/06/2025}\n")
    _, problems = load_data_folder(str(tmp_path))
    assert [(p.field, p.line) for p in problems if "don_vi" in p.source] == [("don_vi[2].den", 2)]


@pytest.mark.slow
def test_make_check_reports_a_broken_menu_link(tmp_path):
    """The menu is rendered into the pages, so `make check`'s output link check covers it:
    top-level entries on every page, sub-menu entries at least on the site map."""
    content = tmp_path / "content"
    shutil.copytree(SITES / "check-clean", content)
    write(
        content / "data",
        "menu",
        "- {ten: Trang chủ, duong_dan: /}\n- {ten: Văn bản, duong_dan: /van-ban-khong-co/}\n"
        "- ten: Giới thiệu\n  duong_dan: /gioi-thieu/\n  muc_con:\n"
        "    - {ten: Lãnh đạo, duong_dan: /lanh-dao-khong-co/}\n",
    )
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.bantin-installed", "check",
         f"INPUTDIR={content}", f"OUTPUTDIR={tmp_path / 'output'}"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0, result.stdout + result.stderr
    report = result.stdout + result.stderr
    assert "«/van-ban-khong-co/» không có trong bản dựng" in report
    assert "«/lanh-dao-khong-co/» không có trong bản dựng" in report
    assert "content/data/menu.yml" in report, "the fix names the menu file"
