"""`make check`, content side: one fixture site per problem kind, message and exit code.

Every rule runs inside the build now (the reader, and bantin_core's whole-site step), so these
go through the whole command: build, then the output's link check.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT, SITES

from bantin_publish.__main__ import main
from bantin_publish.sources import ContentFile, planned_output

CASES = {
    "duplicate-path": [
        ("articles/2021/bai-mot.md:6", "Trùng địa chỉ", "2021/03/trung-ten/index.html"),
        (
            "articles/2021/bai-hai.md:6",
            "Trùng địa chỉ",
            "check-duplicate-path/articles/2021/bai-mot.md",
        ),
    ],
    "accents": [
        ("articles/2021/bai-mot.md:5", "chỉ khác dấu", "«Thư»"),
        ("articles/2021/bai-hai.md:5", "chỉ khác dấu", "«Thu»"),
    ],
    "broken-link": [
        ("articles/2021/bai-mot.md:8", "Liên kết tới bài hoặc trang không có", "khong-co.md"),
    ],
    "missing-image": [
        ("articles/2021/bai-mot.md:8", "Không tìm thấy tệp ảnh", "images/khong-co.jpg"),
        ("articles/2021/bai-mot.md:10", "Không tìm thấy tệp đính kèm", "qd-khong-co.pdf"),
    ],
    "outside-content": [
        ("articles/2021/bai-mot.md:8", "nằm ngoài thư mục content/", "README.md"),
    ],
    "missing-alt": [
        ("articles/2021/bai-mot.md:8", "chưa có mô tả (alt)", "![Quang cảnh hội nghị]"),
    ],
    "not-nfc": [
        ("articles/2021/bai-mot.md:8", "không phải Unicode dựng sẵn NFC", "Unikey"),
    ],
    # .markdown, not .md: ruff formats .md files and stops on one that is not UTF-8.
    "not-utf8": [
        ("articles/2021/bai-mot.markdown:8", "không được lưu bằng mã UTF-8", "UTF-8"),
    ],
}


def run_check(capsys, tmp_path, site: str, *extra: str):
    output = tmp_path / "output"
    code = main(["check", "--content", str(SITES / site), "--output", str(output), *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_problem_kind_is_reported_with_file_and_message(capsys, tmp_path, kind):
    code, text = run_check(capsys, tmp_path, f"check-{kind}")
    assert code == 1
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    content = [line for line in lines if f"check-{kind}/" in line]
    assert len(content) == len(CASES[kind]), text
    for where, message, detail in CASES[kind]:
        line = next((x for x in lines if f"check-{kind}/{where}:" in x), None)
        assert line is not None, f"{where} missing in:\n{text}"
        assert message in line and detail in line, line
    assert "KHÔNG đạt" in text and "Traceback" not in text


def test_clean_site_passes(capsys, tmp_path):
    code, text = run_check(capsys, tmp_path, "check-clean")
    assert code == 0, text
    assert "không có lỗi" in text


def test_a_link_written_from_the_file_is_published_at_its_address(capsys, tmp_path):
    """`../../images/anh.svg` (relative to the Markdown file) is rewritten, not refused."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "check-broken-link", site)
    article = site / "articles/2021/bai-mot.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("{filename}/articles/2020/khong-co.md", "#"), "utf-8")
    output = tmp_path / "output"
    code = main(["check", "--content", str(site), "--output", str(output)])
    text = capsys.readouterr().err
    assert code == 0, text
    page = (output / "2021/03/bai-mot/index.html").read_text(encoding="utf-8")
    assert 'href="/images/anh.svg"' in page
    assert (output / "images/anh.svg").is_file()


def test_a_scheduled_post_is_no_error_and_is_not_published(capsys, tmp_path):
    code, text = run_check(capsys, tmp_path, "check-future-date")
    assert code == 0, text
    output = tmp_path / "output"
    assert not (output / "2099").exists() and not (output / "ban-nhap").exists()
    for path in output.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".csv", ".txt"):
            assert "Bài hẹn giờ" not in path.read_text(encoding="utf-8"), path


def test_problems_are_written_as_json(capsys, tmp_path):
    report = tmp_path / "problems.json"
    settings = tmp_path / "conf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"BANTIN_PROBLEMS_FILE = {str(report)!r}\n",
        encoding="utf-8",
    )
    code, _text = run_check(capsys, tmp_path, "check-accents", "--settings", str(settings))
    assert code == 1
    problems = json.loads(report.read_text(encoding="utf-8"))
    assert {p["field"] for p in problems} == {"tags"}
    assert all(p["text"].startswith("tests/sites/check-accents/") for p in problems)
    assert not any(p["draft"] for p in problems)


def test_planned_output_follows_url_settings():
    settings = {
        "DEFAULT_LANG": "vi",
        "ARTICLE_SAVE_AS": "{date:%Y}/{date:%m}/{slug}/index.html",
        "ARTICLE_LANG_SAVE_AS": "{lang}/{slug}.html",
        "DRAFT_SAVE_AS": "ban-nhap/{slug}/index.html",
    }
    base = {"date": "2021-03-19 08:30", "slug": "hoi-nghi"}

    def planned(**data):
        return planned_output(ContentFile(ROOT, "", "article", base | data, {}, "", 1), settings)

    assert planned() == "2021/03/hoi-nghi/index.html"
    assert planned(lang="en") == "en/hoi-nghi.html"
    assert planned(status="draft") == "ban-nhap/hoi-nghi/index.html"
    assert planned(save_as="dac-biet.html") == "dac-biet.html"
