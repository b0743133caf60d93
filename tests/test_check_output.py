"""`make check`, output side: the link checker over a built site, and the whole command."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, SITES

from bantin_publish.links import check_output, resolve


@pytest.mark.parametrize(
    ("url", "page", "expected"),
    [
        ("/gioi-thieu/", "index.html", "gioi-thieu/index.html"),
        ("../anh.jpg", "2021/03/bai/index.html", "2021/03/anh.jpg"),
        ("anh.jpg?v=2#x", "2021/03/bai/index.html", "2021/03/bai/anh.jpg"),
        ("/t%C3%A0i-li%E1%BB%87u.pdf", "index.html", "tài-liệu.pdf"),
        ("https://example.org/a/", "index.html", "a/index.html"),
        ("https://moj.gov.vn/", "index.html", None),
        ("//cdn.example/x.js", "index.html", None),
        ("mailto:a@b.vn", "index.html", None),
        ("#main-content", "index.html", None),
    ],
)
def test_resolve(url, page, expected):
    assert resolve(url, page, "https://example.org") == expected


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_broken_targets_are_grouped_with_the_pages_that_use_them(tmp_path):
    write(tmp_path / "style.css", "body{background:url('img/nen.png')} a{background:url(ok.png)}")
    write(tmp_path / "ok.png", "")
    write(tmp_path / "gioi-thieu/index.html", "")
    page = (
        '<link rel="stylesheet" href="/style.css"><link rel="alternate" href="/khong.xml">'
        '<a href="/gioi-thieu/">a</a><a href="/gioi-thieu">b</a><a href="/mat/">c</a>'
        '<img src="ok.png" srcset="ok.png 1x, to.png 2x" alt=""><a href="https://x.vn/">d</a>'
    )
    write(tmp_path / "index.html", page)
    write(tmp_path / "2021/index.html", page.replace('"ok.png', '"/ok.png'))
    problems = check_output(tmp_path, label="output")
    by_url = {p.message.split("«")[1].split("»")[0]: p for p in problems}
    assert len(problems) == 4  # to.png is missing twice: beside index.html and in 2021/
    assert sorted(by_url) == ["/mat/", "img/nen.png", "to.png"]
    assert "2 trang dẫn tới" in by_url["/mat/"].message
    assert by_url["img/nen.png"].source == "output/style.css"


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "bantin_publish", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.mark.slow
def test_check_fails_on_a_link_that_only_the_built_site_shows(tmp_path):
    output = tmp_path / "output"
    result = run_cli("check", "--content", SITES / "check-output-link", "--output", output)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "«/thong-ke-khong-co/» không có trong bản dựng" in result.stderr
    assert "2021/03/bai-mot/index.html" in result.stderr


@pytest.mark.slow
def test_check_passes_on_a_clean_site(tmp_path):
    output = tmp_path / "output"
    result = run_cli("check", "--content", SITES / "check-clean", "--output", output)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "không có lỗi" in result.stdout


def test_duplicate_paths_are_reported_and_the_rest_is_built(tmp_path):
    """Pelican would stop half-way on two items writing one file: the build takes both out."""
    output = tmp_path / "output"
    result = run_cli("check", "--content", SITES / "check-duplicate-path", "--output", output)
    assert result.returncode == 1
    assert "Trùng địa chỉ" in result.stderr and "Traceback" not in result.stderr
    assert (output / "index.html").is_file()
    assert not (output / "2021/03/trung-ten").exists()
